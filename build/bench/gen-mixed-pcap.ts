// Generates the benchmark capture: N frames of mixed DNS and HTTP traffic (~281 B average),
// built from real frames of the reference captures with varied addresses, ports and DNS ids,
// written as classic pcap (µs). Deterministic (seeded PRNG).
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { indexCapture, PcapWriter } from '../../src-shared/capture';
import { concatBytes } from '../../src-shared/bytes';

interface Template {
  frames: Uint8Array[];
}

function framesOf(file: string): Uint8Array[] {
  const bytes = new Uint8Array(readFileSync(file));
  const ix = indexCapture(bytes);
  const out: Uint8Array[] = [];
  for (let i = 0; i < ix.count; i++) out.push(bytes.slice(ix.dataOffset[i], ix.dataOffset[i] + ix.capturedLength[i]));
  return out;
}

function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function ipChecksum(b: Uint8Array, off: number): void {
  b[off + 10] = 0;
  b[off + 11] = 0;
  let sum = 0;
  for (let i = 0; i < 20; i += 2) sum += (b[off + i] << 8) | b[off + i + 1];
  while (sum > 0xffff) sum = (sum & 0xffff) + (sum >>> 16);
  const ck = ~sum & 0xffff;
  b[off + 10] = ck >> 8;
  b[off + 11] = ck & 255;
}

/** Rewrites one exchange: client address/port, server port (to the well-known one), DNS id. */
function instantiate(t: Template, rnd: () => number, serverPortFrom: number, serverPortTo: number, isDns: boolean): Uint8Array[] {
  const client = [10, (rnd() * 250) | 0, (rnd() * 250) | 0, 1 + ((rnd() * 250) | 0)];
  const server = [192, 0, 2, 1 + ((rnd() * 250) | 0)];
  const cport = 1024 + ((rnd() * 64000) | 0);
  const dnsId = (rnd() * 65536) | 0;
  return t.frames.map((orig) => {
    const f = orig.slice();
    if (f.length < 34 || ((f[12] << 8) | f[13]) !== 0x0800) return f;
    const ip = 14;
    const l4 = ip + (f[ip] & 15) * 4;
    const sport = (f[l4] << 8) | f[l4 + 1];
    const fromClient = sport !== serverPortFrom;
    f.set(fromClient ? client : server, ip + 12);
    f.set(fromClient ? server : client, ip + 16);
    ipChecksum(f, ip);
    const cp = fromClient ? l4 : l4 + 2;
    const spo = fromClient ? l4 + 2 : l4;
    f[cp] = cport >> 8;
    f[cp + 1] = cport & 255;
    f[spo] = serverPortTo >> 8;
    f[spo + 1] = serverPortTo & 255;
    if (isDns && f[ip + 9] === 17) {
      f[l4 + 8] = dnsId >> 8;
      f[l4 + 9] = dnsId & 255;
    }
    return f;
  });
}

export function generateMixedPcap(frames: number, fixturesDir: string, seed = 1): Uint8Array {
  const dnsFrames = framesOf(path.join(fixturesDir, 'dns-udp-queries.pcapng')).filter((f) => ((f[12] << 8) | f[13]) === 0x0800);
  const dnsPairs: Template[] = [];
  for (let i = 0; i + 1 < dnsFrames.length; i += 2) dnsPairs.push({ frames: [dnsFrames[i], dnsFrames[i + 1]] });
  const http: Template[] = ['http-keepalive-3req.pcapng', 'http-redirect-301.pcapng', 'http-get-etag-304.pcapng', 'http-post-json.pcapng', 'http-chunked-gzip.pcapng'].map((f) => ({
    frames: framesOf(path.join(fixturesDir, f)),
  }));
  const big: Template = { frames: framesOf(path.join(fixturesDir, 'tcp-retransmissions.pcapng')).slice(0, 40) };
  const rnd = mulberry32(seed);
  const writer = new PcapWriter({ linkType: 1, snaplen: 262144 });
  const chunks: Uint8Array[] = [writer.header()];
  let n = 0;
  let sec = 1_795_000_000;
  let usec = 0;
  while (n < frames) {
    const r = rnd();
    let exchange: Uint8Array[];
    // Weights tuned for a ~281-byte mean: mostly DNS and small HTTP, some bulk HTTP.
    if (r < 0.6) exchange = instantiate(dnsPairs[(rnd() * dnsPairs.length) | 0], rnd, 15353, 53, true);
    else if (r < 0.952) exchange = instantiate(http[(rnd() * http.length) | 0], rnd, 18080, 80, false);
    else exchange = instantiate(big, rnd, 8080, 80, false);
    for (const data of exchange) {
      if (n >= frames) break;
      usec += 37;
      if (usec >= 1e6) {
        sec++;
        usec -= 1e6;
      }
      chunks.push(writer.record({ timestamp: { seconds: sec, nanoseconds: usec * 1000 }, data, originalLength: data.length }));
      n++;
    }
  }
  return concatBytes(chunks);
}
