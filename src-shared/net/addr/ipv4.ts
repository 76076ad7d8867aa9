// IPv4 addresses as uint32 numbers in host order (a >>> 0 keeps them unsigned), CIDR prefixes,
// masks and classification. Text parsing is strict: exactly four decimal octets, no leading zeros
// (inet_pton rejects them too, and "010" is octal to some tools), no whitespace.
import { fail, unwrap, type ParseResult } from './result';

export type Ipv4Address = number;

export const IPV4_UNSPECIFIED: Ipv4Address = 0;
export const IPV4_BROADCAST: Ipv4Address = 0xffffffff;
export const IPV4_LOOPBACK: Ipv4Address = 0x7f000001;

/** Parses the dotted quad starting at `start` and ending at `end` (default: the whole string). */
export function parseIpv4(text: string, start = 0, end = text.length): ParseResult<Ipv4Address> {
  let value = 0;
  let pos = start;
  for (let octet = 0; octet < 4; octet++) {
    if (octet > 0) {
      if (pos >= end) return fail(`IPv4 address has ${octet} octets, expected 4`, pos);
      if (text.charCodeAt(pos) !== 46) return fail(`expected '.' in IPv4 address, found '${text[pos]}'`, pos);
      pos++;
    }
    const digitsStart = pos;
    let n = 0;
    while (pos < end) {
      const c = text.charCodeAt(pos);
      if (c < 48 || c > 57) break;
      n = n * 10 + (c - 48);
      pos++;
      if (pos - digitsStart > 3) return fail('IPv4 octet has more than 3 digits', digitsStart);
    }
    if (pos === digitsStart) {
      if (pos >= end) return fail('IPv4 address ends early: expected an octet', pos);
      return fail(`expected a decimal octet in IPv4 address, found '${text[pos]}'`, pos);
    }
    if (pos - digitsStart > 1 && text.charCodeAt(digitsStart) === 48) {
      return fail('IPv4 octet has a leading zero', digitsStart);
    }
    if (n > 255) return fail(`IPv4 octet ${n} is greater than 255`, digitsStart);
    value = value * 256 + n;
  }
  if (pos < end) return fail(`unexpected '${text[pos]}' after IPv4 address`, pos);
  return { ok: true, value };
}

/** Parses or throws AddrParseError: for constants and trusted input. */
export function ipv4(text: string): Ipv4Address {
  return unwrap(parseIpv4(text), text);
}

export function formatIpv4(a: Ipv4Address): string {
  return `${a >>> 24}.${(a >>> 16) & 0xff}.${(a >>> 8) & 0xff}.${a & 0xff}`;
}

export function readIpv4(bytes: Uint8Array, offset: number): Ipv4Address {
  return ((bytes[offset] << 24) | (bytes[offset + 1] << 16) | (bytes[offset + 2] << 8) | bytes[offset + 3]) >>> 0;
}

export function writeIpv4(bytes: Uint8Array, offset: number, a: Ipv4Address): void {
  bytes[offset] = a >>> 24;
  bytes[offset + 1] = a >>> 16;
  bytes[offset + 2] = a >>> 8;
  bytes[offset + 3] = a;
}

export function ipv4ToBytes(a: Ipv4Address): Uint8Array {
  const b = new Uint8Array(4);
  writeIpv4(b, 0, a);
  return b;
}

/** Netmask for a prefix length 0..32, e.g. 24 → 0xffffff00. */
export function prefixToMask(prefixLength: number): number {
  return prefixLength <= 0 ? 0 : (0xffffffff << (32 - Math.min(prefixLength, 32))) >>> 0;
}

/** Prefix length of a contiguous netmask, or -1 if the mask has holes. */
export function maskToPrefix(mask: number): number {
  const inv = ~mask >>> 0;
  if ((inv & (inv + 1)) !== 0) return -1;
  return inv === 0 ? 32 : Math.clz32(inv);
}

export interface Ipv4Cidr {
  /** The address as written (host bits may be set, as in "192.0.2.5/24" for an interface). */
  address: Ipv4Address;
  prefixLength: number;
}

/** Parses "192.0.2.0/24". A missing "/len" is an error unless `defaultPrefix` is given. */
export function parseIpv4Cidr(text: string, defaultPrefix?: number): ParseResult<Ipv4Cidr> {
  const slash = text.indexOf('/');
  const addrEnd = slash < 0 ? text.length : slash;
  const a = parseIpv4(text, 0, addrEnd);
  if (!a.ok) return a;
  if (slash < 0) {
    if (defaultPrefix === undefined) return fail("expected '/' and a prefix length after the address", text.length);
    return { ok: true, value: { address: a.value, prefixLength: defaultPrefix } };
  }
  const lenStart = slash + 1;
  if (lenStart >= text.length) return fail("expected a prefix length after '/'", lenStart);
  let n = 0;
  for (let i = lenStart; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c < 48 || c > 57) return fail(`expected a decimal prefix length, found '${text[i]}'`, i);
    if (i - lenStart >= 2) return fail('prefix length has too many digits', lenStart);
    n = n * 10 + (c - 48);
  }
  if (text.length - lenStart > 1 && text.charCodeAt(lenStart) === 48) return fail('prefix length has a leading zero', lenStart);
  if (n > 32) return fail(`prefix length ${n} is greater than 32`, lenStart);
  return { ok: true, value: { address: a.value, prefixLength: n } };
}

export function ipv4Cidr(text: string): Ipv4Cidr {
  return unwrap(parseIpv4Cidr(text), text);
}

export function formatIpv4Cidr(c: Ipv4Cidr): string {
  return `${formatIpv4(c.address)}/${c.prefixLength}`;
}

export function networkAddress(a: Ipv4Address, prefixLength: number): Ipv4Address {
  return (a & prefixToMask(prefixLength)) >>> 0;
}

export function broadcastAddress(a: Ipv4Address, prefixLength: number): Ipv4Address {
  return (a | ~prefixToMask(prefixLength)) >>> 0;
}

export function cidrContains(c: Ipv4Cidr, a: Ipv4Address): boolean {
  const m = prefixToMask(c.prefixLength);
  return ((c.address & m) >>> 0) === ((a & m) >>> 0);
}

export type Ipv4Class =
  | 'unspecified' // 0.0.0.0/8 ("this network")
  | 'loopback' // 127.0.0.0/8
  | 'private' // RFC 1918
  | 'shared' // 100.64.0.0/10 (RFC 6598, carrier-grade NAT)
  | 'link-local' // 169.254.0.0/16
  | 'documentation' // 192.0.2.0/24, 198.51.100.0/24, 203.0.113.0/24
  | 'multicast' // 224.0.0.0/4
  | 'limited-broadcast' // 255.255.255.255
  | 'reserved' // 240.0.0.0/4
  | 'global';

export function classifyIpv4(a: Ipv4Address): Ipv4Class {
  const o1 = a >>> 24;
  const o2 = (a >>> 16) & 0xff;
  if (a >>> 0 === 0xffffffff) return 'limited-broadcast';
  if (o1 === 0) return 'unspecified';
  if (o1 === 127) return 'loopback';
  if (o1 === 10 || (o1 === 172 && (o2 & 0xf0) === 16) || (o1 === 192 && o2 === 168)) return 'private';
  if (o1 === 100 && (o2 & 0xc0) === 64) return 'shared';
  if (o1 === 169 && o2 === 254) return 'link-local';
  const top24 = a >>> 8;
  if (top24 === 0xc00002 || top24 === 0xc63364 || top24 === 0xcb0071) return 'documentation';
  if ((o1 & 0xf0) === 224) return 'multicast';
  if ((o1 & 0xf0) === 240) return 'reserved';
  return 'global';
}

export function isIpv4Multicast(a: Ipv4Address): boolean {
  return a >>> 28 === 14;
}

export function isIpv4Private(a: Ipv4Address): boolean {
  return classifyIpv4(a) === 'private';
}

export function isIpv4Loopback(a: Ipv4Address): boolean {
  return a >>> 24 === 127;
}

/** Ethernet group address for an IPv4 multicast group: 01:00:5e + low 23 bits (RFC 1112). */
export function ipv4MulticastMac(a: Ipv4Address): Uint8Array {
  return new Uint8Array([0x01, 0x00, 0x5e, (a >>> 16) & 0x7f, (a >>> 8) & 0xff, a & 0xff]);
}
