// Device state as `sim.stateAt` returns it, checked against the IPC contract's schema, for the
// services tables' tests: a home host two frames apart (a DNS answer cached, a lease renewed).
import { contract, type Result } from '../../../../src-shared/ipc/contract';

type StateAt = Result<'sim.stateAt'>;

const base = {
  device: 'pc',
  routes: 'default via 192.168.1.1 dev eth0\n192.168.1.0/24 dev eth0 proto kernel scope link src 192.168.1.100\n',
  arp: '192.168.1.1 dev eth0 lladdr 02:00:00:00:00:01 REACHABLE\n',
  mac: '',
  nat: '',
  tcp: 'State  Recv-Q Send-Q Local Address:Port Peer Address:Port\n',
  derivations: [],
};

export const BEFORE: StateAt = contract['sim.stateAt'].result.parse({
  ...base,
  timeUs: 1_000_000,
  services: {
    dhcpLeases: [],
    dhcpClients: [{ iface: 'eth0', state: 'RENEWING', address: '192.168.1.100', server: '192.168.1.1', renewInS: 0, rebindInS: 1350, expiresInS: 1800 }],
    dnsCaches: [
      { tier: 'browser', entries: [] },
      { tier: 'os', entries: [{ name: 'nosuch.example', type: 'A', data: 'NXDOMAIN', ttlLeftS: 30, negative: true }] },
      { tier: 'hosts', entries: [{ name: 'localhost', type: 'A', data: '127.0.0.1', ttlLeftS: 0, negative: false }] },
    ],
    httpCaches: [{ tier: 'browser', entries: [{ url: 'http://www.example.com/old.css', status: 200, bytes: 1500, ageS: 590, freshForS: 10, etag: '"v1"', lastModified: null }] }],
    hsts: [{ host: 'example.com', includeSubDomains: true, preloaded: true, expiresInS: null }],
  },
});

export const AFTER: StateAt = contract['sim.stateAt'].result.parse({
  ...base,
  timeUs: 1_020_000,
  services: {
    dhcpLeases: [],
    // Renewed: the lease's timers start over.
    dhcpClients: [{ iface: 'eth0', state: 'BOUND', address: '192.168.1.100', server: '192.168.1.1', renewInS: 1800, rebindInS: 3150, expiresInS: 3600 }],
    dnsCaches: [
      { tier: 'browser', entries: [{ name: 'www.example.com', type: 'A', data: '93.184.215.14', ttlLeftS: 3600, negative: false }] },
      { tier: 'os', entries: [{ name: 'nosuch.example', type: 'A', data: 'NXDOMAIN', ttlLeftS: 29.98, negative: true }] },
      { tier: 'hosts', entries: [{ name: 'localhost', type: 'A', data: '127.0.0.1', ttlLeftS: 0, negative: false }] },
    ],
    httpCaches: [
      { tier: 'browser', entries: [{ url: 'http://www.example.com/', status: 200, bytes: 1256, ageS: 0, freshForS: 600, etag: '"3147526947"', lastModified: 'Thu, 17 Oct 2019 07:18:26 GMT' }] },
      { tier: 'shared', entries: [{ url: 'http://www.example.com/', status: 200, bytes: 1256, ageS: 120, freshForS: 0, etag: null, lastModified: null }] },
    ],
    hsts: [
      { host: 'example.com', includeSubDomains: true, preloaded: true, expiresInS: null },
      { host: 'www.example.com', includeSubDomains: false, preloaded: false, expiresInS: 31_536_000 },
    ],
  },
});
