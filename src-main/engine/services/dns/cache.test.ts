import { describe, it, expect } from 'vitest';
import { ipv4 } from '../../../../src-shared/net/addr';
import { DnsType, type DnsRecord } from '../../../../src-shared/net/wire/dns';
import { CacheRank, DnsCache } from './cache';

const S = 1_000_000;
const a = (name: string, addr: string, ttl: number): DnsRecord => ({ name, type: DnsType.A, class: 1, ttl, data: { kind: 'A', address: ipv4(addr) } });
const soa = (ttl: number, minimum: number): DnsRecord => ({
  name: 'example.com', type: DnsType.SOA, class: 1, ttl,
  data: { kind: 'SOA', mname: 'ns1.example.com', rname: 'hostmaster.example.com', serial: 1, refresh: 7200, retry: 900, expire: 1209600, minimum },
});

describe('DnsCache', () => {
  it('stores an RRset at its smallest TTL and hands it out decremented, rounded up', () => {
    const c = new DnsCache();
    c.putRecords(0, [a('www.example.com', '192.0.2.1', 300), a('www.example.com', '192.0.2.2', 200)], CacheRank.ANSWER);
    const hit = c.get(50_500_000, 'WWW.Example.COM', DnsType.A);
    expect(hit.kind).toBe('positive');
    if (hit.kind !== 'positive') return;
    expect(hit.records.map((r) => r.ttl)).toEqual([150, 150]);
    expect(hit.cause).toBe('cache hit for www.example.com A (150 s left)');
    expect(c.get(200 * S, 'www.example.com', DnsType.A)).toEqual({ kind: 'miss', cause: 'cache entry for www.example.com A expired' });
    expect(c.get(200 * S, 'www.example.com', DnsType.A)).toEqual({ kind: 'miss', cause: 'cache miss for www.example.com A' });
  });

  it('does not let glue replace an authoritative answer, but lets it replace expired data', () => {
    const c = new DnsCache();
    c.putRRset(0, [a('ns1.example.com', '203.0.113.53', 3600)], CacheRank.ANSWER);
    expect(c.putRRset(10 * S, [a('ns1.example.com', '192.0.2.66', 3600)], CacheRank.GLUE)).toBe(false);
    expect(c.records(10 * S, 'ns1.example.com', DnsType.A)![0].data).toEqual({ kind: 'A', address: ipv4('203.0.113.53') });
    expect(c.putRRset(3600 * S, [a('ns1.example.com', '192.0.2.66', 3600)], CacheRank.GLUE)).toBe(true);
  });

  it('caps positive and negative TTLs, caches NXDOMAIN for the whole name and NODATA per type', () => {
    const c = new DnsCache({ maxTtl: 100, maxNegativeTtl: 30 });
    c.putRecords(0, [a('long.example.com', '192.0.2.9', 86400)], CacheRank.ANSWER);
    expect(c.snapshot(0)[0].ttl).toBe(100);
    c.putNegative(0, 'nxdomain', 'gone.example.com', DnsType.A, soa(3600, 300));
    const nx = c.get(S, 'gone.example.com', DnsType.MX);
    expect(nx.kind).toBe('nxdomain');
    if (nx.kind === 'nxdomain') expect(nx.soa!.ttl).toBe(29);
    c.putNegative(0, 'nodata', 'mail.example.com', DnsType.AAAA, soa(60, 300));
    expect(c.get(0, 'mail.example.com', DnsType.AAAA).kind).toBe('nodata');
    expect(c.get(0, 'mail.example.com', DnsType.A).kind).toBe('miss');
    // RFC 2308 §5: no SOA, no negative caching.
    c.putNegative(0, 'nxdomain', 'nosoa.example.com', DnsType.A, undefined);
    expect(c.get(0, 'nosoa.example.com', DnsType.A).kind).toBe('miss');
    // A positive answer ends an NXDOMAIN entry for the name.
    c.putRecords(2 * S, [a('gone.example.com', '192.0.2.10', 60)], CacheRank.ANSWER);
    expect(c.get(2 * S, 'gone.example.com', DnsType.A).kind).toBe('positive');
  });

  it('prunes expired entries, flushes, and lists a snapshot sorted by name and type', () => {
    const c = new DnsCache();
    c.putRecords(0, [a('b.example.com', '192.0.2.2', 10), a('a.example.com', '192.0.2.1', 100)], CacheRank.ANSWER);
    c.putNegative(0, 'nxdomain', 'c.example.com', DnsType.A, soa(60, 60));
    expect(c.snapshot(0).map((e) => `${e.name} ${e.type} ${e.kind} ${e.ttl}`)).toEqual(['a.example.com A positive 100', 'b.example.com A positive 10', 'c.example.com * nxdomain 60']);
    expect(c.prune(10 * S)).toBe(1);
    expect(c.size).toBe(2);
    expect(c.flush()).toBe(2);
    expect(c.snapshot(0)).toEqual([]);
  });
});
