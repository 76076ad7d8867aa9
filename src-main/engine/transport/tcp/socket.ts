// A sans-IO TCP endpoint in the manner of smoltcp's socket::tcp: no timers and no I/O of its own.
// The host feeds it received segments (`onSegment`), application calls (`send`, `recv`, `close`)
// and the virtual time; `poll(now)` returns the segments to transmit and `nextTimeout()` says
// when to poll again. One socket is one connection (a listening socket becomes the connection it
// accepts; the host opens a new listener for the next one).
//
// RFC 9293 state machine and segment checks, RFC 5961 (RST/SYN/ACK checks with challenge ACKs),
// RFC 7323 (window scale, timestamps, PAWS), RFC 2018 / 6675 (SACK and SACK-based recovery),
// RFC 5681 + 6582 (congestion control, NewReno fast recovery without SACK), RFC 6298 (RTO),
// RFC 6928 (initial window), RFC 9438 (CUBIC, see congestion.ts).
import type { IpPair } from '../../../../src-shared/net/wire/checksum';
import { TcpFlags, type TcpRepr } from '../../../../src-shared/net/wire/tcp';
import type { Micros } from '../../sim/time';
import { ByteRing, OutOfOrderQueue, SackScoreboard } from './buffers';
import { createCongestionControl, type CongestionControl } from './congestion';
import { seqAdd, seqDiff, seqGe, seqGt, seqLe, seqLt, seqMax, seqMin } from './seq';
import {
  DEFAULT_TCP_CONFIG,
  type CongestionPhase,
  type IpAddr,
  type TcpConfig,
  type TcpEndpoint,
  type TcpEvent,
  type TcpOutSegment,
  type TcpSnapshot,
  type TcpState,
} from './types';

const TS_OPTION_LENGTH = 12; // NOP NOP TS(10), as Linux aligns it
const DUP_THRESH = 3;
const MAX_WINDOW_SHIFT = 14;
const EMPTY = new Uint8Array(0);

/** "1.0 s", "200 ms": RTO values in causes. */
export function formatDuration(us: Micros): string {
  if (us >= 1_000_000) return `${(us / 1_000_000).toFixed(1)} s`;
  if (us >= 1000) return `${Math.round(us / 1000)} ms`;
  return `${us} µs`;
}

function sameAddr(a: IpAddr, b: IpAddr): boolean {
  if (typeof a === 'number' || typeof b === 'number') return a === b;
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

function isSynchronized(s: TcpState): boolean {
  return s !== 'CLOSED' && s !== 'LISTEN' && s !== 'SYN-SENT';
}

export class TcpSocket {
  readonly config: TcpConfig;
  state: TcpState = 'CLOSED';
  local?: TcpEndpoint;
  remote?: TcpEndpoint;

  // Send sequence space. sndMax is the highest sequence sent; sndNxt drops back to sndUna after
  // an RTO (go-back-N) or a zero-window probe that was not taken.
  private iss = 0;
  private sndUna = 0;
  private sndNxt = 0;
  private sndMax = 0;
  private sndWnd = 0;
  private maxSndWnd = 0;
  private sndWl1 = 0;
  private sndWl2 = 0;
  private sndBuf: ByteRing;
  /** Sequence number of the first byte in sndBuf. */
  private bufSeq = 0;
  /** End of the last sub-MSS segment sent (Minshall's Nagle check). */
  private smallSentEnd = 0;
  private finQueued = false;
  /** send() could not take everything: tell the application when space frees up. */
  private sendBlocked = false;
  private closeAfterHandshake = false;
  private passiveOpen = false;
  private listenLocal: TcpEndpoint | undefined;

  // Receive sequence space.
  private irs = 0;
  private rcvNxt = 0;
  /** Right edge of the window we last advertised (never moved left: no shrinking). */
  private rcvAdvEdge = 0;
  private rcvBuf: ByteRing;
  private ooo = new OutOfOrderQueue();
  private peerFinSeq: number | undefined;
  private peerFinReceived = false;
  private rcvMss = 536;
  private rcvUnackedBytes = 0;
  private lastAckSent = 0;

  // Negotiated options.
  private peerMss: number | undefined;
  private smss = 536;
  private sndWscale = 0;
  private rcvWscale = 0;
  private sackOk = false;
  private tsOk = false;
  private tsRecent = 0;

  // Congestion control and loss recovery.
  private cc: CongestionControl;
  private scoreboard = new SackScoreboard();
  private dupAcks = 0;
  private lastPhase: CongestionPhase = 'none';
  private maxFlight = 0;
  private maxFlightSeq = 0;
  private cwndLimited = false;
  private inRecovery = false;
  /** RFC 6582 "recover": sndMax when recovery (or an RTO) began. */
  private recoverPoint = 0;
  private afterRto = false;
  /** RFC 6675 HighRxt: highest sequence retransmitted in this recovery. */
  private highRxt = 0;
  private pendingRetransmit: { seq: number; cause: string } | undefined;
  private rtxCause: string | undefined;

  // RTT estimation (RFC 6298) with Karn's rule: one timed segment at a time, never a resent one.
  private srtt: Micros | undefined;
  private rttvar: Micros | undefined;
  private rto: Micros;
  private backoff = 0;
  private retries = 0;
  private rttSample: { end: number; time: Micros } | undefined;

  // Timers (absolute virtual time; the host schedules nextTimeout()).
  private rtxAt: Micros | undefined;
  private persistAt: Micros | undefined;
  private persistBackoff = 0;
  private probeOutstanding = false;
  private delackAt: Micros | undefined;
  private timeWaitAt: Micros | undefined;

  // Output requests.
  private ackCause: string | undefined;
  private control: TcpOutSegment[] = [];
  private dirty = false;
  private now: Micros = 0;

  private events: TcpEvent[] = [];
  private lastCause = 'created';
  retransmits = 0;
  fastRetransmits = 0;
  timeouts = 0;

  constructor(config: Partial<TcpConfig> = {}) {
    this.config = { ...DEFAULT_TCP_CONFIG, ...config };
    this.sndBuf = new ByteRing(this.config.sendBufferSize);
    this.rcvBuf = new ByteRing(this.config.recvBufferSize);
    this.rto = this.config.rtoInitial;
    this.cc = createCongestionControl(this.config.congestion, this.initialCwnd());
  }

  // ---- application interface -------------------------------------------------------------

  /** Active open: the SYN goes out at the next poll. `iss` comes from the caller (seeded PRNG). */
  connect(now: Micros, local: TcpEndpoint, remote: TcpEndpoint, iss: number): void {
    if (this.state !== 'CLOSED') throw new Error(`connect: socket is ${this.state}`);
    this.now = now;
    this.local = local;
    this.remote = remote;
    this.initSend(iss >>> 0);
    this.setState('SYN-SENT', `active open to port ${remote.port}`);
    this.dirty = true;
  }

  /** Passive open: waits for one SYN to `local.port` (and `local.addr`). */
  listen(local: TcpEndpoint, iss: number): void {
    if (this.state !== 'CLOSED') throw new Error(`listen: socket is ${this.state}`);
    this.local = local;
    this.listenLocal = local;
    this.iss = iss >>> 0;
    this.setState('LISTEN', `passive open on port ${local.port}`);
  }

  /** Queues data for sending; returns the number of bytes taken (limited by the send buffer). */
  send(data: Uint8Array): number {
    if (this.finQueued || this.closeAfterHandshake) return 0;
    if (!['SYN-SENT', 'SYN-RECEIVED', 'ESTABLISHED', 'CLOSE-WAIT'].includes(this.state)) return 0;
    const n = this.sndBuf.push(data);
    if (n > 0) this.dirty = true;
    if (n < data.length) this.sendBlocked = true;
    return n;
  }

  get sendSpace(): number {
    return this.finQueued ? 0 : this.sndBuf.free;
  }

  get recvQueued(): number {
    return this.rcvBuf.length;
  }

  /** True once the peer's FIN has been received and every byte before it was read. */
  get peerClosed(): boolean {
    return this.peerFinReceived && this.rcvBuf.length === 0;
  }

  /** Takes up to `max` received bytes; may schedule a window update. */
  recv(max = Number.MAX_SAFE_INTEGER): Uint8Array {
    if (this.rcvBuf.length === 0) return EMPTY;
    const out = this.rcvBuf.read(max);
    // Linux (__tcp_cleanup_rbuf): tell the peer when the window at least doubled from a small one.
    const remaining = Math.max(0, seqDiff(this.rcvAdvEdge, this.rcvNxt));
    const free = this.rcvBuf.free;
    if (
      isSynchronized(this.state) &&
      !this.peerFinReceived &&
      remaining * 2 <= this.rcvBuf.capacity &&
      free >= 2 * remaining &&
      free - remaining >= Math.min(this.config.mss, this.rcvBuf.capacity / 2)
    ) {
      this.requestAck(`window update (application read ${out.length} bytes, window ${free})`);
    }
    return out;
  }

  /** Orderly close: FIN after the queued data. */
  close(now: Micros): void {
    this.now = now;
    this.dirty = true;
    switch (this.state) {
      case 'LISTEN':
      case 'SYN-SENT':
        this.toClosed('closed by the application before the connection was established');
        return;
      case 'SYN-RECEIVED':
        this.closeAfterHandshake = true;
        return;
      case 'ESTABLISHED':
        this.finQueued = true;
        this.setState('FIN-WAIT-1', 'application closed (FIN queued after the data)');
        return;
      case 'CLOSE-WAIT':
        this.finQueued = true;
        this.setState('LAST-ACK', 'application closed after the peer did (FIN queued)');
        return;
      default:
        return;
    }
  }

  /** Abortive close: RST to the peer (in synchronized states) and CLOSED at once. */
  abort(now: Micros): void {
    this.now = now;
    this.dirty = true;
    if (isSynchronized(this.state) && this.state !== 'TIME-WAIT') {
      this.control.push(this.rawSegment(this.sndNxt, this.rcvNxt, TcpFlags.RST | TcpFlags.ACK, 'RST: connection aborted by the application'));
    }
    if (this.state !== 'CLOSED') this.toClosed('aborted by the application');
  }

  /** Events since the last call (state changes with causes, connected, readable, …). */
  takeEvents(): TcpEvent[] {
    const e = this.events;
    this.events = [];
    return e;
  }

  /** Whether a segment with these addresses belongs to this socket (for the host's demux). */
  accepts(ip: IpPair, repr: Pick<TcpRepr, 'srcPort' | 'dstPort'>): boolean {
    if (this.state === 'CLOSED' || !this.local || this.local.port !== repr.dstPort) return false;
    if (!sameAddr(this.local.addr, ip.dst)) return false;
    if (this.state === 'LISTEN') return true;
    return !!this.remote && this.remote.port === repr.srcPort && sameAddr(this.remote.addr, ip.src);
  }

  /** When the host must call poll() next (undefined: only on input). */
  nextTimeout(): Micros | undefined {
    if (this.dirty) return this.now;
    let t: Micros | undefined;
    for (const x of [this.rtxAt, this.persistAt, this.delackAt, this.timeWaitAt]) {
      if (x !== undefined && (t === undefined || x < t)) t = x;
    }
    return t;
  }

  // ---- input -------------------------------------------------------------------------------

  /** A received segment (checksum already verified by the host); `ip.src` is the peer. */
  onSegment(now: Micros, seg: TcpRepr, payload: Uint8Array, ip: IpPair): void {
    this.now = now;
    this.dirty = true;
    if (payload.length > this.rcvMss) this.rcvMss = Math.min(payload.length, this.config.mss);
    switch (this.state) {
      case 'CLOSED':
        if (!(seg.flags & TcpFlags.RST)) this.resetFor(seg, payload.length, ip, 'RST: segment for a closed connection');
        return;
      case 'LISTEN':
        this.onListen(seg, payload, ip);
        return;
      case 'SYN-SENT':
        this.onSynSent(seg, payload, ip);
        return;
      default:
        this.onSynchronized(seg, payload);
    }
  }

  private onListen(seg: TcpRepr, payload: Uint8Array, ip: IpPair): void {
    if (seg.flags & TcpFlags.RST) return;
    if (seg.flags & TcpFlags.ACK) {
      this.resetFor(seg, payload.length, ip, 'RST: ACK sent to a listening socket');
      return;
    }
    if (!(seg.flags & TcpFlags.SYN)) return;
    this.local = { addr: ip.dst, port: seg.dstPort };
    this.remote = { addr: ip.src, port: seg.srcPort };
    this.passiveOpen = true;
    this.initSend(this.iss);
    this.initReceive(seg);
    this.negotiate(seg);
    this.sndWnd = seg.window; // never scaled in a SYN
    this.maxSndWnd = this.sndWnd;
    this.sndWl1 = seg.seq;
    this.sndWl2 = this.iss;
    this.setState('SYN-RECEIVED', `SYN received from port ${seg.srcPort} (passive open)`);
  }

  private onSynSent(seg: TcpRepr, payload: Uint8Array, ip: IpPair): void {
    const f = seg.flags;
    if (f & TcpFlags.ACK && (seqLe(seg.ack, this.iss) || seqGt(seg.ack, this.sndMax))) {
      if (!(f & TcpFlags.RST)) this.resetFor(seg, payload.length, ip, 'RST: ACK does not acknowledge our SYN');
      return;
    }
    if (f & TcpFlags.RST) {
      if (f & TcpFlags.ACK) {
        this.events.push({ kind: 'reset', time: this.now, cause: 'connection refused (RST in reply to SYN)' });
        this.toClosed('connection refused: RST in reply to our SYN');
      }
      return;
    }
    if (!(f & TcpFlags.SYN)) return;
    this.initReceive(seg);
    this.negotiate(seg);
    if (f & TcpFlags.ACK) {
      this.ackAdvance(seg.ack);
      this.sndWnd = seg.window;
      this.maxSndWnd = this.sndWnd;
      this.sndWl1 = seg.seq;
      this.sndWl2 = seg.ack;
      this.setState('ESTABLISHED', 'SYN-ACK received (handshake complete)');
      this.lastPhase = this.phase();
      this.events.push({ kind: 'connected', time: this.now });
      this.requestAck('ACK of SYN-ACK (third step of the handshake)');
      if (payload.length > 0) this.acceptData(seqAdd(seg.seq, 1), payload);
    } else {
      // Simultaneous open: answer with SYN-ACK (same ISS), RFC 9293 §3.5 figure 7.
      this.sndWnd = seg.window;
      this.maxSndWnd = this.sndWnd;
      this.sndWl1 = seg.seq;
      this.sndNxt = this.iss;
      this.setState('SYN-RECEIVED', 'SYN received in SYN-SENT (simultaneous open)');
    }
  }

  private onSynchronized(seg: TcpRepr, payload: Uint8Array): void {
    let unscaledWindow = false; // the window of a segment carrying SYN is never scaled (RFC 7323 §2.2)
    // Simultaneous open: the peer's SYN-ACK reaches us in SYN-RECEIVED; its SYN is one we already
    // have, so take it as the ACK that completes the handshake (as Linux does).
    if (
      this.state === 'SYN-RECEIVED' &&
      !this.passiveOpen &&
      seg.flags & TcpFlags.SYN &&
      seg.flags & TcpFlags.ACK &&
      seqAdd(seg.seq, 1) === this.rcvNxt &&
      seg.ack === this.sndMax
    ) {
      seg = { ...seg, seq: this.rcvNxt, flags: seg.flags & ~TcpFlags.SYN };
      unscaledWindow = true;
    }
    const f = seg.flags;
    const rel = (s: number) => seqDiff(s, this.irs) >>> 0;

    // A retransmitted SYN while we wait for the handshake's ACK: send the SYN-ACK again.
    if (this.state === 'SYN-RECEIVED' && f & TcpFlags.SYN && !(f & TcpFlags.ACK) && seg.seq === this.irs) {
      this.sndNxt = this.iss;
      this.rtxCause = 'SYN-ACK retransmitted: the peer retransmitted its SYN';
      return;
    }

    // PAWS (RFC 7323 §5.3): an older timestamp than TS.Recent marks an old duplicate.
    if (this.tsOk && seg.timestamp && !(f & TcpFlags.RST) && seqLt(seg.timestamp.value, this.tsRecent)) {
      this.requestAck(`duplicate ACK: PAWS dropped a segment with an old timestamp (${seg.timestamp.value} < ${this.tsRecent})`);
      return;
    }

    // Acceptability (RFC 9293 §3.10.7.4).
    let seq = seg.seq;
    let data = payload;
    const segLen = data.length + (f & TcpFlags.SYN ? 1 : 0) + (f & TcpFlags.FIN ? 1 : 0);
    const wnd = Math.max(0, seqDiff(this.rcvAdvEdge, this.rcvNxt));
    const end = seqAdd(this.rcvNxt, wnd);
    let acceptable: boolean;
    if (segLen === 0) acceptable = wnd === 0 ? seq === this.rcvNxt : seqLe(this.rcvNxt, seq) && seqLt(seq, end);
    else if (wnd === 0) acceptable = false;
    else {
      const last = seqAdd(seq, segLen - 1);
      acceptable = (seqLe(this.rcvNxt, seq) && seqLt(seq, end)) || (seqLe(this.rcvNxt, last) && seqLt(last, end));
    }
    if (!acceptable) {
      if (f & TcpFlags.RST) return; // RFC 5961 §3.2: out-of-window RSTs are dropped silently
      // A zero-window probe (or data into a closed window) still carries a valid ACK: use it.
      if (wnd === 0 && seq === this.rcvNxt && f & TcpFlags.ACK && !(f & TcpFlags.SYN)) {
        this.processAck(seg, 0);
        this.requestAck(`ACK of zero-window probe (window 0, ${data.length} byte${data.length === 1 ? '' : 's'} not accepted)`);
        return;
      }
      if (this.state === 'TIME-WAIT' && f & TcpFlags.FIN) this.timeWaitAt = this.now + 2 * this.config.msl;
      const segEnd = seqAdd(seq, segLen);
      this.requestAck(
        seqLe(segEnd, this.rcvNxt)
          ? `duplicate ACK: segment ${rel(seq)}–${rel(segEnd)} was already received`
          : `duplicate ACK: segment ${rel(seq)}–${rel(segEnd)} is outside the receive window ${rel(this.rcvNxt)}–${rel(end)}`,
      );
      return;
    }

    // Timestamps: remember the peer's clock for echoing (RFC 7323 §4.3).
    if (this.tsOk && seg.timestamp && seqLe(seq, this.lastAckSent) && seqGe(seg.timestamp.value, this.tsRecent)) {
      this.tsRecent = seg.timestamp.value;
    }

    if (f & TcpFlags.RST) {
      if (seq !== this.rcvNxt) {
        this.requestAck('challenge ACK (RFC 5961 §3): RST inside the window but not at RCV.NXT');
        return;
      }
      if (this.state === 'SYN-RECEIVED' && this.passiveOpen) {
        this.backToListen('RST received in SYN-RECEIVED: back to LISTEN');
        return;
      }
      const cause =
        this.state === 'SYN-RECEIVED'
          ? 'connection refused (RST in SYN-RECEIVED)'
          : this.state === 'CLOSING' || this.state === 'LAST-ACK' || this.state === 'TIME-WAIT'
            ? `RST received in ${this.state}`
            : 'connection reset by peer';
      this.events.push({ kind: 'reset', time: this.now, cause });
      this.toClosed(cause);
      return;
    }

    if (f & TcpFlags.SYN) {
      this.requestAck('challenge ACK (RFC 5961 §4): SYN in a synchronized state');
      return;
    }
    if (!(f & TcpFlags.ACK)) return;

    if (this.state === 'SYN-RECEIVED') {
      if (!(seqLt(this.sndUna, seg.ack) && seqLe(seg.ack, this.sndMax))) {
        this.control.push(this.rawSegment(seg.ack, 0, TcpFlags.RST, 'RST: ACK does not acknowledge our SYN-ACK'));
        return;
      }
      this.sndWnd = seg.window * (unscaledWindow ? 1 : 2 ** this.sndWscale);
      this.maxSndWnd = Math.max(this.maxSndWnd, this.sndWnd);
      this.sndWl1 = seq;
      this.sndWl2 = seg.ack;
      this.setState('ESTABLISHED', 'ACK of our SYN-ACK received (handshake complete)');
      this.lastPhase = this.phase();
      this.events.push({ kind: 'connected', time: this.now });
      if (this.closeAfterHandshake) {
        this.closeAfterHandshake = false;
        this.finQueued = true;
        this.setState('FIN-WAIT-1', 'application closed during the handshake (FIN queued)');
      }
    }

    if (!this.processAck(seg, data.length, unscaledWindow)) return;

    // Trim what we already have and what does not fit the window.
    let fin = (f & TcpFlags.FIN) !== 0;
    if (seqLt(seq, this.rcvNxt)) {
      const skip = Math.min(seqDiff(this.rcvNxt, seq), data.length);
      data = data.subarray(skip);
      seq = seqAdd(seq, skip);
    }
    const room = Math.min(seqDiff(end, seq), this.rcvBuf.free - seqDiff(seq, this.rcvNxt));
    if (data.length > room) {
      data = data.subarray(0, Math.max(0, room));
      fin = false;
    }

    const receiving = this.state === 'ESTABLISHED' || this.state === 'FIN-WAIT-1' || this.state === 'FIN-WAIT-2';
    if (data.length > 0 && receiving) this.acceptData(seq, data);

    if (fin) this.onFin(seqAdd(seq, data.length));
  }

  private onFin(finSeq: number): void {
    if (this.state === 'CLOSE-WAIT' || this.state === 'CLOSING' || this.state === 'LAST-ACK') {
      this.requestAck('ACK of a retransmitted FIN');
      return;
    }
    if (this.state === 'TIME-WAIT') {
      this.timeWaitAt = this.now + 2 * this.config.msl;
      this.requestAck('ACK of a retransmitted FIN (TIME-WAIT restarted)');
      return;
    }
    this.peerFinSeq = finSeq;
    this.consumeFinIfInOrder();
  }

  private consumeFinIfInOrder(): void {
    if (this.peerFinSeq === undefined || this.peerFinReceived || this.peerFinSeq !== this.rcvNxt) return;
    this.peerFinReceived = true;
    this.rcvNxt = seqAdd(this.rcvNxt, 1);
    this.rcvAdvEdge = seqMax(this.rcvAdvEdge, this.rcvNxt);
    this.requestAck('ACK of the peer\'s FIN');
    this.events.push({ kind: 'peer-closed', time: this.now });
    switch (this.state) {
      case 'SYN-RECEIVED':
      case 'ESTABLISHED':
        this.setState('CLOSE-WAIT', 'FIN received (peer closed its side)');
        break;
      case 'FIN-WAIT-1':
        this.setState('CLOSING', 'FIN received before our FIN was acknowledged (simultaneous close)');
        break;
      case 'FIN-WAIT-2':
        this.enterTimeWait('FIN received in FIN-WAIT-2');
        break;
      default:
        break;
    }
  }

  private acceptData(seq: number, data: Uint8Array): void {
    const rel = (s: number) => seqDiff(s, this.irs) >>> 0;
    if (seq === this.rcvNxt) {
      this.rcvBuf.push(data);
      this.rcvNxt = seqAdd(this.rcvNxt, data.length);
      const hadGap = !this.ooo.isEmpty;
      let filled = false;
      for (const chunk of this.ooo.takeContiguous(this.rcvNxt)) {
        this.rcvBuf.push(chunk);
        this.rcvNxt = seqAdd(this.rcvNxt, chunk.length);
        filled = true;
      }
      this.events.push({ kind: 'readable', time: this.now, bytes: this.rcvBuf.length });
      if (hadGap) {
        this.requestAck(filled ? `ACK: segment ${rel(seq)} filled a gap, now up to ${rel(this.rcvNxt)}` : `ACK with SACK: data still missing after ${rel(this.rcvNxt)}`);
      } else if (!this.config.delayedAck) {
        this.requestAck('ACK (delayed ACK disabled)');
      } else {
        this.rcvUnackedBytes += data.length;
        if (this.rcvUnackedBytes >= 2 * this.rcvMss) this.requestAck('ACK every second full-sized segment');
        else if (this.delackAt === undefined) this.delackAt = this.now + this.config.delayedAckTimeout;
      }
      this.consumeFinIfInOrder();
      return;
    }
    this.ooo.insert(seq, data);
    this.requestAck(`duplicate ACK: out-of-order segment ${rel(seq)}–${rel(seqAdd(seq, data.length))}, expected ${rel(this.rcvNxt)}`);
  }

  /** ACK field processing; false when the segment must be dropped. */
  private processAck(seg: TcpRepr, payloadLength: number, unscaledWindow = false): boolean {
    const ack = seg.ack;
    if (seqGt(ack, this.sndMax)) {
      this.requestAck('ACK: peer acknowledged data we never sent (dropped, RFC 5961 §5)');
      return false;
    }
    if (seqLt(ack, seqAdd(this.sndUna, -Math.max(this.maxSndWnd, 1)))) {
      this.requestAck('ACK: acknowledgment far below SND.UNA (dropped, RFC 5961 §5)');
      return false;
    }
    const wnd = seg.window * (unscaledWindow ? 1 : 2 ** this.sndWscale);
    let newSack = false;
    if (this.sackOk && seg.sackBlocks && seg.sackBlocks.length > 0) newSack = this.scoreboard.add(seg.sackBlocks, ack, this.sndMax);

    if (seqGt(ack, this.sndUna)) {
      this.onNewAck(ack);
    } else if (ack === this.sndUna && this.sndMax !== this.sndUna && this.sndWnd > 0) {
      // RFC 5681 duplicate ACK; with SACK also any ACK that SACKs new data (RFC 6675).
      const pure = payloadLength === 0 && !(seg.flags & (TcpFlags.SYN | TcpFlags.FIN)) && wnd === this.sndWnd;
      if (pure || newSack) this.onDupAck();
    }

    // Send window update (RFC 9293 §3.10.7.4): only from ACKs that are not old.
    if (seqGe(ack, this.sndUna) && (seqLt(this.sndWl1, seg.seq) || (this.sndWl1 === seg.seq && seqLe(this.sndWl2, ack)))) {
      const opened = this.sndWnd === 0 && wnd > 0;
      this.sndWnd = wnd;
      this.sndWl1 = seg.seq;
      this.sndWl2 = ack;
      this.maxSndWnd = Math.max(this.maxSndWnd, wnd);
      if (wnd > 0 && (this.persistAt !== undefined || this.probeOutstanding)) {
        this.persistAt = undefined;
        this.persistBackoff = 0;
        // A refused probe byte was never taken: it goes out again as ordinary new data.
        if (this.probeOutstanding) this.forgetProbe();
        this.probeOutstanding = false;
      } else if (opened) this.probeOutstanding = false;
    }

    // Our FIN acknowledged?
    if (this.finQueued && this.ourFinAcked()) {
      switch (this.state) {
        case 'FIN-WAIT-1':
          this.setState('FIN-WAIT-2', 'our FIN was acknowledged');
          break;
        case 'CLOSING':
          this.enterTimeWait('our FIN was acknowledged in CLOSING');
          break;
        case 'LAST-ACK':
          this.toClosed('our FIN was acknowledged (LAST-ACK done)');
          return false;
        default:
          break;
      }
    }
    return true;
  }

  private ourFinAcked(): boolean {
    const finSeq = seqAdd(this.bufSeq, this.sndBuf.length);
    return seqGt(this.sndUna, finSeq);
  }

  private onNewAck(ack: number): void {
    const acked = seqDiff(ack, this.sndUna);
    const flightBefore = seqDiff(this.sndMax, this.sndUna);
    const coversSyn = seqLe(this.sndUna, this.iss);
    this.ackAdvance(ack);
    this.dupAcks = 0;
    this.retries = 0;
    if (this.backoff > 0) {
      this.backoff = 0;
      this.rto = this.computeRto();
    }
    this.rtxAt = this.sndUna === this.sndMax ? undefined : this.now + this.rto;

    if (this.inRecovery) {
      if (seqGe(ack, this.recoverPoint)) {
        this.inRecovery = false;
        // RFC 6582 §3.2 step 5 (option 1); RFC 6675 ends with cwnd = ssthresh.
        const flight = seqDiff(this.sndMax, this.sndUna);
        this.cc.cwnd = this.sackOk ? this.cc.ssthresh : Math.min(this.cc.ssthresh, Math.max(flight, this.smss) + this.smss);
        this.rtxCause = undefined;
        this.notePhase(`recovery complete: everything up to ${seqDiff(this.recoverPoint, this.iss) >>> 0} acknowledged`);
      } else if (!this.sackOk) {
        // NewReno partial ACK: the next hole is lost too; deflate by what was acknowledged.
        this.pendingRetransmit = { seq: this.sndUna, cause: `retransmission after a partial ACK (NewReno, recover ${seqDiff(this.recoverPoint, this.iss)})` };
        this.cc.cwnd = Math.max(this.cc.cwnd - acked + (acked >= this.smss ? this.smss : 0), this.smss);
      }
      return;
    }
    if (this.afterRto && seqGe(ack, this.recoverPoint)) {
      this.afterRto = false;
      this.rtxCause = undefined;
    }
    if (!coversSyn && flightBefore > 0 && this.isCwndLimited()) this.cc.onAck(this.now, acked, this.smss, this.srtt);
    this.notePhase(this.cc.cwnd >= this.cc.ssthresh ? `cwnd ${this.cc.cwnd} reached ssthresh ${this.cc.ssthresh}` : 'data lost before the RTO is now acknowledged');
  }

  /**
   * Grow cwnd only when it is what limits us (RFC 7661 in spirit, as Linux tcp_is_cwnd_limited):
   * in slow start while the flight of the last window reached half of cwnd, later only if sending
   * was stopped by cwnd. An application-limited connection keeps its window.
   */
  private isCwndLimited(): boolean {
    if (this.cc.cwnd < this.cc.ssthresh) return this.cc.cwnd < 2 * this.maxFlight;
    return this.cwndLimited;
  }

  /** Tracks the largest flight of the current window (Linux tcp_cwnd_validate). */
  private validateCwnd(blockedByCwnd: boolean): void {
    const flight = seqDiff(this.sndMax, this.sndUna);
    if (seqGe(this.sndUna, this.maxFlightSeq) || flight > this.maxFlight) {
      this.maxFlight = flight;
      this.maxFlightSeq = this.sndMax;
      this.cwndLimited = blockedByCwnd || flight >= this.cc.cwnd;
    } else if (blockedByCwnd) this.cwndLimited = true;
  }

  /** Moves SND.UNA: frees acknowledged data, takes an RTT sample, prunes the scoreboard. */
  private ackAdvance(ack: number): void {
    const dataEnd = seqAdd(this.bufSeq, this.sndBuf.length);
    const dataAcked = seqDiff(seqMin(ack, dataEnd), this.bufSeq);
    if (dataAcked > 0) {
      this.sndBuf.drop(dataAcked);
      this.bufSeq = seqAdd(this.bufSeq, dataAcked);
      if (this.sendBlocked && !this.finQueued) {
        this.sendBlocked = false;
        this.events.push({ kind: 'writable', time: this.now, space: this.sndBuf.free });
      }
    }
    this.sndUna = ack;
    if (seqLt(this.sndNxt, ack)) this.sndNxt = ack;
    this.scoreboard.advance(ack);
    if (this.rttSample && seqGe(ack, this.rttSample.end)) {
      this.updateRtt(this.now - this.rttSample.time);
      this.rttSample = undefined;
    }
    if (this.state === 'SYN-SENT' || this.state === 'SYN-RECEIVED') this.rtxAt = undefined;
  }

  private onDupAck(): void {
    this.dupAcks++;
    if (this.inRecovery) {
      if (!this.sackOk) this.cc.cwnd += this.smss; // RFC 5681 §3.2 step 4: inflate
      return;
    }
    const lost = this.sackOk && this.scoreboard.lostBoundary(this.smss, DUP_THRESH) !== undefined;
    if ((this.dupAcks >= DUP_THRESH || lost) && seqGe(this.sndUna, this.recoverPoint)) this.enterRecovery();
  }

  private enterRecovery(): void {
    const flight = seqDiff(this.sndMax, this.sndUna);
    this.cc.onCongestionEvent(this.now, flight, this.smss);
    this.inRecovery = true;
    this.afterRto = false;
    this.recoverPoint = this.sndMax;
    this.highRxt = this.sndUna;
    this.cc.cwnd = this.sackOk ? this.cc.ssthresh : this.cc.ssthresh + DUP_THRESH * this.smss;
    this.fastRetransmits++;
    const why = this.dupAcks >= DUP_THRESH ? `${this.dupAcks} duplicate ACKs` : 'SACKed data beyond the hole';
    this.pendingRetransmit = {
      seq: this.sndUna,
      cause: `fast retransmit after ${why} (ssthresh ${this.cc.ssthresh}, cwnd ${this.cc.cwnd})`,
    };
    this.rtxCause = this.sackOk ? 'retransmission of a SACK hole (RFC 6675 loss recovery)' : 'retransmission during fast recovery';
    this.notePhase(`${why}: ssthresh ${this.cc.ssthresh}, cwnd ${this.cc.cwnd} (${this.sackOk ? 'SACK loss recovery, RFC 6675' : 'NewReno, RFC 6582'})`);
  }

  /** Emits a congestion event when the phase changed (slow start, avoidance, recovery, …). */
  private notePhase(cause: string): void {
    const phase = this.phase();
    if (phase === this.lastPhase) return;
    this.lastPhase = phase;
    this.events.push({ kind: 'congestion', time: this.now, phase, cwnd: this.cc.cwnd, ssthresh: this.cc.ssthresh, cause });
  }

  // ---- timers and output ---------------------------------------------------------------------

  /** Runs expired timers and returns the segments to send now. */
  poll(now: Micros): TcpOutSegment[] {
    this.now = now;
    this.dirty = false;
    const out: TcpOutSegment[] = this.control;
    this.control = [];
    if (this.state === 'CLOSED' || this.state === 'LISTEN') return out;

    if (this.timeWaitAt !== undefined && now >= this.timeWaitAt) {
      this.timeWaitAt = undefined;
      this.toClosed(`TIME-WAIT expired (2 × MSL = ${formatDuration(2 * this.config.msl)})`);
      return out;
    }
    if (this.rtxAt !== undefined && now >= this.rtxAt) {
      if (!this.onRetransmitTimeout()) return out;
    }
    if (this.delackAt !== undefined && now >= this.delackAt) {
      this.delackAt = undefined;
      this.requestAck(`delayed ACK timer (${formatDuration(this.config.delayedAckTimeout)})`);
    }
    let probe = false;
    if (this.persistAt !== undefined && now >= this.persistAt) {
      this.persistAt = undefined;
      probe = true;
    }

    if (this.state === 'SYN-SENT') {
      if (this.sndNxt === this.iss) out.push(this.synSegment(false));
      return out;
    }
    if (this.state === 'SYN-RECEIVED') {
      if (this.sndNxt === this.iss) out.push(this.synSegment(true));
      if (this.ackCause !== undefined) out.push(this.pureAck());
      return out;
    }

    if (this.pendingRetransmit) {
      const { seq, cause } = this.pendingRetransmit;
      this.pendingRetransmit = undefined;
      if (seqLt(seq, this.sndMax) && seqGe(seq, this.sndUna)) this.retransmitAt(seq, cause, out);
    }
    if (this.canSendData()) {
      if (this.inRecovery && this.sackOk) this.sendSackRecovery(out);
      else this.validateCwnd(this.sendWindow(out));
      if (probe) this.sendProbe(out);
      this.armPersist();
    }
    if (this.ackCause !== undefined) out.push(this.pureAck());
    return out;
  }

  private canSendData(): boolean {
    return this.state === 'ESTABLISHED' || this.state === 'CLOSE-WAIT' || this.state === 'FIN-WAIT-1' || this.state === 'CLOSING' || this.state === 'LAST-ACK';
  }

  /** False when the connection gave up. */
  private onRetransmitTimeout(): boolean {
    const expired = this.rto;
    this.rtxAt = undefined;
    this.retries++;
    const limit = this.state === 'SYN-SENT' ? this.config.synRetries : this.state === 'SYN-RECEIVED' ? this.config.synAckRetries : this.config.maxRetries;
    if (this.retries > limit && this.state === 'SYN-RECEIVED' && this.passiveOpen) {
      // As Linux drops the request when its SYN-ACKs go unanswered, the listener itself stays:
      // a later SYN from the client still gets through.
      this.backToListen(`no ACK after ${limit} SYN-ACK retransmissions: back to LISTEN`);
      return false;
    }
    if (this.retries > limit) {
      const cause = `connection timed out after ${limit} retransmissions`;
      this.events.push({ kind: 'error', time: this.now, cause });
      this.toClosed(cause);
      return false;
    }
    this.backoff++;
    this.timeouts++;
    this.rto = Math.min(this.rto * 2, this.config.rtoMax);
    const cause = `retransmission timeout (RTO ${formatDuration(expired)}, backoff ${this.backoff})`;
    this.rttSample = undefined; // Karn
    if (this.state === 'SYN-SENT' || this.state === 'SYN-RECEIVED') {
      this.sndNxt = this.iss;
      this.rtxCause = cause;
      return true;
    }
    const flight = seqDiff(this.sndMax, this.sndUna);
    // RFC 5681 eq. 4: ssthresh only on the first timeout of a segment; cwnd to the loss window.
    if (this.backoff === 1) this.cc.onTimeout(this.now, flight, this.smss);
    else this.cc.cwnd = this.smss;
    this.inRecovery = false;
    this.afterRto = true;
    this.dupAcks = 0;
    this.recoverPoint = this.sndMax;
    this.pendingRetransmit = undefined;
    this.sndNxt = this.sndUna; // go back N, skipping what the peer SACKed
    this.probeOutstanding = false;
    this.rtxCause = cause;
    this.notePhase(`${cause}: cwnd ${this.cc.cwnd}, ssthresh ${this.cc.ssthresh}`);
    return true;
  }

  /** Normal transmission: new data (and go-back-N resends) within min(cwnd, rwnd); true if cwnd stopped it. */
  private sendWindow(out: TcpOutSegment[]): boolean {
    for (let guard = 0; guard < 100_000; guard++) {
      const dataEnd = seqAdd(this.bufSeq, this.sndBuf.length);
      if (seqLt(this.sndNxt, this.sndMax)) {
        const sacked = this.scoreboard.rangeAt(this.sndNxt);
        if (sacked) {
          this.sndNxt = seqMin(sacked[1], this.sndMax);
          continue;
        }
      }
      const isRtx = seqLt(this.sndNxt, this.sndMax);
      const usable = seqDiff(seqAdd(this.sndUna, Math.min(this.sndWnd, this.cc.cwnd)), this.sndNxt);
      if (seqLt(this.sndNxt, dataEnd)) {
        const avail = seqDiff(dataEnd, this.sndNxt);
        let len = Math.min(this.smss, avail);
        if (isRtx) {
          len = Math.min(len, seqDiff(this.sndMax, this.sndNxt));
          const nextSacked = this.scoreboard.nextSackedAfter(this.sndNxt);
          if (nextSacked !== undefined) len = Math.min(len, seqDiff(nextSacked, this.sndNxt));
        }
        if (usable < len) {
          const byCwnd = this.cc.cwnd < this.sndWnd;
          if (usable <= 0) return byCwnd;
          // Sender SWS avoidance (RFC 9293 §3.8.6.2.1): no tiny segments into a small window.
          if (!isRtx && usable < Math.min(this.smss, this.maxSndWnd / 2)) return byCwnd;
          len = usable;
        } else if (!isRtx && len < this.smss && this.config.nagle && seqGt(this.smallSentEnd, this.sndUna) && !this.finQueued) {
          return false; // Nagle with Minshall's rule (as Linux): one small segment unacknowledged at a time
        }
        const fin = this.finQueued && seqAdd(this.sndNxt, len) === dataEnd;
        this.emitData(this.sndNxt, len, fin, isRtx ? (this.rtxCause ?? 'retransmission') : undefined, out);
        continue;
      }
      if (this.finQueued && this.sndNxt === dataEnd && (isRtx || this.sndMax === dataEnd) && seqDiff(this.sndNxt, this.sndUna) < this.cc.cwnd) {
        this.emitData(this.sndNxt, 0, true, isRtx ? (this.rtxCause ?? 'FIN retransmitted') : undefined, out);
        continue;
      }
      return false;
    }
    return false;
  }

  /** RFC 6675 §5: while cwnd − pipe ≥ SMSS, send NextSeg (lost holes, then new data, then other holes). */
  private sendSackRecovery(out: TcpOutSegment[]): void {
    for (let guard = 0; guard < 100_000; guard++) {
      if (this.cc.cwnd - this.pipe() < this.smss) return;
      const hole = this.nextHole(true) ?? undefined;
      if (hole !== undefined) {
        this.retransmitAt(hole, this.rtxCause ?? 'retransmission of a SACK hole', out);
        continue;
      }
      const dataEnd = seqAdd(this.bufSeq, this.sndBuf.length);
      if (this.sndNxt === this.sndMax && seqLt(this.sndNxt, dataEnd)) {
        const usable = seqDiff(seqAdd(this.sndUna, this.sndWnd), this.sndNxt);
        const len = Math.min(this.smss, seqDiff(dataEnd, this.sndNxt), usable);
        if (len > 0) {
          const fin = this.finQueued && seqAdd(this.sndNxt, len) === dataEnd;
          this.emitData(this.sndNxt, len, fin, undefined, out);
          continue;
        }
      }
      const other = this.nextHole(false);
      if (other !== undefined) {
        this.retransmitAt(other, 'retransmission of an un-SACKed segment (RFC 6675 NextSeg rule 3)', out);
        continue;
      }
      return;
    }
  }

  /** First un-SACKed sequence ≥ max(HighRxt, SND.UNA) below the highest SACK (lost ones only if asked). */
  private nextHole(lostOnly: boolean): number | undefined {
    const highest = this.scoreboard.highest;
    if (highest === undefined) return undefined;
    let s = seqMax(this.highRxt, this.sndUna);
    for (const [l, r] of this.scoreboard.ranges) {
      if (seqLe(r, s)) continue;
      if (seqLe(l, s)) {
        s = r;
        continue;
      }
      break;
    }
    if (!seqLt(s, highest)) return undefined;
    if (lostOnly) {
      const boundary = this.scoreboard.lostBoundary(this.smss, DUP_THRESH);
      if (boundary === undefined || !seqLt(s, boundary)) return undefined;
    }
    return s;
  }

  /** RFC 6675 SetPipe: un-SACKed bytes not deemed lost, plus those retransmitted. */
  private pipe(): number {
    const lost = this.scoreboard.lostBoundary(this.smss, DUP_THRESH) ?? this.sndUna;
    let pipe = 0;
    let a = this.sndUna;
    const count = (from: number, to: number) => {
      if (!seqLt(from, to)) return;
      const notLostFrom = seqMax(from, lost);
      if (seqLt(notLostFrom, to)) pipe += seqDiff(to, notLostFrom);
      const rtxTo = seqMin(to, this.highRxt);
      if (seqLt(from, rtxTo)) pipe += seqDiff(rtxTo, from);
    };
    for (const [l, r] of this.scoreboard.ranges) {
      count(a, l);
      a = r;
    }
    count(a, this.sndMax);
    return pipe;
  }

  /** Resends one segment at `seq` (not past SND.MAX nor into SACKed data). */
  private retransmitAt(seq: number, cause: string, out: TcpOutSegment[]): void {
    const dataEnd = seqAdd(this.bufSeq, this.sndBuf.length);
    let len = Math.min(this.smss, seqDiff(seqMin(this.sndMax, dataEnd), seq));
    const nextSacked = this.scoreboard.nextSackedAfter(seq);
    if (nextSacked !== undefined) len = Math.min(len, seqDiff(nextSacked, seq));
    const fin = this.finQueued && seqAdd(seq, Math.max(len, 0)) === dataEnd && seqGt(this.sndMax, dataEnd);
    if (len <= 0 && !fin) return;
    this.emitData(seq, Math.max(len, 0), fin, cause, out);
    this.highRxt = seqMax(this.highRxt, seqAdd(seq, Math.max(len, 0) + (fin ? 1 : 0)));
  }

  /** Zero-window probe: one new byte beyond the closed window (RFC 9293 §3.8.6.1). */
  private sendProbe(out: TcpOutSegment[]): void {
    const dataEnd = seqAdd(this.bufSeq, this.sndBuf.length);
    if (this.probeOutstanding) this.forgetProbe(); // probe with the same byte again
    if (!seqLt(this.sndNxt, dataEnd)) return;
    if (this.sndWnd !== 0) {
      // Window open but too small for SWS avoidance and nothing in flight: override (RFC 9293 §3.8.6.2.1).
      const usable = seqDiff(seqAdd(this.sndUna, this.sndWnd), this.sndNxt);
      const len = Math.min(usable, seqDiff(dataEnd, this.sndNxt), this.smss);
      if (len > 0) this.emitData(this.sndNxt, len, false, undefined, out, `small segment into a small window (persist timer override, ${len} bytes)`);
      return;
    }
    const smallSentEnd = this.smallSentEnd;
    this.emitData(this.sndNxt, 1, false, undefined, out, `zero-window probe (persist timer, backoff ${this.persistBackoff})`, true);
    this.smallSentEnd = smallSentEnd; // a probe is not a Nagle small segment
    this.probeOutstanding = true;
    this.persistBackoff++;
    this.rtxAt = undefined; // the persist timer, not the RTO, drives probes
  }

  private forgetProbe(): void {
    if (seqDiff(this.sndMax, this.sndUna) === 1 && seqLt(this.sndUna, seqAdd(this.bufSeq, this.sndBuf.length))) {
      this.sndNxt = this.sndUna;
      this.sndMax = this.sndUna;
    }
  }

  private armPersist(): void {
    const dataEnd = seqAdd(this.bufSeq, this.sndBuf.length);
    const waiting = seqLt(this.sndNxt, dataEnd) && (this.sndWnd === 0 || this.sndNxt === this.sndUna);
    if (!waiting) {
      this.persistAt = undefined;
      return;
    }
    if (this.persistAt !== undefined || (this.rtxAt !== undefined && !this.probeOutstanding)) return;
    const base = Math.max(this.computeRto(), this.config.rtoMin);
    this.persistAt = this.now + Math.min(base * 2 ** this.persistBackoff, this.config.rtoMax);
  }

  private emitData(seq: number, len: number, fin: boolean, rtxCause: string | undefined, out: TcpOutSegment[], newCause?: string, probe = false): void {
    const dataEnd = seqAdd(this.bufSeq, this.sndBuf.length);
    const payload = len > 0 ? this.sndBuf.slice(seqDiff(seq, this.bufSeq), len) : EMPTY;
    const end = seqAdd(seq, len + (fin ? 1 : 0));
    let flags = TcpFlags.ACK;
    if (fin) flags |= TcpFlags.FIN;
    if (len > 0 && seqAdd(seq, len) === dataEnd) flags |= TcpFlags.PSH;
    let cause: string;
    if (rtxCause !== undefined) {
      cause = rtxCause;
      this.retransmits++;
      if (this.rttSample && seqLt(seq, this.rttSample.end)) this.rttSample = undefined; // Karn
    } else {
      const rel = seqDiff(seq, this.iss) >>> 0;
      cause =
        newCause ??
        (len === 0
          ? 'FIN: application closed'
          : `data ${rel}–${rel + len} (${len} bytes, cwnd ${this.cc.cwnd}, window ${this.sndWnd})${fin ? ' with FIN' : ''}`);
      if (!this.rttSample && !probe) this.rttSample = { end, time: this.now };
    }
    if (rtxCause === undefined && len < this.smss && len > 0) this.smallSentEnd = seqAdd(seq, len);
    if (seqGt(end, this.sndNxt) || seq === this.sndNxt) this.sndNxt = seqMax(this.sndNxt, end);
    this.sndMax = seqMax(this.sndMax, end);
    if (this.rtxAt === undefined && !probe) this.rtxAt = this.now + this.rto;
    out.push(this.segment(seq, flags, payload, cause));
  }

  private synSegment(withAck: boolean): TcpOutSegment {
    const cfg = this.config;
    const retransmitted = withAck ? this.synAckSent : this.sndMax !== this.iss;
    if (withAck) this.synAckSent = true;
    const cause = retransmitted
      ? (this.rtxCause ?? 'SYN retransmitted')
      : withAck
        ? this.passiveOpen
          ? 'SYN-ACK: accepting the connection'
          : 'SYN-ACK: simultaneous open (same ISS as our SYN)'
        : 'SYN: active open';
    if (retransmitted) this.retransmits++;
    const repr: TcpRepr = {
      srcPort: this.local!.port,
      dstPort: this.remote!.port,
      seq: this.iss,
      ack: withAck ? this.rcvNxt : 0,
      flags: TcpFlags.SYN | (withAck ? TcpFlags.ACK : 0),
      window: Math.min(this.rcvBuf.free, 65535),
      urgentPointer: 0,
      mss: cfg.mss,
    };
    // A SYN offers what we support; a SYN-ACK only what the peer offered too (RFC 7323, 2018).
    if (cfg.windowScale !== null && (withAck ? this.wsAgreed : true)) repr.windowScale = this.rcvWscale || cfg.windowScale;
    if (withAck ? this.sackOk : cfg.sack) repr.sackPermitted = true;
    if (withAck ? this.tsOk : cfg.timestamps) repr.timestamp = { value: this.tsVal(), echo: withAck ? this.tsRecent : 0 };
    this.sndNxt = seqAdd(this.iss, 1);
    this.sndMax = seqMax(this.sndMax, this.sndNxt);
    if (!retransmitted) this.rttSample = { end: this.sndNxt, time: this.now };
    if (this.rtxAt === undefined) this.rtxAt = this.now + this.rto;
    this.rcvAdvEdge = seqAdd(this.rcvNxt, repr.window);
    if (withAck) this.noteAckSent();
    this.lastCause = cause;
    return { repr, payload: EMPTY, ip: this.ipPair(), cause };
  }

  private wsAgreed = false;
  private synAckSent = false;

  private pureAck(): TcpOutSegment {
    const cause = this.ackCause ?? 'ACK';
    return this.segment(this.sndNxt, TcpFlags.ACK, EMPTY, cause);
  }

  /** A segment in a synchronized state: carries ACK, window, timestamps and SACK blocks. */
  private segment(seq: number, flags: number, payload: Uint8Array, cause: string): TcpOutSegment {
    const repr: TcpRepr = {
      srcPort: this.local!.port,
      dstPort: this.remote!.port,
      seq,
      ack: this.rcvNxt,
      flags,
      window: this.advertiseWindow(),
      urgentPointer: 0,
    };
    if (this.tsOk) repr.timestamp = { value: this.tsVal(), echo: this.tsRecent };
    if (this.sackOk && !this.ooo.isEmpty) repr.sackBlocks = this.ooo.sackBlocks(this.tsOk ? 3 : 4);
    this.noteAckSent();
    this.lastCause = cause;
    return { repr, payload, ip: this.ipPair(), cause };
  }

  private noteAckSent(): void {
    this.lastAckSent = this.rcvNxt;
    this.ackCause = undefined;
    this.delackAt = undefined;
    this.rcvUnackedBytes = 0;
  }

  /**
   * Window field to send. Receiver SWS avoidance (RFC 9293 §3.8.6.2.2): the right edge only moves
   * when it can move by min(buffer / 2, MSS). The scaled value is rounded down, so we never offer
   * space we do not have; the edge may then recede by less than 2^scale bytes (RFC 7323 appendix
   * F, Linux with tcp_shrink_window), and acceptance follows the edge we last advertised.
   */
  private advertiseWindow(): number {
    const remaining = Math.max(0, seqDiff(this.rcvAdvEdge, this.rcvNxt));
    let wnd = this.rcvBuf.free;
    if (wnd - remaining < Math.min(this.rcvBuf.capacity / 2, this.config.mss)) wnd = Math.min(remaining, wnd);
    const unit = 2 ** this.rcvWscale;
    const field = Math.min(65535, Math.floor(wnd / unit));
    this.rcvAdvEdge = seqAdd(this.rcvNxt, field * unit);
    return field;
  }

  /** A bare segment outside the normal flow (RST, RST for a bad ACK). */
  private rawSegment(seq: number, ack: number, flags: number, cause: string): TcpOutSegment {
    return {
      repr: { srcPort: this.local!.port, dstPort: this.remote!.port, seq, ack, flags, window: 0, urgentPointer: 0 },
      payload: EMPTY,
      ip: this.ipPair(),
      cause,
    };
  }

  /** RST in reply to an unacceptable segment (RFC 9293 §3.10.7.1). */
  private resetFor(seg: TcpRepr, payloadLength: number, ip: IpPair, cause: string): void {
    const hasAck = (seg.flags & TcpFlags.ACK) !== 0;
    const segLen = payloadLength + (seg.flags & TcpFlags.SYN ? 1 : 0) + (seg.flags & TcpFlags.FIN ? 1 : 0);
    this.control.push({
      repr: {
        srcPort: seg.dstPort,
        dstPort: seg.srcPort,
        seq: hasAck ? seg.ack : 0,
        ack: hasAck ? 0 : seqAdd(seg.seq, segLen),
        flags: hasAck ? TcpFlags.RST : TcpFlags.RST | TcpFlags.ACK,
        window: 0,
        urgentPointer: 0,
      },
      payload: EMPTY,
      ip: { src: ip.dst, dst: ip.src } as IpPair,
      cause,
    });
  }

  private requestAck(cause: string): void {
    // Keep the first reason: it is the one that made the ACK immediate.
    if (this.ackCause === undefined) this.ackCause = cause;
    this.dirty = true;
  }

  // ---- setup helpers -----------------------------------------------------------------------

  private initSend(iss: number): void {
    this.iss = iss;
    this.sndUna = iss;
    this.sndNxt = iss;
    this.sndMax = iss;
    this.bufSeq = seqAdd(iss, 1);
    this.smallSentEnd = iss;
    this.recoverPoint = iss;
    this.highRxt = iss;
    this.maxFlightSeq = iss;
  }

  private initReceive(seg: TcpRepr): void {
    this.irs = seg.seq;
    this.rcvNxt = seqAdd(seg.seq, 1);
    this.rcvAdvEdge = this.rcvNxt;
    this.lastAckSent = this.rcvNxt;
  }

  /** Options from the peer's SYN (RFC 9293 §3.7.1, RFC 7323, RFC 2018). */
  private negotiate(seg: TcpRepr): void {
    const cfg = this.config;
    this.peerMss = seg.mss;
    this.wsAgreed = seg.windowScale !== undefined && cfg.windowScale !== null;
    this.sndWscale = this.wsAgreed ? Math.min(seg.windowScale!, MAX_WINDOW_SHIFT) : 0;
    this.rcvWscale = this.wsAgreed ? Math.min(cfg.windowScale!, MAX_WINDOW_SHIFT) : 0;
    this.sackOk = cfg.sack && seg.sackPermitted === true;
    this.tsOk = cfg.timestamps && seg.timestamp !== undefined;
    if (this.tsOk) this.tsRecent = seg.timestamp!.value;
    this.smss = Math.max(64, Math.min(seg.mss ?? 536, cfg.mss) - (this.tsOk ? TS_OPTION_LENGTH : 0));
    this.rcvMss = Math.min(this.rcvMss, this.smss);
    this.cc = createCongestionControl(cfg.congestion, this.initialCwnd());
  }

  /** RFC 6928: min(IW × SMSS, max(2 × SMSS, 14600)) for IW 10. */
  private initialCwnd(): number {
    const iw = this.config.initialWindow;
    return iw >= 10 ? Math.min(iw * this.smss, Math.max(2 * this.smss, 14600)) : iw * this.smss;
  }

  private backToListen(cause: string): void {
    const listenLocal = this.listenLocal!;
    const iss = this.iss;
    const fresh = new TcpSocket(this.config);
    // Keep counters and events; reset every connection field.
    const keep = { events: this.events, retransmits: this.retransmits };
    Object.assign(this, fresh, keep);
    this.local = listenLocal;
    this.listenLocal = listenLocal;
    this.iss = iss;
    this.state = 'SYN-RECEIVED';
    this.setState('LISTEN', cause);
  }

  private enterTimeWait(cause: string): void {
    this.rtxAt = undefined;
    this.persistAt = undefined;
    this.timeWaitAt = this.now + 2 * this.config.msl;
    this.setState('TIME-WAIT', cause);
  }

  private toClosed(cause: string): void {
    this.rtxAt = undefined;
    this.persistAt = undefined;
    this.delackAt = undefined;
    this.timeWaitAt = undefined;
    this.ackCause = undefined;
    this.pendingRetransmit = undefined;
    if (this.state !== 'CLOSED') this.setState('CLOSED', cause);
    this.events.push({ kind: 'closed', time: this.now, cause });
  }

  private setState(to: TcpState, cause: string): void {
    this.events.push({ kind: 'state', time: this.now, from: this.state, to, cause });
    this.state = to;
    this.lastCause = cause;
  }

  private updateRtt(r: Micros): void {
    if (r < 0) return;
    if (this.srtt === undefined || this.rttvar === undefined) {
      this.srtt = r;
      this.rttvar = r / 2;
    } else {
      this.rttvar = 0.75 * this.rttvar + 0.25 * Math.abs(this.srtt - r);
      this.srtt = 0.875 * this.srtt + 0.125 * r;
    }
    this.rto = this.computeRto();
  }

  /** RFC 6298 §2: SRTT + max(G, 4 × RTTVAR), floored at rtoMin (Linux 200 ms), capped at rtoMax. */
  private computeRto(): Micros {
    if (this.srtt === undefined || this.rttvar === undefined) return this.config.rtoInitial;
    const rto = Math.round(this.srtt + Math.max(this.config.clockGranularity, 4 * this.rttvar));
    return Math.min(Math.max(rto, this.config.rtoMin), this.config.rtoMax);
  }

  private tsVal(): number {
    return (Math.floor(this.now / 1000) + this.config.timestampOffset) >>> 0;
  }

  private ipPair(): IpPair {
    return { src: this.local!.addr, dst: this.remote!.addr } as IpPair;
  }

  // ---- inspection ----------------------------------------------------------------------------

  private phase(): CongestionPhase {
    if (!isSynchronized(this.state)) return 'none';
    if (this.inRecovery) return 'fast recovery';
    if (this.afterRto) return 'loss recovery (after RTO)';
    return this.cc.cwnd < this.cc.ssthresh ? 'slow start' : 'congestion avoidance';
  }

  snapshot(): TcpSnapshot {
    const inFlight = this.inRecovery && this.sackOk ? this.pipe() : Math.max(0, seqDiff(this.sndNxt, this.sndUna) - this.sackedBelow(this.sndNxt));
    return {
      state: this.state,
      local: this.local,
      remote: this.remote,
      iss: this.iss,
      irs: this.irs,
      snd: {
        una: this.sndUna,
        nxt: this.sndNxt,
        max: this.sndMax,
        wnd: this.sndWnd,
        maxWnd: this.maxSndWnd,
        wscale: this.sndWscale,
        mss: this.smss,
        queued: this.sndBuf.length,
      },
      rcv: {
        nxt: this.rcvNxt,
        wnd: Math.max(0, seqDiff(this.rcvAdvEdge, this.rcvNxt)),
        wscale: this.rcvWscale,
        queued: this.rcvBuf.length,
        outOfOrder: this.ooo.bytes,
      },
      options: { mss: this.peerMss, windowScale: this.wsAgreed, sack: this.sackOk, timestamps: this.tsOk },
      congestion: {
        algorithm: this.cc.name,
        phase: this.phase(),
        cwnd: this.cc.cwnd,
        ssthresh: this.cc.ssthresh,
        detail: this.cc.describe(this.smss),
      },
      rtt: { srtt: this.srtt, rttvar: this.rttvar, rto: this.rto, backoff: this.backoff },
      inFlight,
      dupAcks: this.dupAcks,
      retransmits: this.retransmits,
      fastRetransmits: this.fastRetransmits,
      timeouts: this.timeouts,
      sack: { scoreboard: this.scoreboard.ranges.map((r) => [r[0], r[1]]), reported: this.ooo.sackBlocks(4) },
      timers: { retransmit: this.rtxAt, persist: this.persistAt, delayedAck: this.delackAt, timeWait: this.timeWaitAt },
      lastCause: this.lastCause,
    };
  }

  private sackedBelow(limit: number): number {
    let n = 0;
    for (const [l, r] of this.scoreboard.ranges) if (seqLt(l, limit)) n += seqDiff(seqMin(r, limit), l);
    return n;
  }
}
