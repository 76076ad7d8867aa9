// fast-check properties: arbitrary segment sequences never throw and never leave a socket in an
// impossible state; two sockets over a lossy link always deliver the exact byte stream.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { emitTcp, TcpFlags, type TcpRepr } from '../../../../src-shared/net/wire/tcp';
import { LinkHarness } from './link-harness';
import { seqLe } from './seq';
import { TcpSocket } from './socket';
import type { TcpOutSegment, TcpState } from './types';

const LOCAL = { addr: 0xc000020a, port: 40000 };
const REMOTE = { addr: 0xc6336450, port: 80 };
const FROM_REMOTE = { src: REMOTE.addr, dst: LOCAL.addr };
const ISS = 0xfffff000; // wraps soon
const PEER_ISS = 0x7ffffff0;
const STATES: TcpState[] = ['CLOSED', 'LISTEN', 'SYN-SENT', 'SYN-RECEIVED', 'ESTABLISHED', 'FIN-WAIT-1', 'FIN-WAIT-2', 'CLOSE-WAIT', 'CLOSING', 'LAST-ACK', 'TIME-WAIT'];

type Action =
  | { kind: 'segment'; dt: number; seqOff: number; ackOff: number; flags: number; window: number; len: number; mss?: number; ws?: number; sack?: boolean; ts?: number; blocks?: [number, number][] }
  | { kind: 'send'; dt: number; len: number }
  | { kind: 'recv'; dt: number; max: number }
  | { kind: 'close'; dt: number }
  | { kind: 'abort'; dt: number }
  | { kind: 'timer' };

const near = fc.oneof(fc.integer({ min: -3000, max: 70_000 }), fc.integer({ min: -0x80000000, max: 0x7fffffff }));
const action: fc.Arbitrary<Action> = fc.oneof(
  { weight: 6, arbitrary: fc.record({
    kind: fc.constant('segment' as const),
    dt: fc.integer({ min: 0, max: 300_000 }),
    seqOff: near,
    ackOff: near,
    flags: fc.oneof(fc.constant(TcpFlags.ACK), fc.constant(TcpFlags.ACK | TcpFlags.FIN), fc.constant(TcpFlags.SYN | TcpFlags.ACK), fc.integer({ min: 0, max: 0x1ff })),
    window: fc.oneof(fc.constant(0), fc.integer({ min: 0, max: 65535 })),
    len: fc.oneof(fc.constant(0), fc.integer({ min: 0, max: 3000 })),
    mss: fc.option(fc.integer({ min: 0, max: 65535 }), { nil: undefined }),
    ws: fc.option(fc.integer({ min: 0, max: 255 }), { nil: undefined }),
    sack: fc.option(fc.boolean(), { nil: undefined }),
    ts: fc.option(fc.nat(), { nil: undefined }),
    blocks: fc.option(fc.array(fc.tuple(near, near), { maxLength: 3 }), { nil: undefined }),
  }) },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('send' as const), dt: fc.integer({ min: 0, max: 50_000 }), len: fc.integer({ min: 0, max: 20_000 }) }) },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('recv' as const), dt: fc.integer({ min: 0, max: 50_000 }), max: fc.integer({ min: 1, max: 100_000 }) }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('close' as const), dt: fc.integer({ min: 0, max: 50_000 }) }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('abort' as const), dt: fc.integer({ min: 0, max: 50_000 }) }) },
  { weight: 2, arbitrary: fc.constant({ kind: 'timer' as const }) },
);

function checkInvariants(sock: TcpSocket, now: number, out: TcpOutSegment[]): void {
  const s = sock.snapshot();
  expect(STATES).toContain(s.state);
  if (s.state !== 'CLOSED' && s.state !== 'LISTEN' && s.state !== 'SYN-SENT') {
    expect(seqLe(s.snd.una, s.snd.nxt)).toBe(true);
    expect(seqLe(s.snd.nxt, s.snd.max)).toBe(true);
  }
  expect(s.snd.wnd).toBeGreaterThanOrEqual(0);
  expect(s.rcv.wnd).toBeGreaterThanOrEqual(0);
  expect(s.rcv.queued + s.rcv.outOfOrder).toBeLessThanOrEqual(sock.config.recvBufferSize);
  expect(s.snd.queued).toBeLessThanOrEqual(sock.config.sendBufferSize);
  expect(s.inFlight).toBeGreaterThanOrEqual(0);
  expect(s.congestion.cwnd).toBeGreaterThanOrEqual(s.snd.mss);
  expect(s.congestion.ssthresh).toBeGreaterThanOrEqual(2 * s.snd.mss);
  expect(Number.isFinite(s.congestion.cwnd)).toBe(true);
  expect(s.rtt.rto).toBeGreaterThanOrEqual(sock.config.rtoMin);
  expect(s.rtt.rto).toBeLessThanOrEqual(sock.config.rtoMax);
  if (s.state === 'CLOSED') expect(s.timers).toEqual({ retransmit: undefined, persist: undefined, delayedAck: undefined, timeWait: undefined });
  if (s.state === 'TIME-WAIT') expect(s.timers.timeWait).toBeGreaterThan(now);
  const next = sock.nextTimeout();
  if (next !== undefined) expect(next).toBeGreaterThanOrEqual(now);
  for (const seg of out) {
    expect(seg.payload.length).toBeLessThanOrEqual(Math.max(s.snd.mss, 536));
    expect(seg.repr.window).toBeLessThanOrEqual(65535);
    if (!(seg.repr.flags & (TcpFlags.SYN | TcpFlags.RST))) expect(seg.repr.flags & TcpFlags.ACK).toBe(TcpFlags.ACK);
    // Must encode: options fit in 40 bytes, fields in range.
    emitTcp(seg.repr, seg.payload, seg.ip);
  }
}

describe('TcpSocket properties', () => {
  it('random segments and application calls never throw nor break the invariants', () => {
    fc.assert(
      fc.property(fc.constantFrom('connect', 'listen', 'established'), fc.constantFrom('reno', 'cubic'), fc.boolean(), fc.array(action, { maxLength: 40 }), (start, cc, small, actions) => {
        const sock = new TcpSocket({ congestion: cc, recvBufferSize: small ? 3000 : 131072, sendBufferSize: small ? 5000 : 262144 });
        let now = 0;
        let peerNext = PEER_ISS;
        if (start === 'listen') sock.listen(LOCAL, ISS);
        else {
          sock.connect(0, LOCAL, REMOTE, ISS);
          sock.poll(0);
          if (start === 'established') {
            now = 5000;
            sock.onSegment(now, { srcPort: 80, dstPort: 40000, seq: PEER_ISS, ack: (ISS + 1) >>> 0, flags: TcpFlags.SYN | TcpFlags.ACK, window: 65535, urgentPointer: 0, mss: 1460, windowScale: 7, sackPermitted: true, timestamp: { value: 1, echo: 0 } }, new Uint8Array(0), FROM_REMOTE);
            sock.poll(now);
            peerNext = (PEER_ISS + 1) >>> 0;
          }
        }
        for (const a of actions) {
          if (a.kind === 'timer') now = Math.max(now, sock.nextTimeout() ?? now);
          else now += a.dt;
          switch (a.kind) {
            case 'segment': {
              const repr: TcpRepr = {
                srcPort: REMOTE.port,
                dstPort: LOCAL.port,
                seq: (peerNext + a.seqOff) >>> 0,
                ack: (ISS + 1 + a.ackOff) >>> 0,
                flags: a.flags,
                window: a.window,
                urgentPointer: 0,
                mss: a.mss,
                windowScale: a.ws,
                sackPermitted: a.sack,
                timestamp: a.ts === undefined ? undefined : { value: a.ts, echo: 0 },
                sackBlocks: a.blocks?.map(([l, r]) => [(ISS + l) >>> 0, (ISS + r) >>> 0]),
              };
              sock.onSegment(now, repr, new Uint8Array(a.len), FROM_REMOTE);
              break;
            }
            case 'send':
              sock.send(new Uint8Array(a.len));
              break;
            case 'recv':
              sock.recv(a.max);
              break;
            case 'close':
              sock.close(now);
              break;
            case 'abort':
              sock.abort(now);
              break;
            case 'timer':
              break;
          }
          const out = sock.poll(now);
          checkInvariants(sock, now, out);
          sock.takeEvents();
        }
      }),
      { numRuns: 400 },
    );
  });

  it('two sockets over a lossy, slow-reading link deliver exactly the bytes sent, then close', () => {
    fc.assert(
      fc.property(
        fc.record({
          size: fc.integer({ min: 0, max: 60_000 }),
          latency: fc.integer({ min: 100, max: 50_000 }),
          bandwidth: fc.constantFrom(0, 1_000_000, 100_000_000),
          dropA: fc.uniqueArray(fc.nat(120), { maxLength: 8 }),
          dropB: fc.uniqueArray(fc.nat(120), { maxLength: 8 }),
          recvBuffer: fc.constantFrom(2048, 8192, 131072),
          readMax: fc.integer({ min: 200, max: 70_000 }),
          cc: fc.constantFrom('reno' as const, 'cubic' as const),
          sack: fc.boolean(),
          timestamps: fc.boolean(),
          windowScale: fc.constantFrom(7, 0, null),
        }),
        (p) => {
          const cfg = { congestion: p.cc, sack: p.sack, timestamps: p.timestamps, windowScale: p.windowScale };
          const a = new TcpSocket(cfg);
          const b = new TcpSocket({ ...cfg, recvBufferSize: p.recvBuffer });
          b.listen(REMOTE, 77);
          a.connect(0, LOCAL, REMOTE, ISS);
          const dropA = new Set(p.dropA);
          const dropB = new Set(p.dropB);
          const h = new LinkHarness(a, b, { latency: p.latency, bandwidth: p.bandwidth, drop: (from, i) => (from === 'a' ? dropA : dropB).has(i) });
          const data = new Uint8Array(p.size);
          for (let i = 0; i < data.length; i++) data[i] = (i * 7 + (i >> 8)) & 0xff;
          let off = 0;
          let closed = false;
          let established = false;
          const got = new Uint8Array(p.size + 1);
          let gotLength = 0;
          h.run(900_000_000, () => {
            if (a.state === 'ESTABLISHED') established = true;
            if (off < data.length) off += a.send(data.subarray(off));
            else if (!closed && a.state === 'ESTABLISHED') {
              a.close(h.now);
              closed = true;
            }
            const chunk = b.recv(p.readMax);
            got.set(chunk.subarray(0, got.length - gotLength), gotLength);
            gotLength += chunk.length;
            if (b.recvQueued > 0) h.wakeAt(h.now + 5000); // a slow reader comes back in 5 ms
            if (b.state === 'CLOSE-WAIT' && b.peerClosed) b.close(h.now);
          });
          if (!established) {
            // Only losing a SYN or SYN-ACK and all 5–6 of its retransmissions stops the handshake;
            // then both ends give up cleanly: the client closed, the listener listening again.
            expect(Math.max(p.dropA.length, p.dropB.length)).toBeGreaterThanOrEqual(6);
            expect(gotLength).toBe(0);
            expect(a.state).toBe('CLOSED');
            expect(b.state).toBe('LISTEN');
            return;
          }
          expect(gotLength).toBe(data.length);
          let mismatch = -1;
          for (let i = 0; i < data.length && mismatch < 0; i++) if (got[i] !== data[i]) mismatch = i;
          expect(mismatch).toBe(-1);
          expect(b.state).toBe('CLOSED');
          expect(a.state).toBe('CLOSED'); // TIME-WAIT has expired by then
        },
      ),
      {
        numRuns: 400,
        // Found by fast-check: the first 6 SYN-ACKs lost. The handshake fails; the listener must not
        // die with its half-open connection (it did), as Linux keeps listening.
        examples: [[{ size: 1, latency: 100, bandwidth: 0, dropA: [], dropB: [1, 5, 3, 4, 0, 2], recvBuffer: 2048, readMax: 200, cc: 'reno', sack: false, timestamps: false, windowScale: 7 }]],
      },
    );
  });
});
