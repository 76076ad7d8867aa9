// The event log: what happened, when, and where. Devices and the engine append diagnostics and
// notable steps here; the packet list itself lives in the capture (see model/capture).

import type { Micros } from './time';

export type LogLevel = 'info' | 'warn' | 'error';

export interface LogEntry {
  time: Micros;
  level: LogLevel;
  /** Device name, link id, or 'engine'. */
  source: string;
  message: string;
}

export class EventLog {
  readonly entries: LogEntry[] = [];

  add(time: Micros, level: LogLevel, source: string, message: string): void {
    this.entries.push({ time, level, source, message });
  }

  errors(): LogEntry[] {
    return this.entries.filter((e) => e.level === 'error');
  }
}
