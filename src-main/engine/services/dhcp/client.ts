// A DHCP client (RFC 2131 §4.4), sans-IO: INIT → SELECTING → REQUESTING → BOUND → RENEWING (T1) →
// REBINDING (T2) → lease expiry, INIT-REBOOT with a remembered address, release and decline.
// Retransmissions back off 4, 8, 16, 32, 64 s, each randomised by ±1 s from the caller's RNG
// (§4.1); in RENEWING/REBINDING the client waits half the time left to T2/expiry, at least 60 s
// (§4.4.5). The messages carry the options dhclient sends (53, 50, 54, 12, 55, 61 in its order, see
// dhcp-arp-icmp.pcapng). The configuration it obtains is reported as events the host applies.
import { formatMac, maskToPrefix, type Ipv4Address, type MacAddress } from '../../../../src-shared/net/addr';
import {
  BootpOp, DhcpMessageType, decodeDhcpOptions, dhcpMessageTypeName, emitDhcp, encodeDhcpOptions, parseDhcp,
  type DhcpOptionValues, type DhcpRepr,
} from '../../../../src-shared/net/wire/dhcp';
import { SECOND, type InboundDatagram, type Micros, type OutboundDatagram, type ServiceRng, type ServiceStep } from '../types';
import { BROADCAST, bootp, DHCP_CLIENT_PORT, DHCP_SERVER_PORT, ip } from './common';

export type DhcpClientState = 'STOPPED' | 'INIT' | 'SELECTING' | 'REQUESTING' | 'INIT-REBOOT' | 'REBOOTING' | 'BOUND' | 'RENEWING' | 'REBINDING';

export interface DhcpClientConfig {
  /** Host name, for causes; also sent as option 12 unless `hostname` is null. */
  name: string;
  mac: MacAddress;
  hostname?: string | null;
  /** Option 61 as dhclient's `send dhcp-client-identifier "…"` (type 0 + text), or hardware type 1 + MAC by default. */
  clientId?: { type: number; id: Uint8Array } | string | null;
  /** Option 55 (default dhclient.conf of the capture: 1 28 3 15 6 42). */
  parameterRequestList?: number[];
  /** Ask for broadcast replies (clients that cannot receive unicast before configuration). */
  broadcastFlag?: boolean;
  /** REQUEST retransmissions in REQUESTING/REBOOTING before going back to INIT (default 4). */
  maxRequestRetries?: number;
}

export interface DhcpConfiguration {
  address: Ipv4Address;
  prefixLength: number;
  subnetMask: Ipv4Address;
  routers: Ipv4Address[];
  dnsServers: Ipv4Address[];
  domainName?: string;
  broadcast?: Ipv4Address;
  server: Ipv4Address;
  /** Seconds. */
  leaseTime: number;
  t1: number;
  t2: number;
}

export type DhcpClientEvent =
  | { kind: 'configured'; config: DhcpConfiguration; renewed: boolean; cause: string }
  | { kind: 'deconfigured'; address: Ipv4Address; cause: string }
  | { kind: 'state'; from: DhcpClientState; to: DhcpClientState; cause: string };

export interface DhcpClientSnapshot {
  state: DhcpClientState;
  xid: number;
  address?: string;
  server?: string;
  offered?: string;
  leaseExpiresIn?: number;
  t1In?: number;
  t2In?: number;
  nextRetransmitIn?: number;
  config?: DhcpConfiguration;
}

export const DHCLIENT_REQUEST_LIST = [1, 28, 3, 15, 6, 42];

export class DhcpClient {
  private state: DhcpClientState = 'STOPPED';
  private xid = 0;
  private started: Micros = 0;
  private tries = 0;
  private retransmitAt: Micros | undefined;
  private offered: { address: Ipv4Address; server: Ipv4Address } | undefined;
  private lease: { config: DhcpConfiguration; boundAt: Micros; t1At: Micros; t2At: Micros; expiresAt: Micros } | undefined;
  /** Address to ask for again (INIT-REBOOT, or option 50 in DISCOVER). */
  private remembered: Ipv4Address | undefined;
  private sends: OutboundDatagram[] = [];
  private events: DhcpClientEvent[] = [];

  constructor(readonly config: DhcpClientConfig, private readonly rng: ServiceRng) {}

  /** Starts (boot or link up): INIT-REBOOT if an address is remembered, else INIT. */
  start(now: Micros, remembered?: Ipv4Address): ServiceStep<DhcpClientEvent> {
    if (remembered !== undefined) this.remembered = remembered;
    if (this.remembered !== undefined) this.reboot(now, 'boot with a remembered address');
    else this.discover(now, 'boot: no address yet');
    return this.step();
  }

  /** A datagram to port 68. */
  receive(now: Micros, d: InboundDatagram): ServiceStep<DhcpClientEvent> {
    const p = parseDhcp(d.payload);
    if (!p.ok) return this.step();
    const r = p.value.repr;
    if (r.op !== BootpOp.REPLY || r.xid !== this.xid || !this.config.mac.every((b, i) => b === r.chaddr[i])) return this.step();
    const o = decodeDhcpOptions(r.options);
    if (!o.ok || o.value.messageType === undefined) return this.step();
    const v = o.value;
    const server = v.serverId ?? d.src;
    switch (v.messageType) {
      case DhcpMessageType.OFFER:
        if (this.state !== 'SELECTING') break;
        this.offered = { address: r.yiaddr, server };
        this.request(now, 'REQUESTING', `OFFER of ${ip(r.yiaddr)} from ${ip(server)}: requesting it`);
        break;
      case DhcpMessageType.ACK:
        if (this.state === 'REQUESTING' || this.state === 'REBOOTING' || this.state === 'RENEWING' || this.state === 'REBINDING') this.bound(now, r, v, server);
        break;
      case DhcpMessageType.NAK:
        if (this.state === 'REQUESTING' || this.state === 'REBOOTING' || this.state === 'RENEWING' || this.state === 'REBINDING') {
          const why = `NAK from ${ip(server)}${v.message ? ` ("${v.message}")` : ''}`;
          this.drop(why);
          this.remembered = undefined;
          this.discover(now, `${why}: starting over`);
        }
        break;
    }
    return this.step();
  }

  poll(now: Micros): ServiceStep<DhcpClientEvent> {
    const l = this.lease;
    if (l && (this.state === 'BOUND' || this.state === 'RENEWING' || this.state === 'REBINDING') && now >= l.expiresAt) {
      this.drop(`lease of ${ip(l.config.address)} expired without renewal`);
      this.discover(now, 'lease expired');
    } else if (l && this.state === 'BOUND' && now >= l.t1At) {
      this.startRenew(now, 'RENEWING', `T1 (${l.config.t1} s) reached: renewing with ${ip(l.config.server)}`);
    } else if (l && this.state === 'RENEWING' && now >= l.t2At) {
      this.startRenew(now, 'REBINDING', `T2 (${l.config.t2} s) reached without an answer from ${ip(l.config.server)}: rebinding with any server`);
    } else if (this.retransmitAt !== undefined && now >= this.retransmitAt) {
      this.retransmit(now);
    }
    return this.step();
  }

  /** `dhclient -r`: RELEASE to the server, drop the address, stop. */
  release(now: Micros): ServiceStep<DhcpClientEvent> {
    const l = this.lease;
    if (l && (this.state === 'BOUND' || this.state === 'RENEWING' || this.state === 'REBINDING')) {
      this.xid = this.rng.nextU32();
      const m = this.message(DhcpMessageType.RELEASE, { serverId: l.config.server }, l.config.address);
      this.sendMessage(m, l.config.address, l.config.server, `${this.config.name}: releasing ${ip(l.config.address)} back to ${ip(l.config.server)}`);
      this.drop(`released ${ip(l.config.address)}`);
    }
    this.remembered = undefined;
    this.setState('STOPPED', 'released', now);
    this.retransmitAt = undefined;
    return this.step();
  }

  /** `dhclient` renew now (from BOUND). */
  renew(now: Micros, why = 'renewal asked by the user'): ServiceStep<DhcpClientEvent> {
    if (this.lease && this.state === 'BOUND') this.startRenew(now, 'RENEWING', why);
    return this.step();
  }

  private startRenew(now: Micros, to: 'RENEWING' | 'REBINDING', why: string): void {
    this.setState(to, why, now);
    this.tries = 0;
    this.sendRequest(now, why);
  }

  /** The host found the bound address in use (ARP): DECLINE it and start over (§4.4.1). */
  decline(now: Micros, why = 'address already in use (ARP reply)'): ServiceStep<DhcpClientEvent> {
    const l = this.lease;
    if (!l) return this.step();
    const m = this.message(DhcpMessageType.DECLINE, { serverId: l.config.server, requestedIp: l.config.address });
    this.sendMessage(m, 0, BROADCAST, `${this.config.name}: declining ${ip(l.config.address)}: ${why}`);
    this.drop(`declined ${ip(l.config.address)}`);
    this.remembered = undefined;
    // §4.4.1: wait at least 10 s before starting over.
    this.setState('INIT', 'address declined: restarting in 10 s', now);
    this.retransmitAt = now + 10 * SECOND;
    return this.step();
  }

  get current(): DhcpConfiguration | undefined {
    return this.lease?.config;
  }

  get currentState(): DhcpClientState {
    return this.state;
  }

  snapshot(now: Micros): DhcpClientSnapshot {
    const s = (t: Micros | undefined) => (t === undefined ? undefined : Math.max(0, Math.ceil((t - now) / SECOND)));
    const l = this.lease;
    return {
      state: this.state, xid: this.xid, address: l && ip(l.config.address), server: l && ip(l.config.server), offered: this.offered && ip(this.offered.address),
      leaseExpiresIn: s(l?.expiresAt), t1In: s(l?.t1At), t2In: s(l?.t2At), nextRetransmitIn: s(this.retransmitAt), config: l?.config,
    };
  }

  // -------------------------------------------------------------------------------------------

  private step(): ServiceStep<DhcpClientEvent> {
    let next = this.retransmitAt;
    const l = this.lease;
    if (l) {
      const timer = this.state === 'BOUND' ? l.t1At : this.state === 'RENEWING' ? l.t2At : l.expiresAt;
      if (this.state === 'BOUND' || this.state === 'RENEWING' || this.state === 'REBINDING') {
        for (const t of [timer, l.expiresAt]) if (next === undefined || t < next) next = t;
      }
    }
    const s = { sends: this.sends, events: this.events, nextPoll: next };
    this.sends = [];
    this.events = [];
    return s;
  }

  private setState(to: DhcpClientState, cause: string, _now: Micros): void {
    if (to === this.state) return;
    this.events.push({ kind: 'state', from: this.state, to, cause });
    this.state = to;
  }

  /** RFC 2131 §4.1: 4 s, 8 s, … 64 s, each ±1 s. */
  private backoff(now: Micros): Micros {
    const base = Math.min(64, 4 << Math.min(this.tries - 1, 4)) * SECOND;
    return now + base + this.rng.nextInt(2 * SECOND + 1) - SECOND;
  }

  private discover(now: Micros, why: string): void {
    this.setState('SELECTING', why, now);
    this.xid = this.rng.nextU32();
    this.started = now;
    this.tries = 0;
    this.offered = undefined;
    this.sendDiscover(now, why);
  }

  private sendDiscover(now: Micros, why: string): void {
    this.tries++;
    const m = this.message(DhcpMessageType.DISCOVER, this.remembered !== undefined ? { requestedIp: this.remembered } : {});
    m.secs = Math.min(0xffff, Math.floor((now - this.started) / SECOND));
    this.sendMessage(m, 0, BROADCAST, `${this.config.name}: ${why} — DISCOVER${this.tries > 1 ? ` (retransmission ${this.tries - 1})` : ''}`);
    this.retransmitAt = this.backoff(now);
  }

  private reboot(now: Micros, why: string): void {
    this.setState('REBOOTING', why, now);
    this.xid = this.rng.nextU32();
    this.started = now;
    this.tries = 0;
    this.sendRequest(now, `${why}: asking to keep ${ip(this.remembered!)}`);
  }

  private request(now: Micros, to: DhcpClientState, why: string): void {
    this.setState(to, why, now);
    this.tries = 0;
    this.sendRequest(now, why);
  }

  private sendRequest(now: Micros, why: string): void {
    this.tries++;
    const again = this.tries > 1 ? ` (retransmission ${this.tries - 1})` : '';
    const l = this.lease;
    if (this.state === 'REQUESTING' && this.offered) {
      const m = this.message(DhcpMessageType.REQUEST, { serverId: this.offered.server, requestedIp: this.offered.address });
      m.secs = Math.min(0xffff, Math.floor((now - this.started) / SECOND));
      this.sendMessage(m, 0, BROADCAST, `${this.config.name}: ${why} — REQUEST${again}`);
      this.retransmitAt = this.backoff(now);
    } else if (this.state === 'REBOOTING' && this.remembered !== undefined) {
      const m = this.message(DhcpMessageType.REQUEST, { requestedIp: this.remembered });
      this.sendMessage(m, 0, BROADCAST, `${this.config.name}: ${why} — REQUEST (init-reboot)${again}`);
      this.retransmitAt = this.backoff(now);
    } else if (l && (this.state === 'RENEWING' || this.state === 'REBINDING')) {
      this.xid = this.tries === 1 ? this.rng.nextU32() : this.xid;
      const m = this.message(DhcpMessageType.REQUEST, {}, l.config.address);
      const renewing = this.state === 'RENEWING';
      this.sendMessage(m, l.config.address, renewing ? l.config.server : BROADCAST, `${this.config.name}: ${why} — REQUEST (${renewing ? 'renewing, unicast' : 'rebinding, broadcast'})${again}`);
      // §4.4.5: wait half the time left until T2 (renewing) or expiry (rebinding), at least 60 s.
      const until = renewing ? l.t2At : l.expiresAt;
      this.retransmitAt = now + Math.max(60 * SECOND, Math.floor((until - now) / 2));
      if (this.retransmitAt >= until) this.retransmitAt = undefined; // the T2/expiry timer comes first
    }
  }

  private retransmit(now: Micros): void {
    const max = this.config.maxRequestRetries ?? 4;
    if (this.state === 'INIT') this.discover(now, '10 s after DECLINE');
    else if (this.state === 'SELECTING') this.sendDiscover(now, 'no OFFER yet');
    else if (this.state === 'REQUESTING' || this.state === 'REBOOTING') {
      if (this.tries > max) {
        this.discover(now, `no answer to ${this.tries} REQUESTs`);
        return;
      }
      this.sendRequest(now, 'no ACK yet');
    } else if (this.state === 'RENEWING' || this.state === 'REBINDING') this.sendRequest(now, `no answer yet in ${this.state}`);
    else this.retransmitAt = undefined;
  }

  private bound(now: Micros, r: DhcpRepr, v: DhcpOptionValues, server: Ipv4Address): void {
    const renewed = this.state === 'RENEWING' || this.state === 'REBINDING';
    const leaseTime = v.leaseTime ?? 3600;
    const t1 = v.renewalTime ?? Math.floor(leaseTime / 2);
    const t2 = v.rebindingTime ?? Math.floor((leaseTime * 7) / 8);
    const mask = v.subnetMask ?? 0xffffff00;
    const config: DhcpConfiguration = {
      address: r.yiaddr, prefixLength: maskToPrefix(mask), subnetMask: mask, routers: v.routers ?? [], dnsServers: v.dnsServers ?? [],
      domainName: v.domainName, broadcast: v.broadcast, server, leaseTime, t1, t2,
    };
    this.lease = { config, boundAt: now, t1At: now + t1 * SECOND, t2At: now + t2 * SECOND, expiresAt: now + leaseTime * SECOND };
    this.remembered = r.yiaddr;
    this.retransmitAt = undefined;
    const how = renewed ? `lease of ${ip(r.yiaddr)} extended by ${ip(server)}` : `ACK from ${ip(server)}: ${ip(r.yiaddr)}/${config.prefixLength}`;
    this.setState('BOUND', how, now);
    this.events.push({
      kind: 'configured', config, renewed,
      cause: `${this.config.name}: ${how}, router ${config.routers.map(ip).join(', ') || 'none'}, DNS ${config.dnsServers.map(ip).join(', ') || 'none'}${config.domainName ? `, domain ${config.domainName}` : ''}, lease ${leaseTime} s (T1 ${t1} s, T2 ${t2} s)`,
    });
  }

  private drop(why: string): void {
    const l = this.lease;
    if (l) this.events.push({ kind: 'deconfigured', address: l.config.address, cause: `${this.config.name}: ${why}: ${ip(l.config.address)} removed` });
    this.lease = undefined;
  }

  private message(type: number, values: DhcpOptionValues, ciaddr: Ipv4Address = 0): DhcpRepr {
    const m = bootp(BootpOp.REQUEST, this.xid, this.config.mac);
    m.ciaddr = ciaddr;
    m.broadcast = (this.config.broadcastFlag ?? false) && ciaddr === 0;
    const clientId = this.clientId();
    const hostname = this.config.hostname === null ? undefined : (this.config.hostname ?? this.config.name);
    const withParams = type === DhcpMessageType.DISCOVER || type === DhcpMessageType.REQUEST;
    m.options = encodeDhcpOptions(
      {
        messageType: type, ...values, hostname: type === DhcpMessageType.DECLINE ? undefined : hostname,
        parameterRequestList: withParams ? (this.config.parameterRequestList ?? DHCLIENT_REQUEST_LIST) : undefined, clientId,
      },
      ['messageType', 'serverId', 'requestedIp', 'hostname', 'parameterRequestList', 'clientId'],
    );
    return m;
  }

  /** Option 61: dhclient sends a quoted identifier as raw text (its first byte lands in the type field). */
  private clientId(): { type: number; id: Uint8Array } | undefined {
    const c = this.config.clientId;
    if (c === null) return undefined;
    if (c === undefined) return { type: 1, id: this.config.mac.slice(0, 6) };
    if (typeof c !== 'string') return c;
    const bytes = new TextEncoder().encode(c);
    return { type: bytes[0], id: bytes.slice(1) };
  }

  private sendMessage(m: DhcpRepr, src: Ipv4Address, dst: Ipv4Address, cause: string): void {
    this.sends.push({ src, srcPort: DHCP_CLIENT_PORT, dst, dstPort: DHCP_SERVER_PORT, payload: emitDhcp(m), cause: `${cause} [${dhcpMessageTypeName(m.options[0]?.data[0] ?? 0)} xid 0x${m.xid.toString(16)} from ${formatMac(this.config.mac)}]` });
  }
}
