// HTTP/1.x over (reassembled) TCP: request/status line, headers, Content-Length and chunked
// bodies. Asks TCP for more bytes (desegmentation) until a whole message is there.
import type { FieldInfo } from '../types';
import type { DissectSession, StreamProtocol } from '../session';
import type { Packet } from '../packet';
import { field, protoField, uintField } from '../registry';
import { ascii, CaptureLimited } from '../bytes';
import { dissectData } from './link';

export const HTTP_FIELDS: FieldInfo[] = [
  protoField('http', 'Hypertext Transfer Protocol'),
  field('http.request', 'Request', 'bool'),
  field('http.response', 'Response', 'bool'),
  field('http.request.method', 'Request Method', 'string'),
  field('http.request.uri', 'Request URI', 'string'),
  field('http.request.version', 'Request Version', 'string'),
  field('http.request.line', 'Request line', 'string'),
  field('http.request.full_uri', 'Full request URI', 'string'),
  field('http.response.version', 'Response Version', 'string'),
  uintField('http.response.code', 'Status Code', 16),
  field('http.response.code.desc', 'Status Code Description', 'string'),
  field('http.response.phrase', 'Response Phrase', 'string'),
  field('http.response.line', 'Response line', 'string'),
  field('http.host', 'Host', 'string'),
  field('http.user_agent', 'User-Agent', 'string'),
  field('http.accept', 'Accept', 'string'),
  field('http.accept_encoding', 'Accept Encoding', 'string'),
  field('http.content_type', 'Content-Type', 'string'),
  field('http.content_length_header', 'Content-Length', 'string'),
  uintField('http.content_length', 'Content length', 64),
  field('http.content_encoding', 'Content-Encoding', 'string'),
  field('http.transfer_encoding', 'Transfer-Encoding', 'string'),
  field('http.location', 'Location', 'string'),
  field('http.cache_control', 'Cache-Control', 'string'),
  field('http.server', 'Server', 'string'),
  field('http.date', 'Date', 'string'),
  field('http.connection', 'Connection', 'string'),
  field('http.last_modified', 'Last-Modified', 'string'),
  field('http.cookie', 'Cookie', 'string'),
  field('http.set_cookie', 'Set-Cookie', 'string'),
  field('http.referer', 'Referer', 'string'),
  field('http.authorization', 'Authorization', 'string'),
  field('http.file_data', 'File Data', 'string'),
  field('http.request_in', 'Request in frame', 'framenum'),
  field('http.response_in', 'Response in frame', 'framenum'),
  field('http.chat', 'Chat', 'none'),
  protoField('data-text-lines', 'Line-based text data'),
  protoField('json', 'JavaScript Object Notation'),
  protoField('png', 'Portable Network Graphics'),
];

const HEADER_FIELDS: Record<string, string> = {
  host: 'http.host',
  'user-agent': 'http.user_agent',
  accept: 'http.accept',
  'accept-encoding': 'http.accept_encoding',
  'content-type': 'http.content_type',
  'content-length': 'http.content_length_header',
  'content-encoding': 'http.content_encoding',
  'transfer-encoding': 'http.transfer_encoding',
  location: 'http.location',
  'cache-control': 'http.cache_control',
  server: 'http.server',
  date: 'http.date',
  connection: 'http.connection',
  'last-modified': 'http.last_modified',
  cookie: 'http.cookie',
  'set-cookie': 'http.set_cookie',
  referer: 'http.referer',
  authorization: 'http.authorization',
};

/**
 * Set by TLS while it hands decrypted application data to HTTP: full URIs start with https, and a
 * response with neither Content-Length nor chunking waits for more records (tshark reassembles it
 * until the end of the stream, which never comes for TLS).
 */
export const httpContext = { scheme: 'http', insideTls: false };

const METHODS = ['GET', 'POST', 'HEAD', 'PUT', 'DELETE', 'OPTIONS', 'PATCH', 'CONNECT', 'TRACE'];

const METHOD_PREFIXES = METHODS.map((m) => m + ' ');

function newHttpState(): HttpState {
  return { pending: new Map() };
}

function startsWith(b: Uint8Array, off: number, end: number, text: string): boolean {
  if (end - off < text.length) return false;
  for (let i = 0; i < text.length; i++) if (b[off + i] !== text.charCodeAt(i)) return false;
  return true;
}

/** Does [off,end) begin like an HTTP request or response line? (tshark's http heuristic) */
export function looksLikeHttp(b: Uint8Array, off: number, end: number): boolean {
  if (startsWith(b, off, end, 'HTTP/1.')) return true;
  for (const m of METHOD_PREFIXES) if (startsWith(b, off, end, m)) return true;
  return false;
}

const HEADER_WANTED = ['http.user_agent', 'http.accept', 'http.content_type', 'http.content_length_header', 'http.location', 'http.cache_control', 'http.server', 'http.date', 'http.connection', 'http.transfer_encoding', 'http.content_encoding', 'http.last_modified', 'http.cookie', 'http.set_cookie', 'http.referer', 'http.authorization', 'http.accept_encoding', 'http.request.full_uri'];

/** Is the header line [o, end) named `name` (lower case), followed by a colon? */
function headerIs(b: Uint8Array, o: number, end: number, name: string): boolean {
  if (end - o <= name.length || b[o + name.length] !== 58) return false;
  for (let i = 0; i < name.length; i++) {
    const c = b[o + i];
    if ((c >= 65 && c <= 90 ? c + 32 : c) !== name.charCodeAt(i)) return false;
  }
  return true;
}

/**
 * Protocols whose values are a message body's bytes (the message's own, `http`, included, unless
 * only its presence is read), or whose layers are listed (frame.protocols): while none is wanted
 * and no tree is built, nothing reads a body of known length — the columns need only the head
 * (first line, Content-Type).
 */
const BODY_READERS = ['json', 'data-text-lines', 'png', 'data', 'media'];

/** Fields (besides the tree) that read the first line's words. */
const WORD_FIELDS = ['http.request.method', 'http.request.uri', 'http.request.version', 'http.request.full_uri', 'http.request_in', 'http.response.version', 'http.response.code', 'http.response.phrase'];

/** What a Packet reads of HTTP: fixed per Packet, so worked out once (not per message). */
interface HttpWants {
  /** Header values (the tree or a header field). */
  headers: boolean;
  /** The first line's words. */
  words: boolean;
  /** Any http.* field (the tree, all fields, or one named). */
  fields: boolean;
  /** The chat expert item. */
  chat: boolean;
  /** Request/response matching. */
  track: boolean;
  /** No body bytes are read (see bodiesUnreadBy). */
  bodiesUnread: boolean;
}
let wantsFor: Packet | null = null;
let wants: HttpWants = { headers: true, words: true, fields: true, chat: true, track: true, bodiesUnread: false };
function wantsOf(p: Packet): HttpWants {
  if (p !== wantsFor) {
    wantsFor = p;
    wants = {
      headers: p.tree || p.want('http.host') || HEADER_WANTED.some((f) => p.want(f)),
      words: p.tree || WORD_FIELDS.some((f) => p.want(f)),
      fields: p.tree || p.wantAny('http'),
      chat: p.tree || p.want('http.chat') || p.wantAny('_ws.expert'),
      track: p.tree || p.want('http.request_in'),
      bodiesUnread: !p.tree && !p.keepBodies && !p.wantValue('http') && !p.want('frame.protocols') && !BODY_READERS.some((name) => p.wantAnyValue(name)),
    };
  }
  return wants;
}

/** Whether this Packet reads no HTTP body bytes: no tree, no keepBodies, no field on a body. */
export function bodiesUnreadBy(p: Packet): boolean {
  return wantsOf(p).bodiesUnread;
}

/**
 * `parseInt(<second word of line>, 10)` (the status code; the words split at single spaces, the
 * first at sp1, the second ending at sp2 or the end), read from the characters when they are
 * plain digits.
 */
export function statusCode(line: string, sp1: number, sp2: number): number {
  if (sp1 < 0) return NaN;
  const end = sp2 < 0 ? line.length : sp2;
  let i = sp1 + 1;
  let n = 0;
  while (i < end && i - sp1 <= 9) {
    const c = line.charCodeAt(i);
    if (c < 48 || c > 57) break;
    n = n * 10 + (c - 48);
    i++;
  }
  if (i > sp1 + 1 && (i === end || i - sp1 <= 9)) return n; // stopped at a non-digit or the end
  return parseInt(line.slice(sp1 + 1, end), 10);
}

/**
 * Offset of the first CR LF CR LF in [off, end), or -1. Looks at the byte where a match would
 * end and skips ahead by how far that byte rules matches out (text bytes: 4), so header blocks
 * are read about a quarter byte by byte.
 */
export function findCrlfCrlf(b: Uint8Array, off: number, end: number): number {
  let j = off + 3;
  while (j < end) {
    const c = b[j];
    if (c === 10) {
      if (b[j - 1] === 13 && b[j - 2] === 10 && b[j - 3] === 13) return j - 3;
      j += 2; // this LF can only be the pattern's second byte
    } else if (c === 13) j += 1; // only its third byte
    else j += 4;
  }
  return -1;
}

/**
 * `parseInt(ascii(b, off, end).trim(), 10)` for a Content-Length value, read from the bytes when
 * it is plain digits between spaces or tabs (anything else goes the string way).
 */
export function contentLengthValue(b: Uint8Array, off: number, end: number): number {
  let i = off;
  while (i < end && (b[i] === 32 || b[i] === 9)) i++;
  let n = 0;
  const first = i;
  while (i < end && b[i] >= 48 && b[i] <= 57 && i - first < 15) n = n * 10 + (b[i++] - 48);
  let j = i;
  while (j < end && (b[j] === 32 || b[j] === 9)) j++;
  if (i > first && j === end) return n;
  return parseInt(ascii(b, off, end).trim(), 10);
}

// Short texts that repeat from message to message (request and status lines, Content-Type
// values) are decoded once: a direct-mapped cache of strings, hit after comparing the bytes.
const INTERN_SLOTS = 1024;
const INTERN_MAX = 256;
const interned: string[] = new Array<string>(INTERN_SLOTS).fill('');
const internedSet: boolean[] = new Array<boolean>(INTERN_SLOTS).fill(false);

/** `ascii(b, off, end)`, the same string object for the same bytes while it stays cached. */
export function internAscii(b: Uint8Array, off: number, end: number): string {
  const n = end - off;
  if (n > INTERN_MAX || n < 0) return ascii(b, off, end);
  let h = n;
  for (let i = off; i < end; i++) h = Math.imul(h ^ b[i], 0x01000193);
  const slot = (h ^ (h >>> 15)) & (INTERN_SLOTS - 1);
  const s = interned[slot];
  if (internedSet[slot] && s.length === n) {
    let k = 0;
    while (k < n && s.charCodeAt(k) === b[off + k]) k++;
    if (k === n) return s;
  }
  const t = ascii(b, off, end);
  interned[slot] = t;
  internedSet[slot] = true;
  return t;
}

/** Media type (`text/html`) of a raw Content-Type value, per distinct value. */
const mediaOf = new Map<string, string>();
function mediaType(raw: string): string {
  let m = mediaOf.get(raw);
  if (m === undefined) {
    m = raw.trim().split(';')[0].trim().toLowerCase();
    if (mediaOf.size >= 256) mediaOf.clear();
    mediaOf.set(raw, m);
  }
  return m;
}

/** What a body adds to Info: ` (text/html)`, or `, JavaScript Object Notation (application/json)`. */
const suffixOf = new Map<string, string>();
const jsonSuffixOf = new Map<string, string>();
function mediaSuffix(media: string, json: boolean): string {
  const cache = json ? jsonSuffixOf : suffixOf;
  let t = cache.get(media);
  if (t === undefined) {
    t = json ? `, JavaScript Object Notation (${media})` : ` (${media})`;
    if (cache.size >= 256) cache.clear();
    cache.set(media, t);
  }
  return t;
}

/** Info texts (`<first line> ` + what the body adds), per first line and suffix. */
const infoOf = new Map<string, Map<string, string>>();
function infoText(firstLine: string, suffix: string): string {
  let bySuffix = infoOf.get(firstLine);
  if (!bySuffix) {
    if (infoOf.size >= 1024) infoOf.clear();
    infoOf.set(firstLine, (bySuffix = new Map()));
  }
  let t = bySuffix.get(suffix);
  if (t === undefined) {
    t = firstLine + ' ' + suffix;
    if (bySuffix.size >= 16) bySuffix.clear();
    bySuffix.set(suffix, t);
  }
  return t;
}

function lineEnd(b: Uint8Array, off: number, end: number): number {
  const i = off < end ? b.indexOf(10, off) : -1; // a native scan
  return i < 0 || i > end ? end : i;
}

interface HttpState {
  /** Per TCP-direction-agnostic key: URIs of requests waiting for answers, and HEAD flags. */
  pending: Map<string, { frame: number; method: string }[]>;
}

/**
 * `parseInt(ascii(b, o, le).trim().split(';')[0], 16)` for a chunk-size line [o, le), read from
 * the bytes when it is plain hex digits ending the line (before CR) or an extension (anything else
 * goes the string way).
 */
export function chunkSize(b: Uint8Array, o: number, le: number): number {
  let i = o;
  let n = 0;
  while (i < le && i - o < 12) {
    const c = b[i];
    const d = c >= 48 && c <= 57 ? c - 48 : c >= 97 && c <= 102 ? c - 87 : c >= 65 && c <= 70 ? c - 55 : -1;
    if (d < 0) break;
    n = n * 16 + d;
    i++;
  }
  if (i > o && (i === le || b[i] === 59 || (b[i] === 13 && i + 1 === le))) return n;
  return parseInt(ascii(b, o, le).trim().split(';')[0], 16);
}

/** `ascii(b, off, end).toLowerCase().includes('chunked')`, compared byte by byte (no letter outside ASCII lowers to one in it). */
export function includesChunked(b: Uint8Array, off: number, end: number): boolean {
  for (let i = off; i + 7 <= end; i++) {
    if ((b[i] | 0x20) !== 99) continue;
    let k = 1;
    while (k < 7 && (b[i + k] | 0x20) === CHUNKED[k]) k++;
    if (k === 7) return true;
  }
  return false;
}
const CHUNKED = [99, 104, 117, 110, 107, 101, 100]; // 'chunked' (b | 0x20 equals a lower-case letter only for that letter in either case)

/**
 * What HTTP knows of a message it asked TCP more bytes for (offsets from the message start), kept
 * with the growing PDU (Packet.resume) and updated in place: scans go on where they stopped, and
 * a chunked body is read from the chunk that was not whole, without reading the head again.
 */
interface HttpResume {
  /** The first line's LF (-1: not yet; the search goes on at lfFrom) and its text. */
  firstEnd: number;
  lfFrom: number;
  firstLine: string;
  /** Where the CR LF CR LF scan goes on. */
  headFrom: number;
  /** Body start once the head is whole (-1 before); the size line of the chunk not yet whole. */
  bodyStart: number;
  chunkFrom: number;
}

function newResume(): HttpResume {
  return { firstEnd: -1, lfFrom: 0, firstLine: '', headFrom: 0, bodyStart: -1, chunkFrom: 0 };
}

/** Work done reading messages (chunk-size lines read, header bytes scanned): a test hook for its cost. */
export const httpWork = { chunkLines: 0, headScanned: 0 };

/** Where chunkedLength stopped when it returned -1: the size line of the chunk that is not whole yet. */
let chunkStop = 0;

/**
 * Length of a chunked body starting at `off`, or -1 if incomplete (chunkStop says where it
 * stopped). `from`: the size line to start at, when [off, from) was read before (whole chunks).
 */
function chunkedLength(b: Uint8Array, off: number, end: number, from = off): number {
  let o = from;
  for (let guard = 0; guard < 100000; guard++) {
    const le = lineEnd(b, o, end);
    chunkStop = o;
    if (le >= end) return -1;
    httpWork.chunkLines++;
    const size = chunkSize(b, o, le);
    if (!Number.isFinite(size) || size < 0) return end - off;
    o = le + 1;
    if (size === 0) {
      // trailer headers until an empty line
      for (;;) {
        const te = lineEnd(b, o, end);
        if (te >= end) return -1;
        const empty = te === o || (te === o + 1 && b[o] === 13);
        o = te + 1;
        if (empty) return o - off;
      }
    }
    if (o + size + 2 > end) return -1;
    o += size + 2;
  }
  return end - off;
}

const NO_HEADERS: [string, string, number, number][] = [];

function dissectHttp(p: Packet, s: DissectSession, b: Uint8Array, off: number, end: number): number {
  // Cut short by the snaplen: show what was captured, then report the limit (no reassembly).
  const limited = end > b.length;
  const capEnd = limited ? b.length : end;
  const isResponse = startsWith(b, off, capEnd, 'HTTP/');
  if (!isResponse && !looksLikeHttp(b, off, capEnd)) {
    // Continuation data in an HTTP conversation (tshark: its bytes as data inside HTTP)
    p.proto('http', off, end - off);
    if (!limited) dissectData(p, b, off, end);
    p.close();
    if (p.columns) {
      p.setProtocol('HTTP');
      p.setInfo('Continuation');
    }
    if (limited) throw new CaptureLimited();
    return end - off;
  }
  // A message read before up to a point (TCP grew its PDU: the bytes before are the same).
  const r = httpContext.insideTls ? null : (p.resume as HttpResume | null);
  p.resume = null;
  if (r !== null && r.bodyStart >= 0) {
    // A chunked body read up to a chunk that was not whole: only the chunks from there.
    const n = chunkedLength(b, off + r.bodyStart, end, off + r.chunkFrom);
    if (n < 0) {
      r.chunkFrom = chunkStop - off;
      if (p.columns) p.setInfo(infoText(r.firstLine, ''));
      p.desegmentLen = Infinity;
      p.resume = r;
      return 0;
    }
  }
  const lfFrom = r !== null ? off + r.lfFrom : off;
  const firstEnd = r !== null && r.firstEnd >= 0 ? off + r.firstEnd : lineEnd(b, lfFrom, capEnd);
  if (r === null || r.firstEnd < 0) httpWork.headScanned += firstEnd - lfFrom;
  if (limited && findCrlfCrlf(b, off, capEnd) < 0) {
    const line = ascii(b, off, firstEnd > off && b[firstEnd - 1] === 13 ? firstEnd - 1 : firstEnd);
    p.proto('http', off, end - off);
    if (p.columns) {
      p.setProtocol('HTTP');
      p.setInfo(line + ' ');
    }
    throw new CaptureLimited();
  }
  const firstLine = r !== null && r.firstEnd >= 0 ? r.firstLine : internAscii(b, off, firstEnd > off && b[firstEnd - 1] === 13 ? firstEnd - 1 : firstEnd);
  const headFrom = r === null ? off : r.bodyStart >= 0 ? off + r.bodyStart - 4 : off + r.headFrom;
  const hdrEnd = findCrlfCrlf(b, headFrom, end);
  httpWork.headScanned += (hdrEnd < 0 ? end : hdrEnd + 4) - headFrom;
  if (hdrEnd < 0) {
    // tshark shows a whole first line while the headers are still coming
    if (p.columns && firstEnd < end) p.setInfo(infoText(firstLine, ''));
    p.desegmentLen = Infinity;
    if (!httpContext.insideTls) {
      const next = r ?? newResume();
      next.headFrom = Math.max(0, end - off - 3);
      next.lfFrom = end - off;
      if (firstEnd < end) {
        next.firstEnd = firstEnd - off;
        next.firstLine = firstLine;
      }
      p.resume = next;
    }
    return 0;
  }
  const bodyStart = hdrEnd + 4;
  // Headers: decoded to strings only when someone reads them (tree, filters, -e); the columns
  // need just Content-Length, Transfer-Encoding and Content-Type, found by byte comparison.
  const w = wantsOf(p);
  const wantAll = w.headers;
  const headers: [string, string, number, number][] = wantAll ? [] : NO_HEADERS;
  let contentLength = -1;
  let chunked = false;
  let contentType = '';
  let o = firstEnd + 1;
  while (o < hdrEnd + 2) {
    const le = lineEnd(b, o, hdrEnd + 2);
    const stop = le > o && b[le - 1] === 13 ? le - 1 : le;
    if (wantAll) {
      const text = ascii(b, o, stop);
      const colon = text.indexOf(':');
      if (colon > 0) headers.push([text.slice(0, colon).toLowerCase(), text.slice(colon + 1).trim(), o, le + 1 - o]);
    }
    const c0 = b[o] | 0x20; // 'c' or 't' (either case) may start a header read here
    if (c0 === 99) {
      if (headerIs(b, o, stop, 'content-length')) contentLength = contentLengthValue(b, o + 15, stop);
      else if (headerIs(b, o, stop, 'content-type')) contentType = internAscii(b, o + 13, stop);
    } else if (c0 === 116 && headerIs(b, o, stop, 'transfer-encoding')) chunked = includesChunked(b, o + 18, stop);
    o = le + 1;
  }
  // The words of the first line as firstLine.split(' ') gives them (without building the array).
  // Sliced out only when a field, the tree or request matching reads them (never for columns).
  const words = w.words;
  const sp1 = firstLine.indexOf(' ');
  const sp2 = sp1 < 0 ? -1 : firstLine.indexOf(' ', sp1 + 1);
  const sp3 = sp2 < 0 || !words ? -1 : firstLine.indexOf(' ', sp2 + 1);
  const word0 = !words ? '' : sp1 < 0 ? firstLine : firstLine.slice(0, sp1);
  const word1 = sp1 < 0 || !words ? undefined : firstLine.slice(sp1 + 1, sp2 < 0 ? firstLine.length : sp2);
  const word2 = sp2 < 0 || !words ? undefined : firstLine.slice(sp2 + 1, sp3 < 0 ? firstLine.length : sp3);
  const code = !isResponse ? 0 : words ? parseInt(word1 as string, 10) : statusCode(firstLine, sp1, sp2);
  let bodyLen = 0;
  // The body's bytes were left out of a reassembled buffer (TCP kept only their coverage): the
  // buffer goes on at bodyStart with what followed the message.
  let elided = false;
  const noBody = isResponse && (code === 204 || code === 304 || (code >= 100 && code < 200));
  if (!noBody) {
    if (chunked) {
      const n = chunkedLength(b, bodyStart, end, r !== null && r.bodyStart >= 0 ? off + r.chunkFrom : bodyStart);
      if (n < 0) {
        if (p.columns) p.setInfo(infoText(firstLine, ''));
        p.desegmentLen = Infinity;
        if (!httpContext.insideTls) {
          const next = r ?? newResume();
          next.firstEnd = firstEnd - off;
          next.firstLine = firstLine;
          next.bodyStart = bodyStart - off;
          next.chunkFrom = chunkStop - off;
          p.resume = next;
        }
        return 0;
      }
      bodyLen = n;
    } else if (contentLength >= 0) {
      // (only when this Packet reads no body either: otherwise TCP gets no answer and stops)
      if (bodyStart === p.elidedAt && contentLength === p.elidedLen && w.bodiesUnread) {
        elided = true;
        p.elidedAt = -1; // counted
      } else if (bodyStart + contentLength > end) {
        if (p.columns) p.setInfo(infoText(firstLine, ''));
        p.desegmentLen = bodyStart + contentLength - end;
        if (!httpContext.insideTls && w.bodiesUnread) {
          // Tell TCP the body's bytes will not be read: it need not keep them.
          p.desegmentSkipAt = bodyStart;
          p.desegmentSkip = contentLength;
        }
        return 0;
      }
      bodyLen = contentLength;
    } else if (isResponse) {
      if (httpContext.insideTls) {
        p.desegmentLen = Infinity;
        return 0;
      }
      bodyLen = end - bodyStart; // until the connection closes
    }
  }
  const msgEnd = bodyStart + bodyLen;
  p.proto('http', off, msgEnd - off);
  // Wireshark's chat item for the first line (its message keeps the CRLF as escaped text).
  if (w.chat) p.expert('http.chat', off, firstEnd + 1 - off, 'chat', 'sequence', firstLine + '\\r\\n');
  // Request/response matching only when someone reads it (summary lines never do).
  const track = w.track;
  const st = track ? s.get<HttpState>('http', newHttpState) : null;
  const key = track ? `${s.net.ipVersion === 4 ? Math.min(s.net.src4, s.net.dst4) : ''}:${Math.min(s.net.srcPort, s.net.dstPort)}:${Math.max(s.net.srcPort, s.net.dstPort)}` : '';
  if (!w.fields) {
    // no http.* field is read: nothing to record
  } else if (isResponse) {
    p.add('http.response', off, 0, true);
    p.add('http.response.version', off, word0.length, word0);
    p.add('http.response.code', off + word0.length + 1, 3, code);
    if (p.want('http.response.phrase')) p.add('http.response.phrase', off, firstLine.length, sp2 < 0 ? '' : firstLine.slice(sp2 + 1));
    const q = st ? st.pending.get(key) : undefined;
    const req = q?.shift();
    if (req) p.gen('http.request_in', req.frame);
    if (st && q && q.length === 0) st.pending.delete(key);
  } else {
    p.add('http.request', off, 0, true);
    p.add('http.request.method', off, word0.length, word0);
    p.add('http.request.uri', off + word0.length + 1, (word1 ?? '').length, word1 ?? '');
    p.add('http.request.version', off, 0, word2 ?? '');
    if (st) {
      let q = st.pending.get(key);
      if (!q) st.pending.set(key, (q = []));
      if (q.length < 64) q.push({ frame: p.number, method: word0 });
    }
  }
  let host = '';
  for (const [name, value, ho, hl] of headers) {
    const f = HEADER_FIELDS[name];
    if (name === 'host') host = value;
    if (f) p.add(f, ho, hl, value);
  }
  if (contentLength >= 0 && w.fields) p.gen('http.content_length', contentLength);
  if (!isResponse && host && p.want('http.request.full_uri')) p.gen('http.request.full_uri', `${httpContext.scheme}://${host}${word1 ?? ''}`);
  let suffix = '';
  let protocol = 'HTTP';
  if (bodyLen > 0) {
    const media = mediaType(contentType);
    if (media === 'application/json') {
      p.proto('json', bodyStart, bodyLen, p.tree ? 'JavaScript Object Notation: ' + media : undefined); // labels: tree only
      p.close();
      protocol = 'HTTP/JSON';
      suffix = mediaSuffix(media, true);
    } else if (media.startsWith('text/') || media === '') {
      if (!chunked || media) {
        p.proto('data-text-lines', bodyStart, bodyLen, p.tree ? 'Line-based text data: ' + media : undefined);
        p.close();
        suffix = mediaSuffix(media, false);
      }
    } else if (media === 'image/png') {
      // tshark's media-type table hands image/png to its PNG dissector: "(PNG)" in Info
      p.proto('png', bodyStart, bodyLen, 'Portable Network Graphics');
      p.close();
      suffix = ' (PNG)';
    } else if (elided) {
      // what dissectData records for a whole body, without its bytes (nobody reads data.data)
      p.proto('data', bodyStart, bodyLen);
      p.gen('data.len', bodyLen);
      p.close();
    } else {
      dissectData(p, b, bodyStart, bodyStart + bodyLen);
    }
  }
  p.close();
  if (p.columns) {
    p.setProtocol(protocol);
    p.setInfo(infoText(firstLine, suffix));
    // A fence, as tshark's HTTP sets after each message: the next message in this frame appends its Info.
    if (!httpContext.insideTls) p.fence = p.info;
  }
  return elided ? bodyStart - off : msgEnd - off;
}

export const httpStream: StreamProtocol = {
  name: 'http',
  dissect: dissectHttp,
  heuristic: looksLikeHttp,
};
