// A caching DNS resolver, sans-IO. Two modes share one cache module:
//  - 'recursive' (the ISP's resolver): iterative resolution from root hints (RFC 1034 §5.3.3):
//    root → TLD → authoritative, following referrals and in-bailiwick glue, resolving NS names that
//    came without glue, following CNAMEs across zones, caching positive and negative (RFC 2308)
//    answers by TTL;
//  - 'forwarding' (the home router, like dnsmasq): sends the client's question to an upstream
//    resolver with RD set and caches what comes back.
// Query IDs and source ports come from the caller's seeded RNG; every upstream query has a timeout
// after which the next server is tried. A truncated UDP answer (TC) is asked again of the same
// server over TCP, as BIND does (RFC 7766 §5): the step carries the query in `tcp` and the engine
// hands the reply back with `tcpAnswer`. Guards: a query budget per client question, a CNAME chain
// limit and an NS-lookup depth limit, each ending in SERVFAIL with the reason as cause.
import type { Ipv4Address } from '../../../../src-shared/net/addr';
import { formatIpv4, parseIpv4 } from '../../../../src-shared/net/addr';
import {
  canonicalName, DnsRcode, DnsType, emitDns, parseDns, rcodeName, typeName, type DnsMessage, type DnsRecord,
} from '../../../../src-shared/net/wire/dns';
import { LAB_EDNS_UDP_SIZE } from '../../../../src-shared/lab/tables/zone-answer';
import { CacheRank, DnsCache, type CacheEntrySnapshot, type CacheLimits } from './cache';
import { DNS_PORT, questionText, UDP_PLAIN_LIMIT } from './authoritative';
import type { InboundDatagram, Micros, OutboundDatagram, OutboundTcpQuery, ServiceRng, ServiceStep, TcpReply } from '../types';

export interface NameServerHint {
  name: string;
  address: Ipv4Address;
}

export interface ResolverConfig {
  /** For causes ("isp-resolver"). */
  name: string;
  mode: 'recursive' | 'forwarding';
  /** Root hints (recursive mode). */
  rootHints?: NameServerHint[];
  /** Upstream resolvers, tried in order (forwarding mode). */
  forwarders?: Ipv4Address[];
  /**
   * Per-domain upstreams (dnsmasq `--server=/example.test/192.0.2.53`), longest match first; a name
   * that matches none and has no default forwarder is REFUSED, as dnsmasq with --no-resolv does.
   */
  domainForwarders?: { domain: string; servers: Ipv4Address[] }[];
  /** Names the router answers itself, authoritatively (dnsmasq `--host-record`, TTL as given). */
  localRecords?: DnsRecord[];
  /** Our own address, used as the source of upstream queries (undefined = the host chooses). */
  address?: Ipv4Address;
  /** Wait for an upstream answer before trying the next server (default 800 ms, BIND's first RTO). */
  timeout?: Micros;
  /** Wait for a DNS-over-TCP exchange (connect, query, answer) before trying the next server (default 4 × timeout). */
  tcpTimeout?: Micros;
  /** Times each server is tried for one question (default 2). */
  attemptsPerServer?: number;
  /** Upstream queries allowed for one client question, NS lookups included (default 40). */
  maxQueries?: number;
  /** CNAMEs followed for one question (default 8). */
  maxCnameChain?: number;
  /** Nested lookups of NS names without glue (default 4). */
  maxNsDepth?: number;
  cache?: Partial<CacheLimits>;
}

export type ResolverEvent =
  | { kind: 'answered'; qname: string; qtype: number; rcode: number; answers: DnsRecord[]; queries: number; fromCache: boolean; tag?: unknown; cause: string };

interface Waiter {
  /** A network client (reply by UDP, or on its TCP connection `tcp`) or an internal lookup (reported as an event). */
  client?: { src: Ipv4Address; srcPort: number; dst: Ipv4Address; dstPort: number; query: DnsMessage; tcp?: number };
  tag?: unknown;
}

interface Candidate {
  name: string;
  tries: number;
  /** An NS-name lookup for it failed. */
  dead: boolean;
}

interface Outstanding {
  id: number;
  /** UDP source port; 0 for a TCP query. */
  port: number;
  /** TCP query token (0 for UDP). */
  token: number;
  server: Ipv4Address;
  serverName: string;
  qname: string;
  qtype: number;
  deadline: Micros;
}

interface Budget {
  queries: number;
}

interface Resolution {
  qname: string;
  qtype: number;
  /** The name being resolved now (the end of the CNAME chain so far). */
  name: string;
  chain: DnsRecord[];
  waiters: Waiter[];
  parent?: Resolution;
  depth: number;
  budget: Budget;
  zone: string;
  candidates: Candidate[];
  outstanding?: Outstanding;
  child?: Resolution;
  done: boolean;
  fromCache: boolean;
}

export interface ResolverSnapshot {
  name: string;
  mode: 'recursive' | 'forwarding';
  cache: CacheEntrySnapshot[];
  pending: { question: string; name: string; zone: string; server?: string; deadline?: Micros }[];
  stats: { clientQueries: number; cacheAnswers: number; upstreamQueries: number; tcpQueries: number; timeouts: number; servfails: number };
}

const show = (n: string) => (n === '' ? '.' : canonicalName(n));
const isUnder = (name: string, zone: string) => zone === '' || name === zone || name.endsWith('.' + zone);
const zoneLabel = (z: string) => (z === '' ? 'a root server' : `a ${z} server`);

export class DnsResolver {
  readonly cache: DnsCache;
  private readonly active: Resolution[] = [];
  private readonly byPort = new Map<number, Resolution>();
  private readonly byToken = new Map<number, Resolution>();
  private nextToken = 1;
  private readonly stats = { clientQueries: 0, cacheAnswers: 0, upstreamQueries: 0, tcpQueries: 0, timeouts: 0, servfails: 0 };
  private readonly timeout: Micros;
  private readonly tcpTimeout: Micros;
  private readonly attempts: number;
  private readonly maxQueries: number;
  private readonly maxChain: number;
  private readonly maxDepth: number;
  private sends: OutboundDatagram[] = [];
  private tcpSends: OutboundTcpQuery[] = [];
  private tcpReplies: TcpReply[] = [];
  private events: ResolverEvent[] = [];

  constructor(readonly config: ResolverConfig, private readonly rng: ServiceRng, cache?: DnsCache) {
    this.cache = cache ?? new DnsCache(config.cache);
    this.timeout = config.timeout ?? 800_000;
    this.tcpTimeout = config.tcpTimeout ?? 4 * this.timeout;
    this.attempts = config.attemptsPerServer ?? 2;
    this.maxQueries = config.maxQueries ?? 40;
    this.maxChain = config.maxCnameChain ?? 8;
    this.maxDepth = config.maxNsDepth ?? 4;
  }

  /** UDP ports this resolver must receive on: 53 plus the source ports of outstanding queries. */
  ports(): number[] {
    return [DNS_PORT, ...this.byPort.keys()];
  }

  /** A datagram for port 53 (a client's question) or for one of our query ports (an upstream answer). */
  receive(now: Micros, d: InboundDatagram): ServiceStep<ResolverEvent> {
    const parsed = parseDns(d.payload);
    if (parsed.ok) {
      const m = parsed.value.message;
      if (!m.qr && d.dstPort === DNS_PORT) this.clientQuery(now, d, m);
      else if (m.qr && this.byPort.has(d.dstPort)) this.upstreamAnswer(now, d, m);
    }
    return this.flushStep();
  }

  /**
   * A client's question over TCP (RFC 7766: after our truncated UDP answer): `connection` names its
   * connection; the answer comes back in the step's `tcpReplies` with that token, never truncated.
   */
  tcpClientQuery(now: Micros, connection: number, d: Omit<InboundDatagram, 'payload'>, message: Uint8Array): ServiceStep<ResolverEvent> {
    const parsed = parseDns(message);
    if (parsed.ok && !parsed.value.message.qr) this.clientQuery(now, d, parsed.value.message, connection);
    return this.flushStep();
  }

  /** An internal lookup (a dig on the router, the host tools); the answer comes as an event with `tag`. */
  lookup(now: Micros, name: string, type: number, tag?: unknown): ServiceStep<ResolverEvent> {
    this.start(now, canonicalName(name), type, { tag }, `lookup of ${questionText(name, type)}`);
    return this.flushStep();
  }

  /**
   * The reply to a TCP query of an earlier step (`reply` is one DNS message without its length
   * prefix), or `undefined` with the reason when the connection failed or closed without one.
   */
  tcpAnswer(now: Micros, token: number, reply: Uint8Array | undefined, failure = 'the connection closed without an answer'): ServiceStep<ResolverEvent> {
    const r = this.byToken.get(token);
    const o = r?.outstanding;
    if (!r || !o) return this.flushStep();
    const parsed = reply ? parseDns(reply) : undefined;
    if (!parsed?.ok) {
      this.release(r);
      this.sendNext(now, r, `no answer over TCP from ${o.serverName} (${formatIpv4(o.server)}): ${parsed ? `malformed reply (${parsed.error.message})` : failure}`);
    } else this.accept(now, r, o, parsed.value.message, 'TCP');
    return this.flushStep();
  }

  /** Timeouts. */
  poll(now: Micros): ServiceStep<ResolverEvent> {
    for (const r of [...this.byPort.values(), ...this.byToken.values()]) {
      const o = r.outstanding;
      if (!o || o.deadline > now) continue;
      this.stats.timeouts++;
      this.release(r);
      this.sendNext(now, r, `no answer from ${o.serverName} (${formatIpv4(o.server)}) within ${(o.token ? this.tcpTimeout : this.timeout) / 1000} ms${o.token ? ' over TCP' : ''}`);
    }
    return this.flushStep();
  }

  flush(): number {
    return this.cache.flush();
  }

  nextPoll(): Micros | undefined {
    let next: Micros | undefined;
    for (const map of [this.byPort, this.byToken]) for (const r of map.values()) if (r.outstanding && (next === undefined || r.outstanding.deadline < next)) next = r.outstanding.deadline;
    return next;
  }

  snapshot(now: Micros): ResolverSnapshot {
    return {
      name: this.config.name, mode: this.config.mode, cache: this.cache.snapshot(now), stats: { ...this.stats },
      pending: this.active.filter((r) => !r.done).map((r) => ({
        question: questionText(r.qname, r.qtype), name: show(r.name), zone: show(r.zone),
        server: r.outstanding && `${r.outstanding.serverName} (${formatIpv4(r.outstanding.server)})${r.outstanding.token ? ' over TCP' : ''}`, deadline: r.outstanding?.deadline,
      })),
    };
  }

  // -------------------------------------------------------------------------------------------

  private flushStep(): ServiceStep<ResolverEvent> {
    const step: ServiceStep<ResolverEvent> = { sends: this.sends, events: this.events, nextPoll: this.nextPoll() };
    if (this.tcpSends.length) {
      step.tcp = this.tcpSends;
      this.tcpSends = [];
    }
    if (this.tcpReplies.length) {
      step.tcpReplies = this.tcpReplies;
      this.tcpReplies = [];
    }
    this.sends = [];
    this.events = [];
    return step;
  }

  private clientQuery(now: Micros, d: Omit<InboundDatagram, 'payload'>, m: DnsMessage, tcp?: number): void {
    this.stats.clientQueries++;
    const client = { src: d.src, srcPort: d.srcPort, dst: d.dst, dstPort: d.dstPort, query: m, ...(tcp !== undefined ? { tcp } : {}) };
    if (m.opcode !== 0 || m.questions.length !== 1) {
      this.reply(client, m.questions.length !== 1 ? DnsRcode.FORMERR : DnsRcode.NOTIMP, [], [], `${this.config.name}: cannot handle this query (${m.questions.length} questions, opcode ${m.opcode})`);
      return;
    }
    const q = m.questions[0];
    const name = canonicalName(q.name);
    const local = this.config.localRecords?.filter((r) => canonicalName(r.name) === name && r.type === q.type);
    if (local?.length) {
      this.stats.cacheAnswers++;
      this.reply(client, DnsRcode.NOERROR, local, [], `${this.config.name}: ${questionText(name, q.type)} is a local name of this router`, undefined, true);
      return;
    }
    // Coalesce identical questions already being resolved.
    const same = this.active.find((r) => !r.done && !r.parent && r.qname === name && r.qtype === q.type);
    if (same) {
      same.waiters.push({ client });
      return;
    }
    this.start(now, name, q.type, { client }, `query for ${questionText(name, q.type)} from ${formatIpv4(d.src)}`);
  }

  private start(now: Micros, name: string, type: number, waiter: Waiter, why: string, parent?: Resolution): Resolution {
    const r: Resolution = {
      qname: name, qtype: type, name, chain: [], waiters: parent ? [] : [waiter], parent, depth: parent ? parent.depth + 1 : 0,
      budget: parent ? parent.budget : { queries: 0 }, zone: '', candidates: [], done: false, fromCache: true,
    };
    this.active.push(r);
    this.advance(now, r, why);
    return r;
  }

  /** Answers from the cache as far as it goes, then asks the closest known servers. */
  private advance(now: Micros, r: Resolution, why: string): void {
    for (;;) {
      const c = this.cache.get(now, r.name, r.qtype);
      if (c.kind === 'positive') return this.finish(now, r, DnsRcode.NOERROR, [...r.chain, ...c.records], [], `${why}: ${c.cause}`);
      if (c.kind === 'nxdomain' || c.kind === 'nodata') return this.finish(now, r, c.kind === 'nxdomain' ? DnsRcode.NXDOMAIN : DnsRcode.NOERROR, r.chain, c.soa ? [c.soa] : [], `${why}: ${c.cause}`);
      const cname = r.qtype === DnsType.CNAME ? undefined : this.cache.records(now, r.name, DnsType.CNAME);
      if (cname && cname[0].data.kind === 'CNAME') {
        if (!this.followCname(now, r, cname[0])) return;
        why = `${why}: cache hit ${show(cname[0].name)} CNAME ${show(cname[0].data.target)}`;
        continue;
      }
      why = `${why}: ${c.cause}`;
      break;
    }
    r.fromCache = false;
    if (this.config.mode === 'forwarding') {
      r.zone = '';
      const upstream = this.forwardersFor(r.name);
      if (upstream.length === 0) return this.finish(now, r, DnsRcode.REFUSED, [], [], `${why}; no upstream server for ${show(r.name)}: REFUSED`);
      r.candidates = upstream.map((a) => ({ name: formatIpv4(a), tries: 0, dead: false }));
      return this.sendNext(now, r, why);
    }
    // The deepest zone whose NS RRset is cached; the root hints otherwise.
    for (let n = r.name; ; n = n.includes('.') ? n.slice(n.indexOf('.') + 1) : '') {
      const ns = this.cache.records(now, n, DnsType.NS);
      if (ns) {
        r.zone = n;
        r.candidates = ns.flatMap((x) => (x.data.kind === 'NS' ? [{ name: canonicalName(x.data.target), tries: 0, dead: false }] : []));
        break;
      }
      if (n === '') {
        r.zone = '';
        r.candidates = (this.config.rootHints ?? []).map((h) => ({ name: canonicalName(h.name), tries: 0, dead: false }));
        break;
      }
    }
    this.sendNext(now, r, why);
  }

  private forwardersFor(name: string): Ipv4Address[] {
    let best: { domain: string; servers: Ipv4Address[] } | undefined;
    for (const f of this.config.domainForwarders ?? []) {
      const d = canonicalName(f.domain);
      if (isUnder(name, d) && (!best || d.length > best.domain.length)) best = { domain: d, servers: f.servers };
    }
    return best ? best.servers : (this.config.forwarders ?? []);
  }

  private addressOf(now: Micros, name: string): Ipv4Address | undefined {
    if (this.config.mode === 'forwarding') {
      const parsed = parseIpv4(name);
      return parsed.ok ? parsed.value : undefined;
    }
    const a = this.cache.records(now, name, DnsType.A);
    if (a && a[0].data.kind === 'A') return a[0].data.address;
    return this.config.rootHints?.find((h) => canonicalName(h.name) === name)?.address;
  }

  /** Sends the question to the next usable server, starts an NS-name lookup, or gives up. */
  private sendNext(now: Micros, r: Resolution, why: string): void {
    if (r.done) return;
    if (r.budget.queries >= this.maxQueries) return this.fail(now, r, `${why}; gave up after ${r.budget.queries} upstream queries (limit ${this.maxQueries}: referral or CNAME loop?)`);
    for (let round = 0; round < this.attempts; round++) {
      for (const c of r.candidates) {
        if (c.dead || c.tries !== round) continue;
        const address = this.addressOf(now, c.name);
        if (address === undefined) continue;
        c.tries++;
        return this.sendQuery(now, r, c.name, address, why);
      }
    }
    // No candidate with a known address left: look up an NS name that came without glue.
    const unresolved = r.candidates.find((c) => !c.dead && c.tries === 0 && this.addressOf(now, c.name) === undefined);
    if (unresolved && this.config.mode === 'recursive') {
      if (r.depth >= this.maxDepth) return this.fail(now, r, `${why}; NS name lookups nested deeper than ${this.maxDepth}`);
      unresolved.tries = this.attempts; // looked up once
      r.child = this.start(now, unresolved.name, DnsType.A, {}, `${why}; no address for name server ${unresolved.name} of ${show(r.zone)} (no glue) — resolving it first`, r);
      return;
    }
    this.fail(now, r, `${why}; no more servers to ask for ${show(r.zone)}`);
  }

  private sendQuery(now: Micros, r: Resolution, serverName: string, server: Ipv4Address, why: string, tcp = false): void {
    let port = 0;
    if (!tcp) {
      do port = 1024 + this.rng.nextInt(65536 - 1024);
      while (this.byPort.has(port) || port === DNS_PORT);
    }
    const id = this.rng.nextU32() & 0xffff;
    const forwarding = this.config.mode === 'forwarding';
    const query: DnsMessage = {
      id, qr: false, opcode: 0, aa: false, tc: false, rd: forwarding, ra: false, z: false, ad: false, cd: false, rcode: 0,
      questions: [{ name: r.name, type: r.qtype, class: 1 }], answers: [], authorities: [], additionals: [],
      edns: { udpSize: LAB_EDNS_UDP_SIZE, extendedRcode: 0, version: 0, dnssecOk: false, z: 0, options: [] },
    };
    const token = tcp ? this.nextToken++ : 0;
    r.outstanding = { id, port, token, server, serverName, qname: r.name, qtype: r.qtype, deadline: now + (tcp ? this.tcpTimeout : this.timeout) };
    r.budget.queries++;
    this.stats.upstreamQueries++;
    const target = forwarding ? `forwarding to ${serverName}` : `asking ${zoneLabel(r.zone)} (${serverName} ${formatIpv4(server)})`;
    const cause = `${why} — ${target} for ${questionText(r.name, r.qtype)}`;
    if (tcp) {
      this.stats.tcpQueries++;
      this.byToken.set(token, r);
      this.tcpSends.push({ token, src: this.config.address, dst: server, dstPort: DNS_PORT, payload: emitDns(query), cause: `${cause} over TCP` });
    } else {
      this.byPort.set(port, r);
      this.sends.push({ src: this.config.address, srcPort: port, dst: server, dstPort: DNS_PORT, payload: emitDns(query), cause });
    }
  }

  private release(r: Resolution): void {
    if (r.outstanding) {
      if (r.outstanding.token) this.byToken.delete(r.outstanding.token);
      else this.byPort.delete(r.outstanding.port);
    }
    r.outstanding = undefined;
  }

  private upstreamAnswer(now: Micros, d: InboundDatagram, m: DnsMessage): void {
    const r = this.byPort.get(d.dstPort)!;
    const o = r.outstanding!;
    // RFC 5452 §9.1: the answer must come from the server asked (to the port used), with our ID and our question.
    if (d.src !== o.server || d.srcPort !== DNS_PORT) return;
    this.accept(now, r, o, m, 'UDP');
  }

  /** An upstream reply over either transport: checked against the query, then used. */
  private accept(now: Micros, r: Resolution, o: Outstanding, m: DnsMessage, transport: 'UDP' | 'TCP'): void {
    const q = m.questions[0];
    if (!m.qr || m.id !== o.id || !q || canonicalName(q.name) !== o.qname || q.type !== o.qtype) {
      if (transport === 'UDP') return; // maybe a spoofing attempt: keep waiting (RFC 5452)
      this.release(r);
      return this.sendNext(now, r, `reply over TCP from ${o.serverName} (${formatIpv4(o.server)}) does not match the query`);
    }
    this.release(r);
    const from = `${o.serverName} (${formatIpv4(o.server)})${transport === 'TCP' ? ' over TCP' : ''}`;
    if (m.tc) {
      // RFC 7766 §5: ask the same server again over TCP (a TC over TCP means a broken server).
      if (transport === 'UDP') return this.sendQuery(now, r, o.serverName, o.server, `truncated answer (TC) from ${from}: retrying over TCP`, true);
      return this.sendNext(now, r, `TC set in a TCP answer from ${from}`);
    }
    if (m.rcode !== DnsRcode.NOERROR && m.rcode !== DnsRcode.NXDOMAIN) return this.sendNext(now, r, `${rcodeName(m.rcode)} from ${from}`);
    const forwarding = this.config.mode === 'forwarding';
    // Only a forwarder's own, unchased question is relayed verbatim.
    const relayed = forwarding && r.qname === r.name ? m : undefined;
    const rank = m.aa || forwarding ? CacheRank.ANSWER : CacheRank.AUTHORITY;
    // Walk the answer's CNAME chain from the name we asked about.
    const answers = m.answers.filter((a) => a.class === 1);
    let name = r.name;
    const chainBefore = r.chain.length;
    for (let i = 0; i <= this.maxChain; i++) {
      const data = answers.filter((a) => canonicalName(a.name) === name && (a.type === r.qtype || r.qtype === DnsType.ANY));
      if (data.length) {
        this.cache.putRecords(now, data, rank);
        return this.finish(now, r, DnsRcode.NOERROR, [...r.chain, ...data], [], `answer from ${from}: ${data.length} ${typeName(r.qtype)} record(s) for ${show(name)}`, relayed);
      }
      const cname = answers.find((a) => canonicalName(a.name) === name && a.type === DnsType.CNAME);
      if (!cname || cname.data.kind !== 'CNAME') break;
      this.cache.putRRset(now, [cname], rank);
      if (!this.followCname(now, r, cname)) return;
      name = r.name;
    }
    const soa = m.authorities.find((a) => a.type === DnsType.SOA);
    if (m.rcode === DnsRcode.NXDOMAIN) {
      this.cache.putNegative(now, 'nxdomain', r.name, r.qtype, soa);
      return this.finish(now, r, DnsRcode.NXDOMAIN, r.chain, soa ? [this.negativeSoa(soa)] : [], `NXDOMAIN from ${from}: ${show(r.name)} does not exist${soa ? ` (cached for ${this.negativeSoa(soa).ttl} s)` : ''}`, relayed);
    }
    if (r.chain.length > chainBefore && !soa) {
      const alias = `${show(r.chain[r.chain.length - 1].name)} is an alias for ${show(r.name)} (from ${from})`;
      // A forwarder's upstream already chased the chain: what it sent is the whole answer.
      if (forwarding) return this.finish(now, r, DnsRcode.NOERROR, r.chain, [], `answer from ${from}: ${alias}, no ${typeName(r.qtype)} data`, relayed);
      // The target is outside the answering server's data: resolve it from the closest cached zone.
      return this.advance(now, r, alias);
    }
    const ns = m.authorities.filter((a) => a.type === DnsType.NS);
    const cut = ns.length ? canonicalName(ns[0].name) : undefined;
    if (!forwarding && !soa && cut !== undefined && isUnder(r.name, cut) && cut !== r.zone && isUnder(cut, r.zone)) {
      // A referral to a deeper zone: cache its NS RRset and the in-bailiwick glue.
      this.cache.putRRset(now, ns.filter((a) => canonicalName(a.name) === cut), CacheRank.AUTHORITY);
      const glue = m.additionals.filter((a) => (a.type === DnsType.A || a.type === DnsType.AAAA) && isUnder(canonicalName(a.name), r.zone));
      this.cache.putRecords(now, glue, CacheRank.GLUE);
      const targets = ns.flatMap((a) => (a.data.kind === 'NS' ? [canonicalName(a.data.target)] : []));
      r.zone = cut;
      r.candidates = targets.map((t) => ({ name: t, tries: 0, dead: false }));
      const withGlue = targets.filter((t) => glue.some((g) => canonicalName(g.name) === t)).length;
      return this.sendNext(now, r, `referral from ${from}: ${show(cut)} is served by ${targets.join(', ')} (${withGlue ? `${withGlue} with glue` : 'no glue'})`);
    }
    if (!forwarding && !soa && ns.length) return this.sendNext(now, r, `lame referral from ${from} (to ${show(cut ?? '')}, not below ${show(r.zone)})`);
    if (!forwarding && !m.aa && !soa) return this.sendNext(now, r, `useless answer from ${from} (no data, no referral, not authoritative)`);
    this.cache.putNegative(now, 'nodata', r.name, r.qtype, soa);
    this.finish(now, r, DnsRcode.NOERROR, r.chain, soa ? [this.negativeSoa(soa)] : [], `NODATA from ${from}: ${questionText(r.name, r.qtype)} has no records${soa ? ` (cached for ${this.negativeSoa(soa).ttl} s)` : ''}`, relayed);
  }

  private negativeSoa(soa: DnsRecord): DnsRecord {
    return soa.data.kind === 'SOA' ? { ...soa, ttl: Math.min(soa.ttl, soa.data.minimum) } : soa;
  }

  /** Appends a CNAME to the chain; false (and SERVFAIL) on a loop or an over-long chain. */
  private followCname(now: Micros, r: Resolution, cname: DnsRecord): boolean {
    if (cname.data.kind !== 'CNAME') return false;
    const target = canonicalName(cname.data.target);
    if (r.chain.some((c) => canonicalName(c.name) === target) || target === r.qname) {
      this.fail(now, r, `CNAME loop: ${show(cname.name)} → ${show(target)} was already followed`);
      return false;
    }
    if (r.chain.length >= this.maxChain) {
      this.fail(now, r, `CNAME chain longer than ${this.maxChain} at ${show(cname.name)}`);
      return false;
    }
    r.chain.push(cname);
    r.name = target;
    return true;
  }

  private fail(now: Micros, r: Resolution, why: string): void {
    this.stats.servfails++;
    this.finish(now, r, DnsRcode.SERVFAIL, [], [], `SERVFAIL: ${why}`);
  }

  private finish(now: Micros, r: Resolution, rcode: number, answers: DnsRecord[], authorities: DnsRecord[], why: string, relay?: DnsMessage): void {
    if (r.done) return;
    r.done = true;
    this.release(r);
    const i = this.active.indexOf(r);
    if (i >= 0) this.active.splice(i, 1);
    if (r.parent) {
      const p = r.parent;
      p.child = undefined;
      const c = p.candidates.find((x) => x.name === r.qname);
      if (rcode !== DnsRcode.NOERROR || !answers.some((a) => a.type === DnsType.A)) {
        if (c) c.dead = true;
      } else if (c) c.tries = 0;
      return this.sendNext(now, p, `${why} (name server ${show(r.qname)} for ${show(p.zone)})`);
    }
    if (r.fromCache) this.stats.cacheAnswers++;
    const queries = r.budget.queries;
    const summary = `${why}${queries ? ` — ${queries} upstream quer${queries === 1 ? 'y' : 'ies'}` : ''}`;
    for (const w of r.waiters) {
      if (w.client) this.reply(w.client, rcode, answers, authorities, `${this.config.name}: ${summary}`, relay);
      else this.events.push({ kind: 'answered', qname: r.qname, qtype: r.qtype, rcode, answers, queries, fromCache: r.fromCache, tag: w.tag, cause: `${this.config.name}: ${summary}` });
    }
  }

  private reply(client: NonNullable<Waiter['client']>, rcode: number, answers: DnsRecord[], authorities: DnsRecord[], cause: string, relay?: DnsMessage, authoritative = false): void {
    const q = client.query;
    // A forwarder passes a fresh upstream answer through with the client's ID (as dnsmasq does).
    const response: DnsMessage = relay
      ? { ...relay, id: q.id, rd: q.rd, ra: true, questions: q.questions.slice(0, 1) }
      : {
          id: q.id, qr: true, opcode: q.opcode, aa: authoritative, tc: false, rd: q.rd, ra: true, z: false, ad: false, cd: q.cd, rcode,
          questions: q.questions.slice(0, 1), answers, authorities, additionals: [],
        };
    delete response.edns;
    if (q.edns) response.edns = { udpSize: LAB_EDNS_UDP_SIZE, extendedRcode: 0, version: 0, dnssecOk: false, z: 0, options: [] };
    let payload = emitDns(response);
    if (client.tcp !== undefined) {
      this.tcpReplies.push({ connection: client.tcp, payload, cause });
      return;
    }
    const limit = q.edns ? Math.max(UDP_PLAIN_LIMIT, Math.min(q.edns.udpSize, LAB_EDNS_UDP_SIZE)) : UDP_PLAIN_LIMIT;
    if (payload.length > limit) {
      response.answers = [];
      response.authorities = [];
      response.tc = true;
      payload = emitDns(response);
      cause += ' (truncated: TC)';
    }
    this.sends.push({ src: client.dst, srcPort: client.dstPort, dst: client.src, dstPort: client.srcPort, payload, cause });
  }
}
