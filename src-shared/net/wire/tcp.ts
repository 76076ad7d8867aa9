// TCP header (RFC 9293) with options MSS, window scale, SACK-permitted, SACK (RFC 2018) and
// timestamps (RFC 7323). Options are emitted in Linux's order and padding so that our segments
// look like the ones real stacks send.
import { wireFail, type WireResult } from '../addr/result';
import { checksumValid, finishChecksum, pseudoSum, readU16, readU32, sumWords, writeU16, writeU32, type IpPair } from './checksum';
import { IpProtocol } from './ipv4';

export const TCP_SRC_PORT = 0; // ..2
export const TCP_DST_PORT = 2; // ..4
export const TCP_SEQ = 4; // ..8
export const TCP_ACK = 8; // ..12
export const TCP_DATA_OFFSET = 12; // high nibble; low bit is the NS flag
export const TCP_FLAGS = 13;
export const TCP_WINDOW = 14; // ..16
export const TCP_CHECKSUM = 16; // ..18
export const TCP_URGENT = 18; // ..20
export const TCP_MIN_HEADER_LENGTH = 20;
export const TCP_MAX_HEADER_LENGTH = 60;

/** Flag bits as a 9-bit number (NS is bit 8, from the data-offset byte). */
export const TcpFlags = {
  FIN: 0x001,
  SYN: 0x002,
  RST: 0x004,
  PSH: 0x008,
  ACK: 0x010,
  URG: 0x020,
  ECE: 0x040,
  CWR: 0x080,
  NS: 0x100,
} as const;

export const TcpOptionKind = {
  EndOfList: 0,
  Nop: 1,
  MaxSegmentSize: 2,
  WindowScale: 3,
  SackPermitted: 4,
  Sack: 5,
  Timestamp: 8,
} as const;

export interface TcpTimestamp {
  value: number;
  echo: number;
}

export interface TcpRepr {
  srcPort: number;
  dstPort: number;
  seq: number;
  ack: number;
  /** Bitmask of TcpFlags. */
  flags: number;
  window: number;
  urgentPointer: number;
  mss?: number;
  windowScale?: number;
  sackPermitted?: boolean;
  /** [left edge, right edge) pairs, at most 4 (3 with timestamps). */
  sackBlocks?: [number, number][];
  timestamp?: TcpTimestamp;
  /** Options with other kinds, kept as they were (emitted after the known ones). */
  unknownOptions?: { kind: number; data: Uint8Array }[];
  /**
   * Emit exactly these option bytes (padded with EOL to a multiple of 4) instead of building
   * them from the fields above. Parse never sets it; the parsed bytes are in `optionBytes`.
   */
  rawOptions?: Uint8Array;
}

export interface TcpParsed extends TcpRepr {
  headerLength: number;
  checksum: number;
  /** The options area as received (a view). */
  optionBytes: Uint8Array;
  /** Set when an option was malformed; the options before it are still decoded. */
  optionsError?: string;
}

export type TcpFields = Pick<TcpRepr, 'srcPort' | 'dstPort'> & Partial<TcpRepr>;

export interface TcpOptionSpan {
  kind: number;
  /** Offset within the options area. */
  offset: number;
  length: number;
}

/** Lists options in an options area; stops at EOL or at the first malformed option (error set). */
export function walkTcpOptions(
  bytes: Uint8Array,
  start: number,
  end: number,
): { spans: TcpOptionSpan[]; error?: string } {
  const spans: TcpOptionSpan[] = [];
  let i = start;
  while (i < end) {
    const kind = bytes[i];
    if (kind === TcpOptionKind.EndOfList || kind === TcpOptionKind.Nop) {
      spans.push({ kind, offset: i - start, length: 1 });
      i++;
      if (kind === TcpOptionKind.EndOfList) break;
      continue;
    }
    if (i + 1 >= end) return { spans, error: `TCP option ${kind} at option byte ${i - start} has no length` };
    const len = bytes[i + 1];
    if (len < 2 || i + len > end) {
      return { spans, error: `TCP option ${kind} at option byte ${i - start} has bad length ${len}` };
    }
    spans.push({ kind, offset: i - start, length: len });
    i += len;
  }
  return { spans };
}

const EXPECTED_LENGTH: (number | undefined)[] = [undefined, undefined, 4, 3, 2, undefined, undefined, undefined, 10];

export function parseTcp(bytes: Uint8Array, offset = 0, length = bytes.length - offset): WireResult<TcpParsed> {
  if (length < TCP_MIN_HEADER_LENGTH) return wireFail(`TCP header truncated: ${length} bytes, needs at least 20`, offset);
  const offByte = bytes[offset + TCP_DATA_OFFSET];
  const headerLength = (offByte >> 4) * 4;
  if (headerLength < TCP_MIN_HEADER_LENGTH) {
    return wireFail(`TCP data offset ${headerLength} is below the minimum of 20`, offset + TCP_DATA_OFFSET);
  }
  if (headerLength > length) {
    return wireFail(`TCP data offset ${headerLength} exceeds the ${length} bytes available`, offset + TCP_DATA_OFFSET);
  }
  const optStart = offset + TCP_MIN_HEADER_LENGTH;
  const optEnd = offset + headerLength;
  // Every key is present from the start (undefined when absent) so all reprs share one shape.
  const repr: TcpParsed = {
    srcPort: readU16(bytes, offset + TCP_SRC_PORT),
    dstPort: readU16(bytes, offset + TCP_DST_PORT),
    seq: readU32(bytes, offset + TCP_SEQ),
    ack: readU32(bytes, offset + TCP_ACK),
    flags: ((offByte & 1) << 8) | bytes[offset + TCP_FLAGS],
    window: readU16(bytes, offset + TCP_WINDOW),
    urgentPointer: readU16(bytes, offset + TCP_URGENT),
    mss: undefined,
    windowScale: undefined,
    sackPermitted: undefined,
    sackBlocks: undefined,
    timestamp: undefined,
    unknownOptions: undefined,
    headerLength,
    checksum: readU16(bytes, offset + TCP_CHECKSUM),
    optionBytes: bytes.subarray(optStart, optEnd),
    optionsError: undefined,
  };
  // One pass over the options, no intermediate span list (this is the hot path of dissection).
  let p = optStart;
  while (p < optEnd) {
    const kind = bytes[p];
    if (kind === TcpOptionKind.EndOfList) break;
    if (kind === TcpOptionKind.Nop) {
      p++;
      continue;
    }
    if (p + 1 >= optEnd) {
      repr.optionsError = `TCP option ${kind} at option byte ${p - optStart} has no length`;
      break;
    }
    const len = bytes[p + 1];
    if (len < 2 || p + len > optEnd) {
      repr.optionsError = `TCP option ${kind} at option byte ${p - optStart} has bad length ${len}`;
      break;
    }
    const want = EXPECTED_LENGTH[kind];
    if (want !== undefined && len !== want) {
      repr.optionsError ??= `TCP option ${kind} has length ${len}, expected ${want}`;
    } else {
      switch (kind) {
        case TcpOptionKind.MaxSegmentSize:
          repr.mss = readU16(bytes, p + 2);
          break;
        case TcpOptionKind.WindowScale:
          repr.windowScale = bytes[p + 2];
          break;
        case TcpOptionKind.SackPermitted:
          repr.sackPermitted = true;
          break;
        case TcpOptionKind.Timestamp:
          repr.timestamp = { value: readU32(bytes, p + 2), echo: readU32(bytes, p + 6) };
          break;
        case TcpOptionKind.Sack:
          if ((len - 2) % 8 !== 0) {
            repr.optionsError ??= `TCP SACK option length ${len} is not 2 + 8n`;
            break;
          }
          repr.sackBlocks = [];
          for (let q = p + 2; q < p + len; q += 8) repr.sackBlocks.push([readU32(bytes, q), readU32(bytes, q + 4)]);
          break;
        default:
          (repr.unknownOptions ??= []).push({ kind, data: bytes.slice(p + 2, p + len) });
      }
    }
    p += len;
  }
  return { ok: true, repr, headerLength, payloadOffset: offset + headerLength, payloadLength: length - headerLength };
}

/** Option bytes in Linux's layout (tcp_options_write), unpadded. */
export function buildTcpOptions(r: TcpFields): Uint8Array {
  if (r.rawOptions) return r.rawOptions;
  const out: number[] = [];
  const u16 = (v: number) => out.push((v >>> 8) & 0xff, v & 0xff);
  const u32 = (v: number) => out.push((v >>> 24) & 0xff, (v >>> 16) & 0xff, (v >>> 8) & 0xff, v & 0xff);
  if (r.mss !== undefined) {
    out.push(2, 4);
    u16(r.mss);
  }
  if (r.timestamp) {
    if (r.sackPermitted) out.push(4, 2);
    else out.push(1, 1);
    out.push(8, 10);
    u32(r.timestamp.value);
    u32(r.timestamp.echo);
  } else if (r.sackPermitted) {
    out.push(1, 1, 4, 2);
  }
  if (r.windowScale !== undefined) out.push(1, 3, 3, r.windowScale);
  if (r.sackBlocks && r.sackBlocks.length > 0) {
    out.push(1, 1, 5, 2 + 8 * r.sackBlocks.length);
    for (const [left, right] of r.sackBlocks) {
      u32(left);
      u32(right);
    }
  }
  for (const o of r.unknownOptions ?? []) out.push(o.kind, o.data.length + 2, ...o.data);
  return Uint8Array.from(out);
}

/** Header + payload with data offset and checksum (over the `ip` pseudo-header) filled in. */
export function emitTcp(fields: TcpFields, payload: Uint8Array, ip: IpPair): Uint8Array {
  const options = buildTcpOptions(fields);
  const headerLength = TCP_MIN_HEADER_LENGTH + ((options.length + 3) & ~3);
  if (headerLength > TCP_MAX_HEADER_LENGTH) {
    throw new RangeError(`TCP options of ${options.length} bytes do not fit the 40-byte option space`);
  }
  const length = headerLength + payload.length;
  const buf = new Uint8Array(length);
  const flags = fields.flags ?? 0;
  writeU16(buf, TCP_SRC_PORT, fields.srcPort);
  writeU16(buf, TCP_DST_PORT, fields.dstPort);
  writeU32(buf, TCP_SEQ, fields.seq ?? 0);
  writeU32(buf, TCP_ACK, fields.ack ?? 0);
  buf[TCP_DATA_OFFSET] = ((headerLength / 4) << 4) | ((flags >> 8) & 1);
  buf[TCP_FLAGS] = flags & 0xff;
  writeU16(buf, TCP_WINDOW, fields.window ?? 0);
  writeU16(buf, TCP_URGENT, fields.urgentPointer ?? 0);
  buf.set(options, TCP_MIN_HEADER_LENGTH);
  buf.set(payload, headerLength);
  writeU16(buf, TCP_CHECKSUM, finishChecksum(sumWords(buf, 0, length, pseudoSum(ip, IpProtocol.TCP, length))));
  return buf;
}

export function verifyTcpChecksum(bytes: Uint8Array, offset: number, segmentLength: number, ip: IpPair): boolean {
  return checksumValid(bytes, offset, offset + segmentLength, pseudoSum(ip, IpProtocol.TCP, segmentLength));
}

/** Sequence space a segment uses: payload plus one each for SYN and FIN. */
export function tcpSequenceLength(flags: number, payloadLength: number): number {
  return payloadLength + (flags & TcpFlags.SYN ? 1 : 0) + (flags & TcpFlags.FIN ? 1 : 0);
}

// tshark's Info order: "[SYN, ACK]", "[FIN, PSH, ACK]".
const FLAG_NAMES: [number, string][] = [
  [TcpFlags.FIN, 'FIN'],
  [TcpFlags.SYN, 'SYN'],
  [TcpFlags.RST, 'RST'],
  [TcpFlags.PSH, 'PSH'],
  [TcpFlags.ACK, 'ACK'],
  [TcpFlags.URG, 'URG'],
  [TcpFlags.ECE, 'ECE'],
  [TcpFlags.CWR, 'CWR'],
  [TcpFlags.NS, 'NS'],
];

/** Flag names as tshark's Info column lists them, e.g. "SYN, ACK" for 0x012. */
export function formatTcpFlags(flags: number): string {
  const names: string[] = [];
  for (const [bit, name] of FLAG_NAMES) if (flags & bit) names.push(name);
  return names.join(', ');
}
