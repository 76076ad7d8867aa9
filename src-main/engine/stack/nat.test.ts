// NAT (masquerade) on a router's outside interface: pings, UDP, traceroute through it, the
// connection table, and unsolicited traffic from outside.
import { describe, it, expect } from 'vitest';
import { ipv4 } from '../../../src-shared/net/addr';
import { parseIpv4 } from '../../../src-shared/net/wire/ipv4';
import type { LabDevice } from '../../../src-shared/lab';
import { Simulation } from '../simulation';
import { startPing } from '../apps/ping';
import { startTraceroute } from '../apps/traceroute';
import { startUdpEchoClient } from '../apps/udp-echo';
import { host, link, makeLab, outputOf } from '../testing/harness';
import { formatNatRows } from '../state/format';

const gw: LabDevice = {
  name: 'gw',
  type: 'router',
  position: { x: 0, y: 0 },
  interfaces: [
    { name: 'lan', mac: '02:00:00:00:01:00', ipv4: '10.0.0.1/24' },
    { name: 'wan', mac: '02:00:00:00:01:01', ipv4: '203.0.113.2/24' },
  ],
  tables: { routes: ['default via 203.0.113.1 dev wan'] },
  nat: { outside: 'wan' },
};
const isp: LabDevice = {
  name: 'isp',
  type: 'router',
  position: { x: 0, y: 0 },
  interfaces: [
    { name: 'eth0', mac: '02:00:00:00:02:00', ipv4: '203.0.113.1/24' },
    { name: 'eth1', mac: '02:00:00:00:02:01', ipv4: '198.51.100.1/24' },
  ],
};

function natLab(): Simulation {
  return new Simulation(
    makeLab(
      [
        host('pc', '10.0.0.10/24', '02:00:00:00:00:0a', { tables: { routes: ['default via 10.0.0.1 dev eth0'] } }),
        gw,
        isp,
        host('server', '198.51.100.80/24', '02:00:00:00:00:50', { tables: { routes: ['default via 198.51.100.1 dev eth0'] }, services: ['udp-echo'] }),
      ],
      [link('pc:eth0', 'gw:lan'), link('gw:wan', 'isp:eth0'), link('isp:eth1', 'server:eth0')],
    ),
  );
}

function sourcesSeenBy(sim: Simulation, device: string): string[] {
  const out = new Set<string>();
  for (const f of sim.net.capture.frames()) {
    if (f.fromInterface.device !== device) continue;
    const ip = parseIpv4(f.bytes, 14);
    if (ip.ok) out.add(`${ip.repr.src >>> 24}.${(ip.repr.src >>> 16) & 255}.${(ip.repr.src >>> 8) & 255}.${ip.repr.src & 255}`);
  }
  return [...out];
}

describe('NAT', () => {
  it('masquerades pings and maps the replies back', () => {
    const sim = natLab();
    startPing(sim.ipDevice('pc'), { to: '198.51.100.80', count: 2 });
    sim.run();
    expect(outputOf(sim, 'pc')[1]).toMatch(/^64 bytes from 198\.51\.100\.80: icmp_seq=1 ttl=62 /);
    expect(outputOf(sim, 'pc')).toContain('2 packets transmitted, 2 received, 0% packet loss, time 1006ms');
    // The server only ever saw the router's public address.
    const seenAtServer = [...sim.net.capture.frames()].filter((f) => f.fromInterface.device === 'isp' && f.fromInterface.interface === 'eth1' && f.bytes.length > 60).map((f) => parseIpv4(f.bytes, 14)).map((p) => (p.ok ? p.repr.src : 0));
    expect(new Set(seenAtServer)).toEqual(new Set([ipv4('203.0.113.2')]));
    const nat = sim.stateAt('gw', sim.net.capture.count).nat;
    expect(formatNatRows(nat, sim.net.now)).toMatch(/^icmp 1 29 src=10\.0\.0\.10 dst=198\.51\.100\.80 type=8 code=0 id=(\d+) src=198\.51\.100\.80 dst=203\.0\.113\.2 type=0 code=0 id=\1\n$/);
  });

  it('masquerades UDP and keeps the table inspectable', () => {
    const sim = natLab();
    startUdpEchoClient(sim.ipDevice('pc'), { to: '198.51.100.80', message: 'through nat' });
    sim.run();
    expect(outputOf(sim, 'pc')).toContain('reply from 198.51.100.80:7: "through nat"');
    // Beyond the router, the inside address never appears.
    expect(sourcesSeenBy(sim, 'isp').sort()).toEqual(['198.51.100.80', '203.0.113.2']);
    expect(formatNatRows(sim.ipDevice('gw').nat!.table(), sim.net.now)).toMatch(
      /^udp 17 29 src=10\.0\.0\.10 dst=198\.51\.100\.80 sport=(\d+) dport=7 src=198\.51\.100\.80 dst=203\.0\.113\.2 sport=7 dport=\1\n$/,
    );
  });

  it('translates ICMP errors back, so traceroute works through NAT', () => {
    const sim = natLab();
    startTraceroute(sim.ipDevice('pc'), { to: '198.51.100.80' });
    sim.run();
    expect(outputOf(sim, 'pc').slice(1).map((l) => l.replace(/\s+[\d.]+ ms/g, ''))).toEqual([' 1  10.0.0.1', ' 2  203.0.113.1', ' 3  198.51.100.80']);
  });

  it('drops unsolicited traffic from outside', () => {
    const sim = natLab();
    startPing(sim.ipDevice('server'), { to: '10.0.0.10', count: 1 });
    sim.run();
    expect(outputOf(sim, 'server')).toContain('From 198.51.100.1 icmp_seq=1 Destination Net Unreachable');
  });
});
