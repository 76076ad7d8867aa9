// UDP (RFC 768). The checksum covers a pseudo-header from the IP layer (see checksum.ts):
// over IPv4 a zero checksum means "none"; over IPv6 it is mandatory (RFC 8200 §8.1).
// A computed value of 0 is sent as 0xffff in both.
import { wireFail, type WireResult } from '../addr/result';
import { checksumValid, finishChecksum, pseudoSum, readU16, sumWords, writeU16, type IpPair } from './checksum';
import { IpProtocol } from './ipv4';

export const UDP_SRC_PORT = 0; // ..2
export const UDP_DST_PORT = 2; // ..4
export const UDP_LENGTH = 4; // ..6
export const UDP_CHECKSUM = 6; // ..8
export const UDP_HEADER_LENGTH = 8;

export interface UdpRepr {
  srcPort: number;
  dstPort: number;
}

export interface UdpParsed extends UdpRepr {
  /** The length field (header + payload). */
  length: number;
  checksum: number;
}

/** Parses the header; `length` bounds the datagram (use the IP payload length, not the frame's). */
export function parseUdp(bytes: Uint8Array, offset = 0, length = bytes.length - offset): WireResult<UdpParsed> {
  if (length < UDP_HEADER_LENGTH) return wireFail(`UDP header truncated: ${length} bytes, needs 8`, offset);
  const udpLength = readU16(bytes, offset + UDP_LENGTH);
  if (udpLength < UDP_HEADER_LENGTH) {
    return wireFail(`UDP length ${udpLength} is less than the header length 8`, offset + UDP_LENGTH);
  }
  if (udpLength > length) {
    return wireFail(`UDP length ${udpLength} exceeds the ${length} bytes available`, offset + UDP_LENGTH);
  }
  return {
    ok: true,
    repr: {
      srcPort: readU16(bytes, offset + UDP_SRC_PORT),
      dstPort: readU16(bytes, offset + UDP_DST_PORT),
      length: udpLength,
      checksum: readU16(bytes, offset + UDP_CHECKSUM),
    },
    headerLength: UDP_HEADER_LENGTH,
    payloadOffset: offset + UDP_HEADER_LENGTH,
    payloadLength: udpLength - UDP_HEADER_LENGTH,
  };
}

export type UdpChecksumStatus = 'good' | 'bad' | 'none';

/**
 * Verifies the checksum of the datagram at bytes[offset, offset+udpLength). 'none' is a zero
 * checksum over IPv4 (allowed); over IPv6 a zero checksum is 'bad'.
 */
export function verifyUdpChecksum(bytes: Uint8Array, offset: number, udpLength: number, ip: IpPair): UdpChecksumStatus {
  const stored = readU16(bytes, offset + UDP_CHECKSUM);
  if (stored === 0) return typeof ip.src === 'number' ? 'none' : 'bad';
  const initial = pseudoSum(ip, IpProtocol.UDP, udpLength);
  return checksumValid(bytes, offset, offset + udpLength, initial) ? 'good' : 'bad';
}

export interface UdpEmitOptions {
  /** Over IPv4 only: send checksum 0 ("no checksum"). Ignored for IPv6, where it is mandatory. */
  noChecksum?: boolean;
}

/** Header + payload. `ip` supplies the pseudo-header addresses for the checksum. */
export function emitUdp(repr: UdpRepr, payload: Uint8Array, ip: IpPair, options?: UdpEmitOptions): Uint8Array {
  const length = UDP_HEADER_LENGTH + payload.length;
  if (length > 0xffff) throw new RangeError(`UDP datagram of ${length} bytes exceeds 65535`);
  const buf = new Uint8Array(length);
  writeU16(buf, UDP_SRC_PORT, repr.srcPort);
  writeU16(buf, UDP_DST_PORT, repr.dstPort);
  writeU16(buf, UDP_LENGTH, length);
  buf.set(payload, UDP_HEADER_LENGTH);
  if (!(options?.noChecksum && typeof ip.src === 'number')) {
    const sum = finishChecksum(sumWords(buf, 0, length, pseudoSum(ip, IpProtocol.UDP, length)));
    writeU16(buf, UDP_CHECKSUM, sum === 0 ? 0xffff : sum);
  }
  return buf;
}
