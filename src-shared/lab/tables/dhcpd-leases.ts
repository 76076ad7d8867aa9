// The lease database of a lab DHCP server configured by dhcpd.conf: which address a client gets
// (host reservation, its previous lease, the address it asks for, else the lowest free one), lease
// times capped by max-lease-time, T1/T2 (RFC 2131 §4.4.5), DHCPREQUEST checks that decide ACK or
// NAK (§4.3.2), release, decline and expiry in virtual time, and a dhcpd.leases rendering for the
// UI. Times are µs since the Unix epoch (the lab's clock plus its epoch). Pure: no I/O, no timers.
import { formatIpv4, formatMac, type Ipv4Address, type MacAddress } from '../../net/addr';
import { effectiveParameters, hostFor, type DhcpdConfig, type DhcpdOptions, type DhcpdSubnet } from './dhcpd';

export type LeaseState = 'offered' | 'active' | 'free' | 'abandoned';

export interface Lease {
  address: Ipv4Address;
  /** Lower-case "02:00:…" text of the client's MAC. */
  mac: string;
  hostname?: string;
  state: LeaseState;
  /** µs: when the lease (or offer) started and ends. */
  starts: number;
  ends: number;
}

export interface Grant {
  ok: true;
  address: Ipv4Address;
  leaseSeconds: number;
  renewalSeconds: number;
  rebindingSeconds: number;
  options: DhcpdOptions;
  /** Set for a host declaration's fixed-address. */
  fixed: boolean;
  explanation: string;
}

export interface Refusal {
  ok: false;
  /** 'nak' for a DHCPREQUEST the server must refuse; 'none' when it stays silent. */
  reply: 'nak' | 'none';
  reason: string;
}

export interface LeasePoolOptions {
  /** How long an offered address is held for the client (µs); ISC holds it about a minute. */
  offerHold?: number;
}

const S = 1_000_000;

export class LeasePool {
  private readonly byAddress = new Map<Ipv4Address, Lease>();
  private readonly offerHold: number;

  constructor(
    private readonly config: DhcpdConfig,
    readonly subnet: DhcpdSubnet,
    options: LeasePoolOptions = {},
  ) {
    this.offerHold = options.offerHold ?? 60 * S;
  }

  /** DHCPDISCOVER: the address to offer, or why none can be. */
  discover(hw: MacAddress, now: number, wish: { address?: Ipv4Address; leaseSeconds?: number; hostname?: string } = {}): Grant | Refusal {
    this.expire(now);
    const mac = formatMac(hw);
    const fixed = this.fixedAddress(hw);
    if (fixed !== undefined) return this.grant(fixed, true, wish.leaseSeconds, `host reservation for ${mac}`);
    const previous = this.leaseOf(mac);
    let address: Ipv4Address | undefined;
    let why: string;
    if (previous) {
      address = previous.address;
      why = `${mac} had ${formatIpv4(address)} before`;
    } else if (wish.address !== undefined && this.inRange(wish.address) && this.isFree(wish.address)) {
      address = wish.address;
      why = `${mac} asked for ${formatIpv4(address)} and it is free`;
    } else {
      address = this.lowestFree();
      why = `lowest free address in the pool`;
    }
    if (address === undefined) return { ok: false, reply: 'none', reason: `no free addresses in ${formatIpv4(this.subnet.network)}/${this.subnet.prefixLength}: pool exhausted` };
    const g = this.grant(address, false, wish.leaseSeconds, why);
    this.byAddress.set(address, { address, mac, hostname: wish.hostname, state: 'offered', starts: now, ends: now + this.offerHold });
    return g;
  }

  /**
   * DHCPREQUEST for `address` (the requested-IP option or ciaddr). ACKs the client's own offer or
   * lease and a free in-range address; NAKs addresses off this network or held by another client
   * (only when authoritative; otherwise stays silent, as dhcpd does).
   */
  request(hw: MacAddress, address: Ipv4Address, now: number, wish: { leaseSeconds?: number; hostname?: string } = {}): Grant | Refusal {
    this.expire(now);
    const mac = formatMac(hw);
    const authoritative = effectiveParameters(this.config, this.subnet).authoritative;
    const refuse = (reason: string): Refusal => ({ ok: false, reply: authoritative ? 'nak' : 'none', reason: authoritative ? reason : `${reason} (not authoritative: no DHCPNAK sent)` });
    const fixed = this.fixedAddress(hw);
    if (fixed !== undefined) {
      if (fixed !== address) return refuse(`${mac} is reserved ${formatIpv4(fixed)}, not ${formatIpv4(address)}`);
      return this.grant(fixed, true, wish.leaseSeconds, `host reservation for ${mac}`);
    }
    if (((address & this.subnet.netmask) >>> 0) !== this.subnet.network) return refuse(`${formatIpv4(address)} is not on network ${formatIpv4(this.subnet.network)}/${this.subnet.prefixLength}`);
    const lease = this.byAddress.get(address);
    if (lease && lease.mac !== mac && lease.state !== 'free') return refuse(`${formatIpv4(address)} is leased to ${lease.mac}`);
    if (!lease || lease.state === 'free') {
      if (!this.inRange(address)) return refuse(`${formatIpv4(address)} is not in a dynamic range`);
      const other = this.leaseOf(mac);
      if (other && other.address !== address) this.byAddress.delete(other.address);
    }
    const g = this.grant(address, false, wish.leaseSeconds, lease?.state === 'active' ? `lease of ${mac} extended` : `lease for ${mac}`);
    this.byAddress.set(address, { address, mac, hostname: wish.hostname ?? lease?.hostname, state: 'active', starts: now, ends: now + g.leaseSeconds * S });
    return g;
  }

  /** DHCPRELEASE: the address becomes free (the client is remembered for next time). */
  release(hw: MacAddress, address: Ipv4Address, now: number): boolean {
    const lease = this.byAddress.get(address);
    if (!lease || lease.mac !== formatMac(hw)) return false;
    lease.state = 'free';
    lease.ends = now;
    return true;
  }

  /** DHCPDECLINE: the client found the address in use (ARP); it is abandoned. */
  decline(hw: MacAddress, address: Ipv4Address, now: number): boolean {
    const lease = this.byAddress.get(address);
    if (!lease || lease.mac !== formatMac(hw)) return false;
    lease.state = 'abandoned';
    lease.starts = now;
    lease.ends = Number.MAX_SAFE_INTEGER;
    return true;
  }

  /** Ends offers and leases whose time is up; returns those that changed. */
  expire(now: number): Lease[] {
    const changed: Lease[] = [];
    for (const lease of this.byAddress.values()) {
      if ((lease.state === 'active' || lease.state === 'offered') && lease.ends <= now) {
        lease.state = 'free';
        changed.push(lease);
      }
    }
    return changed;
  }

  /** Every lease record, lowest address first (for the UI's lease table). */
  leases(): Lease[] {
    return [...this.byAddress.values()].sort((a, b) => a.address - b.address);
  }

  private grant(address: Ipv4Address, fixed: boolean, requested: number | undefined, why: string): Grant {
    const p = effectiveParameters(this.config, this.subnet, fixed ? this.hostByAddress(address) : undefined);
    const leaseSeconds = Math.min(requested ?? p.defaultLeaseTime, p.maxLeaseTime);
    return {
      ok: true, address, leaseSeconds, renewalSeconds: Math.floor(leaseSeconds * 0.5), rebindingSeconds: Math.floor(leaseSeconds * 0.875), options: p.options, fixed,
      explanation: `${formatIpv4(address)} for ${leaseSeconds} s (${why})${requested !== undefined && requested > p.maxLeaseTime ? `; asked ${requested} s, capped by max-lease-time` : ''}`,
    };
  }

  private fixedAddress(hw: MacAddress): Ipv4Address | undefined {
    const host = hostFor(this.config, hw);
    return host?.fixedAddresses.find((a) => ((a & this.subnet.netmask) >>> 0) === this.subnet.network);
  }

  private hostByAddress(address: Ipv4Address) {
    return this.config.hosts.find((h) => h.fixedAddresses.includes(address));
  }

  private leaseOf(mac: string): Lease | undefined {
    for (const l of this.byAddress.values()) if (l.mac === mac && l.state !== 'abandoned') return l;
    return undefined;
  }

  private inRange(a: Ipv4Address): boolean {
    return this.subnet.ranges.some((r) => a >= r.start && a <= r.end);
  }

  private isFree(a: Ipv4Address): boolean {
    const l = this.byAddress.get(a);
    if (l && l.state !== 'free') return false;
    // Reserved (fixed) addresses are never handed out dynamically.
    return !this.config.hosts.some((h) => h.fixedAddresses.includes(a));
  }

  private lowestFree(): Ipv4Address | undefined {
    for (const r of [...this.subnet.ranges].sort((x, y) => x.start - y.start)) {
      for (let a = r.start; a <= r.end; a++) {
        const l = this.byAddress.get(a);
        if (l && l.state === 'free' && l.mac) continue; // keep a released address for its last client while others are free
        if (this.isFree(a)) return a;
      }
    }
    // Only remembered free addresses are left: reuse the lowest.
    for (const r of this.subnet.ranges) for (let a = r.start; a <= r.end; a++) if (this.isFree(a)) return a;
    return undefined;
  }
}

// ---------------------------------------------------------------------------------------------
// dhcpd.leases rendering

function leaseTime(us: number): string {
  const d = new Date(Math.floor(us / 1000));
  const p = (n: number) => String(n).padStart(2, '0');
  return `${d.getUTCDay()} ${d.getUTCFullYear()}/${p(d.getUTCMonth() + 1)}/${p(d.getUTCDate())} ${p(d.getUTCHours())}:${p(d.getUTCMinutes())}:${p(d.getUTCSeconds())}`;
}

const BINDING: Record<LeaseState, string> = { offered: 'free', active: 'active', free: 'free', abandoned: 'abandoned' };

/** The leases as ISC dhcpd writes dhcpd.leases (readable by `dhcpd -T`). */
export function formatLeases(leases: readonly Lease[]): string {
  return leases
    .map((l) => {
      const lines = [
        `lease ${formatIpv4(l.address)} {`,
        `  starts ${leaseTime(l.starts)};`,
        ...(l.ends >= Number.MAX_SAFE_INTEGER ? ['  ends never;'] : [`  ends ${leaseTime(l.ends)};`]),
        `  cltt ${leaseTime(l.starts)};`,
        `  binding state ${BINDING[l.state]};`,
        `  next binding state free;`,
        `  hardware ethernet ${l.mac};`,
      ];
      if (l.hostname !== undefined) lines.push(`  client-hostname "${l.hostname.replace(/["\\]/g, '\\$&')}";`);
      lines.push('}');
      return lines.join('\n') + '\n';
    })
    .join('');
}
