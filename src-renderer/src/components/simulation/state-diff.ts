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
