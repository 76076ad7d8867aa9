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
const FIRST_CAPACITY = 8;
const STRIDE = 4; // seq, end seq, frame, time (ns since the session's first frame)

// Per-flow bits
const PUSH_SET_LAST = 1;
const BIF_INVALID = 2;
// Per-stream bits
const SYN_SEEN = 1;

/** The unACKed segments of one direction, oldest first. */
class Ring {
  d = new Float64Array(FIRST_CAPACITY * STRIDE);
  n = 0;
  /** Smallest seq and largest end seq relative to the flow's base (unsigned), for bytes in flight. */
  minRel = 0;
  maxRel = 0;
  /** Entries [0, scanned) have been through an ACK pass with `scannedAck` and stayed. */
  scanned = 0;
  scannedAck = 0;
  /** Raw ISN of the flow (relative numbers start there). */
  base = 0;

  reset(): void {
    this.n = 0;
    this.scanned = 0;
  }
}

class AckState {
  readonly baseSec: number;
  // per flow (stream * 2 + direction)
  rings: (Ring | undefined)[] = [];
  flowBits = new Uint8Array(64);
  pushBytes = new Uint32Array(64);
  sackDelivered = new Uint32Array(64);
  nextSeq = new Uint32Array(64);
  nextSeqFrame = new Uint32Array(64);
  nextSeqTime = new Float64Array(64);
  // per stream
  streamBits = new Uint8Array(32);
  mruSyn = new Float64Array(32);
  irtt = new Float64Array(32);
  /** Emptied small rings, reused by the next flow that needs one. */
  pool: Ring[] = [];

  constructor(baseSec: number) {
    this.baseSec = baseSec;
  }

  ensure(stream: number): void {
    if (stream < this.streamBits.length) return;
    let n = this.streamBits.length;
    while (n <= stream) n *= 2;
    this.streamBits = grow8(this.streamBits, n);
    this.mruSyn = grow64(this.mruSyn, n);
    this.irtt = grow64(this.irtt, n);
    this.flowBits = grow8(this.flowBits, n * 2);
    this.pushBytes = grow32(this.pushBytes, n * 2);
    this.sackDelivered = grow32(this.sackDelivered, n * 2);
    this.nextSeq = grow32(this.nextSeq, n * 2);
    this.nextSeqFrame = grow32(this.nextSeqFrame, n * 2);
    this.nextSeqTime = grow64(this.nextSeqTime, n * 2);
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

function ackState(s: DissectSession): AckState {
  return s.get<AckState>('tcp-acks', () => new AckState(s.firstSec));
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
  const st = ackState(s);
  st.ensure(stream);
  const fwd = stream * 2 + dir;
  const rev = fwd ^ 1;
  const now = (sec - st.baseSec) * 1e9 + ns;
  const r = acked;
  r.ta = aflags !== 0;
  r.frame = 0;
  r.rtt = 0;
  r.bytesInFlight = 0;
  r.rto = 0;
  r.rtoFrame = 0;

  // iRTT: from the latest SYN to the first pure ACK (either direction), as dissect_tcp does.
  if ((flags & (SYN | ACK)) === SYN) {
    st.mruSyn[stream] = now;
    st.streamBits[stream] |= SYN_SEEN;
  } else if ((flags & (SYN | ACK)) === ACK && st.streamBits[stream] & SYN_SEEN && st.irtt[stream] === 0) {
    st.irtt[stream] = now - st.mruSyn[stream];
  }
  r.irtt = st.irtt[stream];

  const bits = st.flowBits;
  if (flags & ACK) bits[rev] &= ~BIF_INVALID;
  if (aflags & A_LOST_PACKET) bits[fwd] |= BIF_INVALID;

  let ring = st.rings[fwd];
  if (aflags & A_RETRANSMISSION) {
    // The eldest unACKed segment is likely the one sent again; without one, the last advance.
    if (ring && ring.n > 0) {
      r.rto = now - ring.d[3];
      r.rtoFrame = ring.d[2];
    } else {
      r.rto = now - st.nextSeqTime[fwd];
      r.rtoFrame = st.nextSeqFrame[fwd];
    }
  }

  let nextSeq = (seq + seglen) >>> 0;
  if (seglen > 0 || flags & (SYN | FIN)) {
    if (flags & (SYN | FIN)) nextSeq = (nextSeq + 1) >>> 0;
    if (!ring) ring = st.rings[fwd] = takeRing(st);
    if (ring.n < MAX_UNACKED) addSegment(ring, base, seq, nextSeq, frame, now);
  }
  // tshark's "!nextseq" means zero, not unset
  if (gt(nextSeq, st.nextSeq[fwd]) || st.nextSeq[fwd] === 0) {
    if (!(aflags & A_ZERO_WINDOW_PROBE)) {
      st.nextSeq[fwd] = nextSeq;
      st.nextSeqFrame[fwd] = frame;
      st.nextSeqTime[fwd] = now;
    }
  }

  const other = st.rings[rev];
  if (other && other.n > 0) {
    ackPass(other, ack, now);
    if (other.n === 0) {
      st.rings[rev] = undefined;
      giveRing(st, other);
    }
  }

  if (seglen !== 0 && ring && ring.n > 0 && !(bits[fwd] & BIF_INVALID)) {
    let inFlight = (ring.maxRel - ring.minRel) >>> 0;
    inFlight = (inFlight - st.sackDelivered[rev]) >>> 0;
    if (inFlight > 0 && inFlight < 2000000000) {
      r.bytesInFlight = flags & (SYN | FIN) ? inFlight - 1 : inFlight;
    }
    const b = bits[fwd];
    if (flags & PSH) {
      st.pushBytes[fwd] = b & PUSH_SET_LAST ? seglen : st.pushBytes[fwd] + seglen;
      bits[fwd] = b | PUSH_SET_LAST;
    } else if (b & PUSH_SET_LAST) {
      st.pushBytes[fwd] = seglen;
      bits[fwd] = b & ~PUSH_SET_LAST;
    } else st.pushBytes[fwd] += seglen;
    r.pushBytes = st.pushBytes[fwd];
    r.ta = true;
  }

  // SACK blocks of this segment: what the other side need not count in flight (only the flow's latest segment counts)
  st.sackDelivered[fwd] = optEnd - optOff > 2 && !(optEnd - optOff === 12 && buf[optOff] === 1 && buf[optOff + 1] === 1 && buf[optOff + 2] === 8) ? sackDelivered(buf, optOff, optEnd) : 0;
  return r.ta;
}

function takeRing(st: AckState): Ring {
  const ring = st.pool.pop();
  if (ring) return ring;
  return new Ring();
}

/** An emptied ring goes back to the pool (small ones only: big ones were a bulk flow's). */
function giveRing(st: AckState, ring: Ring): void {
  ring.reset();
  if (ring.d.length <= 64 * STRIDE && st.pool.length < 1024) st.pool.push(ring);
}

function addSegment(ring: Ring, base: number, seq: number, end: number, frame: number, now: number): void {
  const n = ring.n;
  if ((n + 1) * STRIDE > ring.d.length) {
    const d = new Float64Array(Math.min(ring.d.length * 2, MAX_UNACKED * STRIDE));
    d.set(ring.d);
    ring.d = d;
  }
  const i = n * STRIDE;
  ring.d[i] = seq;
  ring.d[i + 1] = end;
  ring.d[i + 2] = frame;
  ring.d[i + 3] = now;
  ring.n = n + 1;
  ring.base = base;
  const relSeq = (seq - base) >>> 0;
  const relEnd = (end - base) >>> 0;
  if (n === 0) {
    ring.minRel = relSeq;
    ring.maxRel = relEnd;
  } else {
    if (relSeq < ring.minRel) ring.minRel = relSeq;
    if (relEnd > ring.maxRel) ring.maxRel = relEnd;
  }
}

/**
 * packet-tcp.c's walk of the other direction's list with this segment's ACK number: a segment
 * ending exactly there is the one ACKed (the oldest such, as tshark's newest-first walk leaves
 * it), segments ending at or before it go, a segment it cuts into starts at it. Entries that
 * stayed under the same ACK number are not walked again (they would stay again).
 */
function ackPass(ring: Ring, ack: number, now: number): void {
  const d = ring.d;
  const n = ring.n;
  const from = ring.scanned > 0 && ring.scannedAck === ack ? ring.scanned : 0;
  let w = from * STRIDE;
  let changed = false;
  let matched = false;
  for (let i = from * STRIDE; i < n * STRIDE; i += STRIDE) {
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
      if (w !== i) d.copyWithin(w, i, i + STRIDE);
      w += STRIDE;
      continue;
    } else if (gt(end, ack)) {
      if (w !== i) d.copyWithin(w, i, i + STRIDE);
      w += STRIDE;
      continue;
    }
    changed = true; // ACKed: removed
  }
  ring.n = w / STRIDE;
  ring.scanned = ring.n;
  ring.scannedAck = ack;
  if (changed && ring.n > 0) {
    const base = ring.base;
    let min = (d[0] - base) >>> 0;
    let max = (d[1] - base) >>> 0;
    for (let i = STRIDE; i < ring.n * STRIDE; i += STRIDE) {
      const a = (d[i] - base) >>> 0;
      const b = (d[i + 1] - base) >>> 0;
      if (a < min) min = a;
      if (b > max) max = b;
    }
    ring.minRel = min;
    ring.maxRel = max;
  }
}

/** Bytes covered by a segment's SACK blocks (the first three, as tshark stores them). */
function sackDelivered(b: Uint8Array, off: number, end: number): number {
  let o = off;
  let guard = 0;
  while (o < end && guard++ < 40) {
    const kind = b[o];
    if (kind === 0) break;
    if (kind === 1) {
      o++;
      continue;
    }
    if (o + 1 >= end) break;
    const len = b[o + 1];
    if (len < 2 || o + len > end) break;
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
