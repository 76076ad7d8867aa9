// IPv4 header (RFC 791): parse, emit with total length and header checksum, options kept as
// raw bytes (walk them with `walkIpv4Options`), plus a fragmenter and a small reassembler.
import { readIpv4, writeIpv4, type Ipv4Address } from '../addr/ipv4';
import { wireFail, type WireResult } from '../addr/result';
import { checksumValid, internetChecksum, readU16, updateChecksum, writeU16 } from './checksum';
import { fragmentPayload } from './fragment';

export const IPV4_VER_IHL = 0;
export const IPV4_TOS = 1;
export const IPV4_LENGTH = 2; // ..4
export const IPV4_IDENT = 4; // ..6
export const IPV4_FLAGS_FRAG = 6; // ..8
export const IPV4_TTL = 8;
export const IPV4_PROTOCOL = 9;
export const IPV4_CHECKSUM = 10; // ..12
export const IPV4_SRC = 12; // ..16
export const IPV4_DST = 16; // ..20
export const IPV4_MIN_HEADER_LENGTH = 20;
export const IPV4_MAX_HEADER_LENGTH = 60;

/** IANA protocol numbers (shared by IPv4 `protocol` and IPv6 `nextHeader`). */
export const IpProtocol = {
  HopByHop: 0,
  ICMP: 1,
  IGMP: 2,
  TCP: 6,
  UDP: 17,
  IPv6Route: 43,
  IPv6Frag: 44,
  ICMPv6: 58,
  IPv6NoNext: 59,
  IPv6Opts: 60,
} as const;

export interface Ipv4Repr {
  dscp: number;
  ecn: number;
  identification: number;
  /** The reserved (evil) bit, kept so a parsed header re-emits unchanged. */
  reservedFlag: boolean;
  dontFragment: boolean;
  moreFragments: boolean;
  /** Fragment offset in bytes (the wire field × 8). */
  fragmentOffset: number;
  ttl: number;
  protocol: number;
  src: Ipv4Address;
  dst: Ipv4Address;
  /** Raw option bytes (header bytes 20..IHL*4), possibly empty. */
  options: Uint8Array;
}

/** What a parse also reports: values computed on emit. */
export interface Ipv4Parsed extends Ipv4Repr {
  headerLength: number;
  totalLength: number;
  checksum: number;
  checksumValid: boolean;
}

/** Input to `emitIpv4`: addresses and protocol are required, everything else has defaults. */
export type Ipv4Fields = Pick<Ipv4Repr, 'src' | 'dst' | 'protocol'> & Partial<Ipv4Repr>;

export interface Ipv4ParseOptions {
  /**
   * Accept a packet shorter than its total length (an ICMP error's quoted datagram); the payload
   * is then what is present. Default false: a short packet is an error.
   */
  allowTruncated?: boolean;
}

/** Shared by every option-less header (most of them): avoids an allocation per parse. Do not write to it. */
const NO_OPTIONS = new Uint8Array(0);

export function parseIpv4(
  bytes: Uint8Array,
  offset = 0,
  length = bytes.length - offset,
  options?: Ipv4ParseOptions,
): WireResult<Ipv4Parsed> {
  if (length < IPV4_MIN_HEADER_LENGTH) {
    return wireFail(`IPv4 header truncated: ${length} bytes, needs at least 20`, offset);
  }
  const verIhl = bytes[offset];
  const version = verIhl >> 4;
  if (version !== 4) return wireFail(`IP version is ${version}, expected 4`, offset);
  const headerLength = (verIhl & 15) * 4;
  if (headerLength < IPV4_MIN_HEADER_LENGTH) {
    return wireFail(`IPv4 header length ${headerLength} is below the minimum of 20`, offset);
  }
  if (headerLength > length) {
    return wireFail(`IPv4 header length ${headerLength} exceeds the ${length} bytes available`, offset);
  }
  const totalLength = readU16(bytes, offset + IPV4_LENGTH);
  if (totalLength < headerLength) {
    return wireFail(`IPv4 total length ${totalLength} is less than the header length ${headerLength}`, offset + IPV4_LENGTH);
  }
  let end = offset + totalLength;
  if (totalLength > length) {
    if (!options?.allowTruncated) {
      return wireFail(`IPv4 total length ${totalLength} exceeds the ${length} bytes available`, offset + IPV4_LENGTH);
    }
    end = offset + length;
  }
  const tos = bytes[offset + IPV4_TOS];
  const flagsFrag = readU16(bytes, offset + IPV4_FLAGS_FRAG);
  const checksum = readU16(bytes, offset + IPV4_CHECKSUM);
  return {
    ok: true,
    repr: {
      dscp: tos >> 2,
      ecn: tos & 3,
      identification: readU16(bytes, offset + IPV4_IDENT),
      reservedFlag: (flagsFrag & 0x8000) !== 0,
      dontFragment: (flagsFrag & 0x4000) !== 0,
      moreFragments: (flagsFrag & 0x2000) !== 0,
      fragmentOffset: (flagsFrag & 0x1fff) * 8,
      ttl: bytes[offset + IPV4_TTL],
      protocol: bytes[offset + IPV4_PROTOCOL],
      src: readIpv4(bytes, offset + IPV4_SRC),
      dst: readIpv4(bytes, offset + IPV4_DST),
      options: headerLength === IPV4_MIN_HEADER_LENGTH ? NO_OPTIONS : bytes.slice(offset + IPV4_MIN_HEADER_LENGTH, offset + headerLength),
      headerLength,
      totalLength,
      checksum,
      checksumValid: checksumValid(bytes, offset, offset + headerLength),
    },
    headerLength,
    payloadOffset: offset + headerLength,
    payloadLength: end - offset - headerLength,
  };
}

/** Header length `emitIpv4` will produce (options padded to a multiple of 4). */
export function ipv4HeaderLength(fields: Ipv4Fields): number {
  const optLen = fields.options ? fields.options.length : 0;
  return IPV4_MIN_HEADER_LENGTH + ((optLen + 3) & ~3);
}

/** Writes the header at `offset` for a payload of `payloadLength` bytes; returns the header length. */
export function writeIpv4Header(fields: Ipv4Fields, buf: Uint8Array, offset: number, payloadLength: number): number {
  const headerLength = ipv4HeaderLength(fields);
  const totalLength = headerLength + payloadLength;
  if (totalLength > 0xffff) throw new RangeError(`IPv4 packet of ${totalLength} bytes exceeds 65535`);
  buf[offset] = 0x40 | (headerLength >> 2);
  buf[offset + IPV4_TOS] = (((fields.dscp ?? 0) & 0x3f) << 2) | ((fields.ecn ?? 0) & 3);
  writeU16(buf, offset + IPV4_LENGTH, totalLength);
  writeU16(buf, offset + IPV4_IDENT, fields.identification ?? 0);
  const flags =
    (fields.reservedFlag ? 0x8000 : 0) | (fields.dontFragment ? 0x4000 : 0) | (fields.moreFragments ? 0x2000 : 0);
  writeU16(buf, offset + IPV4_FLAGS_FRAG, flags | (((fields.fragmentOffset ?? 0) >> 3) & 0x1fff));
  buf[offset + IPV4_TTL] = fields.ttl ?? 64;
  buf[offset + IPV4_PROTOCOL] = fields.protocol;
  writeU16(buf, offset + IPV4_CHECKSUM, 0);
  writeIpv4(buf, offset + IPV4_SRC, fields.src);
  writeIpv4(buf, offset + IPV4_DST, fields.dst);
  if (fields.options && fields.options.length > 0) {
    buf.set(fields.options, offset + IPV4_MIN_HEADER_LENGTH);
    buf.fill(0, offset + IPV4_MIN_HEADER_LENGTH + fields.options.length, offset + headerLength);
  }
  writeU16(buf, offset + IPV4_CHECKSUM, internetChecksum(buf, offset, offset + headerLength));
  return headerLength;
}

/** Header + payload with total length and checksum filled in. Defaults: TTL 64, id 0, no flags. */
export function emitIpv4(fields: Ipv4Fields, payload: Uint8Array): Uint8Array {
  const headerLength = ipv4HeaderLength(fields);
  const buf = new Uint8Array(headerLength + payload.length);
  writeIpv4Header(fields, buf, 0, payload.length);
  buf.set(payload, headerLength);
  return buf;
}

/**
 * Decrements the TTL of the IPv4 header at `offset` in place, patching the header checksum
 * incrementally (RFC 1624) instead of re-summing: what a router does per forwarded packet.
 * Returns the new TTL (the caller drops the packet and sends time exceeded when it is 0).
 */
export function decrementIpv4Ttl(bytes: Uint8Array, offset = 0): number {
  const oldWord = readU16(bytes, offset + IPV4_TTL);
  const ttl = (bytes[offset + IPV4_TTL] - 1) & 0xff;
  bytes[offset + IPV4_TTL] = ttl;
  writeU16(bytes, offset + IPV4_CHECKSUM, updateChecksum(readU16(bytes, offset + IPV4_CHECKSUM), oldWord, readU16(bytes, offset + IPV4_TTL)));
  return ttl;
}

export const Ipv4OptionType = {
  EndOfList: 0,
  Nop: 1,
  RecordRoute: 7,
  Timestamp: 68,
  LooseSourceRoute: 131,
  StrictSourceRoute: 137,
  RouterAlert: 148,
} as const;

export interface Ipv4OptionSpan {
  type: number;
  /** Offset of the type byte within the options array. */
  offset: number;
  /** Whole option length, including type (and length) bytes. */
  length: number;
}

/**
 * Lists the options in an options area. A malformed option (length < 2 or running past the end)
 * ends the walk with an error; EOL ends it normally.
 */
export function walkIpv4Options(options: Uint8Array): { spans: Ipv4OptionSpan[]; error?: string } {
  const spans: Ipv4OptionSpan[] = [];
  let i = 0;
  while (i < options.length) {
    const type = options[i];
    if (type === Ipv4OptionType.EndOfList || type === Ipv4OptionType.Nop) {
      spans.push({ type, offset: i, length: 1 });
      i++;
      if (type === Ipv4OptionType.EndOfList) break;
      continue;
    }
    if (i + 1 >= options.length) return { spans, error: `option ${type} at ${i} has no length byte` };
    const len = options[i + 1];
    if (len < 2 || i + len > options.length) return { spans, error: `option ${type} at ${i} has bad length ${len}` };
    spans.push({ type, offset: i, length: len });
    i += len;
  }
  return { spans };
}

// ---------------------------------------------------------------------------------------------
// Fragmentation (RFC 791 §3.2, RFC 815 for the reassembly bookkeeping)

/**
 * Splits a datagram into packets that fit `mtu` (whole IP packet size). Fragment data lengths
 * are multiples of 8 except the last; only options with the copied bit go into later fragments.
 * An already-fragmented input is split relative to its own offset and MF bit. The DF bit is the
 * caller's decision (send ICMP "fragmentation needed" instead); this function does not look at it.
 * The walk is shared with IPv6 (`fragmentPayload`); only the headers differ.
 */
export function fragmentIpv4(fields: Ipv4Fields, payload: Uint8Array, mtu: number): Uint8Array[] {
  const firstHeader = ipv4HeaderLength(fields);
  if (firstHeader + payload.length <= mtu) return [emitIpv4(fields, payload)];
  const copied = copiedOptions(fields.options);
  const laterFields: Ipv4Fields = { ...fields, options: copied };
  const laterHeader = ipv4HeaderLength(laterFields);
  if (mtu - Math.max(firstHeader, laterHeader) < 8) {
    throw new RangeError(`MTU ${mtu} is too small to carry an IPv4 fragment`);
  }
  const baseOffset = fields.fragmentOffset ?? 0;
  const lastMore = fields.moreFragments ?? false;
  return fragmentPayload(payload, { first: mtu - firstHeader, later: mtu - laterHeader }, (piece, pos, last) =>
    emitIpv4({ ...(pos === 0 ? fields : laterFields), fragmentOffset: baseOffset + pos, moreFragments: last ? lastMore : true }, piece),
  );
}

function copiedOptions(options: Uint8Array | undefined): Uint8Array {
  if (!options || options.length === 0) return new Uint8Array(0);
  const { spans } = walkIpv4Options(options);
  const kept: number[] = [];
  for (const s of spans) {
    if (s.type & 0x80) for (let i = 0; i < s.length; i++) kept.push(options[s.offset + i]);
  }
  return Uint8Array.from(kept);
}

interface PendingDatagram {
  first?: Ipv4Parsed;
  firstPacket?: Uint8Array;
  pieces: { offset: number; data: Uint8Array }[];
  /** Payload length, known once the fragment without MF arrives. */
  totalPayload: number;
  deadline: number;
}

/**
 * Collects fragments keyed by (src, dst, protocol, identification) until a datagram is whole.
 * Time is whatever unit the caller uses (the engine's virtual microseconds); nothing here reads
 * a clock. Where fragments overlap, the bytes of the one with the lower offset win.
 */
export class Ipv4Reassembler {
  private readonly pending = new Map<string, PendingDatagram>();

  constructor(
    private readonly timeout: number,
    private readonly maxFragmentsPerDatagram = 64,
  ) {}

  get pendingCount(): number {
    return this.pending.size;
  }

  /**
   * Offers one IPv4 packet. Returns the reassembled packet (header of the first fragment, MF and
   * offset cleared) when complete, the packet itself when it is not a fragment, or null.
   */
  add(packet: Uint8Array, now: number): Uint8Array | null {
    const p = parseIpv4(packet);
    if (!p.ok) return null;
    const r = p.repr;
    if (!r.moreFragments && r.fragmentOffset === 0) return packet;
    const key = `${r.src}/${r.dst}/${r.protocol}/${r.identification}`;
    let d = this.pending.get(key);
    if (!d) {
      d = { pieces: [], totalPayload: -1, deadline: now + this.timeout };
      this.pending.set(key, d);
    }
    if (d.pieces.length >= this.maxFragmentsPerDatagram) {
      this.pending.delete(key);
      return null;
    }
    const data = packet.slice(p.payloadOffset, p.payloadOffset + p.payloadLength);
    if (r.fragmentOffset + data.length > 0xffff - IPV4_MIN_HEADER_LENGTH) {
      this.pending.delete(key);
      return null;
    }
    if (r.fragmentOffset === 0 && !d.first) {
      d.first = r;
      d.firstPacket = packet;
    }
    if (!r.moreFragments) d.totalPayload = r.fragmentOffset + data.length;
    d.pieces.push({ offset: r.fragmentOffset, data });
    if (!d.first || d.totalPayload < 0) return null;
    d.pieces.sort((a, b) => a.offset - b.offset);
    let covered = 0;
    for (const piece of d.pieces) {
      if (piece.offset > covered) return null;
      covered = Math.max(covered, piece.offset + piece.data.length);
    }
    if (covered < d.totalPayload) return null;
    const payload = new Uint8Array(d.totalPayload);
    for (let i = d.pieces.length - 1; i >= 0; i--) {
      const piece = d.pieces[i];
      payload.set(piece.data.subarray(0, Math.max(0, d.totalPayload - piece.offset)), piece.offset);
    }
    this.pending.delete(key);
    return emitIpv4({ ...d.first, moreFragments: false, fragmentOffset: 0 }, payload);
  }

  /**
   * Drops datagrams whose timer ran out and returns the first fragment (packet bytes) of each that
   * had one: RFC 792 says those get ICMP time exceeded, code 1, quoting that fragment.
   */
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
}
