import { describe, it, expect } from 'vitest';
import { readFileSync } from 'node:fs';
import { execFileSync } from 'node:child_process';
import fc from 'fast-check';
import {
  HttpStreamParser, parseHttpMessage, emitHttpRequest, emitHttpResponse, headerValue, headerValues, type HttpMessage,
} from './http';
import { readPcapng, tcpStream, type TcpDirection } from './fixtures-app/pcapng-reader';

const FIX = new URL('./fixtures-app/', import.meta.url);
const fixturePath = (name: string) => new URL(name, FIX).pathname;
const text = (s: string) => new TextEncoder().encode(s);
const latin1 = (b: Uint8Array) => Array.from(b, (c) => String.fromCharCode(c)).join('');
const AGG = '\u001f';

function tsharkFields(file: string, fields: string[]): Map<number, string[][]> {
  const out = execFileSync('tshark', ['-r', fixturePath(file), '-Y', 'http', '-T', 'fields', '-E', `aggregator=${AGG}`, '-E', 'occurrence=a',
    '-e', 'frame.number', ...fields.flatMap((f) => ['-e', f])], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] });
  const map = new Map<number, string[][]>();
  for (const line of out.split('\n')) {
    if (!line) continue;
    const cols = line.split('\t');
    map.set(Number(cols[0]), cols.slice(1).map((c) => (c === '' ? [] : c.split(AGG))));
  }
  return map;
}

/** Feeds a direction segment by segment, returns messages tagged with the frame holding their last byte. */
function feed(dir: TcpDirection, parser: HttpStreamParser, beforeEach?: (m: HttpMessage) => void): { frame: number; msg: HttpMessage }[] {
  const out: { frame: number; msg: HttpMessage }[] = [];
  for (const c of dir.chunks) {
    const r = parser.push(dir.bytes.subarray(c.offset, c.offset + c.length));
    if (r.error) throw new Error(`${r.error.message} at ${r.error.offset}`);
    for (const m of r.messages) { out.push({ frame: c.frame, msg: m }); beforeEach?.(m); }
  }
  const e = parser.end();
  if (e.error) throw new Error(e.error.message);
  for (const m of e.messages) out.push({ frame: dir.chunks[dir.chunks.length - 1].frame, msg: m });
  return out;
}

const FIELDS = ['http.request.method', 'http.request.uri', 'http.request.version', 'http.response.version', 'http.response.code',
  'http.response.phrase', 'http.request.line', 'http.response.line', 'http.content_length_header', 'http.chunk_size'];

/** Our message in tshark's field shapes; header lines are cut out of the stream by their byte ranges. */
function ourFields(stream: Uint8Array, m: HttpMessage): string[][] {
  const s = m.start;
  const lines = m.headers.map((h) => latin1(stream.subarray(h.range.offset, h.range.offset + h.range.length)).replace(/\r\n/g, '\\r\\n'));
  const cl = headerValue(m.headers, 'content-length');
  return s.kind === 'request'
    ? [[s.method], [s.target], [s.version], [], [], [], lines, [], cl ? [cl] : [], []]
    : [[], [], [], [s.version], [String(s.status)], [s.reason], [], lines, cl ? [cl] : [], m.chunks.map((c) => String(c.size))];
}

const CAPTURES: [string, number, number[]][] = [
  ['http-get-etag-304.pcapng', 2, [4, 6, 14, 16]],
  ['http-redirect-301.pcapng', 1, [4, 6, 8, 9]],
  ['http-not-found-404.pcapng', 1, [4, 6]],
  ['http-keepalive-3req.pcapng', 1, [4, 6, 8, 9, 10, 11]],
  ['http-chunked-gzip.pcapng', 1, [4, 6]],
  ['http-post-json.pcapng', 1, [4, 6]],
];

describe('http: deconstruct nginx/curl captures and compare with tshark', () => {
  for (const [file, connections, httpFrames] of CAPTURES) {
    it(file, () => {
      const fs = readPcapng(new Uint8Array(readFileSync(fixturePath(file))));
      const expected = tsharkFields(file, FIELDS);
      expect([...expected.keys()]).toEqual(httpFrames);
      const seen: number[] = [];
      for (let conn = 0; conn < connections; conn++) {
        const syn = fs.filter((f) => f.data[47] === 0x02)[conn]; // client SYN: TCP flags byte at 14+20+13
        const clientPort = (syn.data[34] << 8) | syn.data[35];
        const up = tcpStream(fs, clientPort, 18080);
        const down = tcpStream(fs, 18080, clientPort);
        const reqParser = new HttpStreamParser('request');
        const reqs = feed(up, reqParser);
        const resParser = new HttpStreamParser('response');
        for (const r of reqs) resParser.expectResponseTo((r.msg.start as { method: string }).method);
        const resps = feed(down, resParser);
        expect(resps.length).toBe(reqs.length);
        for (const [dir, list] of [[up, reqs], [down, resps]] as const) {
          for (const { frame, msg } of list) {
            expect({ frame, fields: ourFields(dir.bytes, msg) }).toEqual({ frame, fields: expected.get(frame) });
            // Message ranges tile the stream: start line + header section + body = whole message.
            expect(msg.startLine.length + msg.headerSection.length + msg.bodyRange.length).toBe(msg.range.length);
            if (msg.framing === 'length') expect(msg.body.length).toBe(Number(headerValue(msg.headers, 'content-length')));
            seen.push(frame);
          }
          // All bytes of the direction belong to messages.
          const last = list[list.length - 1].msg.range;
          expect(last.offset + last.length).toBe(dir.bytes.length);
        }
      }
      expect(seen.sort((a, b) => a - b)).toEqual(httpFrames);
    });
  }

  it('bodies: POST JSON and the 201 reply as tshark shows them (http.file_data)', () => {
    const fs = readPcapng(new Uint8Array(readFileSync(fixturePath('http-post-json.pcapng'))));
    const syn = fs.find((f) => f.data[47] === 0x02)!;
    const port = (syn.data[34] << 8) | syn.data[35];
    const req = parseHttpMessage(tcpStream(fs, port, 18080).bytes, 'request');
    const res = parseHttpMessage(tcpStream(fs, 18080, port).bytes, 'response', { requestMethod: 'POST' });
    expect(req.ok && latin1(req.value.body)).toBe('{"name":"widget","qty":3}');
    expect(res.ok && latin1(res.value.body)).toBe('{"id":42,"status":"created"}\n');
    expect(res.ok && headerValue(res.value.headers, 'LOCATION')).toBe('/api/items/42'); // tshark: http.location
  });

  it('chunked gzip body: chunk framing removed, gzip bytes kept', () => {
    const fs = readPcapng(new Uint8Array(readFileSync(fixturePath('http-chunked-gzip.pcapng'))));
    const syn = fs.find((f) => f.data[47] === 0x02)!;
    const port = (syn.data[34] << 8) | syn.data[35];
    const res = parseHttpMessage(tcpStream(fs, 18080, port).bytes, 'response', { requestMethod: 'GET' });
    if (!res.ok) throw new Error(res.error.message);
    expect(res.value.framing).toBe('chunked');
    expect(res.value.body.length).toBe(434); // tshark frame 6: http.chunk_size 434, 0
    expect(Array.from(res.value.body.subarray(0, 2))).toEqual([0x1f, 0x8b]);
  });
});

describe('http: incremental parsing', () => {
  const req = 'GET /a HTTP/1.1\r\nHost: x\r\nX-Long: ' + 'v'.repeat(100) + '\r\n\r\n' +
    'POST /b HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n4;ext=1\r\nWiki\r\n5\r\npedia\r\n0\r\nExpires: never\r\n\r\n';
  it('byte-at-a-time gives the same messages and ranges as one push', () => {
    const whole = new HttpStreamParser('request').push(text(req));
    const p = new HttpStreamParser('request');
    const got: HttpMessage[] = [];
    for (const b of text(req)) {
      const r = p.push(Uint8Array.of(b));
      expect(r.error).toBeUndefined();
      got.push(...r.messages);
    }
    expect(got).toEqual(whole.messages);
    expect(got).toHaveLength(2);
    const post = got[1];
    expect(latin1(post.body)).toBe('Wikipedia');
    expect(post.chunks.map((c) => [c.size, c.extensions])).toEqual([[4, ';ext=1'], [5, ''], [0, '']]);
    expect(post.trailers).toEqual([{ name: 'Expires', value: 'never', range: { offset: req.indexOf('Expires'), length: 16 } }]);
    expect(post.range.offset).toBe(req.indexOf('POST'));
    expect(post.range.offset + post.range.length).toBe(req.length);
    expect(post.chunks[1].data).toEqual({ offset: req.indexOf('pedia'), length: 5 });
  });

  it('case-insensitive lookup keeps order and case', () => {
    const r = parseHttpMessage(text('HTTP/1.1 200 OK\r\nSet-Cookie: a=1\r\nset-cookie: b=2\r\nContent-Length: 0\r\n\r\n'), 'response');
    if (!r.ok) throw new Error(r.error.message);
    expect(headerValues(r.value.headers, 'SET-COOKIE')).toEqual(['a=1', 'b=2']);
    expect(r.value.headers.map((h) => h.name)).toEqual(['Set-Cookie', 'set-cookie', 'Content-Length']);
  });

  it('no body for HEAD, 1xx, 204, 304; read-until-close otherwise', () => {
    const p = new HttpStreamParser('response');
    p.expectResponseTo('HEAD');
    p.expectResponseTo('GET');
    p.expectResponseTo('GET');
    const r = p.push(text('HTTP/1.1 200 OK\r\nContent-Length: 99\r\n\r\n' + 'HTTP/1.1 100 Continue\r\n\r\n' + 'HTTP/1.1 204 No Content\r\n\r\n' +
      'HTTP/1.1 200 OK\r\n\r\nuntil close'));
    expect(r.messages.map((m) => [(m.start as { status: number }).status, m.body.length])).toEqual([[200, 0], [100, 0], [204, 0]]);
    const e = p.end();
    expect(e.messages.map((m) => [m.framing, latin1(m.body)])).toEqual([['close', 'until close']]);
  });

  it('CONNECT 200 has no body; TE + CL uses chunked and warns', () => {
    const r = parseHttpMessage(text('HTTP/1.1 200 OK\r\nContent-Length: 3\r\nTransfer-Encoding: chunked\r\n\r\n1\r\na\r\n0\r\n\r\n'), 'response');
    expect(r.ok && [latin1(r.value.body), r.value.warnings]).toEqual(['a', ['both Transfer-Encoding and Content-Length: Content-Length ignored']]);
    const c = parseHttpMessage(text('HTTP/1.1 200 Connection established\r\n\r\n\x16\x03\x01'), 'response', { requestMethod: 'CONNECT' });
    expect(c.ok && [c.value.framing, c.value.range.length]).toEqual(['none', 39]);
  });
});

describe('http: malformed input gives errors with offsets', () => {
  const err = (s: string, kind: 'request' | 'response' = 'request', opts = {}) => {
    const r = parseHttpMessage(text(s), kind, opts);
    expect(r.ok).toBe(false);
    return r.ok ? null : r;
  };
  it('bad chunk size', () => {
    const s = 'HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n';
    expect(err(s, 'response')).toEqual({ ok: false, error: { message: 'bad chunk size "zz"', offset: s.indexOf('zz') } });
    expect(err('HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nfffffffffffffffff\r\n', 'response')?.error.message).toMatch(/too large/);
    expect(err('HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n2\r\nabc\r\n', 'response')?.error.message).toMatch(/not followed by CRLF/);
  });
  it('obs-fold rejected by default, unfolded with a warning on request', () => {
    const s = 'GET / HTTP/1.1\r\nX-A: one\r\n  two\r\n\r\n';
    expect(err(s)).toEqual({ ok: false, error: { message: 'obsolete line folding (obs-fold) in header field', offset: s.indexOf('  two') } });
    const r = parseHttpMessage(text(s), 'request', { obsFold: 'unfold' });
    expect(r.ok && [r.value.headers[0].value, r.value.headers[0].range.length, r.value.warnings]).toEqual(['one two', 17, ['obs-fold unfolded']]);
  });
  it('header section limit gives an error, not a hang', () => {
    const p = new HttpStreamParser('request', { maxHeaderBytes: 1024 });
    p.push(text('GET / HTTP/1.1\r\n'));
    let r = p.push(text('X: ' + 'a'.repeat(600) + '\r\n'));
    expect(r.error).toBeUndefined();
    r = p.push(text('Y: ' + 'a'.repeat(600) + '\r\n'));
    expect(r.error).toEqual({ message: 'header section larger than 1024 bytes', offset: 0 });
    expect(p.push(text('\r\n')).error).toEqual(r.error);
  });
  it('bad start lines, names, lengths', () => {
    expect(err('GET /\r\n\r\n')?.error.message).toMatch(/malformed request line/);
    expect(err('HTTP/1.1 2000 OK\r\n\r\n', 'response')?.error.message).toMatch(/malformed status line/);
    expect(err('GET / HTTP/1.1\r\nBad Name: x\r\n\r\n')?.error.message).toMatch(/invalid header field name/);
    expect(err('GET / HTTP/1.1\r\nNoColon\r\n\r\n')?.error.message).toMatch(/without a colon/);
    expect(err('POST / HTTP/1.1\r\nContent-Length: 3\r\nContent-Length: 4\r\n\r\nabcd')?.error.message).toMatch(/conflicting Content-Length/);
    expect(err('POST / HTTP/1.1\r\nContent-Length: -1\r\n\r\n')?.error.message).toMatch(/invalid Content-Length/);
    expect(err('POST / HTTP/1.1\r\nTransfer-Encoding: gzip\r\n\r\n')?.error.message).toMatch(/does not end in chunked/);
    expect(err('POST / HTTP/1.1\r\nContent-Length: 10\r\n\r\nabc')?.error.message).toMatch(/connection closed inside a message/);
  });

  it('property: random bytes in random pieces never throw and finish fast', () => {
    fc.assert(fc.property(fc.uint8Array({ maxLength: 400 }), fc.array(fc.nat(50), { maxLength: 10 }), fc.boolean(), (b, cuts, isReq) => {
      const p = new HttpStreamParser(isReq ? 'request' : 'response', { maxHeaderBytes: 256 });
      let o = 0;
      for (const c of cuts) { p.push(b.subarray(o, o + c)); o += c; }
      p.push(b.subarray(o));
      p.end();
    }), { numRuns: 2000 });
  });

  it('property: mutated valid messages never throw', () => {
    const base = text('HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\nX: y\r\n\r\n5;a=b\r\nhello\r\n0\r\nT: 1\r\n\r\n');
    fc.assert(fc.property(fc.array(fc.tuple(fc.nat(base.length - 1), fc.integer({ min: 0, max: 255 })), { maxLength: 5 }), (muts) => {
      const b = base.slice();
      for (const [at, v] of muts) b[at] = v;
      const r = parseHttpMessage(b, 'response');
      expect(typeof r.ok).toBe('boolean');
    }), { numRuns: 2000 });
  });
});

describe('http: construct', () => {
  it('builds curl\'s GET /a.txt (http-keepalive-3req frame 4) byte for byte', () => {
    const fs = readPcapng(new Uint8Array(readFileSync(fixturePath('http-keepalive-3req.pcapng'))));
    const syn = fs.find((f) => f.data[47] === 0x02)!;
    const port = (syn.data[34] << 8) | syn.data[35];
    const up = tcpStream(fs, port, 18080);
    const first = up.bytes.subarray(0, up.chunks[0].length);
    const built = emitHttpRequest({ method: 'GET', target: '/a.txt', headers: [
      { name: 'Host', value: 'www.example.test:18080' }, { name: 'User-Agent', value: 'curl/7.88.1' }, { name: 'Accept', value: '*/*' }] });
    expect(latin1(built)).toBe(latin1(first));
  });

  it('responses with Content-Length and chunked round trip through the parser', () => {
    const body = text('x'.repeat(1000));
    const a = emitHttpResponse({ status: 200, headers: [{ name: 'Content-Type', value: 'text/plain' }], body });
    const head = 'HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: 1000\r\n\r\n';
    expect(latin1(a.subarray(0, head.length))).toBe(head);
    expect(a.length).toBe(head.length + 1000);
    const b = emitHttpResponse({ status: 404, headers: [], body, framing: 'chunked', chunkSize: 300, trailers: [{ name: 'X-T', value: '1' }] });
    const p = new HttpStreamParser('response');
    const r = p.push(new Uint8Array([...a, ...b]));
    expect(r.error).toBeUndefined();
    expect(r.messages.map((m) => [(m.start as { status: number }).status, m.body.length, m.framing])).toEqual([[200, 1000, 'length'], [404, 1000, 'chunked']]);
    expect(r.messages[1].chunks.map((c) => c.size)).toEqual([300, 300, 300, 100, 0]);
    expect(r.messages[1].trailers.map((t) => [t.name, t.value])).toEqual([['X-T', '1']]);
    expect(() => emitHttpResponse({ status: 304, headers: [], body: 'no' })).toThrow(/cannot carry a body/);
    expect(() => emitHttpRequest({ method: 'GET', target: '/', headers: [{ name: 'X', value: 'a\r\nInjected: 1' }] })).toThrow(/CR, LF/);
  });
});
