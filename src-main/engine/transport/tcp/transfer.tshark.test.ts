// Two sockets over an in-memory link (10 ms one way, 20 Mbit/s) move 200 KiB with a fixed loss
// pattern: two single data losses (→ fast retransmit), one lost ACK (→ nothing to repair), and the
// lost tail segment with the FIN (→ RTO). The exchange, as seen on the client's interface, is
// written to pcapng (Ethernet / IPv4 / TCP from our emitters) and read by tshark with checksum
// validation: Wireshark must see a clean connection whose retransmissions are exactly ours.
// Fails (does not skip) without tshark.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ipv4 } from '../../../../src-shared/net/addr/ipv4';
import { mac } from '../../../../src-shared/net/addr/mac';
import { TcpFlags } from '../../../../src-shared/net/wire/tcp';
import { framesAtA, framesToPcapng, type CapturedFrame } from './capture';
import { LinkHarness } from './link-harness';
import { TcpSocket } from './socket';

const CLIENT = { addr: ipv4('192.0.2.10'), port: 40000 };
const SERVER = { addr: ipv4('198.51.100.80'), port: 45000 }; // no dissector claims it: the payload stays opaque
const CLIENT_MAC = mac('02:00:5e:00:53:0a');
const SERVER_MAC = mac('02:00:5e:00:53:50');
const SIZE = 200 * 1024;

function payload(): Uint8Array {
  const b = new Uint8Array(SIZE);
  let x = 0x12345678;
  for (let i = 0; i < SIZE; i++) {
    x = (Math.imul(x, 1103515245) + 12345) >>> 0;
    b[i] = x >>> 24;
  }
  return b;
}

interface Run {
  harness: LinkHarness;
  received: Uint8Array;
  /** Client-side capture: what the client sent (lost or not) and what reached it. */
  frames: CapturedFrame[];
}

function run(congestion: 'reno' | 'cubic'): Run {
  const client = new TcpSocket({ congestion, timestampOffset: 1_000_000 });
  const server = new TcpSocket({ congestion, timestampOffset: 2_000_000 });
  server.listen(SERVER, 3_000_000_000);
  client.connect(0, CLIENT, SERVER, 4_000_000_000); // sequence numbers wrap past 2^32 during the transfer
  const data = payload();
  const dataSegments: number[] = [];
  const harness = new LinkHarness(client, server, {
    latency: 10_000,
    bandwidth: 20_000_000,
    drop: (from, index, seg) => {
      if (from === 'b') return index === 30; // one pure ACK from the server
      if (seg.payload.length === 0) return false;
      const n = dataSegments.push(index);
      // data segments 20 and 90 (single losses), and the first transmission of the last one (FIN).
      if (n === 21 || n === 91) return true;
      return (seg.repr.flags & TcpFlags.FIN) !== 0 && !seg.cause.startsWith('retransmission');
    },
  });
  let offset = 0;
  const chunks: Uint8Array[] = [];
  let closed = false;
  harness.run(30_000_000, (h) => {
    if (offset < data.length) offset += client.send(data.subarray(offset));
    else if (!closed && client.state === 'ESTABLISHED') {
      client.close(h.now);
      closed = true;
    }
    const r = server.recv();
    if (r.length) chunks.push(r);
    if (server.state === 'CLOSE-WAIT') server.close(h.now);
  });
  const received = new Uint8Array(chunks.reduce((n, c) => n + c.length, 0));
  let o = 0;
  for (const c of chunks) {
    received.set(c, o);
    o += c.length;
  }
  const frames = framesAtA(harness.log, CLIENT_MAC, SERVER_MAC);
  return { harness, received, frames };
}

function tshark(args: string[]): string {
  return execFileSync('tshark', ['-n', '-o', 'tcp.check_checksum:TRUE', ...args], { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
}

let dir = '';
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'packetlab-tcp-'));
});
afterAll(() => {
  if (dir) rmSync(dir, { recursive: true, force: true });
});

describe.each(['reno', 'cubic'] as const)('200 KiB over a lossy link (%s)', (cc) => {
  it('arrives intact; Wireshark sees exactly our retransmissions, no malformed packets, no bad checksums', () => {
    const { harness, received, frames } = run(cc);
    expect(received.length).toBe(SIZE);
    expect(received).toEqual(payload());
    expect(harness.a.state).toBe('TIME-WAIT');
    expect(harness.b.state).toBe('CLOSED');
    const snap = harness.a.snapshot();
    expect(snap.fastRetransmits).toBe(2);
    expect(snap.timeouts).toBe(1);
    expect(snap.congestion.algorithm).toBe(cc);

    const file = join(dir, `transfer-${cc}.pcapng`);
    writeFileSync(file, framesToPcapng(frames, 'client-eth0'));

    // Expert info: nothing at error or warning level (malformed, bad checksum), no spurious retransmissions.
    const expert = tshark(['-r', file, '-q', '-z', 'expert']);
    expect(expert).not.toMatch(/Errors \(/);
    expect(expert).not.toMatch(/Warns \(/);
    expect(expert).toMatch(/\(suspected\) fast retransmission/);
    expect(expert).not.toMatch(/Malformed|Bad checksum|spurious/i);
    const bad = tshark(['-r', file, '-Y', '_ws.malformed || tcp.checksum.status == 0 || ip.checksum.status == 0 || tcp.analysis.spurious_retransmission || tcp.analysis.lost_segment', '-T', 'fields', '-e', 'frame.number']);
    expect(bad.trim()).toBe('');

    // Retransmissions as Wireshark classifies them, against the causes we gave.
    const rows = tshark(['-r', file, '-T', 'fields', '-E', 'separator=|', '-e', 'frame.number', '-e', 'tcp.analysis.retransmission', '-e', 'tcp.analysis.fast_retransmission', '-e', 'tcp.analysis.duplicate_ack', '-e', 'frame.comment'])
      .trim()
      .split('\n')
      .map((l) => l.split('|'));
    expect(rows).toHaveLength(frames.length);
    const oursRetransmitted = frames.flatMap((f, i) => (f.record.from === 'a' && /^(fast )?retransmi/.test(f.record.segment.cause) ? [i + 1] : []));
    const theirsRetransmitted = rows.filter((r) => r[1] !== '' || r[2] !== '').map((r) => Number(r[0]));
    expect(theirsRetransmitted).toEqual(oursRetransmitted);
    const ourFast = frames.flatMap((f, i) => (f.record.segment.cause.startsWith('fast retransmit') ? [i + 1] : []));
    expect(ourFast).toHaveLength(2);
    expect(rows.filter((r) => r[2] !== '').map((r) => Number(r[0]))).toEqual(ourFast);
    const rto = frames.filter((f) => f.record.segment.cause.startsWith('retransmission timeout'));
    expect(rto).toHaveLength(1);
    expect(rto[0].record.segment.repr.flags & TcpFlags.FIN).toBe(TcpFlags.FIN);
    // The server's duplicate ACKs are what Wireshark calls duplicate ACKs.
    expect(rows.filter((r) => r[3] !== '').length).toBeGreaterThanOrEqual(6);

    // Follow the stream: the client → server bytes Wireshark reassembles are our 200 KiB.
    const follow = tshark(['-r', file, '-q', '-z', 'follow,tcp,raw,0']);
    const hex = follow
      .split('\n')
      .filter((l) => /^[0-9a-f]+$/.test(l))
      .join('');
    expect(hex.length).toBe(SIZE * 2);
    expect(hex).toBe(Buffer.from(payload()).toString('hex'));

    // Handshake options as Wireshark decodes them.
    const syn = tshark(['-r', file, '-Y', 'tcp.flags.syn == 1', '-T', 'fields', '-E', 'separator=|', '-e', 'tcp.options.mss_val', '-e', 'tcp.options.wscale.shift', '-e', 'tcp.options.sack_perm', // the option's bytes: kind 4, length 2
      '-e', 'tcp.options.timestamp.tsval']);
    expect(syn.trim().split('\n')).toEqual(['1460|7|0402|1000000', '1460|7|0402|2000010']);
  });
});

describe('zero window as Wireshark sees it', () => {
  it('a slow reader: ZeroWindow, ZeroWindowProbe / ProbeAck pairs, a window update, no retransmissions', () => {
    const client = new TcpSocket();
    const server = new TcpSocket({ recvBufferSize: 16_384 });
    server.listen(SERVER, 1);
    client.connect(0, CLIENT, SERVER, 2);
    const h = new LinkHarness(client, server, { latency: 2000, bandwidth: 10_000_000 });
    const data = payload().subarray(0, 60_000);
    let off = 0;
    let got = 0;
    let closed = false;
    h.run(60_000_000, (hh) => {
      if (off < data.length) off += client.send(data.subarray(off));
      else if (!closed && client.state === 'ESTABLISHED') {
        client.close(hh.now);
        closed = true;
      }
      // The server application sleeps for 3 s, then reads 4 KiB every 200 ms.
      if (hh.now >= 3_000_000) {
        got += server.recv(4096).length;
        if (server.recvQueued > 0) hh.wakeAt(hh.now + 200_000);
      } else hh.wakeAt(3_000_000);
      if (server.state === 'CLOSE-WAIT' && server.peerClosed) server.close(hh.now);
    });
    expect(got).toBe(data.length);
    const frames = framesAtA(h.log, CLIENT_MAC, SERVER_MAC);
    const file = join(dir, 'zero-window.pcapng');
    writeFileSync(file, framesToPcapng(frames, 'client-eth0'));

    const expert = tshark(['-r', file, '-q', '-z', 'expert']);
    expect(expert).not.toMatch(/Errors \(/);
    const warnings = expert.split('Notes (')[0];
    // The only warnings are the zero window itself and the window filling up.
    for (const line of warnings.split('\n').filter((l) => /^\s+\d+\s+Sequence/.test(l))) {
      expect(line).toMatch(/TCP Zero Window segment|completely full/);
    }
    const rows = tshark(['-r', file, '-T', 'fields', '-E', 'separator=|', '-e', 'frame.number', '-e', 'tcp.analysis.zero_window_probe', '-e', 'tcp.analysis.zero_window_probe_ack', '-e', 'tcp.analysis.retransmission', '-e', 'tcp.analysis.ack_lost_segment', '-e', 'tcp.analysis.lost_segment'])
      .trim()
      .split('\n')
      .map((l) => l.split('|'));
    const ourProbes = frames.flatMap((f, i) => (f.record.segment.cause.startsWith('zero-window probe') ? [i + 1] : []));
    expect(ourProbes.length).toBeGreaterThanOrEqual(3);
    expect(rows.filter((r) => r[1] !== '').map((r) => Number(r[0]))).toEqual(ourProbes);
    expect(rows.filter((r) => r[2] !== '').length).toBe(ourProbes.length);
    expect(rows.filter((r) => r[3] !== '' || r[4] !== '' || r[5] !== '')).toEqual([]);
    const zeroWindows = tshark(['-r', file, '-Y', 'tcp.analysis.zero_window', '-T', 'fields', '-e', 'frame.number']).trim().split('\n');
    expect(zeroWindows.length).toBeGreaterThanOrEqual(ourProbes.length);
  });

  it('simultaneous open and close decode cleanly', () => {
    const a = new TcpSocket();
    const b = new TcpSocket();
    a.connect(0, CLIENT, SERVER, 100);
    b.connect(0, SERVER, CLIENT, 900);
    const h = new LinkHarness(a, b, { latency: 5000 });
    h.run(20_000);
    a.send(payload().subarray(0, 3000));
    b.send(payload().subarray(0, 2000));
    h.run(100_000, () => {
      a.recv();
      b.recv();
    });
    a.close(h.now);
    b.close(h.now);
    h.run(200_000);
    expect([a.state, b.state]).toEqual(['TIME-WAIT', 'TIME-WAIT']);
    const file = join(dir, 'simultaneous.pcapng');
    writeFileSync(file, framesToPcapng(framesAtA(h.log, CLIENT_MAC, SERVER_MAC), 'client-eth0'));
    const bad = tshark(['-r', file, '-Y', '_ws.malformed || _ws.expert.severity >= "warning" || tcp.checksum.status == 0 || tcp.analysis.lost_segment || tcp.analysis.ack_lost_segment', '-T', 'fields', '-e', 'frame.number']);
    expect(bad.trim()).toBe('');
    // Two SYNs, then two SYN-ACKs carrying the same ISS (Wireshark notes those as retransmissions,
    // as it does for any simultaneous open), two FINs.
    const rows = tshark(['-r', file, '-T', 'fields', '-E', 'separator=|', '-e', 'tcp.flags.syn', '-e', 'tcp.flags.ack', '-e', 'tcp.flags.fin']).trim().split('\n');
    expect(rows.slice(0, 4)).toEqual(['1|0|0', '1|0|0', '1|1|0', '1|1|0']);
    expect(rows.filter((r) => r.endsWith('|1')).length).toBe(2);
  });
});
