// Drives one sans-IO service (services/README.md) on a device: sends what each step returns,
// keeps one scheduler event at the service's latest `nextPoll`, and binds the UDP ports the
// service listens on (fixed ones like 53 and 67, and ephemeral query ports that come and go).
import type { NetInterface } from '../model/node';
import type { ScheduledEvent } from '../sim/scheduler';
import type { InboundDatagram, Micros, OutboundTcpQuery, ServiceStep, TcpReply } from '../services/types';
import type { IpDevice, UdpDatagram } from '../stack/ip-device';

export interface ServiceRunnerOptions<E> {
  /** For scheduler labels and diagnostics ("dns-resolver"). */
  label: string;
  poll: (now: Micros) => ServiceStep<E>;
  onEvents?: (events: E[], now: Micros) => void;
  /** Ephemeral ports the service currently waits on (resolver and stub query ports). */
  ports?: () => number[];
  /** Called for datagrams on the ephemeral ports. */
  receive?: (now: Micros, d: InboundDatagram, iface: NetInterface) => ServiceStep<E>;
  /** Runs the step's queries over TCP (the resolver's retry after a truncated UDP answer). */
  tcp?: (q: OutboundTcpQuery) => void;
  /** Writes the step's answers to clients' TCP connections (a resolver serving TCP port 53). */
  tcpReply?: (r: TcpReply) => void;
}

export class ServiceRunner<E> {
  private timer: ScheduledEvent | null = null;
  private due: Micros | undefined;
  private readonly bound = new Set<number>();

  constructor(
    readonly device: IpDevice,
    private readonly options: ServiceRunnerOptions<E>,
  ) {}

  /** Sends the step's datagrams (broadcasts leave through `iface` unless the step names one), hands on events, reschedules. */
  apply(step: ServiceStep<E>, iface?: NetInterface): E[] {
    const dev = this.device;
    for (const out of step.sends) {
      const err = dev.sendDatagram(out, out.cause, iface);
      if (err) dev.net.log.add(dev.net.now, 'info', dev.name, `${this.options.label}: cannot send to port ${out.dstPort}: ${err}`);
    }
    if (step.tcp && this.options.tcp) for (const q of step.tcp) this.options.tcp(q);
    if (step.tcpReplies && this.options.tcpReply) for (const r of step.tcpReplies) this.options.tcpReply(r);
    this.schedule(step.nextPoll);
    this.syncPorts();
    if (step.events.length && this.options.onEvents) this.options.onEvents(step.events, dev.net.now);
    return step.events;
  }

  private schedule(at: Micros | undefined): void {
    if (at === this.due && this.timer) return;
    const scheduler = this.device.net.scheduler;
    scheduler.cancel(this.timer);
    this.timer = null;
    this.due = at;
    if (at === undefined) return;
    this.timer = scheduler.at(Math.max(at, scheduler.now), `${this.device.name} ${this.options.label} timer`, () => {
      this.timer = null;
      this.due = undefined;
      this.apply(this.options.poll(this.device.net.now));
    });
  }

  /** Binds new ephemeral ports and releases finished ones. */
  private syncPorts(): void {
    const { ports, receive } = this.options;
    if (!ports || !receive) return;
    const want = new Set(ports());
    const udp = this.device.udp;
    for (const p of this.bound) {
      if (!want.has(p)) {
        udp.delete(p);
        this.bound.delete(p);
      }
    }
    for (const p of want) {
      if (this.bound.has(p) || udp.has(p)) continue;
      this.bound.add(p);
      udp.set(p, (d: UdpDatagram) => this.apply(receive(this.device.net.now, inbound(d), d.iface), d.iface));
    }
  }
}

export function inbound(d: UdpDatagram): InboundDatagram {
  return { src: d.src, srcPort: d.srcPort, dst: d.dst, dstPort: d.dstPort, payload: d.payload };
}
