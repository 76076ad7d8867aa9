import { describe, expect, it } from 'vitest';
import { concatBytes } from './bytes';

describe('concatBytes', () => {
  it('joins parts in order, including empty ones', () => {
    expect(concatBytes([Uint8Array.of(1, 2), new Uint8Array(0), Uint8Array.of(3)])).toEqual(Uint8Array.of(1, 2, 3));
    expect(concatBytes([])).toEqual(new Uint8Array(0));
  });

  it('copies views at their offsets', () => {
    const backing = Uint8Array.of(9, 8, 7, 6);
    expect(concatBytes([backing.subarray(1, 3), backing.subarray(0, 1)])).toEqual(Uint8Array.of(8, 7, 9));
  });
});
