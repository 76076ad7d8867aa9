// Virtual time: an integer count of microseconds since the start of the simulation.
// Never derived from the wall clock.

export type Micros = number;

export const US = 1;
export const MS = 1000;
export const SECOND = 1_000_000;

export function ms(value: number): Micros {
  return Math.round(value * MS);
}

export function seconds(value: number): Micros {
  return Math.round(value * SECOND);
}

/** `1.234567` (seconds with microsecond precision), as tshark prints relative times. */
export function formatTime(t: Micros): string {
  const whole = Math.floor(t / SECOND);
  const frac = t - whole * SECOND;
  return `${whole}.${String(frac).padStart(6, '0')}`;
}

/**
 * Wall-clock instant that virtual time 0 stands for in captures and in ping's timestamps:
 * 2026-01-01T00:00:00Z. Fixed, so the same lab and seed always give the same bytes.
 */
export const VIRTUAL_EPOCH_SECONDS = 1_767_225_600;
