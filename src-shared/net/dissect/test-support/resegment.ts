// Test support: one direction of a real TCP exchange (a reference capture's bytes) sent again in
// other segments — other boundaries, orders, retransmissions — and the summary lines a session
// prints for it in each Packet mode (bodies not kept, bodies kept, tree), through the full
// dissector and the column fast path. Used by the HTTP body / reassembly tests.
import { readFileSync } from 'node:fs';
import { readCapture, PcapWriter } from '../../../capture';
import { createPacket, createSession, type PacketMode } from '../index';
import { summaryLine } from '../summary';
import { FastColumns } from '../fast-columns';
import { TextWriter } from '../text-writer';

export interface Frame {
  data: Uint8Array;
  sec: number;
  ns: number;
}

/** Frames of an Ethernet capture (µs or ns timestamps kept as they are). */
export function framesOf(file: string): Frame[] {
  const cap = readCapture(new Uint8Array(readFileSync(file)));
  return cap.packets.map((pk) => ({ data: pk.data, sec: pk.timestamp.seconds, ns: pk.timestamp.nanoseconds }));
}

interface Tcp {
  sport: number;
  dport: number;
  seq: number;
  /** payload [start, end) in the frame */
  start: number;
  end: number;
}

/** The TCP header of an Ethernet/IPv4 frame, or null. */
export function tcpOf(f: Uint8Array): Tcp | null {
  if (f.length < 54 || ((f[12] << 8) | f[13]) !== 0x0800 || f[23] !== 6) return null;
  const ihl = (f[14] & 15) * 4;
  const l4 = 14 + ihl;
  const total = (f[16] << 8) | f[17];
  const thl = (f[l4 + 12] >> 4) * 4;
  const seq = ((f[l4 + 4] << 24) | (f[l4 + 5] << 16) | (f[l4 + 6] << 8) | f[l4 + 7]) >>> 0;
  return { sport: (f[l4] << 8) | f[l4 + 1], dport: (f[l4 + 2] << 8) | f[l4 + 3], seq, start: l4 + thl, end: 14 + total };
}

export interface Exchange {
  /** Frames before the first payload segment of the direction (handshake, the request …). */
  prefix: Frame[];
  /** A real segment of the direction: its headers are reused for every new segment. */
  template: Uint8Array;
  /** The direction's bytes, in sequence order (each byte once). */
  stream: Uint8Array;
  /** Raw sequence number of stream[0]. */
  seq0: number;
  /** Time of the first payload segment. */
  sec: number;
  ns: number;
}

/** The bytes sent from `port` (their sequence numbers say where each segment goes). */
export function exchangeOf(frames: Frame[], port: number): Exchange {
  const first = frames.findIndex((f) => {
    const t = tcpOf(f.data);
    return t !== null && t.sport === port && t.end > t.start;
  });
  if (first < 0) throw new Error(`no payload from port ${port}`);
  const template = frames[first].data;
  const seq0 = tcpOf(template)!.seq;
  const parts: { rel: number; bytes: Uint8Array }[] = [];
  let len = 0;
  for (const f of frames.slice(first)) {
    const t = tcpOf(f.data);
    if (!t || t.sport !== port || t.end <= t.start) continue;
    const rel = (t.seq - seq0) | 0;
    if (rel < 0) continue;
    parts.push({ rel, bytes: f.data.subarray(t.start, t.end) });
    len = Math.max(len, rel + t.end - t.start);
  }
  const stream = new Uint8Array(len);
  for (const q of parts) stream.set(q.bytes, q.rel);
  return { prefix: frames.slice(0, first), template, stream, seq0, sec: frames[first].sec, ns: frames[first].ns };
}

/** The template segment carrying stream[from, to) instead (IP length and checksum set; TCP checksum as it was). */
export function segment(x: Exchange, from: number, to: number): Uint8Array {
  const t = tcpOf(x.template)!;
  const f = new Uint8Array(t.start + (to - from));
  f.set(x.template.subarray(0, t.start));
  f.set(x.stream.subarray(from, to), t.start);
  const total = f.length - 14;
  f[16] = total >> 8;
  f[17] = total & 255;
  const l4 = 14 + (f[14] & 15) * 4;
  const seq = (x.seq0 + from) >>> 0;
  f[l4 + 4] = seq >>> 24;
  f[l4 + 5] = (seq >>> 16) & 255;
  f[l4 + 6] = (seq >>> 8) & 255;
  f[l4 + 7] = seq & 255;
  f[24] = 0;
  f[25] = 0;
  let sum = 0;
  for (let i = 14; i < l4; i += 2) sum += (f[i] << 8) | f[i + 1];
  while (sum > 0xffff) sum = (sum & 0xffff) + (sum >>> 16);
  f[24] = (~sum >> 8) & 255;
  f[25] = ~sum & 255;
  return f;
}

/** The exchange's prefix, then the given ranges of its stream as segments, 1 µs apart (or `[from, to, µs after the previous]`). */
export function resent(x: Exchange, ranges: ([number, number] | [number, number, number])[]): Frame[] {
  const out = [...x.prefix];
  let ns = x.ns;
  let sec = x.sec;
  for (const [from, to, gap] of ranges) {
    if (gap !== undefined) ns += (gap - 1) * 1000;
    out.push({ data: segment(x, from, to), sec, ns });
    ns += 1000;
    while (ns >= 1e9) {
      ns -= 1e9;
      sec++;
    }
  }
  return out;
}

export type Mode = 'unkept' | 'kept' | 'tree';

const MODES: Record<Mode, PacketMode> = {
  unkept: { tree: false, columns: true, wanted: new Set() },
  kept: { tree: false, columns: true, wanted: new Set(), keepBodies: true },
  tree: { tree: true, columns: true, wanted: null },
};

/** Summary lines (`tshark -r` format, ns digits as pcapng: 9) from the full dissector. */
export function linesOf(frames: Frame[], mode: Mode, digits = 9): string[] {
  const session = createSession({});
  const p = createPacket(MODES[mode]);
  return frames.map((f, i) => {
    session.dissect(p, f.data, i + 1, f.data.length, f.sec, f.ns, 1);
    return summaryLine(p, digits);
  });
}

const decoder = new TextDecoder();

/** Summary lines as `packetlab dissect` writes them: the column fast path first, the full dissector for the rest. */
export function fastLinesOf(frames: Frame[], mode: Mode, digits = 9): string[] {
  const session = createSession({});
  const p = createPacket(MODES[mode]);
  let text = '';
  const w = new TextWriter((b) => (text += decoder.decode(b)), 4096);
  const fast = new FastColumns(session, p, w);
  frames.forEach((f, i) => {
    if (fast.line(f.data, 0, f.data.length, f.data.length, i + 1, f.sec, f.ns, 1, digits)) return;
    session.dissect(p, f.data, i + 1, f.data.length, f.sec, f.ns, 1);
    w.begin();
    w.text(summaryLine(p, digits));
    w.byte(10);
  });
  w.end();
  const lines = text.split('\n');
  lines.pop();
  return lines;
}

/** The frames as a classic pcap (ns timestamps rounded down to µs), for tshark. */
export function pcapOf(frames: Frame[]): Uint8Array {
  const w = new PcapWriter({ linkType: 1, snaplen: 262144 });
  const chunks = [w.header(), ...frames.map((f) => w.record({ timestamp: { seconds: f.sec, nanoseconds: f.ns - (f.ns % 1000) }, data: f.data }))];
  const out = new Uint8Array(chunks.reduce((n, c) => n + c.length, 0));
  let o = 0;
  for (const c of chunks) {
    out.set(c, o);
    o += c.length;
  }
  return out;
}
