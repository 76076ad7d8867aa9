// Follow TCP Stream: the payload of one TCP conversation, per direction, in sequence order, with
// retransmitted bytes left out (Wireshark's "Follow TCP Stream" conversation view).

export interface TcpSegmentInfo {
  /** Endpoint keys "addr:port". */
  src: string;
  dst: string;
  seq: number;
  flags: number;
  payloadOffset: number;
  payloadLength: number;
}

function ipv4(b: Uint8Array, o: number): string {
  return `${b[o]}.${b[o + 1]}.${b[o + 2]}.${b[o + 3]}`;
}

function ipv6(b: Uint8Array, o: number): string {
  const parts: string[] = [];
  for (let i = 0; i < 16; i += 2) parts.push(((b[o + i] << 8) | b[o + i + 1]).toString(16));
  return parts.join(':').replace(/(^|:)0(:0)+(:|$)/, '::');
}

/** Where the network layer starts for a link type, and its EtherType (0 = by IP version). */
function networkStart(b: Uint8Array, linkType: number): { off: number; type: number } | undefined {
  if (linkType === 1) {
    let off = 12;
    let type = (b[off] << 8) | b[off + 1];
    while ((type === 0x8100 || type === 0x88a8) && off + 6 <= b.length) {
      off += 4;
      type = (b[off] << 8) | b[off + 1];
    }
    return { off: off + 2, type };
  }
  if (linkType === 101 || linkType === 228 || linkType === 229) return { off: 0, type: 0 };
  if (linkType === 113) return { off: 16, type: (b[14] << 8) | b[15] };
  if (linkType === 276) return { off: 20, type: (b[0] << 8) | b[1] };
  return undefined;
}

/** Parses the outer IPv4/IPv6 + TCP headers of a frame; undefined when it is not TCP. Never throws. */
export function tcpSegment(b: Uint8Array, linkType: number): TcpSegmentInfo | undefined {
  const net = networkStart(b, linkType);
  if (!net || net.off >= b.length) return undefined;
  let off = net.off;
  const version = b[off] >> 4;
  let src: string;
  let dst: string;
  let l4: number;
  let end: number;
  if ((net.type === 0x0800 || net.type === 0) && version === 4) {
    const ihl = (b[off] & 15) * 4;
    if (ihl < 20 || off + ihl > b.length || b[off + 9] !== 6) return undefined;
    if ((((b[off + 6] << 8) | b[off + 7]) & 0x1fff) !== 0) return undefined; // non-first fragment
    src = ipv4(b, off + 12);
    dst = ipv4(b, off + 16);
    end = Math.min(b.length, off + ((b[off + 2] << 8) | b[off + 3]));
    l4 = off + ihl;
  } else if ((net.type === 0x86dd || net.type === 0) && version === 6) {
    if (off + 40 > b.length || b[off + 6] !== 6) return undefined;
    src = ipv6(b, off + 8);
    dst = ipv6(b, off + 24);
    end = Math.min(b.length, off + 40 + ((b[off + 4] << 8) | b[off + 5]));
    l4 = off + 40;
  } else return undefined;
  off = l4;
  if (off + 20 > end) return undefined;
  const dataOffset = (b[off + 12] >> 4) * 4;
  if (dataOffset < 20 || off + dataOffset > end) return undefined;
  const sport = (b[off] << 8) | b[off + 1];
  const dport = (b[off + 2] << 8) | b[off + 3];
  const seq = ((b[off + 4] << 24) | (b[off + 5] << 16) | (b[off + 6] << 8) | b[off + 7]) >>> 0;
  const flags = ((b[off + 12] & 1) << 8) | b[off + 13];
  const fmt = (a: string, p: number) => (a.includes(':') ? `[${a}]:${p}` : `${a}:${p}`);
  return { src: fmt(src, sport), dst: fmt(dst, dport), seq, flags, payloadOffset: off + dataOffset, payloadLength: end - off - dataOffset };
}

export interface FollowChunk {
  /** 0 = client (the side that sent the first segment), 1 = server. */
  dir: 0 | 1;
  /** First frame (1-based number) that carried these bytes. */
  frame: number;
  data: Uint8Array;
}

export interface FollowResult {
  client: string;
  server: string;
  chunks: FollowChunk[];
  clientBytes: number;
  serverBytes: number;
  /** True when the output stopped at the size limit. */
  truncated: boolean;
}

export interface FollowFrame {
  number: number;
  data: Uint8Array;
  linkType: number;
}

/**
 * Reassembles the payload of the frames of one conversation (given in capture order).
 * Bytes already delivered in a direction (retransmissions) are skipped; gaps are not filled.
 */
export function followTcp(frames: Iterable<FollowFrame>, limit = 8 << 20): FollowResult {
  let client = '';
  let server = '';
  const state = [newDirection(), newDirection()];
  const runs: { dir: 0 | 1; frame: number; parts: Uint8Array[]; length: number }[] = [];
  const totals = [0, 0];
  let truncated = false;

  // Appends in-order bytes of one direction to the conversation.
  const deliver = (dir: 0 | 1, frame: number, data: Uint8Array): void => {
    if (data.length === 0 || truncated) return;
    if (totals[0] + totals[1] + data.length > limit) {
      truncated = true;
      return;
    }
    totals[dir] += data.length;
    const last = runs[runs.length - 1];
    if (last && last.dir === dir) {
      last.parts.push(data);
      last.length += data.length;
    } else runs.push({ dir, frame, parts: [data], length: data.length });
  };

  // Delivers what is new in [seq, seq+len) and any buffered segments it makes contiguous.
  const accept = (dir: 0 | 1, d: Direction, frame: number, seq: number, data: Uint8Array): void => {
    const behind = (d.next - seq) | 0; // wrap-safe distance
    if (behind >= data.length) return; // all retransmitted
    if (behind < 0) {
      // A gap: keep it until the missing bytes arrive.
      d.pending.push({ seq, data, frame });
      return;
    }
    const fresh = data.subarray(behind);
    deliver(dir, frame, fresh);
    d.next = (d.next + fresh.length) >>> 0;
    for (let progress = true; progress && d.pending.length; ) {
      progress = false;
      for (let k = 0; k < d.pending.length; k++) {
        const seg = d.pending[k];
        if (((d.next - seg.seq) | 0) >= 0) {
          d.pending.splice(k, 1);
          accept(dir, d, seg.frame, seg.seq, seg.data);
          progress = true;
          break;
        }
      }
    }
  };

  for (const f of frames) {
    if (truncated) break;
    const seg = tcpSegment(f.data, f.linkType);
    if (!seg) continue;
    if (!client) {
      // A SYN+ACK first means we joined late: its sender is the server.
      const synAck = (seg.flags & 0x12) === 0x12;
      client = synAck ? seg.dst : seg.src;
      server = synAck ? seg.src : seg.dst;
    }
    const dir: 0 | 1 = seg.src === client ? 0 : 1;
    const d = state[dir];
    let seq = seg.seq;
    if (seg.flags & 0x02) seq = (seq + 1) >>> 0; // SYN takes one sequence number
    if (!d.started) {
      d.started = true;
      d.next = seq;
    }
    if (seg.payloadLength > 0) accept(dir, d, f.number, seq, f.data.subarray(seg.payloadOffset, seg.payloadOffset + seg.payloadLength));
  }
  // Segments after gaps that never filled, in sequence order.
  for (const dir of [0, 1] as const) {
    const d = state[dir];
    d.pending.sort((a, b) => ((a.seq - d.next) >>> 0) - ((b.seq - d.next) >>> 0));
    for (const seg of d.pending) {
      const behind = (d.next - seg.seq) | 0;
      if (behind >= seg.data.length) continue;
      const fresh = seg.data.subarray(Math.max(0, behind));
      deliver(dir, seg.frame, fresh);
      d.next = (seg.seq + seg.data.length) >>> 0;
    }
  }
  const chunks: FollowChunk[] = runs.map((r) => {
    const data = new Uint8Array(r.length);
    let o = 0;
    for (const part of r.parts) {
      data.set(part, o);
      o += part.length;
    }
    return { dir: r.dir, frame: r.frame, data };
  });
  return { client, server, chunks, clientBytes: totals[0], serverBytes: totals[1], truncated };
}

interface Direction {
  started: boolean;
  next: number;
  pending: { seq: number; data: Uint8Array; frame: number }[];
}

function newDirection(): Direction {
  return { started: false, next: 0, pending: [] };
}
