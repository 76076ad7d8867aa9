// TCP: header and options, conversations (tcp.stream), relative sequence numbers, window
// scaling, sequence analysis (retransmissions, dup ACKs, zero window, …) and stream reassembly
// for the protocols above (Wireshark's desegmentation), all in one ordered pass.
import type { FieldInfo } from '../types';
import type { DissectSession, StreamProtocol } from '../session';
import type { Packet } from '../packet';
import { field, hexField, protoField, uintField } from '../registry';
import { CaptureLimited, need, onesSum, u16, u32 } from '../bytes';
import { encodeAscii, putArrow, putAscii, putUint, putUint32, type TextWriter } from '../text-writer';
import { hex } from '../format';
import { dissectData } from './link';
import { CHECKSUM_STATUS } from './ip';
import { pseudoSum } from './udp';
import { MAX_PIECES, PendingPdu, PendingPdus } from './tcp-reassembly';
import { addAckItems, addRtoItems, noAcks, trackAcks } from './tcp-acks';
import { optionSpan, tcpOptionField } from './tcp-options';

const TCP_OPTS: Record<number, string> = {
  0: 'End of Option List (EOL)',
  1: 'No-Operation (NOP)',
  2: 'Maximum segment size',
  3: 'Window scale',
  4: 'SACK permitted',
  5: 'SACK',
  8: 'Timestamps',
  30: 'Multipath TCP',
  34: 'TCP Fast Open Cookie',
};

export const TCP_FIELDS: FieldInfo[] = [
  protoField('tcp', 'Transmission Control Protocol'),
  uintField('tcp.srcport', 'Source Port', 16),
  uintField('tcp.dstport', 'Destination Port', 16),
  uintField('tcp.port', 'Source or Destination Port', 16),
  uintField('tcp.stream', 'Stream index', 32),
  uintField('tcp.len', 'TCP Segment Len', 32),
  uintField('tcp.seq', 'Sequence Number', 32),
  uintField('tcp.seq_raw', 'Sequence Number (raw)', 32),
  uintField('tcp.nxtseq', 'Next Sequence Number', 32),
  uintField('tcp.ack', 'Acknowledgment Number', 32),
  uintField('tcp.ack_raw', 'Acknowledgment number (raw)', 32),
  uintField('tcp.hdr_len', 'Header Length', 8),
  hexField('tcp.flags', 'Flags', 16),
  field('tcp.flags.res', 'Reserved', 'bool'),
  field('tcp.flags.ns', 'Nonce', 'bool'),
  field('tcp.flags.cwr', 'Congestion Window Reduced (CWR)', 'bool'),
  field('tcp.flags.ecn', 'ECN-Echo', 'bool'),
  field('tcp.flags.urg', 'Urgent', 'bool'),
  field('tcp.flags.ack', 'Acknowledgment', 'bool'),
  field('tcp.flags.push', 'Push', 'bool'),
  field('tcp.flags.reset', 'Reset', 'bool'),
  field('tcp.flags.syn', 'Syn', 'bool'),
  field('tcp.flags.fin', 'Fin', 'bool'),
  field('tcp.flags.str', 'TCP Flags', 'string'),
  uintField('tcp.window_size_value', 'Window', 16),
  uintField('tcp.window_size', 'Calculated window size', 32),
  field('tcp.window_size_scalefactor', 'Window size scaling factor', 'int'),
  hexField('tcp.checksum', 'Checksum', 16),
  uintField('tcp.checksum.status', 'Checksum Status', 8, CHECKSUM_STATUS),
  field('tcp.checksum_bad.expert', 'Bad checksum', 'none'),
  uintField('tcp.urgent_pointer', 'Urgent Pointer', 16),
  field('tcp.options', 'Options', 'bytes'),
  uintField('tcp.option_kind', 'Kind', 8, TCP_OPTS),
  uintField('tcp.option_len', 'Length', 8),
  uintField('tcp.options.mss_val', 'MSS Value', 16),
  uintField('tcp.options.wscale.shift', 'Shift count', 8),
  uintField('tcp.options.wscale.multiplier', 'Multiplier', 16),
  uintField('tcp.options.sack_le', 'left edge', 32),
  uintField('tcp.options.sack_re', 'right edge', 32),
  uintField('tcp.options.timestamp.tsval', 'Timestamp value', 32),
  uintField('tcp.options.timestamp.tsecr', 'Timestamp echo reply', 32),
  field('tcp.payload', 'TCP payload', 'bytes'),
  field('tcp.analysis', 'SEQ/ACK analysis', 'none'),
  field('tcp.analysis.flags', 'TCP Analysis Flags', 'none'),
  field('tcp.analysis.retransmission', 'Retransmission', 'none'),
  field('tcp.analysis.reused_ports', 'TCP port numbers reused', 'none'),
  field('tcp.analysis.fast_retransmission', 'Fast retransmission', 'none'),
  field('tcp.analysis.spurious_retransmission', 'Spurious retransmission', 'none'),
  field('tcp.analysis.out_of_order', 'Out-Of-Order segment', 'none'),
  field('tcp.analysis.lost_segment', 'Previous segment(s) not captured', 'none'),
  field('tcp.analysis.ack_lost_segment', "ACKed segment that wasn't captured", 'none'),
  field('tcp.analysis.duplicate_ack', 'Duplicate ACK', 'none'),
  uintField('tcp.analysis.duplicate_ack_num', 'Duplicate ACK #', 32),
  field('tcp.analysis.duplicate_ack_frame', 'Duplicate to the ACK in frame', 'framenum'),
  field('tcp.analysis.window_update', 'Window update', 'none'),
  field('tcp.analysis.window_full', 'Window full', 'none'),
  field('tcp.analysis.zero_window', 'Zero window', 'none'),
  field('tcp.analysis.zero_window_probe', 'Zero window probe', 'none'),
  field('tcp.analysis.zero_window_probe_ack', 'Zero window probe ACK', 'none'),
  field('tcp.analysis.keep_alive', 'Keep-Alive', 'none'),
  field('tcp.analysis.keep_alive_ack', 'Keep-Alive ACK', 'none'),
  field('tcp.analysis.initial_rtt', 'iRTT', 'reltime'),
  field('tcp.connection.syn', 'Connection establish request (SYN)', 'none'),
  field('tcp.connection.sack', 'Connection establish acknowledge (SYN+ACK)', 'none'),
  field('tcp.connection.fin', 'Connection finish (FIN)', 'none'),
  field('tcp.connection.rst', 'Connection reset (RST)', 'none'),
  field('tcp.connection.fin_active', 'This frame initiates the connection closing', 'none'),
  field('tcp.connection.fin_passive', 'This frame undergoes the connection closing', 'none'),
  field('tcp.segment_data', 'TCP segment data', 'bytes'),
  field('tcp.reassembled.length', 'Reassembled TCP length', 'uint'),
];

const FIN = 1;
const SYN = 2;
const RST = 4;
const PSH = 8;
const ACK = 16;
const URG = 32;
const ECE = 64;
const CWR = 128;
const NS = 256;
const FLAG_NAMES = ['FIN', 'SYN', 'RST', 'PSH', 'ACK', 'URG', 'ECE', 'CWR', 'NS'];

// Sequence analysis flags (Wireshark's TCP_A_*)
const A_RETRANSMISSION = 1;
const A_LOST_PACKET = 2;
const A_ACK_LOST_PACKET = 4;
const A_KEEP_ALIVE = 8;
const A_DUPLICATE_ACK = 16;
const A_ZERO_WINDOW = 32;
const A_ZERO_WINDOW_PROBE = 64;
const A_ZERO_WINDOW_PROBE_ACK = 128;
const A_KEEP_ALIVE_ACK = 256;
const A_OUT_OF_ORDER = 512;
const A_FAST_RETRANSMISSION = 1024;
const A_WINDOW_UPDATE = 2048;
const A_WINDOW_FULL = 4096;
const A_SPURIOUS = 8192;
const A_REUSED_PORTS = 16384;

/**
 * The numbers of every flow (two per conversation, flow index = 2 × conversation index + 0/1) in
 * typed arrays: a million-frame capture has tens of thousands of conversations, and objects with
 * a dozen number fields (most of them boxed doubles: raw sequence numbers exceed 2^31) cost ~700
 * bytes each, all copied by every young-generation GC they survive.
 */
class FlowStore {
  /** Flows allocated (always even). */
  size = 0;
  base = new Uint32Array(0);
  nextSeq = new Uint32Array(0);
  maxSeqToBeAcked = new Uint32Array(0);
  lastAck = new Uint32Array(0);
  window = new Int32Array(0);
  dupAckNum = new Uint32Array(0);
  lastNonDupAck = new Uint32Array(0);
  nextSeqTime = new Float64Array(0);
  lastAckTime = new Float64Array(0);
  winScale = new Int8Array(0);
  synWs = new Int8Array(0);
  lastSegFlags = new Uint16Array(0);
  /** FLOW_* bits. */
  bits = new Uint8Array(0);
  // per conversation (index = flow index >> 1)
  firstSynTime = new Float64Array(0);
  irtt = new Float64Array(0);
  /** CONV_* bits. */
  convBits = new Uint8Array(0);

  /** Index of a new pair of flows (a fresh conversation's a and b). */
  pair(): number {
    const i = this.size;
    if (i + 2 > this.base.length) this.grow(Math.max(256, this.base.length * 2));
    this.size = i + 2;
    this.window[i] = this.window[i + 1] = -1;
    this.winScale[i] = this.winScale[i + 1] = -1;
    this.synWs[i] = this.synWs[i + 1] = -1;
    this.firstSynTime[i >> 1] = -1;
    return i;
  }

  /** Forgets every flow (a scratch store for conversations that are never kept). */
  clear(): void {
    this.size = 0;
    this.base.fill(0);
    this.nextSeq.fill(0);
    this.maxSeqToBeAcked.fill(0);
    this.lastAck.fill(0);
    this.dupAckNum.fill(0);
    this.lastNonDupAck.fill(0);
    this.nextSeqTime.fill(0);
    this.lastAckTime.fill(0);
    this.lastSegFlags.fill(0);
    this.bits.fill(0);
    this.irtt.fill(0);
    this.convBits.fill(0);
  }

  private grow(n: number): void {
    const u32 = (a: Uint32Array<ArrayBuffer>): Uint32Array<ArrayBuffer> => copyInto(new Uint32Array(n), a);
    const f64 = (a: Float64Array<ArrayBuffer>, len: number): Float64Array<ArrayBuffer> => copyInto(new Float64Array(len), a);
    this.base = u32(this.base);
    this.nextSeq = u32(this.nextSeq);
    this.maxSeqToBeAcked = u32(this.maxSeqToBeAcked);
    this.lastAck = u32(this.lastAck);
    this.window = copyInto(new Int32Array(n), this.window);
    this.dupAckNum = u32(this.dupAckNum);
    this.lastNonDupAck = u32(this.lastNonDupAck);
    this.nextSeqTime = f64(this.nextSeqTime, n);
    this.lastAckTime = f64(this.lastAckTime, n);
    this.winScale = copyInto(new Int8Array(n), this.winScale);
    this.synWs = copyInto(new Int8Array(n), this.synWs);
    this.lastSegFlags = copyInto(new Uint16Array(n), this.lastSegFlags);
    this.bits = copyInto(new Uint8Array(n), this.bits);
    this.firstSynTime = f64(this.firstSynTime, n >> 1);
    this.irtt = f64(this.irtt, n >> 1);
    this.convBits = copyInto(new Uint8Array(n >> 1), this.convBits);
  }
}

function copyInto<T extends { set(a: ArrayLike<number>): void }>(to: T, from: ArrayLike<number>): T {
  to.set(from);
  return to;
}

const FLOW_BASE_SET = 1;
const FLOW_NEXT_SEQ_SET = 2;
const FLOW_MAX_SET = 4;
const FLOW_LAST_ACK_SET = 8;
const FLOW_SENT_FIN = 16;
const CONV_FIN_SEEN = 1;
const CONV_FIN_PASSIVE = 2;

/**
 * One direction of a conversation: its numbers live in a FlowStore (the accessors read them
 * there). Sequence numbers are kept raw (uint32).
 */
class Flow {
  /** Pending multi-segment PDU. */
  msp: PendingPdu | null = null;
  constructor(
    readonly t: FlowStore,
    readonly i: number,
  ) {}
  private flag(bit: number): boolean {
    return (this.t.bits[this.i] & bit) !== 0;
  }
  private setFlag(bit: number, on: boolean): void {
    const b = this.t.bits;
    b[this.i] = on ? b[this.i] | bit : b[this.i] & ~bit;
  }
  get base(): number { return this.t.base[this.i]; }
  set base(v: number) { this.t.base[this.i] = v; }
  get baseSet(): boolean { return this.flag(FLOW_BASE_SET); }
  set baseSet(v: boolean) { this.setFlag(FLOW_BASE_SET, v); }
  get nextSeq(): number { return this.t.nextSeq[this.i]; }
  set nextSeq(v: number) { this.t.nextSeq[this.i] = v; }
  get nextSeqSet(): boolean { return this.flag(FLOW_NEXT_SEQ_SET); }
  set nextSeqSet(v: boolean) { this.setFlag(FLOW_NEXT_SEQ_SET, v); }
  get nextSeqTime(): number { return this.t.nextSeqTime[this.i]; }
  set nextSeqTime(v: number) { this.t.nextSeqTime[this.i] = v; }
  get maxSeqToBeAcked(): number { return this.t.maxSeqToBeAcked[this.i]; }
  set maxSeqToBeAcked(v: number) { this.t.maxSeqToBeAcked[this.i] = v; }
  get maxSet(): boolean { return this.flag(FLOW_MAX_SET); }
  set maxSet(v: boolean) { this.setFlag(FLOW_MAX_SET, v); }
  get lastAck(): number { return this.t.lastAck[this.i]; }
  set lastAck(v: number) { this.t.lastAck[this.i] = v; }
  get lastAckSet(): boolean { return this.flag(FLOW_LAST_ACK_SET); }
  set lastAckSet(v: boolean) { this.setFlag(FLOW_LAST_ACK_SET, v); }
  get lastAckTime(): number { return this.t.lastAckTime[this.i]; }
  set lastAckTime(v: number) { this.t.lastAckTime[this.i] = v; }
  /** Window field of the last segment, -1 before one. */
  get window(): number { return this.t.window[this.i]; }
  set window(v: number) { this.t.window[this.i] = v; }
  /** -1 unknown, -2 no scaling, else shift count. */
  get winScale(): number { return this.t.winScale[this.i]; }
  set winScale(v: number) { this.t.winScale[this.i] = v; }
  get dupAckNum(): number { return this.t.dupAckNum[this.i]; }
  set dupAckNum(v: number) { this.t.dupAckNum[this.i] = v; }
  get lastNonDupAck(): number { return this.t.lastNonDupAck[this.i]; }
  set lastNonDupAck(v: number) { this.t.lastNonDupAck[this.i] = v; }
  get lastSegFlags(): number { return this.t.lastSegFlags[this.i]; }
  set lastSegFlags(v: number) { this.t.lastSegFlags[this.i] = v; }
  /** The SYN's window scale shift, -1 without one. */
  get synWs(): number { return this.t.synWs[this.i]; }
  set synWs(v: number) { this.t.synWs[this.i] = v; }
  get sentFin(): boolean { return this.flag(FLOW_SENT_FIN); }
  set sentFin(v: boolean) { this.setFlag(FLOW_SENT_FIN, v); }
}

class Conversation {
  readonly a: Flow;
  readonly b: Flow;
  app: StreamProtocol | null = null;
  constructor(
    t: FlowStore,
    readonly stream: number,
    /**
     * Whether the endpoint that spoke first (flow a) is the lower one of the pair (IPv4: address,
     * then port; IPv6: key text), to tell the directions apart.
     */
    readonly aLow: boolean,
  ) {
    const i = t.pair();
    this.a = new Flow(t, i);
    this.b = new Flow(t, i + 1);
  }
  private get t(): FlowStore {
    return this.a.t;
  }
  get finSeen(): boolean { return (this.t.convBits[this.a.i >> 1] & CONV_FIN_SEEN) !== 0; }
  set finSeen(v: boolean) { this.setBit(CONV_FIN_SEEN, v); }
  get finPassive(): boolean { return (this.t.convBits[this.a.i >> 1] & CONV_FIN_PASSIVE) !== 0; }
  set finPassive(v: boolean) { this.setBit(CONV_FIN_PASSIVE, v); }
  private setBit(bit: number, on: boolean): void {
    const b = this.t.convBits;
    const k = this.a.i >> 1;
    b[k] = on ? b[k] | bit : b[k] & ~bit;
  }
}

/**
 * Bytes held by unfinished PDUs across the capture. Beyond this budget the oldest pending PDUs
 * are dropped (their missing bytes would likely never come), so memory stays bounded on huge
 * captures full of abandoned transfers; ordinary captures never get near it.
 */
export const REASSEMBLY_BUDGET = 32 << 20;

interface TcpState {
  /** PDUs waiting for more segments, least recently grown first, and the bytes they count. */
  pending: PendingPdus;
  /** IPv6 conversations by string key. */
  convs: Map<string, Conversation>;
  /** IPv4 conversations by their endpoint pair (numbers only: no key objects per segment). */
  convs4: Conversations4;
  next: number;
  /** Numbers of the kept conversations' flows. */
  flows: FlowStore;
  /** Flows of a conversation seen only inside an ICMP error (never kept): reused each time. */
  scratch: FlowStore;
}

/**
 * IPv4 conversations in an open-addressing hash table over typed arrays, keyed by the lower
 * endpoint (address, port) and the higher one: compact, and a lookup allocates nothing.
 */
class Conversations4 {
  private slots = new Int32Array(1 << 12); // entry index + 1, 0 = empty
  // addresses as int32 (a uint32 above 2^31 passed to a call would be boxed)
  private loAddr = new Int32Array(1 << 11);
  private hiAddr = new Int32Array(1 << 11);
  private ports = new Uint32Array(1 << 11); // low port << 16 | high port
  private convs: Conversation[] = [];
  /** The last endpoint pair looked up (segments of one conversation mostly come in runs). */
  private lastLo = 0;
  private lastHi = 0;
  private lastPorts = -1; // no pair yet (ports are a uint32)
  private lastConv: Conversation | undefined;

  private slot(loA: number, loP: number, hiA: number, hiP: number): number {
    const mask = this.slots.length - 1;
    let h = Math.imul(loA ^ Math.imul(hiA, 0x9e3779b1), 0x85ebca6b) ^ Math.imul((loP << 16) | hiP, 0xc2b2ae35);
    h ^= h >>> 15;
    for (let i = h & mask; ; i = (i + 1) & mask) {
      const e = this.slots[i] - 1;
      if (e < 0 || (this.loAddr[e] === loA && this.hiAddr[e] === hiA && this.ports[e] === (((loP << 16) | hiP) >>> 0))) return i;
    }
  }

  get(loA: number, loP: number, hiA: number, hiP: number): Conversation | undefined {
    const ports = ((loP << 16) | hiP) >>> 0;
    if (loA === this.lastLo && hiA === this.lastHi && ports === this.lastPorts) return this.lastConv;
    const e = this.slots[this.slot(loA, loP, hiA, hiP)] - 1;
    if (e < 0) return undefined;
    this.lastLo = loA;
    this.lastHi = hiA;
    this.lastPorts = ports;
    return (this.lastConv = this.convs[e]);
  }

  /** Adds or replaces (port reuse) the conversation of the endpoint pair. */
  set(loA: number, loP: number, hiA: number, hiP: number, conv: Conversation): void {
    this.lastLo = loA;
    this.lastHi = hiA;
    this.lastPorts = ((loP << 16) | hiP) >>> 0;
    this.lastConv = conv;
    const i = this.slot(loA, loP, hiA, hiP);
    const e = this.slots[i] - 1;
    if (e >= 0) {
      this.convs[e] = conv;
      return;
    }
    const n = this.convs.length;
    if (n === this.loAddr.length) {
      this.loAddr = grow(this.loAddr, new Int32Array(n * 2));
      this.hiAddr = grow(this.hiAddr, new Int32Array(n * 2));
      this.ports = grow(this.ports, new Uint32Array(n * 2));
    }
    this.loAddr[n] = loA;
    this.hiAddr[n] = hiA;
    this.ports[n] = ((loP << 16) | hiP) >>> 0;
    this.convs.push(conv);
    this.slots[i] = n + 1;
    if ((n + 1) * 2 > this.slots.length) this.rehash();
  }

  private rehash(): void {
    this.slots = new Int32Array(this.slots.length * 2);
    const mask = this.slots.length - 1;
    for (let e = 0; e < this.convs.length; e++) {
      const loP = this.ports[e] >>> 16;
      const hiP = this.ports[e] & 0xffff;
      let h = Math.imul(this.loAddr[e] ^ Math.imul(this.hiAddr[e], 0x9e3779b1), 0x85ebca6b) ^ Math.imul((loP << 16) | hiP, 0xc2b2ae35);
      h ^= h >>> 15;
      let i = h & mask;
      while (this.slots[i] !== 0) i = (i + 1) & mask;
      this.slots[i] = e + 1;
    }
  }
}

function grow<T extends Int32Array<ArrayBuffer> | Uint32Array<ArrayBuffer>>(a: T, bigger: T): T {
  bigger.set(a);
  return bigger;
}

// Sequence-space comparisons (mod 2^32)
function lt(a: number, b: number): boolean {
  return ((a - b) | 0) < 0;
}
function gt(a: number, b: number): boolean {
  return ((a - b) | 0) > 0;
}

// The steps of a segment's bookkeeping, shared by dissectTcp and the column fast path
// (tcpColumnsFast) so both leave the same state behind.

function newTcpState(): TcpState {
  return { convs: new Map(), convs4: new Conversations4(), next: 0, pending: new PendingPdus(), flows: new FlowStore(), scratch: new FlowStore() };
}

function tcpState(s: DissectSession): TcpState {
  return s.get<TcpState>('tcp', newTcpState);
}

/** The session's TCP state, for tcpColumnsFast (fetched once by the caller, not per segment). */
export type TcpFastState = TcpState;
export function tcpFastState(s: DissectSession): TcpFastState {
  return tcpState(s);
}

/** What findConversation found besides the conversation (scratch, overwritten per call). */
const found = { reused: false, fwd: null as unknown as Flow, rev: null as unknown as Flow };

/** The segment's conversation (created on first sight; a new one when a SYN reuses the ports). */
function findConversation(st: TcpState, net: DissectSession['net'], sport: number, dport: number, seq: number, flags: number, inError: boolean): Conversation {
  let conv: Conversation | undefined;
  let key = '';
  const v4 = net.ipVersion === 4;
  // IPv4: the lower endpoint (address, then port) first, as numbers.
  const srcLow = net.src4 < net.dst4 || (net.src4 === net.dst4 && sport < dport);
  const loA = (srcLow ? net.src4 : net.dst4) | 0;
  const loP = srcLow ? sport : dport;
  const hiA = (srcLow ? net.dst4 : net.src4) | 0;
  const hiP = srcLow ? dport : sport;
  let low = srcLow;
  if (v4) {
    conv = st.convs4.get(loA, loP, hiA, hiP);
  } else {
    const pair = net.addrKey().split('>');
    const srcKey = `${pair[0]}:${sport}`;
    const dstKey = `${pair[1]}:${dport}`;
    low = srcKey < dstKey;
    key = low ? srcKey + '|' + dstKey : dstKey + '|' + srcKey;
    conv = st.convs.get(key);
  }
  found.reused = false;
  if (conv && !inError && (flags & (SYN | ACK)) === SYN) {
    const f = conv.aLow === low ? conv.a : conv.b;
    if (f.baseSet && f.base !== seq >>> 0) {
      conv = undefined; // port reuse: a new connection, a new stream
      found.reused = true;
    }
  }
  if (!conv) {
    if (inError) st.scratch.clear();
    conv = new Conversation(inError ? st.scratch : st.flows, st.next++, low);
    if (!inError) {
      if (v4) st.convs4.set(loA, loP, hiA, hiP, conv);
      else st.convs.set(key, conv);
    }
  }
  if (conv.aLow === low) {
    found.fwd = conv.a;
    found.rev = conv.b;
  } else {
    found.fwd = conv.b;
    found.rev = conv.a;
  }
  return conv;
}

/**
 * Relative sequence numbers: base is the ISN (SYN) or the first sequence number seen minus one.
 * (`seq`, `ack` uint32 or int32: the typed array stores them modulo 2^32.)
 */
function setBases(fwd: Flow, rev: Flow, seq: number, ack: number, flags: number): void {
  const t = fwd.t;
  const bits = t.bits;
  if (!(bits[fwd.i] & FLOW_BASE_SET)) {
    t.base[fwd.i] = flags & SYN ? seq >>> 0 : (seq - 1) >>> 0;
    bits[fwd.i] |= FLOW_BASE_SET;
  }
  if (flags & ACK && !(bits[rev.i] & FLOW_BASE_SET)) {
    t.base[rev.i] = (ack - 1) >>> 0;
    bits[rev.i] |= FLOW_BASE_SET;
  }
}

/** A FIN's place in the closing: 1 initiates it, 2 undergoes it, 0 neither. */
function finTransition(conv: Conversation, fwd: Flow): number {
  let r = 0;
  if (!conv.finSeen) {
    conv.finSeen = true;
    r = 1;
  } else if (!conv.finPassive && !fwd.sentFin) {
    conv.finPassive = true;
    r = 2;
  }
  fwd.sentFin = true;
  return r;
}

function windowScaleOnSyn(fwd: Flow, rev: Flow, flags: number, ws: number): void {
  fwd.synWs = ws;
  if (flags & ACK) {
    // SYN+ACK: scaling is on only when both sides offered it
    if (ws >= 0 && rev.synWs >= 0) {
      fwd.winScale = ws;
      rev.winScale = rev.synWs;
    } else {
      fwd.winScale = -2;
      rev.winScale = -2;
    }
  }
}

function scaledWindow(fwd: Flow, flags: number, win: number): number {
  const shift = fwd.t.winScale[fwd.i];
  return !(flags & SYN) && shift >= 0 ? win * (1 << shift) : win;
}

/** `SYN, ACK` as the Info column lists the flags. */
function flagNames(flags: number): string {
  let names = '';
  for (let i = 0; i < 9; i++) {
    if (flags & (1 << i)) names += (names ? ', ' : '') + FLAG_NAMES[i];
  }
  return names || '<None>';
}

export function dissectTcp(p: Packet, s: DissectSession, buf: Uint8Array, off: number, end: number): void {
  need(buf, off, 20, end);
  const net = s.net;
  const sport = u16(buf, off);
  const dport = u16(buf, off + 2);
  const seq = u32(buf, off + 4);
  const ack = u32(buf, off + 8);
  const hf = u16(buf, off + 12);
  const hl = (hf >> 12) * 4;
  const flags = hf & 0x0fff;
  const win = u16(buf, off + 14);
  const ck = u16(buf, off + 16);
  const urg = u16(buf, off + 18);
  p.proto('tcp', off, hl, undefined, end);
  p.add('tcp.srcport', off, 2, sport);
  p.add('tcp.dstport', off + 2, 2, dport);
  p.add('tcp.port', off, 2, sport);
  p.add('tcp.port', off + 2, 2, dport);
  net.srcPort = sport;
  net.dstPort = dport;
  if (hl < 20) {
    p.add('tcp.hdr_len', off + 12, 1, hl);
    p.close();
    if (p.columns && !net.inError) {
      p.setProtocol('TCP');
      p.setInfo(`${sport} → ${dport} [Bogus TCP header length (${hl}, must be at least 20)]`);
    }
    return;
  }
  const inError = net.inError;
  const captured = Math.min(end, buf.length);
  const seglen = Math.max(0, end - off - hl);

  // Conversation and direction
  const st = tcpState(s);
  const conv = findConversation(st, net, sport, dport, seq, flags, inError);
  const reused = found.reused;
  const fwd = found.fwd;
  const rev = found.rev;
  p.gen('tcp.stream', conv.stream);

  setBases(fwd, rev, seq, ack, flags);
  const relSeq = (seq - fwd.base) >>> 0;
  const relAck = flags & ACK ? (ack - rev.base) >>> 0 : ack;
  const synFin = (flags & SYN ? 1 : 0) + (flags & FIN ? 1 : 0);
  p.gen('tcp.len', seglen);
  p.add('tcp.seq', off + 4, 4, relSeq);
  p.add('tcp.seq_raw', off + 4, 4, seq);
  p.gen('tcp.nxtseq', (relSeq + seglen + synFin) >>> 0);
  p.add('tcp.ack', off + 8, 4, relAck);
  p.add('tcp.ack_raw', off + 8, 4, ack);
  p.add('tcp.hdr_len', off + 12, 1, hl);
  if (p.wantAny('tcp.flags')) {
    p.open('tcp.flags', off + 12, 2, undefined, flags);
    p.add('tcp.flags.res', off + 12, 1, (flags & 0xe00) !== 0);
    p.add('tcp.flags.ns', off + 12, 1, (flags & NS) !== 0);
    p.add('tcp.flags.cwr', off + 13, 1, (flags & CWR) !== 0);
    p.add('tcp.flags.ecn', off + 13, 1, (flags & ECE) !== 0);
    p.add('tcp.flags.urg', off + 13, 1, (flags & URG) !== 0);
    p.add('tcp.flags.ack', off + 13, 1, (flags & ACK) !== 0);
    p.add('tcp.flags.push', off + 13, 1, (flags & PSH) !== 0);
    p.add('tcp.flags.reset', off + 13, 1, (flags & RST) !== 0);
    p.add('tcp.flags.syn', off + 13, 1, (flags & SYN) !== 0);
    p.add('tcp.flags.fin', off + 13, 1, (flags & FIN) !== 0);
    if (p.want('tcp.flags.str')) {
      const letters = 'RRRNCEUAPRSF';
      let str = '';
      for (let i = 11; i >= 0; i--) str += flags & (1 << i) ? letters[11 - i] : '·';
      p.gen('tcp.flags.str', str);
    }
    p.close();
  }
  // Connection events are expert items of the flags, before window and checksum (Wireshark's order).
  if (flags & FIN && !inError) {
    p.expert('tcp.connection.fin', off + 13, 1, 'chat', 'sequence', 'Connection finish (FIN)');
    const fin = finTransition(conv, fwd);
    if (fin === 1) p.expert('tcp.connection.fin_active', off + 13, 1, 'note', 'sequence', 'This frame initiates the connection closing');
    else if (fin === 2) p.expert('tcp.connection.fin_passive', off + 13, 1, 'note', 'sequence', 'This frame undergoes the connection closing');
  }
  if (flags & RST && !inError) p.expert('tcp.connection.rst', off + 13, 1, 'warn', 'sequence', 'Connection reset (RST)');
  if (flags & SYN && !inError) p.expert(flags & ACK ? 'tcp.connection.sack' : 'tcp.connection.syn', off + 13, 1, 'chat', 'sequence', flags & ACK ? 'Connection establish acknowledge (SYN+ACK): server port ' + sport : 'Connection establish request (SYN): server port ' + dport);
  p.add('tcp.window_size_value', off + 14, 2, win);

  // Options (parsed first: window scale affects the calculated window)
  need(buf, off, hl, end);
  let optInfo = '';
  let ws = -1;
  if (hl > 20) optInfo = dissectOptions(p, buf, off + 20, off + hl, rev, (shift) => (ws = shift));
  if (flags & SYN && !inError) windowScaleOnSyn(fwd, rev, flags, ws);
  const scaled = scaledWindow(fwd, flags, win);
  p.gen('tcp.window_size', scaled);
  p.gen('tcp.window_size_scalefactor', flags & SYN ? -1 : fwd.winScale >= 0 ? 1 << fwd.winScale : fwd.winScale);
  p.add('tcp.checksum', off + 16, 2, ck);
  if (s.checkChecksums && !inError && end <= buf.length) {
    const len = end - off;
    const ok = onesSum(buf, off, end, pseudoSum(s, 6, len)) === 0xffff;
    p.gen('tcp.checksum.status', ok ? 1 : 0);
    if (!ok) {
      const should = 0xffff - onesSum(buf, off, end, pseudoSum(s, 6, len) + (0xffff - ck));
      p.expert('tcp.checksum_bad.expert', off + 16, 2, 'error', 'checksum', `Bad checksum [should be 0x${hex(should, 4)}]`);
    }
  } else p.gen('tcp.checksum.status', 2);
  p.add('tcp.urgent_pointer', off + 18, 2, urg);

  // Sequence analysis
  let aflags = 0;
  let dupNum = 0;
  let dupFrame = 0;
  if (!inError) {
    aflags = analyzeSegment(conv, fwd, rev, seq, ack, seglen, flags, win, p.absSec, p.absNs, p.number, reused);
    if (aflags & A_DUPLICATE_ACK) {
      dupNum = fwd.dupAckNum;
      dupFrame = fwd.lastNonDupAck;
    }
    const shown = s.ackAnalysis ? trackAcks(s, conv.stream, fwd === conv.a ? 0 : 1, fwd.base, seq, ack, seglen, flags, aflags, p.number, p.absSec, p.absNs, buf, off + 20, off + hl) : noAcks(aflags);
    if (shown) addAnalysis(p, aflags, dupNum, dupFrame);
  }
  p.close();

  if (p.columns && !inError) {
    let info = `${sport} → ${dport} [${flagText(flags)}] Seq=${relSeq}`;
    if (flags & ACK) info += ` Ack=${relAck}`;
    info += ` Win=${scaled} Len=${seglen}`;
    if (flags & URG) info += ` Urg=${urg}`;
    info += optInfo;
    p.setProtocol('TCP');
    p.setInfo(analysisPrefix(aflags, dupNum, dupFrame) + info);
    p.fence = analysisPrefix(aflags, dupNum, dupFrame);
  }

  const start = off + hl;
  if (seglen === 0 || start >= captured) return;
  if (p.want('tcp.payload')) p.add('tcp.payload', start, captured - start, buf.slice(start, captured));
  if (inError || p.maxLayer < 4) return;
  const payEnd = Math.min(end, captured);
  if (payEnd < end) {
    // Cut short by the snaplen: no reassembly (as Wireshark); the protocol above sees what exists.
    const app = chooseApp(s, conv, buf, start, payEnd, sport, dport);
    if (app && p.needProto(app.name)) {
      p.buf = buf;
      app.dissect(p, s, buf, start, end, false);
    } else if (!app) dissectData(p, buf, start, end);
    return;
  }
  if (skipsPayload(aflags, fwd)) return;
  deliver(p, s, st, conv, fwd, buf, start, payEnd, seq, sport, dport);
}

/**
 * Keeps the pending-PDU accounting in step: `msp` (a flow's pending PDU) took `delta` more bytes
 * (or is new). Beyond the budget the least recently grown PDUs are dropped.
 */
function account(st: TcpState, msp: PendingPdu, delta: number): void {
  const pending = st.pending;
  pending.touch(msp, delta);
  while (pending.bytes > REASSEMBLY_BUDGET) {
    const oldest = pending.dropOldest()!;
    if (oldest.owner && oldest.owner.msp === oldest) oldest.owner.msp = null;
    // (the PDU being served may still be read: its pieces go to the garbage collector)
    if (oldest !== msp) oldest.release();
  }
}

function dissectOptions(p: Packet, buf: Uint8Array, off: number, end: number, rev: Flow, onWs: (shift: number) => void): string {
  let info = '';
  if (p.want('tcp.options')) p.add('tcp.options', off, end - off, buf.slice(off, end));
  let o = off;
  let guard = 0;
  while (o < end && guard++ < 40) {
    const kind = buf[o];
    if (kind <= 1) {
      optionItem(p, buf, o, 1, kind);
      p.add('tcp.option_kind', o, 1, kind);
      p.close();
      if (kind === 0) break;
      o++;
      continue;
    }
    if (o + 1 >= end) break;
    const len = buf[o + 1];
    if (len < 2 || o + len > end) {
      p.malformedAt('tcp', o);
      break;
    }
    optionItem(p, buf, o, len, kind);
    p.add('tcp.option_kind', o, 1, kind);
    p.add('tcp.option_len', o + 1, 1, len);
    if (kind === 2 && len === 4) {
      const mss = u16(buf, o + 2);
      p.add('tcp.options.mss_val', o + 2, 2, mss);
      info += ` MSS=${mss}`;
    } else if (kind === 3 && len === 3) {
      const shift = buf[o + 2];
      p.add('tcp.options.wscale.shift', o + 2, 1, shift);
      const mult = 1 << Math.min(shift, 14);
      p.gen('tcp.options.wscale.multiplier', mult);
      info += ` WS=${mult}`;
      onWs(Math.min(shift, 14));
    } else if (kind === 4 && len === 2) {
      info += ' SACK_PERM';
    } else if (kind === 5) {
      for (let e = o + 2; e + 8 <= o + len; e += 8) {
        const le = (u32(buf, e) - rev.base) >>> 0;
        const re = (u32(buf, e + 4) - rev.base) >>> 0;
        p.add('tcp.options.sack_le', e, 4, le);
        p.add('tcp.options.sack_re', e + 4, 4, re);
        info += ` SLE=${le} SRE=${re}`;
      }
    } else if (kind === 8 && len === 10) {
      const tsval = u32(buf, o + 2);
      const tsecr = u32(buf, o + 6);
      p.add('tcp.options.timestamp.tsval', o + 2, 4, tsval);
      p.add('tcp.options.timestamp.tsecr', o + 6, 4, tsecr);
      info += ` TSval=${tsval} TSecr=${tsecr}`;
    }
    p.close();
    o += len;
  }
  return info;
}

/** Opens an option's item (tcp.options.mss, …): its value is the option's bytes. */
function optionItem(p: Packet, buf: Uint8Array, o: number, len: number, kind: number): void {
  const name = tcpOptionField(kind);
  p.open(name, o, len, `TCP Option - ${TCP_OPTS[kind] ?? 'Unknown'}`, p.want(name) ? buf.slice(o, o + len) : undefined);
}

/**
 * Wireshark's tcp_analyze_sequence_number, reduced to the flags it shows (plus port reuse), and
 * the initial RTT. The capture time comes as seconds and nanoseconds (small integers: a double
 * argument would be boxed per call).
 */
function analyzeSegment(conv: Conversation, fwd: Flow, rev: Flow, seq32: number, ack32: number, seglen: number, flags: number, win: number, tsSec: number, tsNs: number, frame: number, reused: boolean): number {
  // (sequence numbers may come as int32: a uint32 above 2^31 passed to a call would be boxed)
  const seq = seq32 >>> 0;
  const ack = ack32 >>> 0;
  const now = tsSec + tsNs / 1e9;
  // The flows' numbers are read once into locals (typed-array loads are not merged across the
  // stores in between) and the changed ones written back at the end.
  const t = fwd.t;
  const f = fwd.i;
  const r = rev.i;
  const k = conv.a.i >> 1;
  if (flags & SYN && !(flags & ACK)) t.firstSynTime[k] = now;
  let irtt = t.irtt[k];
  if (flags & ACK && !(flags & SYN) && irtt === 0 && t.firstSynTime[k] >= 0 && f === conv.a.i) irtt = t.irtt[k] = now - t.firstSynTime[k];
  const bits = t.bits;
  const fBits = bits[f];
  const rBits = bits[r];
  const fNextSeqSet = (fBits & FLOW_NEXT_SEQ_SET) !== 0;
  let fNextSeq = t.nextSeq[f];
  const fWindow = t.window[f];
  const fLastAckSet = (fBits & FLOW_LAST_ACK_SET) !== 0;
  const fLastAck = t.lastAck[f];
  let fDupAckNum = t.dupAckNum[f];
  const rLastAckSet = (rBits & FLOW_LAST_ACK_SET) !== 0;
  const rLastAck = t.lastAck[r];
  const rWindow = t.window[r];
  const rWinScale = t.winScale[r];
  const rLastSegFlags = t.lastSegFlags[r];
  let a = 0;
  const noCtl = (flags & (SYN | FIN | RST)) === 0;
  let skipToFinished = false;
  if (seglen === 1 && fNextSeqSet && seq === fNextSeq && rWindow === 0) {
    a |= A_ZERO_WINDOW_PROBE;
    skipToFinished = true;
  }
  if (!skipToFinished) {
    if (win === 0 && noCtl) a |= A_ZERO_WINDOW;
    if (fNextSeqSet && gt(seq, fNextSeq) && !(flags & RST)) a |= A_LOST_PACKET;
    if (seglen <= 1 && noCtl && fNextSeqSet && seq === ((fNextSeq - 1) >>> 0)) a |= A_KEEP_ALIVE;
    const sameAck = fLastAckSet && ack === fLastAck;
    if (seglen === 0 && win !== 0 && win !== fWindow && fNextSeqSet && seq === fNextSeq && sameAck && noCtl) a |= A_WINDOW_UPDATE;
    if (seglen > 0 && rWinScale !== -1 && rLastAckSet && noCtl) {
      const shift = rWinScale === -2 ? 0 : rWinScale;
      if (((seq + seglen) >>> 0) === ((rLastAck + rWindow * (1 << shift)) >>> 0)) a |= A_WINDOW_FULL;
    }
    if (seglen === 0 && win !== 0 && win === fWindow && fNextSeqSet && seq === fNextSeq && sameAck && rLastSegFlags & A_KEEP_ALIVE && noCtl) {
      a |= A_KEEP_ALIVE_ACK;
      skipToFinished = true;
    } else if (seglen === 0 && win === 0 && win === fWindow && fNextSeqSet && seq === fNextSeq && sameAck && rLastSegFlags & A_ZERO_WINDOW_PROBE && noCtl) {
      a |= A_ZERO_WINDOW_PROBE_ACK;
      skipToFinished = true;
    } else if (seglen === 0 && win !== 0 && win === fWindow && fNextSeqSet && seq === fNextSeq && sameAck && noCtl) {
      fDupAckNum++;
      a |= A_DUPLICATE_ACK;
    }
  }
  // The dup ACK count lasts while the ACK number stays (data segments carrying the same ACK do
  // not reset it), so a segment answering two dup ACKs is a fast retransmission.
  if (ack !== fLastAck) {
    t.lastNonDupAck[f] = frame;
    fDupAckNum = 0;
  }
  t.dupAckNum[f] = fDupAckNum;
  if (!skipToFinished) {
    if (flags & ACK && rBits & FLOW_MAX_SET && gt(ack, t.maxSeqToBeAcked[r])) {
      a |= A_ACK_LOST_PACKET;
      t.maxSeqToBeAcked[r] = t.nextSeq[r];
    }
    if ((seglen > 0 || flags & (SYN | FIN)) && fNextSeqSet && lt(seq, fNextSeq)) {
      if (now - t.lastAckTime[r] < 0.02 && t.dupAckNum[r] >= 2 && rLastAck === seq) a |= A_FAST_RETRANSMISSION;
      else {
        // Out-of-order: close in time to the highest segment and not merely a copy of it (a SYN
        // or FIN counts one: the same SYN seen again at a second capture point is a retransmission).
        const thres = irtt > 0 ? irtt : 0.003;
        const end = (seq + seglen + (flags & (SYN | FIN) ? 1 : 0)) >>> 0;
        if (now - t.nextSeqTime[f] < thres && fNextSeq !== end) a |= A_OUT_OF_ORDER;
        else if (seglen > 0 && rLastAckSet && !gt((seq + seglen) >>> 0, rLastAck)) a |= A_SPURIOUS;
        else a |= A_RETRANSMISSION;
      }
    }
  }
  let nb = fBits;
  const nextSeq = (seq + seglen + (flags & (SYN | FIN) ? 1 : 0)) >>> 0;
  if (!fNextSeqSet || gt(nextSeq, fNextSeq)) {
    if (!(a & A_ZERO_WINDOW_PROBE)) {
      fNextSeq = nextSeq;
      t.nextSeq[f] = nextSeq;
      nb |= FLOW_NEXT_SEQ_SET;
      t.nextSeqTime[f] = now;
    }
  }
  if (!(fBits & FLOW_MAX_SET) || seq === t.maxSeqToBeAcked[f]) {
    if (!(a & A_ZERO_WINDOW_PROBE)) {
      t.maxSeqToBeAcked[f] = fNextSeq;
      nb |= FLOW_MAX_SET;
    }
  }
  t.window[f] = win;
  t.lastAck[f] = ack;
  if (flags & ACK) nb |= FLOW_LAST_ACK_SET;
  bits[f] = nb;
  t.lastAckTime[f] = now;
  t.lastSegFlags[f] = a;
  return reused ? a | A_REUSED_PORTS : a;
}

/**
 * A segment flagged retransmission or out-of-order outside a pending PDU is shown as TCP, its
 * payload not dissected again (tshark 4.0: a fast or spurious retransmission, which carries only
 * its own flag there, still goes to the protocol above).
 */
function skipsPayload(aflags: number, fwd: Flow): boolean {
  return (aflags & (A_RETRANSMISSION | A_OUT_OF_ORDER)) !== 0 && !fwd.msp;
}

const EXPERTS: [number, string, 'note' | 'warn' | 'chat', string][] = [
  [A_REUSED_PORTS, 'tcp.analysis.reused_ports', 'note', 'A new tcp session is started with the same ports as an earlier session in this trace'],
  [A_RETRANSMISSION, 'tcp.analysis.retransmission', 'note', 'This frame is a (suspected) retransmission'],
  [A_FAST_RETRANSMISSION, 'tcp.analysis.fast_retransmission', 'note', 'This frame is a (suspected) fast retransmission'],
  [A_SPURIOUS, 'tcp.analysis.spurious_retransmission', 'note', 'This frame is a (suspected) spurious retransmission'],
  [A_OUT_OF_ORDER, 'tcp.analysis.out_of_order', 'warn', 'This frame is a (suspected) out-of-order segment'],
  [A_LOST_PACKET, 'tcp.analysis.lost_segment', 'warn', 'Previous segment(s) not captured (common at capture start)'],
  [A_ACK_LOST_PACKET, 'tcp.analysis.ack_lost_segment', 'warn', "ACKed segment that wasn't captured (common at capture start)"],
  [A_WINDOW_UPDATE, 'tcp.analysis.window_update', 'chat', 'TCP window update'],
  [A_WINDOW_FULL, 'tcp.analysis.window_full', 'warn', 'TCP window specified by the receiver is now completely full'],
  [A_KEEP_ALIVE, 'tcp.analysis.keep_alive', 'note', 'TCP keep-alive segment'],
  [A_KEEP_ALIVE_ACK, 'tcp.analysis.keep_alive_ack', 'note', 'ACK to a TCP keep-alive segment'],
  [A_ZERO_WINDOW, 'tcp.analysis.zero_window', 'warn', 'TCP Zero Window segment'],
  [A_ZERO_WINDOW_PROBE, 'tcp.analysis.zero_window_probe', 'note', 'TCP Zero Window Probe'],
  [A_ZERO_WINDOW_PROBE_ACK, 'tcp.analysis.zero_window_probe_ack', 'note', 'ACK to a TCP Zero Window Probe'],
];

function addAnalysis(p: Packet, a: number, dupNum: number, dupFrame: number): void {
  p.open('tcp.analysis', 0, 0, '[SEQ/ACK analysis]');
  addAckItems(p);
  if (!a) return p.close();
  p.open('tcp.analysis.flags', 0, 0, '[TCP Analysis Flags]');
  for (const [bit, name, sev, msg] of EXPERTS) {
    if (a & bit) p.expert(name, 0, 0, sev, 'sequence', msg);
    if (bit === A_RETRANSMISSION && a & bit) addRtoItems(p);
  }
  // Fast and spurious retransmissions are retransmissions too (both items, as in Wireshark).
  if (a & (A_FAST_RETRANSMISSION | A_SPURIOUS) && !(a & A_RETRANSMISSION)) p.expert('tcp.analysis.retransmission', 0, 0, 'note', 'sequence', 'This frame is a (suspected) retransmission');
  // A dup ACK is an item in the flags and an expert info under the frame it duplicates: two
  // tcp.analysis.duplicate_ack values, as tshark -T fields prints them ("1,1").
  if (a & A_DUPLICATE_ACK) p.gen('tcp.analysis.duplicate_ack', true, '[This is a TCP duplicate ack]');
  p.close();
  if (a & A_DUPLICATE_ACK) {
    p.gen('tcp.analysis.duplicate_ack_num', dupNum);
    p.gen('tcp.analysis.duplicate_ack_frame', dupFrame);
    p.expert('tcp.analysis.duplicate_ack', 0, 0, 'note', 'sequence', `Duplicate ACK (#${dupNum})`);
  }
  p.close();
}

/**
 * The Info prefixes in the order tshark's col_prepend_fence calls leave them (each prepended, so
 * the last flag tested comes first); the dup ACK's text is built with its numbers.
 */
const PREFIX_TABLE: [number, string][] = [
  [A_SPURIOUS, '[TCP Spurious Retransmission] '],
  [A_FAST_RETRANSMISSION, '[TCP Fast Retransmission] '],
  [A_OUT_OF_ORDER, '[TCP Out-Of-Order] '],
  [A_ZERO_WINDOW, '[TCP ZeroWindow] '],
  [A_ZERO_WINDOW_PROBE_ACK, '[TCP ZeroWindowProbeAck] '],
  [A_ZERO_WINDOW_PROBE, '[TCP ZeroWindowProbe] '],
  [A_DUPLICATE_ACK, ''],
  [A_KEEP_ALIVE_ACK, '[TCP Keep-Alive ACK] '],
  [A_WINDOW_FULL, '[TCP Window Full] '],
  [A_WINDOW_UPDATE, '[TCP Window Update] '],
  [A_KEEP_ALIVE, '[TCP Keep-Alive] '],
  [A_ACK_LOST_PACKET, '[TCP ACKed unseen segment] '],
  [A_LOST_PACKET, '[TCP Previous segment not captured] '],
  [A_RETRANSMISSION, '[TCP Retransmission] '],
  [A_REUSED_PORTS, '[TCP Port numbers reused] '],
];
const PREFIX_BITS = PREFIX_TABLE.map(([bit]) => bit);
const PREFIXES = PREFIX_TABLE.map(([, text]) => encodeAscii(text));

/** The Info prefixes, in the order tshark's col_prepend_fence calls leave them. */
function analysisPrefix(a: number, dupNum: number, dupFrame: number): string {
  let out = '';
  for (const [bit, text] of PREFIX_TABLE) {
    if (a & bit) out += bit === A_DUPLICATE_ACK ? `[TCP Dup ACK ${dupFrame}#${dupNum}] ` : text;
  }
  return out;
}

/** Picks the protocol for a conversation: Decode As / port (low port first), then heuristics. */
function chooseApp(s: DissectSession, conv: Conversation, buf: Uint8Array, off: number, end: number, sport: number, dport: number): StreamProtocol | null {
  if (conv.app) return conv.app;
  const low = sport < dport ? sport : dport;
  const high = sport < dport ? dport : sport;
  let app = s.tcpPort.get(low) ?? s.tcpPort.get(high) ?? null;
  if (!app) {
    for (const h of s.tcpHeuristics) {
      if (h.heuristic && h.heuristic(buf, off, end)) {
        app = h;
        break;
      }
    }
    if (app) conv.app = app;
  }
  return app;
}

const SEGMENT_NOTE = ' [TCP segment of a reassembled PDU]';
const MARK_SEGMENT_NOTE = '\u0001' + SEGMENT_NOTE; // TCP_INFO_MARK + SEGMENT_NOTE

/** Hands payload to the protocol above, reassembling PDUs that span segments (gaps filled by retransmissions). */
function deliver(p: Packet, s: DissectSession, st: TcpState, conv: Conversation, fwd: Flow, buf: Uint8Array, off: number, end: number, seq: number, sport: number, dport: number): void {
  const msp = fwd.msp;
  if (msp) {
    let rel = (seq - msp.start) | 0;
    let from = off;
    if (rel < 0) {
      from -= rel;
      rel = 0;
    }
    if (from < end && rel >= msp.want) {
      // Wholly past the PDU's end (bytes missing before it): not part of it, dissected on its own
      // as tshark does (a PDU growing a segment at a time after a loss: "Continuation").
      runApp(p, s, st, conv, fwd, buf, off, end, seq, sport, dport, null, -1, 0);
      if (fwd.msp !== msp && msp.listed) {
        st.pending.remove(msp); // (one pending PDU per direction: a new one replaced it)
        msp.release();
      }
      return;
    }
    // Bounded: pieces must fall inside the PDU (plus what may start the next one), 4096 at most.
    if (from < end && msp.pieces < MAX_PIECES) {
      msp.add(rel, buf, from, end);
      account(st, msp, end - from);
    }
    if (from >= end || !msp.complete()) {
      // (the column fast path's Info is just its marker here: one constant string, not a new one per segment)
      if (p.info === TCP_INFO_MARK) p.info = MARK_SEGMENT_NOTE;
      else p.appendInfo(SEGMENT_NOTE);
      return;
    }
    // (the budget may just have dropped this very PDU: then its bytes are no longer counted)
    if (fwd.msp === msp) {
      fwd.msp = null;
      st.pending.remove(msp);
    }
    const whole = msp.assemble();
    const length = msp.length;
    p.gen('tcp.reassembled.length', length);
    const frameSource = p.enterSource(p.tree ? p.addSource(`Reassembled TCP (${length} bytes)`, whole) : -1); // Wireshark's tab
    p.reassembled = true;
    const grown = runApp(p, s, st, conv, fwd, whole, 0, whole.length, msp.start, sport, dport, msp.sparse ? null : msp, msp.skipFrom, msp.elided);
    p.reassembled = false;
    p.enterSource(frameSource);
    if (grown) {
      // The same message wants more (tshark extends the PDU): nothing was reassembled yet here.
      p.retract('tcp.reassembled.length');
      if (p.tree) p.dataSources.pop();
      return;
    }
    msp.release(); // after the protocol above is done with `whole` (which may be a kept piece)
    return;
  }
  runApp(p, s, st, conv, fwd, buf, off, end, seq, sport, dport, null, -1, 0);
}

/**
 * Runs the protocol above over buf[off, end) (raw sequence number `seq` at `off`), message after
 * message. `elided` bytes of a sparse PDU, not kept, belong at `elidedAt` (see Packet.elidedAt).
 * `pdu`: the completed PDU buf is (reassembled, all bytes kept), reopened when its message wants
 * more (returns true then).
 */
function runApp(p: Packet, s: DissectSession, st: TcpState, conv: Conversation, fwd: Flow, buf: Uint8Array, off: number, end: number, seq: number, sport: number, dport: number, pdu: PendingPdu | null, elidedAt: number, elided: number): boolean {
  const reassembled = p.reassembled;
  const app = chooseApp(s, conv, buf, off, end, sport, dport);
  // (where PDUs end is the protocol's to say: TCP's reassembly fields need it to run)
  if (app && !p.needProto(app.name) && !p.wantAny('tcp.reassembled')) return false;
  if (!app) {
    dissectData(p, buf, off, end);
    return false;
  }
  let o = off;
  let rounds = 0;
  // Sequence space the elided bytes took, once the protocol above counted them (seq of a buffer offset o: seq + o - off + shift).
  let shift = 0;
  let pendingElided = elided > 0;
  while (o < end && rounds++ < 1000) {
    p.desegmentLen = 0;
    p.desegmentSkip = 0;
    p.elidedAt = pendingElided ? elidedAt : -1;
    p.elidedLen = elided;
    p.resume = o === off && pdu !== null ? pdu.cursor : null;
    let used: number;
    const depth = p.depth;
    try {
      p.buf = buf;
      used = app.dissect(p, s, buf, o, end, reassembled);
    } catch {
      p.elidedAt = -1;
      p.closeTo(depth);
      p.malformedAt(app.name, o);
      return false;
    }
    if (pendingElided) {
      if (p.elidedAt < 0) {
        pendingElided = false;
        shift = elided;
      } else if (used < 0 || p.desegmentLen > 0 || o + used > elidedAt) {
        // The protocol did not take the bytes it said it would not read (a Packet that reads
        // them now): nothing after them can be placed.
        p.elidedAt = -1;
        return false;
      }
    }
    if (used < 0) {
      if (o === off) dissectData(p, buf, o, end);
      return false;
    }
    if (p.desegmentLen > 0) {
      // Keep the unfinished PDU's bytes (or just which arrived, where they will not be read) and wait for the rest.
      const startPdu = o + used;
      const have = end - startPdu;
      const want = p.desegmentLen === Infinity ? have + 1 : have + p.desegmentLen;
      let skipFrom = Infinity;
      let skipTo = Infinity;
      if (p.desegmentSkip > 0 && p.desegmentLen !== Infinity && p.desegmentSkipAt >= startPdu && p.desegmentSkipAt - startPdu + p.desegmentSkip === want) {
        skipFrom = p.desegmentSkipAt - startPdu;
        skipTo = want;
      }
      // The whole PDU again, from its start: it grows (no byte copied again), and the protocol
      // above will go on from where it stopped (p.resume).
      const grows = pdu !== null && startPdu === off && shift === 0 && skipFrom === Infinity;
      const msp = grows ? pdu : new PendingPdu(fwd, (seq + (startPdu - off) + shift) >>> 0, want, skipFrom, skipTo);
      if (grows) pdu.reopen(buf.subarray(off, end), want);
      else msp.add(0, buf, startPdu, end);
      msp.cursor = used === 0 ? p.resume : null;
      fwd.msp = msp;
      account(st, msp, have);
      p.desegmentLen = 0;
      p.desegmentSkip = 0;
      p.resume = null;
      // The note only where nothing before the unfinished PDU was dissected (tshark: desegment_offset 0).
      // (after complete TLS records tshark adds none either; nor after HTTP/2's own Info)
      if (p.columns && startPdu === off && p.segmentSuffix) p.appendInfo(SEGMENT_NOTE);
      return grows;
    }
    if (used === 0) break;
    o += used;
  }
  p.elidedAt = -1;
  return false;
}

// ---------------------------------------------------------------------------------------------
// Column fast path: summary lines without a tree or field values. Same bookkeeping as
// dissectTcp (the shared steps above), Info written straight into the output bytes; segments
// with payload hand it to the protocol above through the ordinary Packet.

/** Where the fast path gets a Packet (reset for the current frame) when a segment has payload. */
export interface FramePacketSource {
  /** The frame's Packet, reset and ready (columns on); `frameStart` maps buffer offsets onto it. */
  framePacket(): Packet;
  readonly frameStart: number;
  /** The frame's capture time. */
  readonly tsSec: number;
  readonly tsNs: number;
}

/**
 * Walks the options of a header: returns the window scale shift (-1 without one) or -2 when the
 * options are malformed; with a writer, also writes the option part of the Info column as
 * dissectOptions builds it (SACK edges relative to `rev`'s base).
 */
function walkOptions(w: TextWriter | null, b: Uint8Array, off: number, end: number, rev: Flow | null): number {
  let ws = -1;
  let o = off;
  let guard = 0;
  while (o < end && guard++ < 40) {
    const len = optionSpan(b, o, end);
    if (len === 0) break;
    if (len < 0) return -2;
    const kind = b[o]; // (a NOP, len 1, matches none of the kinds below)
    if (kind === 3 && len === 3) ws = Math.min(b[o + 2], 14);
    if (w) {
      if (kind === 2 && len === 4) {
        w.ascii(MSS_EQ);
        w.uint(u16(b, o + 2));
      } else if (kind === 3 && len === 3) {
        w.ascii(WS_EQ);
        w.uint(1 << ws);
      } else if (kind === 4 && len === 2) {
        w.ascii(SACK_PERM);
      } else if (kind === 5) {
        const base = rev ? rev.base : 0;
        for (let e = o + 2; e + 8 <= o + len; e += 8) {
          w.ascii(SLE_EQ);
          w.uint((u32(b, e) - base) >>> 0);
          w.ascii(SRE_EQ);
          w.uint((u32(b, e + 4) - base) >>> 0);
        }
      } else if (kind === 8 && len === 10) {
        w.ascii(TSVAL_EQ);
        w.uint(u32(b, o + 2));
        w.ascii(TSECR_EQ);
        w.uint(u32(b, o + 6));
      }
    }
    o += len;
  }
  return ws;
}

/** NOP, NOP, Timestamps: the options of nearly every segment after the handshake (Linux). */
function timestampsOnly(b: Uint8Array, off: number, hl: number): boolean {
  return hl === 32 && b[off + 20] === 1 && b[off + 21] === 1 && b[off + 22] === 8 && b[off + 23] === 10;
}

const FLAG_TEXT: string[] = [];
function flagText(flags: number): string {
  const key = flags & 0x1ff;
  return (FLAG_TEXT[key] ??= flagNames(key));
}

/**
 * Protocol, length and Info of a TCP segment over IPv4 (s.net holds the addresses), written as
 * `PROTO LEN INFO` — or false, with no state touched, when the segment needs dissectTcp (bad
 * header or options). [off, end) is the segment within `b`, entirely captured.
 */
export function tcpColumnsFast(s: DissectSession, st: TcpFastState, src: FramePacketSource, w: TextWriter, b: Uint8Array, off: number, end: number, frameLen: number, number: number, tsSec: number, tsNs: number): boolean {
  if (end - off < 20) return false;
  const hf = u16(b, off + 12);
  const hl = (hf >> 12) * 4;
  if (hl < 20 || off + hl > end) return false;
  const tsOnly = timestampsOnly(b, off, hl);
  const ws = hl > 20 && !tsOnly ? walkOptions(null, b, off + 20, off + hl, null) : -1;
  if (ws === -2) return false;
  const flags = hf & 0x0fff;
  const net = s.net;
  const sport = u16(b, off);
  const dport = u16(b, off + 2);
  // int32 (see analyzeSegment); relative numbers are taken modulo 2^32 all the same
  const seq = i32(b, off + 4);
  const ack = i32(b, off + 8);
  const win = u16(b, off + 14);
  net.srcPort = sport;
  net.dstPort = dport;
  const conv = findConversation(st, net, sport, dport, seq, flags, false);
  const reused = found.reused;
  const fwd = found.fwd;
  const rev = found.rev;
  setBases(fwd, rev, seq, ack, flags);
  const relSeq = (seq - fwd.base) >>> 0;
  const relAck = flags & ACK ? (ack - rev.base) >>> 0 : ack;
  if (flags & FIN) finTransition(conv, fwd);
  if (flags & SYN) windowScaleOnSyn(fwd, rev, flags, ws);
  const scaled = scaledWindow(fwd, flags, win);
  const seglen = end - off - hl;
  const aflags = analyzeSegment(conv, fwd, rev, seq, ack, seglen, flags, win, tsSec, tsNs, number, reused);
  if (s.ackAnalysis) trackAcks(s, conv.stream, fwd === conv.a ? 0 : 1, fwd.base, seq, ack, seglen, flags, aflags, number, tsSec, tsNs, b, off + 20, off + hl);
  const dupNum = aflags & A_DUPLICATE_ACK ? fwd.dupAckNum : 0;
  const dupFrame = aflags & A_DUPLICATE_ACK ? fwd.lastNonDupAck : 0;
  const start = off + hl;
  const payload = seglen > 0 && !skipsPayload(aflags, fwd);
  if (!payload) {
    // A bounded line (LINE_ROOM after begin()): written without room checks.
    const o = w.buf;
    w.view.setInt32(w.pos, W_TCP_SP, true);
    let p = w.pos + 4;
    p = putUint(o, p, frameLen);
    o[p++] = 32;
    if (aflags) p = putAnalysisPrefix(o, p, aflags, dupNum, dupFrame);
    w.pos = p;
    writeTcpInfo(w, b, off, hl, sport, dport, flags, relSeq, relAck, scaled, seglen, rev, tsOnly);
    return true;
  }
  const prefix = aflags ? analysisPrefix(aflags, dupNum, dupFrame) : '';
  // The protocol above decides the columns: run it on the frame's Packet, with a marker standing
  // for TCP's Info (written here as bytes, not built as a string) unless it replaces the Info.
  const p = src.framePacket();
  const fs = src.frameStart;
  const data = p.data;
  p.protocol = 'TCP';
  p.info = TCP_INFO_MARK;
  p.fence = prefix;
  const depth = p.depth;
  p.buf = data;
  try {
    deliver(p, s, st, conv, fwd, data, start - fs, end - fs, seq >>> 0, sport, dport);
  } catch (e) {
    // what the session's guard around dissectTcp does
    p.closeTo(depth);
    if (e instanceof CaptureLimited) p.limitedAt('TCP', off - fs);
    else p.malformedAt('TCP', off - fs);
  }
  w.text(p.protocol);
  w.byte(32);
  w.uint(frameLen);
  w.byte(32);
  const info = p.info;
  if (info.charCodeAt(0) === 1) {
    if (prefix) w.text(prefix);
    writeTcpInfo(w, b, off, hl, sport, dport, flags, relSeq, relAck, scaled, seglen, rev, tsOnly);
    if (info.length > 1) w.text(info, 1);
  } else w.text(info);
  return true;
}

/** Stands for TCP's own Info text while the protocol above runs (it only appends to it or replaces it). */
const TCP_INFO_MARK = '\u0001';

/** TCP's Info (after any analysis prefix); the options are walked only when not `tsOnly`. */
function writeTcpInfo(w: TextWriter, b: Uint8Array, off: number, hl: number, sport: number, dport: number, flags: number, relSeq: number, relAck: number, scaled: number, seglen: number, rev: Flow, tsOnly: boolean): void {
  // At most ~170 bytes up to and with the timestamps: one room check, then unchecked writes.
  // The constant texts go out as 32-bit words (a word may run past its text: what follows
  // overwrites the rest), written here rather than by a call per item.
  w.room(200);
  const o = w.buf;
  const v = w.view;
  let p = putUint(o, w.pos, sport);
  p = putArrow(o, p);
  p = putUint(o, p, dport);
  // ` [ACK] Seq=`
  const key = flags & 0x1ff;
  if (FLAG_LEN[key] === 0) fillFlagWords(key);
  const n = FLAG_LEN[key];
  for (let k = 0, at = key * FLAG_WORDS_EACH; k < n; k += 4, at++) v.setInt32(p + k, FLAG_WORDS[at], true);
  p += n;
  p = putUint(o, p, relSeq);
  if (flags & ACK) {
    v.setInt32(p, W_ACK, true);
    o[p + 4] = 61; // =
    p = putUint(o, p + 5, relAck);
  }
  v.setInt32(p, W_WIN, true);
  o[p + 4] = 61;
  p = putUint(o, p + 5, scaled);
  v.setInt32(p, W_LEN, true);
  o[p + 4] = 61;
  p = putUint(o, p + 5, seglen);
  if (flags & URG) {
    v.setInt32(p, W_URG, true);
    o[p + 4] = 61;
    p = putUint(o, p + 5, u16(b, off + 18));
  }
  if (tsOnly) {
    v.setInt32(p, W_TSV, true);
    v.setInt32(p + 4, W_AL_EQ, true);
    p = putUint32(o, p + 7, i32(b, off + 24));
    v.setInt32(p, W_TSE, true);
    v.setInt32(p + 4, W_CR_EQ, true);
    w.pos = putUint32(o, p + 7, i32(b, off + 28));
    return;
  }
  w.pos = p;
  if (hl > 20) walkOptions(w, b, off + 20, off + hl, rev);
}

/** Four ASCII characters as the int32 a little-endian 32-bit store writes them with. */
function word(s: string): number {
  return s.charCodeAt(0) | (s.charCodeAt(1) << 8) | (s.charCodeAt(2) << 16) | (s.charCodeAt(3) << 24);
}
const W_TCP_SP = word('TCP ');
const W_ACK = word(' Ack');
const W_WIN = word(' Win');
const W_LEN = word(' Len');
const W_URG = word(' Urg');
const W_TSV = word(' TSv');
const W_AL_EQ = word('al= '); // 3 used
const W_TSE = word(' TSe');
const W_CR_EQ = word('cr= '); // 3 used

/** ` [SYN, ACK] Seq=` per flag combination as words (filled on first use) and its length. */
const FLAG_WORDS_EACH = 16; // 64 bytes: the longest, all nine flags, is 52
const FLAG_WORDS = new Int32Array(512 * FLAG_WORDS_EACH);
const FLAG_LEN = new Uint8Array(512);
function fillFlagWords(key: number): void {
  const text = ` [${flagNames(key)}] Seq=`.padEnd(FLAG_WORDS_EACH * 4, ' ');
  for (let k = 0; k < FLAG_WORDS_EACH; k++) FLAG_WORDS[key * FLAG_WORDS_EACH + k] = word(text.slice(4 * k, 4 * k + 4));
  FLAG_LEN[key] = ` [${flagNames(key)}] Seq=`.length;
}

/** The Info prefixes of `analysisPrefix`, written as bytes. */
function putAnalysisPrefix(o: Uint8Array, p: number, a: number, dupNum: number, dupFrame: number): number {
  for (let i = 0; i < PREFIXES.length; i++) {
    const bit = PREFIX_BITS[i];
    if (!(a & bit)) continue;
    if (bit === A_DUPLICATE_ACK) {
      p = putAscii(o, p, DUP_ACK);
      p = putUint(o, p, dupFrame);
      o[p++] = 35; // #
      p = putUint(o, p, dupNum);
      o[p++] = 93; // ]
      o[p++] = 32;
    } else p = putAscii(o, p, PREFIXES[i]);
  }
  return p;
}

/** 4 bytes at b[o] as an int32 (always a small integer to V8: never boxed when passed on). */
function i32(b: Uint8Array, o: number): number {
  return (b[o] << 24) | (b[o + 1] << 16) | (b[o + 2] << 8) | b[o + 3];
}

const MSS_EQ = encodeAscii(' MSS=');
const WS_EQ = encodeAscii(' WS=');
const SACK_PERM = encodeAscii(' SACK_PERM');
const SLE_EQ = encodeAscii(' SLE=');
const SRE_EQ = encodeAscii(' SRE=');
const DUP_ACK = encodeAscii('[TCP Dup ACK ');
const TSVAL_EQ = encodeAscii(' TSval=');
const TSECR_EQ = encodeAscii(' TSecr=');


