// IPv6 addresses as Uint8Array(16). Text per RFC 4291 §2.2 (parsing, incl. "::" and an embedded
// dotted quad) and RFC 5952 (canonical output: lowercase, no leading zeros, the longest run of two
// or more zero groups as "::", IPv4-mapped addresses in mixed notation).
import { parseIpv4 } from './ipv4';
import { fail, unwrap, type ParseResult } from './result';
import type { MacAddress } from './mac';

export type Ipv6Address = Uint8Array;

export const IPV6_UNSPECIFIED: Ipv6Address = new Uint8Array(16);
export const IPV6_LOOPBACK: Ipv6Address = Uint8Array.of(0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1);
/** ff02::1, all nodes on the link. */
export const IPV6_ALL_NODES: Ipv6Address = Uint8Array.of(0xff, 2, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1);
/** ff02::2, all routers on the link. */
export const IPV6_ALL_ROUTERS: Ipv6Address = Uint8Array.of(0xff, 2, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 2);

function hexValue(code: number): number {
  if (code >= 48 && code <= 57) return code - 48;
  if (code >= 97 && code <= 102) return code - 87;
  if (code >= 65 && code <= 70) return code - 55;
  return -1;
}

export function parseIpv6(text: string, start = 0, end = text.length): ParseResult<Ipv6Address> {
  const head: number[] = [];
  const tail: number[] = [];
  let groups = head;
  let compressed = false;
  let pos = start;
  if (pos >= end) return fail('empty IPv6 address', pos);
  if (text.charCodeAt(pos) === 58) {
    if (pos + 1 >= end || text.charCodeAt(pos + 1) !== 58) return fail("IPv6 address cannot start with a single ':'", pos);
    compressed = true;
    groups = tail;
    pos += 2;
  }
  while (pos < end) {
    if (head.length + tail.length >= 8) return fail('IPv6 address has more than 8 groups', pos);
    const groupStart = pos;
    let value = 0;
    while (pos < end) {
      const h = hexValue(text.charCodeAt(pos));
      if (h < 0) break;
      value = (value << 4) | h;
      pos++;
    }
    if (pos < end && text.charCodeAt(pos) === 46) {
      // Embedded IPv4 in the last 32 bits.
      const v4 = parseIpv4(text, groupStart, end);
      if (!v4.ok) return v4;
      groups.push(v4.value >>> 16, v4.value & 0xffff);
      pos = end;
      break;
    }
    if (pos === groupStart) {
      if (pos < end && text.charCodeAt(pos) === 37) return fail('zone index (%) is not supported in IPv6 address', pos);
      return fail(pos < end ? `unexpected '${text[pos]}' in IPv6 address` : 'IPv6 address ends early', pos);
    }
    if (pos - groupStart > 4) return fail('IPv6 group has more than 4 hex digits', groupStart);
    groups.push(value);
    if (pos >= end) break;
    if (text.charCodeAt(pos) !== 58) {
      if (text.charCodeAt(pos) === 37) return fail('zone index (%) is not supported in IPv6 address', pos);
      return fail(`unexpected '${text[pos]}' in IPv6 address`, pos);
    }
    pos++;
    if (pos < end && text.charCodeAt(pos) === 58) {
      if (compressed) return fail("'::' may appear only once in an IPv6 address", pos - 1);
      compressed = true;
      groups = tail;
      pos++;
    } else if (pos >= end) {
      return fail("IPv6 address cannot end with a single ':'", pos - 1);
    }
  }
  const total = head.length + tail.length;
  if (compressed ? total > 7 : total !== 8) {
    return fail(compressed ? "IPv6 address with '::' has too many groups" : `IPv6 address has ${total} groups, expected 8`, end);
  }
  const out = new Uint8Array(16);
  for (let i = 0; i < head.length; i++) {
    out[i * 2] = head[i] >> 8;
    out[i * 2 + 1] = head[i];
  }
  const tailStart = 8 - tail.length;
  for (let i = 0; i < tail.length; i++) {
    out[(tailStart + i) * 2] = tail[i] >> 8;
    out[(tailStart + i) * 2 + 1] = tail[i];
  }
  return { ok: true, value: out };
}

/** Parses or throws AddrParseError: for constants and trusted input. */
export function ipv6(text: string): Ipv6Address {
  return unwrap(parseIpv6(text), text);
}

/** RFC 5952 canonical text. Reads 16 bytes at `offset`. */
export function formatIpv6(b: Uint8Array, offset = 0): string {
  // IPv4-mapped ::ffff:a.b.c.d
  let mapped = b[offset + 10] === 0xff && b[offset + 11] === 0xff;
  for (let i = 0; i < 10 && mapped; i++) if (b[offset + i] !== 0) mapped = false;
  if (mapped) {
    return `::ffff:${b[offset + 12]}.${b[offset + 13]}.${b[offset + 14]}.${b[offset + 15]}`;
  }
  let bestStart = -1;
  let bestLen = 1; // a single zero group is not compressed
  let runStart = -1;
  for (let g = 0; g <= 8; g++) {
    const zero = g < 8 && b[offset + g * 2] === 0 && b[offset + g * 2 + 1] === 0;
    if (zero) {
      if (runStart < 0) runStart = g;
    } else if (runStart >= 0) {
      if (g - runStart > bestLen) {
        bestStart = runStart;
        bestLen = g - runStart;
      }
      runStart = -1;
    }
  }
  let s = '';
  for (let g = 0; g < 8; g++) {
    if (g === bestStart) {
      s += '::';
      g += bestLen - 1;
      continue;
    }
    if (s.length > 0 && !s.endsWith(':')) s += ':';
    s += ((b[offset + g * 2] << 8) | b[offset + g * 2 + 1]).toString(16);
  }
  return s;
}

/** A copy of the 16 bytes at `offset` (a plain loop: faster than `slice` for tiny arrays in V8). */
export function readIpv6(bytes: Uint8Array, offset: number): Ipv6Address {
  const a = new Uint8Array(16);
  for (let i = 0; i < 16; i++) a[i] = bytes[offset + i];
  return a;
}

export function ipv6Equals(a: Uint8Array, b: Uint8Array, aOffset = 0, bOffset = 0): boolean {
  for (let i = 0; i < 16; i++) if (a[aOffset + i] !== b[bOffset + i]) return false;
  return true;
}

/** 32 lowercase hex digits: a Map key. */
export function ipv6ToKey(a: Uint8Array, offset = 0): string {
  let s = '';
  for (let i = 0; i < 16; i++) s += (a[offset + i] | 0x100).toString(16).slice(1);
  return s;
}

export function ipv6FromKey(key: string): Ipv6Address {
  const out = new Uint8Array(16);
  for (let i = 0; i < 16; i++) out[i] = parseInt(key.slice(i * 2, i * 2 + 2), 16);
  return out;
}

export function isIpv6Unspecified(a: Uint8Array): boolean {
  return ipv6Equals(a, IPV6_UNSPECIFIED);
}

export function isIpv6Loopback(a: Uint8Array): boolean {
  return ipv6Equals(a, IPV6_LOOPBACK);
}

export function isIpv6Multicast(a: Uint8Array): boolean {
  return a[0] === 0xff;
}

/** fe80::/10 */
export function isIpv6LinkLocal(a: Uint8Array): boolean {
  return a[0] === 0xfe && (a[1] & 0xc0) === 0x80;
}

/** fc00::/7 unique local */
export function isIpv6UniqueLocal(a: Uint8Array): boolean {
  return (a[0] & 0xfe) === 0xfc;
}

/** ff02::1:ffXX:XXXX for the low 24 bits of `a` (RFC 4291 §2.7.1). */
export function solicitedNodeMulticast(a: Uint8Array): Ipv6Address {
  return Uint8Array.of(0xff, 0x02, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 0xff, a[13], a[14], a[15]);
}

/** Ethernet group address for an IPv6 multicast address: 33:33 + low 32 bits (RFC 2464 §7). */
export function ipv6MulticastMac(a: Uint8Array): MacAddress {
  return Uint8Array.of(0x33, 0x33, a[12], a[13], a[14], a[15]);
}

/** Modified EUI-64 interface identifier link-local address fe80::/64 (RFC 4291 App. A). */
export function linkLocalFromMac(m: MacAddress): Ipv6Address {
  return Uint8Array.of(0xfe, 0x80, 0, 0, 0, 0, 0, 0, m[0] ^ 2, m[1], m[2], 0xff, 0xfe, m[3], m[4], m[5]);
}

export interface Ipv6Cidr {
  address: Ipv6Address;
  prefixLength: number;
}

export function parseIpv6Cidr(text: string): ParseResult<Ipv6Cidr> {
  const slash = text.indexOf('/');
  if (slash < 0) return fail("expected '/' and a prefix length after the address", text.length);
  const a = parseIpv6(text, 0, slash);
  if (!a.ok) return a;
  const lenStart = slash + 1;
  if (lenStart >= text.length) return fail("expected a prefix length after '/'", lenStart);
  let n = 0;
  for (let i = lenStart; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c < 48 || c > 57) return fail(`expected a decimal prefix length, found '${text[i]}'`, i);
    if (i - lenStart >= 3) return fail('prefix length has too many digits', lenStart);
    n = n * 10 + (c - 48);
  }
  if (text.length - lenStart > 1 && text.charCodeAt(lenStart) === 48) return fail('prefix length has a leading zero', lenStart);
  if (n > 128) return fail(`prefix length ${n} is greater than 128`, lenStart);
  return { ok: true, value: { address: a.value, prefixLength: n } };
}

export function ipv6Cidr(text: string): Ipv6Cidr {
  return unwrap(parseIpv6Cidr(text), text);
}

export function ipv6CidrContains(c: Ipv6Cidr, a: Uint8Array): boolean {
  const full = c.prefixLength >> 3;
  for (let i = 0; i < full; i++) if (c.address[i] !== a[i]) return false;
  const bits = c.prefixLength & 7;
  if (bits === 0) return true;
  const mask = (0xff << (8 - bits)) & 0xff;
  return (c.address[full] & mask) === (a[full] & mask);
}
