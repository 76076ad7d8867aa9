// The Internet checksum (RFC 1071): one's-complement sum of 16-bit big-endian words.
// Sums are kept unfolded in a double (exact up to 2^53, far beyond any packet) and folded once.
import type { Ipv4Address } from '../addr/ipv4';
import type { Ipv6Address } from '../addr/ipv6';

/** Adds the 16-bit words of bytes[start, end) to `initial`; an odd last byte is padded with zero. */
export function sumWords(bytes: Uint8Array, start = 0, end = bytes.length, initial = 0): number {
  let sum = initial;
  let i = start;
  // Four words per step: high bytes and low bytes summed separately (about 1.5x faster in V8).
  const end8 = start + ((end - start) & ~7);
  for (; i < end8; i += 8) {
    sum += ((bytes[i] + bytes[i + 2] + bytes[i + 4] + bytes[i + 6]) << 8) + bytes[i + 1] + bytes[i + 3] + bytes[i + 5] + bytes[i + 7];
  }
  const evenEnd = end - ((end - start) & 1);
  for (; i < evenEnd; i += 2) sum += (bytes[i] << 8) | bytes[i + 1];
  if (i < end) sum += bytes[i] << 8;
  return sum;
}

/** Folds carries into 16 bits (the one's-complement sum, not yet inverted). */
export function foldSum(sum: number): number {
  while (sum > 0xffff) sum = (sum & 0xffff) + Math.floor(sum / 0x10000);
  return sum;
}

/** The checksum field value: inverted folded sum. */
export function finishChecksum(sum: number): number {
  return ~foldSum(sum) & 0xffff;
}

/** RFC 1071 checksum over bytes[start, end). */
export function internetChecksum(bytes: Uint8Array, start = 0, end = bytes.length, initial = 0): number {
  return finishChecksum(sumWords(bytes, start, end, initial));
}

/** True when a range that contains its own checksum field sums to 0xffff (i.e. verifies). */
export function checksumValid(bytes: Uint8Array, start = 0, end = bytes.length, initial = 0): boolean {
  return foldSum(sumWords(bytes, start, end, initial)) === 0xffff;
}

/** Pseudo-header sum for UDP/TCP over IPv4 (RFC 768 / RFC 793): src, dst, zero, protocol, length. */
export function ipv4PseudoSum(src: Ipv4Address, dst: Ipv4Address, protocol: number, length: number): number {
  return (src >>> 16) + (src & 0xffff) + (dst >>> 16) + (dst & 0xffff) + protocol + length;
}

/** Pseudo-header sum for IPv6 upper layers (RFC 8200 §8.1): src, dst, 32-bit length, next header. */
export function ipv6PseudoSum(src: Ipv6Address, dst: Ipv6Address, nextHeader: number, length: number): number {
  let sum = sumWords(src, 0, 16);
  sum = sumWords(dst, 0, 16, sum);
  return sum + Math.floor(length / 0x10000) + (length & 0xffff) + nextHeader;
}

/** Source and destination of the enclosing IP packet: numbers for IPv4, Uint8Array(16) for IPv6. */
export type IpPair = { src: Ipv4Address; dst: Ipv4Address } | { src: Ipv6Address; dst: Ipv6Address };

export function pseudoSum(ip: IpPair, protocol: number, length: number): number {
  return typeof ip.src === 'number'
    ? ipv4PseudoSum(ip.src, ip.dst as number, protocol, length)
    : ipv6PseudoSum(ip.src, ip.dst as Uint8Array, protocol, length);
}

/**
 * Incremental update (RFC 1624 eqn. 3) when one 16-bit word changes from `oldWord` to `newWord`:
 * HC' = ~(~HC + ~m + m'). Routers use it to decrement TTL without re-summing the header.
 */
export function updateChecksum(checksum: number, oldWord: number, newWord: number): number {
  return finishChecksum((~checksum & 0xffff) + (~oldWord & 0xffff) + newWord);
}

export function writeU16(bytes: Uint8Array, offset: number, v: number): void {
  bytes[offset] = v >>> 8;
  bytes[offset + 1] = v;
}

export function readU16(bytes: Uint8Array, offset: number): number {
  return (bytes[offset] << 8) | bytes[offset + 1];
}

export function readU32(bytes: Uint8Array, offset: number): number {
  return ((bytes[offset] << 24) | (bytes[offset + 1] << 16) | (bytes[offset + 2] << 8) | bytes[offset + 3]) >>> 0;
}

export function writeU32(bytes: Uint8Array, offset: number, v: number): void {
  bytes[offset] = v >>> 24;
  bytes[offset + 1] = v >>> 16;
  bytes[offset + 2] = v >>> 8;
  bytes[offset + 3] = v;
}
