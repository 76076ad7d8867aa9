// The application services of one host or router, built from its lab record: DHCP server, relay
// and client, DNS authoritative server, resolver (recursive or forwarding) and the stub resolver
// every host has. Each sans-IO service is driven by a ServiceRunner; this class routes the UDP
// ports to them and applies what they report (a DHCP lease configures the interface and the
// stub's name servers).
import { formatIpv4, parseIpv4, prefixToMask } from '../../../src-shared/net/addr';
import type { LabDevice } from '../../../src-shared/lab';
import type { DeviceTables } from '../../../src-shared/lab';
import type { NetInterface } from '../model/node';
import { deriveRng } from '../sim/rng';
import type { ServiceStep } from '../services/types';
import { DhcpServer, type DhcpServerEvent } from '../services/dhcp/server';
import { DhcpClient, type DhcpClientEvent, type DhcpConfiguration } from '../services/dhcp/client';
import { DhcpRelayAgent, type DhcpRelayEvent } from '../services/dhcp/relay';
import { DHCP_CLIENT_PORT, DHCP_SERVER_PORT } from '../services/dhcp/common';
import { DnsAuthoritativeServer, DNS_PORT } from '../services/dns/authoritative';
import { DnsResolver, type ResolverEvent } from '../services/dns/resolver';
import { StubResolver, type StubEvent } from '../services/dns/stub';
import { DnsTcpClient, DnsTcpResolverServer, serveDnsOverTcp } from '../services/dns/tcp-transport';
import type { IpDevice, UdpDatagram } from '../stack/ip-device';
import { TcpStack } from '../stack/tcp-stack';
import { inbound, ServiceRunner } from './service-runner';

type StubListener = (e: StubEvent) => void;

interface ClientSlot {
  iface: NetInterface;
  client: DhcpClient;
  runner: ServiceRunner<DhcpClientEvent>;
}

export class DeviceServices {
  dhcpServer: DhcpServer | null = null;
  dhcpRelay: DhcpRelayAgent | null = null;
  readonly dhcpClients = new Map<string, ClientSlot>();
  authoritative: DnsAuthoritativeServer | null = null;
  resolver: DnsResolver | null = null;
  readonly stub: StubResolver;
  private readonly stubRunner: ServiceRunner<StubEvent>;
  private readonly stubListeners = new Map<number, StubListener>();
  private nextRequestId = 1;
  private resolverRunner: ServiceRunner<ResolverEvent> | null = null;
  private readonly resolverListeners = new Map<unknown, (e: ResolverEvent) => void>();

  constructor(
    readonly device: IpDevice,
    record: LabDevice,
    tables: DeviceTables,
  ) {
    const net = device.net;
    const seed = net.seed;
    const name = device.name;
    const log = (text: string) => net.log.add(net.now, 'info', name, text);

    // Stub resolver (every host and router: getaddrinfo, the browser, host tools).
    const nameservers = (record.nameservers ?? []).flatMap((t) => {
      const r = parseIpv4(t);
      return r.ok ? [r.value] : [];
    });
    this.stub = new StubResolver({ name, servers: nameservers, hosts: tables.hosts }, deriveRng(seed, `dns:stub:${name}`));
    // A truncated answer is asked again over TCP (the TCP stack is created only then).
    let stubTcp: DnsTcpClient | undefined;
    this.stubRunner = new ServiceRunner<StubEvent>(device, {
      label: 'stub resolver',
      poll: (now) => this.stub.poll(now),
      ports: () => this.stub.ports(),
      receive: (now, d) => this.stub.receive(now, d),
      tcp: (q) => (stubTcp ??= new DnsTcpClient(this.tcp, (token, reply, failure) => this.stubRunner.apply(this.stub.tcpAnswer(net.now, token, reply, failure)))).run(q),
      onEvents: (events) => {
        for (const e of events) {
          const l = this.stubListeners.get(e.requestId);
          this.stubListeners.delete(e.requestId);
          if (l) l(e);
        }
      },
    });

    // Authoritative DNS from the zone table.
    const zones = [...(tables.zone ? [tables.zone] : []), ...tables.zones];
    if (zones.length) {
      this.authoritative = new DnsAuthoritativeServer({ name, zones });
      // Answers too large for UDP are truncated; resolvers then ask again over TCP port 53.
      // (A resolver on the same device answers port 53 instead, over UDP and TCP alike.)
      if (!record.dns) serveDnsOverTcp(this.tcp, this.authoritative);
    }

    // Resolver: recursive (ISP) or forwarding (home router).
    if (record.dns) {
      const cfg = record.dns;
      const addr = (t: string) => {
        const r = parseIpv4(t);
        return r.ok ? [r.value] : [];
      };
      const resolver = new DnsResolver(
        cfg.mode === 'recursive'
          ? { name, mode: 'recursive', rootHints: (cfg.rootHints ?? []).flatMap((h) => addr(h.address).map((address) => ({ name: h.name, address }))) }
          : { name, mode: 'forwarding', forwarders: (cfg.forwarders ?? []).flatMap(addr) },
        deriveRng(seed, `dns:resolver:${name}`),
      );
      this.resolver = resolver;
      const dnsTcp = new DnsTcpClient(this.tcp, (token, reply, failure) => this.resolverRunner!.apply(resolver.tcpAnswer(net.now, token, reply, failure)));
      // Clients whose UDP answer was truncated ask again over TCP port 53 (nslookup, dig, glibc):
      // the resolver answers them there (it takes the port over from a zone served on the same device).
      const tcpClients = new DnsTcpResolverServer(this.tcp, name, (connection, from, message) => this.resolverRunner!.apply(resolver.tcpClientQuery(net.now, connection, from, message)));
      this.resolverRunner = new ServiceRunner<ResolverEvent>(device, {
        label: 'DNS resolver',
        poll: (now) => resolver.poll(now),
        ports: () => resolver.ports(),
        receive: (now, d) => resolver.receive(now, d),
        tcp: (q) => dnsTcp.run(q),
        tcpReply: (r) => tcpClients.reply(r, `${name}: `),
        onEvents: (events) => {
          for (const e of events) {
            const l = this.resolverListeners.get(e.tag);
            if (l) {
              this.resolverListeners.delete(e.tag);
              l(e);
            }
          }
        },
      });
    }
    if (this.resolver || this.authoritative) {
      device.udp.set(DNS_PORT, (d: UdpDatagram) => {
        const now = net.now;
        if (this.resolver && this.resolverRunner) this.resolverRunner.apply(this.resolver.receive(now, inbound(d)), d.iface);
        else if (this.authoritative) this.applyOnce(this.authoritative.receive(now, inbound(d)), d.iface);
      });
    }

    // DHCP server (dhcpd table) or relay (routers with dhcpRelay).
    if (tables.dhcpd) {
      const conf = tables.dhcpd;
      const inSubnet = (i: NetInterface) => i.ipv4 !== null && conf.subnets.some((s) => ((i.ipv4!.address & prefixToMask(s.prefixLength)) >>> 0) === s.network);
      const serverIface = device.interfaces.find(inSubnet) ?? device.interfaces.find((i) => i.ipv4 !== null);
      if (serverIface?.ipv4) {
        const server = DhcpServer.fromDhcpdConf(conf, name, serverIface.ipv4.address, { probe: false });
        this.dhcpServer = server;
        const runner = new ServiceRunner<DhcpServerEvent>(device, {
          label: 'DHCP server',
          poll: (now) => server.poll(now),
          onEvents: (events, now) => {
            for (const e of events) {
              if (e.kind === 'probe') runner.apply(server.probeResult(now, e.token, false));
              else log(e.cause);
            }
          },
        });
        device.udp.set(DHCP_SERVER_PORT, (d) => runner.apply(server.receive(net.now, inbound(d), d.iface.ipv4?.address ?? server.config.serverId), d.iface));
      } else log('has a dhcpd table but no interface address to serve from');
    } else if (record.dhcpRelay) {
      const servers = record.dhcpRelay.servers.flatMap((t) => {
        const r = parseIpv4(t);
        return r.ok ? [r.value] : [];
      });
      const relay = new DhcpRelayAgent({ name, interfaces: device.interfaces.filter((i) => i.ipv4).map((i) => ({ name: i.name, address: i.ipv4!.address })), servers });
      this.dhcpRelay = relay;
      const runner = new ServiceRunner<DhcpRelayEvent>(device, { label: 'DHCP relay', poll: () => ({ sends: [], events: [], nextPoll: undefined }), onEvents: (ev) => ev.forEach((e) => log(e.cause)) });
      device.udp.set(DHCP_SERVER_PORT, (d) => runner.apply(relay.receive(net.now, inbound(d), d.iface.name), d.iface));
    }

    // DHCP clients: interfaces marked "dhcp", and host interfaces with no address.
    for (const li of record.interfaces) {
      const iface = device.iface(li.name);
      if (!iface) continue;
      const wanted = li.dhcp ?? (li.ipv4 === undefined && record.type === 'host');
      if (!wanted) continue;
      const client = new DhcpClient({ name, mac: iface.mac, hostname: name }, deriveRng(seed, `dhcp:client:${name}:${li.name}`));
      const slot: ClientSlot = {
        iface,
        client,
        runner: new ServiceRunner<DhcpClientEvent>(device, {
          label: `DHCP client ${li.name}`,
          poll: (now) => client.poll(now),
          onEvents: (events) => this.clientEvents(slot, events),
        }),
      };
      this.dhcpClients.set(li.name, slot);
    }
    if (this.dhcpClients.size) {
      device.udp.set(DHCP_CLIENT_PORT, (d) => {
        const slot = [...this.dhcpClients.values()].find((s) => s.iface === d.iface);
        if (slot) slot.runner.apply(slot.client.receive(net.now, inbound(d)), slot.iface);
      });
    }
  }

  private tcpStack: TcpStack | null = null;

  /** The device's TCP (created on first use: it takes over `IpDevice.tcpInput`). */
  get tcp(): TcpStack {
    return (this.tcpStack ??= new TcpStack(this.device));
  }

  /** Boot: DHCP clients send their first DISCOVER. */
  start(): void {
    for (const slot of this.dhcpClients.values()) slot.runner.apply(slot.client.start(this.device.net.now), slot.iface);
  }

  /** `dhclient` / `dhclient -r` on one interface or all DHCP interfaces. */
  dhcp(action: 'renew' | 'release' | 'start', ifaceName?: string): number {
    const now = this.device.net.now;
    let n = 0;
    for (const [name, slot] of this.dhcpClients) {
      if (ifaceName !== undefined && name !== ifaceName) continue;
      const step = action === 'renew' ? slot.client.renew(now) : action === 'release' ? slot.client.release(now) : slot.client.start(now);
      slot.runner.apply(step, slot.iface);
      n++;
    }
    return n;
  }

  /** getaddrinfo: hosts file, OS cache, then the name servers. */
  resolve(name: string, type: number, done: StubListener): void {
    const requestId = this.nextRequestId++;
    this.stubListeners.set(requestId, done);
    this.stubRunner.apply(this.stub.lookup(this.device.net.now, name, type, requestId));
  }

  /** Asks the device's own resolver (dig on the router itself, through its cache). */
  resolveWithResolver(name: string, type: number, done: (e: ResolverEvent) => void): boolean {
    if (!this.resolver || !this.resolverRunner) return false;
    const tag = { request: this.nextRequestId++ };
    this.resolverListeners.set(tag, done);
    this.resolverRunner.apply(this.resolver.lookup(this.device.net.now, name, type, tag));
    return true;
  }

  /** Flushes a cache tier; returns the number of entries dropped, or undefined if the device has no such cache. */
  flush(tier: 'os' | 'resolver'): number | undefined {
    if (tier === 'os') return this.stub.flush();
    return this.resolver ? this.resolver.flush() : undefined;
  }

  private applyOnce(step: ServiceStep, iface: NetInterface): void {
    for (const out of step.sends) this.device.sendDatagram(out, out.cause, iface);
  }

  private clientEvents(slot: ClientSlot, events: DhcpClientEvent[]): void {
    const dev = this.device;
    const net = dev.net;
    for (const e of events) {
      if (e.kind === 'configured') this.configure(slot, e.config, e.renewed);
      else if (e.kind === 'deconfigured') {
        dev.setInterfaceAddress(slot.iface, null);
        this.stub.setServers([]);
        net.log.add(net.now, 'info', dev.name, `DHCP: ${formatIpv4(e.address)} removed from ${slot.iface.name}`);
      }
    }
  }

  private configure(slot: ClientSlot, c: DhcpConfiguration, renewed: boolean): void {
    const dev = this.device;
    const net = dev.net;
    const iface = slot.iface;
    if (renewed && iface.ipv4?.address === c.address && iface.ipv4.prefixLength === c.prefixLength) {
      net.log.add(net.now, 'info', dev.name, `DHCP: lease of ${formatIpv4(c.address)} renewed (${c.leaseTime} s)`);
      return;
    }
    dev.setInterfaceAddress(iface, { address: c.address, prefixLength: c.prefixLength });
    const gw = c.routers[0];
    if (gw !== undefined) dev.routing.add({ type: 'unicast', dst: 0, prefixLength: 0, via: gw, dev: iface.name, proto: 'dhcp', src: c.address, origin: 'static' });
    if (c.dnsServers.length) this.stub.setServers(c.dnsServers);
    net.log.add(
      net.now,
      'info',
      dev.name,
      `DHCP: ${iface.name} is ${formatIpv4(c.address)}/${c.prefixLength}${gw !== undefined ? `, default via ${formatIpv4(gw)}` : ''}${c.dnsServers.length ? `, DNS ${c.dnsServers.map(formatIpv4).join(', ')}` : ''} (lease ${c.leaseTime} s)`,
    );
  }
}
