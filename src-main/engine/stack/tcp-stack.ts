// TCP on a host: the sans-IO sockets of transport/tcp driven by the engine. Segments arrive through
// `IpDevice.tcpInput`; after every input or application call the socket set is polled and its
// segments go out through `IpDevice.sendTcp` with their causes; one scheduler event follows the
// set's `nextTimeout`. Connection states are recorded in the state log (table `tcp`), so the UI
// can show `ss -tan` as it was at any frame.
import { formatIpv4 } from '../../../src-shared/net/addr';
import type { ScheduledEvent } from '../sim/scheduler';
import type { Micros } from '../sim/time';
import { TcpSocketSet, type TcpSocket, type TcpConfig, type TcpEvent, type TcpSnapshot } from '../transport/tcp';
import type { IpDevice } from './ip-device';

/** Linux's ephemeral port range (net.ipv4.ip_local_port_range). */
const EPHEMERAL_LOW = 32768;
const EPHEMERAL_HIGH = 60999;

export interface TcpHandlers {
  onConnected?(c: TcpConnection): void;
  /** In-order bytes, as they arrive. */
  onData?(c: TcpConnection, data: Uint8Array): void;
  /** The peer sent FIN (all its data has been delivered). */
  onPeerClosed?(c: TcpConnection): void;
  /** The connection is gone: closed, reset or timed out (`cause` says which). */
  onClosed?(c: TcpConnection, cause: string, how: 'closed' | 'reset' | 'error'): void;
}

/** One connection as the application sees it: writes are buffered past the socket's send space. */
export class TcpConnection {
  handlers: TcpHandlers;
  /** What the application is doing ("GET / — TLS handshake"): prefixed to the causes of its segments. */
  context = '';
  private pending: Uint8Array[] = [];
  private closing = false;
  done = false;

  constructor(
    readonly stack: TcpStack,
    readonly socket: TcpSocket,
    handlers: TcpHandlers = {},
  ) {
    this.handlers = handlers;
  }

  get local(): string {
    const l = this.socket.local;
    return l ? `${typeof l.addr === 'number' ? formatIpv4(l.addr) : '?'}:${l.port}` : '?';
  }

  get remote(): string {
    const r = this.socket.remote;
    return r ? `${typeof r.addr === 'number' ? formatIpv4(r.addr) : '?'}:${r.port}` : '?';
  }

  /** Queues all of `data` (what the socket cannot take yet waits for `writable`). */
  send(data: Uint8Array): void {
    if (this.done || this.closing) return;
    this.pending.push(data);
    this.pump();
    this.stack.flush();
  }

  /**
   * Calls `cb` once everything written so far has been handed to the socket (at once when nothing
   * waits for send space): the end of a network panel's "Request sent".
   */
  whenWritten(cb: () => void): void {
    if (!this.pending.length || this.done) cb();
    else this.drained.push(cb);
  }

  private drained: (() => void)[] = [];

  /** Closes after the queued data (FIN). */
  close(): void {
    if (this.done || this.closing) return;
    this.closing = true;
    this.pump();
    this.stack.flush();
  }

  abort(): void {
    if (this.done) return;
    this.pending = [];
    this.socket.abort(this.stack.device.net.now);
    this.stack.flush();
  }

  /** Moves buffered writes into the socket; sends the FIN once everything is in. */
  pump(): void {
    while (this.pending.length) {
      const head = this.pending[0];
      const n = this.socket.send(head);
      if (n === head.length) this.pending.shift();
      else {
        this.pending[0] = head.subarray(n);
        return;
      }
    }
    if (this.drained.length) for (const cb of this.drained.splice(0)) cb();
    if (this.closing && this.socket.state !== 'CLOSED' && !this.finSent) {
      this.finSent = true;
      this.socket.close(this.stack.device.net.now);
    }
  }

  private finSent = false;
}

export class TcpStack {
  readonly set: TcpSocketSet;
  private readonly connections = new Map<TcpSocket, TcpConnection>();
  private timer: ScheduledEvent | null = null;
  private timerAt: Micros | undefined;
  private flushing = false;
  private again = false;
  private nextPort: number;

  constructor(
    readonly device: IpDevice,
    config: Partial<TcpConfig> = {},
  ) {
    const rng = device.rng;
    this.nextPort = EPHEMERAL_LOW + rng.nextInt(EPHEMERAL_HIGH - EPHEMERAL_LOW + 1);
    this.set = new TcpSocketSet({ iss: () => rng.nextU32(), config });
    device.tcpInput = (seg, ip, payload) => {
      const handled = this.set.onSegment(device.net.now, seg, payload, { src: ip.src, dst: ip.dst });
      if (handled) this.flush();
      return handled;
    };
  }

  /** Accepts connections to `port` on every address of the device (one listener per address). */
  listen(port: number, onAccept: (c: TcpConnection) => TcpHandlers, config: Partial<TcpConfig> = {}): void {
    const dev = this.device;
    for (const iface of dev.interfaces) {
      if (!iface.ipv4) continue;
      this.set.listen(
        dev.net.now,
        { addr: iface.ipv4.address, port },
        (socket) => {
          const c = new TcpConnection(this, socket);
          this.connections.set(socket, c);
          c.handlers = onAccept(c);
        },
        { mss: iface.mtu - 40, timestampOffset: dev.rng.nextU32(), ...config },
      );
    }
    dev.tcpListeners.add(port);
  }

  /** Active open to `dst:port` from the routed source address; an error text if there is no route. */
  connect(dst: number, port: number, handlers: TcpHandlers, config: Partial<TcpConfig> = {}, context = ''): TcpConnection | string {
    const dev = this.device;
    const route = dev.routeTo(dst);
    let src: number;
    let mtu = 1500;
    if ('error' in route) {
      if (!dev.isLocalAddress(dst)) return route.error === 'net' ? 'Network is unreachable' : 'No route to host';
      src = dst;
    } else {
      src = route.src;
      mtu = route.iface.mtu;
    }
    const local = { addr: src, port: this.ephemeralPort() };
    const socket = this.set.connect(dev.net.now, local, { addr: dst, port }, { mss: mtu - 40, timestampOffset: dev.rng.nextU32(), ...config });
    const c = new TcpConnection(this, socket, handlers);
    c.context = context;
    this.connections.set(socket, c);
    this.flush();
    return c;
  }

  /** Every connection's snapshot (for the UI, `ss -ti`). */
  snapshot(): TcpSnapshot[] {
    return this.set.sockets.map((s) => s.snapshot());
  }

  /** Polls the sockets, sends their segments, hands events to the applications, reschedules. */
  flush(): void {
    if (this.flushing) {
      this.again = true;
      return;
    }
    this.flushing = true;
    try {
      do {
        this.again = false;
        const dev = this.device;
        const now = dev.net.now;
        for (const { socket, segment } of this.set.poll(now)) {
          const context = this.connections.get(socket)?.context;
          const cause = context ? `${dev.name}: ${context} — ${segment.cause}` : `${dev.name}: ${segment.cause}`;
          const err = dev.sendTcp(segment.ip.dst as number, segment.repr, segment.payload, cause, { src: segment.ip.src as number });
          if (err) dev.net.log.add(now, 'info', dev.name, `TCP segment to ${formatIpv4(segment.ip.dst as number)} not sent: ${err}`);
        }
        for (const { socket, event } of this.set.takeEvents()) this.dispatch(socket, event);
      } while (this.again);
    } finally {
      this.flushing = false;
    }
    this.schedule(this.set.nextTimeout());
  }

  private dispatch(socket: TcpSocket, e: TcpEvent): void {
    const c = this.connections.get(socket);
    const dev = this.device;
    if (e.kind === 'state') this.recordState(socket, e.to, e.cause);
    if (!c) return;
    switch (e.kind) {
      case 'connected':
        c.handlers.onConnected?.(c);
        break;
      case 'readable': {
        const data = socket.recv();
        if (data.length) c.handlers.onData?.(c, data);
        this.again = true; // the read may open the window: poll again
        break;
      }
      case 'writable':
        c.pump();
        this.again = true;
        break;
      case 'peer-closed':
        c.handlers.onPeerClosed?.(c);
        break;
      case 'reset':
      case 'error':
      case 'closed':
        if (!c.done) {
          c.done = true;
          this.connections.delete(socket);
          if (e.kind !== 'closed') dev.net.log.add(e.time, 'info', dev.name, `TCP ${c.local} → ${c.remote}: ${e.cause}`);
          c.handlers.onClosed?.(c, e.cause, e.kind);
        }
        break;
    }
  }

  private recordState(socket: TcpSocket, state: string, cause: string): void {
    const l = socket.local;
    const r = socket.remote;
    if (!l || typeof l.addr !== 'number') return;
    const key = `${formatIpv4(l.addr)}:${l.port} ${r && typeof r.addr === 'number' ? `${formatIpv4(r.addr)}:${r.port}` : '*:*'}`;
    const net = this.device.net;
    if (state === 'CLOSED' || state === 'LISTEN') net.state.delete(this.device.name, 'tcp', key);
    else net.state.set(this.device.name, 'tcp', key, { local: l.addr, localPort: l.port, remote: r && typeof r.addr === 'number' ? r.addr : 0, remotePort: r?.port ?? 0, state, cause });
  }

  private schedule(at: Micros | undefined): void {
    if (at === this.timerAt && this.timer) return;
    const scheduler = this.device.net.scheduler;
    scheduler.cancel(this.timer);
    this.timer = null;
    this.timerAt = at;
    if (at === undefined) return;
    this.timer = scheduler.at(Math.max(at, scheduler.now), `${this.device.name} TCP timers`, () => {
      this.timer = null;
      this.timerAt = undefined;
      this.flush();
    });
  }

  private ephemeralPort(): number {
    for (let i = 0; i <= EPHEMERAL_HIGH - EPHEMERAL_LOW; i++) {
      const p = this.nextPort;
      this.nextPort = p >= EPHEMERAL_HIGH ? EPHEMERAL_LOW : p + 1;
      if (!this.set.portInUse(p)) return p;
    }
    return EPHEMERAL_LOW;
  }
}
