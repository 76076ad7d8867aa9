// The column fast path must print exactly what the full dissector prints: every frame of every
// reference capture (and random and mutated frames) goes through both, in order, and the summary
// lines and presence-only filter verdicts are compared frame by frame.
import { describe, it, expect } from 'vitest';
import fc from 'fast-check';
import { readFileSync, readdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import path from 'node:path';
import { readCapture } from '../../capture';
import { createPacket, createSession, lookupField, type DecodeAsEntry } from './index';
import { summaryLine } from './summary';
import { FastColumns, presenceOnly } from './fast-columns';
import { TextWriter } from './text-writer';
import { compileFilter, type CompiledFilter } from '../filter';

const DIRS = ['./fixtures', './fixtures-tls', '../../capture/fixtures'].map((d) => fileURLToPath(new URL(d, import.meta.url)));

interface Frame {
  data: Uint8Array;
  origLen: number;
  sec: number;
  ns: number;
  linkType: number;
  digits: number;
}

function captures(): { name: string; frames: Frame[] }[] {
  const out: { name: string; frames: Frame[] }[] = [];
  for (const dir of DIRS) {
    for (const f of readdirSync(dir).filter((n) => /\.pcap(ng)?$/.test(n))) {
      const file = readCapture(new Uint8Array(readFileSync(path.join(dir, f))));
      const frames = file.packets.map((pk) => {
        const itf = file.interfaces[pk.interfaceId];
        const tsr = itf?.tsUnitsPerSecond ?? 1e6;
        return {
          data: pk.data,
          origLen: pk.originalLength,
          sec: pk.timestamp.seconds,
          ns: pk.timestamp.nanoseconds,
          linkType: itf?.linkType ?? 1,
          digits: Math.max(0, Math.min(9, Math.round(Math.log10(tsr)))),
        };
      });
      out.push({ name: `${path.basename(dir)}/${f}`, frames });
    }
  }
  return out;
}

// Presence-only filters; those needing DNS, UDP, DHCP or ICMP let the fast path skip TCP segments.
const FILTERS = ['dns', 'http', 'tcp && !http', 'udp', 'data', 'json || data-text-lines', 'tls', '!dns', 'ip and not tcp', 'dns || dhcp', 'dns && !udp', 'icmp or dns', 'udp && dns',
  // header fields: values straight from the bytes
  'tcp.port == 18080', 'udp.port == 15353', 'tcp.port == 18443 && !tls', 'ip.addr == 127.0.0.1 && tcp', 'eth.src == eth.dst', 'udp.srcport in {53 5353} || tcp.dstport >= 1024', 'ip.ttl < 64', 'frame.len > 100 and !http',
  'eth.addr == 00:00:00:00:00:00', 'ip.src == 10.0.0.0/8', 'ip.id != 0 && dns', 'udp.length > 100', 'ip.proto == 6 and ip.len == 52', 'eth.type == 0x0800', 'ip.dst == ip.src'];
const decoder = new TextDecoder();

interface Options {
  decodeAs?: DecodeAsEntry[];
  /** A presence-only display filter (`dns`, `tcp && !http`). */
  filter?: string;
  /** Frame numbers (default 1, 2, 3, …). */
  numbers?: number[];
}

/** Summary lines from the full dissector alone. */
function slowLines(frames: Frame[], o: Options = {}): string[] {
  const session = createSession({ decodeAs: o.decodeAs });
  const filter = o.filter === undefined ? undefined : compile(o.filter);
  const p = createPacket({ tree: false, columns: true, wanted: new Set(filter?.fields ?? []) });
  const lines: string[] = [];
  frames.forEach((f, i) => {
    session.dissect(p, f.data, o.numbers?.[i] ?? i + 1, f.origLen, f.sec, f.ns, f.linkType);
    if (filter && !filter.matches(p)) lines.push('(filtered out)');
    else lines.push(summaryLine(p, f.digits));
  });
  return lines;
}

/** Summary lines from the fast path, the full dissector taking the frames it leaves (as `dissect` does). */
function fastLines(frames: Frame[], o: Options = {}): { lines: string[]; fast: number } {
  const session = createSession({ decodeAs: o.decodeAs });
  const filter = o.filter === undefined ? undefined : compile(o.filter);
  const p = createPacket({ tree: false, columns: true, wanted: new Set(filter?.fields ?? []) });
  let text = '';
  const w = new TextWriter((b) => (text += decoder.decode(b)), 4096);
  const presence = o.filter === undefined ? null : presenceOnly(o.filter, lookupField);
  if (o.filter !== undefined && !presence) throw new Error(`not a presence-only filter: ${o.filter}`);
  const fast = new FastColumns(session, p, w, presence?.required ?? null);
  const view = { values: (name: string) => fast.values(name) };
  let count = 0;
  frames.forEach((f, i) => {
    // The frame sits inside a larger buffer, as in the file reader's chunks.
    const b = new Uint8Array(f.data.length + 40).fill(0xee);
    b.set(f.data, 23);
    const number = o.numbers?.[i] ?? i + 1;
    if (fast.line(b, 23, f.data.length, f.origLen, number, f.sec, f.ns, f.linkType, f.digits)) {
      count++;
      if (fast.skipped || (filter && !filter.matches(view))) {
        if (!fast.skipped) w.rollback();
        w.begin();
        w.text('(filtered out)\n');
      }
      return;
    }
    session.dissect(p, f.data, number, f.origLen, f.sec, f.ns, f.linkType);
    w.begin();
    w.text(filter && !filter.matches(p) ? '(filtered out)' : summaryLine(p, f.digits));
    w.byte(10);
  });
  w.end();
  const lines = text.split('\n');
  lines.pop();
  return { lines, fast: count };
}

function compile(text: string): CompiledFilter {
  const r = compileFilter(text, lookupField);
  if (!r.ok) throw new Error(r.error.message);
  return r.filter;
}

const all = captures();

describe('column fast path', () => {
  it('prints the same summary line as the full dissector for every frame of every reference capture', () => {
    let fastFrames = 0;
    let total = 0;
    for (const c of all) {
      const slow = slowLines(c.frames);
      const fast = fastLines(c.frames);
      expect(fast.lines, c.name).toEqual(slow);
      fastFrames += fast.fast;
      total += c.frames.length;
    }
    // Most reference frames are ordinary Ethernet/IPv4 TCP or UDP: the fast path must take them.
    expect(fastFrames).toBeGreaterThan(total / 2);
  });

  it('answers presence and header-field filters like the full dissector on every reference frame', () => {
    for (const filter of FILTERS) {
      for (const c of all) expect(fastLines(c.frames, { filter }).lines, `${c.name} -Y ${filter}`).toEqual(slowLines(c.frames, { filter }));
    }
  });

  it('tells the filters it can answer (protocol presence, header fields) and the protocols a match needs', () => {
    expect(presenceOnly('dns', lookupField)).toEqual({ required: new Set(['dns']) });
    expect(presenceOnly('dns || dhcp', lookupField)).toEqual({ required: new Set(['dns', 'dhcp']) });
    expect(presenceOnly('udp && !dns', lookupField)).toEqual({ required: new Set(['udp']) });
    expect(presenceOnly('!dns', lookupField)).toEqual({ required: null });
    expect(presenceOnly('dns || !udp', lookupField)).toEqual({ required: null });
    expect(presenceOnly('dns.qry.name', lookupField)).toBeNull();
    expect(presenceOnly('dns && ip.ttl > 3', lookupField)).toEqual({ required: new Set(['dns']) });
    expect(presenceOnly('tcp.port == 80', lookupField)).toEqual({ required: null });
    expect(presenceOnly('tcp.stream == 1', lookupField)).toBeNull();
    expect(presenceOnly('ip.src == ip.dst', lookupField)).toEqual({ required: null });
    expect(presenceOnly('ip.src[0:2] == 0a:00', lookupField)).toBeNull();
    expect(presenceOnly('tcp.port == tcp.stream', lookupField)).toBeNull();
    expect(presenceOnly('dns contains "x"', lookupField)).toBeNull();
    expect(presenceOnly('ip.options', lookupField)).toBeNull();
    expect(presenceOnly('_ws.expert', lookupField)).toBeNull();
  });

  it('follows Decode As like the full dissector', () => {
    const decodeAs: DecodeAsEntry[] = [
      { table: 'udp.port', port: 15353, protocol: 'dns' },
      { table: 'tcp.port', port: 15353, protocol: 'dns' },
      { table: 'tcp.port', port: 18080, protocol: 'data' },
    ];
    for (const c of all) expect(fastLines(c.frames, { decodeAs }).lines, c.name).toEqual(slowLines(c.frames, { decodeAs }));
  });

  // Real frames of IPv4 TCP/UDP conversations, mutated: both paths must still agree line for line
  // (the fast path either gets it right or leaves the frame to the full dissector).
  const ipv4 = all.flatMap((c) => c.frames).filter((f) => f.linkType === 1 && f.data.length >= 34 && f.data[12] === 8 && f.data[13] === 0);
  const mutated = fc
    .tuple(
      fc.nat(ipv4.length - 1),
      fc.array(fc.tuple(fc.nat(200), fc.integer({ min: 0, max: 255 })), { maxLength: 4 }),
      fc.option(fc.nat(400), { nil: undefined }),
    )
    .map(([i, edits, cut]) => {
      const f = ipv4[i];
      const data = f.data.slice(0, cut === undefined ? f.data.length : Math.min(f.data.length, 14 + cut));
      for (const [at, v] of edits) if (at < data.length) data[at] = v;
      return { ...f, data, origLen: cut === undefined ? data.length : f.origLen };
    });

  it('counts frame numbers up in place across digit boundaries and gaps, any address pairs', () => {
    // the number column is kept as text and incremented; address pair texts are cached (two slots)
    const udp = ipv4.filter((f) => f.data[23] === 17 && fastLines([f]).fast === 1);
    const runs = [[1, 12], [95, 12], [9995, 10], [99_997, 6], [999_998, 4], [123_456_789, 3], [2 ** 40 - 2, 4]];
    const numbers = runs.flatMap(([from, n]) => Array.from({ length: n }, (_, k) => from + k));
    const frames = numbers.map((_, k) => {
      const f = udp[k % udp.length];
      const data = f.data.slice();
      // three address pairs, both ways, so the two cached pair texts are replaced and reused
      if (k % 3 === 1) data[29] ^= 0x40;
      if (k % 4 === 2) data.copyWithin(26, 30, 34);
      // (times in order: a frame earlier than the first goes to the full path)
      return { ...f, data, sec: 1000 + k, ns: 1000 * k };
    });
    const fast = fastLines(frames, { numbers });
    expect(fast.fast).toBe(frames.length);
    expect(fast.lines).toEqual(slowLines(frames, { numbers }));
  });

  it('cuts DNS names after 64 pointers as the full dissector does, also owner names pointing at the question', () => {
    // A real DNS-over-UDP frame's headers, a crafted message behind them: the question name is a
    // pointer into a chain of k more pointers ending in the label "a"; the answer's owner name
    // points at the question name (the fast path's shortcut), so it takes one pointer more.
    const udp = ipv4.find((f) => f.data[23] === 17 && (f.data[14] & 15) === 5 && f.data.length === f.origLen)!;
    const frameWith = (k: number): Frame => {
      const msg = [0x12, 0x34, 0x81, 0x80, 0, 1, 0, 1, 0, 0, 0, 0, 0xc0, 34, 0, 1, 0, 1, 0xc0, 12, 0, 1, 0, 1, 0, 0, 0, 60, 0, 4, 192, 0, 2, 1];
      for (let i = 0; i < k; i++) msg.push(0xc0, 34 + 2 * (i + 1));
      msg.push(1, 0x61, 0);
      const data = new Uint8Array(42 + msg.length);
      data.set(udp.data.subarray(0, 42));
      data.set([0, 53, 0xc3, 0x50], 34); // from port 53 (a response) to 50000
      data.set(msg, 42);
      const ipLen = data.length - 14;
      data[16] = ipLen >> 8;
      data[17] = ipLen & 255;
      data[38] = (ipLen - 20) >> 8;
      data[39] = (ipLen - 20) & 255;
      return { ...udp, data, origLen: data.length };
    };
    const frames = [61, 62, 63, 64, 65].map(frameWith);
    const fast = fastLines(frames);
    const slow = slowLines(frames);
    expect(fast.lines).toEqual(slow);
    // the chain really reaches the limit: the full dissector gives up on the longer names, and the
    // fast path takes just the frames whose owner name stays within it (k = 62: 64 pointers)
    expect(slow[1]).toContain('response 0x1234 A a A 192.0.2.1');
    expect(slow[2]).toContain('response 0x1234 A a A 192.0.2.1');
    expect(slow[3]).toContain('<Name contains a pointer that loops>');
    expect(fast.fast).toBe(2);
  });

  it('agrees with the full dissector on DNS messages mutated anywhere (names, escapes, pointers; fast-check)', () => {
    // real DNS-over-UDP frames (port 53), bytes of the message replaced anywhere: label lengths,
    // pointers (compressed names), characters that need escapes, record types and lengths
    // (the fixtures' DNS runs on port 15353: moved to 53 here)
    const port = (f: Frame, at: number): number => (f.data[at] << 8) | f.data[at + 1];
    const dns = ipv4
      .filter((f) => f.data[23] === 17 && (f.data[14] & 15) === 5 && f.data.length === f.origLen && f.data.length > 54 && (port(f, 34) === 15353 || port(f, 36) === 15353))
      .map((f) => {
        const data = f.data.slice();
        data.set([0, 53], port(f, 34) === 15353 ? 34 : 36);
        return { ...f, data };
      });
    expect(dns.length).toBeGreaterThan(10);
    const byte = fc.oneof(fc.integer({ min: 0, max: 255 }), fc.constantFrom(0, 0x2e, 0x5c, 0x7f, 0xc0, 0x3f, 0x40, 0x20, 0x1f));
    const frame = fc.tuple(fc.nat(dns.length - 1), fc.array(fc.tuple(fc.nat(), byte), { maxLength: 6 })).map(([i, edits]) => {
      const f = dns[i];
      const data = f.data.slice();
      // UDP header and DNS message: 42 on (an IPv4 header without options)
      for (const [at, v] of edits) data[42 + (at % (data.length - 42))] = v;
      return { ...f, data };
    });
    let taken = 0;
    let total = 0;
    fc.assert(
      fc.property(fc.array(frame, { minLength: 1, maxLength: 20 }), (frames) => {
        const fast = fastLines(frames);
        taken += fast.fast;
        total += frames.length;
        expect(fast.lines).toEqual(slowLines(frames));
        expect(fastLines(frames, { filter: 'dns' }).lines).toEqual(slowLines(frames, { filter: 'dns' }));
      }),
      { numRuns: 400 },
    );
    // the fast path wrote a good share of the lines itself (mutations that break a name fall back)
    expect(taken).toBeGreaterThan(total / 4);
  });

  it('agrees with the full dissector on sequences of mutated real frames (fast-check)', () => {
    fc.assert(
      fc.property(fc.array(mutated, { minLength: 1, maxLength: 40 }), (frames) => {
        expect(fastLines(frames).lines).toEqual(slowLines(frames));
        for (const filter of ['dns || http', 'dns', 'tcp.port == 80 || udp.length > 60']) expect(fastLines(frames, { filter }).lines).toEqual(slowLines(frames, { filter }));
      }),
      { numRuns: 300 },
    );
  });

  it('agrees with the full dissector on random bytes behind real Ethernet/IPv4/TCP and UDP headers (fast-check)', () => {
    const headers = ipv4.filter((f) => f.data[23] === 6 || f.data[23] === 17);
    const frame = fc.tuple(fc.nat(headers.length - 1), fc.uint8Array({ maxLength: 120 })).map(([i, tail]) => {
      const h = headers[i];
      const keep = 14 + (h.data[14] & 15) * 4 + 8;
      const data = new Uint8Array(keep + tail.length);
      data.set(h.data.subarray(0, Math.min(keep, h.data.length)));
      data.set(tail, keep);
      return { ...h, data, origLen: data.length };
    });
    fc.assert(
      fc.property(fc.array(frame, { minLength: 1, maxLength: 30 }), (frames) => {
        expect(fastLines(frames).lines).toEqual(slowLines(frames));
      }),
      { numRuns: 300 },
    );
  });
});
