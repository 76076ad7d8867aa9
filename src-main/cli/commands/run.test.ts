import { describe, it, expect } from 'vitest';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { runCli } from '../main';
import { readCapture } from '../../../src-shared/capture';

const root = fileURLToPath(new URL('../../..', import.meta.url));

async function cli(args: string[], cwd = root): Promise<{ code: number; out: string; err: string }> {
  let out = '';
  let err = '';
  const code = await runCli(args, { out: (t) => (out += t), err: (t) => (err += t), cwd });
  return { code, out, err };
}

describe('packetlab run', () => {
  it('runs the first scenario, prints the packet list like dissect and the tool output', async () => {
    const r = await cli(['run', 'topologies/two-lans.lab.json']);
    expect(r.code).toBe(0);
    const lines = r.out.split('\n');
    expect(lines[0]).toBe('    1   0.000000 02:00:00:00:01:0a → Broadcast    ARP 42 Who has 192.0.2.1? Tell 192.0.2.10');
    expect(lines.some((l) => /ICMP 98 Echo \(ping\) request {2}id=0x[0-9a-f]{4}, seq=1\/256, ttl=64/.test(l))).toBe(true);
    expect(r.out).toContain('[pc1] 3 packets transmitted, 3 received, 0% packet loss, time 2005ms\n');
    expect(r.err).toBe('33 frames, 36 events, ended at t=2.004856 s (idle)\n');
  });

  it('writes a pcapng with one interface per capture point, byte-identical for the same seed', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'packetlab-run-'));
    const a = path.join(dir, 'a.pcapng');
    const b = path.join(dir, 'b.pcapng');
    expect((await cli(['run', path.join(root, 'topologies/three-routers-link-state.lab.json'), '--scenario', 'traceroute', '--pcap', a, '--quiet'], dir)).code).toBe(0);
    expect((await cli(['run', path.join(root, 'topologies/three-routers-link-state.lab.json'), '--scenario', 'traceroute', '--pcap', b, '--quiet'], dir)).code).toBe(0);
    const bytesA = readFileSync(a);
    expect(bytesA.equals(readFileSync(b))).toBe(true);
    const cap = readCapture(new Uint8Array(bytesA));
    expect(cap.interfaces.map((i) => i.name)).toEqual(['h1-eth0', 'r1-eth0', 'r1-eth1', 'r2-eth0', 'r2-eth1', 'r3-eth1', 'r1-eth2', 'r3-eth2', 'r3-eth0', 'h3-eth0']);
  });

  it('stops at --until, and a different --seed changes the capture', async () => {
    const r = await cli(['run', 'topologies/two-lans.lab.json', '--until', '1.5', '--quiet']);
    expect(r.err).toBe('25 frames, 27 events, ended at t=1.500000 s (until)\n');
    const out = await cli(['run', 'topologies/two-lans.lab.json', '--scenario', 'traceroute', '--seed', '99']);
    expect(out.code).toBe(0);
    expect(out.out).not.toContain('52462 → 33434'); // the source port drawn with seed 1
  });

  it('prints the event log with --log', async () => {
    const r = await cli(['run', 'topologies/three-routers-link-state.lab.json', '--scenario', 'failover', '--log', '--quiet']);
    expect(r.code).toBe(0);
    expect(r.err).toContain('0.000000 info  engine: link-state domain core: SPF computed for 3 routers\n');
    expect(r.err).toContain('0.000000 info  r1-r2: link down\n');
  });

  it('reports a storm with exit code 1 after printing what happened', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'packetlab-run-'));
    const lab = {
      version: 2,
      devices: [
        { name: 'pc1', type: 'host', position: { x: 0, y: 0 }, interfaces: [{ name: 'eth0', ipv4: '192.0.2.10/24' }] },
        { name: 'sw1', type: 'switch', position: { x: 0, y: 0 }, interfaces: [{ name: 'p1' }, { name: 'p2' }, { name: 'p3' }] },
        { name: 'sw2', type: 'switch', position: { x: 0, y: 0 }, interfaces: [{ name: 'p1' }, { name: 'p2' }] },
      ],
      links: [
        { a: { device: 'pc1', interface: 'eth0' }, b: { device: 'sw1', interface: 'p1' } },
        { a: { device: 'sw1', interface: 'p2' }, b: { device: 'sw2', interface: 'p1' } },
        { a: { device: 'sw1', interface: 'p3' }, b: { device: 'sw2', interface: 'p2' } },
      ],
      scenarios: [{ name: 'ping', actions: [{ type: 'ping', atMs: 0, from: 'pc1', to: '192.0.2.20', count: 1 }] }],
    };
    writeFileSync(path.join(dir, 'loop.json'), JSON.stringify(lab));
    const r = await cli(['run', 'loop.json', '--quiet'], dir);
    expect(r.code).toBe(1);
    expect(r.err).toMatch(/packetlab run: broadcast storm: switch sw[12] flooded the same frame/);
  });

  it('rejects an invalid lab with located errors and an unknown scenario by name', async () => {
    const r = await cli(['run', 'topologies/two-lans.lab.json', '--scenario', 'nope']);
    expect(r.code).toBe(1);
    expect(r.err).toBe('packetlab run: no scenario "nope" (the lab has: ping, traceroute, udp-echo, unreachable)\n');
    const bad = await cli(['run', 'topologies/two-lans.lab.json', '--until', 'soon']);
    expect(bad.code).toBe(2);
  });
});
