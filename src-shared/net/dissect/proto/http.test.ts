// The byte-level helpers HTTP reads headers with must give what the plain string code gives.
import { describe, it, expect } from 'vitest';
import fc from 'fast-check';
import { ascii } from '../bytes';
import { chunkSize, contentLengthValue, includesChunked, findCrlfCrlf, internAscii, statusCode } from './http';

/** The obvious scan, as a reference. */
function naiveCrlfCrlf(b: Uint8Array, off: number, end: number): number {
  for (let i = off; i + 3 < end; i++) if (b[i] === 13 && b[i + 1] === 10 && b[i + 2] === 13 && b[i + 3] === 10) return i;
  return -1;
}

const enc = new TextEncoder();
/** Bytes rich in CR and LF, so matches, near misses and overlaps all occur. */
const headerish = fc.array(fc.oneof(fc.constantFrom(13, 10, 13, 10, 58, 32), fc.integer({ min: 0, max: 255 })), { maxLength: 80 }).map((a) => Uint8Array.from(a));

describe('findCrlfCrlf', () => {
  it('finds the first CR LF CR LF like a byte-by-byte scan, at any bounds', () => {
    fc.assert(fc.property(headerish, fc.nat(80), fc.nat(80), (b, x, y) => {
      const off = Math.min(x, y, b.length);
      const end = Math.min(Math.max(x, y), b.length);
      expect(findCrlfCrlf(b, off, end)).toBe(naiveCrlfCrlf(b, off, end));
    }), { numRuns: 5000 });
  });

  it('finds the end of a real header block', () => {
    const msg = enc.encode('HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nhello');
    expect(findCrlfCrlf(msg, 0, msg.length)).toBe(34);
    expect(findCrlfCrlf(msg, 0, 37)).toBe(-1);
    expect(findCrlfCrlf(msg, 0, 38)).toBe(34);
    expect(findCrlfCrlf(enc.encode('\r\n\r\r\n\r\n'), 0, 7)).toBe(3);
  });
});

describe('contentLengthValue', () => {
  const value = fc.oneof(
    fc.nat().map(String),
    fc.tuple(fc.constantFrom('', ' ', '\t', '  '), fc.nat(99999), fc.constantFrom('', ' ', '\t ', 'x', ';q', ' 7')).map(([a, n, z]) => a + n + z),
    fc.constantFrom('', ' ', '-5', '+12', ' 0x10', '1e3', '12345678901234567890', '\u00a042', '4\u00a0', '١٢'),
    fc.string({ maxLength: 12 }),
  );
  it('reads a value as parseInt(ascii(…).trim(), 10) does', () => {
    fc.assert(fc.property(value, (v) => {
      const b = Uint8Array.from(v, (c) => c.charCodeAt(0) & 255);
      expect(contentLengthValue(b, 0, b.length)).toEqual(parseInt(ascii(b, 0, b.length).trim(), 10));
    }), { numRuns: 5000 });
  });
});

describe('internAscii', () => {
  it('returns ascii() of the bytes, also when texts share a cache slot or repeat', () => {
    const texts = fc.array(fc.uint8Array({ maxLength: 300 }), { minLength: 1, maxLength: 40 });
    fc.assert(fc.property(texts, fc.array(fc.nat(39), { maxLength: 80 }), (list, order) => {
      for (const i of [...order, ...list.keys()]) {
        const b = list[i % list.length];
        expect(internAscii(b, 0, b.length)).toBe(ascii(b, 0, b.length));
        if (b.length > 2) expect(internAscii(b, 1, b.length - 1)).toBe(ascii(b, 1, b.length - 1));
      }
    }), { numRuns: 500 });
  });

  it('gives the same string back for the same bytes', () => {
    const line = enc.encode('GET /index.html HTTP/1.1');
    const copy = line.slice();
    const first = internAscii(line, 0, line.length);
    expect(internAscii(copy, 0, copy.length)).toBe('GET /index.html HTTP/1.1');
    expect(Object.is(internAscii(copy, 0, copy.length), first)).toBe(true);
  });
});

describe('statusCode', () => {
  it('reads the second word as parseInt does', () => {
    const word = fc.oneof(fc.nat(999).map(String), fc.constantFrom('200', '0204', '2a', '+2', '-1', '\t200', '', '12345678901234', '999999999', '1000000000', 'x', '٢٠٠'), fc.string({ maxLength: 12 }));
    fc.assert(fc.property(fc.constantFrom('HTTP/1.1', 'HTTP/1.0', ''), word, fc.constantFrom('', ' OK', ' Not Found', '  x'), (v, w, rest) => {
      const line = `${v} ${w}${rest}`;
      const sp1 = line.indexOf(' ');
      const sp2 = sp1 < 0 ? -1 : line.indexOf(' ', sp1 + 1);
      const word1 = line.slice(sp1 + 1, sp2 < 0 ? line.length : sp2);
      expect(statusCode(line, sp1, sp2)).toEqual(parseInt(word1, 10));
    }), { numRuns: 5000 });
    expect(statusCode('HTTP/1.1', -1, -1)).toBeNaN();
    expect(statusCode('HTTP/1.1 304 Not Modified', 8, 12)).toBe(304);
  });
});

describe('chunkSize', () => {
  const line = fc.oneof(
    fc.tuple(fc.nat(0xffffff).map((n) => n.toString(16)), fc.constantFrom('', '\r', ';ext=1\r', ';\r', ' \r', '\t', 'x\r', '\r\r')).map(([h, z]) => h + z),
    fc.constantFrom('', '\r', ' 1a\r', '0x1A\r', '+f\r', '-3\r', 'FFFFFFFFFFFFFFFF\r', '0000000000001\r', 'g\r', '1a ;x\r', ';5\r'),
    fc.string({ maxLength: 14 }),
  );
  it('reads a chunk-size line as parseInt(ascii(…).trim().split(";")[0], 16) does', () => {
    fc.assert(fc.property(line, (v) => {
      const b = Uint8Array.from(v, (c) => c.charCodeAt(0) & 255);
      expect(chunkSize(b, 0, b.length)).toEqual(parseInt(ascii(b, 0, b.length).trim().split(';')[0], 16));
    }), { numRuns: 5000 });
  });
});

describe('includesChunked', () => {
  const value = fc.oneof(
    fc.array(fc.constantFrom('chunked', 'CHUNKED', 'Chunked', 'chunke', 'gzip', ', ', ' ', 'c', 'C\u00e9', '\u00c7hunked', 'chunk\u00c5d', 'cHuNkEd'), { maxLength: 5 }).map((a) => a.join('')),
    fc.string({ maxLength: 20 }),
  );
  it('finds "chunked" in a Transfer-Encoding value as ascii(…).toLowerCase().includes does', () => {
    fc.assert(fc.property(value, (v) => {
      const b = Uint8Array.from(v, (c) => c.charCodeAt(0) & 255);
      expect(includesChunked(b, 0, b.length)).toBe(ascii(b, 0, b.length).toLowerCase().includes('chunked'));
    }), { numRuns: 5000 });
  });
});
