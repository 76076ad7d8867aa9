// All TCP sockets of one host: demultiplexing, listeners that keep accepting (each SYN gets a
// fresh socket, so one listener serves many connections), one poll / nextTimeout for the lot,
// and removal of closed connections. Still sans-IO: the host passes segments in and sends what
// poll returns.
import type { IpPair } from '../../../../src-shared/net/wire/checksum';
import type { TcpRepr } from '../../../../src-shared/net/wire/tcp';
import type { Micros } from '../../sim/time';
import { TcpSocket } from './socket';
import type { TcpConfig, TcpEndpoint, TcpEvent, TcpOutSegment } from './types';

export interface TcpSocketSetOptions {
  /** ISS for a new connection (RFC 6528: derive it from the lab's seeded PRNG, never Math.random). */
  iss: (now: Micros, local: TcpEndpoint, remote: TcpEndpoint | undefined) => number;
  config?: Partial<TcpConfig>;
}

export interface TcpSetOutput {
  socket: TcpSocket;
  segment: TcpOutSegment;
}

export interface TcpSetEvent {
  socket: TcpSocket;
  event: TcpEvent;
}

interface Listener {
  local: TcpEndpoint;
  config: Partial<TcpConfig>;
  onAccept?: (socket: TcpSocket) => void;
  /** The socket in LISTEN waiting for the next SYN. */
  waiting: TcpSocket;
}

export class TcpSocketSet {
  readonly sockets: TcpSocket[] = [];
  private listeners: Listener[] = [];
  private events: TcpSetEvent[] = [];
  private now: Micros = 0;

  constructor(private readonly options: TcpSocketSetOptions) {}

  /** Accepts connections on `local` until `unlisten`; `onAccept` sees each new connection's socket. */
  listen(now: Micros, local: TcpEndpoint, onAccept?: (socket: TcpSocket) => void, config: Partial<TcpConfig> = {}): void {
    const listener: Listener = { local, config, onAccept, waiting: this.newListener(now, local, config) };
    this.listeners.push(listener);
  }

  unlisten(port: number): void {
    this.listeners = this.listeners.filter((l) => {
      if (l.local.port !== port) return true;
      l.waiting.close(0);
      return false;
    });
  }

  connect(now: Micros, local: TcpEndpoint, remote: TcpEndpoint, config: Partial<TcpConfig> = {}): TcpSocket {
    const socket = new TcpSocket({ ...this.options.config, ...config });
    socket.connect(now, local, remote, this.options.iss(now, local, remote));
    this.sockets.push(socket);
    return socket;
  }

  /** Whether a connection or listener already uses this local port (for ephemeral port choice). */
  portInUse(port: number): boolean {
    return this.sockets.some((s) => s.local?.port === port && s.state !== 'CLOSED') || this.listeners.some((l) => l.local.port === port);
  }

  /**
   * Delivers a received segment. Connected sockets come first, then listeners. Returns false when
   * nobody wants it (the host answers with its RST for a closed port).
   */
  onSegment(now: Micros, repr: TcpRepr, payload: Uint8Array, ip: IpPair): boolean {
    this.now = now;
    for (const s of this.sockets) {
      if (s.state !== 'LISTEN' && s.accepts(ip, repr)) {
        s.onSegment(now, repr, payload, ip);
        return true;
      }
    }
    for (const l of this.listeners) {
      if (!l.waiting.accepts(ip, repr)) continue;
      const socket = l.waiting;
      socket.onSegment(now, repr, payload, ip);
      if (socket.state === 'SYN-RECEIVED') {
        // It became a connection: keep it, and put a fresh socket in LISTEN.
        this.sockets.push(socket);
        l.waiting = this.newListener(now, l.local, l.config);
        l.onAccept?.(socket);
      } else {
        // A RST or ACK to the listener: its reply (if any) still has to go out.
        this.pendingListenerOutput.push(...socket.poll(now).map((segment) => ({ socket, segment })));
      }
      return true;
    }
    return false;
  }

  private pendingListenerOutput: TcpSetOutput[] = [];

  /** Polls every socket whose time has come (or all, cheaply); drops sockets that are CLOSED. */
  poll(now: Micros): TcpSetOutput[] {
    this.now = now;
    const out = this.pendingListenerOutput;
    this.pendingListenerOutput = [];
    for (const socket of this.sockets) {
      const t = socket.nextTimeout();
      if (t === undefined || t > now) continue;
      for (const segment of socket.poll(now)) out.push({ socket, segment });
    }
    for (const socket of this.sockets) for (const event of socket.takeEvents()) this.events.push({ socket, event });
    // CLOSED connections go; so does an accepted one that a RST sent back to LISTEN (RFC 9293
    // §3.10.7.4): its listener already has a fresh socket waiting.
    for (let i = this.sockets.length - 1; i >= 0; i--) {
      const state = this.sockets[i].state;
      if (state === 'CLOSED' || state === 'LISTEN') this.sockets.splice(i, 1);
    }
    return out;
  }

  nextTimeout(): Micros | undefined {
    let t: Micros | undefined;
    for (const s of this.sockets) {
      const x = s.nextTimeout();
      if (x !== undefined && (t === undefined || x < t)) t = x;
    }
    return this.pendingListenerOutput.length > 0 ? this.now : t;
  }

  /** Events of every socket since the last call, tagged with their socket. */
  takeEvents(): TcpSetEvent[] {
    const e = this.events;
    this.events = [];
    return e;
  }

  private newListener(now: Micros, local: TcpEndpoint, config: Partial<TcpConfig>): TcpSocket {
    const socket = new TcpSocket({ ...this.options.config, ...config });
    socket.listen(local, this.options.iss(now, local, undefined));
    return socket;
  }
}
