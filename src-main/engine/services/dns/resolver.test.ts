// End-to-end resolution over in-memory servers loaded from the lab's zone files: root → com →
// example.com, whose www is a CNAME into the CDN zone cdn.example.net (reached through net).
import { describe, it, expect } from 'vitest';
import { formatIpv4, ipv4 } from '../../../../src-shared/net/addr';
import { parseZone, ZoneIndex } from '../../../../src-shared/lab/tables/zone';
import { DnsRcode, DnsType, emitDns, recordToText, type DnsMessage } from '../../../../src-shared/net/wire/dns';
import { Rng } from '../../sim/rng';
import { DnsAuthoritativeServer } from './authoritative';
import { DnsResolver, type ResolverConfig } from './resolver';
import { loadZone, TestNet } from './test-net';

const ROOT = ipv4('198.41.0.4');
const TLD = ipv4('192.5.6.30');
const NS1 = ipv4('203.0.113.53');
const NS2 = ipv4('203.0.113.54');
const CDN = ipv4('198.51.100.53');
const RESOLVER = ipv4('100.64.0.53');
const CLIENT = ipv4('100.64.1.10');

const zones = {
  root: loadZone('root.zone', '.'),
  com: loadZone('com.zone', 'com'),
  net: loadZone('net.zone', 'net'),
  example: loadZone('example.com.zone', 'example.com'),
  cdn: loadZone('cdn.example.net.zone', 'cdn.example.net'),
};

function lab(config: Partial<ResolverConfig> = {}, extra: [number, ZoneIndex[]][] = []) {
  const net = new TestNet(5_000);
  const servers: [number, string, ZoneIndex[]][] = [
    [ROOT, 'a.root-servers.net', [zones.root]],
    [TLD, 'a.gtld-servers.net', [zones.com, zones.net]],
    [NS1, 'ns1.example.com', [zones.example]],
    [NS2, 'ns2.example.com', [zones.example]],
    [CDN, 'ns.cdn.example.net', [zones.cdn]],
  ];
  for (const [a, name, z] of servers) net.add(a, new DnsAuthoritativeServer({ name, zones: z }));
  for (const [a, z] of extra) net.add(a, new DnsAuthoritativeServer({ name: formatIpv4(a), zones: z }));
  const resolver = new DnsResolver({ name: 'isp-resolver', mode: 'recursive', rootHints: [{ name: 'a.root-servers.net', address: ROOT }], address: RESOLVER, ...config }, new Rng(42));
  net.add(RESOLVER, resolver);
  const answers: DnsMessage[] = [];
  net.add(CLIENT, { receive: (_now, d) => { const m = net.log[net.log.length - 1].message!; answers.push(m); void d; return { sends: [], events: [], nextPoll: undefined }; } });
  let nextId = 1;
  const ask = (name: string, type: number = DnsType.A) => {
    const q: DnsMessage = {
      id: nextId++, qr: false, opcode: 0, aa: false, tc: false, rd: true, ra: false, z: false, ad: false, cd: false, rcode: 0,
      questions: [{ name, type, class: 1 }], answers: [], authorities: [], additionals: [],
    };
    net.apply(CLIENT, { sends: [{ src: CLIENT, srcPort: 40000 + nextId, dst: RESOLVER, dstPort: 53, payload: emitDns(q), cause: 'test' }], events: [], nextPoll: undefined });
    const before = answers.length;
    net.run();
    expect(answers.length).toBe(before + 1);
    return answers[answers.length - 1];
  };
  return { net, resolver, ask };
}

const text = (m: DnsMessage) => m.answers.map(recordToText);

describe('recursive resolver', () => {
  it('walks root → com → example.com, then root → net → cdn.example.net for the CNAME target', () => {
    const { net, resolver, ask } = lab();
    const a = ask('www.example.com');
    expect(net.queries(0, RESOLVER)).toEqual([
      'A www.example.com → 198.41.0.4',
      'A www.example.com → 192.5.6.30',
      'A www.example.com → 203.0.113.53',
      'A www.example.com.cdn.example.net → 198.41.0.4',
      'A www.example.com.cdn.example.net → 192.5.6.30',
      'A www.example.com.cdn.example.net → 198.51.100.53',
    ]);
    expect(a.rcode).toBe(DnsRcode.NOERROR);
    expect(a.ra).toBe(true);
    expect(a.aa).toBe(false);
    expect(text(a)).toEqual([
      'www.example.com.\t300\tIN\tCNAME\twww.example.com.cdn.example.net.',
      'www.example.com.cdn.example.net.\t60\tIN\tCNAME\tedge.cdn.example.net.',
      'edge.cdn.example.net.\t60\tIN\tA\t198.51.100.80',
    ]);
    // 14 datagrams × 5 ms: the client's query, 6 queries and 6 answers upstream, the reply.
    expect(net.now).toBe(14 * 5_000);
    // Cache contents: delegations, glue and the answers (TTLs as of now, 65 ms later: rounded up).
    const cache = resolver.snapshot(net.now).cache.map((e) => `${e.name} ${e.type} ${e.kind} ${e.ttl} r${e.rank}`);
    expect(cache).toEqual([
      'a.gtld-servers.net A positive 172800 r1',
      'cdn.example.net NS positive 172800 r2',
      'com NS positive 172800 r2',
      'edge.cdn.example.net A positive 60 r3',
      'example.com NS positive 172800 r2',
      'net NS positive 172800 r2',
      'ns.cdn.example.net A positive 172800 r1',
      'ns1.example.com A positive 172800 r1',
      'ns2.example.com A positive 172800 r1',
      'www.example.com CNAME positive 300 r3',
      'www.example.com.cdn.example.net CNAME positive 60 r3',
    ]);
    const causes = net.log.filter((l) => l.from === RESOLVER).map((l) => l.send.cause);
    expect(causes[0]).toBe('query for www.example.com A from 100.64.1.10: cache miss for www.example.com A — asking a root server (a.root-servers.net 198.41.0.4) for www.example.com A');
    expect(causes[1]).toContain('referral from a.root-servers.net (198.41.0.4): com is served by a.gtld-servers.net (1 with glue)');
    expect(causes[3]).toContain('www.example.com is an alias for www.example.com.cdn.example.net');
    expect(causes[6]).toMatch(/^isp-resolver: answer from ns\.cdn\.example\.net \(198\.51\.100\.53\): 1 A record\(s\) for edge\.cdn\.example\.net — 6 upstream queries$/);
  });

  it('answers again from the cache with decremented TTLs, and re-asks only the expired part', () => {
    const { net, resolver, ask } = lab();
    ask('www.example.com');
    const mark = net.log.length;
    net.run(30_000_000);
    const again = ask('www.example.com');
    expect(net.queries(mark, RESOLVER)).toEqual([]);
    expect(again.answers.map((r) => r.ttl)).toEqual([271, 31, 31]);
    expect(resolver.snapshot(net.now).stats.cacheAnswers).toBe(1);
    // After 61 s the CDN's 60 s records are gone: only the CDN server is asked, via the cached NS.
    net.run(61_100_000);
    const mark2 = net.log.length;
    const third = ask('www.example.com');
    expect(net.queries(mark2, RESOLVER)).toEqual(['A www.example.com.cdn.example.net → 198.51.100.53']);
    // 300 s − 61.1 s = 238.9 s left, handed out rounded up.
    expect(third.answers.map((r) => r.ttl)).toEqual([239, 60, 60]);
    expect(net.log.slice(mark2).find((l) => l.to === CDN)!.send.cause).toContain('cache entry for www.example.com.cdn.example.net CNAME expired');
  });

  it('caches NXDOMAIN for the SOA negative TTL (RFC 2308) and flush empties the cache', () => {
    const { net, resolver, ask } = lab();
    ask('www.example.com');
    const mark = net.log.length;
    const nx = ask('nope.example.com', DnsType.A);
    expect(nx.rcode).toBe(DnsRcode.NXDOMAIN);
    expect(net.queries(mark, RESOLVER)).toEqual(['A nope.example.com → 203.0.113.53']);
    expect(nx.authorities.map((r) => [r.type, r.ttl])).toEqual([[DnsType.SOA, 300]]);
    net.run(net.now + 100_000_000);
    const mark2 = net.log.length;
    const cached = ask('nope.example.com', DnsType.AAAA); // NXDOMAIN covers every type of the name
    expect(cached.rcode).toBe(DnsRcode.NXDOMAIN);
    expect(net.queries(mark2, RESOLVER)).toEqual([]);
    expect(cached.authorities[0].ttl).toBe(200);
    net.run(net.now + 201_000_000);
    const mark3 = net.log.length;
    ask('nope.example.com', DnsType.A);
    expect(net.queries(mark3, RESOLVER)).toEqual(['A nope.example.com → 203.0.113.53']);
    // NODATA: example.com has no AAAA.
    const nodata = ask('example.com', DnsType.AAAA);
    expect(nodata.rcode).toBe(DnsRcode.NOERROR);
    expect(nodata.answers).toEqual([]);
    expect(resolver.snapshot(net.now).cache.some((e) => e.name === 'example.com' && e.type === 'AAAA' && e.kind === 'nodata')).toBe(true);
    expect(resolver.flush()).toBeGreaterThan(5);
    expect(resolver.snapshot(net.now).cache).toEqual([]);
  });

  it('tries the next server after a timeout, with the timeout as cause', () => {
    const { net, ask } = lab();
    net.down.add(NS1);
    const a = ask('mail.example.com');
    expect(a.answers.map(recordToText)).toEqual(['mail.example.com.\t3600\tIN\tA\t203.0.113.25']);
    expect(net.queries(0, RESOLVER).slice(2)).toEqual(['A mail.example.com → 203.0.113.53', 'A mail.example.com → 203.0.113.54']);
    const toNs2 = net.log.find((l) => l.to === NS2)!;
    expect(toNs2.send.cause).toContain('no answer from ns1.example.com (203.0.113.53) within 800 ms');
    // Sent 800 ms after the query to ns1.
    const toNs1 = net.log.find((l) => l.to === NS1)!;
    expect(toNs2.at - toNs1.at).toBe(800_000);
  });

  it('SERVFAILs with a clear cause when every server times out', () => {
    const { net, resolver, ask } = lab({ attemptsPerServer: 2 });
    net.down.add(NS1);
    net.down.add(NS2);
    const a = ask('mail.example.com');
    expect(a.rcode).toBe(DnsRcode.SERVFAIL);
    expect(net.queries(0, RESOLVER).slice(2)).toEqual([
      'A mail.example.com → 203.0.113.53', 'A mail.example.com → 203.0.113.54', 'A mail.example.com → 203.0.113.53', 'A mail.example.com → 203.0.113.54',
    ]);
    expect(net.log[net.log.length - 1].send.cause).toContain('SERVFAIL: no answer from ns2.example.com (203.0.113.54) within 800 ms; no more servers to ask for example.com');
    expect(resolver.snapshot(net.now).stats.timeouts).toBe(4);
  });

  it('resolves an NS name that came without glue before continuing', () => {
    const zone = (origin: string, lines: string[]) => {
      const r = parseZone(['$TTL 3600', `@ SOA ns.${origin}. h.${origin}. 1 1 1 1 60`, ...lines].join('\n'), origin);
      if (!r.ok) throw new Error(JSON.stringify(r.errors));
      return new ZoneIndex(r.value);
    };
    // lab.test is served by ns.dns-host.org: the test zone cannot give glue for a name in org.
    const root = zone('', ['@ NS a.root-servers.net.', 'a.root-servers.net. A 198.41.0.4', 'test. NS ns.nic.test.', 'org. NS ns.nic.test.', 'ns.nic.test. A 192.0.2.1']);
    const test = zone('test', ['@ NS ns.nic', 'ns.nic A 192.0.2.1', 'lab NS ns.dns-host.org.']);
    const org = zone('org', ['@ NS ns.nic.test.', 'dns-host NS ns.dns-host', 'ns.dns-host A 192.0.2.3']);
    const labZone = zone('lab.test', ['@ NS ns.dns-host.org.', 'www A 192.0.2.80']);
    const dnsHost = zone('dns-host.org', ['@ NS ns', 'ns A 192.0.2.3']);
    const net = new TestNet();
    net.add(ROOT, new DnsAuthoritativeServer({ name: 'root', zones: [root] }));
    net.add(ipv4('192.0.2.1'), new DnsAuthoritativeServer({ name: 'ns.nic.test', zones: [test, org] }));
    net.add(ipv4('192.0.2.3'), new DnsAuthoritativeServer({ name: 'ns.dns-host.test', zones: [labZone, dnsHost] }));
    const resolver = new DnsResolver({ name: 'r', mode: 'recursive', rootHints: [{ name: 'a.root-servers.net', address: ROOT }], address: RESOLVER }, new Rng(1));
    net.add(RESOLVER, resolver);
    net.apply(RESOLVER, resolver.lookup(0, 'www.lab.test', DnsType.A, 'tag-1'));
    net.run();
    expect(net.queries(0, RESOLVER)).toEqual([
      'A www.lab.test → 198.41.0.4',
      'A www.lab.test → 192.0.2.1',
      'A ns.dns-host.org → 198.41.0.4',
      'A ns.dns-host.org → 192.0.2.1',
      'A ns.dns-host.org → 192.0.2.3',
      'A www.lab.test → 192.0.2.3',
    ]);
    expect(net.log.filter((l) => l.from === RESOLVER)[2].send.cause).toContain('no address for name server ns.dns-host.org of lab.test (no glue) — resolving it first');
    const ev = net.events[0] as { rcode: number; answers: unknown[]; tag: unknown; queries: number };
    expect(ev).toMatchObject({ rcode: DnsRcode.NOERROR, tag: 'tag-1', queries: 6 });
    expect(ev.answers).toHaveLength(1);
  });

  it('stops CNAME loops and runaway resolutions with SERVFAIL and the reason', () => {
    const loop = parseZone(['$TTL 60', '@ SOA ns h 1 1 1 1 1', '@ NS ns', 'ns A 192.0.2.9', 'a CNAME b', 'b CNAME a'].join('\n'), 'loop.com');
    if (!loop.ok) throw new Error('zone');
    const com = parseZone(['$TTL 60', '@ SOA a.gtld-servers.net. h 1 1 1 1 1', '@ NS a.gtld-servers.net.', 'loop NS ns.loop', 'ns.loop A 192.0.2.9', 'example NS ns1.example', 'ns1.example A 203.0.113.53'].join('\n'), 'com');
    if (!com.ok) throw new Error('zone');
    const { net, ask } = lab({}, [[ipv4('192.0.2.9'), [new ZoneIndex(loop.value)]]]);
    net.add(TLD, new DnsAuthoritativeServer({ name: 'tld', zones: [new ZoneIndex(com.value), zones.net] }));
    const a = ask('a.loop.com');
    expect(a.rcode).toBe(DnsRcode.SERVFAIL);
    expect(net.log[net.log.length - 1].send.cause).toContain('CNAME loop: b.loop.com → a.loop.com was already followed');
    // A query budget of 2 cannot get past the TLD.
    const small = lab({ maxQueries: 2 });
    const b = small.ask('www.example.com');
    expect(b.rcode).toBe(DnsRcode.SERVFAIL);
    expect(small.net.log[small.net.log.length - 1].send.cause).toContain('gave up after 2 upstream queries (limit 2');
  });

  it('uses query IDs and source ports from the seeded RNG: same seed, same bytes', () => {
    const run = () => {
      const { net, ask } = lab();
      ask('www.example.com');
      return net.log.filter((l) => l.from === RESOLVER).map((l) => `${l.send.srcPort} ${Array.from(l.send.payload.subarray(0, 2)).join(',')}`);
    };
    const a = run();
    expect(run()).toEqual(a);
    expect(new Set(a.slice(0, 6).map((x) => x.split(' ')[0])).size).toBe(6);
  });
});
