// ICMP for IPv4 (RFC 792, RFC 1191 for "fragmentation needed" with next-hop MTU).
import { wireFail, type WireResult } from '../addr/result';
import { checksumValid, internetChecksum, readU16, readU32, writeU16, writeU32 } from './checksum';

export const ICMP_TYPE = 0;
export const ICMP_CODE = 1;
export const ICMP_CHECKSUM = 2; // ..4
export const ICMP_REST = 4; // ..8: identifier+sequence, unused+next-hop MTU, gateway, …
export const ICMP_HEADER_LENGTH = 8;

export const IcmpType = {
  EchoReply: 0,
  DestUnreachable: 3,
  SourceQuench: 4,
  Redirect: 5,
  EchoRequest: 8,
  TimeExceeded: 11,
  ParameterProblem: 12,
  Timestamp: 13,
  TimestampReply: 14,
} as const;

export const IcmpUnreachableCode = {
  NetUnreachable: 0,
  HostUnreachable: 1,
  ProtocolUnreachable: 2,
  PortUnreachable: 3,
  FragmentationNeeded: 4,
  SourceRouteFailed: 5,
  DestNetworkUnknown: 6,
  DestHostUnknown: 7,
  NetProhibited: 9,
  HostProhibited: 10,
  CommunicationProhibited: 13,
} as const;

export const IcmpTimeExceededCode = { TtlExceeded: 0, FragmentReassembly: 1 } as const;

export type IcmpRepr =
  | { kind: 'echoRequest' | 'echoReply'; identifier: number; sequence: number; data: Uint8Array }
  /** `nextHopMtu` is meaningful for code 4 (RFC 1191); 0 otherwise. `quote`: IP header + 8 bytes. */
  | { kind: 'destUnreachable'; code: number; nextHopMtu: number; quote: Uint8Array }
  | { kind: 'timeExceeded'; code: number; quote: Uint8Array }
  /** Any other type, kept whole: `rest` is the 32-bit word at bytes 4..8. */
  | { kind: 'other'; type: number; code: number; rest: number; data: Uint8Array };

/** Header facts a parse reports besides the message itself. */
export interface IcmpHeaderInfo {
  type: number;
  code: number;
  checksum: number;
  checksumValid: boolean;
}

export type IcmpParsed = IcmpRepr & IcmpHeaderInfo;

/** Parses an ICMP message. `data` and `quote` are views into `bytes` (no copy). */
export function parseIcmp(bytes: Uint8Array, offset = 0, length = bytes.length - offset): WireResult<IcmpParsed> {
  if (length < ICMP_HEADER_LENGTH) return wireFail(`ICMP message truncated: ${length} bytes, header needs 8`, offset);
  const end = offset + length;
  const type = bytes[offset + ICMP_TYPE];
  const code = bytes[offset + ICMP_CODE];
  const info: IcmpHeaderInfo = {
    type,
    code,
    checksum: readU16(bytes, offset + ICMP_CHECKSUM),
    checksumValid: checksumValid(bytes, offset, end),
  };
  const body = bytes.subarray(offset + ICMP_HEADER_LENGTH, end);
  let repr: IcmpRepr;
  switch (type) {
    case IcmpType.EchoRequest:
    case IcmpType.EchoReply:
      repr = {
        kind: type === IcmpType.EchoRequest ? 'echoRequest' : 'echoReply',
        identifier: readU16(bytes, offset + 4),
        sequence: readU16(bytes, offset + 6),
        data: body,
      };
      break;
    case IcmpType.DestUnreachable:
      repr = { kind: 'destUnreachable', code, nextHopMtu: readU16(bytes, offset + 6), quote: body };
      break;
    case IcmpType.TimeExceeded:
      repr = { kind: 'timeExceeded', code, quote: body };
      break;
    default:
      repr = { kind: 'other', type, code, rest: readU32(bytes, offset + ICMP_REST), data: body };
  }
  return {
    ok: true,
    repr: Object.assign(repr, info) as IcmpParsed,
    headerLength: ICMP_HEADER_LENGTH,
    payloadOffset: offset + ICMP_HEADER_LENGTH,
    payloadLength: length - ICMP_HEADER_LENGTH,
  };
}

/** The ICMP message with its checksum filled in (the IPv4 payload). */
export function emitIcmp(repr: IcmpRepr): Uint8Array {
  const body =
    repr.kind === 'destUnreachable' || repr.kind === 'timeExceeded' ? repr.quote : repr.data;
  const buf = new Uint8Array(ICMP_HEADER_LENGTH + body.length);
  switch (repr.kind) {
    case 'echoRequest':
    case 'echoReply':
      buf[0] = repr.kind === 'echoRequest' ? IcmpType.EchoRequest : IcmpType.EchoReply;
      writeU16(buf, 4, repr.identifier);
      writeU16(buf, 6, repr.sequence);
      break;
    case 'destUnreachable':
      buf[0] = IcmpType.DestUnreachable;
      buf[1] = repr.code;
      writeU16(buf, 6, repr.nextHopMtu);
      break;
    case 'timeExceeded':
      buf[0] = IcmpType.TimeExceeded;
      buf[1] = repr.code;
      break;
    case 'other':
      buf[0] = repr.type;
      buf[1] = repr.code;
      writeU32(buf, 4, repr.rest);
      break;
  }
  buf.set(body, ICMP_HEADER_LENGTH);
  writeU16(buf, ICMP_CHECKSUM, internetChecksum(buf));
  return buf;
}

/**
 * The part of an offending IPv4 packet that an ICMP error quotes: its header plus the first
 * `dataBytes` of its payload (RFC 792 says 8; Linux quotes up to 576 bytes in all). A view.
 */
export function icmpQuote(ipPacket: Uint8Array, dataBytes = 8): Uint8Array {
  const ihl = ipPacket.length > 0 ? (ipPacket[0] & 15) * 4 : 0;
  return ipPacket.subarray(0, Math.min(ipPacket.length, ihl + dataBytes));
}
