// The packet list's window arithmetic: which rows a scroll position shows and where to scroll to
// bring a row into view. Rows are ROW px high and start below a sticky header of HEAD px inside
// the scroller.

export interface WindowSize {
  /** Row height (px). */
  row: number;
  /** Sticky header height (px) covering the top of the viewport. */
  head: number;
  /** Extra rows drawn above and below the visible ones. */
  overscan: number;
}

/** Display positions [first, end) to draw for a scroll offset and viewport height. */
export function rowWindow(scrollTop: number, viewport: number, count: number, size: WindowSize): { first: number; end: number } {
  if (count <= 0) return { first: 0, end: 0 };
  const top = Math.max(0, Math.floor(scrollTop / size.row));
  const visible = Math.ceil(Math.max(0, viewport - size.head) / size.row) + 1;
  const first = Math.max(0, Math.min(count - 1, top - size.overscan));
  const end = Math.min(count, top + visible + size.overscan);
  return { first, end: Math.max(end, first + 1) };
}

/** Rows drawn for a viewport: enough for the window at any scroll offset. */
export function poolSize(viewport: number, size: WindowSize): number {
  return Math.ceil(Math.max(0, viewport - size.head) / size.row) + 2 + 2 * size.overscan;
}

/**
 * The scroll offset that shows row `pos`: `auto` moves only as far as needed (nothing when it is
 * fully visible), `center` puts it in the middle.
 */
export function scrollFor(pos: number, scrollTop: number, viewport: number, size: WindowSize, align: 'auto' | 'center'): number {
  const rowTop = pos * size.row;
  const room = Math.max(size.row, viewport - size.head);
  if (align === 'center') return Math.max(0, Math.round(rowTop - (room - size.row) / 2));
  if (rowTop < scrollTop) return rowTop;
  if (rowTop + size.row > scrollTop + room) return rowTop + size.row - room;
  return scrollTop;
}
