// A DHCP server (RFC 2131), sans-IO: pools (ranges and the options they hand out), static
// reservations by MAC, leases that expire in virtual time; DISCOVER → OFFER, REQUEST → ACK/NAK in
// the SELECTING, INIT-REBOOT, RENEWING and REBINDING forms (§4.3.2), RELEASE, DECLINE, INFORM;
// relayed requests (giaddr) pick the pool of the relay's subnet and are answered to the relay on
// port 67 (§4.1). An optional probe (dnsmasq and ISC dhcpd ping an address before offering it) is
// left to the engine: the server asks with a 'probe' event and continues on `probeResult`.
// Without `authoritative` (ISC's default) it never sends DHCPNAK. `leasesFile` writes the lease
// table as ISC dhcpd writes dhcpd.leases (read back by `dhcpd -T` in the tests).
import { formatMac, macToKey, type Ipv4Address, type MacAddress } from '../../../../src-shared/net/addr';
import {
  BootpOp, DhcpMessageType, decodeDhcpOptions, dhcpMessageTypeName, emitDhcp, encodeDhcpOptions, parseDhcp,
  type DhcpOptionValues, type DhcpRepr,
} from '../../../../src-shared/net/wire/dhcp';
import { effectiveParameters, type DhcpdConfig, type DhcpdOptions } from '../../../../src-shared/lab/tables/dhcpd';
import { SECOND, type InboundDatagram, type Micros, type OutboundDatagram, type ServiceStep } from '../types';
import { BROADCAST, bootp, DHCP_CLIENT_PORT, DHCP_SERVER_PORT, ip } from './common';

export interface DhcpPool {
  name?: string;
  network: Ipv4Address;
  netmask: Ipv4Address;
  ranges: { start: Ipv4Address; end: Ipv4Address }[];
  /** subnet mask (default: netmask), routers, DNS servers, domain name, broadcast address. */
  options: DhcpdOptions;
  /** Seconds. */
  defaultLeaseTime: number;
  maxLeaseTime: number;
  /** NAK wrong requests on this network (a subnet's own `authoritative`; default: the server's). */
  authoritative?: boolean;
}

export interface DhcpReservation {
  mac: MacAddress;
  address: Ipv4Address;
  /** Options for this host only (host-name …). */
  options?: DhcpdOptions;
}

export interface DhcpServerConfig {
  /** For causes ("home-router"). */
  name: string;
  /** Our address: the server identifier (option 54) and the source of replies. */
  serverId: Ipv4Address;
  pools: DhcpPool[];
  reservations?: DhcpReservation[];
  /** NAK requests for addresses that are wrong for the client's network (ISC `authoritative`). */
  authoritative?: boolean;
  /** How long an offered address is held for the client (default 60 s). */
  offerHold?: Micros;
  /** Ask the engine to probe an address (ping) before offering it. */
  probe?: boolean;
}

export type LeaseState = 'offered' | 'bound' | 'released' | 'expired' | 'declined';

export interface Lease {
  address: Ipv4Address;
  mac: MacAddress;
  clientKey: string;
  state: LeaseState;
  /** Virtual time the lease (or offer, release, decline) started. */
  starts: Micros;
  /** Virtual time the lease (or offer hold, or decline quarantine) ends. */
  expiresAt: Micros;
  hostname?: string;
}

export type DhcpServerEvent =
  | { kind: 'lease'; action: LeaseState | 'renewed' | 'nak' | 'informed'; address: Ipv4Address; mac: string; cause: string }
  | { kind: 'probe'; token: number; address: Ipv4Address; cause: string };

export interface DhcpServerSnapshot {
  name: string;
  serverId: string;
  pools: { name: string; network: string; ranges: string[]; free: number }[];
  leases: { address: string; mac: string; state: LeaseState; expiresIn: number; hostname?: string }[];
}

interface PendingProbe {
  token: number;
  request: DhcpRepr;
  values: DhcpOptionValues;
  pool: DhcpPool;
  address: Ipv4Address;
  tried: Set<Ipv4Address>;
}

/** dhcpd.leases `binding state` for each of our states (an offer is not a binding yet). */
const BINDING: Record<LeaseState, string> = { offered: 'free', bound: 'active', released: 'released', expired: 'expired', declined: 'abandoned' };

/** dhcpd.leases time: weekday (0 = Sunday) and UTC date and time. */
function leaseDate(us: number): string {
  const d = new Date(Math.floor(us / 1000));
  const p = (n: number) => String(n).padStart(2, '0');
  return `${d.getUTCDay()} ${d.getUTCFullYear()}/${p(d.getUTCMonth() + 1)}/${p(d.getUTCDate())} ${p(d.getUTCHours())}:${p(d.getUTCMinutes())}:${p(d.getUTCSeconds())}`;
}

function formatLease(l: Lease, epoch: (virtual: Micros) => number): string {
  const lines = [
    `lease ${ip(l.address)} {`,
    `  starts ${leaseDate(epoch(l.starts))};`,
    `  ends ${leaseDate(epoch(l.expiresAt))};`,
    `  cltt ${leaseDate(epoch(l.starts))};`,
    `  binding state ${BINDING[l.state]};`,
    `  next binding state free;`,
    `  hardware ethernet ${formatMac(l.mac)};`,
  ];
  if (l.hostname !== undefined) lines.push(`  client-hostname "${l.hostname.replace(/["\\]/g, '\\$&')}";`);
  lines.push('}');
  return lines.join('\n') + '\n';
}

const DECLINE_QUARANTINE: Micros = 3600 * SECOND; // ISC abandons a declined address for an hour
const REPLY_ORDER: (keyof DhcpOptionValues)[] = [
  // dnsmasq's order in the reference capture: 53 54 51 58 59 1 28 15 6 3, then the rest.
  'messageType', 'serverId', 'leaseTime', 'renewalTime', 'rebindingTime', 'subnetMask', 'broadcast', 'domainName', 'dnsServers', 'routers', 'hostname', 'message',
];

export class DhcpServer {
  private readonly leases = new Map<Ipv4Address, Lease>();
  private readonly probes = new Map<number, PendingProbe>();
  private nextToken = 1;
  private sends: OutboundDatagram[] = [];
  private events: DhcpServerEvent[] = [];

  constructor(readonly config: DhcpServerConfig) {}

  /** A server from a parsed dhcpd.conf (subnets become pools; host blocks become reservations). */
  static fromDhcpdConf(conf: DhcpdConfig, name: string, serverId: Ipv4Address, extra: Partial<DhcpServerConfig> = {}): DhcpServer {
    const pools: DhcpPool[] = conf.subnets.map((s) => {
      const p = effectiveParameters(conf, s);
      return { name: `${ip(s.network)}/${s.prefixLength}`, network: s.network, netmask: s.netmask, ranges: s.ranges.map((r) => ({ start: r.start, end: r.end })), options: p.options, defaultLeaseTime: p.defaultLeaseTime, maxLeaseTime: p.maxLeaseTime, authoritative: p.authoritative };
    });
    const reservations: DhcpReservation[] = conf.hosts.flatMap((h) => (h.hardwareEthernet && h.fixedAddresses.length ? [{ mac: h.hardwareEthernet, address: h.fixedAddresses[0], options: h.options }] : []));
    return new DhcpServer({ name, serverId, pools, reservations, authoritative: conf.authoritative, ...extra });
  }

  /** A datagram to port 67. `ifaceAddress` is the address of the interface it came in on. */
  receive(now: Micros, d: InboundDatagram, ifaceAddress: Ipv4Address = this.config.serverId): ServiceStep<DhcpServerEvent> {
    const parsed = parseDhcp(d.payload);
    if (!parsed.ok || parsed.value.repr.op !== BootpOp.REQUEST || !parsed.value.repr.dhcp) return this.step(now);
    const req = parsed.value.repr;
    const opts = decodeDhcpOptions(req.options);
    if (!opts.ok || opts.value.messageType === undefined) return this.step(now);
    const v = opts.value;
    this.expire(now);
    const pool = this.poolFor(req.giaddr !== 0 ? req.giaddr : req.ciaddr !== 0 && v.messageType === DhcpMessageType.INFORM ? req.ciaddr : ifaceAddress);
    switch (v.messageType) {
      case DhcpMessageType.DISCOVER:
        if (pool) this.discover(now, req, v, pool);
        break;
      case DhcpMessageType.REQUEST:
        this.request(now, req, v, pool);
        break;
      case DhcpMessageType.RELEASE:
        this.release(now, req, v);
        break;
      case DhcpMessageType.DECLINE:
        this.decline(now, req, v);
        break;
      case DhcpMessageType.INFORM:
        if (pool) this.inform(req, v, pool);
        break;
    }
    return this.step(now);
  }

  /** The engine's answer to a 'probe' event: whether something answered at the address. */
  probeResult(now: Micros, token: number, inUse: boolean): ServiceStep<DhcpServerEvent> {
    const p = this.probes.get(token);
    if (!p) return this.step(now);
    this.probes.delete(token);
    if (!inUse) {
      this.offer(now, p.request, p.values, p.pool, p.address, `${ip(p.address)} did not answer the probe`);
      return this.step(now);
    }
    // Someone uses it without a lease: quarantine it and try another.
    this.leases.set(p.address, { address: p.address, mac: new Uint8Array(6), clientKey: '', state: 'declined', starts: now, expiresAt: now + DECLINE_QUARANTINE });
    p.tried.add(p.address);
    const next = this.pick(now, p.request, p.values, p.pool, p.tried);
    if (next !== undefined) this.startProbe(p.request, p.values, p.pool, next.address, p.tried, `${ip(p.address)} answered the probe (in use without a lease)`);
    return this.step(now);
  }

  poll(now: Micros): ServiceStep<DhcpServerEvent> {
    this.expire(now);
    return this.step(now);
  }

  leaseTable(): readonly Lease[] {
    return [...this.leases.values()];
  }

  /**
   * The lease table as ISC dhcpd writes dhcpd.leases (`dhcpd -T` reads it), lowest address first.
   * `epoch` turns virtual µs into µs since the Unix epoch (the lab's clock starts at a fixed date).
   */
  leasesFile(epoch: (virtual: Micros) => number): string {
    return [...this.leases.values()].sort((a, b) => a.address - b.address).map((l) => formatLease(l, epoch)).join('');
  }

  snapshot(now: Micros): DhcpServerSnapshot {
    return {
      name: this.config.name, serverId: ip(this.config.serverId),
      pools: this.config.pools.map((p) => ({
        name: p.name ?? ip(p.network), network: ip(p.network), ranges: p.ranges.map((r) => `${ip(r.start)}–${ip(r.end)}`),
        free: p.ranges.reduce((n, r) => n + (r.end - r.start + 1), 0) - [...this.leases.values()].filter((l) => this.inRanges(p, l.address) && l.state !== 'expired' && l.state !== 'released').length,
      })),
      leases: [...this.leases.values()].sort((a, b) => a.address - b.address).map((l) => ({
        address: ip(l.address), mac: formatMac(l.mac), state: l.state, expiresIn: Math.max(0, Math.ceil((l.expiresAt - now) / SECOND)), ...(l.hostname ? { hostname: l.hostname } : {}),
      })),
    };
  }

  // -------------------------------------------------------------------------------------------

  private step(_now: Micros): ServiceStep<DhcpServerEvent> {
    let next: Micros | undefined;
    for (const l of this.leases.values()) if ((l.state === 'bound' || l.state === 'offered' || l.state === 'declined') && (next === undefined || l.expiresAt < next)) next = l.expiresAt;
    const s = { sends: this.sends, events: this.events, nextPoll: next };
    this.sends = [];
    this.events = [];
    return s;
  }

  private expire(now: Micros): void {
    for (const l of this.leases.values()) {
      if (l.expiresAt > now) continue;
      if (l.state === 'bound') {
        l.state = 'expired';
        this.events.push({ kind: 'lease', action: 'expired', address: l.address, mac: formatMac(l.mac), cause: `lease of ${ip(l.address)} to ${formatMac(l.mac)} expired` });
      } else if (l.state === 'offered') l.state = 'released';
      else if (l.state === 'declined') this.leases.delete(l.address);
    }
  }

  private poolFor(address: Ipv4Address): DhcpPool | undefined {
    return this.config.pools.find((p) => ((address & p.netmask) >>> 0) === p.network);
  }

  private inRanges(p: DhcpPool, a: Ipv4Address): boolean {
    return p.ranges.some((r) => a >= r.start && a <= r.end);
  }

  private clientKey(req: DhcpRepr, v: DhcpOptionValues): string {
    // RFC 2131 §4.2: the client identifier if sent, else chaddr.
    if (v.clientId) return `id:${v.clientId.type}:${Array.from(v.clientId.id).join(',')}`;
    return `hw:${macToKey(req.chaddr)}`;
  }

  private reservation(req: DhcpRepr, pool?: DhcpPool): DhcpReservation | undefined {
    return this.config.reservations?.find((r) => r.mac.every((b, i) => b === req.chaddr[i]) && (!pool || ((r.address & pool.netmask) >>> 0) === pool.network));
  }

  private leaseOf(key: string): Lease | undefined {
    for (const l of this.leases.values()) if (l.clientKey === key) return l;
    return undefined;
  }

  /** Is `a` free for this client (not leased, offered or quarantined for someone else)? */
  private freeFor(now: Micros, a: Ipv4Address, key: string): boolean {
    const l = this.leases.get(a);
    if (!l || l.clientKey === key) return !l || l.state !== 'declined';
    if (l.state === 'released' || l.state === 'expired') return true;
    return l.expiresAt <= now && l.state !== 'declined';
  }

  /**
   * RFC 2131 §4.3.1 order: reservation, the client's current or last address, the requested one,
   * the lowest never-used one (a released address stays kept for its last client while others are
   * free), else the one released or expired longest ago. With the reason, for causes.
   */
  private pick(now: Micros, req: DhcpRepr, v: DhcpOptionValues, pool: DhcpPool, exclude: Set<Ipv4Address> = new Set()): { address: Ipv4Address; why: string } | undefined {
    const key = this.clientKey(req, v);
    const mac = formatMac(req.chaddr);
    const res = this.reservation(req, pool);
    if (res) return { address: res.address, why: `host reservation for ${mac}` };
    const ok = (a: Ipv4Address) => !exclude.has(a) && this.inRanges(pool, a) && this.freeFor(now, a, key) && !this.reservedForOther(a, req);
    const own = this.leaseOf(key);
    if (own && ok(own.address)) return { address: own.address, why: `${mac} had ${ip(own.address)} before` };
    if (v.requestedIp !== undefined && ok(v.requestedIp)) return { address: v.requestedIp, why: `${mac} asked for ${ip(v.requestedIp)} and it is free` };
    for (const r of pool.ranges) for (let a = r.start; a <= r.end; a++) if (ok(a) && !this.leases.has(a)) return { address: a, why: 'lowest free address in the pool' };
    const reusable = [...this.leases.values()].filter((l) => ok(l.address)).sort((a, b) => a.expiresAt - b.expiresAt)[0];
    return reusable && { address: reusable.address, why: `every address has been used: ${ip(reusable.address)} was free the longest` };
  }

  private reservedForOther(a: Ipv4Address, req: DhcpRepr): boolean {
    return this.config.reservations?.some((r) => r.address === a && !r.mac.every((b, i) => b === req.chaddr[i])) ?? false;
  }

  private leaseTime(pool: DhcpPool, v: DhcpOptionValues): number {
    return v.leaseTime !== undefined ? Math.min(v.leaseTime, pool.maxLeaseTime) : pool.defaultLeaseTime;
  }

  /** " (asked 999999 s, capped by max-lease-time)" when the client asked for more than allowed. */
  private capNote(pool: DhcpPool, v: DhcpOptionValues): string {
    return v.leaseTime !== undefined && v.leaseTime > pool.maxLeaseTime ? ` (asked ${v.leaseTime} s, capped by max-lease-time)` : '';
  }

  private discover(now: Micros, req: DhcpRepr, v: DhcpOptionValues, pool: DhcpPool): void {
    const picked = this.pick(now, req, v, pool);
    const mac = formatMac(req.chaddr);
    if (picked === undefined) {
      this.events.push({ kind: 'lease', action: 'nak', address: 0, mac, cause: `no free address in ${pool.name ?? ip(pool.network)} for ${mac} (pool exhausted): DISCOVER ignored` });
      return;
    }
    const address = picked.address;
    const bound = this.leases.get(address);
    if (this.config.probe && !(bound && bound.clientKey === this.clientKey(req, v) && bound.state === 'bound') && !this.reservation(req, pool)) {
      this.startProbe(req, v, pool, address, new Set(), `DISCOVER from ${mac} (${picked.why})`);
      return;
    }
    this.offer(now, req, v, pool, address, `DISCOVER from ${mac} (${picked.why})`);
  }

  private startProbe(req: DhcpRepr, v: DhcpOptionValues, pool: DhcpPool, address: Ipv4Address, tried: Set<Ipv4Address>, why: string): void {
    const token = this.nextToken++;
    this.probes.set(token, { token, request: req, values: v, pool, address, tried });
    this.events.push({ kind: 'probe', token, address, cause: `${why}: checking that ${ip(address)} is unused before offering it` });
  }

  private offer(now: Micros, req: DhcpRepr, v: DhcpOptionValues, pool: DhcpPool, address: Ipv4Address, why: string): void {
    const key = this.clientKey(req, v);
    const old = this.leaseOf(key);
    if (old && old.address !== address && (old.state === 'offered')) old.state = 'released';
    const existing = this.leases.get(address);
    if (!existing || existing.state !== 'bound' || existing.clientKey !== key) {
      this.leases.set(address, { address, mac: req.chaddr.slice(0, 6), clientKey: key, state: 'offered', starts: now, expiresAt: now + (this.config.offerHold ?? 60 * SECOND), hostname: v.hostname });
    }
    const secs = this.leaseTime(pool, v);
    const mac = formatMac(req.chaddr);
    this.events.push({ kind: 'lease', action: 'offered', address, mac, cause: `lease ${ip(address)} offered to ${mac}` });
    this.send(req, DhcpMessageType.OFFER, address, this.replyOptions(req, pool, secs), `${this.config.name}: ${why} — lease ${ip(address)} offered to ${mac} for ${secs} s${this.capNote(pool, v)}`);
  }

  private request(now: Micros, req: DhcpRepr, v: DhcpOptionValues, pool: DhcpPool | undefined): void {
    const key = this.clientKey(req, v);
    const mac = formatMac(req.chaddr);
    const lease = this.leaseOf(key);
    if (v.serverId !== undefined) {
      // SELECTING.
      if (v.serverId !== this.config.serverId) {
        if (lease && lease.state === 'offered') lease.state = 'released';
        this.events.push({ kind: 'lease', action: 'released', address: lease?.address ?? 0, mac, cause: `${mac} chose server ${ip(v.serverId)}: our offer is withdrawn` });
        return;
      }
      const wanted = v.requestedIp ?? req.ciaddr;
      if (!pool || !lease || lease.address !== wanted || !this.freeFor(now, wanted, key)) return this.nak(req, `${mac} requested ${ip(wanted)}, which was not offered to it`, pool);
      return this.ack(now, req, v, pool, wanted, lease.state === 'bound' ? 'renewed' : 'bound', `REQUEST (selecting) from ${mac}`);
    }
    if (v.requestedIp !== undefined && req.ciaddr === 0) {
      // INIT-REBOOT: the client remembers an address (§4.3.2).
      const a = v.requestedIp;
      if (!pool || ((a & pool.netmask) >>> 0) !== pool.network) return this.nak(req, `${mac} asked for ${ip(a)}, which is wrong for this network (INIT-REBOOT)`, pool);
      if (lease && lease.address === a && this.freeFor(now, a, key)) return this.ack(now, req, v, pool, a, 'bound', `REQUEST (init-reboot) from ${mac}`);
      const holder = this.leases.get(a);
      if (holder && !this.freeFor(now, a, key)) return this.nak(req, `${ip(a)} is leased to ${formatMac(holder.mac)} (INIT-REBOOT from ${mac})`, pool);
      if (this.reservation(req, pool)?.address === a) return this.ack(now, req, v, pool, a, 'bound', `REQUEST (init-reboot) from ${mac} for its reserved address`);
      // No record of this client: RFC 2131 §4.3.2 says stay silent.
      this.events.push({ kind: 'lease', action: 'nak', address: a, mac, cause: `INIT-REBOOT from ${mac} for ${ip(a)}: no record of this client, not answering` });
      return;
    }
    if (req.ciaddr !== 0) {
      // RENEWING (unicast) or REBINDING (broadcast).
      const a = req.ciaddr;
      const form = `REQUEST (${req.giaddr === 0 && lease ? 'renewing/rebinding' : 'rebinding'}) from ${mac}`;
      if (lease && lease.address === a && lease.state === 'bound' && pool) return this.ack(now, req, v, pool, a, 'renewed', form);
      const holder = this.leases.get(a);
      if (holder && holder.clientKey !== key && holder.state === 'bound') return this.nak(req, `${ip(a)} is leased to ${formatMac(holder.mac)} (${form})`, pool);
      if (lease && lease.address === a && pool && this.freeFor(now, a, key)) return this.ack(now, req, v, pool, a, 'renewed', `${form}, lease had lapsed`);
      this.events.push({ kind: 'lease', action: 'nak', address: a, mac, cause: `${form} for ${ip(a)}: no lease on record, not answering` });
    }
  }

  private ack(now: Micros, req: DhcpRepr, v: DhcpOptionValues, pool: DhcpPool, address: Ipv4Address, action: 'bound' | 'renewed', why: string): void {
    const key = this.clientKey(req, v);
    const secs = this.leaseTime(pool, v);
    const mac = req.chaddr.slice(0, 6);
    const before = this.leases.get(address);
    this.leases.set(address, { address, mac, clientKey: key, state: 'bound', starts: now, expiresAt: now + secs * SECOND, hostname: v.hostname ?? (before?.clientKey === key ? before.hostname : undefined) });
    const verb = action === 'renewed' ? 'renewed for' : 'bound to';
    this.events.push({ kind: 'lease', action, address, mac: formatMac(mac), cause: `lease ${ip(address)} ${verb} ${formatMac(mac)} for ${secs} s` });
    this.send(req, DhcpMessageType.ACK, address, this.replyOptions(req, pool, secs), `${this.config.name}: ${why} — ACK, lease ${ip(address)} ${verb} ${formatMac(mac)} for ${secs} s${this.capNote(pool, v)}`);
  }

  /** DHCPNAK, when authoritative for the client's network (ISC dhcpd stays silent otherwise). */
  private nak(req: DhcpRepr, why: string, pool: DhcpPool | undefined): void {
    const mac = formatMac(req.chaddr);
    if (!(pool?.authoritative ?? this.config.authoritative ?? true)) {
      this.events.push({ kind: 'lease', action: 'nak', address: 0, mac, cause: `${why} (not authoritative: no DHCPNAK sent)` });
      return;
    }
    this.events.push({ kind: 'lease', action: 'nak', address: 0, mac, cause: why });
    this.send(req, DhcpMessageType.NAK, 0, { messageType: DhcpMessageType.NAK, serverId: this.config.serverId, message: why.slice(0, 200) }, `${this.config.name}: NAK — ${why}`);
  }

  private release(now: Micros, req: DhcpRepr, v: DhcpOptionValues): void {
    if (v.serverId !== undefined && v.serverId !== this.config.serverId) return;
    const l = this.leases.get(req.ciaddr);
    if (!l || l.clientKey !== this.clientKey(req, v) || l.state !== 'bound') return;
    // Keep the binding so the client gets the same address next time (as ISC and dnsmasq do).
    l.state = 'released';
    l.starts = now;
    l.expiresAt = now;
    this.events.push({ kind: 'lease', action: 'released', address: l.address, mac: formatMac(l.mac), cause: `${formatMac(l.mac)} released ${ip(l.address)}` });
  }

  private decline(now: Micros, req: DhcpRepr, v: DhcpOptionValues): void {
    const a = v.requestedIp;
    if (a === undefined || (v.serverId !== undefined && v.serverId !== this.config.serverId)) return;
    this.leases.set(a, { address: a, mac: req.chaddr.slice(0, 6), clientKey: '', state: 'declined', starts: now, expiresAt: now + DECLINE_QUARANTINE });
    this.events.push({ kind: 'lease', action: 'declined', address: a, mac: formatMac(req.chaddr), cause: `${formatMac(req.chaddr)} declined ${ip(a)} (address conflict): not offered again for ${DECLINE_QUARANTINE / SECOND} s` });
  }

  private inform(req: DhcpRepr, v: DhcpOptionValues, pool: DhcpPool): void {
    // RFC 2131 §4.3.5: options only, no lease time, no yiaddr; unicast to ciaddr.
    const options = this.replyOptions(req, pool, undefined);
    const mac = formatMac(req.chaddr);
    this.events.push({ kind: 'lease', action: 'informed', address: req.ciaddr, mac, cause: `INFORM from ${ip(req.ciaddr)}` });
    this.send(req, DhcpMessageType.ACK, 0, options, `${this.config.name}: INFORM from ${ip(req.ciaddr)} (${mac}) — ACK with the configuration, no lease`);
    void v;
  }

  private replyOptions(req: DhcpRepr, pool: DhcpPool, leaseSecs: number | undefined): DhcpOptionValues {
    const res = this.reservation(req, pool);
    const o = { ...pool.options, ...(res?.options ?? {}) };
    const out: DhcpOptionValues = { serverId: this.config.serverId, subnetMask: o.subnetMask ?? pool.netmask, ...o };
    if (leaseSecs !== undefined) {
      out.leaseTime = leaseSecs;
      out.renewalTime = Math.floor(leaseSecs / 2);
      out.rebindingTime = Math.floor((leaseSecs * 7) / 8);
    }
    return out;
  }

  /** Builds the reply and addresses it per RFC 2131 §4.1. */
  private send(req: DhcpRepr, type: number, yiaddr: Ipv4Address, values: DhcpOptionValues, cause: string): void {
    const r = bootp(BootpOp.REPLY, req.xid, req.chaddr);
    r.htype = req.htype;
    r.hlen = req.hlen;
    r.yiaddr = yiaddr;
    r.giaddr = req.giaddr;
    r.broadcast = req.broadcast;
    const inform = type === DhcpMessageType.ACK && yiaddr === 0;
    if (inform) r.ciaddr = req.ciaddr;
    else if (type === DhcpMessageType.ACK) r.ciaddr = req.ciaddr;
    if (type !== DhcpMessageType.NAK) r.siaddr = this.config.serverId;
    r.options = encodeDhcpOptions({ ...values, messageType: type }, REPLY_ORDER);
    const payload = emitDhcp(r);
    const base = { src: this.config.serverId, srcPort: DHCP_SERVER_PORT, payload, cause: `${cause} (${dhcpMessageTypeName(type)})` };
    if (req.giaddr !== 0) {
      // Through a relay: to its giaddr, port 67; a NAK asks the relay to broadcast.
      if (type === DhcpMessageType.NAK) {
        r.broadcast = true;
        base.payload = emitDhcp(r);
      }
      this.sends.push({ ...base, dst: req.giaddr, dstPort: DHCP_SERVER_PORT });
    } else if (type === DhcpMessageType.NAK) {
      this.sends.push({ ...base, dst: BROADCAST, dstPort: DHCP_CLIENT_PORT });
    } else if (req.ciaddr !== 0) {
      this.sends.push({ ...base, dst: req.ciaddr, dstPort: DHCP_CLIENT_PORT });
    } else if (req.broadcast) {
      this.sends.push({ ...base, dst: BROADCAST, dstPort: DHCP_CLIENT_PORT });
    } else {
      // The client has no address yet: unicast to yiaddr at chaddr, without ARP.
      this.sends.push({ ...base, dst: yiaddr, dstPort: DHCP_CLIENT_PORT, linkDst: req.chaddr.slice(0, 6) });
    }
  }
}
