// Router behaviour: forwarding with TTL decrement, longest-prefix match, ICMP errors, loops.
import { describe, it, expect } from 'vitest';
import { mac, MAC_ZERO } from '../../../src-shared/net/addr';
import { parseIcmp } from '../../../src-shared/net/wire/icmp';
import { parseIpv4 } from '../../../src-shared/net/wire/ipv4';
import type { LabDevice } from '../../../src-shared/lab';
import { Simulation } from '../simulation';
import { startPing } from '../apps/ping';
import { arpFrame, host, link, makeLab, outputOf, PEER_MAC, runTo, udpFrame, withPeer } from '../testing/harness';
import { formatRouteRows } from '../state/format';

const R1_ETH0 = mac('02:00:00:00:01:00');

function router(extraRoutes: string[] = []): LabDevice {
  return {
    name: 'r1',
    type: 'router',
    position: { x: 0, y: 0 },
    interfaces: [
      { name: 'eth0', mac: '02:00:00:00:01:00', ipv4: '192.0.2.1/24' },
      { name: 'eth1', mac: '02:00:00:00:01:01', ipv4: '198.51.100.1/24' },
    ],
    tables: { routes: extraRoutes },
  };
}

/** r1 with the scripted peer on eth0 (as 192.0.2.99) and a host pc2 on eth1. */
function setup(extraRoutes: string[] = []) {
  const lab = makeLab([router(extraRoutes), host('pc2', '198.51.100.20/24', '02:00:00:00:02:14', { tables: { routes: ['default via 198.51.100.1 dev eth0'] } })], [link('r1:eth1', 'pc2:eth0', { latencyMs: 1 })]);
  const { sim, peer } = withPeer(lab, 'r1:eth0');
  // Teach r1 the peer's MAC the way a host would: by asking for r1's address.
  peer.inject('p0', arpFrame('request', PEER_MAC, '192.0.2.99', MAC_ZERO, '192.0.2.1'));
  runTo(sim, 3);
  expect(peer.take().map((f) => f.text)).toEqual(['ARP 192.0.2.1 is-at 02:00:00:00:01:00']);
  return { sim, peer };
}

function send(peer: ReturnType<typeof setup>['peer'], dst: string, ttl = 64, dport = 33434): void {
  peer.inject('p0', udpFrame(PEER_MAC, R1_ETH0, '192.0.2.99', dst, 40000, dport, new Uint8Array(32), ttl));
}

describe('router', () => {
  it('installs connected and static routes as ip route shows them', () => {
    const { sim } = setup(['10.0.0.0/8 via 198.51.100.254 dev eth1 metric 10']);
    expect(formatRouteRows(sim.stateAt('r1', 0).routes)).toBe(
      ['192.0.2.0/24 dev eth0 proto kernel scope link src 192.0.2.1', '198.51.100.0/24 dev eth1 proto kernel scope link src 198.51.100.1', '10.0.0.0/8 via 198.51.100.254 dev eth1 proto static metric 10', ''].join('\n'),
    );
  });

  it('forwards with TTL decremented and a valid header checksum; the answer comes back', () => {
    const { sim, peer } = setup();
    send(peer, '198.51.100.20', 64, 7);
    sim.run();
    const frames = sim.net.capture;
    const forwarded = [...frames.frames()].find((f) => f.fromInterface.device === 'r1' && f.fromInterface.interface === 'eth1' && f.bytes.length > 60)!;
    const ip = parseIpv4(forwarded.bytes, 14);
    expect(ip.ok && ip.repr.ttl).toBe(63);
    expect(ip.ok && ip.repr.checksumValid).toBe(true);
    expect(forwarded.cause).toBe('r1 forwards 192.0.2.99 → 198.51.100.20 via eth1');
    // pc2 has no UDP echo service: its port-unreachable comes back through r1 with TTL 63.
    expect(peer.take().map((f) => f.text)).toEqual(['198.51.100.20 > 192.0.2.99 ttl 63 ICMP unreachable code 3']);
  });

  it('answers TTL 1 with time exceeded, quoting the packet like Linux (whole 60-byte probe)', () => {
    const { sim, peer } = setup();
    send(peer, '198.51.100.20', 1);
    sim.run();
    const [err] = peer.take();
    expect(err.text).toBe('192.0.2.1 > 192.0.2.99 ttl 64 ICMP time exceeded');
    const ip = parseIpv4(err.bytes, 14);
    expect(ip.ok && ip.repr.dscp).toBe(48);
    const icmp = parseIcmp(err.bytes, 34);
    if (!icmp.ok || icmp.repr.kind !== 'timeExceeded') throw new Error('expected time exceeded');
    expect(icmp.repr.checksumValid).toBe(true);
    expect(icmp.repr.quote.length).toBe(60);
    expect(err.bytes.length).toBe(102); // as in the reference capture routing-icmp-errors.pcapng
  });

  it('sends net unreachable without a route, host unreachable when ARP fails, code 13 for prohibit, nothing for blackhole', () => {
    const { sim, peer } = setup(['prohibit 10.1.0.0/16', 'blackhole 10.2.0.0/16']);
    send(peer, '203.0.113.9');
    send(peer, '198.51.100.77');
    send(peer, '10.1.2.3');
    send(peer, '10.2.3.4');
    sim.run();
    const texts = peer.take().map((f) => [Math.floor(f.time / 1000), f.text]);
    expect(texts).toEqual([
      [5, '192.0.2.1 > 192.0.2.99 ttl 64 ICMP unreachable code 0'],
      [5, '192.0.2.1 > 192.0.2.99 ttl 64 ICMP unreachable code 13'],
      [3005, '192.0.2.1 > 192.0.2.99 ttl 64 ICMP unreachable code 1'],
    ]);
    expect(sim.net.log.entries.some((e) => e.message.startsWith('blackhole route: dropped 192.0.2.99 → 10.2.3.4'))).toBe(true);
  });

  it('prefers the longest prefix', () => {
    const { sim } = setup(['198.51.100.128/25 via 192.0.2.254 dev eth0', '198.51.100.200 via 192.0.2.253']);
    const r1 = sim.ipDevice('r1');
    const pick = (a: string): string => {
      const d = r1.routeTo(Number(a.split('.').reduce((n, o) => n * 256 + Number(o), 0)));
      return 'error' in d ? d.error : `${d.iface.name} ${d.nextHop}`;
    };
    expect(pick('198.51.100.20')).toBe(`eth1 ${(198 << 24 >>> 0) + (51 << 16) + (100 << 8) + 20}`);
    expect(pick('198.51.100.130')).toBe(`eth0 ${(192 << 24 >>> 0) + (2 << 8) + 254}`);
    expect(pick('198.51.100.200')).toBe(`eth0 ${(192 << 24 >>> 0) + (2 << 8) + 253}`);
    expect(pick('203.0.113.1')).toBe('net');
  });

  it('ends a routing loop with ICMP time exceeded, not a hang', () => {
    // r1 sends 203.0.113.0/24 to r2, whose default route points back at r1.
    const lab = makeLab(
      [
        host('pc1', '192.0.2.10/24', '02:00:00:00:00:0a', { tables: { routes: ['default via 192.0.2.1 dev eth0'] } }),
        { ...router(['203.0.113.0/24 via 198.51.100.2 dev eth1']) },
        { name: 'r2', type: 'router', position: { x: 0, y: 0 }, interfaces: [{ name: 'eth0', mac: '02:00:00:00:02:00', ipv4: '198.51.100.2/24' }], tables: { routes: ['default via 198.51.100.1 dev eth0'] } },
      ],
      [link('pc1:eth0', 'r1:eth0'), link('r1:eth1', 'r2:eth0')],
    );
    const sim = new Simulation(lab);
    startPing(sim.ipDevice('pc1'), { to: '203.0.113.5', count: 1 });
    const result = sim.run();
    expect(result.reason).toBe('idle');
    expect(outputOf(sim, 'pc1')[1]).toMatch(/^From 198\.51\.100\.[12] icmp_seq=1 Time to live exceeded$/);
    // 64 hops of the loop are on the capture, then the error travels back.
    expect(sim.net.capture.count).toBeGreaterThan(64);
    expect(sim.net.capture.count).toBeLessThan(200);
  });
});
