// Value formatting the way tshark 4.0 prints fields: `-T fields` text and tree labels.
import type { FieldInfo, FieldValue } from './types';

const HEX = '0123456789abcdef';

export function hex(n: number, digits: number): string {
  let s = (n >>> 0).toString(16);
  while (s.length < digits) s = '0' + s;
  return s;
}

export function ipv4ToString(n: number): string {
  return `${n >>> 24}.${(n >>> 16) & 255}.${(n >>> 8) & 255}.${n & 255}`;
}

export function etherToString(b: Uint8Array, off = 0): string {
  let s = '';
  for (let i = 0; i < 6; i++) {
    const v = b[off + i];
    if (i) s += ':';
    s += HEX[v >> 4] + HEX[v & 15];
  }
  return s;
}

/** RFC 5952 text form (longest zero run compressed, first on ties), as Wireshark prints it. */
export function ipv6ToString(b: Uint8Array, off = 0): string {
  const words: number[] = [];
  for (let i = 0; i < 8; i++) words.push((b[off + 2 * i] << 8) | b[off + 2 * i + 1]);
  let bestStart = -1;
  let bestLen = 0;
  for (let i = 0; i < 8; ) {
    if (words[i] !== 0) {
      i++;
      continue;
    }
    let j = i;
    while (j < 8 && words[j] === 0) j++;
    if (j - i > bestLen && j - i >= 2) {
      bestStart = i;
      bestLen = j - i;
    }
    i = j;
  }
  // IPv4-mapped/compatible forms
  if (bestStart === 0 && bestLen === 5 && words[5] === 0xffff) {
    return `::ffff:${b[off + 12]}.${b[off + 13]}.${b[off + 14]}.${b[off + 15]}`;
  }
  const parts: string[] = [];
  for (let i = 0; i < 8; i++) {
    if (i === bestStart) {
      parts.push(i === 0 ? ':' : '');
      i += bestLen - 1;
      if (i === 7) parts.push('');
      continue;
    }
    parts.push(words[i].toString(16));
  }
  return parts.join(':');
}

export function bytesToHex(b: Uint8Array, sep = ''): string {
  let s = '';
  for (let i = 0; i < b.length; i++) {
    if (sep && i) s += sep;
    s += HEX[b[i] >> 4] + HEX[b[i] & 15];
  }
  return s;
}

/** A field value as `tshark -T fields -e` prints it. */
export function formatFieldValue(info: FieldInfo | undefined, value: FieldValue): string {
  if (!info) return String(value);
  switch (info.type) {
    case 'bool':
      return value ? '1' : '0';
    case 'uint':
    case 'int':
    case 'framenum':
      if (typeof value !== 'number') return String(value);
      if (info.base === 'hex' || info.base === 'hex_dec') return '0x' + hex(value, Math.ceil((info.bits ?? 8) / 4));
      return String(value);
    case 'ipv4':
      return ipv4ToString(value as number);
    case 'ipv6':
      return ipv6ToString(value as Uint8Array);
    case 'ether':
      return etherToString(value as Uint8Array);
    case 'bytes':
      return value instanceof Uint8Array ? bytesToHex(value) : String(value); // tshark 4.0: plain hex, no separators
    case 'protocol':
      return '';
    case 'none':
      return '1'; // tshark 4.0 -T fields prints a present FT_NONE item (tcp.analysis.flags, tls.record) as 1
    case 'float':
      return String(value);
    case 'reltime':
      return typeof value === 'number' ? value.toFixed(9) : String(value); // seconds, nanosecond digits
    default:
      return String(value);
  }
}

/** A field value as the details tree shows it (names from value strings). */
export function displayValue(info: FieldInfo | undefined, value: FieldValue): string {
  if (!info) return String(value);
  if (typeof value === 'number' && info.valueNames) {
    const name = info.valueNames[value];
    const raw = formatFieldValue(info, value);
    return name !== undefined ? `${name} (${raw})` : `Unknown (${raw})`;
  }
  if (info.type === 'bool') return value ? 'True' : 'False';
  if (info.type === 'string') return String(value);
  return formatFieldValue(info, value);
}
