import { describe, expect, it } from 'vitest';
import { ByteRing, OutOfOrderQueue, SackScoreboard } from './buffers';
import { seqAdd, seqGt, seqLt } from './seq';

describe('sequence arithmetic', () => {
  it('compares across the 2^32 wrap', () => {
    expect(seqLt(0xffffff00, 0x10)).toBe(true);
    expect(seqGt(0x10, 0xffffff00)).toBe(true);
    expect(seqAdd(0xffffffff, 2)).toBe(1);
    expect(seqAdd(5, -10)).toBe(0xfffffffb);
  });
});

describe('ByteRing', () => {
  it('wraps around its storage and never takes more than its capacity', () => {
    const r = new ByteRing(8);
    expect(r.push(Uint8Array.of(1, 2, 3, 4, 5, 6))).toBe(6);
    r.drop(4);
    expect(r.push(Uint8Array.of(7, 8, 9, 10, 11, 12, 13))).toBe(6);
    expect(r.length).toBe(8);
    expect(r.slice(1, 4)).toEqual(Uint8Array.of(6, 7, 8, 9));
    expect(r.read(100)).toEqual(Uint8Array.of(5, 6, 7, 8, 9, 10, 11, 12));
    expect(r.length).toBe(0);
  });
});

describe('OutOfOrderQueue', () => {
  const data = (from: number, to: number) => Uint8Array.from({ length: to - from }, (_, i) => (from + i) & 0xff);

  it('keeps only new bytes, reports SACK blocks newest first, and releases contiguous data', () => {
    const q = new OutOfOrderQueue();
    const base = 0xfffffff0; // wraps inside the test
    expect(q.insert(seqAdd(base, 100), data(100, 200))).toBe(100);
    expect(q.insert(seqAdd(base, 300), data(300, 400))).toBe(100);
    expect(q.insert(seqAdd(base, 150), data(150, 350))).toBe(100); // only 200–300 is new
    expect(q.ranges()).toEqual([[seqAdd(base, 100), seqAdd(base, 400)]]);
    expect(q.insert(seqAdd(base, 500), data(500, 600))).toBe(100);
    expect(q.sackBlocks(3)).toEqual([
      [seqAdd(base, 500), seqAdd(base, 600)],
      [seqAdd(base, 100), seqAdd(base, 400)],
    ]);
    expect(q.takeContiguous(base)).toEqual([]);
    const chunks = q.takeContiguous(seqAdd(base, 100));
    const joined = new Uint8Array(chunks.reduce((n, c) => n + c.length, 0));
    let o = 0;
    for (const c of chunks) {
      joined.set(c, o);
      o += c.length;
    }
    expect(joined).toEqual(data(100, 400));
    expect(q.bytes).toBe(100);
  });
});

describe('SackScoreboard', () => {
  it('merges blocks, ignores what is outside (una, sndMax], and finds the RFC 6675 lost boundary', () => {
    const sb = new SackScoreboard();
    expect(sb.add([[2000, 3000]], 1000, 10_000)).toBe(true);
    expect(sb.add([[3000, 4000], [500, 900], [9000, 12_000]], 1000, 10_000)).toBe(true);
    expect(sb.ranges).toEqual([
      [2000, 4000],
      [9000, 10_000],
    ]);
    expect(sb.add([[2500, 3500]], 1000, 10_000)).toBe(false);
    expect(sb.sackedBytes).toBe(3000);
    // More than 2 × 1000 bytes SACKed above 1000..2000: lost. Above 4000..9000 only 1000: not.
    expect(sb.lostBoundary(1000)).toBe(2000);
    expect(sb.lostBoundary(1400)).toBe(2000); // 3000 > 2 × 1400
    expect(sb.lostBoundary(1500)).toBeUndefined(); // 3000 is not more than 2 × 1500
    sb.advance(3000);
    expect(sb.ranges).toEqual([
      [3000, 4000],
      [9000, 10_000],
    ]);
    expect(sb.rangeAt(3500)).toEqual([3000, 4000]);
    expect(sb.nextSackedAfter(4000)).toBe(9000);
  });
});
