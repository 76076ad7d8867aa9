// Pluggable congestion control. The socket owns loss detection and recovery (RFC 5681, 6582,
// 6675); an algorithm only decides how cwnd and ssthresh move. Windows are in bytes.
import type { Micros } from '../../sim/time';

export type CongestionAlgorithm = 'reno' | 'cubic';

export interface CongestionControl {
  readonly name: CongestionAlgorithm;
  cwnd: number;
  ssthresh: number;
  /** New data was cumulatively acknowledged outside loss recovery. */
  onAck(now: Micros, ackedBytes: number, smss: number, srtt: Micros | undefined): void;
  /** Loss detected by duplicate ACKs / SACK: set ssthresh (cwnd is handled by the recovery). */
  onCongestionEvent(now: Micros, flightSize: number, smss: number): void;
  /** Retransmission timeout: ssthresh as for a loss, cwnd to the loss window (1 SMSS). */
  onTimeout(now: Micros, flightSize: number, smss: number): void;
  /** Text for the UI, e.g. "K 2.1 s, W_max 42 segments". */
  describe(smss: number): string;
}

/** RFC 5681 Reno with appropriate byte counting (RFC 3465, L = 2 × SMSS). */
export class Reno implements CongestionControl {
  readonly name = 'reno';
  ssthresh = 0x7fffffff;
  private bytesAcked = 0;

  constructor(public cwnd: number) {}

  onAck(_now: Micros, acked: number, smss: number): void {
    if (this.cwnd < this.ssthresh) {
      this.cwnd += Math.min(acked, 2 * smss);
      return;
    }
    // Congestion avoidance: one SMSS per cwnd's worth of acknowledged bytes (RFC 5681 §3.1).
    this.bytesAcked += acked;
    if (this.bytesAcked >= this.cwnd) {
      this.bytesAcked -= this.cwnd;
      this.cwnd += smss;
    }
  }

  onCongestionEvent(_now: Micros, flight: number, smss: number): void {
    this.ssthresh = Math.max(Math.floor(flight / 2), 2 * smss);
    this.bytesAcked = 0;
  }

  onTimeout(now: Micros, flight: number, smss: number): void {
    this.onCongestionEvent(now, flight, smss);
    this.cwnd = smss;
  }

  describe(): string {
    return 'Reno: +1 SMSS per RTT in congestion avoidance, ssthresh = FlightSize / 2 on loss';
  }
}

/** CUBIC (RFC 9438) with fast convergence and the Reno-friendly region; no HyStart. */
export class Cubic implements CongestionControl {
  readonly name = 'cubic';
  static readonly C = 0.4;
  static readonly BETA = 0.7;
  ssthresh = 0x7fffffff;
  /** Window (segments) before the last reduction, and the one before that (fast convergence). */
  wMax = 0;
  private wLastMax = 0;
  /** Start of the current congestion-avoidance epoch, undefined until the first CA ack. */
  private epochStart: Micros | undefined;
  private k = 0;
  /** Reno-friendly estimate W_est (segments). */
  private wEst = 0;
  private cwndEpoch = 0;

  constructor(public cwnd: number) {}

  onAck(now: Micros, acked: number, smss: number, srtt: Micros | undefined): void {
    if (this.cwnd < this.ssthresh) {
      this.cwnd += Math.min(acked, 2 * smss);
      return;
    }
    const cwndSeg = this.cwnd / smss;
    if (this.epochStart === undefined) {
      this.epochStart = now;
      this.cwndEpoch = cwndSeg;
      this.wEst = cwndSeg;
      if (this.wMax <= cwndSeg) {
        this.k = 0;
        this.wMax = cwndSeg;
      } else {
        this.k = Math.cbrt((this.wMax - cwndSeg) / Cubic.C);
      }
    }
    const rtt = (srtt ?? 100_000) / 1e6;
    const t = (now - this.epochStart) / 1e6;
    const wCubic = (x: number) => Cubic.C * (x - this.k) ** 3 + this.wMax;
    // Target one RTT ahead, clamped to [cwnd, 1.5 cwnd] (RFC 9438 §4.2).
    const target = Math.min(Math.max(wCubic(t + rtt), cwndSeg), 1.5 * cwndSeg);
    const segsAcked = acked / smss;
    const alpha = (3 * (1 - Cubic.BETA)) / (1 + Cubic.BETA);
    this.wEst += alpha * (segsAcked / cwndSeg);
    let next: number;
    if (wCubic(t) < this.wEst) next = Math.max(this.wEst, cwndSeg); // Reno-friendly region (§4.3)
    else next = cwndSeg + ((target - cwndSeg) / cwndSeg) * segsAcked; // concave / convex
    this.cwnd = Math.max(this.cwnd, Math.floor(next * smss));
  }

  onCongestionEvent(_now: Micros, _flight: number, smss: number): void {
    const cwndSeg = this.cwnd / smss;
    // Fast convergence (RFC 9438 §4.7): release bandwidth when W_max keeps shrinking.
    this.wMax = cwndSeg < this.wLastMax ? (cwndSeg * (1 + Cubic.BETA)) / 2 : cwndSeg;
    this.wLastMax = cwndSeg;
    this.ssthresh = Math.max(Math.floor(this.cwnd * Cubic.BETA), 2 * smss);
    this.epochStart = undefined;
  }

  onTimeout(now: Micros, flight: number, smss: number): void {
    this.onCongestionEvent(now, flight, smss);
    this.cwnd = smss;
  }

  describe(smss: number): string {
    return `CUBIC: W_max ${(this.wMax || this.cwnd / smss).toFixed(1)} segments, K ${this.k.toFixed(2)} s, β 0.7, C 0.4`;
  }
}

export function createCongestionControl(name: CongestionAlgorithm, initialCwnd: number): CongestionControl {
  return name === 'cubic' ? new Cubic(initialCwnd) : new Reno(initialCwnd);
}
