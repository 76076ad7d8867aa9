// TCP wired into hosts: a client and an echo server across a router, on virtual time. The
// handshake, the data both ways, FIN/TIME-WAIT and retransmissions on a lossy link appear on the
// wire with their causes; connection states are in the state log; tshark reads each capture point
// without errors and follows the stream byte for byte. Fails (does not skip) without tshark.
import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { validateLabDocument, type Lab } from '../../../src-shared/lab';
import { exportPcapng } from '../export/pcapng';
import { Simulation } from '../simulation';
import { describeFrame } from '../testing/frames';
import type { TcpConnection } from './tcp-stack';

let tmp = '';
beforeAll(() => {
  tmp = mkdtempSync(path.join(tmpdir(), 'packetlab-tcp-'));
});
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

function lab(lossPercent = 0): Lab {
  const doc = {
    version: 2,
    seed: 7,
    devices: [
      { name: 'client', type: 'host', position: { x: 0, y: 0 }, interfaces: [{ name: 'eth0', mac: '02:00:00:00:00:0a', ipv4: '192.0.2.10/24' }], tables: { routes: ['default via 192.0.2.1 dev eth0'] } },
      { name: 'r1', type: 'router', position: { x: 1, y: 0 }, interfaces: [{ name: 'eth0', mac: '02:00:00:00:00:01', ipv4: '192.0.2.1/24' }, { name: 'eth1', mac: '02:00:00:00:01:01', ipv4: '198.51.100.1/24' }] },
      { name: 'server', type: 'web-server', position: { x: 2, y: 0 }, interfaces: [{ name: 'eth0', mac: '02:00:00:00:01:50', ipv4: '198.51.100.80/24' }], tables: { routes: ['default via 198.51.100.1 dev eth0'] } },
    ],
    links: [
      { id: 'L1', a: { device: 'client', interface: 'eth0' }, b: { device: 'r1', interface: 'eth0' }, latencyMs: 2 },
      { id: 'L2', a: { device: 'r1', interface: 'eth1' }, b: { device: 'server', interface: 'eth0' }, latencyMs: 5, bandwidthMbps: 10, lossPercent },
    ],
  };
  const r = validateLabDocument(doc);
  if (!r.ok) throw new Error(r.errors.map((e) => e.message).join('; '));
  return r.lab;
}

/** An echo server on port 7 and a client that sends `size` bytes, reads them back and closes. */
function echo(sim: Simulation, size: number) {
  const sent = Uint8Array.from({ length: size }, (_, i) => (i * 7 + 3) & 0xff);
  const got: number[] = [];
  const events: string[] = [];
  sim.tcp('server').listen(7, () => ({
    onData: (conn, data) => conn.send(data.slice()),
    onPeerClosed: (conn) => conn.close(),
  }));
  let conn: TcpConnection | string = '';
  sim.net.scheduler.at(10_000, 'test: connect', () => {
    conn = sim.tcp('client').connect(0xc6336450, 7, {
      onConnected: (c) => {
        events.push(`connected ${c.local} → ${c.remote}`);
        c.send(sent);
      },
      onData: (c, data) => {
        for (const b of data) got.push(b);
        if (got.length === size) c.close();
      },
      onPeerClosed: () => events.push('peer closed'),
      onClosed: (_c, cause, how) => events.push(`${how}: ${cause}`),
    });
  });
  return { sent, got, events, conn: () => conn };
}

function tshark(args: string[]): string {
  return execFileSync('tshark', args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], maxBuffer: 64 << 20 });
}

describe('TCP on hosts', () => {
  it('handshake with options, data both ways, FIN and TIME-WAIT, with causes on the frames', () => {
    const sim = new Simulation(lab());
    const t = echo(sim, 20_000);
    sim.run({ until: 200_000_000 });
    expect(Uint8Array.from(t.got)).toEqual(t.sent);
    expect(t.events[0]).toMatch(/^connected 192\.0\.2\.10:\d+ → 198\.51\.100\.80:7$/);
    expect(t.events).toContain('peer closed');
    expect(t.events.at(-1)).toMatch(/^closed: /);
    const atClient = [...sim.net.capture.frames()].filter((f) => f.fromInterface.device === 'client' && describeFrame(f.bytes).includes('TCP'));
    expect(describeFrame(atClient[0].bytes)).toMatch(/^192\.0\.2\.10 > 198\.51\.100\.80 ttl 64 TCP \d+ > 7 \[SYN\]$/);
    expect(atClient[0].cause).toBe('client: SYN: active open');
    expect(describeFrame(atClient[1].bytes)).toMatch(/TCP \d+ > 7 \[ACK\]$/);
    const atServer = [...sim.net.capture.frames()].filter((f) => f.fromInterface.device === 'server');
    expect(atServer.some((f) => /\[SYN, ACK\]/.test(describeFrame(f.bytes)) && f.cause === 'server: SYN-ACK: accepting the connection')).toBe(true);
    expect(atServer.some((f) => /\[FIN, ACK\]/.test(describeFrame(f.bytes)))).toBe(true);
    // ss at the frame of the client's first data segment: ESTABLISHED on both ends.
    const dataFrame = sim.net.capture.frame(atClient[2].no);
    const ss = sim.stateAt('client', dataFrame.no).tcp ?? [];
    expect(ss.map((r) => r.state)).toEqual(['ESTABLISHED']);
    // The client closed first: it waits in TIME-WAIT for 2 MSL, then the connection is gone.
    expect(sim.ipDevice('client').net.state.changes('client').filter((c) => c.table === 'tcp').map((c) => (c.row ? (c.row as { state: string }).state : 'gone'))).toEqual(['SYN-SENT', 'ESTABLISHED', 'FIN-WAIT-1', 'FIN-WAIT-2', 'TIME-WAIT', 'gone']);
    expect(sim.tcp('client').set.sockets).toHaveLength(0);
  });

  it('a connection to a closed port is reset, and the client says so', () => {
    const sim = new Simulation(lab());
    const events: string[] = [];
    sim.net.scheduler.at(0, 'test', () => {
      sim.tcp('client').connect(0xc6336450, 81, { onClosed: (_c, cause, how) => events.push(`${how}: ${cause}`) });
    });
    sim.run({ until: 5_000_000 });
    expect(events).toHaveLength(1);
    expect(events[0]).toMatch(/^reset: /);
    const rst = [...sim.net.capture.frames()].find((f) => f.fromInterface.device === 'server' && /\[RST, ACK\]/.test(describeFrame(f.bytes)));
    expect(rst?.cause).toBe('server: TCP port 81 is closed (reset)');
  });

  it('5% loss: retransmissions on the wire, the stream still arrives whole, same seed same bytes', () => {
    const run = () => {
      const sim = new Simulation(lab(5));
      const t = echo(sim, 300_000);
      const r = sim.run({ until: 600_000_000 });
      return { sim, t, r, pcap: exportPcapng(sim.net.capture, { points: ['client-eth0'] }) };
    };
    const a = run();
    expect(a.t.got.length).toBe(a.t.sent.length);
    expect(Uint8Array.from(a.t.got)).toEqual(a.t.sent);
    expect([...a.sim.net.capture.frames()].some((f) => f.lost)).toBe(true);
    expect([...a.sim.net.capture.frames()].some((f) => /retransmi/.test(f.cause))).toBe(true);
    const b = run();
    expect(Buffer.from(b.pcap).equals(Buffer.from(a.pcap))).toBe(true);
  });

  it('tshark: each capture point has no malformed frames and no bad checksums; the stream on the wire is the one sent', () => {
    const sim = new Simulation(lab());
    const t = echo(sim, 50_000);
    sim.run({ until: 200_000_000 });
    const prefs = ['-o', 'ip.check_checksum:TRUE', '-o', 'tcp.check_checksum:TRUE'];
    for (const point of ['client-eth0', 'r1-eth1', 'server-eth0', 'r1-eth0']) {
      const file = path.join(tmp, `${point}.pcapng`);
      writeFileSync(file, exportPcapng(sim.net.capture, { points: [point] }));
      const bad = tshark(['-r', file, ...prefs, '-Y', '_ws.malformed || ip.checksum.status == "Bad" || tcp.checksum.status == "Bad" || _ws.expert.severity >= "Warning"']).trim();
      expect(bad, point).toBe('');
    }
    // The payload bytes as tshark reads them on the server's link (both ends of L2), per direction.
    const link = path.join(tmp, 'L2.pcapng');
    writeFileSync(link, exportPcapng(sim.net.capture, { points: ['r1-eth1', 'server-eth0'] }));
    const rows = tshark(['-r', link, '-Y', 'tcp.len > 0', '-T', 'fields', '-e', 'ip.src', '-e', 'tcp.payload']).trim().split('\n');
    const join = (src: string) => rows.filter((r) => r.startsWith(src + '\t')).map((r) => r.split('\t')[1].replace(/:/g, '')).join('');
    const expected = Buffer.from(t.sent).toString('hex');
    const fromClient = join('192.0.2.10');
    const fromServer = join('198.51.100.80');
    expect(fromClient.length).toBe(expected.length);
    expect(fromClient === expected).toBe(true);
    expect(fromServer === expected).toBe(true);
  });
});
