import { describe, expect, it } from 'vitest';
import { DEFAULT_SIZE, parseWindowState, restoreBounds } from './window-state';

const screen = [{ x: 0, y: 0, width: 1920, height: 1080 }];

describe('window state', () => {
  it('restores saved bounds that are on a display', () => {
    const saved = parseWindowState(JSON.stringify({ bounds: { x: 100, y: 50, width: 1200, height: 800 }, maximized: true }));
    expect(saved?.maximized).toBe(true);
    expect(restoreBounds(saved, screen)).toEqual({ x: 100, y: 50, width: 1200, height: 800 });
  });

  it('drops the position of a window left on a display that is gone', () => {
    const saved = parseWindowState(JSON.stringify({ bounds: { x: 2500, y: 50, width: 1200, height: 800 } }));
    expect(restoreBounds(saved, screen)).toEqual({ width: 1200, height: 800 });
  });

  it('ignores corrupt or absurd state', () => {
    expect(parseWindowState('{')).toBeNull();
    expect(parseWindowState(JSON.stringify({ bounds: { x: 0, y: 0, width: 10, height: 10 } }))).toBeNull();
    expect(restoreBounds(null, screen)).toEqual(DEFAULT_SIZE);
  });
});
