// The browser's timing waterfall, as the Network panel of browser devtools draws it: one row per
// request on a time axis shared by the whole page load, each bar split into its phases.
import type { JourneyRecord } from '../../../../src-shared/ipc/contract';

export type PageLoad = JourneyRecord['loads'][number];
export type RequestTiming = PageLoad['requests'][number];

/** The phases of one request, in the order they happen. */
export const PHASES = ['dns', 'connect', 'tls', 'request', 'ttfb', 'download'] as const;
export type Phase = (typeof PHASES)[number];

export interface Segment {
  phase: Phase;
  /** From the start of the page load (ms). */
  startMs: number;
  ms: number;
}

export interface WaterfallRow {
  timing: RequestTiming;
  /** When the request started, from the start of the page load (ms). */
  offsetMs: number;
  totalMs: number;
  segments: Segment[];
}

export interface Waterfall {
  rows: WaterfallRow[];
  /** Length of the time axis (ms). */
  spanMs: number;
  /** Tick positions on the axis (ms). */
  ticks: number[];
  /** When the last request ended, from the start of the load (ms). */
  finishMs: number;
  /** Bytes that crossed the network (not those served from the browser cache). */
  transferredBytes: number;
  /** Bytes of every resource, wherever it came from. */
  resourceBytes: number;
}

const nonNegative = (n: number) => (Number.isFinite(n) && n > 0 ? n : 0);

/** Lays the requests of a load on one time axis. */
export function layoutWaterfall(load: PageLoad): Waterfall {
  let finishMs = 0;
  let transferredBytes = 0;
  let resourceBytes = 0;
  const rows = load.requests.map((timing) => {
    const offsetMs = nonNegative((timing.startUs - load.startUs) / 1000);
    let at = offsetMs;
    const segments: Segment[] = [];
    for (const phase of PHASES) {
      const ms = nonNegative(timing[phase]);
      if (ms > 0) segments.push({ phase, startMs: at, ms });
      at += ms;
    }
    finishMs = Math.max(finishMs, at);
    resourceBytes += nonNegative(timing.bytes);
    if (timing.source !== 'cache') transferredBytes += nonNegative(timing.bytes);
    return { timing, offsetMs, totalMs: at - offsetMs, segments };
  });
  const loadMs = nonNegative((load.endUs - load.startUs) / 1000);
  const spanMs = niceCeil(Math.max(finishMs, loadMs, 0.001));
  return { rows, spanMs, ticks: axisTicks(spanMs), finishMs, transferredBytes, resourceBytes };
}

/** 1, 2 or 5 times a power of ten, at least `ms`. */
function niceStep(ms: number): number {
  const p = 10 ** Math.floor(Math.log10(ms));
  for (const m of [1, 2, 5, 10]) if (m * p >= ms) return m * p;
  return 10 * p;
}

/** The axis ends on a round number a little past the last request. */
function niceCeil(ms: number): number {
  const step = niceStep(ms / 5);
  return Math.ceil(ms / step - 1e-9) * step;
}

/** About five ticks at round values, from 0 to `spanMs`. */
export function axisTicks(spanMs: number): number[] {
  const step = niceStep(spanMs / 5);
  const ticks: number[] = [];
  for (let i = 0; i * step <= spanMs + step * 1e-9; i++) ticks.push(Number((i * step).toPrecision(12)));
  return ticks;
}

/** Milliseconds as devtools shows them: `0.42 ms`, `12.3 ms`, `340 ms`, `1.25 s`. */
export function formatMs(ms: number): string {
  if (ms >= 1000) return `${(ms / 1000).toFixed(2)} s`;
  if (ms >= 100) return `${Math.round(ms)} ms`;
  if (ms >= 1) return `${ms.toFixed(1)} ms`;
  return `${ms.toFixed(2)} ms`;
}

/** Bytes as devtools shows them (1 kB = 1000 B). */
export function formatBytes(bytes: number): string {
  if (bytes < 1000) return `${bytes} B`;
  if (bytes < 1_000_000) return `${(bytes / 1000).toFixed(1)} kB`;
  return `${(bytes / 1_000_000).toFixed(1)} MB`;
}

/** The last part of a URL's path (devtools' Name column), or the host for `/`. */
export function requestName(url: string): string {
  try {
    const u = new URL(url);
    const last = u.pathname.split('/').filter(Boolean).pop();
    return (last ?? u.host) + u.search;
  } catch {
    return url;
  }
}
