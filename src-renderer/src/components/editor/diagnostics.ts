// Live diagnostics for device tables, from the same parsers the engine uses (src-shared/lab), plus
// checks against the lab itself (an interface the device does not have).
import { parseHosts, parseNeighbours, parseRoutes, tokenizeLines, type TableError, type TableResult } from '../../../../src-shared/lab/tables';
import type { TableKind } from '../../lab/types';

export interface Diagnostic {
  line: number;
  col: number;
  /** Exclusive end column on the same line. */
  endCol: number;
  message: string;
  severity: 'error' | 'warning';
}

export interface TableContext {
  /** Interface names of the device the table belongs to. */
  interfaces: string[];
}

const PARSERS: Partial<Record<TableKind, (text: string) => TableResult<unknown>>> = {
  routes: parseRoutes,
  arp: parseNeighbours,
  hosts: parseHosts,
};

/** Whether this table kind is checked (BIND zones and dhcpd.conf get parsers in a later issue). */
export function hasParser(table: TableKind): boolean {
  return table in PARSERS;
}

/** The end of the word starting at `col` (1-based) on `line`, for the squiggle's extent. */
function wordEnd(lines: string[], line: number, col: number): number {
  const text = lines[line - 1] ?? '';
  let end = col - 1;
  while (end < text.length && !/\s/.test(text[end])) end++;
  return Math.max(end + 1, col + 1);
}

export function diagnose(table: TableKind, text: string, context: TableContext): Diagnostic[] {
  const parse = PARSERS[table];
  if (!parse) return [];
  const lines = text.split('\n');
  const out: Diagnostic[] = [];
  const result = parse(text);
  if (!result.ok) {
    for (const e of result.errors as TableError[]) out.push({ line: e.line, col: e.col, endCol: wordEnd(lines, e.line, e.col), message: e.message, severity: 'error' });
  }
  // `dev NAME` must name one of this device's interfaces.
  if (table === 'routes' || table === 'arp') {
    const known = new Set(context.interfaces);
    const failed = new Set(out.map((d) => d.line));
    for (const tokens of tokenizeLines(text)) {
      for (let i = 0; i + 1 < tokens.length; i++) {
        const dev = tokens[i + 1];
        if (tokens[i].text === 'dev' && !known.has(dev.text) && !failed.has(dev.line)) {
          const list = context.interfaces.join(', ') || '—';
          out.push({ line: dev.line, col: dev.col, endCol: dev.col + dev.text.length, message: `this device has no interface '${dev.text}' (it has: ${list})`, severity: 'warning' });
        }
      }
    }
  }
  return out.sort((a, b) => a.line - b.line || a.col - b.col);
}
