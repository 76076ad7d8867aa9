// BIND zone files (RFC 1035 §5 master format) for the lab's authoritative DNS servers.
// Supported: $ORIGIN, $TTL, '@', relative and absolute names, omitted owner/TTL/class, parentheses
// over several lines, ';' comments, quoted strings with \X and \DDD escapes, TTL units (1h30m),
// and SOA NS A AAAA CNAME MX TXT PTR SRV CAA. $INCLUDE and $GENERATE are refused: a lab zone is one
// self-contained file. After parsing, `checkZone` applies the semantic checks named-checkzone makes
// (SOA/NS at the apex, CNAME and other data, NS/MX pointing at a CNAME, glue, out-of-zone data).
import { parseIpv4, parseIpv6 } from '../../net/addr';
import {
  DnsClass,
  DnsType,
  canonicalName,
  className,
  nameFromText,
  rdataToText,
  typeFromName,
  typeName,
  type DnsRData,
  type DnsRecord,
} from '../../net/wire/dns';
import type { TableError } from './tokens';

/** A record with where it was written (1-based). Names are absolute, without the trailing dot. */
export interface ZoneRecord extends DnsRecord {
  line: number;
  col: number;
}

export interface Zone {
  /** The zone's apex, e.g. "example.com" ("" for the root zone). */
  origin: string;
  records: ZoneRecord[];
}

export type ZoneResult =
  | { ok: true; value: Zone; warnings: TableError[] }
  | { ok: false; errors: TableError[]; warnings: TableError[] };

export interface ParseZoneOptions {
  /** Run the named-checkzone style semantic checks (default true). */
  check?: boolean;
}

// ---------------------------------------------------------------------------------------------
// Tokens

interface ZoneToken {
  text: string;
  /** Quoted strings keep their escapes in `text`; `quoted` tells them apart from bare words. */
  quoted: boolean;
  line: number;
  col: number;
}

interface Entry {
  tokens: ZoneToken[];
  /** The entry began with a blank: its owner is the previous owner. */
  blankOwner: boolean;
  line: number;
  /** A lexical error was reported inside this entry: do not report it again as bad data. */
  broken?: boolean;
}

class ZoneError extends Error {
  constructor(
    message: string,
    readonly line: number,
    readonly col: number,
  ) {
    super(message);
  }
}

const at = (t: { line: number; col: number }, message: string, offset = 0): ZoneError => new ZoneError(message, t.line, t.col + offset);

/** Splits the file into logical entries (parentheses join lines). Collects lexical errors. */
function tokenize(text: string, errors: TableError[]): Entry[] {
  const entries: Entry[] = [];
  let line = 1;
  let lineStart = 0;
  let depth = 0;
  let openParen = { line: 0, col: 0 };
  let cur: Entry = { tokens: [], blankOwner: false, line: 1 };
  const finish = () => {
    if (cur.tokens.length) entries.push(cur);
    cur = { tokens: [], blankOwner: false, line };
  };
  const n = text.length;
  let i = 0;
  while (i < n) {
    const ch = text[i];
    const col = i - lineStart + 1;
    if (ch === '\n') {
      line++;
      lineStart = i + 1;
      i++;
      if (depth === 0) finish();
      if (cur.tokens.length === 0) cur.line = line;
      continue;
    }
    if (ch === ' ' || ch === '\t' || ch === '\r') {
      if (i === lineStart && depth === 0 && cur.tokens.length === 0) cur.blankOwner = true;
      i++;
      continue;
    }
    if (ch === ';') {
      while (i < n && text[i] !== '\n') i++;
      continue;
    }
    if (ch === '(') {
      if (depth > 0) errors.push({ line, col, message: 'nested parentheses' });
      else openParen = { line, col };
      depth++;
      i++;
      continue;
    }
    if (ch === ')') {
      if (depth === 0) errors.push({ line, col, message: "unbalanced parentheses: ')' without '('" });
      else depth--;
      i++;
      continue;
    }
    if (ch === '"') {
      let j = i + 1;
      let closed = false;
      while (j < n) {
        if (text[j] === '\\' && j + 1 < n) j += 2;
        else if (text[j] === '"') {
          closed = true;
          break;
        } else if (text[j] === '\n') break;
        else j++;
      }
      if (!closed) {
        errors.push({ line, col, message: 'unbalanced quotes' });
        cur.broken = true;
        i = j;
        continue;
      }
      cur.tokens.push({ text: text.slice(i + 1, j), quoted: true, line, col });
      i = j + 1;
      continue;
    }
    let j = i;
    while (j < n) {
      const c = text[j];
      if (c === '\\' && j + 1 < n && text[j + 1] !== '\n') j += 2;
      else if (c === ' ' || c === '\t' || c === '\r' || c === '\n' || c === ';' || c === '(' || c === ')' || c === '"') break;
      else j++;
    }
    cur.tokens.push({ text: text.slice(i, j), quoted: false, line, col });
    i = j;
  }
  if (depth > 0) errors.push({ line: openParen.line, col: openParen.col, message: "unbalanced parentheses: '(' never closed" });
  finish();
  return entries;
}

// ---------------------------------------------------------------------------------------------
// Values

const TTL_RE = /^(?:\d+|(?:\d+[wdhmsWDHMS])+)$/;
const UNIT: Record<string, number> = { w: 604800, d: 86400, h: 3600, m: 60, s: 1 };

/** "3600", "1h30m", "2w" -> seconds, or undefined when the text is not a TTL. */
export function parseTtl(text: string): number | undefined {
  if (!TTL_RE.test(text)) return undefined;
  if (/^\d+$/.test(text)) return Number(text);
  let total = 0;
  for (const m of text.matchAll(/(\d+)([wdhms])/gi)) total += Number(m[1]) * UNIT[m[2].toLowerCase()];
  return total;
}

const MAX_TTL = 0x7fffffff;

function ttlValue(t: ZoneToken, what = 'TTL'): number {
  const v = t.quoted ? undefined : parseTtl(t.text);
  if (v === undefined) throw at(t, `bad ${what} '${t.text}': expected seconds or units such as 1h30m`);
  if (v > 0xffffffff) throw at(t, `${what} '${t.text}' out of range`);
  return v;
}

function uint(t: ZoneToken | undefined, max: number, what: string, after: ZoneToken): number {
  if (!t) throw at(after, `missing ${what}`, after.text.length);
  if (t.quoted || !/^\d+$/.test(t.text) || Number(t.text) > max) throw at(t, `bad ${what} '${t.text}': expected an integer 0..${max}`);
  return Number(t.text);
}

/** Resolves a domain name against the origin; result is absolute presentation text, no trailing dot. */
function absoluteName(t: ZoneToken, origin: string): string {
  if (t.quoted) throw at(t, `expected a domain name, found a quoted string`);
  let name: string;
  if (t.text === '@') name = origin;
  else if (t.text === '.') name = '';
  else if (t.text.endsWith('.') && !/(^|[^\\])(\\\\)*\\\.$/.test(t.text)) name = t.text.slice(0, -1);
  else name = origin === '' ? t.text : `${t.text}.${origin}`;
  const r = nameFromText(name);
  if (!r.ok) throw at(t, `bad name '${t.text}': ${r.error.message}`);
  return name;
}

/** Character-string bytes (≤255) from a quoted or bare token; returned latin1 (one char per byte). */
function charString(t: ZoneToken): string {
  const bytes: number[] = [];
  const enc = new TextEncoder();
  const s = t.text;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c === 0x5c) {
      const d = s.slice(i + 1, i + 4);
      if (/^\d{3}$/.test(d)) {
        if (Number(d) > 255) throw at(t, `bad escape '\\${d}': above 255`, i + (t.quoted ? 1 : 0));
        bytes.push(Number(d));
        i += 3;
      } else if (i + 1 < s.length) {
        i++;
        for (const b of enc.encode(s[i])) bytes.push(b);
      } else throw at(t, 'dangling backslash', i);
    } else if (c < 0x80) bytes.push(c);
    else {
      const cp = s.codePointAt(i)!;
      for (const b of enc.encode(String.fromCodePoint(cp))) bytes.push(b);
      if (cp > 0xffff) i++;
    }
  }
  if (bytes.length > 255) throw at(t, `character string of ${bytes.length} bytes is too long (at most 255)`);
  let out = '';
  for (const b of bytes) out += String.fromCharCode(b);
  return out;
}

// ---------------------------------------------------------------------------------------------
// RDATA

function parseRData(type: number, typeTok: ZoneToken, args: ZoneToken[], origin: string): DnsRData {
  let k = 0;
  const need = (what: string): ZoneToken => {
    const t = args[k++];
    if (!t) {
      const last = args[args.length - 1] ?? typeTok;
      throw at(last, `${typeName(type)} record: missing ${what}`, last.text.length);
    }
    return t;
  };
  const name = (what: string) => absoluteName(need(what), origin);
  const num = (max: number, what: string) => {
    const t = need(what);
    return uint(t, max, what, t);
  };
  let data: DnsRData;
  switch (type) {
    case DnsType.A: {
      const t = need('an IPv4 address');
      const r = parseIpv4(t.text);
      if (!r.ok || t.quoted) throw at(t, `bad IPv4 address '${t.text}'`);
      data = { kind: 'A', address: r.value };
      break;
    }
    case DnsType.AAAA: {
      const t = need('an IPv6 address');
      const r = parseIpv6(t.text);
      if (!r.ok || t.quoted) throw at(t, `bad IPv6 address '${t.text}'`);
      data = { kind: 'AAAA', address: r.value };
      break;
    }
    case DnsType.NS:
      data = { kind: 'NS', target: name('a name server name') };
      break;
    case DnsType.CNAME:
      data = { kind: 'CNAME', target: name('a target name') };
      break;
    case DnsType.PTR:
      data = { kind: 'PTR', target: name('a target name') };
      break;
    case DnsType.MX:
      data = { kind: 'MX', preference: num(0xffff, 'preference'), exchange: name('a mail exchange name') };
      break;
    case DnsType.SRV:
      data = { kind: 'SRV', priority: num(0xffff, 'priority'), weight: num(0xffff, 'weight'), port: num(0xffff, 'port'), target: name('a target name') };
      break;
    case DnsType.SOA: {
      const mname = name('the primary name server (MNAME)');
      const rname = name('the responsible mailbox (RNAME)');
      const serial = num(0xffffffff, 'serial');
      const times = ['refresh', 'retry', 'expire', 'minimum'].map((w) => ttlValue(need(w), w));
      data = { kind: 'SOA', mname, rname, serial, refresh: times[0], retry: times[1], expire: times[2], minimum: times[3] };
      break;
    }
    case DnsType.TXT: {
      need('at least one character string');
      data = { kind: 'TXT', strings: args.map(charString) };
      k = args.length;
      break;
    }
    case DnsType.CAA: {
      const flags = num(255, 'flags');
      const tagTok = need('a tag');
      if (!/^[A-Za-z0-9]{1,255}$/.test(tagTok.text) || tagTok.quoted) throw at(tagTok, `bad CAA tag '${tagTok.text}': letters and digits only`);
      const value = charString(need('a value'));
      const bytes = new Uint8Array(2 + tagTok.text.length + value.length);
      bytes[0] = flags;
      bytes[1] = tagTok.text.length;
      for (let i = 0; i < tagTok.text.length; i++) bytes[2 + i] = tagTok.text.charCodeAt(i);
      for (let i = 0; i < value.length; i++) bytes[2 + tagTok.text.length + i] = value.charCodeAt(i);
      data = { kind: 'raw', data: bytes };
      break;
    }
    default:
      throw at(typeTok, `record type ${typeName(type)} is not supported in lab zones (use SOA, NS, A, AAAA, CNAME, MX, TXT, PTR, SRV or CAA)`);
  }
  if (k < args.length) throw at(args[k], `extra text '${args[k].text}' after ${typeName(type)} data`);
  return data;
}

// ---------------------------------------------------------------------------------------------
// Parser

const SUPPORTED = new Set<number>([DnsType.SOA, DnsType.NS, DnsType.A, DnsType.AAAA, DnsType.CNAME, DnsType.MX, DnsType.TXT, DnsType.PTR, DnsType.SRV, DnsType.CAA]);

/**
 * Parses a zone file for `origin` (e.g. "example.com", "example.com." or "." for the root).
 * All errors are collected with line:col; semantic errors come from `checkZone` unless disabled.
 */
export function parseZone(text: string, origin: string, options: ParseZoneOptions = {}): ZoneResult {
  const errors: TableError[] = [];
  const warnings: TableError[] = [];
  const apex = origin === '.' ? '' : origin.replace(/\.$/, '');
  const apexCheck = nameFromText(apex);
  if (!apexCheck.ok) return { ok: false, errors: [{ line: 0, col: 0, message: `bad zone name '${origin}': ${apexCheck.error.message}` }], warnings };
  const entries = tokenize(text, errors);
  let currentOrigin = apex;
  let defaultTtl: number | undefined;
  let lastTtl: number | undefined;
  let lastOwner: string | undefined;
  const records: ZoneRecord[] = [];
  for (const e of entries) {
    if (e.broken) continue;
    try {
      const toks = e.tokens;
      const first = toks[0];
      if (!e.blankOwner && first.text.startsWith('$') && !first.quoted) {
        const dir = first.text.toUpperCase();
        if (dir === '$ORIGIN') {
          const t = toks[1];
          if (!t) throw at(first, '$ORIGIN needs a domain name', first.text.length);
          currentOrigin = absoluteName(t, currentOrigin);
          if (toks[2]) throw at(toks[2], `extra text '${toks[2].text}' after $ORIGIN`);
        } else if (dir === '$TTL') {
          const t = toks[1];
          if (!t) throw at(first, '$TTL needs a value', first.text.length);
          defaultTtl = ttlValue(t);
          if (defaultTtl > MAX_TTL) {
            warnings.push({ line: t.line, col: t.col, message: `TTL ${defaultTtl} > MAXTTL, setting TTL to 0` });
            defaultTtl = 0;
          }
          if (toks[2]) throw at(toks[2], `extra text '${toks[2].text}' after $TTL`);
        } else if (dir === '$INCLUDE') {
          throw at(first, '$INCLUDE is not supported: a lab zone must be a single file (paste the included records here)');
        } else if (dir === '$GENERATE') {
          throw at(first, '$GENERATE is not supported in lab zones: write the records out');
        } else throw at(first, `unknown $ directive '${first.text}'`);
        continue;
      }
      let idx = 0;
      let owner: string;
      let ownerTok: ZoneToken;
      if (e.blankOwner) {
        if (lastOwner === undefined) throw at(first, 'no current owner name: the first record must name its owner (or use @)');
        owner = lastOwner;
        ownerTok = { ...first };
      } else {
        owner = absoluteName(first, currentOrigin);
        ownerTok = first;
        idx = 1;
      }
      let ttl: number | undefined;
      let cls: number | undefined;
      let type: number | undefined;
      let typeTok: ZoneToken | undefined;
      while (idx < toks.length && type === undefined) {
        const t = toks[idx++];
        if (t.quoted) throw at(t, `expected a TTL, class or type, found a quoted string`);
        const c = classFromText(t.text);
        if (c !== undefined && cls === undefined) {
          cls = c;
          continue;
        }
        if (ttl === undefined && TTL_RE.test(t.text)) {
          ttl = ttlValue(t);
          if (ttl > MAX_TTL) {
            warnings.push({ line: t.line, col: t.col, message: `TTL ${ttl} > MAXTTL, setting TTL to 0` });
            ttl = 0;
          }
          continue;
        }
        const ty = typeFromName(t.text);
        if (ty === undefined || !SUPPORTED.has(ty)) {
          if (ty !== undefined) throw at(t, `record type ${typeName(ty)} is not supported in lab zones (use SOA, NS, A, AAAA, CNAME, MX, TXT, PTR, SRV or CAA)`);
          throw at(t, `unknown RR type '${t.text}'`);
        }
        type = ty;
        typeTok = t;
      }
      if (type === undefined || !typeTok) {
        const last = toks[toks.length - 1];
        throw at(last, 'missing record type', last.text.length);
      }
      if (cls !== undefined && cls !== DnsClass.IN) throw at(toks.find((t) => classFromText(t.text) === cls)!, `class '${className(cls)}' does not match zone class 'IN'`);
      const data = parseRData(type, typeTok, toks.slice(idx), currentOrigin);
      lastOwner = owner;
      const record: ZoneRecord = { name: owner, type, class: DnsClass.IN, ttl: 0, data, line: ownerTok.line, col: ownerTok.col };
      if (ttl !== undefined) {
        record.ttl = ttl;
        lastTtl = ttl;
      } else if (defaultTtl !== undefined) record.ttl = defaultTtl;
      else if (lastTtl !== undefined) record.ttl = lastTtl;
      else if (data.kind === 'SOA') {
        // RFC 1035 leaves this undefined; BIND uses the SOA minimum for it and what follows.
        record.ttl = lastTtl = data.minimum;
        warnings.push({ line: typeTok.line, col: typeTok.col, message: 'no TTL specified; using SOA MINTTL instead' });
      } else throw at(typeTok, 'no TTL specified; zone rejected (add $TTL at the top of the file)');
      records.push(record);
    } catch (err) {
      if (!(err instanceof ZoneError)) throw err;
      errors.push({ line: err.line, col: err.col, message: err.message });
    }
  }
  const zone: Zone = { origin: apex, records };
  if (errors.length === 0 && options.check !== false) {
    for (const p of checkZone(zone)) (p.severity === 'error' ? errors : warnings).push({ line: p.line, col: p.col, message: p.message });
  }
  errors.sort((a, b) => a.line - b.line || a.col - b.col);
  return errors.length ? { ok: false, errors, warnings } : { ok: true, value: zone, warnings };
}

function classFromText(text: string): number | undefined {
  const up = text.toUpperCase();
  if (up === 'IN' || up === 'CH' || up === 'HS' || /^CLASS\d{1,5}$/.test(up)) {
    return up === 'IN' ? DnsClass.IN : up === 'CH' ? DnsClass.CH : up === 'HS' ? DnsClass.HS : Number(up.slice(5));
  }
  return undefined;
}

// ---------------------------------------------------------------------------------------------
// Semantic checks (what named-checkzone refuses or warns about)

export interface ZoneProblem extends TableError {
  severity: 'error' | 'warning';
}

/** True when `name` is `zone` or below it (canonical comparison). */
export function isInZone(name: string, zone: string): boolean {
  const n = canonicalName(name);
  const z = canonicalName(zone);
  return z === '' || n === z || n.endsWith('.' + z);
}

export function checkZone(zone: Zone): ZoneProblem[] {
  const problems: ZoneProblem[] = [];
  const apex = canonicalName(zone.origin);
  const shown = zone.origin === '' ? '.' : zone.origin;
  const err = (r: { line: number; col: number }, message: string) => problems.push({ line: r.line, col: r.col, message, severity: 'error' });
  const warn = (r: { line: number; col: number }, message: string) => problems.push({ line: r.line, col: r.col, message, severity: 'warning' });
  const byName = new Map<string, ZoneRecord[]>();
  for (const r of zone.records) {
    if (!isInZone(r.name, apex)) {
      warn(r, `ignoring out-of-zone data (${r.name === '' ? '.' : r.name})`);
      continue;
    }
    const key = canonicalName(r.name);
    let list = byName.get(key);
    if (!list) byName.set(key, (list = []));
    list.push(r);
  }
  const at0 = { line: 1, col: 1 };
  const apexRecords = byName.get(apex) ?? [];
  const soas = apexRecords.filter((r) => r.type === DnsType.SOA);
  if (soas.length === 0) err(at0, `zone ${shown}/IN: has 0 SOA records`);
  if (soas.length > 1) err(soas[1], 'multiple RRs of singleton type (SOA)');
  if (!apexRecords.some((r) => r.type === DnsType.NS)) err(at0, `zone ${shown}/IN: has no NS records`);

  // Delegation points: names below the apex that own NS records.
  const cuts = new Set<string>();
  for (const [name, list] of byName) if (name !== apex && list.some((r) => r.type === DnsType.NS)) cuts.add(name);
  const belowCut = (name: string): string | undefined => {
    for (let n = name; n !== apex && n.includes('.'); ) {
      n = n.slice(n.indexOf('.') + 1);
      if (cuts.has(n)) return n;
    }
    return undefined;
  };
  const hasAddress = (name: string) => (byName.get(canonicalName(name)) ?? []).some((r) => r.type === DnsType.A || r.type === DnsType.AAAA);
  const isCname = (name: string) => (byName.get(canonicalName(name)) ?? []).some((r) => r.type === DnsType.CNAME);

  for (const [name, list] of byName) {
    const cnames = list.filter((r) => r.type === DnsType.CNAME);
    if (cnames.length > 1) err(cnames[1], `${name}: multiple RRs of singleton type (CNAME)`);
    if (cnames.length && list.some((r) => r.type !== DnsType.CNAME)) err(cnames[0], `${name}: CNAME and other data`);
    for (const r of list) {
      if (r.type === DnsType.SOA && name !== apex) err(r, `SOA record not at top of zone (${name})`);
      if (r.data.kind === 'NS') {
        const target = r.data.target;
        if (isInZone(target, apex)) {
          const glue = belowCut(canonicalName(target)) !== undefined || cuts.has(canonicalName(target));
          if (glue) {
            // named-checkzone only warns, but resolvers cannot reach such a server: say why.
            if (!hasAddress(target)) warn(r, `${name}/NS '${target}' has no REQUIRED GLUE address records (A or AAAA): the name server is inside the delegated zone`);
          } else if (isCname(target)) err(r, `NS '${target}' is a CNAME (illegal)`);
          else if (!hasAddress(target)) err(r, `NS '${target}' has no address records (A or AAAA)`);
        }
      }
      if (r.data.kind === 'MX') {
        const target = r.data.exchange;
        if (isInZone(target, apex) && !belowCut(canonicalName(target))) {
          if (isCname(target)) warn(r, `${name}/MX '${target}' is a CNAME (illegal)`);
          else if (!hasAddress(target)) warn(r, `${name}/MX '${target}' has no address records (A or AAAA)`);
        }
      }
      if (r.data.kind === 'SRV' && r.data.target !== '' && isInZone(r.data.target, apex) && !belowCut(canonicalName(r.data.target))) {
        if (isCname(r.data.target)) warn(r, `${name}/SRV '${r.data.target}' is a CNAME (illegal)`);
      }
    }
  }
  return problems;
}

// ---------------------------------------------------------------------------------------------
// Printer

/** RDATA in named's presentation form (CAA decoded as named prints it). */
export function zoneRDataText(r: DnsRecord): string {
  if (r.type === DnsType.CAA && r.data.kind === 'raw' && r.data.data.length >= 2) {
    const b = r.data.data;
    const tagLen = b[1];
    let tag = '';
    for (let i = 0; i < tagLen && 2 + i < b.length; i++) tag += String.fromCharCode(b[2 + i]);
    let value = '';
    for (let i = 2 + tagLen; i < b.length; i++) value += String.fromCharCode(b[i]);
    return `${b[0]} ${tag} ${rdataToText({ kind: 'TXT', strings: [value] })}`;
  }
  return rdataToText(r.data);
}

/** One record as `named-checkzone -D` prints it (whitespace aside): absolute names with a dot. */
export function formatZoneRecord(r: DnsRecord): string {
  return `${r.name === '' ? '.' : r.name + '.'}\t${r.ttl}\tIN\t${typeName(r.type)}\t${zoneRDataText(r)}`;
}

/** The zone as a self-contained file: $ORIGIN, SOA first, then records in file order. */
export function formatZone(zone: Zone): string {
  const soa = zone.records.filter((r) => r.type === DnsType.SOA);
  const rest = zone.records.filter((r) => r.type !== DnsType.SOA);
  const lines = [`$ORIGIN ${zone.origin === '' ? '.' : zone.origin + '.'}`];
  for (const r of [...soa, ...rest]) lines.push(formatZoneRecord(r));
  return lines.join('\n') + '\n';
}

// ---------------------------------------------------------------------------------------------
// Authoritative lookup (RFC 1034 §4.3.2), for the lab's DNS servers

export type ZoneAnswer =
  /** Records for the name (after any in-zone CNAME chain); `answers` holds the chain too. */
  | { kind: 'answer'; answers: DnsRecord[]; additionals: DnsRecord[] }
  /** The name is at or below a delegation: NS records for the child and their glue. */
  | { kind: 'referral'; answers: DnsRecord[]; authorities: DnsRecord[]; additionals: DnsRecord[] }
  /** NXDOMAIN or NODATA; `soa` goes in the authority section with TTL min(SOA TTL, minimum). */
  | { kind: 'nxdomain' | 'nodata'; answers: DnsRecord[]; soa: DnsRecord | undefined }
  /** The name is not in this zone. */
  | { kind: 'notauth' };

const strip = (r: DnsRecord): DnsRecord => ({ name: r.name, type: r.type, class: r.class, ttl: r.ttl, data: r.data });

/** An index of a parsed zone for answering queries. */
export class ZoneIndex {
  private readonly byName = new Map<string, DnsRecord[]>();
  private readonly cuts = new Set<string>();
  readonly apex: string;
  readonly soa: DnsRecord | undefined;

  constructor(readonly zone: Zone) {
    this.apex = canonicalName(zone.origin);
    for (const r of zone.records) {
      if (!isInZone(r.name, this.apex)) continue;
      const key = canonicalName(r.name);
      let list = this.byName.get(key);
      if (!list) this.byName.set(key, (list = []));
      list.push(strip(r));
      if (r.type === DnsType.NS && key !== this.apex) this.cuts.add(key);
    }
    this.soa = this.byName.get(this.apex)?.find((r) => r.type === DnsType.SOA);
  }

  /** Answers `qname`/`qtype` the way an authoritative server does (CNAMEs followed inside the zone). */
  lookup(qname: string, qtype: number): ZoneAnswer {
    const answers: DnsRecord[] = [];
    let name = canonicalName(qname);
    if (!isInZone(name, this.apex)) return { kind: 'notauth' };
    for (let hops = 0; hops < 16; hops++) {
      const cut = this.cutFor(name);
      if (cut !== undefined) {
        const ns = this.byName.get(cut)!.filter((r) => r.type === DnsType.NS);
        return { kind: 'referral', answers, authorities: ns, additionals: this.addressesFor(ns.map((r) => (r.data as { target: string }).target)) };
      }
      let list = this.byName.get(name);
      if (!list) {
        // An empty non-terminal (a name with descendants) is NODATA, not NXDOMAIN.
        const suffix = '.' + name;
        for (const k of this.byName.keys()) if (k.endsWith(suffix)) return { kind: 'nodata', answers, soa: this.negativeSoa() };
        // RFC 4592: a wildcard at the closest encloser synthesises records owned by the query name.
        const wildcard = this.wildcardFor(name);
        if (!wildcard) return { kind: 'nxdomain', answers, soa: this.negativeSoa() };
        const owner = name;
        list = wildcard.map((r) => ({ ...r, name: owner }));
      }
      const matching = list.filter((r) => r.type === qtype || qtype === DnsType.ANY);
      if (matching.length) {
        answers.push(...matching);
        return { kind: 'answer', answers, additionals: this.additionalFor(matching) };
      }
      const cname = list.find((r) => r.type === DnsType.CNAME);
      if (!cname || cname.data.kind !== 'CNAME') return { kind: 'nodata', answers, soa: this.negativeSoa() };
      answers.push(cname);
      name = canonicalName(cname.data.target);
      if (!isInZone(name, this.apex)) return { kind: 'answer', answers, additionals: [] };
    }
    return { kind: 'answer', answers, additionals: [] };
  }

  /** The records of "*.<closest encloser>" for a name that does not exist, if there are any. */
  private wildcardFor(name: string): DnsRecord[] | undefined {
    for (let n = name; n !== this.apex && n.includes('.'); ) {
      n = n.slice(n.indexOf('.') + 1);
      const exists = n === this.apex || this.byName.has(n) || [...this.byName.keys()].some((k) => k.endsWith('.' + n));
      if (exists) return this.byName.get(n === '' ? '*' : `*.${n}`);
    }
    return this.apex === '' ? undefined : this.byName.get(`*.${this.apex}`);
  }

  private cutFor(name: string): string | undefined {
    for (let n = name; n !== this.apex; n = n.slice(n.indexOf('.') + 1)) {
      if (this.cuts.has(n)) return n;
      if (!n.includes('.')) break;
    }
    return undefined;
  }

  private negativeSoa(): DnsRecord | undefined {
    const s = this.soa;
    if (!s || s.data.kind !== 'SOA') return undefined;
    return { ...s, ttl: Math.min(s.ttl, s.data.minimum) };
  }

  private addressesFor(names: string[]): DnsRecord[] {
    const out: DnsRecord[] = [];
    for (const n of names) for (const r of this.byName.get(canonicalName(n)) ?? []) if (r.type === DnsType.A || r.type === DnsType.AAAA) out.push(r);
    return out;
  }

  private additionalFor(records: DnsRecord[]): DnsRecord[] {
    const targets: string[] = [];
    for (const r of records) {
      if (r.data.kind === 'NS') targets.push(r.data.target);
      else if (r.data.kind === 'MX') targets.push(r.data.exchange);
      else if (r.data.kind === 'SRV') targets.push(r.data.target);
    }
    return this.addressesFor(targets);
  }
}
