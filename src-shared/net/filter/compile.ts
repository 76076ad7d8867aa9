// Type-checks a parsed filter against field declarations and compiles it into closures.
// Semantics follow tshark 4.0.17 (checked in compile.test.ts against tshark itself):
//   a == b   some occurrence of a equals b          a != b   every occurrence differs (and a exists)
//   a === b  every occurrence equals b (a exists)   a ~= b   some occurrence differs
//   <, >, <=, >=, contains, matches, in, &: some occurrence satisfies it
// An absent field makes every relation false; `not` then makes it true.

import type { FieldInfo, FieldType, FieldValue } from '../dissect/types';
import type { FilterNode, Operand, RelOp } from './ast';
import type { FilterError } from './lexer';
import {
  isInteger,
  isNumeric,
  parseBytes,
  parseEther,
  parseFloatLiteral,
  parseInteger,
  parseIpv4,
  parseIpv6,
  typeName,
  utf8,
  type Ipv4Literal,
  type Ipv6Literal,
} from './literals';
import { parse } from './parser';

/** What a compiled filter reads from a frame: every value of a field (empty = absent). */
export interface FilterFrame {
  values(field: string): readonly FieldValue[];
}

export interface CompiledFilter {
  /** Every field and protocol name the predicate reads: the dissector need extract only these. */
  readonly fields: ReadonlySet<string>;
  /**
   * The fields whose values the predicate reads; the others it only tests for presence (`http`,
   * not `http contains "x"`), so a dissector may record them without their values (an HTTP
   * message's bytes). Absent: every field's value is read.
   */
  readonly valueFields?: ReadonlySet<string>;
  matches(frame: FilterFrame): boolean;
}

export type LookupField = (name: string) => FieldInfo | undefined;

export type CompileResult = { ok: true; filter: CompiledFilter } | { ok: false; error: FilterError };

export type CheckResult = { ok: true } | { ok: false; error: FilterError };

type Pred = (f: FilterFrame) => boolean;
type Getter = (f: FilterFrame) => readonly FieldValue[];

class CompileError {
  constructor(readonly error: FilterError) {}
}

/** Compiles `text`; never throws (errors come back with their position). */
export function compileFilter(text: string, lookupField: LookupField): CompileResult {
  try {
    const parsed = parse(text);
    if (!parsed.ok) return parsed;
    const fields = new Set<string>();
    const valueFields = new Set<string>();
    if (parsed.tree === null) return { ok: true, filter: { fields, valueFields, matches: () => true } };
    const pred = new Compiler(lookupField, fields, valueFields).node(parsed.tree);
    return { ok: true, filter: { fields, valueFields, matches: pred } };
  } catch (e) {
    if (e instanceof CompileError) return { ok: false, error: e.error };
    // A bug of ours must not take the UI down: report it at the whole text.
    return { ok: false, error: { message: `Internal filter error: ${String(e)}`, start: 0, end: text.length } };
  }
}

/** As-you-type validation for the UI: the same checks as compileFilter. */
export function checkFilter(text: string, lookupField: LookupField): CheckResult {
  const r = compileFilter(text, lookupField);
  return r.ok ? { ok: true } : r;
}

function fail(message: string, start: number, end: number): never {
  throw new CompileError({ message, start, end });
}

const FIELD_NAME = /^[A-Za-z_][A-Za-z0-9_.-]*$/;

/** A field side of a relation: how to read it and what type its values have. */
interface FieldRef {
  name: string;
  field: FieldInfo;
  /** Effective type: 'bytes' once sliced. */
  type: FieldType;
  get: Getter;
}

/** Equality and ordering for one value type, against a literal or another field's value. */
interface Ops {
  eq(v: FieldValue): boolean;
  cmp(v: FieldValue): number;
}

class Compiler {
  constructor(
    private readonly lookup: LookupField,
    private readonly fields: Set<string>,
    private readonly valueFields: Set<string>,
  ) {}

  node(n: FilterNode): Pred {
    switch (n.kind) {
      case 'and':
      case 'or': {
        // Long `a and b and c …` chains are left spines: flatten them so neither compiling nor
        // evaluating recurses once per term.
        const terms: FilterNode[] = [];
        let cur: FilterNode = n;
        while (cur.kind === n.kind) {
          const bin = cur as Extract<FilterNode, { kind: 'and' | 'or' }>;
          terms.push(bin.right);
          cur = bin.left;
        }
        terms.push(cur);
        const preds = terms.reverse().map((t) => this.node(t));
        if (preds.length === 2) {
          const [a, b] = preds;
          return n.kind === 'and' ? (f) => a(f) && b(f) : (f) => a(f) || b(f);
        }
        if (n.kind === 'and') {
          return (f) => {
            for (const p of preds) if (!p(f)) return false;
            return true;
          };
        }
        return (f) => {
          for (const p of preds) if (p(f)) return true;
          return false;
        };
      }
      case 'not': {
        const a = this.node(n.operand);
        return (f) => !a(f);
      }
      case 'exists': {
        const ref = this.fieldRef(n.operand, true);
        const get = ref.get;
        return (f) => get(f).length > 0;
      }
      case 'relation':
        if (!this.isField(n.left)) fail(`Left side of "${n.opText}" expression must be a field or function, not ${shown(n.left)}.`, n.left.start, n.left.end);
        return this.relation(n.op, n.left, n.right);
      case 'in':
        if (!this.isField(n.left)) fail('Only a field may be tested for membership in a set.', n.left.start, n.left.end);
        return this.inSet(n.left, n.elements);
    }
  }

  private isField(op: Operand): boolean {
    return op.kind === 'word' && FIELD_NAME.test(op.text) && this.lookup(op.text) !== undefined;
  }

  /** `presence`: only whether the field is there is read (an existence test), unless sliced. */
  private fieldRef(op: Operand, presence = false): FieldRef {
    const field = op.kind === 'word' ? this.lookup(op.text) : undefined;
    if (!field) fail(`${shown(op)} is neither a field nor a protocol name.`, op.start, op.end);
    this.fields.add(field.name);
    if (!presence || op.slice) this.valueFields.add(field.name);
    const name = field.name;
    const plain: Getter = (f) => f.values(name);
    if (!op.slice) return { name, field, type: field.type, get: plain };
    const sliceable = field.type === 'bytes' || field.type === 'protocol' || field.type === 'ether' || field.type === 'ipv4' || field.type === 'ipv6' || field.type === 'string';
    if (!sliceable) {
      fail(`"${name}" is a ${typeName(field)} and cannot be sliced into a sequence of bytes.`, op.start, op.end);
    }
    const cut = parseSlice(op.slice.text);
    if (!cut) fail(`"${op.slice.text}" is not a valid number.`, op.slice.start + 1, op.slice.end - 1);
    const type = field.type;
    const get: Getter = (f) => {
      const vs = f.values(name);
      const out: Uint8Array[] = [];
      for (const v of vs) {
        const s = cut(toBytes(v, type));
        if (s) out.push(s);
      }
      return out;
    };
    return { name, field, type: 'bytes', get };
  }

  private relation(op: RelOp, left: Operand, right: Operand): Pred {
    const ref = this.fieldRef(left);
    const opText = op === '&' ? 'bitwise and' : op;
    if (ref.type === 'none') fail(`${ref.name} (type=Label) cannot participate in ${opText} comparison.`, left.start, left.end);
    if (op === 'contains' && !bytesLike(ref.type) && ref.type !== 'string') {
      fail(`${ref.name} (type=${typeName(ref.field)}) cannot participate in contains comparison.`, left.start, left.end);
    }
    if (op === 'matches' && ref.type !== 'string' && ref.type !== 'bytes' && ref.type !== 'protocol') {
      fail(`${ref.name} (type=${typeName(ref.field)}) cannot participate in matches comparison.`, left.start, left.end);
    }
    if (op === '&' && !isInteger(ref.type)) {
      fail(`${ref.name} (type=${typeName(ref.field)}) cannot participate in bitwise and comparison.`, left.start, left.end);
    }

    const other = right.kind === 'word' && !right.slice && FIELD_NAME.test(right.text) ? this.lookup(right.text) : undefined;
    if (other || right.slice) return this.fieldToField(op, ref, this.fieldRef(right), right);

    const get = ref.get;
    if (op === 'matches') {
      const re = compileRegex(right);
      const type = ref.type;
      return anyOf(get, (v) => re.test(typeof v === 'string' ? v : latin1(toBytes(v, type))));
    }
    if (op === 'contains') {
      if (ref.type === 'string') {
        const needle = right.text;
        return anyOf(get, (v) => String(v).includes(needle));
      }
      const needle = this.bytesLiteral(right);
      const type = ref.type;
      return anyOf(get, (v) => indexOfBytes(toBytes(v, type), needle) >= 0);
    }
    if (op === '&') {
      const mask = this.literalOps(ref, right, true).mask;
      return anyOf(get, (v) => ((v as number) & mask) !== 0);
    }
    const ops = this.literalOps(ref, right, false);
    return relationPred(op, get, ops);
  }

  private fieldToField(op: RelOp, a: FieldRef, b: FieldRef, right: Operand): Pred {
    const compatible = a.type === b.type || (isNumeric(a.type) && isNumeric(b.type)) || (bytesLike(a.type) && bytesLike(b.type));
    if (!compatible) fail(`${a.name} and ${b.name} are not of compatible types.`, right.start, right.end);
    if (op === 'matches' || op === '&') fail(`"${right.text}" was unexpected in this context.`, right.start, right.end);
    const ga = a.get;
    const gb = b.get;
    const type = a.type;
    if (op === 'contains') {
      return (f) => {
        const bs = gb(f);
        for (const x of ga(f)) for (const y of bs) if (type === 'string' ? String(x).includes(String(y)) : indexOfBytes(toBytes(x, type), toBytes(y, b.type)) >= 0) return true;
        return false;
      };
    }
    const opsFor = (y: FieldValue): Ops => valueOps(type, y);
    return (f) => {
      const xs = ga(f);
      const ys = gb(f);
      if (xs.length === 0 || ys.length === 0) return false;
      const all = op === '!=' || op === '===';
      for (const y of ys) {
        const ops = opsFor(y);
        for (const x of xs) {
          const r = test(op, ops, x);
          if (all && !r) return false;
          if (!all && r) return true;
        }
      }
      return all;
    };
  }

  private inSet(left: Operand, elements: { low: Operand; high?: Operand }[]): Pred {
    const ref = this.fieldRef(left);
    if (ref.type === 'none') fail(`${ref.name} (type=Label) cannot participate in in comparison.`, left.start, left.end);
    const tests = elements.map((e) => {
      const low = this.literalOps(ref, e.low, false);
      if (!e.high) return (v: FieldValue) => low.eq(v);
      const high = this.literalOps(ref, e.high, false);
      return (v: FieldValue) => low.cmp(v) >= 0 && high.cmp(v) <= 0;
    });
    return anyOf(ref.get, (v) => {
      for (const t of tests) if (t(v)) return true;
      return false;
    });
  }

  private bytesLiteral(op: Operand): Uint8Array {
    if (op.kind === 'string') return utf8.encode(op.text);
    const b = parseBytes(op.text);
    if (!b) fail(`"${op.text}" is not a valid byte string.`, op.start, op.end);
    return b;
  }

  /** Converts a literal for the field's type; `Ops` compare a field value against it. */
  private literalOps(ref: FieldRef, op: Operand, wantMask: true): { mask: number };
  private literalOps(ref: FieldRef, op: Operand, wantMask: false): Ops;
  private literalOps(ref: FieldRef, op: Operand, wantMask: boolean): Ops | { mask: number } {
    const { field, type } = ref;
    const text = op.text;
    const bad: (message: string) => never = (message) => fail(message, op.start, op.end);
    switch (type) {
      case 'uint':
      case 'int':
      case 'framenum': {
        let n: number | undefined = op.kind === 'word' ? parseInteger(text) : undefined;
        if (n === undefined) {
          const names = field.valueNames;
          if (names) {
            const wanted = text.toLowerCase();
            const hit = Object.entries(names).find(([, name]) => name.toLowerCase() === wanted);
            if (!hit) bad(`"${text}" cannot be found among the possible values for ${field.name}.`);
            n = Number(hit[0]);
          } else if (op.kind === 'string') bad(`${typeName(field)} cannot be converted from a string (${JSON.stringify(text)}).`);
          else bad(`"${text}" is not a valid number.`);
        }
        const bits = field.bits ?? 32;
        if (type === 'int') {
          const max = 2 ** (bits - 1) - 1;
          if (n > max) bad(`"${text}" too big for this field, maximum ${max}.`);
          if (n < -max - 1) bad(`"${text}" too small for this field, minimum ${-max - 1}.`);
        } else {
          const max = 2 ** bits - 1;
          if (n > max) bad(`"${text}" too big for this field, maximum ${max}.`);
        }
        if (wantMask) return { mask: n };
        return numberOps(n);
      }
      case 'float':
      case 'time':
      case 'reltime': {
        const n = op.kind === 'word' ? parseFloatLiteral(text) : undefined;
        if (n === undefined) {
          if (op.kind === 'string') bad(`${typeName(field)} cannot be converted from a string (${JSON.stringify(text)}).`);
          bad(type === 'float' ? `"${text}" is not a valid number.` : `"${text}" is not a valid time.`);
        }
        return numberOps(n);
      }
      case 'bool': {
        const lower = text.toLowerCase();
        let b: boolean | undefined;
        if (lower === 'true') b = true;
        else if (lower === 'false') b = false;
        else {
          const n = op.kind === 'word' ? parseInteger(text) : undefined;
          if (n !== undefined) b = n !== 0;
        }
        if (b === undefined) bad(`"${text}" cannot be found among the possible values for ${field.name}.`);
        const want = b;
        return { eq: (v) => Boolean(v) === want, cmp: (v) => Number(Boolean(v)) - Number(want) };
      }
      case 'ipv4': {
        if (op.kind === 'string') bad(`IPv4 address cannot be converted from a string (${JSON.stringify(text)}).`);
        const lit = parseIpv4(text);
        if (typeof lit === 'string') bad(lit);
        return ipv4Ops(lit);
      }
      case 'ipv6': {
        if (op.kind === 'string') bad(`IPv6 address cannot be converted from a string (${JSON.stringify(text)}).`);
        const lit = parseIpv6(text);
        if (typeof lit === 'string') bad(lit);
        return ipv6Ops(lit);
      }
      case 'ether': {
        if (op.kind === 'string') bad(`Ethernet or other MAC address cannot be converted from a string (${JSON.stringify(text)}).`);
        const lit = parseEther(text);
        if (typeof lit === 'string') bad(lit);
        return bytesOps(lit);
      }
      case 'string':
        return stringOps(text);
      case 'bytes':
      case 'protocol':
        return bytesOps(this.bytesLiteral(op));
      case 'none':
        return bad(`${field.name} (type=Label) cannot participate in comparisons.`);
    }
  }
}

function shown(op: Operand): string {
  return op.kind === 'string' ? JSON.stringify(op.text) : op.text;
}

function bytesLike(t: FieldType): boolean {
  return t === 'bytes' || t === 'protocol' || t === 'ether';
}

function anyOf(get: Getter, t: (v: FieldValue) => boolean): Pred {
  return (f) => {
    const vs = get(f);
    for (let i = 0; i < vs.length; i++) if (t(vs[i])) return true;
    return false;
  };
}

function allOf(get: Getter, t: (v: FieldValue) => boolean): Pred {
  return (f) => {
    const vs = get(f);
    if (vs.length === 0) return false;
    for (let i = 0; i < vs.length; i++) if (!t(vs[i])) return false;
    return true;
  };
}

function test(op: RelOp, ops: Ops, v: FieldValue): boolean {
  switch (op) {
    case '==':
    case '===':
      return ops.eq(v);
    case '!=':
    case '~=':
      return !ops.eq(v);
    case '<':
      return ops.cmp(v) < 0;
    case '>':
      return ops.cmp(v) > 0;
    case '<=':
      return ops.cmp(v) <= 0;
    case '>=':
      return ops.cmp(v) >= 0;
    default:
      return false;
  }
}

function relationPred(op: RelOp, get: Getter, ops: Ops): Pred {
  const { eq, cmp } = ops;
  switch (op) {
    case '==':
      return anyOf(get, eq);
    case '!=':
      return allOf(get, (v) => !eq(v));
    case '===':
      return allOf(get, eq);
    case '~=':
      return anyOf(get, (v) => !eq(v));
    case '<':
      return anyOf(get, (v) => cmp(v) < 0);
    case '>':
      return anyOf(get, (v) => cmp(v) > 0);
    case '<=':
      return anyOf(get, (v) => cmp(v) <= 0);
    case '>=':
      return anyOf(get, (v) => cmp(v) >= 0);
    default:
      return () => false;
  }
}

function numberOps(n: number): Ops {
  return { eq: (v) => v === n || (typeof v === 'boolean' && Number(v) === n), cmp: (v) => Number(v) - n };
}

function stringOps(s: string): Ops {
  return { eq: (v) => v === s, cmp: (v) => ((v as string) < s ? -1 : (v as string) > s ? 1 : 0) };
}

function bytesOps(b: Uint8Array): Ops {
  return { eq: (v) => v instanceof Uint8Array && bytesEqual(v, b), cmp: (v) => compareBytes(v as Uint8Array, b) };
}

function ipv4Ops(lit: Ipv4Literal): Ops {
  const { addr, mask } = lit;
  return {
    eq: (v) => ((v as number) & mask) >>> 0 === addr,
    cmp: (v) => (((v as number) & mask) >>> 0) - addr,
  };
}

function ipv6Ops(lit: Ipv6Literal): Ops {
  const { addr, prefix } = lit;
  const masked = (v: Uint8Array): Uint8Array => {
    if (prefix === 128) return v;
    const out = new Uint8Array(16);
    for (let i = 0; i < 16; i++) {
      const bits = Math.max(0, Math.min(8, prefix - i * 8));
      out[i] = v[i] & ((0xff << (8 - bits)) & 0xff);
    }
    return out;
  };
  const want = masked(addr);
  return {
    eq: (v) => v instanceof Uint8Array && v.length === 16 && bytesEqual(masked(v), want),
    cmp: (v) => compareBytes(masked(v as Uint8Array), want),
  };
}

/** Comparisons of one field value against another field's value `y` of the same type. */
function valueOps(type: FieldType, y: FieldValue): Ops {
  if (type === 'string') return stringOps(y as string);
  if (y instanceof Uint8Array) return bytesOps(y);
  if (type === 'ipv4') return ipv4Ops({ addr: (y as number) >>> 0, mask: 0xffffffff });
  if (typeof y === 'boolean') return { eq: (v) => Boolean(v) === y, cmp: (v) => Number(Boolean(v)) - Number(y) };
  return numberOps(y as number);
}

function bytesEqual(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

function compareBytes(a: Uint8Array, b: Uint8Array): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) if (a[i] !== b[i]) return a[i] - b[i];
  return a.length - b.length;
}

function indexOfBytes(hay: Uint8Array, needle: Uint8Array): number {
  if (needle.length === 0) return 0;
  const first = needle[0];
  const last = hay.length - needle.length;
  outer: for (let i = hay.indexOf(first); i >= 0 && i <= last; i = hay.indexOf(first, i + 1)) {
    for (let j = 1; j < needle.length; j++) if (hay[i + j] !== needle[j]) continue outer;
    return i;
  }
  return -1;
}

function latin1(b: Uint8Array): string {
  let s = '';
  for (let i = 0; i < b.length; i += 8192) s += String.fromCharCode(...b.subarray(i, i + 8192));
  return s;
}

/**
 * The bytes `contains` and `matches` look into. Values of another shape than declared (a dissector
 * gives `true` for a protocol it only marks present) give no bytes: no match, never an exception.
 */
function toBytes(v: FieldValue, type: FieldType): Uint8Array {
  if (v instanceof Uint8Array) return v;
  if (typeof v === 'string') return utf8.encode(v);
  if (type === 'ipv4' && typeof v === 'number') return Uint8Array.of(v >>> 24, (v >>> 16) & 0xff, (v >>> 8) & 0xff, v & 0xff);
  return new Uint8Array(0);
}

/**
 * Wireshark slices: `[i:j]` j bytes from i, `[i-j]` bytes i..j, `[i]` one byte, `[:j]`, `[i:]`,
 * negative offsets count from the end, several ranges separated by commas are concatenated.
 * The compiled cut returns undefined when a range falls outside the value (no match).
 */
export function parseSlice(text: string): ((b: Uint8Array) => Uint8Array | undefined) | undefined {
  const ranges: { start: number; length?: number; end?: number }[] = [];
  for (const part of text.split(',')) {
    const p = part.trim();
    let m: RegExpExecArray | null;
    if ((m = /^(-?\d+)?:(\d+)?$/.exec(p))) ranges.push({ start: m[1] ? Number(m[1]) : 0, length: m[2] ? Number(m[2]) : undefined });
    else if ((m = /^(-?\d+)-(-?\d+)$/.exec(p))) ranges.push({ start: Number(m[1]), end: Number(m[2]) });
    else if ((m = /^(-?\d+)$/.exec(p))) ranges.push({ start: Number(m[1]), length: 1 });
    else return undefined;
  }
  return (b) => {
    const parts: Uint8Array[] = [];
    let total = 0;
    for (const r of ranges) {
      const start = r.start < 0 ? b.length + r.start : r.start;
      let end: number;
      if (r.end !== undefined) end = (r.end < 0 ? b.length + r.end : r.end) + 1;
      else if (r.length !== undefined) end = start + r.length;
      else end = b.length;
      if (start < 0 || end > b.length || end < start) return undefined;
      parts.push(b.subarray(start, end));
      total += end - start;
    }
    if (parts.length === 1) return parts[0];
    const out = new Uint8Array(total);
    let off = 0;
    for (const p of parts) {
      out.set(p, off);
      off += p.length;
    }
    return out;
  };
}

/** Wireshark's `matches` is case-insensitive unless the pattern starts with `(?-i)`. */
function compileRegex(op: Operand): RegExp {
  let source = op.text;
  let flags = 'i';
  if (source.startsWith('(?-i)')) {
    source = source.slice(5);
    flags = '';
  } else if (source.startsWith('(?i)')) source = source.slice(4);
  try {
    return new RegExp(source, flags);
  } catch (e) {
    const msg = e instanceof Error ? e.message.replace(/^Invalid regular expression: /, '') : String(e);
    return fail(`Regex compilation error: ${msg}.`, op.start, op.end);
  }
}
