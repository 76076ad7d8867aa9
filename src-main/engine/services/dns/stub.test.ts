// The host's resolver tiers on the URL-journey chain: PC stub → home router (forwarding cache) →
// ISP recursive resolver → root, TLD and authoritative servers.
import { describe, it, expect } from 'vitest';
import { ipv4 } from '../../../../src-shared/net/addr';
import { parseHosts } from '../../../../src-shared/lab/tables/hosts';
import { DnsRcode, DnsType, emitDns, parseDns, type DnsMessage, type DnsRecord } from '../../../../src-shared/net/wire/dns';
import { Rng } from '../../sim/rng';
import { DnsAuthoritativeServer } from './authoritative';
import { DnsResolver } from './resolver';
import { BrowserDnsCache, StubResolver, type StubEvent } from './stub';
import { loadZone, TestNet } from './test-net';

const PC = ipv4('192.168.1.10');
const ROUTER = ipv4('192.168.1.1');
const ISP = ipv4('100.64.0.53');

function journey(servers = [ROUTER]) {
  const net = new TestNet(2_000);
  net.add(ipv4('198.41.0.4'), new DnsAuthoritativeServer({ name: 'a.root-servers.net', zones: [loadZone('root.zone', '.')] }));
  net.add(ipv4('192.5.6.30'), new DnsAuthoritativeServer({ name: 'a.gtld-servers.net', zones: [loadZone('com.zone', 'com'), loadZone('net.zone', 'net')] }));
  net.add(ipv4('203.0.113.53'), new DnsAuthoritativeServer({ name: 'ns1.example.com', zones: [loadZone('example.com.zone', 'example.com')] }));
  net.add(ipv4('198.51.100.53'), new DnsAuthoritativeServer({ name: 'ns.cdn.example.net', zones: [loadZone('cdn.example.net.zone', 'cdn.example.net')] }));
  net.add(ISP, new DnsResolver({ name: 'isp-resolver', mode: 'recursive', address: ISP, rootHints: [{ name: 'a.root-servers.net', address: ipv4('198.41.0.4') }] }, new Rng(1)));
  net.add(ROUTER, new DnsResolver({ name: 'home-router', mode: 'forwarding', address: ROUTER, forwarders: [ISP] }, new Rng(2)));
  const hosts = parseHosts('127.0.0.1 localhost\n192.168.1.1 router.home router\n');
  if (!hosts.ok) throw new Error('hosts');
  const stub = new StubResolver({ name: 'pc1', servers, address: PC, hosts: hosts.value }, new Rng(3));
  net.add(PC, stub);
  let id = 0;
  const lookup = (name: string, type: number = DnsType.A): StubEvent => {
    const before = net.events.length;
    net.apply(PC, stub.lookup(net.now, name, type, ++id));
    net.run();
    const evs = net.events.slice(before).filter((e) => (e as StubEvent).requestId === id) as StubEvent[];
    expect(evs).toHaveLength(1);
    return evs[0];
  };
  return { net, stub, lookup };
}

describe('stub resolver tiers', () => {
  it('answers from the hosts file without sending anything', () => {
    const { net, lookup } = journey();
    const e = lookup('Router.Home');
    expect(e).toMatchObject({ kind: 'resolved', source: 'hosts', addresses: [ROUTER], cause: 'hosts file: router.home is 192.168.1.1' });
    expect(net.log).toEqual([]);
  });

  it('goes to the network once, then answers from the OS cache until the shortest TTL runs out', () => {
    const { net, stub, lookup } = journey();
    const first = lookup('www.example.com');
    expect(first).toMatchObject({ kind: 'resolved', source: 'network', addresses: [ipv4('198.51.100.80')], ttl: 60 });
    expect(net.queries(0, PC)).toEqual(['A www.example.com → 192.168.1.1']);
    expect(net.queries(0, ROUTER)).toEqual(['A www.example.com → 100.64.0.53']);
    expect(net.queries(0, ISP)).toHaveLength(6);
    expect(net.log[0].send.cause).toBe('pc1: OS cache miss for www.example.com A — asking 192.168.1.1');
    const mark = net.log.length;
    net.run(net.now + 10_000_000);
    const second = lookup('www.example.com');
    expect(second).toMatchObject({ source: 'os-cache', addresses: [ipv4('198.51.100.80')] });
    expect(net.log.length).toBe(mark);
    expect(stub.snapshot(net.now).osCache.map((e) => `${e.name} ${e.type} ${e.ttl}`)).toEqual([
      'edge.cdn.example.net A 50', 'www.example.com CNAME 290', 'www.example.com.cdn.example.net CNAME 50',
    ]);
    // After 60 s the CDN part has expired everywhere. The router still has the 300 s CNAME, so it
    // forwards only the alias target (as BIND does in forward mode); the ISP asks only the CDN server.
    net.run(net.now + 51_000_000);
    const mark2 = net.log.length;
    const third = lookup('www.example.com');
    expect(third).toMatchObject({ kind: 'resolved', source: 'network' });
    expect(net.queries(mark2)).toEqual([
      'A www.example.com → 192.168.1.1', 'A www.example.com.cdn.example.net → 100.64.0.53', 'A www.example.com.cdn.example.net → 198.51.100.53',
    ]);
    expect(stub.flush()).toBe(3);
  });

  it('reports and caches NXDOMAIN', () => {
    const { net, lookup } = journey();
    const e = lookup('nope.example.com');
    expect(e).toMatchObject({ kind: 'failed', rcode: DnsRcode.NXDOMAIN });
    const mark = net.log.length;
    const again = lookup('nope.example.com');
    expect(again.kind).toBe('failed');
    expect(again.cause).toContain('OS cache hit: nope.example.com does not exist (NXDOMAIN');
    expect(net.log.length).toBe(mark);
  });

  it('retries the next server after 5 s and gives up after attempts × servers tries', () => {
    const dead = ipv4('192.168.1.254');
    const { net, lookup } = journey([dead, ROUTER]);
    const ok = lookup('mail.example.com');
    expect(ok).toMatchObject({ kind: 'resolved', source: 'network' });
    const sent = net.log.filter((l) => l.from === PC);
    expect(sent.map((l) => [l.at, l.to])).toEqual([[2_000, dead], [5_002_000, ROUTER]]);
    expect(sent[1].send.cause).toContain('no answer from 192.168.1.254 within 5 s — asking 192.168.1.1 (try 2)');
    const down = journey([dead]);
    const fail = down.lookup('mail.example.com');
    expect(fail).toMatchObject({ kind: 'failed', rcode: undefined });
    expect(fail.cause).toBe('no answer from 192.168.1.254 within 5 s; gave up after 2 tries');
    expect(down.net.now).toBe(10_000_000);
  });
});

describe('browser DNS cache', () => {
  it('keeps an entry for min(TTL, 60 s) and explains hit, miss and expiry', () => {
    const b = new BrowserDnsCache();
    expect(b.lookup(0, 'www.example.com')).toEqual({ hit: false, cause: 'browser DNS cache miss for www.example.com' });
    expect(b.store(0, 'www.example.com', [ipv4('198.51.100.80')], 300)).toBe('browser DNS cache stores www.example.com for 60 s');
    expect(b.store(0, 'short.example.com', [ipv4('192.0.2.1')], 20)).toBe('browser DNS cache stores short.example.com for 20 s');
    expect(b.lookup(59_000_000, 'WWW.example.com')).toEqual({ hit: true, addresses: [ipv4('198.51.100.80')], cause: 'browser DNS cache hit for www.example.com (1 s left)' });
    expect(b.snapshot(10_000_000)).toEqual([
      { name: 'short.example.com', addresses: ['192.0.2.1'], ttl: 10 },
      { name: 'www.example.com', addresses: ['198.51.100.80'], ttl: 50 },
    ]);
    expect(b.lookup(60_000_000, 'www.example.com')).toEqual({ hit: false, cause: 'browser DNS cache entry for www.example.com expired (kept at most 60 s)' });
    expect(b.flush()).toBe(1);
  });
});

describe('stub resolver: a truncated answer is asked again over TCP (glibc res_send)', () => {
  const SERVER = ipv4('10.0.0.2');
  const reply = (query: Uint8Array, patch: Partial<DnsMessage>): Uint8Array => {
    const q = parseDns(query);
    if (!q.ok) throw new Error('query');
    return emitDns({ ...q.value.message, qr: true, ra: true, ...patch });
  };
  const address = (n: number): DnsRecord => ({ name: 'many.test', type: DnsType.A, class: 1, ttl: 60, data: { kind: 'A', address: ipv4(`10.9.0.${n}`) } });

  it('TC over UDP → the same question, ID and server over TCP; its answer resolves and fills the OS cache', () => {
    const stub = new StubResolver({ name: 'pc', servers: [SERVER], address: PC }, new Rng(7));
    const s1 = stub.lookup(0, 'many.test', DnsType.A, 1);
    const udp = s1.sends[0];
    const s2 = stub.receive(1000, { src: SERVER, srcPort: 53, dst: PC, dstPort: udp.srcPort, payload: reply(udp.payload, { tc: true }) });
    expect(s2.events).toEqual([]);
    expect(s2.sends).toEqual([]);
    expect(s2.tcp).toHaveLength(1);
    const tcp = s2.tcp![0];
    expect(tcp).toMatchObject({ dst: SERVER, dstPort: 53, cause: 'pc: truncated answer (TC) from 10.0.0.2 for many.test A — asking 10.0.0.2 again over TCP' });
    expect(tcp.payload).toEqual(udp.payload); // the same message: ID, RD, question
    expect(s2.nextPoll).toBe(1000 + 5_000_000);
    expect(stub.snapshot(1000).pending).toEqual([{ name: 'many.test A', server: '10.0.0.2', deadline: 5_001_000 }]);
    const answers = Array.from({ length: 40 }, (_, i) => address(i + 1));
    const s3 = stub.tcpAnswer(2000, tcp.token, reply(tcp.payload, { answers }));
    expect(s3.events).toEqual([expect.objectContaining({ kind: 'resolved', source: 'network', cause: 'answer from 10.0.0.2 over TCP for many.test A' })]);
    expect((s3.events[0] as { addresses: number[] }).addresses).toHaveLength(40);
    expect(stub.lookup(3000, 'many.test', DnsType.A, 2).events[0]).toMatchObject({ source: 'os-cache' });
  });

  it('a TCP failure, a TCP timeout or TC over TCP counts as a try; after the last the lookup fails', () => {
    const stub = new StubResolver({ name: 'pc', servers: [SERVER], address: PC, attempts: 2 }, new Rng(8));
    const udp1 = stub.lookup(0, 'many.test', DnsType.A, 1).sends[0];
    const tcp1 = stub.receive(10, { src: SERVER, srcPort: 53, dst: PC, dstPort: udp1.srcPort, payload: reply(udp1.payload, { tc: true }) }).tcp![0];
    const s = stub.tcpAnswer(20, tcp1.token, undefined, 'connection refused');
    expect(s.sends).toHaveLength(1);
    expect(s.sends[0].cause).toBe('pc: no answer over TCP from 10.0.0.2: connection refused — asking 10.0.0.2 (try 2)');
    // The second try is truncated too, and its TCP exchange never completes: the deadline ends the lookup.
    const tcp2 = stub.receive(30, { src: SERVER, srcPort: 53, dst: PC, dstPort: s.sends[0].srcPort, payload: reply(s.sends[0].payload, { tc: true }) }).tcp![0];
    expect(tcp2.token).not.toBe(tcp1.token);
    expect(stub.poll(30 + 5_000_000 - 1).events).toEqual([]);
    expect(stub.poll(30 + 5_000_000).events).toEqual([expect.objectContaining({ kind: 'failed', cause: 'no answer over TCP from 10.0.0.2 within 5 s; gave up after 2 tries' })]);
    // A late reply on a finished token changes nothing.
    expect(stub.tcpAnswer(6_000_000, tcp2.token, reply(tcp2.payload, { answers: [address(1)] })).events).toEqual([]);
  });
});
