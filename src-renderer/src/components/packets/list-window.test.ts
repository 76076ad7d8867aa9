import { describe, it, expect } from 'vitest';
import fc from 'fast-check';
import { poolSize, rowWindow, scrollFor } from './list-window';

const SIZE = { row: 22, head: 26, overscan: 4 };

describe('packet list window', () => {
  it('draws the rows under the viewport plus overscan, clamped to the list', () => {
    expect(rowWindow(0, 400, 1000, SIZE)).toEqual({ first: 0, end: 22 }); // 17 visible + 1 partial + 4 below
    expect(rowWindow(22 * 100, 400, 1000, SIZE)).toEqual({ first: 96, end: 122 });
    expect(rowWindow(22 * 995, 400, 1000, SIZE)).toEqual({ first: 991, end: 1000 });
    expect(rowWindow(0, 400, 3, SIZE)).toEqual({ first: 0, end: 3 });
    expect(rowWindow(0, 400, 0, SIZE)).toEqual({ first: 0, end: 0 });
  });

  it('always covers every row that is at least partly visible, within the pool', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 100_000 }), fc.integer({ min: 30, max: 2000 }), fc.double({ min: 0, max: 1, noNaN: true }), (count, viewport, at) => {
        const max = Math.max(0, count * SIZE.row + SIZE.head - viewport);
        const scrollTop = Math.round(at * max);
        const w = rowWindow(scrollTop, viewport, count, SIZE);
        // Rows whose body y-range meets [scrollTop, scrollTop + viewport - head).
        const firstSeen = Math.floor(scrollTop / SIZE.row);
        const lastSeen = Math.min(count - 1, Math.ceil((scrollTop + viewport - SIZE.head) / SIZE.row) - 1);
        expect(w.first).toBeLessThanOrEqual(Math.min(firstSeen, count - 1));
        expect(w.end).toBeGreaterThan(lastSeen);
        expect(w.end - w.first).toBeLessThanOrEqual(poolSize(viewport, SIZE));
      }),
    );
  });

  it('scrolls only as far as needed, or centres', () => {
    // 400 px viewport: 374 px of rows under the header (17 whole rows).
    expect(scrollFor(5, 0, 400, SIZE, 'auto')).toBe(0);
    expect(scrollFor(20, 0, 400, SIZE, 'auto')).toBe(21 * 22 - 374);
    expect(scrollFor(3, 22 * 10, 400, SIZE, 'auto')).toBe(66);
    expect(scrollFor(100, 0, 400, SIZE, 'center')).toBe(Math.round(2200 - (374 - 22) / 2));
    expect(scrollFor(0, 500, 400, SIZE, 'center')).toBe(0);
  });
});
