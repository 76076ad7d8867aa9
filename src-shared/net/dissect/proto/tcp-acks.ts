// TCP SEQ/ACK analysis values that need the segments not yet ACKed (packet-tcp.c's unacked
// lists): tcp.analysis.acks_frame / ack_rtt (an ACK matching a segment's end), bytes_in_flight
// and push_bytes_sent (data segments), initial_rtt (iRTT) and the RTO of retransmissions.
//
// Both dissectTcp and the summary-line fast path (tcpColumnsFast) call trackAcks once per
// segment, right after the sequence analysis, so the session state is the same whichever path a
// frame took. State is keyed by stream index and direction (no objects per segment): per flow a
// few typed-array slots, and, while it has segments waiting for an ACK, a ring of
// [seq, end seq, frame, time] entries. Like tshark, a flow holds at most 10000 unACKed segments
// (TCP_MAX_UNACKED_SEGMENTS): beyond that new segments are not recorded (their ACKs name no
// frame, bytes in flight stop growing) — exactly what tshark shows too.
import type { DissectSession } from '../session';
import type { Packet } from '../packet';
import type { FieldInfo } from '../types';
import { field, uintField } from '../registry';
import { optionSpan } from './tcp-options';

export const TCP_ACK_FIELDS: FieldInfo[] = [
  field('tcp.analysis.acks_frame', 'This is an ACK to the segment in frame', 'framenum'),
  field('tcp.analysis.ack_rtt', 'The RTT to ACK the segment was', 'reltime'),
  uintField('tcp.analysis.bytes_in_flight', 'Bytes in flight', 32),
  uintField('tcp.analysis.push_bytes_sent', 'Bytes sent since last PSH flag', 32),
  field('tcp.analysis.rto', 'The RTO for this segment was', 'reltime'),
  field('tcp.analysis.rto_frame', 'RTO based on delta from frame', 'framenum'),
];

const FIN = 1;
const SYN = 2;
const PSH = 8;
const ACK = 16;
// packet-tcp.c's TCP_A_* bits this module reads (same values as tcp.ts)
const A_RETRANSMISSION = 1;
const A_LOST_PACKET = 2;
const A_ZERO_WINDOW_PROBE = 64;

/** packet-tcp.c's TCP_MAX_UNACKED_SEGMENTS. */
export const MAX_UNACKED = 10000;
const STRIDE = 4; // seq, end seq, frame, time (ns since the session's first frame)

// Per-flow bits
const PUSH_SET_LAST = 1;
const BIF_INVALID = 2;
const SYN_SEEN = 4; // (in the stream's first flow) a SYN was seen

// The unACKed segments of a direction live in one list: a header, then [seq, end seq, frame,
// time] entries, oldest first. Lists of up to SMALL entries are chunks of one shared array (no
// objects per flow); longer ones (bulk transfers) move to an array of their own that doubles up
// to MAX_UNACKED entries. An emptied list gives its chunk back.
const N = 0; // entries
const MIN = 1; // smallest seq relative to the flow's base (unsigned), for bytes in flight
const MAX = 2; // largest end seq relative to the base
const SCANNED = 3; // entries [0, SCANNED) went through an ACK pass with SCAN_ACK and stayed
const SCAN_ACK = 4;
const BASE = 5; // raw ISN of the flow
const CAP = 6; // room for entries
const HDR = 7;
const SMALL = 8;
const CHUNK = HDR + SMALL * STRIDE;

class AckState {
  /** Times are kept in ns since this second (the first segment's): exact in a double for 104 days. */
  baseSec = -1;
  /** Small lists, CHUNK numbers each. */
  heap = new Float64Array(CHUNK * 256);
  /** Offsets of chunks given back; `used` chunks handed out from the start so far. */
  free: number[] = [];
  used = 0;
  /** Lists of more than SMALL entries. */
  bigs: (Float64Array | null)[] = [];
  bigFree: number[] = [];
  // per flow (stream * 2 + direction)
  /** Its list: 0 none, > 0 heap offset + 1, < 0 -(index in bigs + 1). */
  where = new Int32Array(64);
  flowBits = new Uint8Array(64);
  /** Per flow: bytes since PSH, bytes its latest segment SACKed, next seq, the frame that set it. */
  u32 = new Uint32Array(64 * 4);
  /** Per flow: the time next seq was set, then (first direction) the latest SYN's time or (second) the iRTT. */
  f64 = new Float64Array(64 * 2);

  grow(stream: number): void {
    let n = this.where.length;
    while (n <= stream * 2 + 1) n *= 2;
    this.where = grow32i(this.where, n);
    this.flowBits = grow8(this.flowBits, n);
    this.u32 = grow32(this.u32, n * 4);
    this.f64 = grow64(this.f64, n * 2);
  }

  /** A new empty small list; returns its offset in `heap` (which may have been replaced). */
  newChunk(base: number): number {
    let o = this.free.pop();
    if (o === undefined) {
      o = this.used++ * CHUNK;
      if (o + CHUNK > this.heap.length) this.heap = grow64(this.heap, this.heap.length * 2);
    }
    const d = this.heap;
    d[o + N] = 0;
    d[o + SCANNED] = 0;
    d[o + BASE] = base;
    d[o + CAP] = SMALL;
    return o;
  }

  /** Moves a full list to an array twice its size; returns the new array (offset 0). */
  enlarge(flow: number, d: Float64Array, o: number): Float64Array {
    const cap = Math.min(d[o + CAP] * 2, MAX_UNACKED);
    const nd = new Float64Array(HDR + cap * STRIDE);
    nd.set(d.subarray(o, o + HDR + d[o + N] * STRIDE));
    nd[CAP] = cap;
    const w = this.where[flow];
    if (w > 0) {
      this.free.push(w - 1);
      let i = this.bigFree.pop();
      if (i === undefined) {
        i = this.bigs.length;
        this.bigs.push(nd);
      } else this.bigs[i] = nd;
      this.where[flow] = -(i + 1);
    } else this.bigs[-w - 1] = nd;
    return nd;
  }

  /** Gives an emptied list back. */
  release(flow: number): void {
    const w = this.where[flow];
    if (w > 0) this.free.push(w - 1);
    else {
      this.bigs[-w - 1] = null;
      this.bigFree.push(-w - 1);
    }
    this.where[flow] = 0;
  }
}

function grow8(a: Uint8Array<ArrayBuffer>, n: number): Uint8Array<ArrayBuffer> {
  const b = new Uint8Array(n);
  b.set(a);
  return b;
}
function grow32(a: Uint32Array<ArrayBuffer>, n: number): Uint32Array<ArrayBuffer> {
  const b = new Uint32Array(n);
  b.set(a);
  return b;
}
function grow32i(a: Int32Array<ArrayBuffer>, n: number): Int32Array<ArrayBuffer> {
  const b = new Int32Array(n);
  b.set(a);
  return b;
}
function grow64(a: Float64Array<ArrayBuffer>, n: number): Float64Array<ArrayBuffer> {
  const b = new Float64Array(n);
  b.set(a);
  return b;
}

// Sequence-space comparisons (mod 2^32)
function gt(a: number, b: number): boolean {
  return ((a - b) | 0) > 0;
}

/** What trackAcks found for the current segment (scratch, overwritten per call). */
export const acked = {
  /** tshark keeps a tcp_acked record for the frame: the [SEQ/ACK analysis] subtree shows. */
  ta: false,
  frame: 0,
  /** ns; shown when non-zero */
  rtt: 0,
  irtt: 0,
  bytesInFlight: 0,
  pushBytes: 0,
  rto: 0,
  rtoFrame: 0,
};

const newAckState = (): AckState => new AckState();

/** What a session without SEQ/ACK state shows (see SessionOptions.ackAnalysis): the flags only. */
export function noAcks(aflags: number): boolean {
  const r = acked;
  r.ta = aflags !== 0;
  r.frame = 0;
  r.rtt = 0;
  r.irtt = 0;
  r.bytesInFlight = 0;
  r.rto = 0;
  r.rtoFrame = 0;
  return r.ta;
}

/**
 * The segment's unACKed-list bookkeeping, in packet-tcp.c's order: RTO of a retransmission, the
 * segment joins its direction's list, its ACK clears the other direction's list, then bytes in
 * flight and bytes since PSH. `dir` is 0 for the conversation's first speaker; `base` the raw
 * ISN of this direction (relative numbers); `aflags` the sequence analysis flags of the segment;
 * [optOff, optEnd) its options (SACK blocks count as delivered). Returns acked.ta.
 */
export function trackAcks(
  s: DissectSession,
  stream: number,
  dir: number,
  base: number,
  seq: number,
  ack: number,
  seglen: number,
  flags: number,
  aflags: number,
  frame: number,
  sec: number,
  ns: number,
  buf: Uint8Array,
  optOff: number,
  optEnd: number,
): boolean {
  // The column fast path passes sequence numbers as int32 (no boxing across calls): as uint32 here.
  seq >>>= 0;
  ack >>>= 0;
  const st = s.get<AckState>('tcp-acks', newAckState);
  if (st.baseSec < 0) st.baseSec = sec;
  if (stream * 2 + 1 >= st.where.length) st.grow(stream);
  const fwd = stream * 2 + dir;
  const rev = fwd ^ 1;
  const now = (sec - st.baseSec) * 1e9 + ns;
  const r = acked;
  const u32 = st.u32;
  const f64 = st.f64;
  const bits = st.flowBits;
  r.ta = aflags !== 0;
  r.frame = 0;
  r.rtt = 0;
  r.bytesInFlight = 0;
  r.rto = 0;
  r.rtoFrame = 0;

  // iRTT: from the latest SYN to the first pure ACK (either direction), as dissect_tcp does.
  if ((flags & (SYN | ACK)) === SYN) {
    f64[stream * 4 + 1] = now;
    bits[stream * 2] |= SYN_SEEN;
  } else if ((flags & (SYN | ACK)) === ACK && bits[stream * 2] & SYN_SEEN && f64[stream * 4 + 3] === 0) {
    f64[stream * 4 + 3] = now - f64[stream * 4 + 1];
  }
  r.irtt = f64[stream * 4 + 3];

  if (flags & ACK) bits[rev] &= ~BIF_INVALID;
  if (aflags & A_LOST_PACKET) bits[fwd] |= BIF_INVALID;

  const where = st.where;
  const wf = where[fwd];
  let d = wf > 0 ? st.heap : wf < 0 ? st.bigs[-wf - 1]! : null;
  let o = wf > 0 ? wf - 1 : 0;
  if (aflags & A_RETRANSMISSION) {
    // The eldest unACKed segment is likely the one sent again; without one, the last advance.
    if (d && d[o + N] > 0) {
      r.rto = now - d[o + HDR + 3];
      r.rtoFrame = d[o + HDR + 2];
    } else {
      r.rto = now - f64[fwd * 2];
      r.rtoFrame = u32[fwd * 4 + 3];
    }
  }

  let nextSeq = (seq + seglen) >>> 0;
  if (seglen > 0 || flags & (SYN | FIN)) {
    if (flags & (SYN | FIN)) nextSeq = (nextSeq + 1) >>> 0;
    if (!d) {
      o = st.newChunk(base);
      d = st.heap;
      where[fwd] = o + 1;
    }
    const n = d[o + N];
    if (n === d[o + CAP] && n < MAX_UNACKED) {
      d = st.enlarge(fwd, d, o);
      o = 0;
    }
    if (n < MAX_UNACKED) addSegment(d, o, seq, nextSeq, frame, now);
  }
  // tshark's "!nextseq" means zero, not unset
  const prevNext = u32[fwd * 4 + 2];
  if ((gt(nextSeq, prevNext) || prevNext === 0) && !(aflags & A_ZERO_WINDOW_PROBE)) {
    u32[fwd * 4 + 2] = nextSeq;
    u32[fwd * 4 + 3] = frame;
    f64[fwd * 2] = now;
  }

  const wr = where[rev];
  if (wr !== 0) {
    const od = wr > 0 ? st.heap : st.bigs[-wr - 1]!;
    const oo = wr > 0 ? wr - 1 : 0;
    ackPass(od, oo, ack, now);
    if (od[oo + N] === 0) st.release(rev);
  }

  if (seglen !== 0 && d && d[o + N] > 0 && !(bits[fwd] & BIF_INVALID)) {
    let inFlight = (d[o + MAX] - d[o + MIN]) >>> 0;
    inFlight = (inFlight - u32[rev * 4 + 1]) >>> 0;
    if (inFlight > 0 && inFlight < 2000000000) {
      r.bytesInFlight = flags & (SYN | FIN) ? inFlight - 1 : inFlight;
    }
    const b = bits[fwd];
    if (flags & PSH) {
      u32[fwd * 4] = b & PUSH_SET_LAST ? seglen : u32[fwd * 4] + seglen;
      bits[fwd] = b | PUSH_SET_LAST;
    } else if (b & PUSH_SET_LAST) {
      u32[fwd * 4] = seglen;
      bits[fwd] = b & ~PUSH_SET_LAST;
    } else u32[fwd * 4] += seglen;
    r.pushBytes = u32[fwd * 4];
    r.ta = true;
  }

  // SACK blocks of this segment: what the other side need not count in flight (only the flow's latest segment counts)
  u32[fwd * 4 + 1] = optEnd - optOff > 2 && !(optEnd - optOff === 12 && buf[optOff] === 1 && buf[optOff + 1] === 1 && buf[optOff + 2] === 8) ? sackDelivered(buf, optOff, optEnd) : 0;
  return r.ta;
}

function addSegment(d: Float64Array, o: number, seq: number, end: number, frame: number, now: number): void {
  const n = d[o + N];
  const i = o + HDR + n * STRIDE;
  d[i] = seq;
  d[i + 1] = end;
  d[i + 2] = frame;
  d[i + 3] = now;
  d[o + N] = n + 1;
  const base = d[o + BASE];
  const relSeq = (seq - base) >>> 0;
  const relEnd = (end - base) >>> 0;
  if (n === 0) {
    d[o + MIN] = relSeq;
    d[o + MAX] = relEnd;
  } else {
    if (relSeq < d[o + MIN]) d[o + MIN] = relSeq;
    if (relEnd > d[o + MAX]) d[o + MAX] = relEnd;
  }
}

/**
 * packet-tcp.c's walk of the other direction's list with this segment's ACK number: a segment
 * ending exactly there is the one ACKed (the oldest such, as tshark's newest-first walk leaves
 * it), segments ending at or before it go, a segment it cuts into starts at it. Entries that
 * stayed under the same ACK number are not walked again (they would stay again).
 */
function ackPass(d: Float64Array, o: number, ack: number, now: number): void {
  const n = d[o + N];
  const first = o + HDR;
  const from = d[o + SCANNED] > 0 && d[o + SCAN_ACK] === ack ? d[o + SCANNED] : 0;
  const stop = first + n * STRIDE;
  let w = first + from * STRIDE;
  let changed = false;
  let matched = false;
  for (let i = w; i < stop; i += STRIDE) {
    const seq = d[i];
    const end = d[i + 1];
    if (ack === end) {
      if (!matched) {
        matched = true;
        acked.frame = d[i + 2];
        acked.rtt = now - d[i + 3];
        acked.ta = true;
      }
    } else if (gt(ack, seq) && !gt(ack, end)) {
      d[i] = ack; // partly ACKed: what remains starts at the ACK
      changed = true;
      if (w !== i) move(d, w, i);
      w += STRIDE;
      continue;
    } else if (gt(end, ack)) {
      if (w !== i) move(d, w, i);
      w += STRIDE;
      continue;
    }
    changed = true; // ACKed: removed
  }
  const left = (w - first) / STRIDE;
  d[o + N] = left;
  d[o + SCANNED] = left;
  d[o + SCAN_ACK] = ack;
  if (changed && left > 0) {
    const base = d[o + BASE];
    let min = (d[first] - base) >>> 0;
    let max = (d[first + 1] - base) >>> 0;
    for (let i = first + STRIDE; i < w; i += STRIDE) {
      const a = (d[i] - base) >>> 0;
      const b = (d[i + 1] - base) >>> 0;
      if (a < min) min = a;
      if (b > max) max = b;
    }
    d[o + MIN] = min;
    d[o + MAX] = max;
  }
}

function move(d: Float64Array, to: number, from: number): void {
  d[to] = d[from];
  d[to + 1] = d[from + 1];
  d[to + 2] = d[from + 2];
  d[to + 3] = d[from + 3];
}

/** Bytes covered by a segment's SACK blocks (the first three, as tshark stores them). */
function sackDelivered(b: Uint8Array, off: number, end: number): number {
  let o = off;
  let guard = 0;
  while (o < end && guard++ < 40) {
    const len = optionSpan(b, o, end);
    if (len <= 0) break;
    const kind = b[o];
    if (kind === 5) {
      let sum = 0;
      let blocks = 0;
      for (let e = o + 2; e + 8 <= o + len && blocks < 3; e += 8, blocks++) {
        const le = ((b[e] << 24) | (b[e + 1] << 16) | (b[e + 2] << 8) | b[e + 3]) >>> 0;
        const re = ((b[e + 4] << 24) | (b[e + 5] << 16) | (b[e + 6] << 8) | b[e + 7]) >>> 0;
        sum = (sum + ((re - le) >>> 0)) >>> 0;
      }
      return sum;
    }
    o += len;
  }
  return 0;
}

const secs = (ns: number): number => ns / 1e9;

/** "0.000030417 seconds" */
function seconds(ns: number): string {
  return `${(ns / 1e9).toFixed(9)} seconds`;
}

/** The items tshark puts first in [SEQ/ACK analysis] (call inside it, before the flags). */
export function addAckItems(p: Packet): void {
  const r = acked;
  if (r.frame) {
    p.gen('tcp.analysis.acks_frame', r.frame, `This is an ACK to the segment in frame: ${r.frame}`);
    if (r.rtt !== 0) p.gen('tcp.analysis.ack_rtt', secs(r.rtt), `The RTT to ACK the segment was: ${seconds(r.rtt)}`);
  }
  if (r.irtt !== 0) p.gen('tcp.analysis.initial_rtt', secs(r.irtt), `iRTT: ${seconds(r.irtt)}`);
  if (r.bytesInFlight) {
    p.gen('tcp.analysis.bytes_in_flight', r.bytesInFlight, `Bytes in flight: ${r.bytesInFlight}`);
    p.gen('tcp.analysis.push_bytes_sent', r.pushBytes, `Bytes sent since last PSH flag: ${r.pushBytes}`);
  }
}

/** The RTO items tshark adds under the flags after the retransmission expert. */
export function addRtoItems(p: Packet): void {
  const r = acked;
  if (r.rto === 0) return;
  p.gen('tcp.analysis.rto', secs(r.rto), `The RTO for this segment was: ${seconds(r.rto)}`);
  p.gen('tcp.analysis.rto_frame', r.rtoFrame, `RTO based on delta from frame: ${r.rtoFrame}`);
}
