// A DNS cache on virtual time, shared by the recursive resolver, the home router's forwarding
// cache and the host's OS cache. RRsets are stored whole with the rank of the data they came from
// (RFC 2181 §5.4.1: an authoritative answer is not overwritten by glue); negative answers are
// stored per RFC 2308 (NXDOMAIN for the name, NODATA for name+type) with the SOA that gives their
// TTL. TTLs are handed out decremented by the time spent in the cache.
import { canonicalName, rdataToText, typeName, type DnsRecord } from '../../../../src-shared/net/wire/dns';
import { SECOND, type Micros } from '../types';

/** Where cached data came from; higher is more trustworthy (RFC 2181 §5.4.1, simplified). */
export const CacheRank = { GLUE: 1, AUTHORITY: 2, ANSWER: 3 } as const;

export interface CacheLimits {
  /** Cap on positive TTLs in seconds (BIND `max-cache-ttl`, default one week). */
  maxTtl: number;
  /** Cap on negative TTLs in seconds (BIND `max-ncache-ttl`, default three hours). */
  maxNegativeTtl: number;
}

export const DEFAULT_CACHE_LIMITS: CacheLimits = { maxTtl: 604800, maxNegativeTtl: 10800 };

interface Entry {
  kind: 'positive' | 'nxdomain' | 'nodata';
  records: DnsRecord[];
  /** The SOA of a negative entry (its TTL is the negative TTL). */
  soa?: DnsRecord;
  rank: number;
  storedAt: Micros;
  expiresAt: Micros;
}

export type CacheLookup =
  | { kind: 'miss'; cause: string }
  | { kind: 'positive'; records: DnsRecord[]; cause: string }
  | { kind: 'nxdomain' | 'nodata'; soa: DnsRecord | undefined; cause: string };

export interface CacheEntrySnapshot {
  name: string;
  type: string;
  kind: 'positive' | 'nxdomain' | 'nodata';
  /** Remaining TTL in seconds. */
  ttl: number;
  records: string[];
  rank: number;
}

const CNAME = 5;
const NX = -1; // type slot of an NXDOMAIN entry (covers every type of the name)
const key = (name: string, type: number) => `${canonicalName(name)}|${type}`;
const show = (name: string) => (name === '' ? '.' : canonicalName(name));

export class DnsCache {
  private readonly entries = new Map<string, Entry>();
  readonly limits: CacheLimits;

  constructor(limits: Partial<CacheLimits> = {}) {
    this.limits = { ...DEFAULT_CACHE_LIMITS, ...limits };
  }

  /** Stores an RRset (all records must share name and type). Returns false if better data is kept. */
  putRRset(now: Micros, records: readonly DnsRecord[], rank: number): boolean {
    if (records.length === 0) return false;
    const k = key(records[0].name, records[0].type);
    const old = this.entries.get(k);
    if (old && old.expiresAt > now && old.kind === 'positive' && old.rank > rank) return false;
    const ttl = Math.min(this.limits.maxTtl, ...records.map((r) => r.ttl));
    this.entries.set(k, { kind: 'positive', records: records.map((r) => ({ ...r, ttl })), rank, storedAt: now, expiresAt: now + ttl * SECOND });
    // A positive answer for the name ends an NXDOMAIN entry.
    this.entries.delete(key(records[0].name, NX));
    return true;
  }

  /** Groups records into RRsets and stores each. */
  putRecords(now: Micros, records: readonly DnsRecord[], rank: number): void {
    const sets = new Map<string, DnsRecord[]>();
    for (const r of records) {
      if (r.type === 41) continue; // OPT is not data
      const k = key(r.name, r.type);
      let list = sets.get(k);
      if (!list) sets.set(k, (list = []));
      list.push(r);
    }
    for (const list of sets.values()) this.putRRset(now, list, rank);
  }

  /** Stores a negative answer; the TTL is min(SOA TTL, SOA minimum) (RFC 2308 §5). */
  putNegative(now: Micros, kind: 'nxdomain' | 'nodata', name: string, type: number, soa: DnsRecord | undefined): void {
    let ttl = 0;
    if (soa && soa.data.kind === 'SOA') ttl = Math.min(soa.ttl, soa.data.minimum);
    ttl = Math.min(ttl, this.limits.maxNegativeTtl);
    // Without an SOA, RFC 2308 §5 says not to cache the negative answer.
    if (ttl <= 0) return;
    const entry: Entry = { kind, records: [], soa: soa && { ...soa, ttl }, rank: CacheRank.ANSWER, storedAt: now, expiresAt: now + ttl * SECOND };
    this.entries.set(key(name, kind === 'nxdomain' ? NX : type), entry);
  }

  /** Looks up name/type; expired entries are removed on the way (and said so in the cause). */
  get(now: Micros, name: string, type: number): CacheLookup {
    const what = `${show(name)} ${typeName(type)}`;
    const nx = this.live(now, key(name, NX));
    if (nx.entry) return { kind: 'nxdomain', soa: this.aged(now, nx.entry).soa, cause: `cache hit: ${show(name)} does not exist (NXDOMAIN, ${this.remaining(now, nx.entry)} s left)` };
    const hit = this.live(now, key(name, type));
    if (hit.entry) {
      const e = this.aged(now, hit.entry);
      if (e.kind === 'positive') return { kind: 'positive', records: e.records, cause: `cache hit for ${what} (${this.remaining(now, hit.entry)} s left)` };
      return { kind: 'nodata', soa: e.soa, cause: `cache hit: ${what} has no data (NODATA, ${this.remaining(now, hit.entry)} s left)` };
    }
    if (nx.expired || hit.expired) return { kind: 'miss', cause: `cache entry for ${what} expired` };
    // An alias that has expired is why a name is missing too.
    if (type !== CNAME && this.live(now, key(name, CNAME)).expired) return { kind: 'miss', cause: `cache entry for ${show(name)} CNAME expired` };
    return { kind: 'miss', cause: `cache miss for ${what}` };
  }

  /** Positive records only, or undefined (no cause needed: used for internal lookups). */
  records(now: Micros, name: string, type: number): DnsRecord[] | undefined {
    const e = this.live(now, key(name, type)).entry;
    return e && e.kind === 'positive' ? this.aged(now, e).records : undefined;
  }

  flush(): number {
    const n = this.entries.size;
    this.entries.clear();
    return n;
  }

  /** Drops expired entries; returns how many. */
  prune(now: Micros): number {
    let n = 0;
    for (const [k, e] of this.entries) {
      if (e.expiresAt > now) continue;
      this.entries.delete(k);
      n++;
    }
    return n;
  }

  /** Live entries for the UI, sorted by name then type. */
  snapshot(now: Micros): CacheEntrySnapshot[] {
    const out: CacheEntrySnapshot[] = [];
    for (const [k, e] of this.entries) {
      if (e.expiresAt <= now) continue;
      const [name, t] = k.split('|');
      const type = Number(t);
      const aged = this.aged(now, e);
      out.push({
        name: name === '' ? '.' : name, type: type === NX ? '*' : typeName(type), kind: e.kind, ttl: this.remaining(now, e), rank: e.rank,
        records: e.kind === 'positive' ? aged.records.map(recordText) : aged.soa ? [recordText(aged.soa)] : [],
      });
    }
    return out.sort((a, b) => (a.name === b.name ? a.type.localeCompare(b.type) : a.name.localeCompare(b.name)));
  }

  get size(): number {
    return this.entries.size;
  }

  private live(now: Micros, k: string): { entry?: Entry; expired: boolean } {
    const e = this.entries.get(k);
    if (!e) return { expired: false };
    if (e.expiresAt <= now) {
      this.entries.delete(k);
      return { expired: true };
    }
    return { entry: e, expired: false };
  }

  private remaining(now: Micros, e: Entry): number {
    return Math.max(0, Math.ceil((e.expiresAt - now) / SECOND));
  }

  /** The entry's records with TTLs decremented to what is left. */
  private aged(now: Micros, e: Entry): { records: DnsRecord[]; soa?: DnsRecord; kind: Entry['kind'] } {
    const ttl = this.remaining(now, e);
    return { kind: e.kind, records: e.records.map((r) => ({ ...r, ttl })), soa: e.soa && { ...e.soa, ttl } };
  }
}

export function recordText(r: DnsRecord): string {
  // Short presentation for snapshots: "www.example.com 300 CNAME www.example.com.cdn.example.net".
  return `${show(r.name)} ${r.ttl} ${typeName(r.type)} ${rdataToText(r.data)}`;
}
