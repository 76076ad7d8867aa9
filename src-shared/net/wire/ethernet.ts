// Ethernet II frames (no FCS, as captured). Values below 0x0600 in the type field are an
// IEEE 802.3 length; they are kept as `ethertype` like any unknown code point.
import { readMac, type MacAddress } from '../addr/mac';
import { wireFail, type WireResult } from '../addr/result';
import { readU16, writeU16 } from './checksum';

export const ETH_DST = 0; // ..6
export const ETH_SRC = 6; // ..12
export const ETH_TYPE = 12; // ..14
export const ETH_HEADER_LENGTH = 14;
/** Minimum frame length without FCS; shorter frames are padded on the wire. */
export const ETH_MIN_FRAME_LENGTH = 60;

export const EtherType = {
  IPv4: 0x0800,
  ARP: 0x0806,
  VLAN: 0x8100,
  IPv6: 0x86dd,
  QinQ: 0x88a8,
} as const;

export interface EthernetRepr {
  dst: MacAddress;
  src: MacAddress;
  ethertype: number;
}

export function parseEthernet(bytes: Uint8Array, offset = 0, length = bytes.length - offset): WireResult<EthernetRepr> {
  if (length < ETH_HEADER_LENGTH) {
    return wireFail(`Ethernet frame truncated: ${length} bytes, header needs ${ETH_HEADER_LENGTH}`, offset);
  }
  return {
    ok: true,
    repr: {
      dst: readMac(bytes, offset + ETH_DST),
      src: readMac(bytes, offset + ETH_SRC),
      ethertype: readU16(bytes, offset + ETH_TYPE),
    },
    headerLength: ETH_HEADER_LENGTH,
    payloadOffset: offset + ETH_HEADER_LENGTH,
    payloadLength: length - ETH_HEADER_LENGTH,
  };
}

export interface EthernetEmitOptions {
  /** Pad with zeros to the 60-byte minimum, as a NIC does on the wire. Default false. */
  pad?: boolean;
}

export function writeEthernetHeader(repr: EthernetRepr, buf: Uint8Array, offset = 0): void {
  buf.set(repr.dst.subarray(0, 6), offset + ETH_DST);
  buf.set(repr.src.subarray(0, 6), offset + ETH_SRC);
  writeU16(buf, offset + ETH_TYPE, repr.ethertype);
}

export function emitEthernet(repr: EthernetRepr, payload: Uint8Array, options?: EthernetEmitOptions): Uint8Array {
  let length = ETH_HEADER_LENGTH + payload.length;
  if (options?.pad && length < ETH_MIN_FRAME_LENGTH) length = ETH_MIN_FRAME_LENGTH;
  const buf = new Uint8Array(length);
  writeEthernetHeader(repr, buf, 0);
  buf.set(payload, ETH_HEADER_LENGTH);
  return buf;
}
