// A point-to-point Ethernet link: propagation latency, serialization at a bandwidth with a FIFO
// queue per direction, random loss drawn from the link's own PRNG, and an up/down state.
import type { Rng } from '../sim/rng';
import type { Micros } from '../sim/time';
import type { NetInterface } from './node';
import type { Network } from './network';

/** Bytes a frame occupies on the wire besides itself: preamble+SFD 8, FCS 4, inter-frame gap 12. */
const WIRE_OVERHEAD = 24;
const MIN_FRAME = 60;
/** Drop-tail limit per direction: frames waiting to be serialized. */
export const QUEUE_LIMIT = 1000;

export interface LinkParams {
  id: string;
  latency: Micros;
  bandwidthBps: number;
  lossPercent: number;
  up: boolean;
  cost: number;
}

export class Link {
  readonly id: string;
  latency: Micros;
  bandwidthBps: number;
  lossPercent: number;
  up: boolean;
  cost: number;
  readonly ends: [NetInterface, NetInterface];
  /** Per direction (0: a→b, 1: b→a): when the transmitter is free again, and frames queued. */
  private readonly busyUntil: [Micros, Micros] = [0, 0];
  private readonly queued: [number, number] = [0, 0];
  dropped = 0;

  constructor(
    private readonly net: Network,
    params: LinkParams,
    a: NetInterface,
    b: NetInterface,
    private readonly rng: Rng,
  ) {
    this.id = params.id;
    this.latency = params.latency;
    this.bandwidthBps = params.bandwidthBps;
    this.lossPercent = params.lossPercent;
    this.up = params.up;
    this.cost = params.cost;
    this.ends = [a, b];
    this.deliverLabel = `${this.id} deliver`;
    const deliverTo = (to: NetInterface) => (frame: Uint8Array): void => {
      if (this.up) to.device.receive(to, frame);
    };
    this.delivers = [deliverTo(b), deliverTo(a)];
    a.link = this;
    a.side = 0;
    b.link = this;
    b.side = 1;
  }

  other(end: NetInterface): NetInterface {
    return this.ends[end.side === 0 ? 1 : 0];
  }

  /** Serialization time of a frame of `length` bytes. */
  serialization(length: number): Micros {
    return Math.ceil(((Math.max(length, MIN_FRAME) + WIRE_OVERHEAD) * 8 * 1_000_000) / this.bandwidthBps);
  }

  transmit(from: NetInterface, frame: Uint8Array, cause: string): boolean {
    const net = this.net;
    if (!this.up) {
      net.log.add(net.now, 'info', this.id, `link is down: frame from ${from.label} not sent (${cause})`);
      return false;
    }
    const dir = from.side;
    const now = net.now;
    if (this.queued[dir] >= QUEUE_LIMIT) {
      this.dropped++;
      net.log.add(now, 'warn', this.id, `queue of ${from.label} full (${QUEUE_LIMIT} frames): frame dropped (${cause})`);
      return false;
    }
    const start = this.busyUntil[dir] > now ? this.busyUntil[dir] : now;
    const done = start + this.serialization(frame.length);
    this.busyUntil[dir] = done;
    const lost = this.lossPercent > 0 && this.rng.chance(this.lossPercent);
    this.queued[dir]++;
    if (start === now) this.onWire(from, frame, cause, lost, done);
    else net.scheduler.at(start, `${this.id} transmit`, () => this.onWire(from, frame, cause, lost, done));
    return true;
  }

  private onWire(from: NetInterface, frame: Uint8Array, cause: string, lost: boolean, done: Micros): void {
    const net = this.net;
    this.queued[from.side]--;
    if (!this.up) {
      net.log.add(net.now, 'info', this.id, `link went down: queued frame from ${from.label} discarded`);
      return;
    }
    net.recordFrame(from, frame, cause, lost, done + this.latency);
    if (lost) return;
    net.scheduler.atWith(done + this.latency, this.deliverLabel, this.delivers[from.side], frame);
  }

  private readonly deliverLabel: string;
  /** Per direction: hands a frame to the far end, if the link is still up (no closure per frame). */
  private readonly delivers: [(frame: Uint8Array) => void, (frame: Uint8Array) => void];

  setUp(up: boolean): void {
    if (this.up === up) return;
    this.up = up;
    this.net.log.add(this.net.now, 'info', this.id, `link ${up ? 'up' : 'down'}`);
    for (const end of this.ends) end.device.linkChanged(end);
    this.net.onTopologyChange?.();
  }
}
