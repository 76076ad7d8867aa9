import { describe, it, expect } from 'vitest';
import fc from 'fast-check';
import { runToEnd, sortFramesByKey, sortFramesByText, textColumn, type TextColumn } from './chunked-sort';

/** The reference: a stable sort by key with a comparator (ties keep input order). */
function reference(frames: number[], keys: ArrayLike<number> | readonly string[], descending: boolean): number[] {
  const dir = descending ? -1 : 1;
  return frames
    .map((f, pos) => ({ f, pos }))
    .sort((a, b) => {
      const ka = keys[a.f];
      const kb = keys[b.f];
      return (ka < kb ? -dir : ka > kb ? dir : 0) || a.pos - b.pos;
    })
    .map((x) => x.f);
}

describe('sortFramesByKey', () => {
  it('sorts numbers and strings stably, both directions, like a stable comparator sort', () => {
    fc.assert(
      fc.property(
        fc.array(fc.integer({ min: 0, max: 20 }), { maxLength: 300 }),
        fc.boolean(),
        fc.boolean(),
        (values, descending, asStrings) => {
          const keys = asStrings ? values.map((v) => `k${String(v).padStart(v % 3, '0')}`) : Float64Array.from(values);
          // Frames: a shuffled-looking subset, as a filter's matches in a sorted view would be.
          const frames = values.map((_, i) => i).filter((i) => i % 4 !== 1);
          const sorted = runToEnd(sortFramesByKey(Uint32Array.from(frames), keys, descending));
          expect(Array.from(sorted)).toEqual(reference(frames, keys, descending));
        },
      ),
      { numRuns: 300 },
    );
  });

  it('leaves its input alone and works in bounded steps with growing progress', () => {
    const n = 100_000;
    const keys = new Uint32Array(n);
    for (let i = 0; i < n; i++) keys[i] = (i * 7919) % 1000;
    const frames = Uint32Array.from({ length: n }, (_, i) => i);
    const job = sortFramesByKey(frames, keys, false);
    let steps = 0;
    let last = -1;
    let result: Uint32Array | undefined;
    for (;;) {
      const r = job.next();
      if (r.done) {
        result = r.value;
        break;
      }
      steps++;
      expect(r.value.done).toBeGreaterThanOrEqual(last);
      expect(r.value.done).toBeLessThanOrEqual(r.value.total);
      last = r.value.done;
    }
    // 100k elements in steps of at most ~8k moves over ~12 passes: many steps, not one.
    expect(steps).toBeGreaterThan(100);
    expect(frames[0]).toBe(0);
    expect(frames[n - 1]).toBe(n - 1);
    for (let k = 1; k < n; k++) {
      const a = result[k - 1];
      const b = result[k];
      expect(keys[a] < keys[b] || (keys[a] === keys[b] && a < b)).toBe(true);
    }
  });

  it('handles empty and single inputs', () => {
    expect(Array.from(runToEnd(sortFramesByKey(new Uint32Array(0), [], false)))).toEqual([]);
    expect(Array.from(runToEnd(sortFramesByKey(Uint32Array.of(3), ['a', 'b', 'c', 'd'], true)))).toEqual([3]);
  });
});

describe('sortFramesByText', () => {
  // Texts with long shared prefixes, repeats, prefixes of each other and non-ASCII (→, é, 가, a surrogate pair).
  const piece = fc.constantFrom('Standard query 0x', 'a', 'ab', '', '→', 'é', '가', '\u{1F600}', 'Z', ' ', '0x1a', 'Seq=1');
  const text = fc.array(piece, { maxLength: 6 }).map((p) => p.join(''));

  it('orders like a stable sort on < (code units), both directions', () => {
    fc.assert(
      fc.property(fc.array(text, { maxLength: 200 }), fc.boolean(), (texts, descending) => {
        const frames = texts.map((_, i) => i).filter((i) => i % 5 !== 2);
        const sorted = runToEnd(sortFramesByText(Uint32Array.from(frames), textColumn(texts), descending));
        expect(Array.from(sorted)).toEqual(reference(frames, texts, descending));
      }),
      { numRuns: 400 },
    );
  });

  it('reads texts inside shared pieces by offset (as the summary store keeps Info)', () => {
    const texts = ['b', 'ab', 'a', 'abc', 'ab'];
    const joined = texts.join('\u0000');
    const start = new Uint32Array(texts.length);
    for (let i = 1; i < texts.length; i++) start[i] = start[i - 1] + texts[i - 1].length + 1;
    const col: TextColumn = { pieces: [joined], piece: new Uint32Array(texts.length), start, length: Uint32Array.from(texts, (t) => t.length) };
    const sorted = runToEnd(sortFramesByText(Uint32Array.of(0, 1, 2, 3, 4), col, false));
    expect(Array.from(sorted)).toEqual([2, 1, 4, 3, 0]);
  });

  it('yields on large inputs instead of sorting in one go', () => {
    const n = 50_000;
    const texts = Array.from({ length: n }, (_, i) => `Standard query 0x${(i * 2654435761 % 65536).toString(16)} A example.com`);
    const job = sortFramesByText(Uint32Array.from({ length: n }, (_, i) => i), textColumn(texts), false);
    let steps = 0;
    let r = job.next();
    while (!r.done) {
      steps++;
      r = job.next();
    }
    expect(steps).toBeGreaterThan(10);
    expect(Array.from(r.value)).toEqual(reference(Array.from({ length: n }, (_, i) => i), texts, false));
  });
});
