// Services take whatever arrives on their ports: random bytes and mutated real messages must never
// throw, and must never make a service send more than one reply per datagram (no amplification).
import { describe, it, expect } from 'vitest';
import fc from 'fast-check';
import { ipv4, mac } from '../../../src-shared/net/addr';
import { DnsType, emitDns } from '../../../src-shared/net/wire/dns';
import { Rng } from '../sim/rng';
import type { InboundDatagram } from './types';
import { DnsAuthoritativeServer } from './dns/authoritative';
import { DnsResolver } from './dns/resolver';
import { StubResolver } from './dns/stub';
import { loadZone } from './dns/test-net';
import { DhcpClient } from './dhcp/client';
import { DhcpRelayAgent } from './dhcp/relay';
import { DhcpServer } from './dhcp/server';

const SERVER = ipv4('192.0.2.1');

function services() {
  const auth = new DnsAuthoritativeServer({ name: 'ns1', zones: [loadZone('example.com.zone', 'example.com')] });
  const resolver = new DnsResolver({ name: 'r', mode: 'recursive', rootHints: [{ name: 'a.root-servers.net', address: ipv4('198.41.0.4') }] }, new Rng(1));
  const stub = new StubResolver({ name: 'pc', servers: [SERVER] }, new Rng(2));
  const dhcp = new DhcpServer({ name: 'd', serverId: SERVER, pools: [{ network: ipv4('192.0.2.0'), netmask: ipv4('255.255.255.0'), ranges: [{ start: ipv4('192.0.2.100'), end: ipv4('192.0.2.110') }], options: {}, defaultLeaseTime: 600, maxLeaseTime: 600 }] });
  const client = new DhcpClient({ name: 'pc', mac: mac('02:00:00:00:00:01') }, new Rng(3));
  const relay = new DhcpRelayAgent({ name: 'r1', interfaces: [{ name: 'eth1', address: ipv4('10.0.0.1') }], servers: [SERVER] });
  return { auth, resolver, stub, dhcp, client, relay };
}

// A real query and a real DHCP DISCOVER to mutate.
const query = emitDns({
  id: 1, qr: false, opcode: 0, aa: false, tc: false, rd: true, ra: false, z: false, ad: false, cd: false, rcode: 0,
  questions: [{ name: 'www.example.com', type: DnsType.A, class: 1 }], answers: [], authorities: [], additionals: [],
});
const discover = new DhcpClient({ name: 'x', mac: mac('02:00:00:00:00:02') }, new Rng(4)).start(0).sends[0].payload;

const mutated = (base: Uint8Array) =>
  fc.array(fc.tuple(fc.nat(base.length - 1), fc.integer({ min: 0, max: 255 })), { maxLength: 8 }).map((edits) => {
    const b = base.slice();
    for (const [i, v] of edits) b[i] = v;
    return b;
  });
const payloads = fc.oneof(fc.uint8Array({ maxLength: 600 }), mutated(query), mutated(discover), mutated(discover).map((b) => b.subarray(0, b.length >> 1)));

describe('services on garbage', () => {
  it('never throw and answer at most once per datagram', () => {
    const s = services();
    s.client.start(0);
    fc.assert(
      fc.property(payloads, fc.integer({ min: 0, max: 65535 }), (payload, srcPort) => {
        const d = (dstPort: number): InboundDatagram => ({ src: ipv4('192.0.2.7'), srcPort, dst: SERVER, dstPort, payload });
        expect(s.auth.receive(0, d(53)).sends.length).toBeLessThanOrEqual(1);
        expect(s.resolver.receive(0, d(53)).sends.length).toBeLessThanOrEqual(1);
        expect(s.stub.receive(0, d(40000)).sends.length).toBe(0);
        expect(s.dhcp.receive(0, d(67)).sends.length).toBeLessThanOrEqual(1);
        expect(s.client.receive(0, d(68)).sends.length).toBeLessThanOrEqual(1);
        expect(s.relay.receive(0, d(67), 'eth1').sends.length).toBeLessThanOrEqual(1);
      }),
      { numRuns: 2000, seed: 20261122 },
    );
  });
});
