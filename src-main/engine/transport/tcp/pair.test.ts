// Two real sockets against each other through the link harness: simultaneous open and close,
// a slow reader that closes the window (persist probes), and determinism.
import { describe, expect, it } from 'vitest';
import { LinkHarness } from './link-harness';
import { TcpSocket } from './socket';
import type { TcpEvent } from './types';

const A = { addr: 0x0a000001, port: 5000 };
const B = { addr: 0x0a000002, port: 6000 };

function states(events: TcpEvent[]): string[] {
  return events.flatMap((e) => (e.kind === 'state' ? [e.to] : []));
}

describe('two sockets', () => {
  it('simultaneous open and simultaneous close end in TIME-WAIT on both sides', () => {
    const a = new TcpSocket();
    const b = new TcpSocket();
    a.connect(0, A, B, 100);
    b.connect(0, B, A, 900);
    const h = new LinkHarness(a, b, { latency: 5000 });
    h.run(20_000);
    expect([a.state, b.state]).toEqual(['ESTABLISHED', 'ESTABLISHED']);
    // The SYN-ACK's window is not scaled even though scaling is agreed.
    expect(a.snapshot().snd.wnd).toBe(65535);
    a.close(h.now);
    b.close(h.now);
    h.run(40_000);
    expect([a.state, b.state]).toEqual(['TIME-WAIT', 'TIME-WAIT']);
    expect(states(a.takeEvents())).toEqual(['SYN-SENT', 'SYN-RECEIVED', 'ESTABLISHED', 'FIN-WAIT-1', 'CLOSING', 'TIME-WAIT']);
    // Both SYNs, both SYN-ACKs, both FINs, both ACKs of the FINs: nothing else.
    expect(h.log.map((r) => r.segment.cause)).toEqual([
      'SYN: active open',
      'SYN: active open',
      'SYN-ACK: simultaneous open (same ISS as our SYN)',
      'SYN-ACK: simultaneous open (same ISS as our SYN)',
      'FIN: application closed',
      'FIN: application closed',
      "ACK of the peer's FIN",
      "ACK of the peer's FIN",
    ]);
    h.run(61_000_000);
    expect([a.state, b.state]).toEqual(['CLOSED', 'CLOSED']);
  });

  it('a slow reader closes the window: the sender probes, then resumes when the reader catches up', () => {
    const a = new TcpSocket();
    const b = new TcpSocket({ recvBufferSize: 16_384 });
    b.listen(B, 1);
    a.connect(0, A, B, 2);
    const h = new LinkHarness(a, b, { latency: 2000 });
    const data = new Uint8Array(100_000).map((_, i) => i % 251);
    let off = 0;
    let got = 0;
    let mismatch = -1;
    h.run(60_000_000, (hh) => {
      if (off < data.length) off += a.send(data.subarray(off));
      // The application reads nothing for the first 3 s, then 4 KiB every 200 ms.
      if (hh.now >= 3_000_000) {
        const chunk = b.recv(4096);
        for (let i = 0; i < chunk.length; i++) if (chunk[i] !== data[got + i] && mismatch < 0) mismatch = got + i;
        got += chunk.length;
        if (b.recvQueued > 0 || got < data.length) hh.wakeAt(hh.now + 200_000);
      } else hh.wakeAt(3_000_000);
    });
    expect(got).toBe(data.length);
    expect(mismatch).toBe(-1);
    const probes = h.log.filter((r) => r.segment.cause.startsWith('zero-window probe'));
    expect(probes.length).toBeGreaterThanOrEqual(3);
    // Persist intervals back off exponentially while the window stays closed.
    const gaps = probes.slice(0, 3).map((p, i, all) => (i ? p.time - all[i - 1].time : 0)).slice(1);
    expect(gaps[1]).toBeGreaterThan(gaps[0]);
    expect(h.log.some((r) => r.from === 'b' && r.segment.repr.window === 0)).toBe(true);
    expect(h.log.some((r) => r.from === 'b' && r.segment.cause.startsWith('window update'))).toBe(true);
    expect(a.snapshot().timeouts).toBe(0); // zero window is not loss
  });

  it('is deterministic: the same run gives the same segments', () => {
    const once = () => {
      const a = new TcpSocket({ congestion: 'cubic' });
      const b = new TcpSocket();
      b.listen(B, 7);
      a.connect(0, A, B, 8);
      const h = new LinkHarness(a, b, { latency: 7000, bandwidth: 5_000_000, drop: (from, i) => from === 'a' && i % 17 === 5 });
      let off = 0;
      const data = new Uint8Array(50_000);
      h.run(30_000_000, () => {
        if (off < data.length) off += a.send(data.subarray(off));
        b.recv();
      });
      return h.log.map((r) => `${r.time} ${r.from} ${r.segment.repr.seq} ${r.segment.repr.ack} ${r.segment.payload.length} ${r.segment.cause}`);
    };
    const first = once();
    expect(first.length).toBeGreaterThan(40);
    expect(once()).toEqual(first);
  });
});
