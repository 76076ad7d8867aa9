// The simulated network: devices, links, the clock and everything recorded while it runs.
import { EventLog } from '../sim/event-log';
import { Scheduler } from '../sim/scheduler';
import { Rng } from '../sim/rng';
import type { Micros } from '../sim/time';
import { StateLog } from '../state/state-log';
import { Capture } from './capture';
import type { Link } from './link';
import type { Device, NetInterface } from './node';

export interface AppOutputLine {
  time: Micros;
  device: string;
  text: string;
}

export type FrameListener = (no: number) => void;

export class Network {
  readonly scheduler = new Scheduler();
  readonly log = new EventLog();
  readonly capture = new Capture();
  readonly state: StateLog;
  readonly devices = new Map<string, Device>();
  readonly links = new Map<string, Link>();
  /** Terminal output of the apps (ping, traceroute, …), as the real tools print it. */
  readonly output: AppOutputLine[] = [];
  /** The lab stream: apps draw identifiers and ports from it. */
  readonly rng: Rng;
  /** Called after every captured frame (live views). */
  onFrame: FrameListener | null = null;
  /** Called when link state changes so routing can be recomputed. */
  onTopologyChange: (() => void) | null = null;

  constructor(readonly seed: number) {
    this.rng = new Rng(seed);
    this.state = new StateLog(() => this.capture.count, () => this.scheduler.now);
  }

  get now(): Micros {
    return this.scheduler.now;
  }

  recordFrame(from: NetInterface, frame: Uint8Array, cause: string, lost: boolean, arrival: Micros): void {
    const no = this.capture.record(this.now, from.capturePoint!, frame, cause, lost, arrival);
    if (lost) this.log.add(this.now, 'info', from.link?.id ?? '?', `frame ${no} lost on the link (random loss)`);
    if (this.onFrame) this.onFrame(no);
  }

  print(device: string, text: string): void {
    this.output.push({ time: this.now, device, text });
  }

  /** Stops the run after the current event, with a diagnostic (storms). */
  stop(diagnostic: string): void {
    this.scheduler.stop(diagnostic);
  }
}
