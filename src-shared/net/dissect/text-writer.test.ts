// The byte writer must print numbers and addresses exactly as the string formatters do.
import { describe, it, expect } from 'vitest';
import fc from 'fast-check';
import { IPV6_ROOM, LINE_ROOM, TextWriter, decimalDigits, encodeAscii, ipv4TextLength, putArrow, putAscii, putFraction, putHex16, putIpv4, putIpv4Bytes, putIpv6, putUint, putUint32, putWords } from './text-writer';
import { ipv4ToString, ipv6ToString } from './format';

function written(f: (w: TextWriter) => void): string {
  let out = '';
  const w = new TextWriter((b) => (out += new TextDecoder().decode(b)), 64);
  w.begin();
  f(w);
  w.end();
  return out;
}

describe('TextWriter', () => {
  it('writes integers like String()', () => {
    fc.assert(fc.property(fc.oneof(fc.nat(1000), fc.nat(), fc.integer({ min: 0, max: 2 ** 32 - 1 }), fc.maxSafeNat()), (n) => {
      expect(written((w) => w.uint(n))).toBe(String(n));
      expect(decimalDigits(n)).toBe(String(n).length);
    }));
  });

  it('counts digits at every power of ten', () => {
    for (let k = 1; k < 16; k++) {
      for (const n of [10 ** k - 1, 10 ** k, 10 ** k + 1]) expect(decimalDigits(n)).toBe(String(n).length);
    }
  });

  it('writes zero-padded integers like String().padStart (timestamp fractions and beyond)', () => {
    const width = fc.integer({ min: 0, max: 12 });
    const n = fc.oneof(fc.nat(1000), fc.nat(999_999_999), fc.integer({ min: 0, max: 2 ** 32 - 1 }), fc.maxSafeNat());
    fc.assert(fc.property(n, width, (v, wd) => {
      expect(written((w) => w.uintPadded(v, wd))).toBe(String(v).padStart(wd, '0'));
    }), { numRuns: 3000 });
    expect(written((w) => w.uintPadded(0, 9))).toBe('000000000');
    expect(written((w) => w.uintPadded(7, 1))).toBe('7');
    expect(written((w) => w.uintPadded(123456, 6))).toBe('123456');
  });

  it('writes IPv4 addresses like ipv4ToString, with the same length', () => {
    fc.assert(fc.property(fc.integer({ min: 0, max: 2 ** 32 - 1 }), (a) => {
      expect(written((w) => w.ipv4(a))).toBe(ipv4ToString(a));
      // digits written beyond a short octet are overwritten by what follows
      expect(written((w) => {
        w.ipv4(a);
        w.byte(124);
        w.ipv4(~a >>> 0);
      })).toBe(`${ipv4ToString(a)}|${ipv4ToString(~a >>> 0)}`);
      expect(ipv4TextLength(a)).toBe(ipv4ToString(a).length);
    }));
  });

  it('writes IPv6 addresses like ipv6ToString (zero runs, IPv4-mapped)', () => {
    const word = fc.oneof(fc.constant(0), fc.constant(0xffff), fc.integer({ min: 0, max: 0xffff }));
    fc.assert(fc.property(fc.array(word, { minLength: 8, maxLength: 8 }), (words) => {
      const b = new Uint8Array(16);
      words.forEach((v, i) => {
        b[2 * i] = v >> 8;
        b[2 * i + 1] = v & 255;
      });
      expect(written((w) => w.ipv6(b, 0))).toBe(ipv6ToString(b, 0));
    }), { numRuns: 2000 });
  });

  it('putIpv6 writes like ipv6ToString within IPV6_ROOM, whatever the buffer held before', () => {
    // words drawn to make zero runs of every length and place, ties, and IPv4-mapped forms likely
    const word = fc.oneof(fc.constant(0), fc.constant(0), fc.constant(0xffff), fc.integer({ min: 0, max: 0xffff }), fc.integer({ min: 0, max: 0xff }));
    const out = new Uint8Array(8 + IPV6_ROOM);
    fc.assert(fc.property(fc.array(word, { minLength: 8, maxLength: 8 }), fc.nat(8), fc.nat(255), (words, p, junk) => {
      const b = new Uint8Array(20);
      words.forEach((v, i) => {
        b[2 + 2 * i] = v >> 8;
        b[3 + 2 * i] = v & 255;
      });
      out.fill(junk);
      const end = putIpv6(out, p, b, 2);
      expect(new TextDecoder().decode(out.subarray(p, end))).toBe(ipv6ToString(b, 2));
      expect(end - p).toBeLessThanOrEqual(39);
    }), { numRuns: 5000 });
    const mapped = Uint8Array.from([0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff, 192, 0, 2, 1]);
    expect(new TextDecoder().decode(out.subarray(0, putIpv6(out, 0, mapped, 0)))).toBe('::ffff:192.0.2.1');
    expect(new TextDecoder().decode(out.subarray(0, putIpv6(out, 0, new Uint8Array(16), 0)))).toBe('::');
  });

  it('putIpv4Bytes and putHex16 write like ipv4ToString and toString(16).padStart(4)', () => {
    const out = new Uint8Array(40);
    const at = (p: number, end: number): string => new TextDecoder().decode(out.subarray(p, end));
    fc.assert(fc.property(fc.uint8Array({ minLength: 6, maxLength: 6 }), fc.nat(10), (bytes, p) => {
      const a = ((bytes[1] << 24) | (bytes[2] << 16) | (bytes[3] << 8) | bytes[4]) >>> 0;
      expect(at(p, putIpv4Bytes(out, p, bytes, 1))).toBe(ipv4ToString(a));
    }), { numRuns: 3000 });
    fc.assert(fc.property(fc.integer({ min: 0, max: 0xffff }), fc.nat(10), (n, p) => {
      expect(at(p, putHex16(out, p, n))).toBe(n.toString(16).padStart(4, '0'));
    }), { numRuns: 3000 });
  });

  it('put* writers give the same text as String() and return the end', () => {
    const b = new Uint8Array(64);
    const at = (p: number, end: number): string => new TextDecoder().decode(b.subarray(p, end));
    const n = fc.oneof(fc.nat(1000), fc.nat(), fc.integer({ min: 0, max: 2 ** 32 - 1 }), fc.maxSafeNat());
    fc.assert(fc.property(n, fc.nat(40), (v, p) => {
      expect(at(p, putUint(b, p, v))).toBe(String(v));
    }), { numRuns: 3000 });
    for (let k = 0; k < 16; k++) for (const v of [10 ** k - 1, 10 ** k]) expect(at(3, putUint(b, 3, v))).toBe(String(v));
    fc.assert(fc.property(fc.integer({ min: 0, max: 2 ** 32 - 1 }), fc.nat(40), (v, p) => {
      expect(at(p, putUint32(b, p, v | 0))).toBe(String(v));
    }), { numRuns: 3000 });
    for (const v of [0, 1, 2 ** 31 - 1, 2 ** 31, 2 ** 31 + 99_999_999, 2 ** 32 - 1, 4_200_000_000]) expect(at(0, putUint32(b, 0, v | 0))).toBe(String(v));
    fc.assert(fc.property(fc.integer({ min: 1, max: 9 }), fc.nat(999_999_999), (width, v) => {
      const x = v % 10 ** width;
      expect(at(5, putFraction(b, 5, x, width))).toBe(String(x).padStart(width, '0'));
    }), { numRuns: 3000 });
    fc.assert(fc.property(fc.integer({ min: 0, max: 2 ** 32 - 1 }), (a) => {
      expect(at(2, putIpv4(b, 2, a))).toBe(ipv4ToString(a));
    }));
    expect(at(1, putArrow(b, putAscii(b, 1, encodeAscii('TCP'))))).toBe('TCP → ');
  });

  it('putWords copies any length four bytes at a time (the tail beyond is scratch)', () => {
    const from = new Uint8Array(48).map((_, i) => 65 + (i % 26));
    fc.assert(fc.property(fc.nat(20), fc.nat(20), fc.nat(24), (at, p, len) => {
      const to = new Uint8Array(64);
      expect(putWords(new DataView(to.buffer), p, new DataView(from.buffer), at, len)).toBe(p + len);
      expect([...to.subarray(p, p + len)]).toEqual([...from.subarray(at, at + len)]);
      expect(to.subarray(0, p).every((x) => x === 0)).toBe(true);
    }));
  });

  it('leaves LINE_ROOM free after begin(), however small its flush size', () => {
    let out = '';
    const w = new TextWriter((b) => (out += new TextDecoder().decode(b)), 64);
    for (let i = 0; i < 5; i++) {
      w.begin();
      expect(w.buf.length - w.pos).toBeGreaterThanOrEqual(LINE_ROOM);
      w.pos = putUint(w.buf, w.pos, i * 1e6);
      w.byte(10);
    }
    w.end();
    expect(out).toBe('0\n1000000\n2000000\n3000000\n4000000\n');
  });

  it('encodes non-ASCII text as UTF-8 and keeps lines whole across flushes', () => {
    const lines: string[] = [];
    let out = '';
    const w = new TextWriter((b) => (out += new TextDecoder().decode(b)), 16);
    for (let i = 0; i < 50; i++) {
      w.begin();
      w.text(`→ é ${i} `);
      w.arrow();
      w.byte(10);
      lines.push(`→ é ${i}  → \n`);
    }
    w.begin();
    w.text('dropped');
    w.rollback();
    w.end();
    expect(out).toBe(lines.join(''));
  });
});
