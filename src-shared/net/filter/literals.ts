// Literal values of the filter language, converted for the type of the field they meet.
// Error messages follow tshark 4.0.17's wording.

import type { FieldInfo, FieldType } from '../dissect/types';

export interface Ipv4Literal {
  addr: number; // uint32
  mask: number; // uint32
}

export interface Ipv6Literal {
  addr: Uint8Array;
  prefix: number;
}

/** Wireshark's names of field types, as they appear in its error messages. */
export function typeName(field: FieldInfo): string {
  const bytes = (field.bits ?? 32) / 8;
  const size = `${bytes} byte${bytes === 1 ? '' : 's'}`;
  switch (field.type) {
    case 'uint':
      return `Unsigned integer (${size})`;
    case 'int':
      return `Signed integer (${size})`;
    case 'framenum':
      return 'Frame number';
    case 'float':
      return 'Floating point (double-precision)';
    case 'bool':
      return 'Boolean';
    case 'string':
      return 'Character string';
    case 'bytes':
      return 'Byte sequence';
    case 'ipv4':
      return 'IPv4 address';
    case 'ipv6':
      return 'IPv6 address';
    case 'ether':
      return 'Ethernet or other MAC address';
    case 'time':
      return 'Date and time';
    case 'reltime':
      return 'Time offset';
    case 'protocol':
      return 'Protocol';
    case 'none':
      return 'Label';
  }
}

export function isNumeric(t: FieldType): boolean {
  return t === 'uint' || t === 'int' || t === 'framenum' || t === 'float' || t === 'time' || t === 'reltime';
}

export function isInteger(t: FieldType): boolean {
  return t === 'uint' || t === 'int' || t === 'framenum';
}

/** Integer literal: decimal, 0x hex, 0 octal, 0b binary, optional sign. */
export function parseInteger(text: string): number | undefined {
  const m = /^([+-]?)(0[xX][0-9a-fA-F]+|0[bB][01]+|0[0-7]*|[1-9][0-9]*)$/.exec(text);
  if (!m) return undefined;
  const body = m[2];
  let v: number;
  if (/^0[xX]/.test(body)) v = parseInt(body.slice(2), 16);
  else if (/^0[bB]/.test(body)) v = parseInt(body.slice(2), 2);
  else if (body.length > 1 && body[0] === '0') v = parseInt(body.slice(1), 8);
  else v = parseInt(body, 10);
  return m[1] === '-' ? -v : v;
}

export function parseFloatLiteral(text: string): number | undefined {
  if (!/^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/.test(text)) {
    const i = parseInteger(text);
    return i;
  }
  return Number(text);
}

export function parseIpv4(text: string): Ipv4Literal | string {
  const slash = text.indexOf('/');
  const addrText = slash < 0 ? text : text.slice(0, slash);
  const addr = ipv4Address(addrText);
  if (addr === undefined) return `"${addrText}" is not a valid hostname or IPv4 address.`;
  let bits = 32;
  if (slash >= 0) {
    const b = text.slice(slash + 1);
    if (!/^\d{1,3}$/.test(b)) return `"${text}" is not a valid hostname or IPv4 address.`;
    bits = Number(b);
    if (bits > 32) return `Netmask bits in a CIDR IPv4 address should be <= 32, not ${bits}`;
  }
  const mask = bits === 0 ? 0 : (0xffffffff << (32 - bits)) >>> 0;
  return { addr: (addr & mask) >>> 0, mask };
}

function ipv4Address(text: string): number | undefined {
  const parts = text.split('.');
  if (parts.length !== 4) return undefined;
  let v = 0;
  for (const p of parts) {
    if (!/^\d{1,3}$/.test(p) || Number(p) > 255) return undefined;
    v = v * 256 + Number(p);
  }
  return v;
}

export function parseIpv6(text: string): Ipv6Literal | string {
  const slash = text.indexOf('/');
  const addrText = slash < 0 ? text : text.slice(0, slash);
  const addr = ipv6Address(addrText);
  if (!addr) return `"${addrText}" is not a valid hostname or IPv6 address.`;
  let prefix = 128;
  if (slash >= 0) {
    const b = text.slice(slash + 1);
    if (!/^\d{1,3}$/.test(b)) return `"${text}" is not a valid hostname or IPv6 address.`;
    prefix = Number(b);
    if (prefix > 128) return `Prefix in a IPv6 address should be <= 128, not ${prefix}`;
  }
  return { addr, prefix };
}

/** RFC 4291 text form: hex groups, one `::`, optional dotted-quad tail. */
export function ipv6Address(text: string): Uint8Array | undefined {
  if (!/^[0-9a-fA-F:.]+$/.test(text)) return undefined;
  let head = text;
  let v4: number | undefined;
  const lastColon = text.lastIndexOf(':');
  if (text.includes('.')) {
    v4 = ipv4Address(text.slice(lastColon + 1));
    if (v4 === undefined) return undefined;
    head = text.slice(0, lastColon + 1);
    // Keep a trailing `::` (zeros before the IPv4 part); drop a single separating `:`.
    if (!head.endsWith('::')) head = head.slice(0, -1);
  }
  const groupsWanted = v4 === undefined ? 8 : 6;
  const halves = head.split('::');
  if (halves.length > 2) return undefined;
  const parse = (s: string): number[] | undefined => {
    if (s === '') return [];
    const out: number[] = [];
    for (const g of s.split(':')) {
      if (!/^[0-9a-fA-F]{1,4}$/.test(g)) return undefined;
      out.push(parseInt(g, 16));
    }
    return out;
  };
  const left = parse(halves[0]);
  const right = halves.length === 2 ? parse(halves[1]) : [];
  if (!left || !right) return undefined;
  let groups: number[];
  if (halves.length === 2) {
    const fill = groupsWanted - left.length - right.length;
    if (fill < 1) return undefined;
    groups = [...left, ...new Array<number>(fill).fill(0), ...right];
  } else {
    if (left.length !== groupsWanted) return undefined;
    groups = left;
  }
  const out = new Uint8Array(16);
  groups.forEach((g, i) => {
    out[i * 2] = g >> 8;
    out[i * 2 + 1] = g & 0xff;
  });
  if (v4 !== undefined) {
    out[12] = v4 >>> 24;
    out[13] = (v4 >>> 16) & 0xff;
    out[14] = (v4 >>> 8) & 0xff;
    out[15] = v4 & 0xff;
  }
  return out;
}

/**
 * Byte strings: hex bytes separated by `:`, `-` or `.` (`00:1b:21`, `00-1b-21`), a single byte
 * (`7f`), or Cisco-style dotted groups of four digits (`0000.5e00.5301`).
 */
const isHex = (c: string | undefined) => c !== undefined && /^[0-9a-fA-F]$/.test(c);
const isPunct = (c: string | undefined) => c !== undefined && /^[!-/:-@[-`{-~]$/.test(c);

/**
 * A byte-string literal as tshark 4.0 reads it (Wireshark's hex_str_to_bytes without forced
 * separators): hex digit pairs, with or without punctuation between them ("010106", "01:01:06",
 * "0101.0600", "1.1.6"); a lone digit before a separator or at the end is a byte of its own
 * ("01016" is 01 01 06). Anything else ("0x0101") is not a byte string.
 */
export function parseBytes(text: string): Uint8Array | undefined {
  const out: number[] = [];
  let p = 0;
  while (p < text.length) {
    const [c0, c1, c2, c3] = [text[p], text[p + 1], text[p + 2], text[p + 3]];
    let punct: number;
    if (isHex(c0) && isHex(c1) && isHex(c2)) {
      // Three or four digits in a row: two bytes (the second of one digit when the fourth is not one).
      out.push(parseInt(c0 + c1, 16));
      if (isHex(c3)) {
        out.push(parseInt(c2 + c3, 16));
        punct = p + 4;
      } else {
        out.push(parseInt(c2, 16));
        punct = p + 3;
      }
    } else if (isHex(c0) && isHex(c1)) {
      out.push(parseInt(c0 + c1, 16));
      punct = p + 2;
    } else if (isHex(c0) && (c1 === undefined || isPunct(c1))) {
      out.push(parseInt(c0, 16));
      punct = p + 1;
    } else return undefined;
    // A separator may follow, but never end the string.
    p = isPunct(text[punct]) && punct + 1 < text.length ? punct + 1 : punct;
    if (isPunct(text[punct]) && punct + 1 >= text.length) return undefined;
  }
  return out.length ? Uint8Array.from(out) : undefined;
}

export function parseEther(text: string): Uint8Array | string {
  const bytes = parseBytes(text);
  if (!bytes) return `"${text}" is not a valid Ethernet address.`;
  if (bytes.length < 6) return `"${text}" contains too few bytes to be a valid Ethernet address.`;
  if (bytes.length > 6) return `"${text}" contains too many bytes to be a valid Ethernet address.`;
  return bytes;
}

export const utf8 = new TextEncoder();
