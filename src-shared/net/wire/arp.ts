// ARP for Ethernet/IPv4 (RFC 826). Other hardware/protocol pairs are reported, not guessed at.
import { readIpv4, writeIpv4, type Ipv4Address } from '../addr/ipv4';
import { readMac, type MacAddress } from '../addr/mac';
import { wireFail, type WireResult } from '../addr/result';
import { readU16, writeU16 } from './checksum';

export const ARP_HTYPE = 0; // ..2
export const ARP_PTYPE = 2; // ..4
export const ARP_HLEN = 4;
export const ARP_PLEN = 5;
export const ARP_OPER = 6; // ..8
export const ARP_SHA = 8; // ..14
export const ARP_SPA = 14; // ..18
export const ARP_THA = 18; // ..24
export const ARP_TPA = 24; // ..28
export const ARP_LENGTH = 28;

export const ARP_HTYPE_ETHERNET = 1;
export const ARP_PTYPE_IPV4 = 0x0800;

export const ArpOperation = { Request: 1, Reply: 2, RarpRequest: 3, RarpReply: 4 } as const;

export interface ArpRepr {
  /** 1 request, 2 reply; other values kept as they are. */
  operation: number;
  senderMac: MacAddress;
  senderIp: Ipv4Address;
  targetMac: MacAddress;
  targetIp: Ipv4Address;
}

export function parseArp(bytes: Uint8Array, offset = 0, length = bytes.length - offset): WireResult<ArpRepr> {
  if (length < 8) return wireFail(`ARP packet truncated: ${length} bytes, fixed part needs 8`, offset);
  const htype = readU16(bytes, offset + ARP_HTYPE);
  const ptype = readU16(bytes, offset + ARP_PTYPE);
  const hlen = bytes[offset + ARP_HLEN];
  const plen = bytes[offset + ARP_PLEN];
  if (htype !== ARP_HTYPE_ETHERNET || hlen !== 6) {
    return wireFail(`unsupported ARP hardware type ${htype} with address length ${hlen} (only Ethernet)`, offset);
  }
  if (ptype !== ARP_PTYPE_IPV4 || plen !== 4) {
    return wireFail(`unsupported ARP protocol type 0x${ptype.toString(16)} with address length ${plen} (only IPv4)`, offset + 2);
  }
  if (length < ARP_LENGTH) return wireFail(`ARP packet truncated: ${length} bytes, needs ${ARP_LENGTH}`, offset);
  return {
    ok: true,
    repr: {
      operation: readU16(bytes, offset + ARP_OPER),
      senderMac: readMac(bytes, offset + ARP_SHA),
      senderIp: readIpv4(bytes, offset + ARP_SPA),
      targetMac: readMac(bytes, offset + ARP_THA),
      targetIp: readIpv4(bytes, offset + ARP_TPA),
    },
    headerLength: ARP_LENGTH,
    payloadOffset: offset + ARP_LENGTH,
    payloadLength: 0,
  };
}

export function writeArp(repr: ArpRepr, buf: Uint8Array, offset = 0): void {
  writeU16(buf, offset + ARP_HTYPE, ARP_HTYPE_ETHERNET);
  writeU16(buf, offset + ARP_PTYPE, ARP_PTYPE_IPV4);
  buf[offset + ARP_HLEN] = 6;
  buf[offset + ARP_PLEN] = 4;
  writeU16(buf, offset + ARP_OPER, repr.operation);
  buf.set(repr.senderMac.subarray(0, 6), offset + ARP_SHA);
  writeIpv4(buf, offset + ARP_SPA, repr.senderIp);
  buf.set(repr.targetMac.subarray(0, 6), offset + ARP_THA);
  writeIpv4(buf, offset + ARP_TPA, repr.targetIp);
}

/** The 28-byte ARP packet (the Ethernet payload). */
export function emitArp(repr: ArpRepr): Uint8Array {
  const buf = new Uint8Array(ARP_LENGTH);
  writeArp(repr, buf, 0);
  return buf;
}
