// Live diagnostics for device tables, from the same parsers the engine uses (src-shared/lab), plus
// checks against the lab itself (an interface the device does not have).
import { parseHosts, parseNeighbours, parseRoutes, tokenizeLines, type TableError, type TableResult } from '../../../../src-shared/lab/tables';
import { parseZone } from '../../../../src-shared/lab/tables/zone';
import { parseDhcpdConf } from '../../../../src-shared/lab/tables/dhcpd';
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
  /** The zone's apex when the lab names it; otherwise the file's $ORIGIN decides (root by default). */
  zoneOrigin?: string;
}

type Checked = { errors: TableError[]; warnings: TableError[] };
const fromTable = (r: TableResult<unknown> | { ok: true } | { ok: false; errors: TableError[] }): Checked => ({ errors: r.ok ? [] : r.errors, warnings: [] });

const PARSERS: Record<TableKind, (text: string, context: TableContext) => Checked> = {
  routes: (text) => fromTable(parseRoutes(text)),
  arp: (text) => fromTable(parseNeighbours(text)),
  hosts: (text) => fromTable(parseHosts(text)),
  // named-checkzone's checks come with the zone parser: its warnings are shown as warnings.
  zone: (text, context) => {
    // Like named-checkzone, the parser wants the apex; a file that starts with $ORIGIN names it.
    const r = parseZone(text, context.zoneOrigin ?? /^\$ORIGIN[ \t]+(\S+)/m.exec(text)?.[1] ?? '.');
    return { errors: r.ok ? [] : r.errors, warnings: r.warnings };
  },
  dhcpd: (text) => fromTable(parseDhcpdConf(text)),
};

/** Whether this table kind is checked (every kind has a parser in src-shared/lab/tables now). */
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
  const result = parse(text, context);
  const add = (e: TableError, severity: Diagnostic['severity']) => {
    const line = Math.max(1, e.line);
    const col = Math.max(1, e.col);
    out.push({ line, col, endCol: wordEnd(lines, line, col), message: e.message, severity });
  };
  for (const e of result.errors) add(e, 'error');
  for (const e of result.warnings) add(e, 'warning');
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
