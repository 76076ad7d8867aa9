// Two TCP sockets joined by an in-memory link with one-way latency, an optional bandwidth, and a
// deterministic drop rule. Drives both sockets the way a host will (poll after input, poll at
// nextTimeout) on virtual time, and records every transmitted segment for inspection and pcapng.
// Used by tests; also a reference for wiring sockets into engine hosts.
import type { TcpRepr } from '../../../../src-shared/net/wire/tcp';
import type { Micros } from '../../sim/time';
import { TcpSocket } from './socket';
import type { TcpOutSegment } from './types';

export interface WireRecord {
  /** Time the segment left its sender. */
  time: Micros;
  from: 'a' | 'b';
  segment: TcpOutSegment;
  dropped: boolean;
  /** Time it reaches the other side (undefined when dropped). */
  arrives?: Micros;
}

export interface LinkOptions {
  latency: Micros;
  /** Bits per second; 0 = infinite. Serialization delay uses the TCP segment plus 54 bytes of headers. */
  bandwidth?: number;
  /** Drop rule on the n-th segment sent by a side (0-based, per direction). */
  drop?: (from: 'a' | 'b', index: number, seg: TcpOutSegment) => boolean;
}

interface InFlight {
  at: Micros;
  order: number;
  to: 'a' | 'b';
  seg: TcpOutSegment;
}

export class LinkHarness {
  now: Micros = 0;
  readonly log: WireRecord[] = [];
  private queue: InFlight[] = [];
  private order = 0;
  private sent = { a: 0, b: 0 };
  private busyUntil = { a: 0, b: 0 };
  private wakeups: Micros[] = [];

  constructor(
    readonly a: TcpSocket,
    readonly b: TcpSocket,
    readonly options: LinkOptions,
  ) {}

  /** Asks for the step callback to run again at `t` (an application timer, e.g. a slow reader). */
  wakeAt(t: Micros): void {
    this.wakeups.push(t);
  }

  /** Polls both sockets at the current time and puts their output on the wire. */
  pump(): void {
    for (const side of ['a', 'b'] as const) {
      const sock = side === 'a' ? this.a : this.b;
      for (const seg of sock.poll(this.now)) this.transmit(side, seg);
    }
  }

  private transmit(from: 'a' | 'b', seg: TcpOutSegment): void {
    const index = this.sent[from]++;
    const dropped = this.options.drop?.(from, index, seg) ?? false;
    const record: WireRecord = { time: this.now, from, segment: seg, dropped };
    this.log.push(record);
    const bw = this.options.bandwidth ?? 0;
    let departs = this.now;
    if (bw > 0) {
      const bytes = seg.payload.length + 20 + 20 + 14 + (seg.repr.timestamp ? 12 : 0);
      departs = Math.max(this.now, this.busyUntil[from]) + Math.ceil((bytes * 8 * 1e6) / bw);
      this.busyUntil[from] = departs;
    }
    if (dropped) return;
    record.arrives = departs + this.options.latency;
    // Keep the queue ordered by (arrival, order); arrivals are nearly monotonic, so search from the end.
    const item: InFlight = { at: departs + this.options.latency, order: this.order++, to: from === 'a' ? 'b' : 'a', seg };
    let i = this.queue.length;
    while (i > 0 && this.queue[i - 1].at > item.at) i--;
    this.queue.splice(i, 0, item);
  }

  /** Runs until `until` or until nothing is pending; `step` runs after every event (app logic). */
  run(until: Micros, step?: (h: LinkHarness) => void, maxEvents = 1_000_000): void {
    for (let n = 0; n < maxEvents; n++) {
      this.pump();
      step?.(this);
      this.pump();
      const next = this.nextEventTime();
      if (next === undefined || next > until) {
        this.now = until;
        return;
      }
      this.now = Math.max(this.now, next);
      this.deliverDue();
    }
    throw new Error(`link harness: more than ${maxEvents} events before ${until} µs`);
  }

  private nextEventTime(): Micros | undefined {
    let t: Micros | undefined;
    if (this.wakeups.length > 0) this.wakeups = this.wakeups.filter((w) => w > this.now);
    const consider = (x: Micros | undefined) => {
      if (x !== undefined && (t === undefined || x < t)) t = x;
    };
    consider(this.a.nextTimeout());
    consider(this.b.nextTimeout());
    if (this.queue.length > 0) consider(this.queue[0].at);
    for (const w of this.wakeups) consider(w);
    return t;
  }

  private deliverDue(): void {
    let n = 0;
    while (n < this.queue.length && this.queue[n].at <= this.now) n++;
    for (const q of this.queue.splice(0, n)) {
      const sock = q.to === 'a' ? this.a : this.b;
      const repr: TcpRepr = q.seg.repr;
      sock.onSegment(this.now, repr, q.seg.payload, { src: q.seg.ip.src, dst: q.seg.ip.dst } as TcpOutSegment['ip']);
    }
  }
}
