// ICMPv6 (RFC 4443) and Neighbor Discovery (RFC 4861): echo, errors with the quoted packet,
// packet too big, router and neighbour solicitation/advertisement with their options.
// The checksum always covers the IPv6 pseudo-header, so emitting needs the addresses.
import { readIpv6, type Ipv6Address } from '../addr/ipv6';
import { readMac, type MacAddress } from '../addr/mac';
import { wireFail, type WireResult } from '../addr/result';
import { checksumValid, finishChecksum, ipv6PseudoSum, readU16, readU32, sumWords, writeU16, writeU32 } from './checksum';
import { IpProtocol } from './ipv4';

export const ICMPV6_TYPE = 0;
export const ICMPV6_CODE = 1;
export const ICMPV6_CHECKSUM = 2; // ..4
export const ICMPV6_HEADER_LENGTH = 8; // type, code, checksum and the first 32-bit word of the body
/** RFC 4443 §2.4: an error carries as much of the offending packet as fits the minimum MTU. */
export const ICMPV6_ERROR_MAX_LENGTH = 1280 - 40;

export const Icmpv6Type = {
  DestUnreachable: 1,
  PacketTooBig: 2,
  TimeExceeded: 3,
  ParameterProblem: 4,
  EchoRequest: 128,
  EchoReply: 129,
  RouterSolicitation: 133,
  RouterAdvertisement: 134,
  NeighborSolicitation: 135,
  NeighborAdvertisement: 136,
  Redirect: 137,
} as const;

export const Icmpv6UnreachableCode = {
  NoRoute: 0,
  AdminProhibited: 1,
  BeyondScope: 2,
  AddressUnreachable: 3,
  PortUnreachable: 4,
  SourcePolicyFailed: 5,
  RejectRoute: 6,
} as const;

export const Icmpv6TimeExceededCode = { HopLimitExceeded: 0, FragmentReassembly: 1 } as const;

/** Router advertisement flag bits (RFC 4861, RFC 4191 preference in 0x18). */
export const RaFlags = { Managed: 0x80, Other: 0x40, HomeAgent: 0x20 } as const;

export type NdpOption =
  | { kind: 'sourceLinkLayer' | 'targetLinkLayer'; mac: MacAddress }
  | {
      kind: 'prefixInformation';
      prefixLength: number;
      onLink: boolean;
      autonomous: boolean;
      validLifetime: number;
      preferredLifetime: number;
      prefix: Ipv6Address;
    }
  | { kind: 'mtu'; mtu: number }
  /** Any other option: `data` is the body after the type and length bytes. */
  | { kind: 'unknown'; type: number; data: Uint8Array };

export const NdpOptionType = { SourceLinkLayer: 1, TargetLinkLayer: 2, PrefixInformation: 3, RedirectedHeader: 4, Mtu: 5 } as const;

export type Icmpv6Repr =
  | { kind: 'echoRequest' | 'echoReply'; identifier: number; sequence: number; data: Uint8Array }
  | { kind: 'destUnreachable'; code: number; quote: Uint8Array }
  | { kind: 'packetTooBig'; mtu: number; quote: Uint8Array }
  | { kind: 'timeExceeded'; code: number; quote: Uint8Array }
  | { kind: 'parameterProblem'; code: number; pointer: number; quote: Uint8Array }
  | { kind: 'routerSolicitation'; options: NdpOption[] }
  | {
      kind: 'routerAdvertisement';
      curHopLimit: number;
      /** Raw flags byte (RaFlags). */
      flags: number;
      /** Seconds; 0 = not a default router. */
      routerLifetime: number;
      reachableTime: number;
      retransTimer: number;
      options: NdpOption[];
    }
  | { kind: 'neighborSolicitation'; target: Ipv6Address; options: NdpOption[] }
  | {
      kind: 'neighborAdvertisement';
      router: boolean;
      solicited: boolean;
      override: boolean;
      target: Ipv6Address;
      options: NdpOption[];
    }
  /** Any other type (MLD, redirect, …): `body` is everything after the checksum. */
  | { kind: 'other'; type: number; code: number; body: Uint8Array };

export interface Icmpv6HeaderInfo {
  type: number;
  code: number;
  checksum: number;
  /** Known only when the IPv6 addresses were given to the parser. */
  checksumValid?: boolean;
}

export type Icmpv6Parsed = Icmpv6Repr & Icmpv6HeaderInfo;

export interface Ipv6Pair {
  src: Ipv6Address;
  dst: Ipv6Address;
}

/** Parses a message; with `ip` the checksum is verified. `data`/`quote`/`body` are views. */
export function parseIcmpv6(
  bytes: Uint8Array,
  offset = 0,
  length = bytes.length - offset,
  ip?: Ipv6Pair,
): WireResult<Icmpv6Parsed> {
  if (length < 4) return wireFail(`ICMPv6 message truncated: ${length} bytes, needs at least 4`, offset);
  const end = offset + length;
  const type = bytes[offset];
  const code = bytes[offset + 1];
  const info: Icmpv6HeaderInfo = { type, code, checksum: readU16(bytes, offset + ICMPV6_CHECKSUM) };
  if (ip) info.checksumValid = checksumValid(bytes, offset, end, ipv6PseudoSum(ip.src, ip.dst, IpProtocol.ICMPv6, length));
  const need = (n: number) => (length < n ? wireFail(`ICMPv6 type ${type} truncated: ${length} bytes, needs ${n}`, offset) : null);
  let repr: Icmpv6Repr;
  let headerLength = ICMPV6_HEADER_LENGTH;
  switch (type) {
    case Icmpv6Type.EchoRequest:
    case Icmpv6Type.EchoReply: {
      const short = need(8);
      if (short) return short;
      repr = {
        kind: type === Icmpv6Type.EchoRequest ? 'echoRequest' : 'echoReply',
        identifier: readU16(bytes, offset + 4),
        sequence: readU16(bytes, offset + 6),
        data: bytes.subarray(offset + 8, end),
      };
      break;
    }
    case Icmpv6Type.DestUnreachable:
    case Icmpv6Type.PacketTooBig:
    case Icmpv6Type.TimeExceeded:
    case Icmpv6Type.ParameterProblem: {
      const short = need(8);
      if (short) return short;
      const quote = bytes.subarray(offset + 8, end);
      const word = readU32(bytes, offset + 4);
      if (type === Icmpv6Type.DestUnreachable) repr = { kind: 'destUnreachable', code, quote };
      else if (type === Icmpv6Type.PacketTooBig) repr = { kind: 'packetTooBig', mtu: word, quote };
      else if (type === Icmpv6Type.TimeExceeded) repr = { kind: 'timeExceeded', code, quote };
      else repr = { kind: 'parameterProblem', code, pointer: word, quote };
      break;
    }
    case Icmpv6Type.RouterSolicitation: {
      const short = need(8);
      if (short) return short;
      const options = parseNdpOptions(bytes, offset + 8, end);
      if (!Array.isArray(options)) return options;
      repr = { kind: 'routerSolicitation', options };
      break;
    }
    case Icmpv6Type.RouterAdvertisement: {
      const short = need(16);
      if (short) return short;
      const options = parseNdpOptions(bytes, offset + 16, end);
      if (!Array.isArray(options)) return options;
      repr = {
        kind: 'routerAdvertisement',
        curHopLimit: bytes[offset + 4],
        flags: bytes[offset + 5],
        routerLifetime: readU16(bytes, offset + 6),
        reachableTime: readU32(bytes, offset + 8),
        retransTimer: readU32(bytes, offset + 12),
        options,
      };
      headerLength = 16;
      break;
    }
    case Icmpv6Type.NeighborSolicitation:
    case Icmpv6Type.NeighborAdvertisement: {
      const short = need(24);
      if (short) return short;
      const options = parseNdpOptions(bytes, offset + 24, end);
      if (!Array.isArray(options)) return options;
      const target = readIpv6(bytes, offset + 8);
      const f = bytes[offset + 4];
      repr =
        type === Icmpv6Type.NeighborSolicitation
          ? { kind: 'neighborSolicitation', target, options }
          : {
              kind: 'neighborAdvertisement',
              router: (f & 0x80) !== 0,
              solicited: (f & 0x40) !== 0,
              override: (f & 0x20) !== 0,
              target,
              options,
            };
      headerLength = 24;
      break;
    }
    default:
      repr = { kind: 'other', type, code, body: bytes.subarray(offset + 4, end) };
      headerLength = 4;
  }
  return {
    ok: true,
    repr: Object.assign(repr, info) as Icmpv6Parsed,
    headerLength,
    payloadOffset: offset + headerLength,
    payloadLength: length - headerLength,
  };
}

/** NDP options (8-byte units). A zero length is an error: RFC 4861 §4.6 says drop the packet. */
export function parseNdpOptions(bytes: Uint8Array, start: number, end: number): NdpOption[] | { ok: false; error: { message: string; offset: number } } {
  const out: NdpOption[] = [];
  let i = start;
  while (i < end) {
    if (end - i < 2) return wireFail('NDP option truncated', i);
    const type = bytes[i];
    const len = bytes[i + 1] * 8;
    if (len === 0) return wireFail(`NDP option ${type} has length 0`, i + 1);
    if (i + len > end) return wireFail(`NDP option ${type} of ${len} bytes runs past the message`, i + 1);
    if ((type === 1 || type === 2) && len === 8) {
      out.push({ kind: type === 1 ? 'sourceLinkLayer' : 'targetLinkLayer', mac: readMac(bytes, i + 2) });
    } else if (type === NdpOptionType.PrefixInformation && len === 32) {
      const f = bytes[i + 3];
      out.push({
        kind: 'prefixInformation',
        prefixLength: bytes[i + 2],
        onLink: (f & 0x80) !== 0,
        autonomous: (f & 0x40) !== 0,
        validLifetime: readU32(bytes, i + 4),
        preferredLifetime: readU32(bytes, i + 8),
        prefix: readIpv6(bytes, i + 16),
      });
    } else if (type === NdpOptionType.Mtu && len === 8) {
      out.push({ kind: 'mtu', mtu: readU32(bytes, i + 4) });
    } else {
      out.push({ kind: 'unknown', type, data: bytes.slice(i + 2, i + len) });
    }
    i += len;
  }
  return out;
}

function ndpOptionLength(o: NdpOption): number {
  switch (o.kind) {
    case 'sourceLinkLayer':
    case 'targetLinkLayer':
    case 'mtu':
      return 8;
    case 'prefixInformation':
      return 32;
    case 'unknown':
      return (2 + o.data.length + 7) & ~7;
  }
}

function writeNdpOptions(options: NdpOption[], buf: Uint8Array, pos: number): void {
  for (const o of options) {
    const len = ndpOptionLength(o);
    buf[pos + 1] = len / 8;
    switch (o.kind) {
      case 'sourceLinkLayer':
      case 'targetLinkLayer':
        buf[pos] = o.kind === 'sourceLinkLayer' ? 1 : 2;
        buf.set(o.mac.subarray(0, 6), pos + 2);
        break;
      case 'mtu':
        buf[pos] = NdpOptionType.Mtu;
        writeU32(buf, pos + 4, o.mtu);
        break;
      case 'prefixInformation':
        buf[pos] = NdpOptionType.PrefixInformation;
        buf[pos + 2] = o.prefixLength;
        buf[pos + 3] = (o.onLink ? 0x80 : 0) | (o.autonomous ? 0x40 : 0);
        writeU32(buf, pos + 4, o.validLifetime);
        writeU32(buf, pos + 8, o.preferredLifetime);
        buf.set(o.prefix.subarray(0, 16), pos + 16);
        break;
      case 'unknown':
        buf[pos] = o.type;
        buf.set(o.data, pos + 2);
        break;
    }
    pos += len;
  }
}

function optionsLength(options: NdpOption[]): number {
  let n = 0;
  for (const o of options) n += ndpOptionLength(o);
  return n;
}

/** The ICMPv6 message (the IPv6 payload) with its checksum over the pseudo-header of `ip`. */
export function emitIcmpv6(repr: Icmpv6Repr, ip: Ipv6Pair): Uint8Array {
  let buf: Uint8Array;
  switch (repr.kind) {
    case 'echoRequest':
    case 'echoReply':
      buf = new Uint8Array(8 + repr.data.length);
      buf[0] = repr.kind === 'echoRequest' ? Icmpv6Type.EchoRequest : Icmpv6Type.EchoReply;
      writeU16(buf, 4, repr.identifier);
      writeU16(buf, 6, repr.sequence);
      buf.set(repr.data, 8);
      break;
    case 'destUnreachable':
    case 'packetTooBig':
    case 'timeExceeded':
    case 'parameterProblem': {
      const quote = repr.quote.subarray(0, ICMPV6_ERROR_MAX_LENGTH - 8);
      buf = new Uint8Array(8 + quote.length);
      if (repr.kind === 'packetTooBig') {
        buf[0] = Icmpv6Type.PacketTooBig;
        writeU32(buf, 4, repr.mtu);
      } else {
        buf[0] =
          repr.kind === 'destUnreachable'
            ? Icmpv6Type.DestUnreachable
            : repr.kind === 'timeExceeded'
              ? Icmpv6Type.TimeExceeded
              : Icmpv6Type.ParameterProblem;
        buf[1] = repr.code;
        if (repr.kind === 'parameterProblem') writeU32(buf, 4, repr.pointer);
      }
      buf.set(quote, 8);
      break;
    }
    case 'routerSolicitation':
      buf = new Uint8Array(8 + optionsLength(repr.options));
      buf[0] = Icmpv6Type.RouterSolicitation;
      writeNdpOptions(repr.options, buf, 8);
      break;
    case 'routerAdvertisement':
      buf = new Uint8Array(16 + optionsLength(repr.options));
      buf[0] = Icmpv6Type.RouterAdvertisement;
      buf[4] = repr.curHopLimit;
      buf[5] = repr.flags;
      writeU16(buf, 6, repr.routerLifetime);
      writeU32(buf, 8, repr.reachableTime);
      writeU32(buf, 12, repr.retransTimer);
      writeNdpOptions(repr.options, buf, 16);
      break;
    case 'neighborSolicitation':
    case 'neighborAdvertisement':
      buf = new Uint8Array(24 + optionsLength(repr.options));
      if (repr.kind === 'neighborSolicitation') buf[0] = Icmpv6Type.NeighborSolicitation;
      else {
        buf[0] = Icmpv6Type.NeighborAdvertisement;
        buf[4] = (repr.router ? 0x80 : 0) | (repr.solicited ? 0x40 : 0) | (repr.override ? 0x20 : 0);
      }
      buf.set(repr.target.subarray(0, 16), 8);
      writeNdpOptions(repr.options, buf, 24);
      break;
    case 'other':
      buf = new Uint8Array(4 + repr.body.length);
      buf[0] = repr.type;
      buf[1] = repr.code;
      buf.set(repr.body, 4);
      break;
  }
  const sum = sumWords(buf, 0, buf.length, ipv6PseudoSum(ip.src, ip.dst, IpProtocol.ICMPv6, buf.length));
  writeU16(buf, ICMPV6_CHECKSUM, finishChecksum(sum));
  return buf;
}

/** The start of an offending packet that an ICMPv6 error quotes (as much as fits 1280 bytes). */
export function icmpv6Quote(ipv6Packet: Uint8Array): Uint8Array {
  return ipv6Packet.subarray(0, Math.min(ipv6Packet.length, ICMPV6_ERROR_MAX_LENGTH - 8));
}
