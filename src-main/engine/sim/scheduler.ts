// The event scheduler: one binary heap ordered by (time, sequence). Cancelling marks an event and
// the loop skips it when it surfaces (lazy cancel), so cancel is O(1).

import type { Micros } from './time';
import { formatTime } from './time';

export interface ScheduledEvent {
  readonly time: Micros;
  readonly seq: number;
  /** Short label naming the step, e.g. "link L1 deliver"; used in budget diagnostics. */
  readonly label: string;
  cancelled: boolean;
  readonly action: (arg: unknown) => void;
  readonly arg?: unknown;
}

export type StopReason = 'idle' | 'until' | 'budget' | 'stopped';

export interface RunOptions {
  /** Stop before processing any event later than this time; the clock is advanced to it. */
  until?: Micros;
  /** Maximum number of events this call may process. */
  budget?: number;
}

export interface RunResult {
  reason: StopReason;
  /** Events processed by this call. */
  processed: number;
  now: Micros;
  /** Set when reason is 'budget' or 'stopped': what happened, in words. */
  diagnostic?: string;
}

export class Scheduler {
  private heap: ScheduledEvent[] = [];
  private seq = 0;
  private _now: Micros = 0;
  private stopRequest: string | null = null;
  /** Events processed since creation. */
  processedTotal = 0;

  get now(): Micros {
    return this._now;
  }

  /** Number of events in the heap, cancelled ones included. */
  get pending(): number {
    return this.heap.length;
  }

  at(time: Micros, label: string, action: () => void): ScheduledEvent {
    if (!Number.isInteger(time)) throw new RangeError(`event time must be an integer (µs), got ${time}`);
    if (time < this._now) throw new RangeError(`cannot schedule "${label}" in the past (${time} < ${this._now})`);
    const ev: ScheduledEvent = { time, seq: this.seq++, label, cancelled: false, action, arg: undefined };
    this.push(ev);
    return ev;
  }

  /**
   * Like `at`, calling `action(arg)`: saves allocating a closure per event on hot paths (a frame
   * delivery per frame).
   */
  atWith<T>(time: Micros, label: string, action: (arg: T) => void, arg: T): ScheduledEvent {
    if (!Number.isInteger(time)) throw new RangeError(`event time must be an integer (µs), got ${time}`);
    if (time < this._now) throw new RangeError(`cannot schedule "${label}" in the past (${time} < ${this._now})`);
    const ev: ScheduledEvent = { time, seq: this.seq++, label, cancelled: false, action: action as (arg: unknown) => void, arg };
    this.push(ev);
    return ev;
  }

  after(delay: Micros, label: string, action: () => void): ScheduledEvent {
    return this.at(this._now + Math.max(0, Math.round(delay)), label, action);
  }

  cancel(ev: ScheduledEvent | null | undefined): void {
    if (ev) ev.cancelled = true;
  }

  /** Ask the running loop to stop after the current event (e.g. a storm was detected). */
  stop(diagnostic: string): void {
    if (this.stopRequest === null) this.stopRequest = diagnostic;
  }

  /** Time of the next live event, or undefined when idle. Drops cancelled events on the way. */
  peekTime(): Micros | undefined {
    this.dropCancelled();
    return this.heap.length > 0 ? this.heap[0].time : undefined;
  }

  run(options: RunOptions = {}): RunResult {
    const until = options.until;
    const budget = options.budget ?? Number.POSITIVE_INFINITY;
    let processed = 0;
    const recent = new Map<string, number>();
    this.stopRequest = null;
    for (;;) {
      this.dropCancelled();
      if (this.heap.length === 0) {
        if (until !== undefined && until > this._now) this._now = until;
        return { reason: until !== undefined ? 'until' : 'idle', processed, now: this._now };
      }
      const next = this.heap[0];
      if (until !== undefined && next.time > until) {
        this._now = until;
        return { reason: 'until', processed, now: this._now };
      }
      if (processed >= budget) {
        return { reason: 'budget', processed, now: this._now, diagnostic: this.budgetDiagnostic(budget, recent) };
      }
      this.pop();
      this._now = next.time;
      processed++;
      this.processedTotal++;
      // Keep label counts only for the last stretch before the budget would run out: cheap and
      // enough to name the culprit of a runaway.
      if (budget - processed < 10_000) recent.set(next.label, (recent.get(next.label) ?? 0) + 1);
      next.action(next.arg);
      if (this.stopRequest !== null) {
        return { reason: 'stopped', processed, now: this._now, diagnostic: this.stopRequest };
      }
    }
  }

  private budgetDiagnostic(budget: number, recent: Map<string, number>): string {
    const top = [...recent.entries()]
      .sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1))
      .slice(0, 3)
      .map(([label, n]) => `"${label}" ×${n}`)
      .join(', ');
    return (
      `event budget of ${budget} events exhausted at t=${formatTime(this._now)} s with ${this.heap.length} events still pending` +
      (top ? `; most frequent recent events: ${top}` : '') +
      ' — the lab probably has a loop or never goes idle; raise the budget or set an end time'
    );
  }

  private dropCancelled(): void {
    while (this.heap.length > 0 && this.heap[0].cancelled) this.pop();
  }

  private push(ev: ScheduledEvent): void {
    const h = this.heap;
    let i = h.length;
    h.push(ev);
    while (i > 0) {
      const parent = (i - 1) >> 1;
      const p = h[parent];
      if (p.time < ev.time || (p.time === ev.time && p.seq < ev.seq)) break;
      h[i] = p;
      i = parent;
    }
    h[i] = ev;
  }

  private pop(): ScheduledEvent | undefined {
    const h = this.heap;
    const top = h[0];
    const last = h.pop();
    if (h.length === 0 || last === undefined) return top;
    let i = 0;
    const n = h.length;
    for (;;) {
      const l = 2 * i + 1;
      if (l >= n) break;
      const r = l + 1;
      let c = l;
      if (r < n) {
        const a = h[r];
        const b = h[l];
        if (a.time < b.time || (a.time === b.time && a.seq < b.seq)) c = r;
      }
      const child = h[c];
      if (last.time < child.time || (last.time === child.time && last.seq < child.seq)) break;
      h[i] = child;
      i = c;
    }
    h[i] = last;
    return top;
  }
}
