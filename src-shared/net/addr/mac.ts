// 48-bit Ethernet MAC addresses: Uint8Array(6), with a numeric key for Maps (48 bits fit a double).
import { fail, unwrap, type ParseResult } from './result';

export type MacAddress = Uint8Array;

export const MAC_LENGTH = 6;
export const MAC_BROADCAST: MacAddress = new Uint8Array([0xff, 0xff, 0xff, 0xff, 0xff, 0xff]);
export const MAC_ZERO: MacAddress = new Uint8Array(6);

function hexValue(code: number): number {
  if (code >= 48 && code <= 57) return code - 48;
  if (code >= 97 && code <= 102) return code - 87;
  if (code >= 65 && code <= 70) return code - 55;
  return -1;
}

/**
 * Parses "02:00:5e:a0:00:01" (also with '-' separators, either case). Every octet must have
 * exactly two hex digits and the separator must be the same throughout.
 */
export function parseMac(text: string): ParseResult<MacAddress> {
  if (text.length !== 17) {
    if (text.length < 17) return fail(`MAC address too short: expected 6 octets like 02:00:5e:00:00:01`, text.length);
    return fail('unexpected character after MAC address', 17);
  }
  const out = new Uint8Array(6);
  const sep = text.charCodeAt(2);
  if (sep !== 58 && sep !== 45) return fail(`expected ':' or '-' between octets`, 2);
  for (let i = 0; i < 6; i++) {
    const p = i * 3;
    const hi = hexValue(text.charCodeAt(p));
    if (hi < 0) return fail(`invalid hex digit '${text[p]}' in MAC address`, p);
    const lo = hexValue(text.charCodeAt(p + 1));
    if (lo < 0) return fail(`invalid hex digit '${text[p + 1]}' in MAC address`, p + 1);
    out[i] = (hi << 4) | lo;
    if (i < 5 && text.charCodeAt(p + 2) !== sep) {
      return fail(`expected '${String.fromCharCode(sep)}' between octets`, p + 2);
    }
  }
  return { ok: true, value: out };
}

/** Parses or throws AddrParseError: for constants and trusted input. */
export function mac(text: string): MacAddress {
  return unwrap(parseMac(text), text);
}

const HEX = '0123456789abcdef';

/** Lowercase colon form, e.g. "02:00:5e:a0:00:01". Reads 6 bytes at `offset`. */
export function formatMac(bytes: Uint8Array, offset = 0): string {
  let s = '';
  for (let i = 0; i < 6; i++) {
    const b = bytes[offset + i];
    if (i) s += ':';
    s += HEX[b >> 4] + HEX[b & 15];
  }
  return s;
}

/** A copy of the 6 bytes at `offset` (a plain loop: much faster than `slice` for tiny arrays in V8). */
export function readMac(bytes: Uint8Array, offset: number): MacAddress {
  const m = new Uint8Array(6);
  for (let i = 0; i < 6; i++) m[i] = bytes[offset + i];
  return m;
}

export function isBroadcastMac(m: Uint8Array, offset = 0): boolean {
  for (let i = 0; i < 6; i++) if (m[offset + i] !== 0xff) return false;
  return true;
}

/** Group bit set (includes broadcast). */
export function isMulticastMac(m: Uint8Array, offset = 0): boolean {
  return (m[offset] & 1) === 1;
}

export function isUnicastMac(m: Uint8Array, offset = 0): boolean {
  return (m[offset] & 1) === 0;
}

export function isLocallyAdministeredMac(m: Uint8Array, offset = 0): boolean {
  return (m[offset] & 2) === 2;
}

export function macEquals(a: Uint8Array, b: Uint8Array, aOffset = 0, bOffset = 0): boolean {
  for (let i = 0; i < 6; i++) if (a[aOffset + i] !== b[bOffset + i]) return false;
  return true;
}

/** Exact 48-bit integer key, for Map<number, …> (MAC tables, ARP caches). */
export function macToKey(m: Uint8Array, offset = 0): number {
  return (
    ((m[offset] << 8) | m[offset + 1]) * 0x1_0000_0000 +
    (((m[offset + 2] << 24) | (m[offset + 3] << 16) | (m[offset + 4] << 8) | m[offset + 5]) >>> 0)
  );
}

export function macFromKey(key: number): MacAddress {
  const hi = Math.floor(key / 0x1_0000_0000);
  const lo = key >>> 0;
  return new Uint8Array([(hi >> 8) & 0xff, hi & 0xff, lo >>> 24, (lo >> 16) & 0xff, (lo >> 8) & 0xff, lo & 0xff]);
}
