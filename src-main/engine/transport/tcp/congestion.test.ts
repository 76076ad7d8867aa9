// Congestion window arithmetic for Reno (RFC 5681 + RFC 3465 ABC) and CUBIC (RFC 9438), first
// on the algorithms alone, then through a socket acknowledged segment by segment.
import { describe, expect, it } from 'vitest';
import { ipv4 } from '../../../../src-shared/net/addr/ipv4';
import { TcpFlags, type TcpRepr } from '../../../../src-shared/net/wire/tcp';
import { Cubic, Reno } from './congestion';
import { TcpSocket } from './socket';

const MSS = 1000;

describe('Reno', () => {
  it('slow start adds min(acked, 2 SMSS) per ACK: doubling per RTT with delayed ACKs', () => {
    const r = new Reno(10 * MSS);
    for (let i = 0; i < 5; i++) r.onAck(0, 2 * MSS, MSS);
    expect(r.cwnd).toBe(20 * MSS);
    r.onAck(0, 5 * MSS, MSS); // a stretch ACK still adds at most 2 SMSS
    expect(r.cwnd).toBe(22 * MSS);
  });

  it('congestion avoidance adds one SMSS per cwnd of acknowledged data', () => {
    const r = new Reno(10 * MSS);
    r.ssthresh = 10 * MSS;
    for (let i = 0; i < 9; i++) r.onAck(0, MSS, MSS);
    expect(r.cwnd).toBe(10 * MSS);
    r.onAck(0, MSS, MSS);
    expect(r.cwnd).toBe(11 * MSS);
    for (let i = 0; i < 11; i++) r.onAck(0, MSS, MSS);
    expect(r.cwnd).toBe(12 * MSS);
  });

  it('loss halves FlightSize into ssthresh (at least 2 SMSS); timeout sets cwnd to 1 SMSS', () => {
    const r = new Reno(40 * MSS);
    r.onCongestionEvent(0, 30 * MSS, MSS);
    expect(r.ssthresh).toBe(15 * MSS);
    r.onCongestionEvent(0, 3 * MSS, MSS);
    expect(r.ssthresh).toBe(2 * MSS);
    r.onTimeout(0, 20 * MSS, MSS);
    expect([r.cwnd, r.ssthresh]).toEqual([MSS, 10 * MSS]);
  });
});

describe('CUBIC (RFC 9438)', () => {
  const RTT = 100_000;

  /** Acknowledges one cwnd per RTT (one ACK per segment) for `seconds`; returns cwnd (segments) per RTT. */
  function grow(c: Cubic, startUs: number, seconds: number): number[] {
    const trace: number[] = [];
    for (let t = startUs; t < startUs + seconds * 1e6; t += RTT) {
      const segs = Math.floor(c.cwnd / MSS);
      for (let i = 0; i < segs; i++) c.onAck(t + (i * RTT) / segs, MSS, MSS, RTT);
      trace.push(c.cwnd / MSS);
    }
    return trace;
  }

  it('reduces to β = 0.7 and climbs back to W_max around K = ∛(W_max (1 − β) / C)', () => {
    const c = new Cubic(100 * MSS);
    c.ssthresh = 50 * MSS; // in congestion avoidance
    c.onCongestionEvent(0, 100 * MSS, MSS);
    expect(c.ssthresh).toBe(70 * MSS);
    expect(c.wMax).toBe(100);
    c.cwnd = c.ssthresh; // what the socket does when recovery ends
    const k = Math.cbrt((100 * 0.3) / 0.4);
    expect(k).toBeCloseTo(4.217, 3);
    const trace = grow(c, 0, 8);
    const at = (s: number) => trace[Math.round(s / 0.1) - 1];
    // Concave: fast at first, flattening near W_max.
    expect(at(1) - at(0.1)).toBeGreaterThan(at(4) - at(3));
    // W_cubic(t) = C (t − K)³ + W_max, target one RTT ahead.
    for (const s of [2, 3, 4.2, 5, 6]) {
      const expected = 0.4 * (s + 0.1 - k) ** 3 + 100;
      expect(Math.abs(at(s) - expected)).toBeLessThan(2);
    }
    expect(Math.abs(at(k) - 100)).toBeLessThan(1.5);
    // Convex beyond W_max: accelerating.
    expect(at(8) - at(7)).toBeGreaterThan(at(6) - at(5));
    expect(c.describe(MSS)).toMatch(/^CUBIC: W_max 100\.0 segments, K 4\.22 s/);
  });

  it('fast convergence lowers W_max when the window keeps shrinking', () => {
    const c = new Cubic(100 * MSS);
    c.onCongestionEvent(0, 100 * MSS, MSS);
    c.cwnd = 80 * MSS;
    c.onCongestionEvent(1_000_000, 80 * MSS, MSS);
    expect(c.wMax).toBeCloseTo((80 * 1.7) / 2, 6);
    expect(c.ssthresh).toBe(56 * MSS);
  });

  it('Reno-friendly region: a short-RTT flow grows at least as fast as Reno would', () => {
    // With a 1 ms RTT the cubic curve barely moves in a few RTTs; W_est (AIMD with α = 3(1−β)/(1+β)) wins.
    const c = new Cubic(20 * MSS);
    c.onCongestionEvent(0, 20 * MSS, MSS);
    c.cwnd = c.ssthresh;
    const start = c.cwnd / MSS;
    for (let rtt = 0; rtt < 50; rtt++) {
      const segs = Math.floor(c.cwnd / MSS);
      for (let i = 0; i < segs; i++) c.onAck(rtt * 1000, MSS, MSS, 1000);
    }
    const alpha = (3 * 0.3) / 1.7;
    expect(c.cwnd / MSS - start).toBeGreaterThanOrEqual(Math.floor(50 * alpha) - 1);
  });
});

describe('cwnd through a socket', () => {
  const CLIENT = { addr: ipv4('192.0.2.10'), port: 40000 };
  const SERVER = { addr: ipv4('198.51.100.80'), port: 80 };
  const from = { src: SERVER.addr, dst: CLIENT.addr };

  function connected(congestion: 'reno' | 'cubic'): TcpSocket {
    const s = new TcpSocket({ congestion, timestamps: false });
    s.connect(0, CLIENT, SERVER, 0);
    s.poll(0);
    s.onSegment(10_000, { srcPort: 80, dstPort: 40000, seq: 0, ack: 1, flags: TcpFlags.SYN | TcpFlags.ACK, window: 65535, urgentPointer: 0, mss: 1460, windowScale: 7, sackPermitted: true }, new Uint8Array(0), from);
    s.poll(10_000);
    return s;
  }
  const ackSeg = (ack: number): TcpRepr => ({ srcPort: 80, dstPort: 40000, seq: 1, ack, flags: TcpFlags.ACK, window: 4096, urgentPointer: 0 });

  it.each(['reno', 'cubic'] as const)('%s: slow start doubles the window each round trip from IW 10', (cc) => {
    const s = connected(cc);
    s.send(new Uint8Array(200_000));
    let t = 20_000;
    let acked = 1;
    const perRound: number[] = [];
    for (let round = 0; round < 3; round++) {
      const sent = s.poll(t);
      perRound.push(sent.length);
      t += 10_000;
      // The receiver acknowledges every second segment.
      for (let i = 1; i < sent.length; i += 2) {
        acked += 2 * 1460;
        s.onSegment(t, ackSeg(acked), new Uint8Array(0), from);
      }
    }
    expect(perRound).toEqual([10, 20, 40]);
    expect(s.snapshot().congestion).toMatchObject({ phase: 'slow start', cwnd: 80 * 1460 });
  });

  it('cubic: fast retransmit sets ssthresh to 0.7 × cwnd, reno to FlightSize / 2', () => {
    for (const [cc, expected] of [['cubic', Math.floor(11 * 1460 * 0.7)], ['reno', Math.floor((9 * 1460) / 2)]] as const) {
      const s = connected(cc);
      s.send(new Uint8Array(10 * 1460));
      s.poll(20_000);
      const una = 1 + 1460;
      s.onSegment(30_000, ackSeg(una), new Uint8Array(0), from); // cwnd 11 SMSS after this ACK, flight 9 SMSS
      for (let k = 1; k <= 3; k++) s.onSegment(30_000 + k, { ...ackSeg(una), sackBlocks: [[una + 1460, una + (k + 1) * 1460]] }, new Uint8Array(0), from);
      const out = s.poll(30_010);
      expect(out[0].cause).toMatch(/^fast retransmit/);
      expect(s.snapshot().congestion.ssthresh).toBe(expected);
    }
  });
});
