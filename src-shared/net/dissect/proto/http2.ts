// HTTP/2 (RFC 9113) as tshark 4.0 shows it: the connection preface ("Magic"), frames with their
// header and type-specific fields, HPACK header blocks (per connection and direction, across
// CONTINUATION), bodies gathered over a stream's DATA frames and handed to the media dissectors.
// Runs inside decrypted TLS (ALPN h2, or data starting with the preface). Frames spanning TLS
// records are reassembled as tshark does, and the Info column follows tshark's rules (a
// "dissect_http2" call clears it back to the fence, each frame appends "TYPE[stream]").
import type { Packet } from '../packet';
import type { DissectSession, StreamProtocol } from '../session';
import type { FieldInfo } from '../types';
import { field, hexField, protoField, uintField } from '../registry';
import { dissectData } from './link';
import { concatBytes } from '../../../bytes';
import { HpackDecoder, type HpackHeader } from './hpack';

const TYPES: Record<number, string> = {
  0: 'DATA', 1: 'HEADERS', 2: 'PRIORITY', 3: 'RST_STREAM', 4: 'SETTINGS', 5: 'PUSH_PROMISE', 6: 'PING', 7: 'GOAWAY',
  8: 'WINDOW_UPDATE', 9: 'CONTINUATION', 10: 'ALTSVC', 12: 'ORIGIN', 16: 'PRIORITY_UPDATE',
};

const ERRORS: Record<number, string> = {
  0: 'NO_ERROR', 1: 'PROTOCOL_ERROR', 2: 'INTERNAL_ERROR', 3: 'FLOW_CONTROL_ERROR', 4: 'SETTINGS_TIMEOUT', 5: 'STREAM_CLOSED',
  6: 'FRAME_SIZE_ERROR', 7: 'REFUSED_STREAM', 8: 'CANCEL', 9: 'COMPRESSION_ERROR', 10: 'CONNECT_ERROR', 11: 'ENHANCE_YOUR_CALM',
  12: 'INADEQUATE_SECURITY', 13: 'HTTP_1_1_REQUIRED',
};

const SETTINGS: Record<number, [string, string]> = {
  1: ['http2.settings.header_table_size', 'Header table size'],
  2: ['http2.settings.enable_push', 'Enable PUSH'],
  3: ['http2.settings.max_concurrent_streams', 'Max concurrent streams'],
  4: ['http2.settings.initial_window_size', 'Initial Windows Size'],
  5: ['http2.settings.max_frame_size', 'Max frame size'],
  6: ['http2.settings.max_header_list_size', 'Max header list size'],
  8: ['http2.settings.extended_connect', 'Extended CONNECT'],
};
const SETTING_NAMES: Record<number, string> = {
  1: 'Header table size', 2: 'Enable PUSH', 3: 'Max concurrent streams', 4: 'Initial Windows Size', 5: 'Max frame size',
  6: 'Max header list size', 8: 'Extended CONNECT',
};

/** Header names with their own http2.headers.* field (tshark's list); others only as http2.header.*. */
const NAMED_HEADERS = `accept accept-charset accept-encoding accept-language accept-ranges access-control-allow-origin age allow
authorization cache-control content-disposition content-encoding content-language content-length content-location content-range
content-type cookie date etag expect expires from if-match if-modified-since if-none-match if-range if-unmodified-since
last-modified link location max-forwards proxy-authenticate proxy-authorization range referer refresh retry-after server
set-cookie strict-transport-security user-agent vary via www-authenticate`.split(/\s+/);
const NUMERIC_HEADERS = new Set(['age', 'content-length', 'max-forwards']);
const HEADER_FIELD: Record<string, string> = { ':authority': 'http2.headers.authority', ':status': 'http2.headers.status', ':path': 'http2.headers.path', ':method': 'http2.headers.method', ':scheme': 'http2.headers.scheme' };
for (const n of NAMED_HEADERS) HEADER_FIELD[n] = 'http2.headers.' + n.replace(/-/g, '_');

/** Reason phrases tshark prints after a :status (its HTTP status table). */
const PHRASES: Record<number, string> = {
  100: 'Continue', 101: 'Switching Protocols', 102: 'Processing', 103: 'Early Hints', 200: 'OK', 201: 'Created', 202: 'Accepted',
  203: 'Non-authoritative Information', 204: 'No Content', 205: 'Reset Content', 206: 'Partial Content', 207: 'Multi-Status',
  208: 'Already Reported', 226: 'IM Used', 300: 'Multiple Choices', 301: 'Moved Permanently', 302: 'Found', 303: 'See Other',
  304: 'Not Modified', 305: 'Use Proxy', 307: 'Temporary Redirect', 308: 'Permanent Redirect', 400: 'Bad Request',
  401: 'Unauthorized', 402: 'Payment Required', 403: 'Forbidden', 404: 'Not Found', 405: 'Method Not Allowed', 406: 'Not Acceptable',
  407: 'Proxy Authentication Required', 408: 'Request Time-out', 409: 'Conflict', 410: 'Gone', 411: 'Length Required',
  412: 'Precondition Failed', 413: 'Request Entity Too Large', 414: 'Request-URI Too Long', 415: 'Unsupported Media Type',
  416: 'Requested Range Not Satisfiable', 417: 'Expectation Failed', 418: "I'm a teapot", 421: 'Misdirected Request',
  422: 'Unprocessable Entity', 423: 'Locked', 424: 'Failed Dependency', 425: 'Too Early', 426: 'Upgrade Required',
  428: 'Precondition Required', 429: 'Too Many Requests', 431: 'Request Header Fields Too Large', 451: 'Unavailable For Legal Reasons',
  500: 'Internal Server Error', 501: 'Not Implemented', 502: 'Bad Gateway', 503: 'Service Unavailable', 504: 'Gateway Time-out',
  505: 'HTTP Version not supported', 506: 'Variant Also Negotiates', 507: 'Insufficient Storage', 508: 'Loop Detected',
  510: 'Not Extended', 511: 'Network Authentication Required',
};

export const HTTP2_FIELDS: FieldInfo[] = [
  protoField('http2', 'HyperText Transfer Protocol 2'),
  field('http2.stream', 'Stream', 'none'),
  uintField('http2.length', 'Length', 24),
  uintField('http2.type', 'Type', 8, TYPES),
  hexField('http2.r', 'Reserved', 32, undefined, 0x80000000),
  field('http2.streamid', 'Stream Identifier', 'uint', { bits: 32, bitmask: 0x7fffffff }),
  field('http2.magic', 'Magic', 'string'),
  field('http2.unknown', 'Unknown', 'bytes'),
  hexField('http2.flags', 'Flags', 8),
  field('http2.flags.end_stream', 'End Stream', 'bool', { bitmask: 0x01 }),
  field('http2.flags.eh', 'End Headers', 'bool', { bitmask: 0x04 }),
  field('http2.flags.padded', 'Padded', 'bool', { bitmask: 0x08 }),
  field('http2.flags.priority', 'Priority', 'bool', { bitmask: 0x20 }),
  field('http2.flags.ack.ping', 'ACK', 'bool', { bitmask: 0x01 }),
  field('http2.flags.ack.settings', 'ACK', 'bool', { bitmask: 0x01 }),
  hexField('http2.flags.unused', 'Unused', 8, undefined, 0xff),
  hexField('http2.flags.unused_settings', 'Unused', 8, undefined, 0xfe),
  hexField('http2.flags.unused_ping', 'Unused', 8, undefined, 0xfe),
  hexField('http2.flags.unused_continuation', 'Unused', 8, undefined, 0xfb),
  hexField('http2.flags.unused_push_promise', 'Unused', 8, undefined, 0xf3),
  hexField('http2.flags.unused_data', 'Unused', 8, undefined, 0xf6),
  hexField('http2.flags.unused_headers', 'Unused', 8, undefined, 0xd2),
  hexField('http2.padding', 'Pad Length', 8),
  uintField('http2.pad_length', 'Pad Length', 16),
  field('http2.exclusive', 'Exclusive', 'bool', { bitmask: 0x80000000 }),
  field('http2.stream_dependency', 'Stream Dependency', 'uint', { bits: 32, bitmask: 0x7fffffff }),
  uintField('http2.headers.weight', 'Weight', 8),
  uintField('http2.headers.weight_real', 'Weight real', 8),
  field('http2.data.data', 'Data', 'bytes'),
  field('http2.data.padding', 'Padding', 'bytes'),
  field('http2.body.fragments', 'Body fragments', 'none'),
  field('http2.body.fragment', 'Body fragment', 'framenum'),
  uintField('http2.body.fragment.count', 'Body fragment count', 32),
  field('http2.body.reassembled.in', 'Reassembled body in frame', 'framenum'),
  uintField('http2.body.reassembled.length', 'Reassembled body length', 32),
  field('http2.body.reassembled.data', 'Reassembled body data', 'bytes'),
  field('http2.headers', 'Header Block Fragment', 'bytes'),
  field('http2.headers.padding', 'Padding', 'bytes'),
  field('http2.header', 'Header', 'none'),
  uintField('http2.header.length', 'Header Length', 32),
  uintField('http2.header.count', 'Header Count', 32),
  uintField('http2.header.name.length', 'Name Length', 32),
  field('http2.header.name', 'Name', 'string'),
  uintField('http2.header.value.length', 'Value Length', 32),
  field('http2.header.value', 'Value', 'string'),
  field('http2.header.unescaped', 'Unescaped', 'string'),
  field('http2.header.repr', 'Representation', 'string'),
  uintField('http2.header.index', 'Index', 32),
  field('http2.header_table_size_update', 'Header table size update', 'none'),
  uintField('http2.header_table_size_update.header_table_size', 'Header table size', 32),
  field('http2.request.full_uri', 'Full request URI', 'string'),
  uintField('http2.rst_stream.error', 'Error', 32, ERRORS),
  field('http2.settings', 'Settings', 'none'),
  uintField('http2.settings.id', 'Settings Identifier', 16, SETTING_NAMES),
  ...Object.values(SETTINGS).map(([name, label]) => uintField(name, label, 32)),
  uintField('http2.settings.unknown', 'Unknown Settings', 32),
  hexField('http2.push_promise.r', 'Reserved', 32, undefined, 0x80000000),
  field('http2.push_promise.promised_stream_id', 'Promised-Stream-ID', 'uint', { bits: 32, bitmask: 0x7fffffff }),
  field('http2.push_promise.header', 'Header Block Fragment', 'bytes'),
  field('http2.push_promise.padding', 'Padding', 'bytes'),
  field('http2.ping', 'Ping', 'bytes'),
  field('http2.pong', 'Pong', 'bytes'),
  hexField('http2.goway.r', 'Reserved', 32, undefined, 0x80000000),
  field('http2.goaway.last_stream_id', 'Last-Stream-ID', 'uint', { bits: 32, bitmask: 0x7fffffff }),
  uintField('http2.goaway.error', 'Error', 32, ERRORS),
  field('http2.goaway.addata', 'Additional Debug Data', 'bytes'),
  hexField('http2.window_update.r', 'Reserved', 32, undefined, 0x80000000),
  field('http2.window_update.window_size_increment', 'Window Size Increment', 'uint', { bits: 32, bitmask: 0x7fffffff }),
  field('http2.continuation.header', 'Continuation Header', 'string'),
  field('http2.continuation.padding', 'Padding', 'bytes'),
  field('http2.header_lines_exceeded', 'Decompression stopped after 200 header lines.', 'none'),
  field('http2.decompression_error', 'HPACK decompression failed', 'none'),
  field('http2.headers.status', ':status', 'uint', { bits: 16 }),
  field('http2.headers.authority', ':authority', 'string'),
  field('http2.headers.path', ':path', 'string'),
  field('http2.headers.method', ':method', 'string'),
  field('http2.headers.scheme', ':scheme', 'string'),
  ...NAMED_HEADERS.map((n) => (NUMERIC_HEADERS.has(n) ? uintField(HEADER_FIELD[n], n, 32) : field(HEADER_FIELD[n], n, 'string'))),
];

/** The connection preface a client sends first (RFC 9113 3.4). */
const MAGIC = new TextEncoder().encode('PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n');
/** As tshark -T fields prints it (control characters escaped). */
const MAGIC_TEXT = 'PRI * HTTP/2.0\\r\\n\\r\\nSM\\r\\n\\r\\n';

export function startsWithPreface(b: Uint8Array, off: number, end: number): boolean {
  if (end - off < MAGIC.length) return false;
  for (let i = 0; i < MAGIC.length; i++) if (b[off + i] !== MAGIC[i]) return false;
  return true;
}

/** Most bytes kept for a frame spanning records (a frame is at most 2^24 + 9 bytes). */
const PENDING_LIMIT = (1 << 24) + 9;
/** Most body bytes kept per stream and direction, and streams remembered per connection. */
const BODY_LIMIT = 1 << 22;
const STREAM_LIMIT = 256;

interface StreamSide {
  contentType: string;
  body: Uint8Array[];
  bodyLength: number;
  frames: number[];
}

interface H2Stream {
  /** Index 0: client → server (request), 1: server → client (response). */
  sides: [StreamSide, StreamSide];
}

interface H2Dir {
  /** Pieces of a frame that started in an earlier record (joined once it is complete). */
  pending: Uint8Array[] | null;
  pendingLength: number;
  hpack: HpackDecoder;
  /** Start of a header cut at the end of a HEADERS/PUSH_PROMISE fragment, for its CONTINUATION. */
  headerTail: Uint8Array | null;
}

export interface Http2Conn {
  dirs: [H2Dir, H2Dir];
  streams: Map<number, H2Stream>;
  /** The Info text as tshark's column holds it while this frame's records are dissected. */
  frame: number;
  info: string;
  fence: number;
  dissected: boolean;
  /** Scheme for http2.request.full_uri when :scheme is absent. */
  scheme: string;
}

function newDir(): H2Dir {
  return { pending: null, pendingLength: 0, hpack: new HpackDecoder(), headerTail: null };
}

export function newHttp2Conn(scheme = 'https'): Http2Conn {
  return { dirs: [newDir(), newDir()], streams: new Map(), frame: -1, info: '', fence: 0, dissected: false, scheme };
}

function newSide(): StreamSide {
  return { contentType: '', body: [], bodyLength: 0, frames: [] };
}

function stream(c: Http2Conn, id: number): H2Stream {
  let st = c.streams.get(id);
  if (!st) {
    if (c.streams.size >= STREAM_LIMIT) c.streams.delete(c.streams.keys().next().value!);
    st = { sides: [newSide(), newSide()] };
    c.streams.set(id, st);
  }
  return st;
}

function append(c: Http2Conn, text: string): void {
  c.info += (c.info.length > 0 ? ', ' : '') + text;
}

const TLS_SEGMENT = '[TLS segment of a reassembled PDU]';

/**
 * Dissects one TLS record's decrypted application data (`data`, in data source `source`) of an
 * HTTP/2 connection; `client` is the sending side. Calls for the same frame share the Info state.
 */
export function dissectHttp2Record(p: Packet, s: DissectSession, c: Http2Conn, client: boolean, data: Uint8Array, source: number): void {
  if (c.frame !== p.number) {
    c.frame = p.number;
    c.info = '';
    c.fence = 0;
    c.dissected = false;
  }
  const dir = c.dirs[client ? 0 : 1];
  let start = 0;
  const outer = p.buf;
  const prevSource = p.enterSource(-1);
  if (dir.pending) {
    const pieces = dir.pending;
    const have = dir.pendingLength + data.length;
    // The frame header is in the first 24 bytes: join only those until the frame is complete
    const head = join(pieces, data, Math.min(have, MAGIC.length));
    const need = pduLength(head, 0, head.length);
    if (need === 0 || need > have) {
      if (have <= PENDING_LIMIT) {
        pieces.push(data);
        dir.pendingLength = have;
      } else dir.pending = null;
      start = data.length;
    } else {
      dir.pending = null;
      const joined = join(pieces, data, have);
      // The frame that spanned records completes here: one call for it, then a fence (TLS does
      // this when another PDU follows in the record) and a call for the rest.
      const pdu = joined.subarray(0, need);
      const src = p.addSource(`Reassembled TLS (${need} bytes)`, pdu);
      callHttp2(p, s, c, client, pdu, 0, src, true);
      start = data.length - (joined.length - need);
      if (start < data.length) c.fence = c.info.length;
    }
  }
  if (start < data.length) callHttp2(p, s, c, client, data, start, source, false);
  p.buf = outer;
  p.enterSource(prevSource);
  if (p.columns && !s.net.inError) {
    if (c.dissected) {
      p.setProtocol(p.protocol.startsWith('HTTP2') ? p.protocol : 'HTTP2');
      p.segmentSuffix = false;
    }
    p.setInfo(c.info);
  }
}

/** The first `length` bytes of pieces followed by `last`. */
function join(pieces: Uint8Array[], last: Uint8Array, length: number): Uint8Array {
  const out = new Uint8Array(length);
  let at = 0;
  for (const piece of [...pieces, last]) {
    if (at >= length) break;
    const n = Math.min(piece.length, length - at);
    out.set(piece.subarray(0, n), at);
    at += n;
  }
  return out;
}

/** Length of the PDU at `o` (preface or frame), or 0 when not even a frame header is there. */
function pduLength(b: Uint8Array, o: number, end: number): number {
  if (end - o >= MAGIC.length && startsWithPreface(b, o, end)) return MAGIC.length;
  if (end - o < 9) return 0;
  return ((b[o] << 16) | (b[o + 1] << 8) | b[o + 2]) + 9;
}

/** tshark's dissect_http2: clears Info back to the fence, dissects whole PDUs, keeps the rest. */
function callHttp2(p: Packet, s: DissectSession, c: Http2Conn, client: boolean, b: Uint8Array, start: number, source: number, whole: boolean): void {
  const dir = c.dirs[client ? 0 : 1];
  c.info = c.info.slice(0, c.fence);
  p.buf = b;
  p.enterSource(source);
  let o = start;
  let pdus = 0;
  for (let rounds = 0; o < b.length && rounds < 100000; rounds++) {
    const len = pduLength(b, o, b.length);
    if (len === 0 || o + len > b.length) break;
    // tshark 4.0: one protocol item per frame (PDU); frame.protocols names http2 once per call
    if (pdus === 0) p.layers.push('http2');
    p.open('http2', o, len, 'HyperText Transfer Protocol 2', p.want('http2') ? b.subarray(o, o + len) : undefined);
    dissectPdu(p, s, c, client, b, o, len);
    p.close();
    pdus++;
    o += len;
  }
  if (pdus > 0) c.dissected = true;
  if (o < b.length && !whole) {
    dir.pending = b.length - o <= PENDING_LIMIT ? [b.slice(o)] : null;
    dir.pendingLength = b.length - o;
    if (pdus === 0) {
      // TLS: "It couldn't dissect any of it": the column shows the segment text (after the fence)
      c.info = c.info.slice(0, c.fence) + TLS_SEGMENT;
      c.fence = c.info.length;
    }
  }
  p.enterSource(-1);
}

function dissectPdu(p: Packet, s: DissectSession, c: Http2Conn, client: boolean, b: Uint8Array, o: number, len: number): void {
  if (len === MAGIC.length && startsWithPreface(b, o, o + len)) {
    p.open('http2.stream', o, len, 'Stream: Magic');
    p.add('http2.magic', o, len, MAGIC_TEXT);
    p.close();
    append(c, 'Magic');
    return;
  }
  const length = len - 9;
  const type = b[o + 3];
  const flags = b[o + 4];
  const sid = ((b[o + 5] << 24) | (b[o + 6] << 16) | (b[o + 7] << 8) | b[o + 8]) >>> 0;
  const streamId = sid & 0x7fffffff;
  const typeName = TYPES[type] ?? `Unknown type (${type})`;
  const label = p.tree ? `Stream: ${typeName}, Stream ID: ${streamId}, Length ${length}` : undefined;
  p.open('http2.stream', o, len, label);
  p.add('http2.length', o, 3, length);
  p.add('http2.type', o + 3, 1, type);
  flagFields(p, type, flags, o + 4);
  p.add('http2.r', o + 5, 4, sid & 0x80000000);
  p.add('http2.streamid', o + 5, 4, streamId);
  const d = o + 9;
  const end = o + len;
  let info = `${typeName}[${streamId}]`;
  switch (type) {
    case 0:
      dataFrame(p, c, client, b, d, end, flags, streamId);
      break;
    case 1:
    case 5:
    case 9:
      info = headerFrame(p, c, client, b, d, end, flags, streamId, type, info);
      break;
    case 2:
      if (end - d >= 5) priority(p, b, d);
      break;
    case 3:
      if (end - d >= 4) p.add('http2.rst_stream.error', d, 4, u32(b, d));
      break;
    case 4:
      settings(p, c, client, b, d, end);
      break;
    case 6:
      if (end - d >= 8) p.add(flags & 1 ? 'http2.pong' : 'http2.ping', d, 8, b.slice(d, d + 8));
      break;
    case 7:
      if (end - d >= 8) {
        p.add('http2.goway.r', d, 4, u32(b, d) & 0x80000000);
        p.add('http2.goaway.last_stream_id', d, 4, u32(b, d) & 0x7fffffff);
        p.add('http2.goaway.error', d + 4, 4, u32(b, d + 4));
        if (end > d + 8) p.add('http2.goaway.addata', d + 8, end - d - 8, b.slice(d + 8, end));
      }
      break;
    case 8:
      if (end - d >= 4) {
        p.add('http2.window_update.r', d, 4, u32(b, d) & 0x80000000);
        p.add('http2.window_update.window_size_increment', d, 4, u32(b, d) & 0x7fffffff);
      }
      break;
    default:
      if (end > d) p.add('http2.unknown', d, end - d, b.slice(d, end));
  }
  p.close();
  // END_STREAM: the body gathered over the stream's DATA frames goes to its media dissector
  if (flags & 0x01 && (type === 0 || type === 1)) info = finishBody(p, stream(c, streamId), client, info);
  append(c, info);
  void s;
}

function u32(b: Uint8Array, o: number): number {
  return ((b[o] << 24) | (b[o + 1] << 16) | (b[o + 2] << 8) | b[o + 3]) >>> 0;
}

/**
 * The flag bits each frame type shows (name, mask) and its field for the unused bits with their
 * mask, as packet-http2.c has them (CONTINUATION shows PADDED yet counts it among the unused).
 */
const FRAME_FLAGS: Record<number, { bits: [string, number][]; unused: string; unusedMask: number }> = {
  0: { bits: [['http2.flags.end_stream', 0x01], ['http2.flags.padded', 0x08]], unused: 'http2.flags.unused_data', unusedMask: 0xf6 },
  1: {
    bits: [['http2.flags.end_stream', 0x01], ['http2.flags.eh', 0x04], ['http2.flags.padded', 0x08], ['http2.flags.priority', 0x20]],
    unused: 'http2.flags.unused_headers',
    unusedMask: 0xd2,
  },
  4: { bits: [['http2.flags.ack.settings', 0x01]], unused: 'http2.flags.unused_settings', unusedMask: 0xfe },
  5: { bits: [['http2.flags.eh', 0x04], ['http2.flags.padded', 0x08]], unused: 'http2.flags.unused_push_promise', unusedMask: 0xf3 },
  6: { bits: [['http2.flags.ack.ping', 0x01]], unused: 'http2.flags.unused_ping', unusedMask: 0xfe },
  9: { bits: [['http2.flags.eh', 0x04], ['http2.flags.padded', 0x08]], unused: 'http2.flags.unused_continuation', unusedMask: 0xfb },
};

function flagFields(p: Packet, type: number, flags: number, o: number): void {
  if (!p.wantAny('http2.flags')) return;
  p.open('http2.flags', o, 1, p.tree ? flagsLabel(type, flags) : undefined, flags);
  const known = FRAME_FLAGS[type];
  if (known) {
    for (const [name, mask] of known.bits) p.add(name, o, 1, (flags & mask) !== 0);
    p.add(known.unused, o, 1, flags & known.unusedMask);
  } else p.add('http2.flags.unused', o, 1, flags);
  p.close();
}

/** "Flags: 0x05, End Headers, End Stream" as tshark labels the flags item. */
function flagsLabel(type: number, flags: number): string {
  // highest bit first, as tshark lists them ("Flags: 0x0c, Padded, End Headers")
  const names: string[] = [];
  const ackTypes = type === 4 || type === 6;
  if (flags & 0x20 && type === 1) names.push('Priority');
  if (flags & 0x08 && (type <= 1 || type === 5 || type === 9)) names.push('Padded');
  if (flags & 0x04 && (type === 1 || type === 5 || type === 9)) names.push('End Headers');
  if (flags & 0x01) names.push(ackTypes ? 'ACK' : type === 0 || type === 1 ? 'End Stream' : '');
  const list = names.filter((n) => n !== '');
  return `Flags: 0x${flags.toString(16).padStart(2, '0')}${list.length ? ', ' + list.join(', ') : ''}`;
}

/** The Pad Length byte when PADDED is set (else tshark shows a generated 0); returns [padding, next]. */
function padding(p: Packet, b: Uint8Array, d: number, end: number, flags: number): [number, number] {
  if (flags & 0x08 && end > d) {
    p.add('http2.padding', d, 1, b[d]);
    p.gen('http2.pad_length', b[d], `[Pad Length: ${b[d]}]`, d, 1);
    return [b[d], d + 1];
  }
  p.gen('http2.pad_length', 0, '[Pad Length: 0]');
  return [0, d];
}

function priority(p: Packet, b: Uint8Array, d: number): void {
  const v = u32(b, d);
  p.add('http2.exclusive', d, 4, (v & 0x80000000) !== 0);
  p.add('http2.stream_dependency', d, 4, v & 0x7fffffff);
  p.add('http2.headers.weight', d + 4, 1, b[d + 4]);
  p.gen('http2.headers.weight_real', b[d + 4] + 1, `[Weight real: ${b[d + 4] + 1}]`, d + 4, 1);
}

function settings(p: Packet, c: Http2Conn, client: boolean, b: Uint8Array, d: number, end: number): void {
  for (let o = d; o + 6 <= end; o += 6) {
    const id = (b[o] << 8) | b[o + 1];
    const value = u32(b, o + 2);
    const known = SETTINGS[id];
    p.open('http2.settings', o, 6, p.tree ? `Settings - ${SETTING_NAMES[id] ?? 'Unknown'} : ${value}` : undefined);
    p.add('http2.settings.id', o, 2, id);
    p.add(known ? known[0] : 'http2.settings.unknown', o + 2, 4, value);
    p.close();
    // SETTINGS_HEADER_TABLE_SIZE bounds the table of the blocks the *other* side sends
    if (id === 1) c.dirs[client ? 1 : 0].hpack.settingsLimit = Math.max(4096, value);
  }
}

function headerFrame(p: Packet, c: Http2Conn, client: boolean, b: Uint8Array, d: number, end: number, flags: number, streamId: number, type: number, info: string): string {
  const dir = c.dirs[client ? 0 : 1];
  let pad = 0;
  let o = d;
  if (type !== 9 || flags & 0x08) [pad, o] = padding(p, b, d, end, flags);
  else p.gen('http2.pad_length', 0, '[Pad Length: 0]');
  if (type === 1 && flags & 0x20 && end - o >= 5) {
    priority(p, b, o);
    o += 5;
  }
  if (type === 5 && end - o >= 4) {
    p.add('http2.push_promise.r', o, 4, u32(b, o) & 0x80000000);
    p.add('http2.push_promise.promised_stream_id', o, 4, u32(b, o) & 0x7fffffff);
    o += 4;
  }
  const blockEnd = Math.max(o, end - pad);
  const blockField = type === 1 ? 'http2.headers' : type === 5 ? 'http2.push_promise.header' : 'http2.continuation.header';
  if (p.want(blockField)) p.add(blockField, o, blockEnd - o, type === 9 ? ascii(b, o, blockEnd) : b.slice(o, blockEnd));
  if (pad > 0) {
    const padField = type === 1 ? 'http2.headers.padding' : type === 5 ? 'http2.push_promise.padding' : 'http2.continuation.padding';
    if (p.want(padField)) p.add(padField, blockEnd, end - blockEnd, b.slice(blockEnd, end));
  }
  // HPACK: a header cut by the end of the fragment continues in the CONTINUATION
  let block = b;
  let bo = o;
  let be = blockEnd;
  if (type === 9 && dir.headerTail) {
    block = new Uint8Array(dir.headerTail.length + (blockEnd - o));
    block.set(dir.headerTail, 0);
    block.set(b.subarray(o, blockEnd), dir.headerTail.length);
    bo = 0;
    be = block.length;
  }
  dir.headerTail = null;
  const final = (flags & 0x04) !== 0;
  const r = dir.hpack.decode(block, bo, be, final);
  if (!final && r.used < be - bo && be - bo - r.used <= 1 << 20) dir.headerTail = block.slice(bo + r.used, be);
  for (const size of r.sizeUpdates) {
    p.open('http2.header_table_size_update', o, 0, 'Header table size update');
    p.add('http2.header_table_size_update.header_table_size', o, 0, size);
    p.close();
  }
  if (r.headers.length > 0) {
    // tshark counts a table size update as a header (adding nothing to the length)
    let total = 0;
    for (const h of r.headers) total += h.nameLength + h.valueLength + 8;
    const count = r.headers.length + r.sizeUpdates.length;
    p.gen('http2.header.length', total, `[Header Length: ${total}]`);
    p.gen('http2.header.count', count, `[Header Count: ${count}]`);
    // offsets: the block may start with the tail carried over from the previous fragment
    const shift = o - bo - (block === b ? 0 : block.length - (blockEnd - o));
    for (const h of r.headers) {
      const ho = Math.max(o, h.offset + shift);
      headerItems(p, h, ho, Math.max(0, Math.min(blockEnd, h.offset + shift + h.length) - ho));
    }
  }
  if (r.error !== null) p.expert('http2.decompression_error', o, blockEnd - o, 'warn', 'protocol', `HPACK decompression failed: ${r.error}`);
  // Request/response details, per stream and direction (a push promise is the promised request)
  const st = stream(c, streamId);
  const side = type === 5 ? newSide() : st.sides[client ? 0 : 1];
  let method = '';
  let path = '';
  let status = -1;
  let authority = '';
  let scheme = '';
  for (const h of r.headers) {
    if (h.name === ':method') method = h.value;
    else if (h.name === ':path') path = h.value;
    else if (h.name === ':status') status = Number(h.value);
    else if (h.name === ':authority') authority = h.value;
    else if (h.name === ':scheme') scheme = h.value;
    else if (h.name === 'content-type') side.contentType = h.value;
  }
  if (method && authority && p.want('http2.request.full_uri')) p.gen('http2.request.full_uri', `${scheme || c.scheme}://${authority}${path}`, undefined);
  if (type === 9) return info;
  if (method) info += `: ${method} ${path}`;
  else if (status >= 0) info += `: ${status} ${PHRASES[status] ?? ''}`.trimEnd();
  return info;
}

function headerItems(p: Packet, h: HpackHeader, o: number, len: number): void {
  if (!p.wantAny('http2.header') && !p.wantAny('http2.headers')) return;
  const status = h.name === ':status';
  p.open('http2.header', o, len, p.tree ? `Header: ${h.name}: ${h.value}${status ? ' ' + (PHRASES[Number(h.value)] ?? '') : ''}`.trimEnd() : undefined);
  p.gen('http2.header.name.length', h.nameLength, undefined, o, len);
  p.gen('http2.header.name', h.name, undefined, o, len);
  p.gen('http2.header.value.length', h.valueLength, undefined, o, len);
  p.gen('http2.header.value', h.value, undefined, o, len);
  const f = HEADER_FIELD[h.name];
  if (f) {
    if (status || NUMERIC_HEADERS.has(h.name)) {
      const n = Number(h.value);
      if (Number.isInteger(n) && n >= 0) p.gen(f, n, undefined, o, len);
    } else p.gen(f, h.value, undefined, o, len);
  }
  p.gen('http2.header.unescaped', h.value, undefined, o, len);
  p.gen('http2.header.repr', h.repr, undefined, o, len);
  if (h.index >= 0) p.gen('http2.header.index', h.index, undefined, o, len);
  p.close();
}

/** Bytes as an ASCII string the way tshark shows one (ENC_ASCII): each byte above 0x7f is U+FFFD. */
function ascii(b: Uint8Array, o: number, end: number): string {
  let t = '';
  for (let i = o; i < end; i++) t += b[i] < 0x80 ? String.fromCharCode(b[i]) : '\ufffd';
  return t;
}

function dataFrame(p: Packet, c: Http2Conn, client: boolean, b: Uint8Array, d: number, end: number, flags: number, streamId: number): void {
  const [pad, o] = padding(p, b, d, end, flags);
  const dataEnd = Math.max(o, end - pad);
  const st = stream(c, streamId);
  const side = st.sides[client ? 0 : 1];
  // The last DATA frame of a body in several frames shows the whole reassembled body as its data
  const whole = flags & 0x01 && side.body.length > 0 && dataEnd > o;
  // tshark 4.0's Data item runs to the end of the frame: padding included
  if (end > o && p.want('http2.data.data')) p.add('http2.data.data', o, end - o, whole ? concatBytes([...side.body, b.subarray(o, end)]) : b.slice(o, end));
  if (pad > 0 && p.want('http2.data.padding')) p.add('http2.data.padding', dataEnd, end - dataEnd, b.slice(dataEnd, end));
  if (dataEnd > o && side.bodyLength + (dataEnd - o) <= BODY_LIMIT) {
    side.body.push(b.slice(o, dataEnd));
    side.bodyLength += dataEnd - o;
    side.frames.push(p.number);
  }
}

/**
 * A stream side ended (END_STREAM): its body goes to the media dissector its content-type names,
 * as tshark's body reassembly does. Returns the Info item with the media suffix.
 */
function finishBody(p: Packet, st: H2Stream, client: boolean, info: string): string {
  const side = st.sides[client ? 0 : 1];
  const parts = side.body;
  const total = side.bodyLength;
  const frames = side.frames;
  side.body = [];
  side.bodyLength = 0;
  side.frames = [];
  if (total === 0) return info;
  let body = parts[0];
  if (parts.length > 1) {
    body = new Uint8Array(total);
    let at = 0;
    for (const part of parts) {
      body.set(part, at);
      at += part.length;
    }
    if (p.wantAny('http2.body')) {
      p.open('http2.body.fragments', 0, total, `[${parts.length} Body fragments (${total} bytes)]`);
      for (const f of frames) p.add('http2.body.fragment', 0, 0, f);
      p.gen('http2.body.fragment.count', parts.length);
      p.gen('http2.body.reassembled.length', total);
      if (p.want('http2.body.reassembled.data')) p.gen('http2.body.reassembled.data', body);
      p.close();
    }
  }
  const src = p.addSource(`Reassembled body (${total} bytes)`, body);
  const prevSource = p.enterSource(src);
  const outer = p.buf;
  p.buf = body;
  const media = side.contentType.split(';')[0].trim().toLowerCase();
  let suffix = '';
  if (media === 'application/json') {
    p.proto('json', 0, total, p.tree ? 'JavaScript Object Notation: ' + media : undefined);
    p.close();
    if (p.columns && !p.protocol.endsWith('/JSON')) p.setProtocol('HTTP2/JSON');
    suffix = `, JavaScript Object Notation (${media})`;
  } else if (media.startsWith('text/')) {
    p.proto('data-text-lines', 0, total, p.tree ? 'Line-based text data: ' + media : undefined);
    p.close();
    suffix = ` (${media})`;
  } else dissectData(p, body, 0, total);
  p.buf = outer;
  p.enterSource(prevSource);
  return info + suffix;
}

// ---------------------------------------------------------------------------------------------
// Cleartext HTTP/2 over TCP (h2c), by Decode As (`-d tcp.port==N,http2`): TCP reassembles frames
// spanning segments (desegmentLen); the client is the side that sent the preface.

interface H2cConn {
  conn: Http2Conn;
  clientPort: number;
}

function h2cConn(s: DissectSession): H2cConn {
  const net = s.net;
  const key = `${net.ipVersion === 4 ? Math.min(net.src4, net.dst4) + ':' + Math.max(net.src4, net.dst4) : net.addrKey()}:${Math.min(net.srcPort, net.dstPort)}:${Math.max(net.srcPort, net.dstPort)}`;
  const map = s.get('http2.h2c', () => new Map<string, H2cConn>());
  let c = map.get(key);
  if (!c) {
    if (map.size >= 4096) map.delete(map.keys().next().value!);
    c = { conn: newHttp2Conn('http'), clientPort: -1 };
    map.set(key, c);
  }
  return c;
}

function dissectH2c(p: Packet, s: DissectSession, b: Uint8Array, off: number, end: number): number {
  const h = h2cConn(s);
  const c = h.conn;
  if (h.clientPort < 0 && startsWithPreface(b, off, end)) h.clientPort = s.net.srcPort;
  const client = h.clientPort >= 0 ? s.net.srcPort === h.clientPort : s.net.srcPort > s.net.dstPort;
  if (c.frame !== p.number) {
    c.frame = p.number;
    c.info = '';
    c.fence = 0;
    c.dissected = false;
  }
  c.info = c.info.slice(0, c.fence);
  let o = off;
  let pdus = 0;
  for (let rounds = 0; o < end && rounds < 100000; rounds++) {
    const len = pduLength(b, o, end);
    if (len === 0 || o + len > end) {
      // wait for the rest of the frame (its header first)
      p.desegmentLen = len === 0 ? 9 - (end - o) : o + len - end;
      break;
    }
    if (pdus === 0) p.layers.push('http2');
    p.open('http2', o, len, 'HyperText Transfer Protocol 2', p.want('http2') ? b.subarray(o, o + len) : undefined);
    dissectPdu(p, s, c, client, b, o, len);
    p.close();
    pdus++;
    o += len;
  }
  if (pdus > 0 && p.columns && !s.net.inError) {
    p.setProtocol(p.protocol.startsWith('HTTP2') ? p.protocol : 'HTTP2');
    p.setInfo(c.info);
  }
  return o - off;
}

export const http2Stream: StreamProtocol = { name: 'http2', dissect: dissectH2c };
