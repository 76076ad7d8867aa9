// Public types of the TCP endpoint: configuration, endpoints, outgoing segments, events, snapshot.
import type { IpPair } from '../../../../src-shared/net/wire/checksum';
import type { TcpRepr } from '../../../../src-shared/net/wire/tcp';
import type { Micros } from '../../sim/time';
import type { CongestionAlgorithm } from './congestion';

export type IpAddr = number | Uint8Array;

export interface TcpEndpoint {
  addr: IpAddr;
  port: number;
}

export type TcpState =
  | 'CLOSED'
  | 'LISTEN'
  | 'SYN-SENT'
  | 'SYN-RECEIVED'
  | 'ESTABLISHED'
  | 'FIN-WAIT-1'
  | 'FIN-WAIT-2'
  | 'CLOSE-WAIT'
  | 'CLOSING'
  | 'LAST-ACK'
  | 'TIME-WAIT';

export interface TcpConfig {
  /** MSS we advertise (MTU 1500 − 40). The payload per segment is 12 less with timestamps. */
  mss: number;
  /** Window-scale shift we offer; null leaves the option out (RFC 7323). */
  windowScale: number | null;
  sack: boolean;
  timestamps: boolean;
  /** Added to the 1 kHz timestamp clock (RFC 7323 §5.4 randomised offset; the caller picks it). */
  timestampOffset: number;
  recvBufferSize: number;
  sendBufferSize: number;
  nagle: boolean;
  delayedAck: boolean;
  delayedAckTimeout: Micros;
  congestion: CongestionAlgorithm;
  /** Initial window in segments (RFC 6928: 10). */
  initialWindow: number;
  rtoInitial: Micros;
  rtoMin: Micros;
  rtoMax: Micros;
  /** Clock granularity G of RFC 6298 §2. */
  clockGranularity: Micros;
  /** Data retransmissions before giving up (Linux tcp_retries2 = 15). */
  maxRetries: number;
  /** SYN retransmissions (Linux tcp_syn_retries = 6) and SYN-ACK retransmissions (5). */
  synRetries: number;
  synAckRetries: number;
  /** Maximum segment lifetime; TIME-WAIT lasts 2 × MSL (Linux: 60 s in total). */
  msl: Micros;
}

export const DEFAULT_TCP_CONFIG: TcpConfig = {
  mss: 1460,
  windowScale: 7,
  sack: true,
  timestamps: true,
  timestampOffset: 0,
  recvBufferSize: 131072,
  sendBufferSize: 262144,
  nagle: true,
  delayedAck: true,
  delayedAckTimeout: 40_000,
  congestion: 'cubic',
  initialWindow: 10,
  rtoInitial: 1_000_000,
  rtoMin: 200_000,
  rtoMax: 120_000_000,
  clockGranularity: 1_000,
  maxRetries: 15,
  synRetries: 6,
  synAckRetries: 5,
  msl: 30_000_000,
};

/** A segment for the host to wrap in IP: `emitTcp(seg.repr, seg.payload, seg.ip)`. */
export interface TcpOutSegment {
  repr: TcpRepr;
  payload: Uint8Array;
  /** Addresses for the IP header and the checksum pseudo-header (src = this host). */
  ip: IpPair;
  /** Why it was sent, for the packet list ("fast retransmit after 3 duplicate ACKs"). */
  cause: string;
}

export type TcpEvent =
  | { kind: 'state'; time: Micros; from: TcpState; to: TcpState; cause: string }
  | { kind: 'connected'; time: Micros }
  | { kind: 'readable'; time: Micros; bytes: number }
  /** Send-buffer space freed after a send() that could not take everything. */
  | { kind: 'writable'; time: Micros; space: number }
  | { kind: 'peer-closed'; time: Micros }
  /** Congestion-control phase change (entering/leaving recovery, slow start → avoidance, RTO). */
  | { kind: 'congestion'; time: Micros; phase: CongestionPhase; cwnd: number; ssthresh: number; cause: string }
  | { kind: 'reset'; time: Micros; cause: string }
  | { kind: 'error'; time: Micros; cause: string }
  | { kind: 'closed'; time: Micros; cause: string };

export type CongestionPhase = 'slow start' | 'congestion avoidance' | 'fast recovery' | 'loss recovery (after RTO)' | 'none';

/** Everything the UI shows about one connection. Sequence numbers are absolute (mod 2^32). */
export interface TcpSnapshot {
  state: TcpState;
  local?: TcpEndpoint;
  remote?: TcpEndpoint;
  iss: number;
  irs: number;
  snd: { una: number; nxt: number; max: number; wnd: number; maxWnd: number; wscale: number; mss: number; queued: number };
  rcv: { nxt: number; wnd: number; wscale: number; queued: number; outOfOrder: number };
  options: { mss?: number; windowScale: boolean; sack: boolean; timestamps: boolean };
  congestion: { algorithm: CongestionAlgorithm; phase: CongestionPhase; cwnd: number; ssthresh: number; detail: string };
  rtt: { srtt?: Micros; rttvar?: Micros; rto: Micros; backoff: number };
  inFlight: number;
  dupAcks: number;
  retransmits: number;
  fastRetransmits: number;
  timeouts: number;
  /** SACK scoreboard (what the peer holds above snd.una) and the blocks we report. */
  sack: { scoreboard: [number, number][]; reported: [number, number][] };
  timers: { retransmit?: Micros; persist?: Micros; delayedAck?: Micros; timeWait?: Micros };
  lastCause: string;
}
