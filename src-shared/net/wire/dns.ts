// DNS messages (RFC 1035, 3596 AAAA, 2782 SRV, 6891 EDNS(0)): bytes <-> typed records.
// Names are kept in presentation form (RFC 1035 §5.1 escaping, no trailing dot, root = ""), so the
// engine and the zone-file parser compare and print them as text; addresses use ../addr's types
// (IPv4 = uint32, IPv6 = Uint8Array(16)). Unknown types and classes are kept. Parsing never throws:
// malformed input gives { ok: false, error: { message, offset } }.

import type { ParseError, ParseResult } from '../addr/result';
import { formatIpv4, readIpv4, type Ipv4Address } from '../addr/ipv4';
import { formatIpv6, type Ipv6Address } from '../addr/ipv6';

/** The shared result shape of src-shared/net/addr: errors carry a message and a byte (or character) offset. */
export type DnsResult<T> = ParseResult<T>;
type Fail = { ok: false; error: ParseError };
const fail = (message: string, offset: number): Fail => ({ ok: false, error: { message, offset } });

/** Byte offsets of the fixed header (smoltcp style named fields). */
export const DNS_HEADER = { ID: 0, FLAGS: 2, QDCOUNT: 4, ANCOUNT: 6, NSCOUNT: 8, ARCOUNT: 10, LENGTH: 12 } as const;

export const DNS_FLAG = { QR: 0x8000, AA: 0x0400, TC: 0x0200, RD: 0x0100, RA: 0x0080, Z: 0x0040, AD: 0x0020, CD: 0x0010 } as const;

export const DnsType = {
  A: 1, NS: 2, CNAME: 5, SOA: 6, PTR: 12, HINFO: 13, MX: 15, TXT: 16, AAAA: 28, SRV: 33, NAPTR: 35,
  DS: 43, RRSIG: 46, NSEC: 47, DNSKEY: 48, NSEC3: 50, OPT: 41, SVCB: 64, HTTPS: 65, CAA: 257,
  AXFR: 252, IXFR: 251, ANY: 255,
} as const;

export const DnsClass = { IN: 1, CH: 3, HS: 4, NONE: 254, ANY: 255 } as const;

export const DnsRcode = {
  NOERROR: 0, FORMERR: 1, SERVFAIL: 2, NXDOMAIN: 3, NOTIMP: 4, REFUSED: 5, YXDOMAIN: 6, YXRRSET: 7,
  NXRRSET: 8, NOTAUTH: 9, NOTZONE: 10, BADVERS: 16,
} as const;

export const DnsOpcode = { QUERY: 0, IQUERY: 1, STATUS: 2, NOTIFY: 4, UPDATE: 5 } as const;

/** Limits from RFC 1035 §2.3.4, and our guard against pointer chains. */
export const MAX_LABEL = 63;
export const MAX_NAME = 255;
const MAX_POINTER_JUMPS = 127;

export interface DnsQuestion {
  name: string;
  type: number;
  /** The whole 16-bit class field (mDNS puts its QU bit in the top bit). */
  class: number;
}

/** RDATA by type. Byte strings (TXT) are held as latin1 strings: one char per byte, lossless. */
export type DnsRData =
  | { kind: 'A'; address: Ipv4Address }
  | { kind: 'AAAA'; address: Ipv6Address }
  | { kind: 'NS'; target: string }
  | { kind: 'CNAME'; target: string }
  | { kind: 'PTR'; target: string }
  | { kind: 'MX'; preference: number; exchange: string }
  | { kind: 'SOA'; mname: string; rname: string; serial: number; refresh: number; retry: number; expire: number; minimum: number }
  | { kind: 'TXT'; strings: string[] }
  | { kind: 'SRV'; priority: number; weight: number; port: number; target: string }
  | { kind: 'OPT'; options: EdnsOption[] }
  | { kind: 'raw'; data: Uint8Array };

export interface DnsRecord {
  name: string;
  type: number;
  class: number;
  ttl: number;
  data: DnsRData;
}

export interface EdnsOption {
  code: number;
  data: Uint8Array;
}

/** The OPT pseudo-record (RFC 6891 §6.1.3), lifted out of the additional section. */
export interface Edns {
  udpSize: number;
  /** Upper 8 bits of the 12-bit rcode. */
  extendedRcode: number;
  version: number;
  dnssecOk: boolean;
  /** The 15 remaining flag bits (must be zero today, kept as seen). */
  z: number;
  options: EdnsOption[];
}

export interface DnsMessage {
  id: number;
  qr: boolean;
  opcode: number;
  aa: boolean;
  tc: boolean;
  rd: boolean;
  ra: boolean;
  z: boolean;
  ad: boolean;
  cd: boolean;
  /** The 4-bit header rcode; see fullRcode() for the EDNS-extended value. */
  rcode: number;
  questions: DnsQuestion[];
  answers: DnsRecord[];
  authorities: DnsRecord[];
  /** Additional records other than OPT. */
  additionals: DnsRecord[];
  edns?: Edns;
}

export function fullRcode(msg: DnsMessage): number {
  return ((msg.edns?.extendedRcode ?? 0) << 4) | msg.rcode;
}

// ---------------------------------------------------------------------------------------------
// Names

class NameError {
  constructor(readonly error: string, readonly offset: number) {}
}

/** Latin1 escaping of one label per RFC 1035 §5.1 / RFC 4343. */
function labelToText(buf: Uint8Array, start: number, len: number): string {
  let s = '';
  for (let i = start; i < start + len; i++) {
    const c = buf[i];
    if (c === 0x2e || c === 0x5c || c === 0x22 || c === 0x28 || c === 0x29 || c === 0x3b || c === 0x40 || c === 0x24) s += '\\' + String.fromCharCode(c);
    else if (c > 0x20 && c < 0x7f) s += String.fromCharCode(c);
    else s += '\\' + String(c).padStart(3, '0');
  }
  return s;
}

interface ParsedName {
  name: string;
  /** Offset just after the name where it started (after the first pointer, if any). */
  end: number;
}

/**
 * Reads a possibly compressed name at `off`. Guards: pointers must point strictly backwards
 * (before the start of the label sequence that holds them), at most MAX_POINTER_JUMPS jumps,
 * labels ≤ 63, wire length ≤ 255, no extended label types.
 */
/** Per-message memo of names already decoded, by the offset of their first label. */
type NameCache = Map<number, { name: string; wire: number }>;

function readName(buf: Uint8Array, off: number, cache?: NameCache): ParsedName | NameError {
  let name = '';
  let wireLen = 1;
  let pos = off;
  let end = -1;
  let jumps = 0;
  let floor = off; // pointers must target bytes before this
  // Label starts seen, for filling the cache: [offset, index in name, wireLen before it].
  const seen: number[] = [];
  for (;;) {
    if (pos >= buf.length) return new NameError('name runs past the end of the message', pos);
    const len = buf[pos];
    if (len === 0) {
      if (end < 0) end = pos + 1;
      break;
    }
    const kind = len & 0xc0;
    if (kind === 0xc0) {
      if (pos + 1 >= buf.length) return new NameError('compression pointer runs past the end', pos);
      const target = ((len & 0x3f) << 8) | buf[pos + 1];
      if (target >= floor) return new NameError(`compression pointer to ${target} does not point backwards`, pos);
      if (++jumps > MAX_POINTER_JUMPS) return new NameError('too many compression pointers', pos);
      if (end < 0) end = pos + 2;
      const hit = cache?.get(target);
      if (hit) {
        wireLen += hit.wire - 1;
        if (wireLen > MAX_NAME) return new NameError(`name longer than ${MAX_NAME} bytes`, pos);
        if (hit.name.length) name = name.length === 0 ? hit.name : name + '.' + hit.name;
        break;
      }
      floor = target;
      pos = target;
      continue;
    }
    // 0x40/0x80 would be the obsolete extended label types (RFC 6891 §5): as lengths they exceed 63.
    if (len > MAX_LABEL) return new NameError(`label longer than ${MAX_LABEL} (length byte 0x${len.toString(16)})`, pos);
    if (cache) seen.push(pos, name.length === 0 ? 0 : name.length + 1, wireLen);
    wireLen += len + 1;
    if (wireLen > MAX_NAME) return new NameError(`name longer than ${MAX_NAME} bytes`, pos);
    if (pos + 1 + len > buf.length) return new NameError('label runs past the end of the message', pos);
    const label = labelToText(buf, pos + 1, len);
    name = name.length === 0 ? label : name + '.' + label;
    pos += 1 + len;
  }
  if (cache) {
    for (let i = 0; i < seen.length; i += 3) {
      if (!cache.has(seen[i])) cache.set(seen[i], { name: name.slice(seen[i + 1]), wire: wireLen - seen[i + 2] + 1 });
    }
  }
  return { name, end };
}

/** Reads a (possibly compressed) name; exported for other codecs and dissectors. */
export function parseDnsName(buf: Uint8Array, offset: number): DnsResult<ParsedName> {
  const r = readName(buf, offset);
  return r instanceof NameError ? fail(r.error, r.offset) : { ok: true, value: r };
}

/**
 * Presentation text -> wire labels (each label as raw bytes). Accepts a trailing dot; "" and "."
 * are the root. Handles \X and \DDD escapes.
 */
export function nameFromText(text: string): DnsResult<Uint8Array[]> {
  const labels: Uint8Array[] = [];
  if (text === '' || text === '.') return { ok: true, value: labels };
  let cur: number[] = [];
  let wire = 1;
  const finish = (): string | null => {
    if (cur.length === 0) return 'empty label';
    if (cur.length > MAX_LABEL) return `label longer than ${MAX_LABEL}`;
    wire += cur.length + 1;
    if (wire > MAX_NAME) return `name longer than ${MAX_NAME} bytes`;
    labels.push(Uint8Array.from(cur));
    cur = [];
    return null;
  };
  for (let i = 0; i < text.length; i++) {
    const ch = text.charCodeAt(i);
    if (ch === 0x5c) {
      const d = text.slice(i + 1, i + 4);
      if (/^[0-9]{3}$/.test(d)) {
        const v = Number(d);
        if (v > 255) return fail(`escape \\${d} out of range`, i);
        cur.push(v);
        i += 3;
      } else if (i + 1 < text.length) {
        cur.push(text.charCodeAt(i + 1) & 0xff);
        i += 1;
      } else return fail('dangling backslash', i);
    } else if (ch === 0x2e) {
      if (i === text.length - 1 && cur.length > 0) break;
      const e = finish();
      if (e) return fail(e, i);
    } else {
      if (ch > 0xff) return fail('non-latin1 character in name (use punycode)', i);
      cur.push(ch);
    }
  }
  if (cur.length) {
    const e = finish();
    if (e) return fail(e, text.length);
  }
  return { ok: true, value: labels };
}

/** Wire labels -> presentation text (no trailing dot, root = ""). */
export function nameToText(labels: readonly Uint8Array[]): string {
  return labels.map((l) => labelToText(l, 0, l.length)).join('.');
}

/** Canonical form for comparisons and lookups: ASCII lower case, no trailing dot. */
export function canonicalName(name: string): string {
  const n = name.endsWith('.') && !name.endsWith('\\.') ? name.slice(0, -1) : name;
  return n.toLowerCase();
}

/** Wireshark's rendering of a name: "<Root>" for the root. */
export function displayName(name: string): string {
  return name === '' ? '<Root>' : name;
}

// ---------------------------------------------------------------------------------------------
// Mnemonics

const TYPE_NAMES: Record<number, string> = {};
for (const [k, v] of Object.entries(DnsType)) TYPE_NAMES[v] = k;
const CLASS_NAMES: Record<number, string> = {};
for (const [k, v] of Object.entries(DnsClass)) CLASS_NAMES[v] = k;
const RCODE_NAMES: Record<number, string> = {};
for (const [k, v] of Object.entries(DnsRcode)) RCODE_NAMES[v] = k;
const OPCODE_NAMES: Record<number, string> = {};
for (const [k, v] of Object.entries(DnsOpcode)) OPCODE_NAMES[v] = k;

/** "A", "AAAA", … or RFC 3597's "TYPE65534" for unknown types. */
export function typeName(type: number): string {
  return TYPE_NAMES[type] ?? `TYPE${type}`;
}

/** Inverse of typeName, case-insensitive; accepts "TYPEnnn". */
export function typeFromName(text: string): number | undefined {
  const up = text.toUpperCase();
  if (Object.hasOwn(DnsType, up)) return DnsType[up as keyof typeof DnsType];
  const m = /^TYPE([0-9]{1,5})$/.exec(up);
  if (m && Number(m[1]) <= 0xffff) return Number(m[1]);
  return undefined;
}

export function className(cls: number): string {
  return CLASS_NAMES[cls] ?? `CLASS${cls}`;
}

export function classFromName(text: string): number | undefined {
  const up = text.toUpperCase();
  if (Object.hasOwn(DnsClass, up)) return DnsClass[up as keyof typeof DnsClass];
  const m = /^CLASS([0-9]{1,5})$/.exec(up);
  if (m && Number(m[1]) <= 0xffff) return Number(m[1]);
  return undefined;
}

/** dig's names: NOERROR, NXDOMAIN, … or "RESERVEDn" like dig for unassigned codes. */
export function rcodeName(rcode: number): string {
  return RCODE_NAMES[rcode] ?? `RESERVED${rcode}`;
}

export function rcodeFromName(text: string): number | undefined {
  const up = text.toUpperCase();
  return Object.hasOwn(DnsRcode, up) ? DnsRcode[up as keyof typeof DnsRcode] : undefined;
}

export function opcodeName(opcode: number): string {
  return OPCODE_NAMES[opcode] ?? `RESERVED${opcode}`;
}

// ---------------------------------------------------------------------------------------------
// Parse

function latin1(buf: Uint8Array, start: number, end: number): string {
  let s = '';
  for (let i = start; i < end; i++) s += String.fromCharCode(buf[i]);
  return s;
}


function parseRData(buf: Uint8Array, type: number, start: number, len: number, cache?: NameCache): DnsRData | Fail {
  const end = start + len;
  const u16 = (o: number) => (buf[o] << 8) | buf[o + 1];
  const u32 = (o: number) => ((buf[o] << 24) | (buf[o + 1] << 16) | (buf[o + 2] << 8) | buf[o + 3]) >>> 0;
  const nameAt = (o: number, what: string): ParsedName | Fail => {
    const n = readName(buf, o, cache);
    if (n instanceof NameError) return fail(`${what}: ${n.error}`, n.offset);
    if (n.end > end) return fail(`${what} runs past RDLENGTH`, o);
    return n;
  };
  const exact = (used: number, what: string): Fail | null => (used !== end ? fail(`${what}: RDATA length ${len} does not match its content`, start) : null);
  switch (type) {
    case DnsType.A:
      if (len !== 4) return fail(`A record with RDLENGTH ${len} (expected 4)`, start);
      return { kind: 'A', address: readIpv4(buf, start) };
    case DnsType.AAAA:
      if (len !== 16) return fail(`AAAA record with RDLENGTH ${len} (expected 16)`, start);
      return { kind: 'AAAA', address: buf.slice(start, start + 16) };
    case DnsType.NS:
    case DnsType.CNAME:
    case DnsType.PTR: {
      const n = nameAt(start, typeName(type));
      if ('ok' in n) return n;
      return exact(n.end, typeName(type)) ?? ({ kind: typeName(type), target: n.name } as DnsRData);
    }
    case DnsType.MX: {
      if (len < 3) return fail('MX record too short', start);
      const n = nameAt(start + 2, 'MX exchange');
      if ('ok' in n) return n;
      return exact(n.end, 'MX') ?? { kind: 'MX', preference: u16(start), exchange: n.name };
    }
    case DnsType.SOA: {
      const m = nameAt(start, 'SOA mname');
      if ('ok' in m) return m;
      const r = nameAt(m.end, 'SOA rname');
      if ('ok' in r) return r;
      const o = r.end;
      if (o + 20 !== end) return fail('SOA record: RDATA length does not match its content', start);
      return { kind: 'SOA', mname: m.name, rname: r.name, serial: u32(o), refresh: u32(o + 4), retry: u32(o + 8), expire: u32(o + 12), minimum: u32(o + 16) };
    }
    case DnsType.TXT: {
      const strings: string[] = [];
      let o = start;
      while (o < end) {
        const l = buf[o];
        if (o + 1 + l > end) return fail('TXT string runs past RDLENGTH', o);
        strings.push(latin1(buf, o + 1, o + 1 + l));
        o += 1 + l;
      }
      return { kind: 'TXT', strings };
    }
    case DnsType.SRV: {
      if (len < 7) return fail('SRV record too short', start);
      const n = nameAt(start + 6, 'SRV target');
      if ('ok' in n) return n;
      return exact(n.end, 'SRV') ?? { kind: 'SRV', priority: u16(start), weight: u16(start + 2), port: u16(start + 4), target: n.name };
    }
    case DnsType.OPT: {
      const options: EdnsOption[] = [];
      let o = start;
      while (o < end) {
        if (o + 4 > end) return fail('EDNS option header runs past RDLENGTH', o);
        const ol = u16(o + 2);
        if (o + 4 + ol > end) return fail('EDNS option runs past RDLENGTH', o);
        options.push({ code: u16(o), data: buf.slice(o + 4, o + 4 + ol) });
        o += 4 + ol;
      }
      return { kind: 'OPT', options };
    }
    default:
      return { kind: 'raw', data: buf.slice(start, end) };
  }
}

/** One resource record at `off`; `end` is where the next one starts. */
export function parseDnsRecord(buf: Uint8Array, off: number, cache?: NameCache): DnsResult<{ record: DnsRecord; end: number }> {
  const n = readName(buf, off, cache);
  if (n instanceof NameError) return fail(n.error, n.offset);
  const o = n.end;
  if (o + 10 > buf.length) return fail('resource record header runs past the end of the message', o);
  const type = (buf[o] << 8) | buf[o + 1];
  const cls = (buf[o + 2] << 8) | buf[o + 3];
  const ttl = ((buf[o + 4] << 24) | (buf[o + 5] << 16) | (buf[o + 6] << 8) | buf[o + 7]) >>> 0;
  const rdlen = (buf[o + 8] << 8) | buf[o + 9];
  if (o + 10 + rdlen > buf.length) return fail(`RDLENGTH ${rdlen} runs past the end of the message`, o + 8);
  const data = parseRData(buf, type, o + 10, rdlen, cache);
  if ('ok' in data) return data;
  return { ok: true, value: { record: { name: n.name, type, class: cls, ttl, data }, end: o + 10 + rdlen } };
}

/** Byte range of one question or record in the message (for dissector trees and hex highlighting). */
export interface DnsEntrySpan {
  offset: number;
  length: number;
}

export interface ParsedDnsMessage {
  message: DnsMessage;
  /** Bytes after the last record (should be 0). */
  trailing: number;
  /** Spans parallel to message.questions / answers / authorities / additionals. */
  spans: { questions: DnsEntrySpan[]; answers: DnsEntrySpan[]; authorities: DnsEntrySpan[]; additionals: DnsEntrySpan[]; edns?: DnsEntrySpan };
}

/** Parses a whole DNS message (UDP payload, or one TCP-framed message without its length). */
export function parseDns(buf: Uint8Array): DnsResult<ParsedDnsMessage> {
  if (buf.length < DNS_HEADER.LENGTH) return fail(`message of ${buf.length} bytes is shorter than the 12-byte header`, 0);
  const u16 = (o: number) => (buf[o] << 8) | buf[o + 1];
  const flags = u16(2);
  const counts = [u16(4), u16(6), u16(8), u16(10)];
  const message: DnsMessage = {
    id: u16(0),
    qr: (flags & DNS_FLAG.QR) !== 0,
    opcode: (flags >> 11) & 0xf,
    aa: (flags & DNS_FLAG.AA) !== 0,
    tc: (flags & DNS_FLAG.TC) !== 0,
    rd: (flags & DNS_FLAG.RD) !== 0,
    ra: (flags & DNS_FLAG.RA) !== 0,
    z: (flags & DNS_FLAG.Z) !== 0,
    ad: (flags & DNS_FLAG.AD) !== 0,
    cd: (flags & DNS_FLAG.CD) !== 0,
    rcode: flags & 0xf,
    questions: [],
    answers: [],
    authorities: [],
    additionals: [],
  };
  let off: number = DNS_HEADER.LENGTH;
  // Cheap check first: each question needs ≥ 5 bytes, each record ≥ 11.
  if (counts[0] * 5 + (counts[1] + counts[2] + counts[3]) * 11 > buf.length - off) {
    return fail(`section counts (${counts.join('/')}) need more bytes than the ${buf.length - off} left`, 4);
  }
  const cache: NameCache = new Map();
  const spans: ParsedDnsMessage['spans'] = { questions: [], answers: [], authorities: [], additionals: [] };
  for (let i = 0; i < counts[0]; i++) {
    const n = readName(buf, off, cache);
    if (n instanceof NameError) return fail(`question ${i + 1}: ${n.error}`, n.offset);
    if (n.end + 4 > buf.length) return fail(`question ${i + 1} runs past the end of the message`, n.end);
    message.questions.push({ name: n.name, type: u16(n.end), class: u16(n.end + 2) });
    spans.questions.push({ offset: off, length: n.end + 4 - off });
    off = n.end + 4;
  }
  const sections = [message.answers, message.authorities, message.additionals];
  const sectionSpans = [spans.answers, spans.authorities, spans.additionals];
  const names = ['answer', 'authority', 'additional'];
  for (let s = 0; s < 3; s++) {
    for (let i = 0; i < counts[s + 1]; i++) {
      const r = parseDnsRecord(buf, off, cache);
      if (!r.ok) return fail(`${names[s]} ${i + 1}: ${r.error.message}`, r.error.offset);
      const rec = r.value.record;
      if (s === 2 && rec.type === DnsType.OPT && rec.data.kind === 'OPT' && !message.edns) {
        message.edns = {
          udpSize: rec.class,
          extendedRcode: rec.ttl >>> 24,
          version: (rec.ttl >>> 16) & 0xff,
          dnssecOk: (rec.ttl & 0x8000) !== 0,
          z: rec.ttl & 0x7fff,
          options: rec.data.options,
        };
        spans.edns = { offset: off, length: r.value.end - off };
      } else {
        sections[s].push(rec);
        sectionSpans[s].push({ offset: off, length: r.value.end - off });
      }
      off = r.value.end;
    }
  }
  return { ok: true, value: { message, trailing: buf.length - off, spans } };
}

// ---------------------------------------------------------------------------------------------
// Emit

/** Growable big-endian byte writer. */
class Writer {
  buf = new Uint8Array(512);
  len = 0;
  private ensure(n: number) {
    if (this.len + n <= this.buf.length) return;
    let size = this.buf.length * 2;
    while (size < this.len + n) size *= 2;
    const b = new Uint8Array(size);
    b.set(this.buf.subarray(0, this.len));
    this.buf = b;
  }
  u8(v: number) { this.ensure(1); this.buf[this.len++] = v; }
  u16(v: number) { this.ensure(2); this.buf[this.len++] = v >> 8; this.buf[this.len++] = v; }
  u32(v: number) { this.ensure(4); this.buf[this.len++] = v >>> 24; this.buf[this.len++] = v >>> 16; this.buf[this.len++] = v >>> 8; this.buf[this.len++] = v; }
  bytes(b: Uint8Array) { this.ensure(b.length); this.buf.set(b, this.len); this.len += b.length; }
  setU16(at: number, v: number) { this.buf[at] = v >> 8; this.buf[at + 1] = v; }
  result() { return this.buf.slice(0, this.len); }
}

export class DnsEmitError extends Error {}

/**
 * Name writer with a suffix table (RFC 1035 §4.1.4): each suffix written once, later names point
 * at it. Keys are lower-cased so "WWW.Example" reuses "www.example".
 */
class NameWriter {
  private table = new Map<string, number>();
  constructor(private w: Writer) {}
  write(name: string, compress: boolean) {
    const labels = SIMPLE_NAME.test(name) ? simpleLabels(name) : nameFromText(name);
    if (!labels.ok) throw new DnsEmitError(`bad name "${name}": ${labels.error.message}`);
    const ls = labels.value;
    // Keys are the lower-cased presentation text of each suffix (escapes keep it unambiguous, and
    // every byte ≥ 0x7f is escaped, so only ASCII letters fold).
    const texts = ls.map((l) => labelToText(l, 0, l.length).toLowerCase());
    let key = '';
    const keys: string[] = new Array(ls.length);
    for (let i = ls.length - 1; i >= 0; i--) keys[i] = key = key.length ? texts[i] + '.' + key : texts[i];
    for (let i = 0; i < ls.length; i++) {
      if (compress) {
        const at = this.table.get(keys[i]);
        if (at !== undefined) { this.w.u16(0xc000 | at); return; }
      }
      // Latest copy wins, as in BIND: an uncompressed SRV target becomes the pointer target for later names.
      if (this.w.len < 0x4000) this.table.set(keys[i], this.w.len);
      this.w.u8(ls[i].length);
      this.w.bytes(ls[i]);
    }
    this.w.u8(0);
  }
}

/** Names needing no escape handling (the common case) take a faster path. */
const SIMPLE_NAME = /^[A-Za-z0-9_*-]+(?:\.[A-Za-z0-9_*-]+)*\.?$/;

function simpleLabels(name: string): DnsResult<Uint8Array[]> {
  const parts = (name.endsWith('.') ? name.slice(0, -1) : name).split('.');
  let wire = 1;
  const out: Uint8Array[] = [];
  for (const p of parts) {
    if (p.length > MAX_LABEL) return fail(`label longer than ${MAX_LABEL}`, 0);
    wire += p.length + 1;
    if (wire > MAX_NAME) return fail(`name longer than ${MAX_NAME} bytes`, 0);
    const b = new Uint8Array(p.length);
    for (let i = 0; i < p.length; i++) b[i] = p.charCodeAt(i);
    out.push(b);
  }
  return { ok: true, value: out };
}

function writeRData(w: Writer, nw: NameWriter, d: DnsRData, compress: boolean) {
  switch (d.kind) {
    case 'A': w.u32(d.address); return;
    case 'AAAA':
      if (d.address.length !== 16) throw new DnsEmitError('AAAA address must be 16 bytes');
      w.bytes(d.address);
      return;
    case 'NS': case 'CNAME': case 'PTR': nw.write(d.target, compress); return;
    case 'MX': w.u16(d.preference); nw.write(d.exchange, compress); return;
    case 'SOA':
      nw.write(d.mname, compress); nw.write(d.rname, compress);
      w.u32(d.serial); w.u32(d.refresh); w.u32(d.retry); w.u32(d.expire); w.u32(d.minimum);
      return;
    case 'TXT':
      for (const s of d.strings) {
        if (s.length > 255) throw new DnsEmitError('TXT string longer than 255 bytes');
        w.u8(s.length);
        for (let i = 0; i < s.length; i++) {
          const c = s.charCodeAt(i);
          if (c > 0xff) throw new DnsEmitError('TXT strings hold bytes: one latin1 character per byte (encode UTF-8 first)');
          w.u8(c);
        }
      }
      return;
    case 'SRV': w.u16(d.priority); w.u16(d.weight); w.u16(d.port); nw.write(d.target, false); return; // RFC 2782: no compression
    case 'OPT':
      for (const o of d.options) { w.u16(o.code); w.u16(o.data.length); w.bytes(o.data); }
      return;
    case 'raw': w.bytes(d.data); return;
  }
}

export interface DnsEmitOptions {
  /** Compress names (default true). */
  compress?: boolean;
}

function writeRecord(w: Writer, nw: NameWriter, r: DnsRecord, compress: boolean) {
  nw.write(r.name, compress);
  w.u16(r.type); w.u16(r.class); w.u32(r.ttl);
  const lenAt = w.len;
  w.u16(0);
  writeRData(w, nw, r.data, compress);
  const rdlen = w.len - lenAt - 2;
  if (rdlen > 0xffff) throw new DnsEmitError('RDATA longer than 65535 bytes');
  w.setU16(lenAt, rdlen);
}

/**
 * Emits a message. Throws DnsEmitError only for records our own code built wrongly (bad address
 * text, name too long), never for anything read off the wire.
 */
export function emitDns(msg: DnsMessage, options: DnsEmitOptions = {}): Uint8Array {
  const compress = options.compress ?? true;
  const w = new Writer();
  const nw = new NameWriter(w);
  w.u16(msg.id);
  w.u16((msg.qr ? DNS_FLAG.QR : 0) | ((msg.opcode & 0xf) << 11) | (msg.aa ? DNS_FLAG.AA : 0) | (msg.tc ? DNS_FLAG.TC : 0) |
    (msg.rd ? DNS_FLAG.RD : 0) | (msg.ra ? DNS_FLAG.RA : 0) | (msg.z ? DNS_FLAG.Z : 0) | (msg.ad ? DNS_FLAG.AD : 0) |
    (msg.cd ? DNS_FLAG.CD : 0) | (msg.rcode & 0xf));
  w.u16(msg.questions.length); w.u16(msg.answers.length); w.u16(msg.authorities.length);
  w.u16(msg.additionals.length + (msg.edns ? 1 : 0));
  for (const q of msg.questions) { nw.write(q.name, compress); w.u16(q.type); w.u16(q.class); }
  for (const r of msg.answers) writeRecord(w, nw, r, compress);
  for (const r of msg.authorities) writeRecord(w, nw, r, compress);
  for (const r of msg.additionals) writeRecord(w, nw, r, compress);
  if (msg.edns) writeRecord(w, nw, ednsRecord(msg.edns), compress);
  return w.result();
}

/** The OPT pseudo-record for an Edns value. */
export function ednsRecord(e: Edns): DnsRecord {
  const ttl = (((e.extendedRcode & 0xff) << 24) | ((e.version & 0xff) << 16) | (e.dnssecOk ? 0x8000 : 0) | (e.z & 0x7fff)) >>> 0;
  return { name: '', type: DnsType.OPT, class: e.udpSize, ttl, data: { kind: 'OPT', options: e.options } };
}

// ---------------------------------------------------------------------------------------------
// DNS over TCP (RFC 1035 §4.2.2, RFC 7766): 2-byte length prefix.

export function frameDnsTcp(message: Uint8Array): Uint8Array {
  if (message.length > 0xffff) throw new DnsEmitError('DNS message longer than 65535 bytes cannot be framed for TCP');
  const out = new Uint8Array(message.length + 2);
  out[0] = message.length >> 8;
  out[1] = message.length & 0xff;
  out.set(message, 2);
  return out;
}

export interface DnsTcpSplit {
  /** Each complete message, with the offset of its length prefix in the stream. */
  messages: { offset: number; message: Uint8Array }[];
  /** Bytes consumed; the rest is an incomplete message waiting for more data. */
  consumed: number;
}

/** Splits a reassembled TCP byte stream into DNS messages (views, no copy). */
export function splitDnsTcp(stream: Uint8Array): DnsTcpSplit {
  const messages: DnsTcpSplit['messages'] = [];
  let off = 0;
  while (off + 2 <= stream.length) {
    const len = (stream[off] << 8) | stream[off + 1];
    if (off + 2 + len > stream.length) break;
    messages.push({ offset: off, message: stream.subarray(off + 2, off + 2 + len) });
    off += 2 + len;
  }
  return { messages, consumed: off };
}

/**
 * One direction of a DNS-over-TCP connection: bytes in as they arrive, whole messages out (RFC 7766
 * length prefixes); an incomplete message waits for the rest.
 */
export class DnsTcpReader {
  private pending = new Uint8Array(0);

  /** The messages completed by `chunk` (copies: they outlive the next push). */
  push(chunk: Uint8Array): Uint8Array[] {
    const stream = new Uint8Array(this.pending.length + chunk.length);
    stream.set(this.pending);
    stream.set(chunk, this.pending.length);
    const { messages, consumed } = splitDnsTcp(stream);
    this.pending = stream.slice(consumed);
    return messages.map((m) => m.message.slice());
  }

  /** Bytes of an incomplete message still waiting for the rest. */
  get buffered(): number {
    return this.pending.length;
  }
}

// ---------------------------------------------------------------------------------------------
// Presentation of RDATA (zone-file / dig style)

function quoteTxt(s: string): string {
  let out = '"';
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c === 0x22 || c === 0x5c) out += '\\' + s[i];
    else if (c >= 0x20 && c < 0x7f) out += s[i];
    else out += '\\' + String(c).padStart(3, '0');
  }
  return out + '"';
}

const fqdn = (n: string) => (n === '' ? '.' : n + '.');

/** RDATA as dig prints it (names fully qualified with a trailing dot; RFC 3597 \# form for unknown). */
export function rdataToText(d: DnsRData): string {
  switch (d.kind) {
    case 'A': return formatIpv4(d.address);
    case 'AAAA': return formatIpv6(d.address);
    case 'NS': case 'CNAME': case 'PTR': return fqdn(d.target);
    case 'MX': return `${d.preference} ${fqdn(d.exchange)}`;
    case 'SOA': return `${fqdn(d.mname)} ${fqdn(d.rname)} ${d.serial} ${d.refresh} ${d.retry} ${d.expire} ${d.minimum}`;
    case 'TXT': return d.strings.map(quoteTxt).join(' ');
    case 'SRV': return `${d.priority} ${d.weight} ${d.port} ${fqdn(d.target)}`;
    case 'OPT': return d.options.map((o) => `OPT${o.code}`).join(' ');
    case 'raw': return `\\# ${d.data.length}${d.data.length ? ' ' + Array.from(d.data, (b) => b.toString(16).padStart(2, '0')).join('') : ''}`;
  }
}

/** One record as a dig/zone-file line: "www.example.test. 300 IN A 192.0.2.10". */
export function recordToText(r: DnsRecord): string {
  return `${fqdn(r.name)}\t${r.ttl}\t${className(r.class)}\t${typeName(r.type)}\t${rdataToText(r.data)}`;
}
