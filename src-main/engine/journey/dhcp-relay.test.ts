// A DHCP relay on a router (lab field `dhcpRelay`): the client on one LAN gets its lease from a
// dhcp-server device on another; the relay sets giaddr and the server picks the pool by it.
import { describe, it, expect } from 'vitest';
import { validateLabDocument } from '../../../src-shared/lab';
import { formatIpv4 } from '../../../src-shared/net/addr';
import { parseDhcp } from '../../../src-shared/net/wire/dhcp';
import { Simulation } from '../simulation';
import { describeFrame } from '../testing/frames';

const DHCPD = [
  'authoritative;',
  'default-lease-time 600;',
  'subnet 10.0.0.0 netmask 255.255.255.0 {',
  '}',
  'subnet 192.168.20.0 netmask 255.255.255.0 {',
  '  range 192.168.20.50 192.168.20.60;',
  '  option routers 192.168.20.1;',
  '  option domain-name-servers 10.0.0.53;',
  '}',
];

function lab() {
  const r = validateLabDocument({
    version: 2,
    seed: 11,
    devices: [
      { name: 'laptop', type: 'host', position: { x: 0, y: 0 }, interfaces: [{ name: 'eth0', mac: '02:00:00:00:20:10' }] },
      { name: 'r1', type: 'router', position: { x: 1, y: 0 }, interfaces: [{ name: 'lan', mac: '02:00:00:00:20:01', ipv4: '192.168.20.1/24' }, { name: 'core', mac: '02:00:00:00:10:01', ipv4: '10.0.0.1/24' }], dhcpRelay: { servers: ['10.0.0.67'] } },
      { name: 'dhcp', type: 'dhcp-server', position: { x: 2, y: 0 }, interfaces: [{ name: 'eth0', mac: '02:00:00:00:10:67', ipv4: '10.0.0.67/24' }], tables: { routes: ['default via 10.0.0.1 dev eth0'], dhcpd: DHCPD } },
    ],
    links: [
      { id: 'L1', a: { device: 'laptop', interface: 'eth0' }, b: { device: 'r1', interface: 'lan' } },
      { id: 'L2', a: { device: 'r1', interface: 'core' }, b: { device: 'dhcp', interface: 'eth0' } },
    ],
  });
  if (!r.ok) throw new Error(r.errors.map((e) => e.message).join('; '));
  return r.lab;
}

describe('DHCP relay on a router', () => {
  // The relay sources its datagrams from giaddr (as Cisco's ip helper-address does; the relay service decides).
  it('relays DORA with giaddr; the client is configured from the remote pool', () => {
    const sim = new Simulation(lab());
    sim.run({ until: 5_000_000 });
    const rows = [...sim.net.capture.frames()]
      .filter((f) => describeFrame(f.bytes).includes('UDP'))
      .map((f) => {
        const d = parseDhcp(f.bytes.subarray(42));
        const giaddr = d.ok ? formatIpv4(d.value.repr.giaddr) : '?';
        return `${f.fromInterface.device}-${f.fromInterface.interface} ${describeFrame(f.bytes).replace(/ ttl \d+/, '').replace(/ len \d+/, '')} giaddr ${giaddr}`;
      });
    expect(rows).toEqual([
      'laptop-eth0 0.0.0.0 > 255.255.255.255 UDP 68 > 67 giaddr 0.0.0.0',
      'r1-core 192.168.20.1 > 10.0.0.67 UDP 67 > 67 giaddr 192.168.20.1',
      'dhcp-eth0 10.0.0.67 > 192.168.20.1 UDP 67 > 67 giaddr 192.168.20.1',
      'r1-lan 192.168.20.1 > 192.168.20.50 UDP 67 > 68 giaddr 192.168.20.1',
      'laptop-eth0 0.0.0.0 > 255.255.255.255 UDP 68 > 67 giaddr 0.0.0.0',
      'r1-core 192.168.20.1 > 10.0.0.67 UDP 67 > 67 giaddr 192.168.20.1',
      'dhcp-eth0 10.0.0.67 > 192.168.20.1 UDP 67 > 67 giaddr 192.168.20.1',
      'r1-lan 192.168.20.1 > 192.168.20.50 UDP 67 > 68 giaddr 192.168.20.1',
    ]);
    expect(sim.ipDevice('laptop').iface('eth0')!.ipv4).toEqual({ address: 0xc0a81432, prefixLength: 24 });
    expect(sim.services.get('laptop')!.stub.snapshot(sim.net.now).servers).toEqual(['10.0.0.53']);
    expect(sim.servicesNow('r1').dhcpRelay).toEqual({ servers: ['10.0.0.67'], relayed: 2, returned: 2 });
    // The counters replay too: at the first relayed DISCOVER only that one has gone out.
    expect(sim.servicesAt('r1', 2).dhcpRelay).toEqual({ servers: ['10.0.0.67'], relayed: 1, returned: 0 });
    expect(sim.servicesNow('laptop').dhcpRelay).toBeUndefined();
  });
});
