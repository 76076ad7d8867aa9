// Script tests on virtual time, smoltcp style: the test plays the remote endpoint by hand,
// delivers segments at given times and checks exactly what the socket sends back.
import { describe, expect, it } from 'vitest';
import { ipv4 } from '../../../../src-shared/net/addr/ipv4';
import { TcpFlags, type TcpRepr } from '../../../../src-shared/net/wire/tcp';
import { TcpSocket } from './socket';
import type { TcpConfig, TcpEvent, TcpOutSegment } from './types';

const CLIENT = { addr: ipv4('192.0.2.10'), port: 40000 };
const SERVER = { addr: ipv4('198.51.100.80'), port: 80 };
const FROM_SERVER = { src: SERVER.addr, dst: CLIENT.addr };
const FROM_CLIENT = { src: CLIENT.addr, dst: SERVER.addr };
const ISS = 1000; // ours (client)
const PEER_ISS = 5000;
const { SYN, ACK, FIN, RST, PSH } = TcpFlags;
const MS = 1000;
const SMSS = 1448; // 1460 − 12 bytes of timestamp option

function bytes(n: number, seed = 0): Uint8Array {
  const b = new Uint8Array(n);
  for (let i = 0; i < n; i++) b[i] = (i * 31 + seed) & 0xff;
  return b;
}

/** Drives our socket (the client) while the test plays the server. */
class Script {
  peerTsVal = 700;
  constructor(readonly sock: TcpSocket) {}

  /** Delivers a server segment at time t and returns what the socket sends right away. */
  deliver(t: number, fields: Partial<TcpRepr>, payload: Uint8Array = new Uint8Array(0)): TcpOutSegment[] {
    const repr: TcpRepr = {
      srcPort: SERVER.port,
      dstPort: CLIENT.port,
      seq: PEER_ISS + 1,
      ack: ISS + 1,
      flags: ACK,
      window: 1024, // × 2^7 = 131072
      urgentPointer: 0,
      timestamp: { value: this.peerTsVal, echo: 0 },
      ...fields,
    };
    this.sock.onSegment(t, repr, payload, FROM_SERVER);
    return this.sock.poll(t);
  }

  poll(t: number): TcpOutSegment[] {
    return this.sock.poll(t);
  }
}

function synAck(window = 65535): Partial<TcpRepr> {
  return { seq: PEER_ISS, ack: ISS + 1, flags: SYN | ACK, window, mss: 1460, windowScale: 7, sackPermitted: true, timestamp: { value: 700, echo: 0 } };
}

/** Client connected at t=0, SYN-ACK at 10 ms (RTT 10 ms). */
function established(config: Partial<TcpConfig> = {}): Script {
  const sock = new TcpSocket(config);
  sock.connect(0, CLIENT, SERVER, ISS);
  sock.poll(0);
  const s = new Script(sock);
  s.deliver(10 * MS, synAck());
  sock.takeEvents();
  return s;
}

function flagsOf(out: TcpOutSegment[]): number[] {
  return out.map((o) => o.repr.flags);
}

function states(events: TcpEvent[]): string[] {
  return events.flatMap((e) => (e.kind === 'state' ? [`${e.from}→${e.to}`] : []));
}

describe('handshake', () => {
  it('active open: SYN with MSS 1460, WS 7, SACK_PERM, TS; SYN-ACK at 10 ms → ACK, ESTABLISHED', () => {
    const sock = new TcpSocket({ timestampOffset: 12345 });
    sock.connect(0, CLIENT, SERVER, ISS);
    const syn = sock.poll(0);
    expect(syn).toHaveLength(1);
    expect(syn[0].repr).toMatchObject({ srcPort: 40000, dstPort: 80, seq: ISS, ack: 0, flags: SYN, window: 65535, mss: 1460, windowScale: 7, sackPermitted: true, timestamp: { value: 12345, echo: 0 } });
    expect(syn[0].ip).toEqual(FROM_CLIENT);
    expect(syn[0].cause).toBe('SYN: active open');
    expect(sock.state).toBe('SYN-SENT');
    expect(sock.nextTimeout()).toBe(1_000_000); // initial RTO 1 s

    const s = new Script(sock);
    const out = s.deliver(10 * MS, synAck());
    expect(out).toHaveLength(1);
    expect(out[0].repr).toMatchObject({ seq: ISS + 1, ack: PEER_ISS + 1, flags: ACK, timestamp: { value: 12355, echo: 700 } });
    expect(out[0].repr.mss).toBeUndefined();
    expect(out[0].cause).toBe('ACK of SYN-ACK (third step of the handshake)');
    expect(sock.state).toBe('ESTABLISHED');
    const ev = sock.takeEvents();
    expect(states(ev)).toEqual(['CLOSED→SYN-SENT', 'SYN-SENT→ESTABLISHED']);
    expect(ev.some((e) => e.kind === 'connected')).toBe(true);
    const snap = sock.snapshot();
    expect(snap.snd.mss).toBe(SMSS);
    expect(snap.options).toEqual({ mss: 1460, windowScale: true, sack: true, timestamps: true });
    expect(snap.snd.wnd).toBe(65535); // the SYN-ACK's window is never scaled
    expect(snap.rtt.srtt).toBe(10 * MS);
    expect(snap.rtt.rttvar).toBe(5 * MS);
    expect(snap.rtt.rto).toBe(200 * MS); // 10 + 4 × 5 = 30 ms, floored at 200 ms
    expect(snap.congestion).toMatchObject({ algorithm: 'cubic', phase: 'slow start', cwnd: 10 * SMSS });
    expect(sock.nextTimeout()).toBeUndefined(); // nothing outstanding, no timer
  });

  it('peer without options: MSS 536 by default, no scaling, no SACK, no timestamps', () => {
    const sock = new TcpSocket();
    sock.connect(0, CLIENT, SERVER, ISS);
    sock.poll(0);
    const s = new Script(sock);
    const out = s.deliver(5 * MS, { seq: PEER_ISS, flags: SYN | ACK, window: 8192, timestamp: undefined });
    expect(out[0].repr.timestamp).toBeUndefined();
    expect(out[0].repr.window).toBe(65535); // our window, unscaled since WS was not agreed
    const snap = sock.snapshot();
    expect(snap.snd.mss).toBe(536);
    expect(snap.options).toEqual({ mss: undefined, windowScale: false, sack: false, timestamps: false });
    expect(snap.congestion.cwnd).toBe(Math.min(10 * 536, Math.max(2 * 536, 14600)));
  });

  it('SYN retransmitted with exponential backoff, then gives up after 6 retries', () => {
    const sock = new TcpSocket();
    sock.connect(0, CLIENT, SERVER, ISS);
    expect(flagsOf(sock.poll(0))).toEqual([SYN]);
    const times: number[] = [];
    const causes: string[] = [];
    for (let i = 0; i < 10 && sock.state === 'SYN-SENT'; i++) {
      const t = sock.nextTimeout()!;
      const out = sock.poll(t);
      if (out.length) {
        times.push(t / 1e6);
        causes.push(out[0].cause);
        expect(out[0].repr).toMatchObject({ seq: ISS, flags: SYN });
      }
    }
    expect(times).toEqual([1, 3, 7, 15, 31, 63]);
    expect(causes[0]).toBe('retransmission timeout (RTO 1.0 s, backoff 1)');
    expect(causes[1]).toBe('retransmission timeout (RTO 2.0 s, backoff 2)');
    expect(sock.state).toBe('CLOSED');
    const ev = sock.takeEvents();
    expect(ev.find((e) => e.kind === 'error')).toMatchObject({ time: 127_000_000, cause: 'connection timed out after 6 retransmissions' });
  });

  it('passive open: SYN → SYN-ACK with the agreed options → ACK → ESTABLISHED', () => {
    const sock = new TcpSocket();
    sock.listen(SERVER, PEER_ISS);
    const syn: TcpRepr = { srcPort: 40000, dstPort: 80, seq: ISS, ack: 0, flags: SYN, window: 64240, urgentPointer: 0, mss: 1400, sackPermitted: true };
    expect(sock.accepts(FROM_CLIENT, syn)).toBe(true);
    sock.onSegment(0, syn, new Uint8Array(0), FROM_CLIENT);
    const out = sock.poll(0);
    expect(out).toHaveLength(1);
    // The client offered no WS and no TS: the SYN-ACK must not carry them.
    expect(out[0].repr).toMatchObject({ seq: PEER_ISS, ack: ISS + 1, flags: SYN | ACK, mss: 1460, sackPermitted: true });
    expect(out[0].repr.windowScale).toBeUndefined();
    expect(out[0].repr.timestamp).toBeUndefined();
    expect(out[0].ip).toEqual(FROM_SERVER);
    expect(sock.state).toBe('SYN-RECEIVED');
    sock.onSegment(20 * MS, { ...syn, seq: ISS + 1, ack: PEER_ISS + 1, flags: ACK, window: 64240, mss: undefined, sackPermitted: undefined }, new Uint8Array(0), FROM_CLIENT);
    expect(sock.poll(20 * MS)).toHaveLength(0);
    expect(sock.state).toBe('ESTABLISHED');
    expect(sock.snapshot().snd.mss).toBe(1400);
    expect(sock.snapshot().rtt.srtt).toBe(20 * MS);
    expect(states(sock.takeEvents())).toEqual(['CLOSED→LISTEN', 'LISTEN→SYN-RECEIVED', 'SYN-RECEIVED→ESTABLISHED']);
    // A second connection's SYN is not this socket's.
    expect(sock.accepts(FROM_CLIENT, { srcPort: 40001, dstPort: 80 })).toBe(false);
  });

  it('a retransmitted SYN in SYN-RECEIVED gets the SYN-ACK again', () => {
    const sock = new TcpSocket();
    sock.listen(SERVER, PEER_ISS);
    const syn: TcpRepr = { srcPort: 40000, dstPort: 80, seq: ISS, ack: 0, flags: SYN, window: 64240, urgentPointer: 0, mss: 1460 };
    sock.onSegment(0, syn, new Uint8Array(0), FROM_CLIENT);
    sock.poll(0);
    sock.onSegment(500 * MS, syn, new Uint8Array(0), FROM_CLIENT);
    const out = sock.poll(500 * MS);
    expect(out.map((o) => [o.repr.flags, o.repr.seq, o.cause])).toEqual([[SYN | ACK, PEER_ISS, 'SYN-ACK retransmitted: the peer retransmitted its SYN']]);
  });

  it('simultaneous open: SYN crosses SYN → SYN-RECEIVED → SYN-ACK → ESTABLISHED', () => {
    const sock = new TcpSocket();
    sock.connect(0, CLIENT, SERVER, ISS);
    sock.poll(0);
    const s = new Script(sock);
    const out = s.deliver(1 * MS, { seq: PEER_ISS, ack: 0, flags: SYN, mss: 1460, windowScale: 7, sackPermitted: true, timestamp: { value: 700, echo: 0 } });
    expect(sock.state).toBe('SYN-RECEIVED');
    expect(out.map((o) => [o.repr.flags, o.repr.seq, o.repr.ack])).toEqual([[SYN | ACK, ISS, PEER_ISS + 1]]);
    expect(out[0].repr.windowScale).toBe(7);
    // The peer's SYN-ACK (same ISS) completes it.
    s.deliver(12 * MS, { seq: PEER_ISS, ack: ISS + 1, flags: SYN | ACK, window: 65535, timestamp: { value: 710, echo: 0 } });
    expect(sock.state).toBe('ESTABLISHED');
    expect(states(sock.takeEvents())).toEqual(['CLOSED→SYN-SENT', 'SYN-SENT→SYN-RECEIVED', 'SYN-RECEIVED→ESTABLISHED']);
  });
});

describe('data transfer', () => {
  it('send 3000 bytes → 1448 + 1448 + 104 (PSH); the ACK frees the buffer, cwnd stays (application-limited)', () => {
    const s = established({ congestion: 'reno' });
    expect(s.sock.send(bytes(3000))).toBe(3000);
    const out = s.poll(20 * MS);
    expect(out.map((o) => [o.repr.seq, o.payload.length, o.repr.flags])).toEqual([
      [ISS + 1, SMSS, ACK],
      [ISS + 1 + SMSS, SMSS, ACK],
      [ISS + 1 + 2 * SMSS, 104, ACK | PSH],
    ]);
    expect(out[0].payload).toEqual(bytes(3000).subarray(0, SMSS));
    expect(out[0].cause).toBe('data 1–1449 (1448 bytes, cwnd 14480, window 65535)');
    expect(s.sock.nextTimeout()).toBe(20 * MS + 200 * MS);
    const snap = s.sock.snapshot();
    expect(snap.inFlight).toBe(3000);
    expect(snap.snd.queued).toBe(3000);

    s.deliver(30 * MS, { ack: ISS + 1 + 3000 });
    const after = s.sock.snapshot();
    expect(after.snd.queued).toBe(0);
    expect(after.inFlight).toBe(0);
    // 3000 bytes never used half of the initial window: application-limited, cwnd keeps its size.
    expect(after.congestion.cwnd).toBe(10 * SMSS);
    expect(s.sock.nextTimeout()).toBeUndefined(); // RTO timer stopped
  });

  it('a full send buffer takes what fits and reports writable once data is acknowledged', () => {
    const s = established({ sendBufferSize: 4000 });
    expect(s.sock.send(bytes(10_000))).toBe(4000);
    expect(s.sock.sendSpace).toBe(0);
    s.poll(20 * MS);
    s.deliver(30 * MS, { ack: ISS + 1 + SMSS });
    expect(s.sock.takeEvents()).toContainEqual({ kind: 'writable', time: 30 * MS, space: SMSS });
    expect(s.sock.send(bytes(10_000))).toBe(SMSS);
  });

  it('Nagle (Minshall): a second small write waits for the first small segment to be acknowledged', () => {
    const s = established();
    s.sock.send(bytes(100));
    expect(s.poll(20 * MS).map((o) => o.payload.length)).toEqual([100]);
    s.sock.send(bytes(50));
    expect(s.poll(21 * MS)).toHaveLength(0);
    const out = s.deliver(30 * MS, { ack: ISS + 101 });
    expect(out.map((o) => [o.repr.seq, o.payload.length])).toEqual([[ISS + 101, 50]]);

    const noNagle = established({ nagle: false });
    noNagle.sock.send(bytes(100));
    noNagle.poll(20 * MS);
    noNagle.sock.send(bytes(50));
    expect(noNagle.poll(21 * MS).map((o) => o.payload.length)).toEqual([50]);
  });

  it('delayed ACK: one segment is acknowledged after 40 ms, every second full segment at once', () => {
    const s = established();
    let out = s.deliver(100 * MS, { seq: PEER_ISS + 1 }, bytes(1000));
    expect(out).toHaveLength(0);
    expect(s.sock.nextTimeout()).toBe(140 * MS);
    expect(s.sock.takeEvents()).toContainEqual({ kind: 'readable', time: 100 * MS, bytes: 1000 });
    out = s.poll(140 * MS);
    expect(out.map((o) => [o.repr.ack, o.cause])).toEqual([[PEER_ISS + 1001, 'delayed ACK timer (40 ms)']]);
    expect(out[0].repr.timestamp).toEqual({ value: 140, echo: 700 });

    out = s.deliver(200 * MS, { seq: PEER_ISS + 1001 }, bytes(SMSS));
    expect(out).toHaveLength(0);
    out = s.deliver(201 * MS, { seq: PEER_ISS + 1001 + SMSS }, bytes(SMSS));
    expect(out.map((o) => [o.repr.ack, o.cause])).toEqual([[PEER_ISS + 1001 + 2 * SMSS, 'ACK every second full-sized segment']]);
    expect(s.sock.recv().length).toBe(1000 + 2 * SMSS);
  });

  it('data piggybacks the pending ACK', () => {
    const s = established();
    s.deliver(100 * MS, { seq: PEER_ISS + 1 }, bytes(10));
    s.sock.send(bytes(20));
    const out = s.poll(101 * MS);
    expect(out.map((o) => [o.repr.seq, o.repr.ack, o.payload.length])).toEqual([[ISS + 1, PEER_ISS + 11, 20]]);
    expect(s.sock.snapshot().timers.delayedAck).toBeUndefined();
  });

  it('out-of-order segments: duplicate ACKs with SACK blocks, then reassembly in order', () => {
    const s = established();
    const data = bytes(3 * SMSS, 9);
    const seg = (i: number) => data.subarray(i * SMSS, (i + 1) * SMSS);
    let out = s.deliver(100 * MS, { seq: PEER_ISS + 1 + 2 * SMSS }, seg(2));
    expect(out.map((o) => [o.repr.ack, o.repr.sackBlocks])).toEqual([[PEER_ISS + 1, [[PEER_ISS + 1 + 2 * SMSS, PEER_ISS + 1 + 3 * SMSS]]]]);
    expect(out[0].cause).toBe(`duplicate ACK: out-of-order segment ${1 + 2 * SMSS}–${1 + 3 * SMSS}, expected 1`);
    expect(s.sock.recvQueued).toBe(0);
    expect(s.sock.snapshot().rcv.outOfOrder).toBe(SMSS);
    // A duplicate of the out-of-order segment changes nothing but is acknowledged.
    out = s.deliver(101 * MS, { seq: PEER_ISS + 1 + 2 * SMSS }, seg(2));
    expect(out).toHaveLength(1);
    expect(s.sock.snapshot().rcv.outOfOrder).toBe(SMSS);
    out = s.deliver(102 * MS, { seq: PEER_ISS + 1 + SMSS }, seg(1));
    expect(out[0].repr.sackBlocks).toEqual([[PEER_ISS + 1 + SMSS, PEER_ISS + 1 + 3 * SMSS]]);
    out = s.deliver(103 * MS, { seq: PEER_ISS + 1 }, seg(0));
    expect(out.map((o) => [o.repr.ack, o.repr.sackBlocks])).toEqual([[PEER_ISS + 1 + 3 * SMSS, undefined]]);
    expect(out[0].cause).toBe(`ACK: segment 1 filled a gap, now up to ${1 + 3 * SMSS}`);
    expect(s.sock.recv()).toEqual(data);
  });

  it('overlapping retransmissions are trimmed, not duplicated', () => {
    const s = established();
    const data = bytes(3000, 3);
    s.deliver(100 * MS, { seq: PEER_ISS + 1 }, data.subarray(0, 1000));
    s.deliver(101 * MS, { seq: PEER_ISS + 1 + 500 }, data.subarray(500, 2000));
    s.deliver(102 * MS, { seq: PEER_ISS + 1 + 2500 }, data.subarray(2500, 3000));
    s.deliver(103 * MS, { seq: PEER_ISS + 1 + 1800 }, data.subarray(1800, 2700));
    expect(s.sock.recv()).toEqual(data);
  });
});

describe('windows', () => {
  it('never sends beyond the peer window; more flows as the window slides', () => {
    const s = established();
    s.deliver(15 * MS, { window: 32 }); // 32 × 128 = 4096 bytes
    s.sock.send(bytes(10_000));
    let out = s.poll(20 * MS);
    expect(out.map((o) => o.payload.length)).toEqual([SMSS, SMSS]); // 1200 more would be a silly window
    expect(s.sock.snapshot().inFlight).toBe(2 * SMSS);
    out = s.deliver(30 * MS, { ack: ISS + 1 + 2 * SMSS, window: 32 });
    expect(out.map((o) => o.payload.length)).toEqual([SMSS, SMSS]);
    const snap = s.sock.snapshot();
    expect(snap.snd.nxt - snap.snd.una).toBeLessThanOrEqual(4096);
  });

  it('zero window: persist timer probes with backoff; the window opening resumes the transfer', () => {
    const s = established();
    s.deliver(15 * MS, { window: 0 });
    s.sock.send(bytes(5000));
    expect(s.poll(20 * MS)).toHaveLength(0);
    expect(s.sock.nextTimeout()).toBe(220 * MS); // persist after one RTO (200 ms)
    let out = s.poll(220 * MS);
    expect(out.map((o) => [o.repr.seq, o.payload.length, o.cause])).toEqual([[ISS + 1, 1, 'zero-window probe (persist timer, backoff 0)']]);
    out = s.deliver(230 * MS, { ack: ISS + 1, window: 0 });
    expect(out).toHaveLength(0);
    expect(s.sock.snapshot().dupAcks).toBe(0); // probe answers are not duplicate ACKs
    expect(s.sock.nextTimeout()).toBe(620 * MS); // 2 × 200 ms after the probe
    out = s.poll(620 * MS);
    expect(out.map((o) => [o.repr.seq, o.payload.length, o.cause])).toEqual([[ISS + 1, 1, 'zero-window probe (persist timer, backoff 1)']]);
    // Window opens without taking the probe byte: it is sent again, with the rest.
    out = s.deliver(700 * MS, { ack: ISS + 1, window: 1024 });
    expect(out[0].repr.seq).toBe(ISS + 1);
    expect(out.reduce((n, o) => n + o.payload.length, 0)).toBe(5000);
    expect(s.sock.snapshot().timers.persist).toBeUndefined();
  });

  it('as a receiver: fills its buffer, advertises zero, answers probes, and sends a window update after a read', () => {
    const s = established({ recvBufferSize: 4096, windowScale: null });
    // No window scaling for either side here (we did not offer it).
    let out = s.deliver(20 * MS, { seq: PEER_ISS + 1 }, bytes(2048));
    out = s.deliver(21 * MS, { seq: PEER_ISS + 1 + 2048 }, bytes(2048));
    expect(out.map((o) => [o.repr.ack, o.repr.window])).toEqual([[PEER_ISS + 1 + 4096, 0]]);
    // A probe into the closed window is answered with the same ACK, window 0.
    out = s.deliver(300 * MS, { seq: PEER_ISS + 1 + 4096 }, bytes(1));
    expect(out.map((o) => [o.repr.ack, o.repr.window, o.cause])).toEqual([[PEER_ISS + 1 + 4096, 0, 'ACK of zero-window probe (window 0, 1 byte not accepted)']]);
    expect(s.sock.recv().length).toBe(4096);
    out = s.poll(301 * MS);
    expect(out.map((o) => [o.repr.window, o.cause])).toEqual([[4096, 'window update (application read 4096 bytes, window 4096)']]);
  });
});

describe('loss recovery', () => {
  it('one lost segment with SACK: 3 duplicate ACKs → fast retransmit, recovery ends at the full ACK', () => {
    const s = established({ congestion: 'reno' });
    s.sock.send(bytes(8 * SMSS));
    expect(s.poll(20 * MS)).toHaveLength(8);
    const una = ISS + 1 + SMSS; // segment 2 lost
    const dup = (t: number, k: number) => s.deliver(t, { ack: una, sackBlocks: [[una + SMSS, una + (k + 1) * SMSS]] });
    expect(s.deliver(30 * MS, { ack: una })).toHaveLength(0);
    expect(dup(31 * MS, 1)).toHaveLength(0);
    expect(dup(32 * MS, 2)).toHaveLength(0);
    const out = dup(33 * MS, 3);
    expect(out[0].repr.seq).toBe(una);
    expect(out[0].payload.length).toBe(SMSS);
    expect(out[0].cause).toMatch(/^fast retransmit after 3 duplicate ACKs \(ssthresh \d+, cwnd \d+\)$/);
    let snap = s.sock.snapshot();
    expect(snap.congestion.phase).toBe('fast recovery');
    expect(snap.fastRetransmits).toBe(1);
    expect(snap.sack.scoreboard).toEqual([[una + SMSS, una + 4 * SMSS]]);
    expect(snap.congestion.ssthresh).toBe(Math.floor((7 * SMSS) / 2)); // FlightSize / 2 (segment 1 was acked)
    s.deliver(45 * MS, { ack: ISS + 1 + 8 * SMSS });
    snap = s.sock.snapshot();
    expect(snap.congestion.phase).toBe('congestion avoidance');
    expect(snap.congestion.cwnd).toBe(snap.congestion.ssthresh);
    expect(snap.retransmits).toBe(1);
    const phases = s.sock.takeEvents().flatMap((e) => (e.kind === 'congestion' ? [[e.time, e.phase, e.cause]] : []));
    expect(phases).toEqual([
      [33 * MS, 'fast recovery', `3 duplicate ACKs: ssthresh ${snap.congestion.ssthresh}, cwnd ${snap.congestion.ssthresh} (SACK loss recovery, RFC 6675)`],
      [45 * MS, 'congestion avoidance', `recovery complete: everything up to ${1 + 8 * SMSS} acknowledged`],
    ]);
  });

  it('two holes with SACK (RFC 6675): the second is retransmitted once more than 2 SMSS are SACKed above it, within pipe', () => {
    const s = established({ congestion: 'reno' });
    s.sock.send(bytes(10 * SMSS));
    expect(s.poll(20 * MS)).toHaveLength(10);
    const at = (k: number) => ISS + 1 + k * SMSS; // segment k starts here; 1 and 4 are lost
    const ackWith = (t: number, blocks: [number, number][]) => s.deliver(t, { ack: at(1), sackBlocks: blocks.map(([l, r]) => [at(l), at(r)]) });
    expect(s.deliver(30 * MS, { ack: at(1) })).toHaveLength(0);
    expect(ackWith(31 * MS, [[2, 3]])).toHaveLength(0);
    expect(ackWith(32 * MS, [[2, 4]])).toHaveLength(0);
    let out = ackWith(33 * MS, [[5, 6], [2, 4]]);
    expect(out.map((o) => [o.repr.seq, o.cause.startsWith('fast retransmit')])).toEqual([[at(1), true]]);
    expect(s.sock.snapshot().congestion.cwnd).toBe(Math.floor((9 * SMSS) / 2)); // cwnd = ssthresh
    expect(s.sock.snapshot().inFlight).toBe(6 * SMSS); // pipe: 4, 6, 7, 8, 9 and the resent 1
    // Only 2 segments SACKed above segment 4: not lost yet.
    expect(ackWith(34 * MS, [[5, 7], [2, 4]])).toHaveLength(0);
    out = ackWith(35 * MS, [[5, 8], [2, 4]]);
    expect(out.map((o) => [o.repr.seq, o.cause])).toEqual([[at(4), 'retransmission of a SACK hole (RFC 6675 loss recovery)']]);
    expect(s.sock.snapshot().sack.scoreboard).toEqual([[at(2), at(4)], [at(5), at(8)]]);
    // The retransmissions arrive: a partial ACK, then the full one ends recovery.
    s.deliver(45 * MS, { ack: at(4), sackBlocks: [[at(5), at(10)]] });
    expect(s.sock.snapshot().congestion.phase).toBe('fast recovery');
    s.deliver(46 * MS, { ack: at(10) });
    const snap = s.sock.snapshot();
    expect(snap.congestion.phase).toBe('congestion avoidance');
    expect([snap.retransmits, snap.fastRetransmits, snap.timeouts]).toEqual([2, 1, 0]);
  });

  it('without SACK: NewReno inflates cwnd on duplicates and retransmits again on a partial ACK', () => {
    const s = established({ congestion: 'reno', sack: false });
    s.sock.send(bytes(10 * SMSS));
    s.poll(20 * MS);
    const base = ISS + 1;
    s.deliver(30 * MS, { ack: base + SMSS }); // seg 1 arrives; 2 and 4 are lost
    for (let i = 0; i < 2; i++) expect(s.deliver(31 * MS + i, { ack: base + SMSS })).toHaveLength(0);
    const fr = s.deliver(32 * MS, { ack: base + SMSS });
    expect(fr.map((o) => [o.repr.seq, o.cause.startsWith('fast retransmit after 3 duplicate ACKs')])).toEqual([[base + SMSS, true]]);
    const ssthresh = s.sock.snapshot().congestion.ssthresh;
    expect(s.sock.snapshot().congestion.cwnd).toBe(ssthresh + 3 * SMSS);
    s.deliver(33 * MS, { ack: base + SMSS });
    expect(s.sock.snapshot().congestion.cwnd).toBe(ssthresh + 4 * SMSS);
    // Partial ACK up to the second hole.
    const out = s.deliver(45 * MS, { ack: base + 3 * SMSS });
    expect(out[0].repr.seq).toBe(base + 3 * SMSS);
    expect(out[0].cause).toMatch(/^retransmission after a partial ACK \(NewReno/);
    s.deliver(55 * MS, { ack: base + 10 * SMSS });
    expect(s.sock.snapshot().congestion.phase).not.toBe('fast recovery');
  });

  it('tail loss: RTO fires, cwnd drops to 1 SMSS, backoff doubles, Karn skips the sample', () => {
    const s = established({ congestion: 'reno' });
    s.sock.send(bytes(2 * SMSS));
    s.poll(20 * MS);
    expect(s.sock.nextTimeout()).toBe(220 * MS);
    let out = s.poll(220 * MS);
    expect(out.map((o) => [o.repr.seq, o.payload.length, o.cause])).toEqual([[ISS + 1, SMSS, 'retransmission timeout (RTO 200 ms, backoff 1)']]);
    let snap = s.sock.snapshot();
    expect(snap.congestion.cwnd).toBe(SMSS);
    expect(snap.congestion.ssthresh).toBe(2 * SMSS);
    expect(snap.congestion.phase).toBe('loss recovery (after RTO)');
    expect(s.sock.takeEvents().filter((e) => e.kind === 'congestion')).toEqual([
      { kind: 'congestion', time: 220 * MS, phase: 'loss recovery (after RTO)', cwnd: SMSS, ssthresh: 2 * SMSS, cause: `retransmission timeout (RTO 200 ms, backoff 1): cwnd ${SMSS}, ssthresh ${2 * SMSS}` },
    ]);
    expect(snap.rtt.rto).toBe(400 * MS);
    expect(s.sock.nextTimeout()).toBe(620 * MS);
    out = s.poll(620 * MS);
    expect(out[0].cause).toBe('retransmission timeout (RTO 400 ms, backoff 2)');
    expect(s.sock.nextTimeout()).toBe(1420 * MS);
    // The ACK of the retransmission is ambiguous: no RTT sample (Karn), backoff cleared.
    out = s.deliver(700 * MS, { ack: ISS + 1 + SMSS });
    snap = s.sock.snapshot();
    expect(snap.rtt.srtt).toBe(10 * MS);
    expect(snap.rtt.backoff).toBe(0);
    expect(snap.rtt.rto).toBe(200 * MS);
    expect(snap.timeouts).toBe(2);
    expect(out.map((o) => o.repr.seq)).toEqual([ISS + 1 + SMSS]); // the rest, go-back-N
  });

  it('gives up after maxRetries timeouts with an error event', () => {
    const s = established({ maxRetries: 3 });
    s.sock.send(bytes(100));
    s.poll(20 * MS);
    for (let i = 0; i < 10 && s.sock.state !== 'CLOSED'; i++) s.poll(s.sock.nextTimeout()!);
    expect(s.sock.state).toBe('CLOSED');
    expect(s.sock.takeEvents().find((e) => e.kind === 'error')).toMatchObject({ cause: 'connection timed out after 3 retransmissions', time: (20 + 200 + 400 + 800 + 1600) * MS });
  });
});

describe('closing', () => {
  it('active close: FIN → FIN-WAIT-1 → FIN-WAIT-2 → TIME-WAIT → CLOSED after 2 × MSL', () => {
    const s = established();
    s.sock.send(bytes(10));
    s.sock.close(20 * MS);
    const out = s.poll(20 * MS);
    expect(out.map((o) => [o.repr.seq, o.repr.flags, o.payload.length])).toEqual([[ISS + 1, ACK | PSH | FIN, 10]]);
    expect(s.sock.state).toBe('FIN-WAIT-1');
    expect(s.sock.send(bytes(1))).toBe(0);
    s.deliver(30 * MS, { ack: ISS + 12 });
    expect(s.sock.state).toBe('FIN-WAIT-2');
    const ack = s.deliver(40 * MS, { ack: ISS + 12, flags: ACK | FIN });
    expect(ack.map((o) => [o.repr.ack, o.cause])).toEqual([[PEER_ISS + 2, "ACK of the peer's FIN"]]);
    expect(s.sock.state).toBe('TIME-WAIT');
    // A retransmitted FIN is acknowledged again and restarts the timer.
    const again = s.deliver(1040 * MS, { ack: ISS + 12, flags: ACK | FIN });
    expect(again.map((o) => o.repr.ack)).toEqual([PEER_ISS + 2]);
    expect(s.sock.nextTimeout()).toBe(61_040 * MS);
    expect(s.poll(61_039 * MS)).toHaveLength(0);
    expect(s.sock.state).toBe('TIME-WAIT');
    s.poll(61_040 * MS);
    expect(s.sock.state).toBe('CLOSED');
    const ev = s.sock.takeEvents();
    expect(states(ev)).toEqual(['ESTABLISHED→FIN-WAIT-1', 'FIN-WAIT-1→FIN-WAIT-2', 'FIN-WAIT-2→TIME-WAIT', 'TIME-WAIT→CLOSED']);
    expect(ev.find((e) => e.kind === 'closed')).toMatchObject({ cause: 'TIME-WAIT expired (2 × MSL = 60.0 s)' });
  });

  it('passive close: FIN → CLOSE-WAIT (peer-closed) → close → LAST-ACK → CLOSED', () => {
    const s = established();
    s.deliver(20 * MS, { seq: PEER_ISS + 1, flags: ACK | FIN | PSH }, bytes(5));
    expect(s.sock.state).toBe('CLOSE-WAIT');
    expect(s.sock.peerClosed).toBe(false); // 5 bytes still to read
    expect(s.sock.recv().length).toBe(5);
    expect(s.sock.peerClosed).toBe(true);
    s.sock.send(bytes(7));
    s.sock.close(25 * MS);
    const out = s.poll(25 * MS);
    expect(out.map((o) => [o.repr.seq, o.repr.ack, o.repr.flags])).toEqual([[ISS + 1, PEER_ISS + 7, ACK | PSH | FIN]]);
    expect(s.sock.state).toBe('LAST-ACK');
    s.deliver(35 * MS, { seq: PEER_ISS + 7, ack: ISS + 9 });
    expect(s.sock.state).toBe('CLOSED');
    const ev = s.sock.takeEvents();
    expect(ev.some((e) => e.kind === 'peer-closed')).toBe(true);
    expect(states(ev)).toEqual(['ESTABLISHED→CLOSE-WAIT', 'CLOSE-WAIT→LAST-ACK', 'LAST-ACK→CLOSED']);
  });

  it('simultaneous close: FINs cross → CLOSING → TIME-WAIT', () => {
    const s = established();
    s.sock.close(20 * MS);
    expect(flagsOf(s.poll(20 * MS))).toEqual([ACK | FIN]);
    // The peer's FIN does not acknowledge ours.
    const out = s.deliver(25 * MS, { ack: ISS + 1, flags: ACK | FIN });
    expect(out.map((o) => o.repr.ack)).toEqual([PEER_ISS + 2]);
    expect(s.sock.state).toBe('CLOSING');
    s.deliver(30 * MS, { seq: PEER_ISS + 2, ack: ISS + 2 });
    expect(s.sock.state).toBe('TIME-WAIT');
  });

  it('a lost FIN is retransmitted by the RTO', () => {
    const s = established();
    s.sock.close(20 * MS);
    s.poll(20 * MS);
    const out = s.poll(220 * MS);
    expect(out.map((o) => [o.repr.seq, o.repr.flags, o.cause])).toEqual([[ISS + 1, ACK | FIN, 'retransmission timeout (RTO 200 ms, backoff 1)']]);
  });
});

describe('resets (RFC 9293 §3.10.7, RFC 5961)', () => {
  it('RST in reply to our SYN: connection refused', () => {
    const sock = new TcpSocket();
    sock.connect(0, CLIENT, SERVER, ISS);
    sock.poll(0);
    const s = new Script(sock);
    // A RST whose ACK does not cover our SYN is ignored.
    s.deliver(5 * MS, { seq: 0, ack: ISS + 7, flags: RST | ACK });
    expect(sock.state).toBe('SYN-SENT');
    s.deliver(6 * MS, { seq: 0, ack: ISS + 1, flags: RST | ACK });
    expect(sock.state).toBe('CLOSED');
    expect(sock.takeEvents().find((e) => e.kind === 'reset')).toMatchObject({ cause: 'connection refused (RST in reply to SYN)' });
  });

  it('RST exactly at RCV.NXT resets; in-window elsewhere gets a challenge ACK; outside is ignored', () => {
    const s = established();
    let out = s.deliver(20 * MS, { seq: PEER_ISS + 100, flags: RST });
    expect(out.map((o) => [o.repr.flags, o.repr.ack, o.cause])).toEqual([[ACK, PEER_ISS + 1, 'challenge ACK (RFC 5961 §3): RST inside the window but not at RCV.NXT']]);
    expect(s.sock.state).toBe('ESTABLISHED');
    out = s.deliver(21 * MS, { seq: PEER_ISS + 1 + 500_000, flags: RST });
    expect(out).toHaveLength(0);
    expect(s.sock.state).toBe('ESTABLISHED');
    s.deliver(22 * MS, { seq: PEER_ISS + 1, flags: RST });
    expect(s.sock.state).toBe('CLOSED');
    expect(s.sock.takeEvents().find((e) => e.kind === 'reset')).toMatchObject({ cause: 'connection reset by peer' });
  });

  it('SYN in ESTABLISHED gets a challenge ACK; an ACK for unsent data is answered and dropped', () => {
    const s = established();
    let out = s.deliver(20 * MS, { seq: PEER_ISS + 1, flags: SYN });
    expect(out.map((o) => o.cause)).toEqual(['challenge ACK (RFC 5961 §4): SYN in a synchronized state']);
    out = s.deliver(21 * MS, { seq: PEER_ISS + 1, ack: ISS + 5000 }, bytes(10));
    expect(out.map((o) => [o.repr.ack, o.cause])).toEqual([[PEER_ISS + 1, 'ACK: peer acknowledged data we never sent (dropped, RFC 5961 §5)']]);
    expect(s.sock.recvQueued).toBe(0);
  });

  it('ACK to a listener → RST with SEQ = SEG.ACK; segment to a closed socket → RST,ACK', () => {
    const listener = new TcpSocket();
    listener.listen(SERVER, PEER_ISS);
    const seg: TcpRepr = { srcPort: 40000, dstPort: 80, seq: 77, ack: 999, flags: ACK, window: 100, urgentPointer: 0 };
    listener.onSegment(0, seg, new Uint8Array(0), FROM_CLIENT);
    expect(listener.poll(0).map((o) => [o.repr.seq, o.repr.flags, o.ip.dst])).toEqual([[999, RST, CLIENT.addr]]);
    expect(listener.state).toBe('LISTEN');

    const closed = new TcpSocket();
    closed.onSegment(0, { ...seg, flags: SYN, ack: 0 }, new Uint8Array(0), FROM_CLIENT);
    expect(closed.poll(0).map((o) => [o.repr.seq, o.repr.ack, o.repr.flags, o.repr.srcPort])).toEqual([[0, 78, RST | ACK, 80]]);
  });

  it('RST in SYN-RECEIVED after a passive open returns to LISTEN', () => {
    const sock = new TcpSocket();
    sock.listen(SERVER, PEER_ISS);
    const syn: TcpRepr = { srcPort: 40000, dstPort: 80, seq: ISS, ack: 0, flags: SYN, window: 64240, urgentPointer: 0, mss: 1460 };
    sock.onSegment(0, syn, new Uint8Array(0), FROM_CLIENT);
    sock.poll(0);
    sock.onSegment(5 * MS, { ...syn, seq: ISS + 1, flags: RST, mss: undefined }, new Uint8Array(0), FROM_CLIENT);
    expect(sock.state).toBe('LISTEN');
    expect(sock.nextTimeout()).toBeUndefined();
    // and can accept again
    sock.onSegment(10 * MS, { ...syn, seq: 9000 }, new Uint8Array(0), FROM_CLIENT);
    expect(sock.poll(10 * MS).map((o) => [o.repr.flags, o.repr.ack])).toEqual([[SYN | ACK, 9001]]);
  });

  it('abort sends RST and closes at once', () => {
    const s = established();
    s.sock.abort(20 * MS);
    expect(s.poll(20 * MS).map((o) => [o.repr.seq, o.repr.flags, o.cause])).toEqual([[ISS + 1, RST | ACK, 'RST: connection aborted by the application']]);
    expect(s.sock.state).toBe('CLOSED');
  });

  it('PAWS drops a segment with an older timestamp', () => {
    const s = established();
    s.peerTsVal = 800;
    s.deliver(20 * MS, { seq: PEER_ISS + 1 }, bytes(10));
    s.peerTsVal = 750;
    const out = s.deliver(21 * MS, { seq: PEER_ISS + 11 }, bytes(10));
    expect(out.map((o) => o.cause)).toEqual(['duplicate ACK: PAWS dropped a segment with an old timestamp (750 < 800)']);
    expect(s.sock.recv().length).toBe(10);
  });
});
