// The host's stub resolver (getaddrinfo): the hosts file first, then the OS cache (by TTL, like
// systemd-resolved or the Windows DNS Client), then the configured servers with glibc's retry rules
// (`timeout:5 attempts:2`, servers in order, RFC 1035 §7.2). And the browser's own small host cache
// (Chrome keeps a resolution for at most 60 s whatever the TTL). Every tier says hit, miss or expiry.
// A truncated answer (TC) is asked again of the same server over TCP, as glibc's res_send does: the
// step carries the query in `tcp` and the engine hands the reply back with `tcpAnswer`.
import { formatIpv4, type Ipv4Address } from '../../../../src-shared/net/addr';
import { lookupHosts, type HostsEntry } from '../../../../src-shared/lab/tables/hosts';
import { canonicalName, DnsRcode, DnsType, emitDns, parseDns, rcodeName, type DnsMessage, type DnsRecord } from '../../../../src-shared/net/wire/dns';
import { CacheRank, DnsCache, type CacheEntrySnapshot } from './cache';
import { DNS_PORT, questionText } from './authoritative';
import { SECOND, type InboundDatagram, type Micros, type OutboundDatagram, type OutboundTcpQuery, type ServiceRng, type ServiceStep } from '../types';

export interface StubConfig {
  /** Host name, for causes. */
  name: string;
  hosts?: HostsEntry[];
  /** Name servers in order (from DHCP or static). */
  servers: Ipv4Address[];
  address?: Ipv4Address;
  /** Per-try timeout (glibc `options timeout:5`). */
  timeout?: Micros;
  /** Rounds over the server list (glibc `options attempts:2`). */
  attempts?: number;
  /** Keep an OS-level cache (default true). */
  osCache?: boolean;
}

export type StubSource = 'hosts' | 'os-cache' | 'network';

export type StubEvent =
  | { kind: 'resolved'; requestId: number; name: string; type: number; source: StubSource; addresses: Ipv4Address[]; records: DnsRecord[]; ttl: number; cause: string }
  | { kind: 'failed'; requestId: number; name: string; type: number; rcode: number | undefined; cause: string };

interface Pending {
  requestId: number;
  name: string;
  type: number;
  id: number;
  port: number;
  server: number; // index into servers
  tries: number;
  deadline: Micros;
}

export interface StubSnapshot {
  servers: string[];
  hosts: { address: string; names: string[] }[];
  osCache: CacheEntrySnapshot[];
  pending: { name: string; server: string; deadline: Micros }[];
}

const HOSTS_TTL = 0;

export class StubResolver {
  readonly cache = new DnsCache();
  private servers: Ipv4Address[];
  private readonly pending = new Map<number, Pending>();
  /** Queries asked again over TCP, by token. */
  private readonly tcpPending = new Map<number, Pending>();
  private nextToken = 1;
  private sends: OutboundDatagram[] = [];
  private tcpSends: OutboundTcpQuery[] = [];
  private events: StubEvent[] = [];

  constructor(readonly config: StubConfig, private readonly rng: ServiceRng) {
    this.servers = [...config.servers];
  }

  /** DHCP or the user changed the name servers. */
  setServers(servers: Ipv4Address[]): void {
    this.servers = [...servers];
  }

  ports(): number[] {
    return [...this.pending.keys()];
  }

  /** getaddrinfo(name): the answer comes as an event with `requestId` (now, or after the network). */
  lookup(now: Micros, name: string, type: number, requestId: number): ServiceStep<StubEvent> {
    const n = canonicalName(name);
    const what = questionText(n, type);
    const fromHosts = type === DnsType.A ? lookupHosts(this.config.hosts ?? [], n) : undefined;
    if (fromHosts !== undefined) {
      this.events.push({
        kind: 'resolved', requestId, name: n, type, source: 'hosts', addresses: [fromHosts], records: [], ttl: HOSTS_TTL,
        cause: `hosts file: ${n} is ${formatIpv4(fromHosts)}`,
      });
      return this.step();
    }
    let why = `${what} is not in the hosts file`;
    if (this.config.osCache ?? true) {
      const c = this.cache.get(now, n, type);
      if (c.kind !== 'miss') {
        if (c.kind === 'positive') {
          const { addresses, records, ttl } = this.chase(n, type, c.records);
          this.events.push({ kind: 'resolved', requestId, name: n, type, source: 'os-cache', addresses, records, ttl, cause: `OS ${c.cause}` });
        } else this.events.push({ kind: 'failed', requestId, name: n, type, rcode: c.kind === 'nxdomain' ? DnsRcode.NXDOMAIN : DnsRcode.NOERROR, cause: `OS ${c.cause}` });
        return this.step();
      }
      why = `OS ${c.cause}`;
      // A cached alias chain: answer from the cache if its end is cached too.
      const chain = this.cachedChain(now, n, type);
      if (chain) {
        const { addresses, records, ttl } = this.chase(n, type, chain);
        this.events.push({ kind: 'resolved', requestId, name: n, type, source: 'os-cache', addresses, records, ttl, cause: `OS cache hit for ${what} through its CNAME chain` });
        return this.step();
      }
    }
    if (this.servers.length === 0) {
      this.events.push({ kind: 'failed', requestId, name: n, type, rcode: undefined, cause: `${why}; no name server configured` });
      return this.step();
    }
    this.send(now, { requestId, name: n, type, id: 0, port: 0, server: 0, tries: 0, deadline: 0 }, why);
    return this.step();
  }

  receive(now: Micros, d: InboundDatagram): ServiceStep<StubEvent> {
    const p = this.pending.get(d.dstPort);
    const parsed = parseDns(d.payload);
    if (!p || !parsed.ok) return this.step();
    const m = parsed.value.message;
    const q = m.questions[0];
    if (!m.qr || m.id !== p.id || d.src !== this.servers[p.server] || !q || canonicalName(q.name) !== p.name || q.type !== p.type) return this.step();
    this.pending.delete(d.dstPort);
    this.answer(now, p, m, formatIpv4(d.src));
    return this.step();
  }

  /**
   * The reply to a TCP query of an earlier step (one DNS message without its length prefix), or
   * `undefined` with the reason when the connection failed or closed without one.
   */
  tcpAnswer(now: Micros, token: number, reply: Uint8Array | undefined, failure = 'the connection closed without an answer'): ServiceStep<StubEvent> {
    const p = this.tcpPending.get(token);
    if (!p) return this.step();
    this.tcpPending.delete(token);
    const server = formatIpv4(this.servers[p.server] ?? 0);
    const parsed = reply ? parseDns(reply) : undefined;
    const m = parsed?.ok ? parsed.value.message : undefined;
    const q = m?.questions[0];
    if (!m || !m.qr || m.id !== p.id || !q || canonicalName(q.name) !== p.name || q.type !== p.type) {
      this.retry(now, p, `no answer over TCP from ${server}: ${parsed && !parsed.ok ? `malformed reply (${parsed.error.message})` : m ? 'the reply does not match the query' : failure}`);
      return this.step();
    }
    if (m.tc) this.retry(now, p, `TC set in a TCP answer from ${server}`);
    else this.answer(now, p, m, `${server} over TCP`);
    return this.step();
  }

  /** A reply that matches pending query `p`. */
  private answer(now: Micros, p: Pending, m: DnsMessage, from: string): void {
    if (m.tc) {
      // glibc asks the same server again over TCP (res_send.c: v_circuit), the same ID and question.
      const token = this.nextToken++;
      p.port = 0;
      p.deadline = now + (this.config.timeout ?? 5 * SECOND);
      this.tcpPending.set(token, p);
      const server = this.servers[p.server];
      this.tcpSends.push({ token, src: this.config.address, dst: server, dstPort: DNS_PORT, payload: emitDns(this.query(p)), cause: `${this.config.name}: truncated answer (TC) from ${from} for ${questionText(p.name, p.type)} — asking ${formatIpv4(server)} again over TCP` });
      return;
    }
    if (m.rcode === DnsRcode.SERVFAIL || m.rcode === DnsRcode.REFUSED) {
      // glibc moves on to the next server for these.
      this.retry(now, p, `${rcodeName(m.rcode)} from ${from}`);
      return;
    }
    const soa = m.authorities.find((r) => r.type === DnsType.SOA);
    if (this.config.osCache ?? true) {
      this.cache.putRecords(now, m.answers, CacheRank.ANSWER);
      if (m.rcode === DnsRcode.NXDOMAIN) this.cache.putNegative(now, 'nxdomain', p.name, p.type, soa);
    }
    const chased = this.chase(p.name, p.type, m.answers);
    if (m.rcode !== DnsRcode.NOERROR || chased.records.length === 0) {
      if (m.rcode === DnsRcode.NOERROR && (this.config.osCache ?? true)) this.cache.putNegative(now, 'nodata', chased.finalName, p.type, soa);
      this.events.push({ kind: 'failed', requestId: p.requestId, name: p.name, type: p.type, rcode: m.rcode, cause: `${rcodeName(m.rcode === DnsRcode.NOERROR ? DnsRcode.NOERROR : m.rcode)} from ${from}: no ${questionText(p.name, p.type)}` });
      return;
    }
    const { addresses, records, ttl } = chased;
    this.events.push({ kind: 'resolved', requestId: p.requestId, name: p.name, type: p.type, source: 'network', addresses, records, ttl, cause: `answer from ${from} for ${questionText(p.name, p.type)}` });
  }

  poll(now: Micros): ServiceStep<StubEvent> {
    for (const p of [...this.pending.values()]) {
      if (p.deadline > now) continue;
      this.pending.delete(p.port);
      this.retry(now, p, `no answer from ${formatIpv4(this.servers[p.server] ?? 0)} within ${(this.config.timeout ?? 5 * SECOND) / SECOND} s`);
    }
    for (const [token, p] of [...this.tcpPending]) {
      if (p.deadline > now) continue;
      this.tcpPending.delete(token);
      this.retry(now, p, `no answer over TCP from ${formatIpv4(this.servers[p.server] ?? 0)} within ${(this.config.timeout ?? 5 * SECOND) / SECOND} s`);
    }
    return this.step();
  }

  flush(): number {
    return this.cache.flush();
  }

  snapshot(now: Micros): StubSnapshot {
    return {
      servers: this.servers.map(formatIpv4),
      hosts: (this.config.hosts ?? []).map((h) => ({ address: h.address, names: h.names })),
      osCache: this.cache.snapshot(now),
      pending: [...this.pending.values(), ...this.tcpPending.values()].map((p) => ({ name: questionText(p.name, p.type), server: formatIpv4(this.servers[p.server] ?? 0), deadline: p.deadline })),
    };
  }

  // -------------------------------------------------------------------------------------------

  private step(): ServiceStep<StubEvent> {
    let next: Micros | undefined;
    for (const p of this.pending.values()) if (next === undefined || p.deadline < next) next = p.deadline;
    for (const p of this.tcpPending.values()) if (next === undefined || p.deadline < next) next = p.deadline;
    const s: ServiceStep<StubEvent> = { sends: this.sends, events: this.events, nextPoll: next };
    if (this.tcpSends.length) {
      s.tcp = this.tcpSends;
      this.tcpSends = [];
    }
    this.sends = [];
    this.events = [];
    return s;
  }

  private retry(now: Micros, p: Pending, why: string): void {
    const attempts = this.config.attempts ?? 2;
    if (p.tries >= attempts * this.servers.length) {
      this.events.push({ kind: 'failed', requestId: p.requestId, name: p.name, type: p.type, rcode: undefined, cause: `${why}; gave up after ${p.tries} tries` });
      return;
    }
    this.send(now, { ...p, server: (p.server + 1) % this.servers.length }, why);
  }

  private send(now: Micros, p: Pending, why: string): void {
    let port = 0;
    do port = 32768 + this.rng.nextInt(28232); // Linux ip_local_port_range 32768–60999
    while (this.pending.has(port));
    p.port = port;
    p.id = this.rng.nextU32() & 0xffff;
    p.tries++;
    p.deadline = now + (this.config.timeout ?? 5 * SECOND);
    this.pending.set(port, p);
    const server = this.servers[p.server];
    this.sends.push({ src: this.config.address, srcPort: port, dst: server, dstPort: DNS_PORT, payload: emitDns(this.query(p)), cause: `${this.config.name}: ${why} — asking ${formatIpv4(server)}${p.tries > 1 ? ` (try ${p.tries})` : ''}` });
  }

  private query(p: Pending): DnsMessage {
    return {
      id: p.id, qr: false, opcode: 0, aa: false, tc: false, rd: true, ra: false, z: false, ad: false, cd: false, rcode: 0,
      questions: [{ name: p.name, type: p.type, class: 1 }], answers: [], authorities: [], additionals: [],
    };
  }

  /** Follows the CNAMEs in `records` from `name` to the data of `type`. */
  private chase(name: string, type: number, records: DnsRecord[]): { addresses: Ipv4Address[]; records: DnsRecord[]; ttl: number; finalName: string } {
    let n = name;
    const used: DnsRecord[] = [];
    for (let i = 0; i < 16; i++) {
      const data = records.filter((r) => canonicalName(r.name) === n && r.type === type);
      if (data.length) {
        used.push(...data);
        break;
      }
      const c = records.find((r) => canonicalName(r.name) === n && r.type === DnsType.CNAME);
      if (!c || c.data.kind !== 'CNAME') break;
      used.push(c);
      n = canonicalName(c.data.target);
    }
    const final = used.filter((r) => r.type === type);
    return {
      records: final.length ? used : [],
      addresses: final.flatMap((r) => (r.data.kind === 'A' ? [r.data.address] : [])),
      ttl: used.length ? Math.min(...used.map((r) => r.ttl)) : 0,
      finalName: n,
    };
  }

  private cachedChain(now: Micros, name: string, type: number): DnsRecord[] | undefined {
    const out: DnsRecord[] = [];
    let n = name;
    for (let i = 0; i < 16; i++) {
      const data = this.cache.records(now, n, type);
      if (data) return out.length ? [...out, ...data] : undefined;
      const c = this.cache.records(now, n, DnsType.CNAME);
      if (!c || c[0].data.kind !== 'CNAME') return undefined;
      out.push(c[0]);
      n = canonicalName(c[0].data.target);
    }
    return undefined;
  }
}

export interface BrowserCacheEntry {
  name: string;
  addresses: string[];
  /** Seconds left. */
  ttl: number;
}

/** The browser's own host cache: a fixed cap per entry (Chrome: 60 s), whatever the DNS TTL. */
export class BrowserDnsCache {
  private readonly entries = new Map<string, { addresses: Ipv4Address[]; expiresAt: Micros }>();

  constructor(readonly capSeconds = 60) {}

  lookup(now: Micros, name: string): { hit: true; addresses: Ipv4Address[]; cause: string } | { hit: false; cause: string } {
    const n = canonicalName(name);
    const e = this.entries.get(n);
    if (!e) return { hit: false, cause: `browser DNS cache miss for ${n}` };
    if (e.expiresAt <= now) {
      this.entries.delete(n);
      return { hit: false, cause: `browser DNS cache entry for ${n} expired (kept at most ${this.capSeconds} s)` };
    }
    return { hit: true, addresses: e.addresses, cause: `browser DNS cache hit for ${n} (${Math.ceil((e.expiresAt - now) / SECOND)} s left)` };
  }

  /** Stores a resolution for min(ttl, cap) seconds (a hosts-file answer, TTL 0, gets the cap). */
  store(now: Micros, name: string, addresses: Ipv4Address[], ttl: number): string {
    const n = canonicalName(name);
    const keep = ttl > 0 ? Math.min(ttl, this.capSeconds) : this.capSeconds;
    this.entries.set(n, { addresses: [...addresses], expiresAt: now + keep * SECOND });
    return `browser DNS cache stores ${n} for ${keep} s`;
  }

  flush(): number {
    const n = this.entries.size;
    this.entries.clear();
    return n;
  }

  snapshot(now: Micros): BrowserCacheEntry[] {
    return [...this.entries]
      .filter(([, e]) => e.expiresAt > now)
      .map(([name, e]) => ({ name, addresses: e.addresses.map(formatIpv4), ttl: Math.ceil((e.expiresAt - now) / SECOND) }))
      .sort((a, b) => a.name.localeCompare(b.name));
  }
}
