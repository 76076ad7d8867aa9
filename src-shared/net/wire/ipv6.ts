// IPv6 fixed header (RFC 8200) and the extension header chain: hop-by-hop and destination
// options, routing, fragment. Parsing walks the chain to the upper-layer protocol.
import { formatIpv6, readIpv6, type Ipv6Address } from '../addr/ipv6';
import { wireFail, type WireResult } from '../addr/result';
import { readU16, readU32, writeU16, writeU32 } from './checksum';
import { fragmentPayload } from './fragment';
import { IpProtocol } from './ipv4';

export const IPV6_VER_TC_FLOW = 0; // ..4
export const IPV6_PAYLOAD_LENGTH = 4; // ..6
export const IPV6_NEXT_HEADER = 6;
export const IPV6_HOP_LIMIT = 7;
export const IPV6_SRC = 8; // ..24
export const IPV6_DST = 24; // ..40
export const IPV6_HEADER_LENGTH = 40;
/** Extension headers walked before giving up (a chain this long is hostile). */
export const IPV6_MAX_EXTENSIONS = 16;

export interface Ipv6Option {
  /** Option type (0 = Pad1, 1 = PadN, 5 = Router Alert, …); kept even when unknown. */
  type: number;
  data: Uint8Array;
}

export type Ipv6ExtensionFields =
  | { kind: 'hopByHop' | 'destination'; options: Ipv6Option[] }
  | { kind: 'routing'; routingType: number; segmentsLeft: number; data: Uint8Array }
  /** `fragmentOffset` in bytes (wire field × 8). */
  | { kind: 'fragment'; fragmentOffset: number; moreFragments: boolean; identification: number };

/** A parsed extension header: its fields plus where it sits and what follows it. */
export type Ipv6Extension = Ipv6ExtensionFields & { offset: number; length: number; nextHeader: number };

export interface Ipv6Repr {
  trafficClass: number;
  flowLabel: number;
  /** The fixed header's Next Header field (the first extension header, or the upper layer). */
  nextHeader: number;
  hopLimit: number;
  src: Ipv6Address;
  dst: Ipv6Address;
}

export interface Ipv6Parsed extends Ipv6Repr {
  /** The Payload Length field. */
  payloadLength: number;
  extensions: Ipv6Extension[];
  /** Protocol after the last extension header (59 = no next header). */
  upperProtocol: number;
  /** The fragment header, if any; a non-first fragment's payload is not an upper-layer header. */
  fragment?: Extract<Ipv6Extension, { kind: 'fragment' }>;
}

/**
 * Parses the fixed header and the extension chain. `payloadOffset`/`payloadLength` describe the
 * upper-layer payload after the last extension header.
 */
export function parseIpv6(bytes: Uint8Array, offset = 0, length = bytes.length - offset): WireResult<Ipv6Parsed> {
  if (length < IPV6_HEADER_LENGTH) return wireFail(`IPv6 header truncated: ${length} bytes, needs 40`, offset);
  const word = readU32(bytes, offset);
  if (word >>> 28 !== 6) return wireFail(`IP version is ${word >>> 28}, expected 6`, offset);
  const payloadLength = readU16(bytes, offset + IPV6_PAYLOAD_LENGTH);
  if (IPV6_HEADER_LENGTH + payloadLength > length) {
    return wireFail(
      `IPv6 payload length ${payloadLength} exceeds the ${length - IPV6_HEADER_LENGTH} bytes available`,
      offset + IPV6_PAYLOAD_LENGTH,
    );
  }
  const end = offset + IPV6_HEADER_LENGTH + payloadLength;
  const repr: Ipv6Parsed = {
    trafficClass: (word >>> 20) & 0xff,
    flowLabel: word & 0xfffff,
    nextHeader: bytes[offset + IPV6_NEXT_HEADER],
    hopLimit: bytes[offset + IPV6_HOP_LIMIT],
    src: readIpv6(bytes, offset + IPV6_SRC),
    dst: readIpv6(bytes, offset + IPV6_DST),
    payloadLength,
    extensions: [],
    upperProtocol: 0,
  };
  let nh = repr.nextHeader;
  let pos = offset + IPV6_HEADER_LENGTH;
  while (isExtensionHeader(nh)) {
    if (repr.extensions.length === IPV6_MAX_EXTENSIONS) return wireFail(`more than ${IPV6_MAX_EXTENSIONS} extension headers`, pos);
    if (end - pos < 8) return wireFail(`IPv6 extension header ${nh} truncated`, pos);
    const next = bytes[pos];
    let ext: Ipv6Extension;
    if (nh === IpProtocol.IPv6Frag) {
      const fo = readU16(bytes, pos + 2);
      ext = {
        kind: 'fragment',
        offset: pos,
        length: 8,
        nextHeader: next,
        fragmentOffset: fo & 0xfff8,
        moreFragments: (fo & 1) === 1,
        identification: readU32(bytes, pos + 4),
      };
      repr.fragment = ext;
    } else {
      const len = (bytes[pos + 1] + 1) * 8;
      if (pos + len > end) return wireFail(`IPv6 extension header ${nh} length ${len} runs past the payload`, pos + 1);
      if (nh === IpProtocol.IPv6Route) {
        ext = {
          kind: 'routing',
          offset: pos,
          length: len,
          nextHeader: next,
          routingType: bytes[pos + 2],
          segmentsLeft: bytes[pos + 3],
          data: bytes.slice(pos + 4, pos + len),
        };
      } else {
        const options = parseIpv6Options(bytes, pos + 2, pos + len);
        if (typeof options === 'string') return wireFail(options, pos);
        ext = { kind: nh === IpProtocol.HopByHop ? 'hopByHop' : 'destination', offset: pos, length: len, nextHeader: next, options };
      }
    }
    repr.extensions.push(ext);
    pos += ext.length;
    nh = next;
    // Past a non-first fragment the bytes belong to the middle of the original packet.
    if (ext.kind === 'fragment' && ext.fragmentOffset !== 0) break;
  }
  repr.upperProtocol = nh;
  return { ok: true, repr, headerLength: pos - offset, payloadOffset: pos, payloadLength: end - pos };
}

export function isExtensionHeader(nh: number): boolean {
  return nh === IpProtocol.HopByHop || nh === IpProtocol.IPv6Route || nh === IpProtocol.IPv6Frag || nh === IpProtocol.IPv6Opts;
}

/** TLV options of a hop-by-hop/destination header; returns an error string if one overruns. */
function parseIpv6Options(bytes: Uint8Array, start: number, end: number): Ipv6Option[] | string {
  const out: Ipv6Option[] = [];
  let i = start;
  while (i < end) {
    const type = bytes[i];
    if (type === 0) {
      out.push({ type, data: new Uint8Array(0) });
      i++;
      continue;
    }
    if (i + 2 > end) return `IPv6 option ${type} has no length byte`;
    const len = bytes[i + 1];
    if (i + 2 + len > end) return `IPv6 option ${type} length ${len} runs past its header`;
    out.push({ type, data: bytes.slice(i + 2, i + 2 + len) });
    i += 2 + len;
  }
  return out;
}

export type Ipv6Fields = Pick<Ipv6Repr, 'src' | 'dst'> &
  Partial<Omit<Ipv6Repr, 'nextHeader'>> & {
    /** The upper-layer protocol: the last extension header's Next Header, or the fixed header's. */
    nextHeader: number;
    extensions?: Ipv6ExtensionFields[];
  };

function optionsLength(options: Ipv6Option[]): number {
  let n = 0;
  for (const o of options) n += o.type === 0 ? 1 : 2 + o.data.length;
  return n;
}

function extensionLength(e: Ipv6ExtensionFields): number {
  if (e.kind === 'fragment') return 8;
  if (e.kind === 'routing') return (4 + e.data.length + 7) & ~7;
  return (2 + optionsLength(e.options) + 7) & ~7;
}

const EXT_PROTOCOL = { hopByHop: IpProtocol.HopByHop, destination: IpProtocol.IPv6Opts, routing: IpProtocol.IPv6Route, fragment: IpProtocol.IPv6Frag };

/** Header, extension headers (padded to 8 with Pad1/PadN) and payload; lengths filled in. */
export function emitIpv6(fields: Ipv6Fields, payload: Uint8Array): Uint8Array {
  const exts = fields.extensions ?? [];
  let extLen = 0;
  for (const e of exts) extLen += extensionLength(e);
  const payloadLength = extLen + payload.length;
  if (payloadLength > 0xffff) throw new RangeError(`IPv6 payload of ${payloadLength} bytes exceeds 65535 (jumbograms unsupported)`);
  const buf = new Uint8Array(IPV6_HEADER_LENGTH + payloadLength);
  writeU32(buf, 0, (6 << 28) | (((fields.trafficClass ?? 0) & 0xff) << 20) | ((fields.flowLabel ?? 0) & 0xfffff));
  writeU16(buf, IPV6_PAYLOAD_LENGTH, payloadLength);
  buf[IPV6_NEXT_HEADER] = exts.length > 0 ? EXT_PROTOCOL[exts[0].kind] : fields.nextHeader;
  buf[IPV6_HOP_LIMIT] = fields.hopLimit ?? 64;
  buf.set(fields.src.subarray(0, 16), IPV6_SRC);
  buf.set(fields.dst.subarray(0, 16), IPV6_DST);
  let pos = IPV6_HEADER_LENGTH;
  for (let i = 0; i < exts.length; i++) {
    const e = exts[i];
    const len = extensionLength(e);
    buf[pos] = i + 1 < exts.length ? EXT_PROTOCOL[exts[i + 1].kind] : fields.nextHeader;
    if (e.kind === 'fragment') {
      writeU16(buf, pos + 2, (e.fragmentOffset & 0xfff8) | (e.moreFragments ? 1 : 0));
      writeU32(buf, pos + 4, e.identification);
    } else {
      buf[pos + 1] = len / 8 - 1;
      if (e.kind === 'routing') {
        buf[pos + 2] = e.routingType;
        buf[pos + 3] = e.segmentsLeft;
        buf.set(e.data, pos + 4);
      } else {
        let q = pos + 2;
        for (const o of e.options) {
          buf[q++] = o.type;
          if (o.type === 0) continue;
          buf[q++] = o.data.length;
          buf.set(o.data, q);
          q += o.data.length;
        }
        const pad = pos + len - q;
        if (pad === 1) buf[q] = 0; // Pad1
        else if (pad > 1) {
          buf[q] = 1; // PadN, zero-filled
          buf[q + 1] = pad - 2;
        }
      }
    }
    pos += len;
  }
  buf.set(payload, pos);
  return buf;
}

/**
 * Splits an upper-layer packet into IPv6 fragments that fit `mtu` (RFC 8200 §4.5). Extension
 * headers in `fields` are the unfragmentable part and are repeated in every fragment; the
 * fragment header follows them.
 */
export function fragmentIpv6(fields: Ipv6Fields, payload: Uint8Array, mtu: number, identification: number): Uint8Array[] {
  let unfrag = 0;
  for (const e of fields.extensions ?? []) unfrag += extensionLength(e);
  const room = mtu - IPV6_HEADER_LENGTH - unfrag - 8;
  if (room < 8) throw new RangeError(`MTU ${mtu} is too small to carry an IPv6 fragment`);
  const before = fields.extensions ?? [];
  return fragmentPayload(payload, { first: room, later: room }, (piece, pos, last) =>
    emitIpv6({ ...fields, extensions: [...before, { kind: 'fragment', fragmentOffset: pos, moreFragments: !last, identification }] }, piece),
  );
}

interface PendingIpv6 {
  /** Header fields and extension headers before the fragment header, from the first fragment. */
  unfragmentable?: Ipv6Fields;
  firstPacket?: Uint8Array;
  pieces: { offset: number; data: Uint8Array }[];
  totalPayload: number;
  deadline: number;
}

/**
 * Reassembles IPv6 fragments keyed by (src, dst, identification) (RFC 8200 §4.5). Overlapping
 * fragments drop the whole datagram (RFC 5722). Time is the caller's (virtual) clock.
 */
export class Ipv6Reassembler {
  private readonly pending = new Map<string, PendingIpv6>();

  constructor(
    private readonly timeout: number,
    private readonly maxFragmentsPerDatagram = 64,
  ) {}

  get pendingCount(): number {
    return this.pending.size;
  }

  /** Returns the reassembled packet (no fragment header), the packet itself if unfragmented, or null. */
  add(packet: Uint8Array, now: number): Uint8Array | null {
    const p = parseIpv6(packet);
    if (!p.ok) return null;
    const frag = p.repr.fragment;
    if (!frag) return packet;
    const key = `${formatIpv6(p.repr.src)}/${formatIpv6(p.repr.dst)}/${frag.identification}`;
    if (frag.fragmentOffset === 0 && !frag.moreFragments) {
      // An atomic fragment (RFC 6946): complete on its own.
      return this.build(p.repr, frag, packet.subarray(p.payloadOffset, p.payloadOffset + p.payloadLength));
    }
    let d = this.pending.get(key);
    if (!d) {
      d = { pieces: [], totalPayload: -1, deadline: now + this.timeout };
      this.pending.set(key, d);
    }
    const data = packet.slice(p.payloadOffset, p.payloadOffset + p.payloadLength);
    const start = frag.fragmentOffset;
    const end = start + data.length;
    const overlaps = d.pieces.some((q) => start < q.offset + q.data.length && q.offset < end);
    if (overlaps || d.pieces.length >= this.maxFragmentsPerDatagram || end > 0xffff || (frag.moreFragments && data.length % 8 !== 0)) {
      this.pending.delete(key);
      return null;
    }
    if (start === 0) {
      d.unfragmentable = this.fieldsBefore(p.repr, frag);
      d.firstPacket = packet;
    }
    if (!frag.moreFragments) d.totalPayload = end;
    d.pieces.push({ offset: start, data });
    if (!d.unfragmentable || d.totalPayload < 0) return null;
    let covered = 0;
    for (const q of d.pieces) covered += q.data.length;
    if (covered !== d.totalPayload) return null;
    const payload = new Uint8Array(d.totalPayload);
    for (const q of d.pieces) payload.set(q.data, q.offset);
    this.pending.delete(key);
    return emitIpv6(d.unfragmentable, payload);
  }

  /** Drops timed-out datagrams; returns the first fragment of each (for time exceeded, code 1). */
  expire(now: number): Uint8Array[] {
    const expired: Uint8Array[] = [];
    for (const [key, d] of this.pending) {
      if (d.deadline <= now) {
        if (d.firstPacket) expired.push(d.firstPacket);
        this.pending.delete(key);
      }
    }
    return expired;
  }

  private fieldsBefore(r: Ipv6Parsed, frag: Ipv6Extension): Ipv6Fields {
    const before = r.extensions.slice(0, r.extensions.indexOf(frag));
    return { ...r, nextHeader: frag.nextHeader, extensions: before };
  }

  private build(r: Ipv6Parsed, frag: Ipv6Extension, payload: Uint8Array): Uint8Array {
    return emitIpv6(this.fieldsBefore(r, frag), payload);
  }
}
