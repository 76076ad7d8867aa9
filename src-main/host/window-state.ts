// Remembered window size and position, restored only where a display can still show it (a monitor
// may have been unplugged since).

export interface Rect {
  x: number;
  y: number;
  width: number;
  height: number;
}

export interface WindowState {
  bounds: Rect;
  maximized: boolean;
}

export const DEFAULT_SIZE = { width: 1400, height: 900 };
const MIN_VISIBLE = 120;

export function parseWindowState(text: string | null): WindowState | null {
  if (!text) return null;
  try {
    const value = JSON.parse(text);
    const b = value?.bounds;
    const valid = ['x', 'y', 'width', 'height'].every((k) => Number.isFinite(b?.[k]));
    if (!valid || b.width < 200 || b.height < 150) return null;
    return { bounds: { x: b.x, y: b.y, width: b.width, height: b.height }, maximized: value.maximized === true };
  } catch {
    return null;
  }
}

/** Keeps saved bounds if at least MIN_VISIBLE pixels of the title area lie on some display's work area. */
export function restoreBounds(saved: WindowState | null, workAreas: readonly Rect[]): Partial<Rect> & { width: number; height: number } {
  if (!saved) return { ...DEFAULT_SIZE };
  const { bounds } = saved;
  const visible = workAreas.some((area) => {
    const overlapX = Math.min(bounds.x + bounds.width, area.x + area.width) - Math.max(bounds.x, area.x);
    const titleOnScreen = bounds.y >= area.y && bounds.y < area.y + area.height - 40;
    return overlapX >= MIN_VISIBLE && titleOnScreen;
  });
  if (!visible) return { width: Math.min(bounds.width, workAreas[0]?.width ?? bounds.width), height: Math.min(bounds.height, workAreas[0]?.height ?? bounds.height) };
  return { ...bounds };
}
