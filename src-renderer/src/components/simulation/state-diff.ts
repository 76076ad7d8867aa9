// Which lines of a device table are new since the previous frame, so a student sees what changed.

export interface MarkedLine {
  text: string;
  fresh: boolean;
}

/**
 * The lines of `text`, each marked fresh when `before` did not have it. With no `before` (first
 * look at this device) nothing is marked: there is nothing to compare with.
 */
export function markNewLines(before: string | null, text: string): MarkedLine[] {
  const lines = text.replace(/\n+$/, '').split('\n');
  if (before === null) return lines.map((l) => ({ text: l, fresh: false }));
  const old = new Map<string, number>();
  for (const l of before.split('\n')) old.set(l, (old.get(l) ?? 0) + 1);
  return lines.map((l) => {
    const n = old.get(l) ?? 0;
    if (n > 0) old.set(l, n - 1);
    return { text: l, fresh: n === 0 };
  });
}

export type RowChange = 'same' | 'new' | 'changed';

export interface RowDiff<T> {
  rows: { row: T; change: RowChange }[];
  /** Rows of `before` that are gone (expired, flushed, replaced). */
  removed: T[];
}

/**
 * Rows of a table compared with the same table at the previous frame. Rows match by `key`;
 * a matched row is changed when its `facts` differ (state, address, validators, …) or when
 * `refreshed` says a timer was reset (a renewed lease, a re-cached name): timers counting down
 * between two frames are no change. With no `before` nothing is marked.
 */
export function diffRows<T>(
  before: readonly T[] | null,
  after: readonly T[],
  key: (row: T) => string,
  facts: (row: T) => string,
  refreshed: (was: T, now: T) => boolean = () => false,
): RowDiff<T> {
  if (before === null) return { rows: after.map((row) => ({ row, change: 'same' })), removed: [] };
  const old = new Map<string, T[]>();
  for (const r of before) {
    const k = key(r);
    const list = old.get(k);
    if (list) list.push(r);
    else old.set(k, [r]);
  }
  const rows = after.map((row) => {
    const was = old.get(key(row))?.shift();
    if (was === undefined) return { row, change: 'new' as const };
    return { row, change: facts(was) !== facts(row) || refreshed(was, row) ? ('changed' as const) : ('same' as const) };
  });
  const removed = [...old.values()].flat();
  return { rows, removed };
}

/** A countdown that went up between two frames was reset (half a second of slack for rounding). */
export function timerReset(was: number | null, now: number | null): boolean {
  if (was === null || now === null) return was !== now;
  return now > was + 0.5;
}
