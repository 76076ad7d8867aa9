// Bounded reads for dissectors. Reading past the end throws Truncated, which the session's guard
// turns into a "[Malformed Packet]" node (Wireshark's ReportedBoundsError), never a crash.

export class Truncated extends Error {}

/**
 * The bytes exist on the wire (within the reported length) but were not captured (snaplen):
 * Wireshark's "[Packet size limited during capture]", not a malformed packet.
 */
export class CaptureLimited extends Truncated {}

export function need(buf: Uint8Array, off: number, n: number, end: number = buf.length): void {
  if (off < 0 || off + n > end) throw new Truncated();
  if (off + n > buf.length) throw new CaptureLimited();
}

export function u8(b: Uint8Array, o: number): number {
  return b[o];
}

export function u16(b: Uint8Array, o: number): number {
  return (b[o] << 8) | b[o + 1];
}

export function u24(b: Uint8Array, o: number): number {
  return (b[o] << 16) | (b[o + 1] << 8) | b[o + 2];
}

export function u32(b: Uint8Array, o: number): number {
  return ((b[o] << 24) | (b[o + 1] << 16) | (b[o + 2] << 8) | b[o + 3]) >>> 0;
}

/** Internet checksum (RFC 1071) of [off, end) plus an initial sum; returns the folded 16-bit sum. */
export function onesSum(b: Uint8Array, off: number, end: number, initial = 0): number {
  let sum = initial;
  let i = off;
  for (; i + 1 < end; i += 2) sum += (b[i] << 8) | b[i + 1];
  if (i < end) sum += b[i] << 8;
  while (sum > 0xffff) sum = (sum & 0xffff) + (sum >>> 16);
  return sum;
}

const latin1 = new TextDecoder('latin1');
const utf8 = new TextDecoder('utf-8');

/** ASCII/Latin-1 text of [off, end). */
export function ascii(b: Uint8Array, off: number, end: number): string {
  if (end - off < 24) {
    let s = '';
    for (let i = off; i < end; i++) s += String.fromCharCode(b[i]);
    return s;
  }
  return latin1.decode(b.subarray(off, end));
}

export function utf8Text(b: Uint8Array, off: number, end: number): string {
  return utf8.decode(b.subarray(off, end));
}
