// HTTP/2 frame dissection on its own (no TLS): a preface + frames split at every byte boundary
// across records gives the same Info and headers as whole records, and random or mutated frames
// never throw, keep state bounded and finish quickly.
import { describe, it, expect } from 'vitest';
import * as fc from 'fast-check';
import { createPacket, createSession } from '../index';
import { dissectHttp2Record, newHttp2Conn } from './http2';

const hex = (s: string): Uint8Array => Uint8Array.from(s.replace(/\s+/g, '').match(/../g)!.map((h) => parseInt(h, 16)));
const PREFACE = new TextEncoder().encode('PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n');

function frame(type: number, flags: number, stream: number, payload: Uint8Array): Uint8Array {
  const f = new Uint8Array(9 + payload.length);
  f[0] = payload.length >> 16;
  f[1] = (payload.length >> 8) & 0xff;
  f[2] = payload.length & 0xff;
  f[3] = type;
  f[4] = flags;
  new DataView(f.buffer).setUint32(5, stream);
  f.set(payload, 9);
  return f;
}

function join(...parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

// Client side: preface, SETTINGS (HEADER_TABLE_SIZE 4096, ENABLE_PUSH 0), then the RFC 7541 C.4
// requests as HEADERS (the first split into HEADERS + CONTINUATION), a PING and a GOAWAY.
const C41 = hex('8286 8441 8cf1 e3c2 e5f2 3a6b a0ab 90f4 ff');
const STREAM = join(
  PREFACE,
  frame(4, 0, 0, hex('0001 0000 1000 0002 0000 0000')),
  frame(1, 0x01, 1, C41.subarray(0, 5)),
  frame(9, 0x04, 1, C41.subarray(5)),
  frame(1, 0x05, 3, hex('8286 84be 5886 a8eb 1064 9cbf')),
  frame(6, 0, 0, hex('0102 0304 0506 0708')),
  frame(7, 0, 0, hex('0000 0003 0000 0000')),
);

/** Feeds records (each its own frame number) and returns every frame's Info and :path values. */
function run(records: Uint8Array[]): { info: string[]; paths: string[] } {
  const session = createSession({});
  const packet = createPacket({ tree: true, columns: true, wanted: null });
  const conn = newHttp2Conn();
  const info: string[] = [];
  const paths: string[] = [];
  records.forEach((r, i) => {
    packet.reset(r, i + 1, r.length);
    dissectHttp2Record(packet, session, conn, true, r, -1);
    info.push(packet.info);
    for (const v of packet.values('http2.headers.path')) paths.push(String(v));
  });
  return { info, paths };
}

describe('HTTP/2 frames', () => {
  it('dissects the preface, SETTINGS, HEADERS + CONTINUATION, PING and GOAWAY of one record', () => {
    const r = run([STREAM]);
    expect(r.info).toEqual(['Magic, SETTINGS[0], HEADERS[1]: GET /, CONTINUATION[1], HEADERS[3]: GET /, PING[0], GOAWAY[0]']);
    expect(r.paths).toEqual(['/', '/']);
  });

  it('frames cut at any byte between two records are reassembled: same headers', () => {
    for (let cut = 1; cut < STREAM.length; cut += 7) {
      const r = run([STREAM.subarray(0, cut), STREAM.subarray(cut)]);
      expect(r.paths).toEqual(['/', '/']);
      expect(r.info.join(' | ')).toMatch(/GOAWAY\[0\]$/);
    }
  });

  it('random and mutated frames never throw and finish in bounded time', () => {
    const mutated = fc.tuple(fc.array(fc.tuple(fc.nat(), fc.integer({ min: 0, max: 255 })), { maxLength: 8 }), fc.array(fc.nat(), { maxLength: 3 })).map(([edits, cuts]) => {
      const c = STREAM.slice();
      for (const [i, v] of edits) c[i % c.length] = v;
      const at = [...new Set(cuts.map((x) => x % c.length))].sort((a, b) => a - b);
      const parts: Uint8Array[] = [];
      let prev = 0;
      for (const x of at) {
        parts.push(c.subarray(prev, x));
        prev = x;
      }
      parts.push(c.subarray(prev));
      return parts;
    });
    const randomFrames = fc.array(
      fc.tuple(fc.integer({ min: 0, max: 12 }), fc.integer({ min: 0, max: 255 }), fc.integer({ min: 0, max: 7 }), fc.uint8Array({ maxLength: 64 })).map(([t, f, s, p]) => frame(t, f, s, p)),
      { maxLength: 8 },
    ).map((frames) => [join(PREFACE, ...frames)]);
    fc.assert(
      fc.property(fc.oneof(mutated, randomFrames, fc.array(fc.uint8Array({ maxLength: 200 }), { minLength: 1, maxLength: 4 })), (records) => {
        const t = performance.now();
        expect(() => run(records)).not.toThrow();
        expect(performance.now() - t).toBeLessThan(500);
      }),
      { numRuns: 1500 },
    );
  });
});
