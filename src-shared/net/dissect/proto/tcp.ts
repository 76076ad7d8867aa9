// TCP: header and options, conversations (tcp.stream), relative sequence numbers, window
// scaling, sequence analysis (retransmissions, dup ACKs, zero window, …) and stream reassembly
// for the protocols above (Wireshark's desegmentation), all in one ordered pass.
import type { FieldInfo } from '../types';
import type { DissectSession, StreamProtocol } from '../session';
import type { Packet } from '../packet';
import { field, hexField, protoField, uintField } from '../registry';
import { CaptureLimited, need, onesSum, u16, u32 } from '../bytes';
import { encodeAscii, type TextWriter } from '../text-writer';
import { hex } from '../format';
import { dissectData } from './link';
import { CHECKSUM_STATUS } from './ip';
import { pseudoSum } from './udp';
import { MAX_PIECES, PendingPdu, PendingPdus } from './tcp-reassembly';

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
  field('tcp.options.sack_perm', 'TCP SACK Permitted Option', 'none'),
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

/** One direction of a conversation. Sequence numbers are kept raw (uint32). */
class Flow {
  base = 0;
  baseSet = false;
  nextSeq = 0;
  nextSeqSet = false;
  nextSeqTime = 0;
  maxSeqToBeAcked = 0;
  maxSet = false;
  lastAck = 0;
  lastAckSet = false;
  lastAckTime = 0;
  window = -1;
  /** -1 unknown, -2 no scaling, else shift count. */
  winScale = -1;
  dupAckNum = 0;
  lastNonDupAck = 0;
  lastSegFlags = 0;
  synWs = -1;
  sentFin = false;
  /** Pending multi-segment PDU. */
  msp: PendingPdu | null = null;
}

class Conversation {
  readonly a: Flow = new Flow();
  readonly b: Flow = new Flow();
  app: StreamProtocol | null = null;
  firstSynTime = -1;
  irtt = 0;
  finSeen = false;
  finPassive = false;
  constructor(
    readonly stream: number,
    /** Endpoint that spoke first (address:port key), to tell the directions apart. */
    readonly aKey: string | number,
  ) {}
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
}

/**
 * IPv4 conversations in an open-addressing hash table over typed arrays, keyed by the lower
 * endpoint (address, port) and the higher one: compact, and a lookup allocates nothing.
 */
class Conversations4 {
  private slots = new Int32Array(1 << 12); // entry index + 1, 0 = empty
  private loAddr = new Uint32Array(1 << 11);
  private hiAddr = new Uint32Array(1 << 11);
  private ports = new Uint32Array(1 << 11); // low port << 16 | high port
  private convs: Conversation[] = [];

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
    const e = this.slots[this.slot(loA, loP, hiA, hiP)] - 1;
    return e < 0 ? undefined : this.convs[e];
  }

  /** Adds or replaces (port reuse) the conversation of the endpoint pair. */
  set(loA: number, loP: number, hiA: number, hiP: number, conv: Conversation): void {
    const i = this.slot(loA, loP, hiA, hiP);
    const e = this.slots[i] - 1;
    if (e >= 0) {
      this.convs[e] = conv;
      return;
    }
    const n = this.convs.length;
    if (n === this.loAddr.length) {
      this.loAddr = grow(this.loAddr);
      this.hiAddr = grow(this.hiAddr);
      this.ports = grow(this.ports);
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

function grow(a: Uint32Array<ArrayBuffer>): Uint32Array<ArrayBuffer> {
  const b = new Uint32Array(a.length * 2);
  b.set(a);
  return b;
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
  return { convs: new Map(), convs4: new Conversations4(), next: 0, pending: new PendingPdus() };
}

function tcpState(s: DissectSession): TcpState {
  return s.get<TcpState>('tcp', newTcpState);
}

/** What findConversation found besides the conversation (scratch, overwritten per call). */
const found = { reused: false, fwd: null as unknown as Flow, rev: null as unknown as Flow };

/** The segment's conversation (created on first sight; a new one when a SYN reuses the ports). */
function findConversation(st: TcpState, net: DissectSession['net'], sport: number, dport: number, seq: number, flags: number, inError: boolean): Conversation {
  let srcKey: string | number;
  let conv: Conversation | undefined;
  let key = '';
  const v4 = net.ipVersion === 4;
  // IPv4: the lower endpoint (address, then port) first, as numbers.
  const srcLow = net.src4 < net.dst4 || (net.src4 === net.dst4 && sport < dport);
  const loA = srcLow ? net.src4 : net.dst4;
  const loP = srcLow ? sport : dport;
  const hiA = srcLow ? net.dst4 : net.src4;
  const hiP = srcLow ? dport : sport;
  if (v4) {
    srcKey = net.src4 * 65536 + sport;
    conv = st.convs4.get(loA, loP, hiA, hiP);
  } else {
    const pair = net.addrKey().split('>');
    srcKey = `${pair[0]}:${sport}`;
    const dstKey = `${pair[1]}:${dport}`;
    key = srcKey < dstKey ? srcKey + '|' + dstKey : dstKey + '|' + srcKey;
    conv = st.convs.get(key);
  }
  found.reused = false;
  if (conv && !inError && (flags & (SYN | ACK)) === SYN) {
    const f = conv.aKey === srcKey ? conv.a : conv.b;
    if (f.baseSet && f.base !== seq) {
      conv = undefined; // port reuse: a new connection, a new stream
      found.reused = true;
    }
  }
  if (!conv) {
    conv = new Conversation(st.next++, srcKey);
    if (!inError) {
      if (v4) st.convs4.set(loA, loP, hiA, hiP, conv);
      else st.convs.set(key, conv);
    }
  }
  if (conv.aKey === srcKey) {
    found.fwd = conv.a;
    found.rev = conv.b;
  } else {
    found.fwd = conv.b;
    found.rev = conv.a;
  }
  return conv;
}

/** Relative sequence numbers: base is the ISN (SYN) or the first sequence number seen minus one. */
function setBases(fwd: Flow, rev: Flow, seq: number, ack: number, flags: number): void {
  if (!fwd.baseSet) {
    fwd.base = flags & SYN ? seq : (seq - 1) >>> 0;
    fwd.baseSet = true;
  }
  if (flags & ACK && !rev.baseSet) {
    rev.base = (ack - 1) >>> 0;
    rev.baseSet = true;
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
  return !(flags & SYN) && fwd.winScale >= 0 ? win * (1 << fwd.winScale) : win;
}

function analyzeSegment(conv: Conversation, fwd: Flow, rev: Flow, seq: number, ack: number, seglen: number, flags: number, win: number, now: number, frame: number, reused: boolean): number {
  if (flags & SYN && !(flags & ACK)) conv.firstSynTime = now;
  if (flags & ACK && !(flags & SYN) && conv.irtt === 0 && conv.firstSynTime >= 0 && fwd === conv.a) conv.irtt = now - conv.firstSynTime;
  let a = analyze(fwd, rev, seq, ack, seglen, flags, win, now, conv.irtt, frame);
  if (reused) a |= A_REUSED_PORTS;
  return a;
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
  const now = p.absSec + p.absNs / 1e9;

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
    aflags = analyzeSegment(conv, fwd, rev, seq, ack, seglen, flags, win, now, p.number, reused);
    if (aflags & A_DUPLICATE_ACK) {
      dupNum = fwd.dupAckNum;
      dupFrame = fwd.lastNonDupAck;
    }
    if (aflags) addAnalysis(p, aflags, dupNum, dupFrame);
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
    if (kind === 0) {
      p.add('tcp.option_kind', o, 1, kind);
      break;
    }
    if (kind === 1) {
      p.add('tcp.option_kind', o, 1, kind);
      o++;
      continue;
    }
    if (o + 1 >= end) break;
    const len = buf[o + 1];
    if (len < 2 || o + len > end) {
      p.malformedAt('tcp', o);
      break;
    }
    p.open('tcp.option', o, len, `TCP Option - ${TCP_OPTS[kind] ?? 'Unknown'}`);
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
      p.add('tcp.options.sack_perm', o, 2);
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

/** Wireshark's tcp_analyze_sequence_number, reduced to the flags it shows. */
function analyze(fwd: Flow, rev: Flow, seq: number, ack: number, seglen: number, flags: number, win: number, now: number, irtt: number, frame: number): number {
  let a = 0;
  const noCtl = (flags & (SYN | FIN | RST)) === 0;
  let skipToFinished = false;
  if (seglen === 1 && fwd.nextSeqSet && seq === fwd.nextSeq && rev.window === 0) {
    a |= A_ZERO_WINDOW_PROBE;
    skipToFinished = true;
  }
  if (!skipToFinished) {
    if (win === 0 && noCtl) a |= A_ZERO_WINDOW;
    if (fwd.nextSeqSet && gt(seq, fwd.nextSeq) && !(flags & RST)) a |= A_LOST_PACKET;
    if (seglen <= 1 && noCtl && fwd.nextSeqSet && seq === ((fwd.nextSeq - 1) >>> 0)) a |= A_KEEP_ALIVE;
    const sameAck = fwd.lastAckSet && ack === fwd.lastAck;
    if (seglen === 0 && win !== 0 && win !== fwd.window && fwd.nextSeqSet && seq === fwd.nextSeq && sameAck && noCtl) a |= A_WINDOW_UPDATE;
    if (seglen > 0 && rev.winScale !== -1 && rev.lastAckSet && noCtl) {
      const shift = rev.winScale === -2 ? 0 : rev.winScale;
      if (((seq + seglen) >>> 0) === ((rev.lastAck + rev.window * (1 << shift)) >>> 0)) a |= A_WINDOW_FULL;
    }
    if (seglen === 0 && win !== 0 && win === fwd.window && fwd.nextSeqSet && seq === fwd.nextSeq && sameAck && rev.lastSegFlags & A_KEEP_ALIVE && noCtl) {
      a |= A_KEEP_ALIVE_ACK;
      skipToFinished = true;
    } else if (seglen === 0 && win === 0 && win === fwd.window && fwd.nextSeqSet && seq === fwd.nextSeq && sameAck && rev.lastSegFlags & A_ZERO_WINDOW_PROBE && noCtl) {
      a |= A_ZERO_WINDOW_PROBE_ACK;
      skipToFinished = true;
    } else if (seglen === 0 && win !== 0 && win === fwd.window && fwd.nextSeqSet && seq === fwd.nextSeq && sameAck && noCtl) {
      fwd.dupAckNum++;
      a |= A_DUPLICATE_ACK;
    }
  }
  // The dup ACK count lasts while the ACK number stays (data segments carrying the same ACK do
  // not reset it), so a segment answering two dup ACKs is a fast retransmission.
  if (ack !== fwd.lastAck) {
    fwd.lastNonDupAck = frame;
    fwd.dupAckNum = 0;
  }
  if (!skipToFinished) {
    if (flags & ACK && rev.maxSet && gt(ack, rev.maxSeqToBeAcked)) {
      a |= A_ACK_LOST_PACKET;
      rev.maxSeqToBeAcked = rev.nextSeq;
    }
    if ((seglen > 0 || flags & (SYN | FIN)) && fwd.nextSeqSet && lt(seq, fwd.nextSeq)) {
      if (now - rev.lastAckTime < 0.02 && rev.dupAckNum >= 2 && rev.lastAck === seq) a |= A_FAST_RETRANSMISSION;
      else {
        // Out-of-order: close in time to the highest segment and not merely a copy of it (a SYN
        // or FIN counts one: the same SYN seen again at a second capture point is a retransmission).
        const thres = irtt > 0 ? irtt : 0.003;
        const end = (seq + seglen + (flags & (SYN | FIN) ? 1 : 0)) >>> 0;
        if (now - fwd.nextSeqTime < thres && fwd.nextSeq !== end) a |= A_OUT_OF_ORDER;
        else if (seglen > 0 && rev.lastAckSet && !gt((seq + seglen) >>> 0, rev.lastAck)) a |= A_SPURIOUS;
        else a |= A_RETRANSMISSION;
      }
    }
  }
  const nextSeq = (seq + seglen + (flags & (SYN | FIN) ? 1 : 0)) >>> 0;
  if (!fwd.nextSeqSet || gt(nextSeq, fwd.nextSeq)) {
    if (!(a & A_ZERO_WINDOW_PROBE)) {
      fwd.nextSeq = nextSeq;
      fwd.nextSeqSet = true;
      fwd.nextSeqTime = now;
    }
  }
  if (!fwd.maxSet || seq === fwd.maxSeqToBeAcked) {
    if (!(a & A_ZERO_WINDOW_PROBE)) {
      fwd.maxSeqToBeAcked = fwd.nextSeq;
      fwd.maxSet = true;
    }
  }
  fwd.window = win;
  fwd.lastAck = ack;
  fwd.lastAckSet = (flags & ACK) !== 0 || fwd.lastAckSet;
  fwd.lastAckTime = now;
  fwd.lastSegFlags = a;
  return a;
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
  p.open('tcp.analysis.flags', 0, 0, '[TCP Analysis Flags]');
  for (const [bit, name, sev, msg] of EXPERTS) if (a & bit) p.expert(name, 0, 0, sev, 'sequence', msg);
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

/** The Info prefixes, in the order tshark's col_prepend_fence calls leave them. */
function analysisPrefix(a: number, dupNum: number, dupFrame: number): string {
  if (!a) return '';
  const parts: string[] = [];
  if (a & A_REUSED_PORTS) parts.push('[TCP Port numbers reused] ');
  if (a & A_RETRANSMISSION) parts.push('[TCP Retransmission] ');
  if (a & A_LOST_PACKET) parts.push('[TCP Previous segment not captured] ');
  if (a & A_ACK_LOST_PACKET) parts.push('[TCP ACKed unseen segment] ');
  if (a & A_KEEP_ALIVE) parts.push('[TCP Keep-Alive] ');
  if (a & A_WINDOW_UPDATE) parts.push('[TCP Window Update] ');
  if (a & A_WINDOW_FULL) parts.push('[TCP Window Full] ');
  if (a & A_KEEP_ALIVE_ACK) parts.push('[TCP Keep-Alive ACK] ');
  if (a & A_DUPLICATE_ACK) parts.push(`[TCP Dup ACK ${dupFrame}#${dupNum}] `);
  if (a & A_ZERO_WINDOW_PROBE) parts.push('[TCP ZeroWindowProbe] ');
  if (a & A_ZERO_WINDOW_PROBE_ACK) parts.push('[TCP ZeroWindowProbeAck] ');
  if (a & A_ZERO_WINDOW) parts.push('[TCP ZeroWindow] ');
  if (a & A_OUT_OF_ORDER) parts.push('[TCP Out-Of-Order] ');
  if (a & A_FAST_RETRANSMISSION) parts.push('[TCP Fast Retransmission] ');
  if (a & A_SPURIOUS) parts.push('[TCP Spurious Retransmission] ');
  return parts.reverse().join('');
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
      if (p.columns && startPdu === off) p.appendInfo(SEGMENT_NOTE);
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
}

/** Window scale shift of a SYN's options, -1 without one; -2 when the options are malformed. */
function scanOptions(b: Uint8Array, off: number, end: number): number {
  let ws = -1;
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
    if (len < 2 || o + len > end) return -2;
    if (kind === 3 && len === 3) ws = Math.min(b[o + 2], 14);
    o += len;
  }
  return ws;
}

/** The option part of the Info column, as dissectOptions builds it. */
function writeOptionInfo(w: TextWriter, b: Uint8Array, off: number, end: number, rev: Flow): void {
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
    if (kind === 2 && len === 4) {
      w.text(' MSS=');
      w.uint(u16(b, o + 2));
    } else if (kind === 3 && len === 3) {
      w.text(' WS=');
      w.uint(1 << Math.min(b[o + 2], 14));
    } else if (kind === 4 && len === 2) {
      w.text(' SACK_PERM');
    } else if (kind === 5) {
      for (let e = o + 2; e + 8 <= o + len; e += 8) {
        w.text(' SLE=');
        w.uint((u32(b, e) - rev.base) >>> 0);
        w.text(' SRE=');
        w.uint((u32(b, e + 4) - rev.base) >>> 0);
      }
    } else if (kind === 8 && len === 10) {
      w.ascii(TSVAL_EQ);
      w.uint(u32(b, o + 2));
      w.ascii(TSECR_EQ);
      w.uint(u32(b, o + 6));
    }
    o += len;
  }
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
export function tcpColumnsFast(s: DissectSession, src: FramePacketSource, w: TextWriter, b: Uint8Array, off: number, end: number, frameLen: number, number: number, now: number): boolean {
  if (end - off < 20) return false;
  const hf = u16(b, off + 12);
  const hl = (hf >> 12) * 4;
  if (hl < 20 || off + hl > end) return false;
  const ws = hl > 20 ? scanOptions(b, off + 20, off + hl) : -1;
  if (ws === -2) return false;
  const flags = hf & 0x0fff;
  const net = s.net;
  const sport = u16(b, off);
  const dport = u16(b, off + 2);
  const seq = u32(b, off + 4);
  const ack = u32(b, off + 8);
  const win = u16(b, off + 14);
  net.srcPort = sport;
  net.dstPort = dport;
  const st = tcpState(s);
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
  const aflags = analyzeSegment(conv, fwd, rev, seq, ack, seglen, flags, win, now, number, reused);
  const dupNum = aflags & A_DUPLICATE_ACK ? fwd.dupAckNum : 0;
  const dupFrame = aflags & A_DUPLICATE_ACK ? fwd.lastNonDupAck : 0;
  const prefix = aflags ? analysisPrefix(aflags, dupNum, dupFrame) : '';
  const start = off + hl;
  const payload = seglen > 0 && !skipsPayload(aflags, fwd);
  if (!payload) {
    w.text('TCP ');
    w.uint(frameLen);
    w.byte(32);
    if (prefix) w.text(prefix);
    writeTcpInfo(w, b, off, hl, sport, dport, flags, relSeq, relAck, scaled, seglen, rev);
    return true;
  }
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
    deliver(p, s, st, conv, fwd, data, start - fs, end - fs, seq, sport, dport);
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
    writeTcpInfo(w, b, off, hl, sport, dport, flags, relSeq, relAck, scaled, seglen, rev);
    if (info.length > 1) w.text(info.slice(1));
  } else w.text(info);
  return true;
}

/** Stands for TCP's own Info text while the protocol above runs (it only appends to it or replaces it). */
const TCP_INFO_MARK = '\u0001';

function writeTcpInfo(w: TextWriter, b: Uint8Array, off: number, hl: number, sport: number, dport: number, flags: number, relSeq: number, relAck: number, scaled: number, seglen: number, rev: Flow): void {
  w.uint(sport);
  w.arrow();
  w.uint(dport);
  w.ascii(flagBytes(flags));
  w.uint(relSeq);
  if (flags & ACK) {
    w.ascii(ACK_EQ);
    w.uint(relAck);
  }
  w.ascii(WIN_EQ);
  w.uint(scaled);
  w.ascii(LEN_EQ);
  w.uint(seglen);
  if (flags & URG) {
    w.text(' Urg=');
    w.uint(u16(b, off + 18));
  }
  if (hl > 20) writeOptionInfo(w, b, off + 20, off + hl, rev);
}

const ACK_EQ = encodeAscii(' Ack=');
const WIN_EQ = encodeAscii(' Win=');
const LEN_EQ = encodeAscii(' Len=');
const TSVAL_EQ = encodeAscii(' TSval=');
const TSECR_EQ = encodeAscii(' TSecr=');

/** ` [SYN, ACK] Seq=` per flag combination, encoded once. */
const FLAG_BYTES: Uint8Array[] = [];
function flagBytes(flags: number): Uint8Array {
  const key = flags & 0x1ff;
  return (FLAG_BYTES[key] ??= encodeAscii(` [${flagNames(key)}] Seq=`));
}
