// Test-only helper: a tiny pcapng reader and Ethernet/IPv4/IPv6/UDP/TCP payload extractor, so the
// application-layer codec tests can take their bytes straight from the reference captures copied
// into this folder. It trusts its input (our own fixture files) and is not the project's pcapng
// reader (that lives in src-shared/capture); it exists so these tests do not depend on it.

export interface FixtureFrame {
  /** 1-based frame number, as tshark numbers frames. */
  number: number;
  data: Uint8Array;
}

/** Reads every Enhanced Packet Block of a little- or big-endian pcapng file. */
export function readPcapng(file: Uint8Array): FixtureFrame[] {
  const view = new DataView(file.buffer, file.byteOffset, file.byteLength);
  const frames: FixtureFrame[] = [];
  let little = true;
  let off = 0;
  while (off + 12 <= file.length) {
    let type = view.getUint32(off, little);
    if (type === 0x0a0d0d0a) {
      little = view.getUint32(off + 8, true) === 0x1a2b3c4d;
      type = 0x0a0d0d0a;
    }
    const len = view.getUint32(off + 4, little);
    if (len < 12) break;
    if (type === 6) {
      const captured = view.getUint32(off + 20, little);
      frames.push({ number: frames.length + 1, data: file.subarray(off + 28, off + 28 + captured) });
    }
    off += len;
  }
  return frames;
}

export interface Segment {
  frame: number;
  src: string;
  dst: string;
  srcPort: number;
  dstPort: number;
  proto: 'udp' | 'tcp';
  /** TCP only. */
  seq: number;
  flags: number;
  payload: Uint8Array;
}

/** Strips Ethernet, IPv4/IPv6 and UDP/TCP headers; returns null for other frames (ARP, ICMP…). */
export function transportPayload(frame: FixtureFrame): Segment | null {
  const d = frame.data;
  const v = new DataView(d.buffer, d.byteOffset, d.byteLength);
  const ethType = v.getUint16(12);
  let off = 14;
  let proto: number;
  let src: string;
  let dst: string;
  let end: number;
  if (ethType === 0x0800) {
    const ihl = (d[off] & 15) * 4;
    proto = d[off + 9];
    end = off + v.getUint16(off + 2);
    src = Array.from(d.subarray(off + 12, off + 16)).join('.');
    dst = Array.from(d.subarray(off + 16, off + 20)).join('.');
    off += ihl;
  } else if (ethType === 0x86dd) {
    proto = d[off + 6];
    end = off + 40 + v.getUint16(off + 4);
    const hex = (a: number) => Array.from(d.subarray(a, a + 16), (b) => b.toString(16).padStart(2, '0')).join('');
    src = hex(off + 8);
    dst = hex(off + 24);
    off += 40;
  } else return null;
  if (proto === 17) {
    return { frame: frame.number, src, dst, srcPort: v.getUint16(off), dstPort: v.getUint16(off + 2), proto: 'udp', seq: 0, flags: 0, payload: d.subarray(off + 8, end) };
  }
  if (proto === 6) {
    const hl = (d[off + 12] >> 4) * 4;
    return {
      frame: frame.number, src, dst, srcPort: v.getUint16(off), dstPort: v.getUint16(off + 2), proto: 'tcp',
      seq: v.getUint32(off + 4), flags: d[off + 13], payload: d.subarray(off + hl, end),
    };
  }
  return null;
}

export interface StreamChunk {
  frame: number;
  /** Offset of this chunk within its direction's reassembled stream. */
  offset: number;
  length: number;
}

export interface TcpDirection {
  bytes: Uint8Array;
  chunks: StreamChunk[];
}

/**
 * Reassembles one direction (from srcPort) of the first TCP connection matching the ports: payloads
 * are placed at their sequence offset, so retransmissions are harmless. Enough for clean loopback
 * captures.
 */
export function tcpStream(frames: FixtureFrame[], srcPort: number, dstPort: number, connection = 0): TcpDirection {
  const segs = frames.map(transportPayload).filter((s): s is Segment => !!s && s.proto === 'tcp' && s.srcPort === srcPort && s.dstPort === dstPort);
  let isn = -1;
  let seen = -1;
  const parts: { at: number; seg: Segment }[] = [];
  for (const s of segs) {
    if (s.flags & 0x02) {
      seen++;
      if (seen === connection) isn = s.seq;
      continue;
    }
    if (seen !== connection || s.payload.length === 0) continue;
    parts.push({ at: (s.seq - isn - 1) >>> 0, seg: s });
  }
  let total = 0;
  for (const p of parts) total = Math.max(total, p.at + p.seg.payload.length);
  const bytes = new Uint8Array(total);
  const chunks: StreamChunk[] = [];
  for (const p of parts) {
    bytes.set(p.seg.payload, p.at);
    chunks.push({ frame: p.seg.frame, offset: p.at, length: p.seg.payload.length });
  }
  return { bytes, chunks };
}

export function hexToBytes(hex: string): Uint8Array {
  const clean = hex.replace(/[^0-9a-fA-F]/g, '');
  const out = new Uint8Array(clean.length / 2);
  for (let i = 0; i < out.length; i++) out[i] = parseInt(clean.substr(i * 2, 2), 16);
  return out;
}
