// A small display-filter compiler used by `packetlab dissect -Y` until src-shared/net/filter
// lands: presence, ==, !=, <, >, <=, >=, contains, and/or/not (&&, ||, !), parentheses,
// integers, strings, IPv4 (with /prefix), MAC and booleans. Errors carry the text position.
import type { FieldInfo, FieldValue } from './types';
import { formatFieldValue } from './format';

export interface FrameValues {
  values(field: string): readonly FieldValue[];
}

export interface CompiledFilter {
  fields: ReadonlySet<string>;
  matches(frame: FrameValues): boolean;
}

export type FilterResult = { ok: true; filter: CompiledFilter } | { ok: false; error: { message: string; start: number; end: number } };

interface Token {
  kind: 'word' | 'op' | 'str' | 'lp' | 'rp';
  text: string;
  start: number;
  end: number;
}

class FilterError extends Error {
  constructor(
    message: string,
    readonly start: number,
    readonly end: number,
  ) {
    super(message);
  }
}

function tokenize(text: string): Token[] {
  const out: Token[] = [];
  let i = 0;
  while (i < text.length) {
    const c = text[i];
    if (/\s/.test(c)) {
      i++;
      continue;
    }
    const start = i;
    if (c === '(' || c === ')') {
      out.push({ kind: c === '(' ? 'lp' : 'rp', text: c, start, end: ++i });
    } else if (c === '"') {
      let s = '';
      i++;
      while (i < text.length && text[i] !== '"') {
        if (text[i] === '\\' && i + 1 < text.length) i++;
        s += text[i++];
      }
      if (i >= text.length) throw new FilterError('unterminated string', start, text.length);
      i++;
      out.push({ kind: 'str', text: s, start, end: i });
    } else if ('=!<>&|'.includes(c)) {
      const two = text.slice(i, i + 2);
      const op = ['==', '!=', '<=', '>=', '&&', '||'].includes(two) ? two : c;
      if (op === '&' || op === '|' || op === '=') throw new FilterError(`"${op}" was unexpected in this context`, start, start + 1);
      i += op.length;
      out.push({ kind: 'op', text: op, start, end: i });
    } else if (/[A-Za-z0-9_.:/\-]/.test(c)) {
      while (i < text.length && /[A-Za-z0-9_.:/\-]/.test(text[i])) i++;
      out.push({ kind: 'word', text: text.slice(start, i), start, end: i });
    } else throw new FilterError(`"${c}" was unexpected in this context`, start, start + 1);
  }
  return out;
}

type Node = (f: FrameValues) => boolean;

const WORD_OPS: Record<string, string> = { eq: '==', ne: '!=', gt: '>', lt: '<', ge: '>=', le: '<=', contains: 'contains' };

function parseIpv4(text: string): { addr: number; mask: number } | null {
  const m = /^(\d+)\.(\d+)\.(\d+)\.(\d+)(?:\/(\d+))?$/.exec(text);
  if (!m) return null;
  const parts = m.slice(1, 5).map(Number);
  if (parts.some((x) => x > 255)) return null;
  const bits = m[5] === undefined ? 32 : Number(m[5]);
  if (bits > 32) return null;
  const mask = bits === 0 ? 0 : (0xffffffff << (32 - bits)) >>> 0;
  return { addr: ((((parts[0] << 24) | (parts[1] << 16) | (parts[2] << 8) | parts[3]) & mask) >>> 0), mask };
}

export function compileFallbackFilter(text: string, lookup: (name: string) => FieldInfo | undefined): FilterResult {
  const fields = new Set<string>();
  let tokens: Token[];
  try {
    tokens = tokenize(text);
  } catch (e) {
    const fe = e as FilterError;
    return { ok: false, error: { message: fe.message, start: fe.start, end: fe.end } };
  }
  let pos = 0;
  const peek = (): Token | undefined => tokens[pos];
  const isWord = (t: Token | undefined, ...w: string[]): boolean => !!t && t.kind === 'word' && w.includes(t.text.toLowerCase());

  function orExpr(): Node {
    let left = andExpr();
    while (peek() && ((peek()!.kind === 'op' && peek()!.text === '||') || isWord(peek(), 'or'))) {
      pos++;
      const l = left;
      const r = andExpr();
      left = (f) => l(f) || r(f);
    }
    return left;
  }
  function andExpr(): Node {
    let left = notExpr();
    while (peek() && ((peek()!.kind === 'op' && peek()!.text === '&&') || isWord(peek(), 'and'))) {
      pos++;
      const l = left;
      const r = notExpr();
      left = (f) => l(f) && r(f);
    }
    return left;
  }
  function notExpr(): Node {
    const t = peek();
    if (t && ((t.kind === 'op' && t.text === '!') || isWord(t, 'not'))) {
      pos++;
      const inner = notExpr();
      return (f) => !inner(f);
    }
    return primary();
  }
  function primary(): Node {
    const t = peek();
    if (!t) throw new FilterError('unexpected end of filter', text.length, text.length);
    if (t.kind === 'lp') {
      pos++;
      const inner = orExpr();
      const close = peek();
      if (!close || close.kind !== 'rp') throw new FilterError('missing ")"', t.start, t.end);
      pos++;
      return inner;
    }
    if (t.kind !== 'word') throw new FilterError(`"${t.text}" was unexpected in this context`, t.start, t.end);
    pos++;
    const info = lookup(t.text);
    if (!info) throw new FilterError(`"${t.text}" is not a valid protocol or protocol field`, t.start, t.end);
    const name = t.text;
    fields.add(name);
    const opTok = peek();
    let op = '';
    if (opTok && opTok.kind === 'op' && ['==', '!=', '<', '>', '<=', '>='].includes(opTok.text)) op = opTok.text;
    else if (opTok && opTok.kind === 'word' && WORD_OPS[opTok.text.toLowerCase()]) op = WORD_OPS[opTok.text.toLowerCase()];
    if (!op) return (f) => f.values(name).length > 0;
    pos++;
    const vt = peek();
    if (!vt || (vt.kind !== 'word' && vt.kind !== 'str')) throw new FilterError(`missing value after "${opTok!.text}"`, opTok!.start, opTok!.end);
    pos++;
    const test = valueTest(info, op, vt);
    if (op === '!=') return (f) => {
      const vs = f.values(name);
      return vs.length > 0 && !vs.some(test);
    };
    return (f) => f.values(name).some(test);
  }
  function valueTest(info: FieldInfo, op: string, vt: Token): (v: FieldValue) => boolean {
    const raw = vt.text;
    const bad = (): never => {
      throw new FilterError(`"${raw}" is not a valid value for ${info.name}`, vt.start, vt.end);
    };
    const cmp = (a: number, b: number): boolean =>
      op === '==' || op === '!=' ? a === b : op === '<' ? a < b : op === '>' ? a > b : op === '<=' ? a <= b : op === '>=' ? a >= b : false;
    if (op === 'contains') {
      return (v) => formatFieldValue(info, v).includes(raw);
    }
    switch (info.type) {
      case 'uint':
      case 'int':
      case 'framenum': {
        let n = Number(raw);
        if (!Number.isFinite(n) && info.valueNames) {
          const hit = Object.entries(info.valueNames).find(([, nm]) => nm.toLowerCase() === raw.toLowerCase());
          if (hit) n = Number(hit[0]);
        }
        if (!Number.isFinite(n)) bad();
        return (v) => typeof v === 'number' && cmp(v, n);
      }
      case 'bool': {
        const b = /^(1|true)$/i.test(raw) ? true : /^(0|false)$/i.test(raw) ? false : bad();
        return (v) => (v === true) === b;
      }
      case 'ipv4': {
        const a = parseIpv4(raw) ?? bad();
        return (v) => typeof v === 'number' && cmp(((v & a.mask) >>> 0), a.addr);
      }
      case 'ether': {
        const norm = raw.toLowerCase().replace(/[-.]/g, ':');
        if (!/^([0-9a-f]{2}:){5}[0-9a-f]{2}$/.test(norm)) bad();
        return (v) => formatFieldValue(info, v) === norm;
      }
      case 'string':
        return (v) => (op === '==' || op === '!=' ? v === raw : cmp(String(v).localeCompare(raw), 0));
      default:
        return (v) => formatFieldValue(info, v) === raw.toLowerCase();
    }
  }
  try {
    if (!tokens.length) throw new FilterError('empty filter', 0, 0);
    const root = orExpr();
    if (pos < tokens.length) throw new FilterError(`"${tokens[pos].text}" was unexpected in this context`, tokens[pos].start, tokens[pos].end);
    return { ok: true, filter: { fields, matches: root } };
  } catch (e) {
    if (e instanceof FilterError) return { ok: false, error: { message: e.message, start: e.start, end: e.end } };
    throw e;
  }
}
