// Builds a running network from a validated lab and drives it: scenarios, stop conditions,
// device state at any frame. This is the engine's public entry point.
import { parseIpv4Cidr } from '../../src-shared/net/addr';
import { parseDeviceTables, type Lab, type LabScenario } from '../../src-shared/lab';
import { Link, type LinkParams } from './model/link';
import { Network } from './model/network';
import { NetInterface, type Device } from './model/node';
import { deriveRng, fnv1a32 } from './sim/rng';
import type { RunResult } from './sim/scheduler';
import type { Micros } from './sim/time';
import { ms } from './sim/time';
import type { DeviceState } from './state/state-log';
import { IpDevice } from './stack/ip-device';
import { computeLinkState, type LsRouter } from './stack/link-state';
import { Nat } from './stack/nat';
import { Switch, DEFAULT_MAC_AGING } from './stack/switch';
import { startPing } from './apps/ping';
import { startTraceroute } from './apps/traceroute';
import { startUdpEchoClient, startUdpEchoServer } from './apps/udp-echo';
import { startDig, startGetaddrinfo } from './apps/dig';
import { startNslookup } from './apps/nslookup';
import { DeviceServices } from './journey/device-services';
import { journeyStep, type JourneyStep } from './journey/steps';
import type { TcpStack } from './stack/tcp-stack';
import { LabPki } from './services/http/lab-pki';
import { HttpServer, originConfigFrom } from './services/http/server';
import { ReverseProxy } from './services/http/proxy';
import { Browser } from './apps/browser/browser';
import { parseIpv4 } from '../../src-shared/net/addr';
import type { JourneyRecord } from '../../src-shared/ipc/contract';
import { JourneyRecorder } from './journey/record';
import { buildStory } from './journey/story';
import { observeHttpClient } from './journey/observe';
import { ServicesReplay } from './journey/replay';
import { pageLoadRecord } from './journey/page-load';
import { servicesState, type ServicesState } from './state/services-state';

export const DEFAULT_EVENT_BUDGET = 20_000_000;
const DEFAULTS = { latencyMs: 1, bandwidthMbps: 100, lossPercent: 0, cost: 10, mtu: 1500 };

export interface SimulationOptions {
  /** Overrides the lab's seed. */
  seed?: number;
  /**
   * Called as each frame is captured, from the very first (boot frames are captured while the
   * simulation is built, before `net.onFrame` could be set).
   */
  onFrame?: (sim: Simulation, no: number) => void;
}

export class Simulation {
  readonly net: Network;
  private readonly domains = new Map<string, IpDevice[]>();
  /** HTTP servers of the web-server devices (by device name). */
  readonly webServers = new Map<string, HttpServer>();
  /** Reverse proxies / CDN edges of the proxy-cache devices (by device name). */
  readonly proxies = new Map<string, ReverseProxy>();
  private readonly browsers = new Map<string, Browser>();
  private labPki: LabPki | null = null;
  /** DHCP, DNS and the stub resolver of each host and router (by device name). */
  readonly services = new Map<string, DeviceServices>();

  /** Structured journey events (url, cache, render, TLS checks, HTTP exchanges) for the story. */
  readonly journey: JourneyRecorder;
  /** Scenarios started so far (name, start time): what a replay starts again. */
  private readonly started: { name: string; offset: Micros }[] = [];
  private replay: ServicesReplay | null = null;

  constructor(readonly lab: Lab, options: SimulationOptions = {}) {
    const seed = (options.seed ?? lab.seed ?? 1) >>> 0;
    this.net = new Network(seed);
    this.journey = new JourneyRecorder(() => this.net.capture.count, () => this.net.now);
    const onFrame = options.onFrame;
    if (onFrame) this.net.onFrame = (no) => onFrame(this, no);
    this.build();
  }

  device(name: string): Device | undefined {
    return this.net.devices.get(name);
  }

  ipDevice(name: string): IpDevice {
    const d = this.net.devices.get(name);
    if (!(d instanceof IpDevice)) throw new Error(`${name} is not a host or router`);
    return d;
  }

  /** Schedules the actions of a scenario (default: the lab's first); returns it. */
  startScenario(name?: string, offset: Micros = this.net.now): LabScenario {
    const scenarios = this.lab.scenarios ?? [];
    const scenario = name === undefined ? scenarios[0] : scenarios.find((s) => s.name === name);
    if (!scenario) {
      const known = scenarios.map((s) => s.name).join(', ') || 'none';
      throw new Error(name === undefined ? 'the lab has no scenarios' : `no scenario "${name}" (the lab has: ${known})`);
    }
    this.scenarioEnd = scenario.durationMs !== undefined ? offset + ms(scenario.durationMs) : undefined;
    this.started.push({ name: scenario.name, offset });
    for (const action of scenario.actions) {
      this.net.scheduler.at(offset + ms(action.atMs), `scenario ${scenario.name}: ${action.type}`, () => {
        switch (action.type) {
          case 'ping':
            startPing(this.ipDevice(action.from), action);
            break;
          case 'traceroute':
            startTraceroute(this.ipDevice(action.from), action);
            break;
          case 'udp-echo':
            startUdpEchoClient(this.ipDevice(action.from), action);
            break;
          case 'link':
            this.net.links.get(action.link)?.setUp(action.up);
            break;
          case 'lookup':
            this.lookup(action);
            break;
          case 'nslookup': {
            const server = action.server !== undefined ? parseIpv4(action.server) : undefined;
            startNslookup(this.ipDevice(action.from), this.services.get(action.from), { name: action.name, qtype: action.qtype, server: server?.ok ? server.value : undefined });
            break;
          }
          case 'dhcp': {
            const n = this.services.get(action.from)?.dhcp(action.action, action.interface) ?? 0;
            if (n === 0) this.net.print(action.from, `dhclient: ${action.from} has no DHCP interface${action.interface ? ` named ${action.interface}` : ''}`);
            break;
          }
          case 'flush':
            this.flush(action.from, action.cache);
            break;
          case 'browse':
            this.browser(action.from).browse(action.url);
            break;
        }
      });
    }
    return scenario;
  }

  private lookup(action: Extract<LabScenario['actions'][number], { type: 'lookup' }>): void {
    const dev = this.ipDevice(action.from);
    const services = this.services.get(action.from);
    if (action.via === 'getaddrinfo') {
      if (services) startGetaddrinfo(dev, services, action.name, action.qtype);
      return;
    }
    const server = action.server !== undefined ? parseIpv4(action.server) : undefined;
    startDig(dev, services, { name: action.name, qtype: action.qtype, server: server && server.ok ? server.value : undefined });
  }

  /** Empties one cache tier of a device and says what went (like `resolvectl flush-caches`). */
  flush(device: string, tier: 'os' | 'resolver' | 'arp' | 'browser-dns' | 'http' | 'all'): void {
    const dev = this.ipDevice(device);
    const services = this.services.get(device);
    const said: string[] = [];
    if (tier === 'os' || tier === 'all') said.push(`OS DNS cache: ${services?.flush('os') ?? 0} entries flushed`);
    if (tier === 'resolver' || tier === 'all') {
      const n = services?.flush('resolver');
      if (n !== undefined) said.push(`resolver cache: ${n} entries flushed`);
      else if (tier === 'resolver') said.push('no DNS resolver runs here');
    }
    if (tier === 'arp' || tier === 'all') said.push(`ARP cache: ${dev.flushArp()} entries flushed`);
    if (tier === 'browser-dns' || (tier === 'all' && this.browsers.has(device))) said.push(`browser DNS cache: ${this.browsers.get(device)?.flush() ?? 0} entries flushed`);
    if (tier === 'http' || (tier === 'all' && this.browsers.has(device))) said.push(`browser HTTP cache: ${this.browsers.get(device)?.flushHttp() ?? 0} responses flushed`);
    for (const line of said) this.net.print(device, line);
  }

  /** The lab's CA and the TLS key log of every connection (created on first use). */
  get pki(): LabPki {
    return (this.labPki ??= new LabPki(this.net.seed));
  }

  /** NSS key log of every TLS connection so far (for the capture's Decryption Secrets Block). */
  keyLogText(): string {
    return this.labPki ? this.labPki.keyLog.text() : '';
  }

  /** The browser of a host (created on first use; it keeps its caches and connections). */
  browser(device: string): Browser {
    let b = this.browsers.get(device);
    if (!b) {
      const hstsPreload = this.lab.devices.find((d) => d.name === device)?.hstsPreload ?? [];
      this.browsers.set(device, (b = new Browser(this.ipDevice(device), this.services.get(device)!, this.pki, { recorder: this.journey, hstsPreload })));
    }
    return b;
  }

  /** TCP of a host or router (listen / connect; created on first use). */
  tcp(device: string): TcpStack {
    this.ipDevice(device);
    return this.services.get(device)!.tcp;
  }

  /** The URL-journey step of captured frame `no` (dhcp, arp, dns, tcp, tls, http or routing). */
  frameStep(no: number): JourneyStep {
    return journeyStep(this.net.capture.frame(no).bytes);
  }

  /** When the scenario started last ends: its `durationMs` after the start, or undefined (run until idle). */
  scenarioEnd: Micros | undefined = undefined;

  /**
   * Runs until `until` (µs), until idle, or until the event budget is spent. Without `until`, a
   * scenario with `durationMs` stops at its end (labs with DHCP clients never go idle).
   */
  run(options: { until?: Micros; budget?: number } = {}): RunResult {
    const until = options.until ?? (this.scenarioEnd !== undefined && this.scenarioEnd > this.net.now ? this.scenarioEnd : undefined);
    const result = this.net.scheduler.run({ until, budget: options.budget ?? DEFAULT_EVENT_BUDGET });
    if (result.diagnostic && result.reason === 'budget') this.net.log.add(this.net.now, 'error', 'engine', result.diagnostic);
    return result;
  }

  /**
   * Runs until frame `frameNo` has been captured (it stops after the event that sent it), or until
   * `until`, idle or the budget, like `run`. Listeners on `net.onFrame` still hear every frame.
   */
  runUntilFrame(frameNo: number, options: { until?: Micros; budget?: number } = {}): RunResult {
    const net = this.net;
    if (net.capture.count >= frameNo) return { reason: 'stopped', processed: 0, now: net.now, diagnostic: `frame ${frameNo} captured` };
    const previous = net.onFrame;
    net.onFrame = (no) => {
      previous?.(no);
      if (no === frameNo) net.scheduler.stop(`frame ${frameNo} captured`);
    };
    try {
      return this.run(options);
    } finally {
      net.onFrame = previous;
    }
  }

  /** The scenarios started so far, in order (for a replay of this run). */
  get startedScenarios(): readonly { name: string; offset: Micros }[] {
    return this.started;
  }

  /** A device's services (DHCP server, client and relay, DNS caches of every tier, HTTP caches, HSTS) as they are now. */
  servicesNow(device: string): ServicesState {
    return servicesState({
      now: this.net.now,
      services: this.services.get(device),
      browser: this.browsers.get(device),
      proxy: this.proxies.get(device),
      hstsPreload: this.lab.devices.find((d) => d.name === device)?.hstsPreload,
    });
  }

  /**
   * A device's services as they were when frame `frameNo` was captured (0: the first frame). The
   * run is deterministic, so a second simulation of the same lab, seed and scenarios replays it up
   * to that frame; it is kept and stepped forward for later frames (restarted for earlier ones).
   * Only runs driven by scenarios replay: a run with events scheduled from outside throws when the
   * replayed frame differs from the captured one.
   */
  servicesAt(device: string, frameNo: number): ServicesState {
    if (!this.lab.devices.some((d) => d.name === device)) throw new Error(`the lab has no device ${device}`);
    const count = this.net.capture.count;
    this.replay ??= new ServicesReplay(this.lab, this.net.seed, this.started, this.net.capture);
    return this.replay.at(device, Math.min(Math.max(1, Math.floor(frameNo)), count), this.net.now);
  }

  /** How many replays `servicesAt` has built (1 + restarts for earlier frames). */
  get servicesReplays(): number {
    return this.replay?.builds ?? 0;
  }

  /** The story of the URL journey and every page load so far (the `sim.journey` record). */
  journeyRecord(): JourneyRecord {
    const zones = new Map<number, string[]>();
    for (const [name, s] of this.services) {
      if (!s.authoritative) continue;
      const origins = s.authoritative.snapshot().zones.map((z) => z.origin);
      for (const i of this.ipDevice(name).interfaces) if (i.ipv4) zones.set(i.ipv4.address, origins);
    }
    const story = buildStory({ capture: this.net.capture, recorder: this.journey, zonesAt: (a) => zones.get(a) });
    const loads = [...this.browsers.values()].flatMap((b) => b.history).sort((a, b) => a.startUs - b.startUs);
    return { story, loads: loads.map(pageLoadRecord) };
  }

  /** Tables of `device` as they were when frame `frameNo` crossed the wire (0: before any frame). */
  stateAt(device: string, frameNo: number): DeviceState {
    const cap = this.net.capture;
    const no = Math.min(Math.max(0, Math.floor(frameNo)), cap.count + 1);
    const time = no >= 1 && no <= cap.count ? cap.timeOf(no) : no === 0 ? 0 : this.net.now;
    return this.net.state.stateAt(device, no, time);
  }

  private build(): void {
    const net = this.net;
    const lab = this.lab;
    const usedMacs = new Set<string>();
    for (const d of lab.devices) {
      const device: Device =
        d.type === 'switch'
          ? new Switch(net, d.name, d.macAgingSeconds !== undefined ? d.macAgingSeconds * 1_000_000 : DEFAULT_MAC_AGING)
          : new IpDevice(net, d.name, d.type === 'router' ? 'router' : 'host', deriveRng(net.seed, `device:${d.name}`));
      d.interfaces.forEach((i, index) => {
        const mac = i.mac ? macBytes(i.mac) : derivedMac(d.name, i.name, index, usedMacs);
        usedMacs.add(hex(mac));
        const cidr = i.ipv4 ? parseIpv4Cidr(i.ipv4) : null;
        const ipv4 = cidr && cidr.ok ? { address: cidr.value.address, prefixLength: cidr.value.prefixLength } : null;
        device.addInterface(new NetInterface(device, i.name, mac, ipv4, i.mtu ?? DEFAULTS.mtu));
      });
      net.devices.set(d.name, device);
    }
    lab.links.forEach((l, index) => {
      const id = l.id ?? `L${index + 1}`;
      const a = net.devices.get(l.a.device)?.iface(l.a.interface);
      const b = net.devices.get(l.b.device)?.iface(l.b.interface);
      if (!a || !b) throw new Error(`link ${id}: unknown endpoint (validate the lab first)`);
      const link = new Link(
        net,
        {
          id,
          latency: ms(l.latencyMs ?? DEFAULTS.latencyMs),
          bandwidthBps: (l.bandwidthMbps ?? DEFAULTS.bandwidthMbps) * 1_000_000,
          lossPercent: l.lossPercent ?? DEFAULTS.lossPercent,
          up: l.up ?? true,
          cost: l.cost ?? DEFAULTS.cost,
        },
        a,
        b,
        deriveRng(net.seed, `link:${id}`),
      );
      net.links.set(id, link);
      a.capturePoint = net.capture.addPoint(a.device.name, a.name, id);
      b.capturePoint = net.capture.addPoint(b.device.name, b.name, id);
    });
    for (const d of lab.devices) {
      const device = net.devices.get(d.name);
      if (!(device instanceof IpDevice)) continue;
      device.addConnectedRoutes();
      const { tables } = parseDeviceTables(d);
      for (const r of tables.routes) device.routing.add({ ...r, proto: r.proto ?? 'static', origin: r.proto === 'kernel' ? 'connected' : 'static' });
      for (const n of tables.arp) {
        const iface = device.iface(n.dev);
        if (iface && n.lladdr) device.addStaticArp(iface, n.address, n.lladdr);
      }
      device.hosts = tables.hosts;
      for (const s of d.services ?? []) if (s === 'udp-echo') startUdpEchoServer(device);
      const services = new DeviceServices(device, d, tables);
      this.services.set(d.name, services);
      if (d.proxy) {
        const origin = parseIpv4(d.proxy.origin);
        if (origin.ok) {
          const proxy = new ReverseProxy(device, services.tcp, { origin: origin.value, sites: d.proxy.sites.map((x) => x.toLowerCase()), tls: d.proxy.tls ?? true, originTls: d.proxy.originTls ?? true, cacheName: d.name }, this.pki);
          observeHttpClient(proxy.client, d.name, this.journey, () => net.now);
          this.proxies.set(d.name, proxy);
        }
      }
      if (d.web) this.webServers.set(d.name, new HttpServer(device, services.tcp, originConfigFrom(d.web, d.name), d.web.tls ? this.pki : null));
      if (d.nat) {
        const outside = device.iface(d.nat.outside);
        if (outside) device.nat = new Nat(net, d.name, outside);
      }
      if (d.linkState) {
        let members = this.domains.get(d.linkState.domain);
        if (!members) this.domains.set(d.linkState.domain, (members = []));
        members.push(device);
      }
    }
    this.recomputeLinkState();
    net.onTopologyChange = () => this.recomputeLinkState();
    // Boot: DHCP clients start at time 0, in lab order.
    for (const s of this.services.values()) s.start();
  }

  /** Connects a device built outside the lab (a test script) to an interface of the lab. */
  attach(device: Device, port: string, to: { device: string; interface: string }, params: Partial<Omit<LinkParams, 'id'>> & { id: string }): Link {
    const peer = this.net.devices.get(to.device)?.iface(to.interface);
    const own = device.iface(port);
    if (!peer || !own) throw new Error(`cannot attach ${device.name} ${port} to ${to.device} ${to.interface}`);
    if (peer.link) throw new Error(`${to.device} ${to.interface} is already connected`);
    this.net.devices.set(device.name, device);
    const link = new Link(this.net, { latency: 0, bandwidthBps: 100_000_000, lossPercent: 0, up: true, cost: DEFAULTS.cost, ...params }, own, peer, deriveRng(this.net.seed, `link:${params.id}`));
    this.net.links.set(params.id, link);
    own.capturePoint = this.net.capture.addPoint(device.name, own.name, params.id);
    peer.capturePoint = this.net.capture.addPoint(to.device, to.interface, params.id);
    return link;
  }

  /** Runs SPF for every routing domain (centrally, on the lab graph) and installs the routes. */
  recomputeLinkState(): void {
    if (this.domains.size === 0) return;
    const segment = segmentsOf(this.net);
    for (const [domain, members] of this.domains) {
      const routers: LsRouter[] = [...members]
        .sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))
        .map((dev) => ({
          name: dev.name,
          interfaces: dev.interfaces
            .filter((i) => i.ipv4 !== null)
            .map((i) => ({ name: i.name, address: i.ipv4!.address, prefixLength: i.ipv4!.prefixLength, segment: i.up ? (segment.get(i) ?? -1) : -1, cost: i.link?.cost ?? DEFAULTS.cost })),
        }));
      const result = computeLinkState(routers);
      for (const dev of members) dev.routing.replaceOrigin('linkstate', result.routesFor(dev.name));
      this.net.log.add(this.net.now, 'info', 'engine', `link-state domain ${domain}: SPF computed for ${members.length} routers`);
    }
  }
}

/** Broadcast domains: interfaces joined by up links and by switches. */
function segmentsOf(net: Network): Map<NetInterface, number> {
  const all: NetInterface[] = [];
  for (const d of net.devices.values()) all.push(...d.interfaces);
  const index = new Map(all.map((i, k) => [i, k]));
  const parent = all.map((_, k) => k);
  const find = (x: number): number => {
    while (parent[x] !== x) x = parent[x] = parent[parent[x]];
    return x;
  };
  const union = (a: number, b: number): void => {
    const ra = find(a);
    const rb = find(b);
    if (ra !== rb) parent[Math.max(ra, rb)] = Math.min(ra, rb);
  };
  for (const link of net.links.values()) if (link.up) union(index.get(link.ends[0])!, index.get(link.ends[1])!);
  for (const d of net.devices.values()) {
    if (!(d instanceof Switch)) continue;
    const ports = d.interfaces.filter((p) => p.up);
    for (let k = 1; k < ports.length; k++) union(index.get(ports[0])!, index.get(ports[k])!);
  }
  const out = new Map<NetInterface, number>();
  for (const i of all) out.set(i, find(index.get(i)!));
  return out;
}

function macBytes(text: string): Uint8Array {
  return Uint8Array.from(text.split(/[:-]/).map((h) => parseInt(h, 16)));
}

function hex(mac: Uint8Array): string {
  return [...mac].map((b) => b.toString(16).padStart(2, '0')).join(':');
}

/** A locally administered unicast MAC from the names: 02:xx:xx:xx:xx:<interface index>. */
function derivedMac(device: string, iface: string, index: number, used: Set<string>): Uint8Array {
  let h = fnv1a32(`${device}/${iface}`);
  for (;;) {
    const mac = Uint8Array.of(0x02, h >>> 24, (h >>> 16) & 0xff, (h >>> 8) & 0xff, h & 0xff, index & 0xff);
    if (!used.has(hex(mac))) return mac;
    h = (h + 1) >>> 0;
  }
}
