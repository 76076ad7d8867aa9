// Hosts and routers share one IPv4 stack (as Linux does): ARP with a pending queue, a routing
// table with longest-prefix match, ICMP echo and errors, UDP and TCP port tables. A router is the
// same stack with forwarding switched on (TTL decrement, ICMP time exceeded and unreachables) and,
// optionally, NAT on an outside interface.
import { formatIpv4, formatMac, isBroadcastMac, macEquals, MAC_BROADCAST, MAC_ZERO, prefixToMask, broadcastAddress, type MacAddress } from '../../../src-shared/net/addr';
import { readU16 } from '../../../src-shared/net/wire/checksum';
import { ArpOperation, emitArp, parseArp, type ArpRepr } from '../../../src-shared/net/wire/arp';
import { EtherType, emitEthernet, ETH_DST, ETH_HEADER_LENGTH, ETH_TYPE, writeEthernetHeader } from '../../../src-shared/net/wire/ethernet';
import { emitIcmp, icmpQuote, IcmpType, IcmpUnreachableCode, IcmpTimeExceededCode, parseIcmp, type IcmpParsed, type IcmpRepr } from '../../../src-shared/net/wire/icmp';
import { emitIpv4, fragmentIpv4, IpProtocol, Ipv4Reassembler, parseIpv4, writeIpv4Header, ipv4HeaderLength, type Ipv4Fields, type Ipv4Parsed } from '../../../src-shared/net/wire/ipv4';
import { emitUdp, parseUdp, verifyUdpChecksum } from '../../../src-shared/net/wire/udp';
import { emitTcp, parseTcp, TcpFlags, tcpSequenceLength, verifyTcpChecksum, type TcpFields, type TcpParsed } from '../../../src-shared/net/wire/tcp';
import { parseIpv4 as parseIpv4Text } from '../../../src-shared/net/addr';
import { lookupHosts, type HostsEntry } from '../../../src-shared/lab/tables';
import { Device, NetInterface } from '../model/node';
import type { Network } from '../model/network';
import type { Rng } from '../sim/rng';
import type { ScheduledEvent } from '../sim/scheduler';
import { RoutingTable, type Route } from './routing-table';
import type { Nat } from './nat';

/** Linux-like timers and limits. */
export const ARP_REACHABLE_TIME = 30_000_000;
export const ARP_RETRANS_TIME = 1_000_000;
export const ARP_MAX_PROBES = 3;
export const ARP_QUEUE_LIMIT = 3;
/** Linux quotes at most 576 - 20 - 8 bytes of the offending packet in an ICMP error. */
const ICMP_ERROR_ROOM = 548;
/** DSCP CS6 (TOS 0xc0): what Linux puts on the ICMP errors it sends. */
const DSCP_CS6 = 48;

export interface UdpDatagram {
  src: number;
  srcPort: number;
  dst: number;
  dstPort: number;
  ttl: number;
  payload: Uint8Array;
  iface: NetInterface;
}

export type UdpHandler = (d: UdpDatagram) => void;
/** ICMP messages other than echo requests go to listeners (ping, traceroute). */
export type IcmpListener = (icmp: IcmpParsed, ip: Ipv4Parsed) => void;

interface ArpEntry {
  iface: NetInterface;
  address: number;
  mac: MacAddress | null;
  state: 'PERMANENT' | 'REACHABLE' | 'INCOMPLETE' | 'FAILED';
  expires: number;
  probes: number;
  timer: ScheduledEvent | null;
  /** Frames waiting for the address: IPv4 packet at offset 14, Ethernet header still to write. */
  queue: { frame: Uint8Array; forwarded: boolean; cause: string }[];
}

export interface RouteDecision {
  iface: NetInterface;
  nextHop: number;
  src: number;
  route: Route;
}

export type RouteFailure = { error: 'net' | 'host' | 'prohibit' | 'blackhole'; route?: Route };

export class IpDevice extends Device {
  readonly routing: RoutingTable;
  readonly udp = new Map<number, UdpHandler>();
  /** Ports with a listening socket: segments to them are not answered with a reset. */
  readonly tcpListeners = new Set<number>();
  /**
   * Hook for the transport layer (TCP sockets): receives every valid segment addressed to this
   * device; returning true consumes it. Otherwise a segment to a port not in `tcpListeners` is
   * answered with a reset (RFC 793).
   */
  tcpInput: ((segment: TcpParsed, ip: Ipv4Parsed, payload: Uint8Array, iface: NetInterface) => boolean) | null = null;
  readonly icmpListeners = new Set<IcmpListener>();
  hosts: HostsEntry[] = [];
  nat: Nat | null = null;
  forwarding: boolean;
  private readonly arp = new Map<string, ArpEntry>();
  private readonly reassembler = new Ipv4Reassembler(30_000_000);
  private readonly causeCache = new Map<number, Map<number, { iface: NetInterface; via: number | undefined; text: string }>>();
  private ipId: number;

  constructor(
    net: Network,
    name: string,
    type: 'host' | 'router',
    readonly rng: Rng,
  ) {
    super(net, name, type);
    this.forwarding = type === 'router';
    this.routing = new RoutingTable((key, row) => (row ? net.state.set(name, 'routes', key, row) : net.state.delete(name, 'routes', key)));
    this.ipId = rng.nextInt(0x10000);
  }

  // ---- addresses and names -------------------------------------------------------------------

  isLocalAddress(a: number): boolean {
    for (const i of this.interfaces) if (i.ipv4 && i.ipv4.address === a) return true;
    return false;
  }

  private isBroadcastFor(iface: NetInterface, a: number): boolean {
    return a === 0xffffffff || (iface.ipv4 !== null && a === broadcastAddress(iface.ipv4.address, iface.ipv4.prefixLength));
  }

  /** An IPv4 literal or a name from the hosts table. */
  resolveName(name: string): number | undefined {
    const lit = parseIpv4Text(name);
    if (lit.ok) return lit.value;
    return lookupHosts(this.hosts, name);
  }

  nextIpId(): number {
    this.ipId = (this.ipId + 1) & 0xffff;
    return this.ipId;
  }

  /** Adds the connected route of every addressed interface (proto kernel scope link). */
  addConnectedRoutes(): void {
    for (const i of this.interfaces) {
      if (!i.ipv4) continue;
      const { address, prefixLength } = i.ipv4;
      this.routing.add({ type: 'unicast', dst: (address & prefixToMask(prefixLength)) >>> 0, prefixLength, dev: i.name, proto: 'kernel', scope: 'link', src: address, origin: 'connected' });
    }
  }

  addStaticArp(iface: NetInterface, address: number, mac: MacAddress): void {
    const entry: ArpEntry = { iface, address, mac, state: 'PERMANENT', expires: Infinity, probes: 0, timer: null, queue: [] };
    this.arp.set(arpKey(iface, address), entry);
    this.logArp(entry);
  }

  // ---- routing -------------------------------------------------------------------------------

  routeTo(dst: number): RouteDecision | RouteFailure {
    const route = this.routing.lookup(dst);
    if (!route) return { error: 'net' };
    if (route.type === 'blackhole') return { error: 'blackhole', route };
    if (route.type === 'unreachable') return { error: 'host', route };
    if (route.type === 'prohibit') return { error: 'prohibit', route };
    let iface = route.dev !== undefined ? this.iface(route.dev) : undefined;
    if (!iface && route.via !== undefined) {
      iface = this.interfaces.find((i) => i.ipv4 && ((i.ipv4.address ^ route.via!) & prefixToMask(i.ipv4.prefixLength)) === 0);
    }
    if (!iface || !iface.ipv4) return { error: 'net', route };
    if (!iface.up) return { error: 'net', route };
    return { iface, nextHop: route.via ?? dst, src: route.src ?? iface.ipv4.address, route };
  }

  // ---- sending -------------------------------------------------------------------------------

  /**
   * Sends a locally originated packet. `build` makes the transport payload once the source
   * address is known (UDP and TCP checksums cover it). Returns an error string on failure.
   */
  sendIp(fields: Omit<Ipv4Fields, 'src'> & { src?: number }, build: (src: number) => Uint8Array, cause: string): string | null {
    if (this.isLocalAddress(fields.dst) || fields.dst >>> 24 === 127) return this.sendLoopback(fields, build);
    const d = this.routeTo(fields.dst);
    if ('error' in d) {
      const text = d.error === 'net' ? 'Network is unreachable' : d.error === 'prohibit' ? 'Permission denied' : d.error === 'host' ? 'No route to host' : 'Invalid argument';
      this.net.log.add(this.net.now, 'info', this.name, `cannot send to ${formatIpv4(fields.dst)}: ${text}`);
      return text;
    }
    const src = fields.src ?? d.src;
    const payload = build(src);
    const ipFields: Ipv4Fields = { identification: this.nextIpId(), ttl: 64, ...fields, src };
    this.sendPacket(d, ipFields, payload, false, cause);
    return null;
  }

  /** Packets to our own addresses go through the loopback device: delivered locally, never on a link. */
  private sendLoopback(fields: Omit<Ipv4Fields, 'src'> & { src?: number }, build: (src: number) => Uint8Array): string | null {
    const iface = this.interfaces.find((i) => i.ipv4 !== null) ?? this.interfaces[0];
    if (!iface) return 'Network is unreachable';
    const src = fields.src ?? fields.dst;
    const packet = emitIpv4({ identification: this.nextIpId(), ttl: 64, ...fields, src }, build(src));
    this.net.scheduler.after(0, `${this.name} loopback`, () => {
      const p = parseIpv4(packet);
      if (p.ok) this.deliverLocal(iface, packet, p.repr);
    });
    return null;
  }

  private sendPacket(d: RouteDecision, fields: Ipv4Fields, payload: Uint8Array, forwarded: boolean, cause: string): void {
    const mtu = d.iface.mtu;
    const headerLength = ipv4HeaderLength(fields);
    if (headerLength + payload.length <= mtu) {
      // One buffer for the whole frame: the Ethernet header is written once the next hop's MAC is known.
      const frame = new Uint8Array(ETH_HEADER_LENGTH + headerLength + payload.length);
      writeIpv4Header(fields, frame, ETH_HEADER_LENGTH, payload.length);
      frame.set(payload, ETH_HEADER_LENGTH + headerLength);
      this.transmitIp(d.iface, d.nextHop, frame, forwarded, cause);
      return;
    }
    if (fields.dontFragment) {
      this.net.log.add(this.net.now, 'info', this.name, `packet to ${formatIpv4(fields.dst)} is larger than the MTU ${mtu} of ${d.iface.name} and may not be fragmented`);
      return;
    }
    for (const fragment of fragmentIpv4(fields, payload, mtu)) this.transmitIp(d.iface, d.nextHop, withHeadroom(fragment), forwarded, `${cause} (fragment)`);
  }

  sendUdp(dst: number, srcPort: number, dstPort: number, payload: Uint8Array, cause: string, opts: { ttl?: number; src?: number; dontFragment?: boolean } = {}): string | null {
    return this.sendIp({ dst, protocol: IpProtocol.UDP, ttl: opts.ttl, src: opts.src, dontFragment: opts.dontFragment }, (src) => emitUdp({ srcPort, dstPort }, payload, { src, dst }), cause);
  }

  /**
   * Sends a UDP datagram the way a service asks for it (services/README.md): a limited broadcast
   * or a `linkDst` goes straight out of one interface without routing or ARP (the DHCP cases of
   * RFC 2131 §4.1); anything else is routed like `sendUdp`.
   */
  sendDatagram(out: { src?: number; srcPort: number; dst: number; dstPort: number; payload: Uint8Array; linkDst?: MacAddress; iface?: string }, cause: string, defaultIface?: NetInterface): string | null {
    const named = out.iface !== undefined ? this.iface(out.iface) : undefined;
    if (out.dst === 0xffffffff || out.linkDst) {
      const iface = named ?? defaultIface ?? this.interfaces.find((i) => i.up);
      if (!iface) return 'Network is unreachable';
      const src = out.src ?? iface.ipv4?.address ?? 0;
      const udp = emitUdp({ srcPort: out.srcPort, dstPort: out.dstPort }, out.payload, { src, dst: out.dst });
      const fields: Ipv4Fields = { identification: this.nextIpId(), ttl: 64, protocol: IpProtocol.UDP, src, dst: out.dst };
      const headerLength = ipv4HeaderLength(fields);
      const frame = new Uint8Array(ETH_HEADER_LENGTH + headerLength + udp.length);
      writeIpv4Header(fields, frame, ETH_HEADER_LENGTH, udp.length);
      frame.set(udp, ETH_HEADER_LENGTH + headerLength);
      writeEthernetHeader({ dst: out.linkDst ?? MAC_BROADCAST, src: iface.mac, ethertype: EtherType.IPv4 }, frame, 0);
      iface.send(frame, cause);
      return null;
    }
    return this.sendUdp(out.dst, out.srcPort, out.dstPort, out.payload, cause, { src: out.src });
  }

  /**
   * (Re)configures an interface's address, as `ip addr` would: the connected route follows; routes
   * learned by DHCP on that interface are dropped with the old address. `null` removes the address.
   */
  setInterfaceAddress(iface: NetInterface, ipv4: { address: number; prefixLength: number } | null): void {
    this.routing.removeWhere((r) => r.dev === iface.name && (r.origin === 'connected' || r.proto === 'dhcp'));
    iface.ipv4 = ipv4;
    if (!ipv4) return;
    const { address, prefixLength } = ipv4;
    this.routing.add({ type: 'unicast', dst: (address & prefixToMask(prefixLength)) >>> 0, prefixLength, dev: iface.name, proto: 'kernel', scope: 'link', src: address, origin: 'connected' });
  }

  /** Sends a TCP segment (checksum over the pseudo-header of the chosen source address). */
  sendTcp(dst: number, fields: TcpFields, payload: Uint8Array, cause: string, opts: { ttl?: number; src?: number } = {}): string | null {
    return this.sendIp({ dst, protocol: IpProtocol.TCP, ttl: opts.ttl, src: opts.src, dontFragment: true }, (src) => emitTcp(fields, payload, { src, dst }), cause);
  }

  sendIcmp(dst: number, repr: IcmpRepr, cause: string, opts: { ttl?: number; src?: number; dontFragment?: boolean; dscp?: number } = {}): string | null {
    return this.sendIp({ dst, protocol: IpProtocol.ICMP, ttl: opts.ttl, src: opts.src, dontFragment: opts.dontFragment, dscp: opts.dscp }, () => emitIcmp(repr), cause);
  }

  /** Resolves the next hop's MAC (ARP) and puts the frame (IPv4 packet at offset 14) on the wire. */
  private transmitIp(iface: NetInterface, nextHop: number, frame: Uint8Array, forwarded: boolean, cause: string): void {
    if (this.isBroadcastFor(iface, nextHop)) {
      writeEthernetHeader({ dst: MAC_BROADCAST, src: iface.mac, ethertype: EtherType.IPv4 }, frame, 0);
      iface.send(frame, cause);
      return;
    }
    const key = arpKey(iface, nextHop);
    let entry = this.arp.get(key);
    const now = this.net.now;
    if (entry && entry.mac && (entry.state === 'PERMANENT' || (entry.state === 'REACHABLE' && entry.expires > now))) {
      writeEthernetHeader({ dst: entry.mac, src: iface.mac, ethertype: EtherType.IPv4 }, frame, 0);
      iface.send(frame, cause);
      return;
    }
    if (entry && entry.state === 'INCOMPLETE') {
      if (entry.queue.length >= ARP_QUEUE_LIMIT) entry.queue.shift();
      entry.queue.push({ frame, forwarded, cause });
      return;
    }
    entry = { iface, address: nextHop, mac: null, state: 'INCOMPLETE', expires: Infinity, probes: 0, timer: null, queue: [{ frame, forwarded, cause }] };
    this.arp.set(key, entry);
    this.logArp(entry);
    this.probe(entry);
  }

  private probe(entry: ArpEntry): void {
    const iface = entry.iface;
    entry.probes++;
    const request: ArpRepr = { operation: ArpOperation.Request, senderMac: iface.mac, senderIp: iface.ipv4?.address ?? 0, targetMac: MAC_ZERO, targetIp: entry.address };
    const why = entry.probes === 1 ? 'ARP cache miss' : `no ARP reply yet, attempt ${entry.probes} of ${ARP_MAX_PROBES}`;
    iface.send(emitEthernet({ dst: MAC_BROADCAST, src: iface.mac, ethertype: EtherType.ARP }, emitArp(request)), `${this.name}: ${why} for ${formatIpv4(entry.address)} on ${iface.name}`);
    entry.timer = this.net.scheduler.after(ARP_RETRANS_TIME, `${this.name} ARP retransmit`, () => {
      entry.timer = null;
      if (entry.state !== 'INCOMPLETE') return;
      if (entry.probes < ARP_MAX_PROBES) return this.probe(entry);
      this.arpFailed(entry);
    });
  }

  private arpFailed(entry: ArpEntry): void {
    entry.state = 'FAILED';
    this.logArp(entry);
    this.net.log.add(this.net.now, 'info', this.name, `no ARP reply from ${formatIpv4(entry.address)} on ${entry.iface.name} after ${ARP_MAX_PROBES} requests: host unreachable`);
    const queued = entry.queue;
    entry.queue = [];
    this.arp.delete(arpKey(entry.iface, entry.address));
    this.net.state.delete(this.name, 'arp', `${entry.iface.name} ${formatIpv4(entry.address)}`);
    for (const q of queued) {
      const packet = q.frame.subarray(ETH_HEADER_LENGTH);
      const p = parseIpv4(packet);
      if (p.ok) this.icmpError(packet, p.repr, IcmpType.DestUnreachable, IcmpUnreachableCode.HostUnreachable, `${this.name}: ${formatIpv4(entry.address)} did not answer ARP`);
    }
  }

  private logArp(e: ArpEntry): void {
    const key = `${e.iface.name} ${formatIpv4(e.address)}`;
    this.net.state.set(this.name, 'arp', key, {
      address: e.address,
      dev: e.iface.name,
      ...(e.mac ? { mac: formatMac(e.mac) } : {}),
      state: e.state,
      ...(e.state === 'REACHABLE' ? { expires: e.expires } : {}),
    });
  }

  // ---- receiving -----------------------------------------------------------------------------

  receive(iface: NetInterface, frame: Uint8Array): void {
    if (frame.length < ETH_HEADER_LENGTH) return;
    if (!macEquals(frame, iface.mac, ETH_DST) && !isBroadcastMac(frame, ETH_DST)) return;
    const ethertype = readU16(frame, ETH_TYPE);
    if (ethertype === EtherType.ARP) this.receiveArp(iface, frame, ETH_HEADER_LENGTH, frame.length - ETH_HEADER_LENGTH);
    else if (ethertype === EtherType.IPv4) this.receiveIp(iface, frame.subarray(ETH_HEADER_LENGTH));
  }

  private receiveArp(iface: NetInterface, frame: Uint8Array, offset: number, length: number): void {
    const p = parseArp(frame, offset, length);
    if (!p.ok || !iface.ipv4) return;
    const arp = p.repr;
    const forUs = arp.targetIp === iface.ipv4.address;
    const key = arpKey(iface, arp.senderIp);
    const existing = this.arp.get(key);
    // Learn the sender when it asks us, or when we already have an entry for it (RFC 826 merge).
    if (arp.senderIp !== 0 && (existing || (forUs && arp.operation === ArpOperation.Request))) {
      if (!existing || existing.state !== 'PERMANENT') this.learn(iface, arp.senderIp, arp.senderMac, existing);
    }
    if (forUs && arp.operation === ArpOperation.Request) {
      const reply: ArpRepr = { operation: ArpOperation.Reply, senderMac: iface.mac, senderIp: iface.ipv4.address, targetMac: arp.senderMac, targetIp: arp.senderIp };
      iface.send(emitEthernet({ dst: arp.senderMac, src: iface.mac, ethertype: EtherType.ARP }, emitArp(reply)), `${this.name} answers who-has ${formatIpv4(arp.targetIp)} from ${formatIpv4(arp.senderIp)}`);
    }
  }

  private learn(iface: NetInterface, address: number, mac: MacAddress, existing: ArpEntry | undefined): void {
    const entry: ArpEntry = existing ?? { iface, address, mac: null, state: 'REACHABLE', expires: 0, probes: 0, timer: null, queue: [] };
    entry.mac = mac.slice();
    entry.state = 'REACHABLE';
    entry.expires = this.net.now + ARP_REACHABLE_TIME;
    entry.probes = 0;
    this.net.scheduler.cancel(entry.timer);
    entry.timer = null;
    this.arp.set(arpKey(iface, address), entry);
    this.logArp(entry);
    const queued = entry.queue;
    entry.queue = [];
    for (const q of queued) {
      writeEthernetHeader({ dst: entry.mac, src: iface.mac, ethertype: EtherType.IPv4 }, q.frame, 0);
      iface.send(q.frame, q.cause);
    }
  }

  private receiveIp(iface: NetInterface, packet: Uint8Array): void {
    const p = parseIpv4(packet);
    if (!p.ok || !p.repr.checksumValid) {
      this.net.log.add(this.net.now, 'info', this.name, `dropped an IPv4 packet on ${iface.name}: ${p.ok ? 'bad header checksum' : p.error.message}`);
      return;
    }
    // The payload may carry Ethernet padding: cut the packet to its total length.
    if (packet.length > p.repr.totalLength) packet = packet.subarray(0, p.repr.totalLength);
    let ip = p.repr;
    if (this.nat && iface.name === this.nat.outside.name) {
      const translated = this.nat.inbound(packet, ip);
      if (translated) {
        packet = translated;
        const again = parseIpv4(packet);
        if (!again.ok) return;
        ip = again.repr;
      }
    }
    // An interface without an address (DHCP in progress) takes every packet sent to its MAC, as
    // dhclient's raw socket does: the OFFER is unicast to the address being offered.
    if (this.isLocalAddress(ip.dst) || this.isBroadcastFor(iface, ip.dst) || (iface.ipv4 === null && !this.forwarding)) this.deliverLocal(iface, packet, ip);
    else if (this.forwarding) this.forward(iface, packet, ip);
  }

  private forward(inIface: NetInterface, packet: Uint8Array, ip: Ipv4Parsed): void {
    const now = this.net.now;
    if (ip.ttl <= 1) {
      this.icmpError(packet, ip, IcmpType.TimeExceeded, IcmpTimeExceededCode.TtlExceeded, `${this.name}: TTL expired in transit (${formatIpv4(ip.src)} → ${formatIpv4(ip.dst)})`);
      return;
    }
    const d = this.routeTo(ip.dst);
    if ('error' in d) {
      if (d.error === 'blackhole') {
        this.net.log.add(now, 'info', this.name, `blackhole route: dropped ${formatIpv4(ip.src)} → ${formatIpv4(ip.dst)}`);
        return;
      }
      const code = d.error === 'net' ? IcmpUnreachableCode.NetUnreachable : d.error === 'host' ? IcmpUnreachableCode.HostUnreachable : IcmpUnreachableCode.CommunicationProhibited;
      this.icmpError(packet, ip, IcmpType.DestUnreachable, code, `${this.name}: no route to ${formatIpv4(ip.dst)}`);
      return;
    }
    const headerLength = ip.headerLength;
    // Copy into a new frame (the received one is shared with the capture) with the TTL decremented.
    let frame: Uint8Array = new Uint8Array(ETH_HEADER_LENGTH + packet.length);
    frame.set(packet, ETH_HEADER_LENGTH);
    ip.ttl--; // the parsed header is ours: decrement in place rather than copy it
    writeIpv4Header(ip, frame, ETH_HEADER_LENGTH, packet.length - headerLength);
    if (this.nat && d.iface.name === this.nat.outside.name && inIface !== d.iface) {
      const translated = this.nat.outbound(frame.subarray(ETH_HEADER_LENGTH), d.iface);
      if (!translated) return;
      frame = withHeadroom(translated);
    }
    const out = frame.subarray(ETH_HEADER_LENGTH);
    const cause = this.forwardCause(ip.src, ip.dst, d);
    if (out.length > d.iface.mtu) {
      if (ip.dontFragment) {
        this.icmpError(packet, ip, IcmpType.DestUnreachable, IcmpUnreachableCode.FragmentationNeeded, `${this.name}: packet larger than MTU ${d.iface.mtu}`, d.iface.mtu);
        return;
      }
      const o = parseIpv4(out);
      if (!o.ok) return;
      for (const f of fragmentIpv4(o.repr, out.subarray(o.repr.headerLength), d.iface.mtu)) this.transmitIp(d.iface, d.nextHop, withHeadroom(f), true, `${cause} (fragment)`);
      return;
    }
    this.transmitIp(d.iface, d.nextHop, frame, true, cause);
  }

  /** "r1 forwards A → B via eth1 (gateway G)", built once per flow: forwarding is the hot path. */
  private forwardCause(src: number, dst: number, d: RouteDecision): string {
    let bySrc = this.causeCache.get(dst);
    if (!bySrc) {
      if (this.causeCache.size > 4096) this.causeCache.clear();
      this.causeCache.set(dst, (bySrc = new Map()));
    }
    const via = d.route.via;
    let c = bySrc.get(src);
    if (c === undefined || c.iface !== d.iface || c.via !== via) {
      const text = `${this.name} forwards ${formatIpv4(src)} → ${formatIpv4(dst)} via ${d.iface.name}${via !== undefined ? ` (gateway ${formatIpv4(via)})` : ''}`;
      c = { iface: d.iface, via, text };
      bySrc.set(src, c);
    }
    return c.text;
  }

  /** Sends an ICMP error about `packet` to its source, following RFC 1812's rules on when not to. */
  icmpError(packet: Uint8Array, ip: Ipv4Parsed, type: number, code: number, cause: string, nextHopMtu = 0): void {
    if (ip.fragmentOffset > 0 || ip.src === 0 || ip.src === 0xffffffff || ip.dst === 0xffffffff || (ip.src >>> 28) === 14) return;
    if (ip.protocol === IpProtocol.ICMP) {
      const inner = packet[ip.headerLength];
      if (inner !== IcmpType.EchoRequest && inner !== IcmpType.EchoReply) return; // never an error about an error
    }
    const quote = icmpQuote(packet, ICMP_ERROR_ROOM - ip.headerLength);
    const repr: IcmpRepr = type === IcmpType.TimeExceeded ? { kind: 'timeExceeded', code, quote } : { kind: 'destUnreachable', code, nextHopMtu, quote };
    if (this.isLocalAddress(ip.src)) {
      // Our own packet: the kernel reports the error to the sender locally, nothing goes on the wire.
      const message = emitIcmp(repr);
      const local = parseIcmp(message);
      if (local.ok) for (const l of [...this.icmpListeners]) l(local.repr, { ...ip, src: ip.src, dst: ip.src, protocol: IpProtocol.ICMP, headerLength: 20, totalLength: 20 + message.length, checksum: 0, checksumValid: true });
      return;
    }
    this.sendIcmp(ip.src, repr, cause, { dscp: DSCP_CS6 });
  }

  private deliverLocal(iface: NetInterface, packet: Uint8Array, ip: Ipv4Parsed): void {
    if (ip.moreFragments || ip.fragmentOffset > 0) {
      const whole = this.reassembler.add(packet, this.net.now);
      if (!whole) return;
      const p = parseIpv4(whole);
      if (!p.ok) return;
      packet = whole;
      ip = p.repr;
    }
    const off = ip.headerLength;
    const len = ip.totalLength - off;
    const broadcast = this.isBroadcastFor(iface, ip.dst);
    switch (ip.protocol) {
      case IpProtocol.ICMP: {
        const m = parseIcmp(packet, off, len);
        if (!m.ok || !m.repr.checksumValid) return;
        const icmp = m.repr;
        if (icmp.kind === 'echoRequest') {
          if (broadcast) return; // Linux ignores broadcast pings (icmp_echo_ignore_broadcasts)
          const copy = icmp.data.slice();
          this.sendIcmp(ip.src, { kind: 'echoReply', identifier: icmp.identifier, sequence: icmp.sequence, data: copy }, `${this.name} answers ping from ${formatIpv4(ip.src)} (seq ${icmp.sequence})`, { src: ip.dst, dontFragment: ip.dontFragment });
          return;
        }
        for (const l of [...this.icmpListeners]) l(icmp, ip);
        return;
      }
      case IpProtocol.UDP: {
        const u = parseUdp(packet, off, len);
        if (!u.ok) return;
        if (verifyUdpChecksum(packet, off, u.repr.length, ip) === 'bad') {
          this.net.log.add(this.net.now, 'info', this.name, `dropped a UDP datagram with a bad checksum from ${formatIpv4(ip.src)}`);
          return;
        }
        const handler = this.udp.get(u.repr.dstPort);
        if (handler) {
          handler({ src: ip.src, srcPort: u.repr.srcPort, dst: ip.dst, dstPort: u.repr.dstPort, ttl: ip.ttl, payload: packet.subarray(u.payloadOffset, u.payloadOffset + u.payloadLength), iface });
          return;
        }
        if (!broadcast) this.icmpError(packet, ip, IcmpType.DestUnreachable, IcmpUnreachableCode.PortUnreachable, `${this.name}: nothing listens on UDP port ${u.repr.dstPort}`);
        return;
      }
      case IpProtocol.TCP: {
        const t = parseTcp(packet, off, len);
        if (!t.ok || !verifyTcpChecksum(packet, off, len, ip)) return;
        const seg = t.repr;
        if (this.tcpInput && this.tcpInput(seg, ip, packet.subarray(t.payloadOffset, off + len), iface)) return;
        if (this.tcpListeners.has(seg.dstPort) || seg.flags & TcpFlags.RST || broadcast) return;
        // RFC 793 reset generation for a closed port.
        const hasAck = (seg.flags & TcpFlags.ACK) !== 0;
        const seqLen = tcpSequenceLength(seg.flags, len - t.headerLength);
        const rst = hasAck
          ? { srcPort: seg.dstPort, dstPort: seg.srcPort, seq: seg.ack, ack: 0, flags: TcpFlags.RST, window: 0 }
          : { srcPort: seg.dstPort, dstPort: seg.srcPort, seq: 0, ack: (seg.seq + seqLen) >>> 0, flags: TcpFlags.RST | TcpFlags.ACK, window: 0 };
        this.sendIp({ dst: ip.src, protocol: IpProtocol.TCP, src: ip.dst, dontFragment: true }, (src) => emitTcp(rst, new Uint8Array(0), { src, dst: ip.src }), `${this.name}: TCP port ${seg.dstPort} is closed (reset)`);
        return;
      }
      default:
        if (!broadcast) this.icmpError(packet, ip, IcmpType.DestUnreachable, IcmpUnreachableCode.ProtocolUnreachable, `${this.name}: protocol ${ip.protocol} not supported`);
    }
  }

  /** `ip neigh flush all`: forgets learned neighbours (permanent entries stay); returns how many. */
  flushArp(): number {
    let n = 0;
    for (const [key, e] of this.arp) {
      if (e.state === 'PERMANENT' || e.state === 'INCOMPLETE') continue;
      this.arp.delete(key);
      this.net.state.delete(this.name, 'arp', `${e.iface.name} ${formatIpv4(e.address)}`);
      n++;
    }
    return n;
  }

  override linkChanged(iface: NetInterface): void {
    if (!iface.up) {
      // Forget neighbours learned on a dead link, as the kernel flushes them on carrier loss.
      for (const [key, e] of this.arp) {
        if (e.iface === iface && e.state !== 'PERMANENT') {
          this.net.scheduler.cancel(e.timer);
          this.arp.delete(key);
          this.net.state.delete(this.name, 'arp', `${iface.name} ${formatIpv4(e.address)}`);
        }
      }
    }
  }
}

/** An IPv4 packet in a new frame buffer with room for the Ethernet header in front. */
function withHeadroom(packet: Uint8Array): Uint8Array {
  const frame = new Uint8Array(ETH_HEADER_LENGTH + packet.length);
  frame.set(packet, ETH_HEADER_LENGTH);
  return frame;
}

function arpKey(iface: NetInterface, address: number): string {
  return `${iface.name}|${address}`;
}
