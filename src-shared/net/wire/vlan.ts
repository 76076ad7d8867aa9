// IEEE 802.1Q VLAN tags: 16-bit TCI (PCP 3 bits, DEI 1 bit, VID 12 bits) then the inner
// ethertype. 802.1ad (0x88a8) outer tags have the same layout, so stacked tags are walked too.
import type { MacAddress } from '../addr/mac';
import { wireFail, type WireResult } from '../addr/result';
import { readU16, writeU16 } from './checksum';
import { ETH_HEADER_LENGTH, EtherType, parseEthernet } from './ethernet';

export const VLAN_TCI = 0; // ..2
export const VLAN_TYPE = 2; // ..4
export const VLAN_TAG_LENGTH = 4;
/** Stacked tags beyond this are reported rather than walked. */
export const VLAN_MAX_TAGS = 4;

export interface VlanTag {
  /** Priority code point 0..7. */
  pcp: number;
  /** Drop eligible indicator. */
  dei: boolean;
  /** VLAN identifier 0..4095 (0 = priority tag only, 4095 reserved). */
  vid: number;
}

export interface VlanParsed extends VlanTag {
  /** The type after the tag: the payload's ethertype, or another tag. */
  ethertype: number;
}

export function isVlanEthertype(t: number): boolean {
  return t === EtherType.VLAN || t === EtherType.QinQ;
}

/** Parses one 4-byte tag that follows an 0x8100/0x88a8 type field. */
export function parseVlanTag(bytes: Uint8Array, offset = 0, length = bytes.length - offset): WireResult<VlanParsed> {
  if (length < VLAN_TAG_LENGTH) return wireFail(`802.1Q tag truncated: ${length} bytes, needs 4`, offset);
  const tci = readU16(bytes, offset + VLAN_TCI);
  return {
    ok: true,
    repr: { pcp: tci >> 13, dei: (tci & 0x1000) !== 0, vid: tci & 0x0fff, ethertype: readU16(bytes, offset + VLAN_TYPE) },
    headerLength: VLAN_TAG_LENGTH,
    payloadOffset: offset + VLAN_TAG_LENGTH,
    payloadLength: length - VLAN_TAG_LENGTH,
  };
}

export interface TaggedEthernetRepr {
  dst: MacAddress;
  src: MacAddress;
  /** Outermost first; empty for an untagged frame. */
  tags: VlanTag[];
  /** Type of the payload after all tags. */
  ethertype: number;
}

/** Ethernet header plus any VLAN tags: the payload offset is after the last tag. */
export function parseEthernetVlan(bytes: Uint8Array, offset = 0, length = bytes.length - offset): WireResult<TaggedEthernetRepr> {
  const eth = parseEthernet(bytes, offset, length);
  if (!eth.ok) return eth;
  const tags: VlanTag[] = [];
  let type = eth.repr.ethertype;
  let pos = eth.payloadOffset;
  const end = offset + length;
  while (isVlanEthertype(type)) {
    if (tags.length === VLAN_MAX_TAGS) return wireFail(`more than ${VLAN_MAX_TAGS} stacked VLAN tags`, pos);
    const t = parseVlanTag(bytes, pos, end - pos);
    if (!t.ok) return t;
    tags.push({ pcp: t.repr.pcp, dei: t.repr.dei, vid: t.repr.vid });
    type = t.repr.ethertype;
    pos = t.payloadOffset;
  }
  return {
    ok: true,
    repr: { dst: eth.repr.dst, src: eth.repr.src, tags, ethertype: type },
    headerLength: pos - offset,
    payloadOffset: pos,
    payloadLength: end - pos,
  };
}

/** A frame with one 802.1Q tag (TPID 0x8100) or, with several tags, 0x88a8 outer tags. */
export function emitEthernetVlan(repr: TaggedEthernetRepr, payload: Uint8Array): Uint8Array {
  const n = repr.tags.length;
  const headerLength = ETH_HEADER_LENGTH + n * VLAN_TAG_LENGTH;
  const buf = new Uint8Array(headerLength + payload.length);
  buf.set(repr.dst.subarray(0, 6), 0);
  buf.set(repr.src.subarray(0, 6), 6);
  let pos = 12;
  for (let i = 0; i < n; i++) {
    const t = repr.tags[i];
    writeU16(buf, pos, i < n - 1 ? EtherType.QinQ : EtherType.VLAN);
    writeU16(buf, pos + 2, ((t.pcp & 7) << 13) | (t.dei ? 0x1000 : 0) | (t.vid & 0x0fff));
    pos += 4;
  }
  writeU16(buf, pos, repr.ethertype);
  buf.set(payload, headerLength);
  return buf;
}
