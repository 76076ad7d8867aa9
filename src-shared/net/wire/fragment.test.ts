import { describe, it, expect } from 'vitest';
import { fragmentPayload } from './fragment';

/** Runs the walk and lists each piece as "offset+length" with L for the last one. */
function walk(length: number, first: number, later: number): string[] {
  const payload = Uint8Array.from({ length }, (_, i) => i & 0xff);
  const seen: string[] = [];
  const packets = fragmentPayload(payload, { first, later }, (piece, offset, last) => {
    expect(piece).toEqual(payload.subarray(offset, offset + piece.length));
    seen.push(`${offset}+${piece.length}${last ? ' L' : ''}`);
    return piece;
  });
  expect(packets).toHaveLength(seen.length);
  return seen;
}

describe('fragmentPayload', () => {
  it('cuts on 8-byte boundaries, the first piece by its own room', () => {
    // RFC 791 example sizes: 1480 bytes of room after a 20-byte header in a 1500-byte MTU.
    expect(walk(4000, 1480, 1480)).toEqual(['0+1480', '1480+1480', '2960+1040 L']);
    // An IPv4 first fragment with 20 bytes of options that are not copied: less room only there.
    expect(walk(3000, 1460, 1480)).toEqual(['0+1456', '1456+1480', '2936+64 L']);
    // Room that is not a multiple of 8 rounds down.
    expect(walk(20, 13, 13)).toEqual(['0+8', '8+8', '16+4 L']);
  });

  it('gives one last piece when the payload fits, and one empty piece for an empty payload', () => {
    expect(walk(16, 1232, 1232)).toEqual(['0+16 L']);
    expect(walk(0, 1232, 1232)).toEqual(['0+0 L']);
    expect(walk(1232, 1232, 1232)).toEqual(['0+1232 L']);
  });
});
