import { describe, it, expect } from 'vitest';
import { Rng, deriveRng, fnv1a32 } from './rng';

describe('Rng (xoshiro128**)', () => {
  it('matches the reference implementation for state {1,2,3,4}', () => {
    // Outputs of Vigna's xoshiro128starstar.c with s = {1, 2, 3, 4}.
    const rng = Rng.fromState(1, 2, 3, 4);
    expect([1, 2, 3, 4, 5, 6].map(() => rng.nextU32())).toEqual([11520, 0, 5927040, 70819200, 2031721883, 1637235492]);
  });

  it('is deterministic per seed and differs between seeds', () => {
    const a = new Rng(42);
    const b = new Rng(42);
    const c = new Rng(43);
    const seqA = Array.from({ length: 8 }, () => a.nextU32());
    expect(Array.from({ length: 8 }, () => b.nextU32())).toEqual(seqA);
    expect(Array.from({ length: 8 }, () => c.nextU32())).not.toEqual(seqA);
  });

  it('gives independent named streams', () => {
    const l1 = deriveRng(7, 'link:L1');
    const l2 = deriveRng(7, 'link:L2');
    expect(l1.nextU32()).not.toBe(l2.nextU32());
    expect(fnv1a32('')).toBe(0x811c9dc5);
    expect(fnv1a32('a')).toBe(0xe40c292c); // FNV-1a 32 test vector
  });

  it('draws floats in [0,1), bounded ints and percent chances', () => {
    const rng = new Rng(1);
    let hits = 0;
    for (let i = 0; i < 10_000; i++) {
      const f = rng.nextFloat();
      expect(f >= 0 && f < 1).toBe(true);
      const n = rng.nextInt(6);
      expect(n >= 0 && n < 6 && Number.isInteger(n)).toBe(true);
      if (rng.chance(25)) hits++;
    }
    expect(hits).toBeGreaterThan(2200);
    expect(hits).toBeLessThan(2800);
    expect(rng.chance(0)).toBe(false);
    expect(rng.chance(100)).toBe(true);
  });
});
