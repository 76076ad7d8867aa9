// HTTP/1.1 messages over a byte stream (RFC 9112): an incremental parser fed with chunks of a
// reassembled TCP stream that yields complete messages with the byte ranges of their start line,
// each header field and the body (for the dissector's tree and the inspector's hex highlighting),
// plus emitters. Header text is latin1 (one char per byte, lossless). Never throws on stream data:
// errors carry the stream offset; limits make oversized input an error, not a hang.

import type { ParseError, ParseResult } from '../addr/result';

export interface ByteRange {
  /** Offset in the stream (counted from the first byte ever pushed into the parser). */
  offset: number;
  length: number;
}

export interface HttpHeader {
  /** Name as sent (original case). */
  name: string;
  value: string;
  /** The whole field line including its line ending (and any obs-fold continuation). */
  range: ByteRange;
}

export interface HttpRequestLine {
  kind: 'request';
  method: string;
  target: string;
  version: string;
}

export interface HttpStatusLine {
  kind: 'response';
  version: string;
  status: number;
  reason: string;
}

export type HttpFraming = 'none' | 'length' | 'chunked' | 'close';

export interface HttpChunk {
  /** The chunk-size line (with extensions and CRLF). */
  sizeLine: ByteRange;
  size: number;
  /** Raw chunk extensions text after the size (e.g. ";name=value"), "" when none. */
  extensions: string;
  data: ByteRange;
}

export interface HttpMessage {
  start: HttpRequestLine | HttpStatusLine;
  headers: HttpHeader[];
  /** Trailer fields after a chunked body. */
  trailers: HttpHeader[];
  /** Message body after removing chunked framing (content codings are not undone). */
  body: Uint8Array;
  framing: HttpFraming;
  /** Whole message, from the first byte of the start line to the end of the body/trailers. */
  range: ByteRange;
  startLine: ByteRange;
  /** Header section including the empty line that ends it. */
  headerSection: ByteRange;
  /** The body as sent on the wire (chunk framing included). */
  bodyRange: ByteRange;
  chunks: HttpChunk[];
  /** Non-fatal oddities (obs-fold unfolded, both Content-Length and Transfer-Encoding, bare LF…). */
  warnings: string[];
}

/** { message, offset }: offset is the stream offset of the offending byte. */
export type HttpError = ParseError;

export interface HttpParserOptions {
  /** Maximum size of start line + header section (and of the trailer section). Default 64 KiB. */
  maxHeaderBytes?: number;
  /** Maximum body size kept in memory. Default 64 MiB. */
  maxBodyBytes?: number;
  /** obs-fold (a field line continued on the next line): 'reject' (default, RFC 9112 §5.2) or 'unfold' with a warning. */
  obsFold?: 'reject' | 'unfold';
}

export interface HttpPushResult {
  messages: HttpMessage[];
  /** Set once the stream is unusable; later pushes return the same error. */
  error?: HttpError;
}

// ---------------------------------------------------------------------------------------------
// Header helpers

/** First value of a header, case-insensitive. */
export function headerValue(headers: readonly HttpHeader[] | readonly { name: string; value: string }[], name: string): string | undefined {
  const n = name.toLowerCase();
  for (const h of headers) if (h.name.toLowerCase() === n) return h.value;
  return undefined;
}

/** All values of a header in order, case-insensitive. */
export function headerValues(headers: readonly { name: string; value: string }[], name: string): string[] {
  const n = name.toLowerCase();
  const out: string[] = [];
  for (const h of headers) if (h.name.toLowerCase() === n) out.push(h.value);
  return out;
}

/** Comma-separated list elements across all fields of that name (RFC 9110 §5.6.1), lower-cased. */
function listTokens(headers: readonly HttpHeader[], name: string): string[] {
  return headerValues(headers, name).flatMap((v) => v.split(',')).map((t) => t.trim().toLowerCase()).filter((t) => t.length > 0);
}

const TCHAR = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/;

function latin1(b: Uint8Array, start: number, end: number): string {
  let s = '';
  for (let i = start; i < end; i++) s += String.fromCharCode(b[i]);
  return s;
}

// ---------------------------------------------------------------------------------------------
// Incremental parser

type State = 'head' | 'length' | 'chunk-size' | 'chunk-data' | 'chunk-crlf' | 'trailers' | 'close' | 'error';

export class HttpStreamParser {
  private buf = new Uint8Array(0);
  /** Stream offset of buf[0]. */
  private base = 0;
  /** Bytes of buf already consumed by the current message or earlier ones. */
  private pos = 0;
  /** Where the search for the end of the header section resumes. */
  private scan = 0;
  private state: State = 'head';
  private remaining = 0;
  private cur: HttpMessage | null = null;
  private bodyParts: Uint8Array[] = [];
  private bodySize = 0;
  private chunk: HttpChunk | null = null;
  private err: HttpError | undefined;
  private readonly maxHeader: number;
  private readonly maxBody: number;
  private readonly obsFold: 'reject' | 'unfold';
  /** Methods of requests whose responses are still to come (response parsers only). */
  private readonly pendingMethods: string[] = [];

  constructor(readonly kind: 'request' | 'response', options: HttpParserOptions = {}) {
    this.maxHeader = options.maxHeaderBytes ?? 65536;
    this.maxBody = options.maxBodyBytes ?? 64 * 1024 * 1024;
    this.obsFold = options.obsFold ?? 'reject';
  }

  /** Tells a response parser the method of the next request on the connection (HEAD → no body). */
  expectResponseTo(method: string): void {
    this.pendingMethods.push(method.toUpperCase());
  }

  /** Feeds the next bytes of the stream. */
  push(data: Uint8Array): HttpPushResult {
    if (this.err) return { messages: [], error: this.err };
    this.append(data);
    const messages: HttpMessage[] = [];
    for (;;) {
      const progressed = this.step(messages);
      if (this.err) return { messages, error: this.err };
      if (!progressed) break;
    }
    this.compact();
    return { messages };
  }

  /** The connection closed: completes a read-until-close body or reports a truncated message. */
  end(): HttpPushResult {
    if (this.err) return { messages: [], error: this.err };
    const messages: HttpMessage[] = [];
    if (this.state === 'close' && this.cur) {
      this.takeBody(this.buf.length - this.pos);
      this.finish(messages, this.base + this.buf.length);
    } else if (this.state !== 'head' || this.pos < this.buf.length) {
      const at = this.base + this.buf.length;
      if (!(this.state === 'head' && this.onlyBlankLines())) this.err = { message: `connection closed inside a message (${this.state})`, offset: at };
    }
    return this.err ? { messages, error: this.err } : { messages };
  }

  /** Stream offset of the first byte not yet part of a complete message. */
  get consumed(): number {
    return this.base + this.pos;
  }

  private onlyBlankLines(): boolean {
    for (let i = this.pos; i < this.buf.length; i++) if (this.buf[i] !== 0x0d && this.buf[i] !== 0x0a) return false;
    return true;
  }

  private append(data: Uint8Array) {
    if (data.length === 0) return;
    const live = this.buf.length - this.pos;
    const next = new Uint8Array(live + data.length);
    next.set(this.buf.subarray(this.pos));
    next.set(data, live);
    this.base += this.pos;
    this.scan -= this.pos;
    this.pos = 0;
    this.buf = next;
  }

  private compact() {
    if (this.pos === 0) return;
    this.base += this.pos;
    this.scan = Math.max(0, this.scan - this.pos);
    this.buf = this.buf.slice(this.pos);
    this.pos = 0;
  }

  private fail(error: string, at: number): false {
    this.err = { message: error, offset: this.base + at };
    this.state = 'error';
    return false;
  }

  /** Finds the next line end at or after `from` within `limit`; returns index of '\n' or -1. */
  private findLf(from: number): number {
    const i = this.buf.indexOf(0x0a, from);
    return i;
  }

  private step(out: HttpMessage[]): boolean {
    switch (this.state) {
      case 'head': return this.parseHead(out);
      case 'length': {
        const n = Math.min(this.remaining, this.buf.length - this.pos);
        if (n === 0) return false;
        this.takeBody(n);
        this.remaining -= n;
        if (this.remaining === 0) this.finish(out, this.base + this.pos);
        return true;
      }
      case 'chunk-size': return this.parseChunkSize(out);
      case 'chunk-data': {
        const n = Math.min(this.remaining, this.buf.length - this.pos);
        if (n === 0) return false;
        this.takeBody(n);
        this.remaining -= n;
        if (this.remaining === 0) this.state = 'chunk-crlf';
        return true;
      }
      case 'chunk-crlf': {
        const avail = this.buf.length - this.pos;
        if (avail < 1) return false;
        if (this.buf[this.pos] === 0x0a) { this.pos += 1; this.state = 'chunk-size'; return true; }
        if (avail < 2) return false;
        if (this.buf[this.pos] !== 0x0d || this.buf[this.pos + 1] !== 0x0a) return this.fail('chunk data not followed by CRLF', this.pos);
        this.pos += 2;
        this.state = 'chunk-size';
        return true;
      }
      case 'trailers': return this.parseTrailers(out);
      case 'close': {
        const n = this.buf.length - this.pos;
        if (n === 0) return false;
        this.takeBody(n);
        return true;
      }
      case 'error': return false;
    }
  }

  private takeBody(n: number) {
    if (n <= 0) return;
    if (this.bodySize + n > this.maxBody) { this.fail(`body larger than ${this.maxBody} bytes`, this.pos); return; }
    this.bodyParts.push(this.buf.slice(this.pos, this.pos + n));
    this.bodySize += n;
    this.pos += n;
  }

  /** Parses field lines in [start, end) into headers; returns an error message or null. */
  private parseFields(start: number, end: number, into: HttpHeader[], warnings: string[]): string | null {
    let o = start;
    while (o < end) {
      let lf = this.buf.indexOf(0x0a, o);
      if (lf < 0 || lf >= end) lf = end - 1;
      let lineEnd = lf; // exclusive of CR
      if (lineEnd > o && this.buf[lineEnd - 1] === 0x0d) lineEnd--;
      else if (!warnings.includes('bare LF line ending')) warnings.push('bare LF line ending');
      const c = this.buf[o];
      if (c === 0x20 || c === 0x09) {
        // obs-fold: continuation of the previous field line.
        if (this.obsFold === 'reject' || into.length === 0) { this.err = { message: 'obsolete line folding (obs-fold) in header field', offset: this.base + o }; return this.err.message; }
        const prev = into[into.length - 1];
        prev.value = (prev.value + ' ' + latin1(this.buf, o, lineEnd).trim()).trim();
        prev.range.length = this.base + lf + 1 - prev.range.offset;
        if (!warnings.includes('obs-fold unfolded')) warnings.push('obs-fold unfolded');
        o = lf + 1;
        continue;
      }
      const colon = this.buf.indexOf(0x3a, o);
      if (colon < 0 || colon >= lineEnd) { this.err = { message: 'header field line without a colon', offset: this.base + o }; return this.err.message; }
      const name = latin1(this.buf, o, colon);
      if (!TCHAR.test(name)) {
        this.err = { message: `invalid header field name "${name}"`, offset: this.base + o };
        return this.err.message;
      }
      let vs = colon + 1;
      let ve = lineEnd;
      while (vs < ve && (this.buf[vs] === 0x20 || this.buf[vs] === 0x09)) vs++;
      while (ve > vs && (this.buf[ve - 1] === 0x20 || this.buf[ve - 1] === 0x09)) ve--;
      for (let i = vs; i < ve; i++) {
        const b = this.buf[i];
        if (b === 0 || b === 0x0d || b === 0x0a) { this.err = { message: 'NUL, CR or LF inside a header field value', offset: this.base + i }; return this.err.message; }
      }
      into.push({ name, value: latin1(this.buf, vs, ve), range: { offset: this.base + o, length: lf + 1 - o } });
      o = lf + 1;
    }
    return null;
  }

  /** Locates the empty line ending a field section that starts at `from`; returns [blankLineStart, after] or null. */
  private findSectionEnd(from: number, limitFrom: number): [number, number] | null | 'too-big' {
    let o = Math.max(from, this.scan);
    for (;;) {
      const lf = this.findLf(o);
      if (lf < 0) {
        // Resume at the start of this incomplete line, never in its middle.
        this.scan = o;
        if (this.buf.length - limitFrom > this.maxHeader) return 'too-big';
        return null;
      }
      // The line starting at `o` is empty when it is just CR? LF.
      const lineStart = o;
      if (lf === lineStart || (lf === lineStart + 1 && this.buf[lineStart] === 0x0d)) {
        if (lf + 1 - limitFrom > this.maxHeader) return 'too-big';
        return [lineStart, lf + 1];
      }
      o = lf + 1;
      if (o - limitFrom > this.maxHeader) return 'too-big';
    }
  }

  private parseHead(out: HttpMessage[]): boolean {
    // RFC 9112 §2.2: ignore empty lines before a request line (and be as lenient for responses).
    while (this.pos < this.buf.length && (this.buf[this.pos] === 0x0d || this.buf[this.pos] === 0x0a)) {
      if (this.buf[this.pos] === 0x0d && this.pos + 1 >= this.buf.length) return false;
      this.pos++;
    }
    if (this.pos >= this.buf.length) return false;
    const start = this.pos;
    if (this.scan < start) this.scan = start;
    const firstLf = this.findLf(start);
    if (firstLf < 0) {
      if (this.buf.length - start > this.maxHeader) return this.fail(`start line longer than ${this.maxHeader} bytes`, start);
      return false;
    }
    const secEnd = this.findSectionEnd(firstLf + 1, start);
    if (secEnd === 'too-big') return this.fail(`header section larger than ${this.maxHeader} bytes`, start);
    if (!secEnd) return false;
    const warnings: string[] = [];
    let lineEnd = firstLf;
    if (lineEnd > start && this.buf[lineEnd - 1] === 0x0d) lineEnd--;
    else warnings.push('bare LF line ending');
    const line = latin1(this.buf, start, lineEnd);
    let startRec: HttpRequestLine | HttpStatusLine;
    if (this.kind === 'request') {
      const m = /^([!#$%&'*+\-.^_`|~0-9A-Za-z]+) (\S+) (HTTP\/\d\.\d)$/.exec(line);
      if (!m) return this.fail(`malformed request line "${line.slice(0, 80)}"`, start);
      startRec = { kind: 'request', method: m[1], target: m[2], version: m[3] };
    } else {
      const m = /^(HTTP\/\d\.\d) (\d{3})(?: ([^\r\n]*))?$/.exec(line);
      if (!m) return this.fail(`malformed status line "${line.slice(0, 80)}"`, start);
      startRec = { kind: 'response', version: m[1], status: Number(m[2]), reason: m[3] ?? '' };
    }
    const headers: HttpHeader[] = [];
    if (this.parseFields(firstLf + 1, secEnd[0], headers, warnings)) { this.state = 'error'; return false; }
    const msg: HttpMessage = {
      start: startRec, headers, trailers: [], body: new Uint8Array(0), framing: 'none',
      range: { offset: this.base + start, length: 0 },
      startLine: { offset: this.base + start, length: firstLf + 1 - start },
      headerSection: { offset: this.base + firstLf + 1, length: secEnd[1] - firstLf - 1 },
      bodyRange: { offset: this.base + secEnd[1], length: 0 }, chunks: [], warnings,
    };
    this.pos = secEnd[1];
    this.scan = this.pos;
    this.cur = msg;
    this.bodyParts = [];
    this.bodySize = 0;
    return this.chooseFraming(out, msg);
  }

  /** RFC 9112 §6.3 message body length rules. */
  private chooseFraming(out: HttpMessage[], msg: HttpMessage): boolean {
    const at = this.pos;
    const s = msg.start;
    let noBody = false;
    if (s.kind === 'response') {
      const method = s.status >= 200 ? this.pendingMethods.shift() : this.pendingMethods[0];
      noBody = (s.status >= 100 && s.status < 200) || s.status === 204 || s.status === 304 || method === 'HEAD' ||
        (method === 'CONNECT' && s.status >= 200 && s.status < 300);
    }
    if (noBody) { this.finish(out, this.base + at); return true; }
    const te = listTokens(msg.headers, 'transfer-encoding');
    const cls = headerValues(msg.headers, 'content-length');
    if (te.length > 0) {
      if (cls.length > 0) msg.warnings.push('both Transfer-Encoding and Content-Length: Content-Length ignored');
      if (te[te.length - 1] === 'chunked') {
        msg.framing = 'chunked';
        this.state = 'chunk-size';
        return true;
      }
      if (s.kind === 'request') return this.fail('request Transfer-Encoding does not end in chunked', at);
      msg.framing = 'close';
      this.state = 'close';
      return true;
    }
    if (cls.length > 0) {
      const values = new Set(cls.flatMap((v) => v.split(',')).map((v) => v.trim()));
      if (values.size !== 1) return this.fail(`conflicting Content-Length values ${[...values].join(', ')}`, at);
      const v = [...values][0];
      if (!/^\d{1,15}$/.test(v)) return this.fail(`invalid Content-Length "${v}"`, at);
      const n = Number(v);
      if (n > this.maxBody) return this.fail(`Content-Length ${n} larger than ${this.maxBody} bytes`, at);
      msg.framing = 'length';
      if (n === 0) { this.finish(out, this.base + at); return true; }
      this.remaining = n;
      this.state = 'length';
      return true;
    }
    if (s.kind === 'request') { this.finish(out, this.base + at); return true; }
    msg.framing = 'close';
    this.state = 'close';
    return true;
  }

  private parseChunkSize(_out: HttpMessage[]): boolean {
    const lf = this.findLf(this.pos);
    if (lf < 0) {
      if (this.buf.length - this.pos > 4096) return this.fail('chunk-size line longer than 4096 bytes', this.pos);
      return false;
    }
    let end = lf;
    if (end > this.pos && this.buf[end - 1] === 0x0d) end--;
    const line = latin1(this.buf, this.pos, end);
    const m = /^([0-9A-Fa-f]+)[ \t]*((?:;.*)?)$/.exec(line);
    if (!m) return this.fail(`bad chunk size "${line.slice(0, 40)}"`, this.pos);
    if (m[1].replace(/^0+/, '').length > 13) return this.fail(`chunk size ${m[1]} too large`, this.pos);
    const size = parseInt(m[1], 16);
    if (this.bodySize + size > this.maxBody) return this.fail(`body larger than ${this.maxBody} bytes`, this.pos);
    const chunk: HttpChunk = {
      sizeLine: { offset: this.base + this.pos, length: lf + 1 - this.pos }, size, extensions: m[2],
      data: { offset: this.base + lf + 1, length: size },
    };
    this.cur!.chunks.push(chunk);
    this.pos = lf + 1;
    if (size === 0) {
      this.state = 'trailers';
      this.scan = this.pos;
      return true;
    }
    this.remaining = size;
    this.state = 'chunk-data';
    return true;
  }

  private parseTrailers(out: HttpMessage[]): boolean {
    const secEnd = this.findSectionEnd(this.pos, this.pos);
    if (secEnd === 'too-big') return this.fail(`trailer section larger than ${this.maxHeader} bytes`, this.pos);
    if (!secEnd) return false;
    if (this.parseFields(this.pos, secEnd[0], this.cur!.trailers, this.cur!.warnings)) { this.state = 'error'; return false; }
    this.pos = secEnd[1];
    this.finish(out, this.base + this.pos);
    return true;
  }

  private finish(out: HttpMessage[], endOffset: number) {
    const msg = this.cur!;
    if (this.bodyParts.length === 1) msg.body = this.bodyParts[0];
    else if (this.bodyParts.length > 1) {
      const body = new Uint8Array(this.bodySize);
      let o = 0;
      for (const p of this.bodyParts) { body.set(p, o); o += p.length; }
      msg.body = body;
    }
    msg.bodyRange.length = endOffset - msg.bodyRange.offset;
    msg.range.length = endOffset - msg.range.offset;
    out.push(msg);
    this.cur = null;
    this.bodyParts = [];
    this.bodySize = 0;
    this.state = 'head';
    this.scan = this.pos;
  }
}

/** Parses one complete message held in `bytes` (a response with read-until-close body ends at the end of bytes). */
export function parseHttpMessage(bytes: Uint8Array, kind: 'request' | 'response', options?: HttpParserOptions & { requestMethod?: string }):
  ParseResult<HttpMessage> {
  const p = new HttpStreamParser(kind, options);
  if (options?.requestMethod) p.expectResponseTo(options.requestMethod);
  const r = p.push(bytes);
  if (r.error) return { ok: false, error: r.error };
  if (r.messages.length > 0) return { ok: true, value: r.messages[0] };
  const e = p.end();
  if (e.error) return { ok: false, error: e.error };
  if (e.messages.length > 0) return { ok: true, value: e.messages[0] };
  return { ok: false, error: { message: 'no HTTP message', offset: 0 } };
}

// ---------------------------------------------------------------------------------------------
// Emit

export interface HttpHeaderField {
  name: string;
  value: string;
}

export interface HttpEmitBody {
  body?: Uint8Array | string;
  /**
   * 'length' adds Content-Length (unless present), 'chunked' adds Transfer-Encoding: chunked and
   * frames the body, 'none' writes headers and body as given. Default: 'length' when there is a
   * body or the message is a request with a method that carries one, else 'none'.
   */
  framing?: 'length' | 'chunked' | 'none';
  /** Chunk size for 'chunked' (default: one chunk). */
  chunkSize?: number;
  trailers?: HttpHeaderField[];
}

export interface HttpRequestRepr extends HttpEmitBody {
  method: string;
  target: string;
  version?: string;
  headers: HttpHeaderField[];
}

export interface HttpResponseRepr extends HttpEmitBody {
  status: number;
  reason?: string;
  version?: string;
  headers: HttpHeaderField[];
}

export class HttpEmitError extends Error {}

/** Standard reason phrases for common status codes. */
export const HTTP_REASONS: Readonly<Record<number, string>> = {
  100: 'Continue', 101: 'Switching Protocols', 200: 'OK', 201: 'Created', 202: 'Accepted', 204: 'No Content',
  206: 'Partial Content', 301: 'Moved Permanently', 302: 'Found', 303: 'See Other', 304: 'Not Modified',
  307: 'Temporary Redirect', 308: 'Permanent Redirect', 400: 'Bad Request', 401: 'Unauthorized', 403: 'Forbidden',
  404: 'Not Found', 405: 'Method Not Allowed', 408: 'Request Timeout', 411: 'Length Required', 413: 'Content Too Large',
  431: 'Request Header Fields Too Large', 500: 'Internal Server Error', 501: 'Not Implemented', 502: 'Bad Gateway',
  503: 'Service Unavailable', 504: 'Gateway Timeout',
};

function toBytes(s: string): Uint8Array {
  const out = new Uint8Array(s.length);
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c > 0xff) throw new HttpEmitError('non-latin1 character in HTTP header text');
    out[i] = c;
  }
  return out;
}

function checkField(h: HttpHeaderField) {
  if (!TCHAR.test(h.name)) throw new HttpEmitError(`invalid header name "${h.name}"`);
  if (/[\r\n\0]/.test(h.value)) throw new HttpEmitError(`CR, LF or NUL in the value of ${h.name}`);
}

function emitMessage(startLine: string, headers: HttpHeaderField[], b: HttpEmitBody, bodyAllowed: boolean): Uint8Array {
  const body = typeof b.body === 'string' ? new TextEncoder().encode(b.body) : b.body ?? new Uint8Array(0);
  const framing = b.framing ?? (body.length > 0 ? 'length' : 'none');
  if (!bodyAllowed && body.length > 0) throw new HttpEmitError('this message cannot carry a body');
  const fields = headers.slice();
  if (framing === 'length' && headerValue(fields, 'content-length') === undefined) fields.push({ name: 'Content-Length', value: String(body.length) });
  if (framing === 'chunked' && headerValue(fields, 'transfer-encoding') === undefined) fields.push({ name: 'Transfer-Encoding', value: 'chunked' });
  let head = startLine + '\r\n';
  for (const h of fields) { checkField(h); head += `${h.name}: ${h.value}\r\n`; }
  head += '\r\n';
  const parts: Uint8Array[] = [toBytes(head)];
  if (framing === 'chunked') {
    const size = b.chunkSize && b.chunkSize > 0 ? b.chunkSize : Math.max(body.length, 1);
    for (let o = 0; o < body.length; o += size) {
      const piece = body.subarray(o, Math.min(body.length, o + size));
      parts.push(toBytes(piece.length.toString(16) + '\r\n'), piece, toBytes('\r\n'));
    }
    let tail = '0\r\n';
    for (const t of b.trailers ?? []) { checkField(t); tail += `${t.name}: ${t.value}\r\n`; }
    parts.push(toBytes(tail + '\r\n'));
  } else parts.push(body);
  let n = 0;
  for (const p of parts) n += p.length;
  const out = new Uint8Array(n);
  let o = 0;
  for (const p of parts) { out.set(p, o); o += p.length; }
  return out;
}

export function emitHttpRequest(r: HttpRequestRepr): Uint8Array {
  if (!TCHAR.test(r.method)) throw new HttpEmitError(`invalid method "${r.method}"`);
  if (!r.target || /[\s]/.test(r.target)) throw new HttpEmitError(`invalid request target "${r.target}"`);
  return emitMessage(`${r.method} ${r.target} ${r.version ?? 'HTTP/1.1'}`, r.headers, r, true);
}

export function emitHttpResponse(r: HttpResponseRepr, requestMethod?: string): Uint8Array {
  if (!Number.isInteger(r.status) || r.status < 100 || r.status > 999) throw new HttpEmitError(`invalid status ${r.status}`);
  const bodyAllowed = !(r.status < 200 || r.status === 204 || r.status === 304 || requestMethod?.toUpperCase() === 'HEAD');
  const reason = r.reason ?? HTTP_REASONS[r.status] ?? '';
  if (/[\r\n]/.test(reason)) throw new HttpEmitError('CR or LF in reason phrase');
  return emitMessage(`${r.version ?? 'HTTP/1.1'} ${r.status} ${reason}`, r.headers, r, bodyAllowed);
}
