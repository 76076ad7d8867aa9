import { describe, expect, it } from 'vitest';
import { TcpFlags } from '../../../../src-shared/net/wire/tcp';
import { TcpSocketSet, type TcpSetOutput } from './socket-set';

const CLIENT = 0x0a000001;
const SERVER = 0x0a000002;

/** Two hosts' socket sets joined back to back with 1 ms latency. */
function run(client: TcpSocketSet, server: TcpSocketSet, until: number, step?: (now: number) => void): { now: number; wire: TcpSetOutput[] } {
  const wire: TcpSetOutput[] = [];
  const queue: { at: number; to: TcpSocketSet; out: TcpSetOutput }[] = [];
  let now = 0;
  for (let guard = 0; guard < 100_000; guard++) {
    step?.(now);
    for (const [from, to] of [[client, server], [server, client]] as const) {
      for (const o of from.poll(now)) {
        wire.push(o);
        queue.push({ at: now + 1000, to, out: o });
      }
    }
    const times = [client.nextTimeout(), server.nextTimeout(), ...queue.map((q) => q.at)].filter((t): t is number => t !== undefined);
    if (times.length === 0) break;
    const next = Math.max(now, Math.min(...times));
    if (next > until) break;
    now = next;
    for (const q of queue.filter((x) => x.at <= now)) {
      const handled = q.to.onSegment(now, q.out.segment.repr, q.out.segment.payload, q.out.segment.ip);
      expect(handled).toBe(true);
    }
    queue.splice(0, queue.length, ...queue.filter((x) => x.at > now));
  }
  return { now, wire };
}

describe('TcpSocketSet', () => {
  it('one listener accepts two connections; closed connections leave the set', () => {
    let issCounter = 1000;
    const iss = () => (issCounter += 100_000);
    const server = new TcpSocketSet({ iss });
    const client = new TcpSocketSet({ iss });
    const accepted: number[] = [];
    server.listen(0, { addr: SERVER, port: 80 }, (s) => accepted.push(s.remote!.port));
    const c1 = client.connect(0, { addr: CLIENT, port: 50001 }, { addr: SERVER, port: 80 });
    const c2 = client.connect(0, { addr: CLIENT, port: 50002 }, { addr: SERVER, port: 80 });
    expect(client.portInUse(50001)).toBe(true);
    expect(server.portInUse(80)).toBe(true);
    let sent = false;
    const got = new Map<number, number>();
    run(client, server, 5_000_000, (now) => {
      if (!sent && c1.state === 'ESTABLISHED' && c2.state === 'ESTABLISHED') {
        c1.send(new Uint8Array(5000));
        c2.send(new Uint8Array(7000));
        c1.close(now);
        c2.close(now);
        sent = true;
      }
      for (const s of server.sockets) {
        const n = s.recv().length;
        if (n) got.set(s.remote!.port, (got.get(s.remote!.port) ?? 0) + n);
        if (s.state === 'CLOSE-WAIT' && s.peerClosed) s.close(now);
      }
    });
    expect(accepted).toEqual([50001, 50002]);
    expect(Object.fromEntries(got)).toEqual({ 50001: 5000, 50002: 7000 });
    // Server sides are CLOSED (gone); client sides wait in TIME-WAIT.
    expect(server.sockets).toHaveLength(0);
    expect(client.sockets.map((s) => s.state)).toEqual(['TIME-WAIT', 'TIME-WAIT']);
    const events = client.takeEvents().filter((e) => e.event.kind === 'connected');
    expect(events.map((e) => e.socket.local!.port)).toEqual([50001, 50002]);
  });

  it('a connection reset in SYN-RECEIVED leaves the set; the listener still accepts', () => {
    const server = new TcpSocketSet({ iss: () => 7 });
    server.listen(0, { addr: SERVER, port: 80 });
    const ip = { src: CLIENT, dst: SERVER };
    const syn = { srcPort: 1234, dstPort: 80, seq: 100, ack: 0, flags: TcpFlags.SYN, window: 1000, urgentPointer: 0, mss: 1460 };
    server.onSegment(0, syn, new Uint8Array(0), ip);
    expect(server.poll(0).map((o) => o.segment.repr.flags)).toEqual([TcpFlags.SYN | TcpFlags.ACK]);
    server.onSegment(1000, { ...syn, seq: 101, flags: TcpFlags.RST }, new Uint8Array(0), ip);
    server.poll(1000);
    expect(server.sockets).toHaveLength(0);
    server.onSegment(2000, { ...syn, srcPort: 1235 }, new Uint8Array(0), ip);
    expect(server.poll(2000).map((o) => [o.segment.repr.flags, o.segment.repr.dstPort])).toEqual([[TcpFlags.SYN | TcpFlags.ACK, 1235]]);
  });

  it('no socket for a segment: returns false (the host resets); an ACK to a listener gets a RST', () => {
    const server = new TcpSocketSet({ iss: () => 1 });
    server.listen(0, { addr: SERVER, port: 80 });
    const seg = { srcPort: 1234, dstPort: 81, seq: 1, ack: 2, flags: TcpFlags.ACK, window: 100, urgentPointer: 0 };
    expect(server.onSegment(0, seg, new Uint8Array(0), { src: CLIENT, dst: SERVER })).toBe(false);
    expect(server.onSegment(0, { ...seg, dstPort: 80 }, new Uint8Array(0), { src: CLIENT, dst: SERVER })).toBe(true);
    expect(server.nextTimeout()).toBe(0);
    const out = server.poll(0);
    expect(out.map((o) => [o.segment.repr.flags, o.segment.repr.seq, o.segment.cause])).toEqual([[TcpFlags.RST, 2, 'RST: ACK sent to a listening socket']]);
  });
});
