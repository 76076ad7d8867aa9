import { describe, it, expect } from 'vitest';
import { dotAt, trimmed } from './useFrameAnimation';

const A = { x: 0, y: 0 };
const B = { x: 100, y: 50 };

describe('dotAt', () => {
  it('moves a delivered frame from sender to receiver', () => {
    expect(dotAt(A, B, 0, false)).toEqual({ dot: { x: 0, y: 0 }, opacity: 1 });
    expect(dotAt(A, B, 0.5, false)).toEqual({ dot: { x: 50, y: 25 }, opacity: 1 });
    expect(dotAt(A, B, 1, false)).toEqual({ dot: { x: 100, y: 50 }, opacity: 1 });
    expect(dotAt(A, B, 3, false).dot).toEqual({ x: 100, y: 50 });
  });
  it('stops a lost frame halfway and fades it out', () => {
    expect(dotAt(A, B, 0.25, true)).toEqual({ dot: { x: 25, y: 12.5 }, opacity: 1 });
    expect(dotAt(A, B, 0.9, true).dot).toEqual({ x: 50, y: 25 });
    expect(dotAt(A, B, 0.7, true).opacity).toBeCloseTo(0.5);
    expect(dotAt(A, B, 1, true).opacity).toBe(0);
  });
});

describe('trimmed', () => {
  it('keeps the segment clear of both device rings', () => {
    expect(trimmed({ x: 0, y: 0 }, { x: 100, y: 0 }, 20)).toEqual([{ x: 20, y: 0 }, { x: 80, y: 0 }]);
  });
  it('collapses to the midpoint when the devices overlap', () => {
    expect(trimmed({ x: 0, y: 0 }, { x: 30, y: 0 }, 20)).toEqual([{ x: 15, y: 0 }, { x: 15, y: 0 }]);
  });
});
