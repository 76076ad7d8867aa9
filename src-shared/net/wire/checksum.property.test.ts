import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { checksumValid, foldSum, internetChecksum, readU16, sumWords, updateChecksum, writeU16 } from './checksum';

describe('checksum properties', () => {
  it('a range with its checksum written in verifies', () => {
    fc.assert(
      fc.property(fc.uint8Array({ minLength: 2, maxLength: 400 }), fc.nat(), (data, at) => {
        const b = data.slice();
        const pos = (at % (b.length >> 1)) * 2;
        writeU16(b, pos, 0);
        writeU16(b, pos, internetChecksum(b));
        expect(checksumValid(b)).toBe(true);
      }),
    );
  });

  it('sums split at an even boundary add up', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 300 }), fc.nat(), (b, at) => {
        const mid = Math.min(b.length, at % (b.length + 1)) & ~1;
        expect(foldSum(sumWords(b, mid, b.length, sumWords(b, 0, mid)))).toBe(foldSum(sumWords(b)));
      }),
    );
  });

  it('incremental update (RFC 1624) equals recomputing', () => {
    fc.assert(
      fc.property(fc.uint8Array({ minLength: 20, maxLength: 20 }), fc.integer({ min: 0, max: 9 }), fc.integer({ min: 0, max: 0xffff }), (h, word, value) => {
        if (word === 5) return; // the checksum field itself
        const b = h.slice();
        writeU16(b, 10, 0);
        writeU16(b, 10, internetChecksum(b));
        const updated = updateChecksum(readU16(b, 10), readU16(b, word * 2), value);
        writeU16(b, word * 2, value);
        writeU16(b, 10, updated);
        expect(checksumValid(b)).toBe(true);
      }),
    );
  });
});

describe('sumWords', () => {
  it('equals a plain word-by-word sum for every range', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 100 }), fc.nat(), fc.nat(), (b, x, y) => {
        const start = x % (b.length + 1);
        const end = start + (y % (b.length - start + 1));
        let plain = 0;
        for (let i = start; i < end; i += 2) plain += (b[i] << 8) | (i + 1 < end ? b[i + 1] : 0);
        expect(sumWords(b, start, end)).toBe(plain);
      }),
      { numRuns: 2000 },
    );
  });
});
