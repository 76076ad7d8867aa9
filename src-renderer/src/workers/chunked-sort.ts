// A stable sort of frame indexes by a precomputed key per frame, done in small steps so the
// capture worker keeps answering row and detail requests while it runs (and a newer sort or
// filter can drop it half-way). Bottom-up merge sort with the comparisons written inline: no
// comparator call per comparison, which is where Array.prototype.sort spends its time on
// strings. Keys are numbers in a typed array (lengths, times, string ranks) or strings (Info).

import type { Progress } from './capture-model';

/** Keys indexed by frame index (not by position in the array being sorted). */
export type SortKeys = ArrayLike<number> | readonly string[];

/** Elements merged between two yields (a fraction of a millisecond of work). */
const STEP = 8192;
/** Runs sorted by insertion before merging. */
const RUN = 32;

/**
 * Sorts `frames` (frame indexes) by `keys[frame]`, ascending or descending; equal keys keep their
 * order in `frames` (so frames given in frame order stay in frame order, as Wireshark does).
 * Returns a new array; `frames` is left as it is. Yields progress every few thousand elements.
 */
export function* sortFramesByKey(frames: Uint32Array, keys: SortKeys, descending: boolean): Generator<Progress, Uint32Array, void> {
  const n = frames.length;
  let src = frames.slice();
  if (n < 2) return src;
  let dst = new Uint32Array(n);
  const passes = Math.ceil(Math.log2(Math.max(2, n / RUN))) + 1;
  const total = passes * n;
  let done = 0;

  // Insertion sort of runs of RUN (stable: an element moves only past strictly greater keys).
  for (let start = 0; start < n; start += RUN) {
    insertionRun(src, keys, descending, start, Math.min(n, start + RUN));
    if ((start & (STEP - 1)) === 0 && start > 0) yield { done: start, total };
  }
  done = n;
  yield { done, total };

  for (let width = RUN; width < n; width *= 2) {
    let moved = 0;
    for (let lo = 0; lo < n; lo += 2 * width) {
      const mid = Math.min(n, lo + width);
      const hi = Math.min(n, lo + 2 * width);
      // Merge in pieces so one large merge does not hold the worker either.
      const merge = mergeSteps(src, dst, keys, descending, lo, mid, hi);
      for (;;) {
        const r = merge.next();
        if (r.done) break;
        moved += r.value;
        if (moved >= STEP) {
          done += moved;
          moved = 0;
          yield { done, total };
        }
      }
    }
    done += moved;
    const t = src;
    src = dst;
    dst = t;
  }
  return src;
}

function insertionRun(a: Uint32Array, keys: SortKeys, descending: boolean, start: number, end: number): void {
  for (let i = start + 1; i < end; i++) {
    const v = a[i];
    const kv = keys[v];
    let j = i - 1;
    while (j >= start && (descending ? keys[a[j]] < kv : keys[a[j]] > kv)) {
      a[j + 1] = a[j];
      j--;
    }
    a[j + 1] = v;
  }
}

/** Merges src[lo,mid) and src[mid,hi) into dst[lo,hi); yields how many elements it moved every STEP. */
function* mergeSteps(src: Uint32Array, dst: Uint32Array, keys: SortKeys, descending: boolean, lo: number, mid: number, hi: number): Generator<number, void, void> {
  let i = lo;
  let j = mid;
  let k = lo;
  if (mid >= hi) {
    dst.set(src.subarray(lo, hi), lo);
    yield hi - lo;
    return;
  }
  while (k < hi) {
    const stop = Math.min(hi, k + STEP);
    const from = k;
    while (k < stop) {
      if (i >= mid) dst[k++] = src[j++];
      else if (j >= hi) dst[k++] = src[i++];
      else {
        const a = src[i];
        const b = src[j];
        // Take from the right run only when its key strictly comes first: stability.
        if (descending ? keys[b] > keys[a] : keys[b] < keys[a]) {
          dst[k++] = b;
          j++;
        } else {
          dst[k++] = a;
          i++;
        }
      }
    }
    yield k - from;
  }
}

/** Runs a job to its end (tests, and small captures sorted at once). */
export function runToEnd<T>(job: Generator<Progress, T, void>): T {
  for (;;) {
    const r = job.next();
    if (r.done) return r.value;
  }
}

/**
 * Strings to sort by without one string object per frame: frame i's text is
 * `pieces[piece[i]].slice(start[i], start[i] + length[i])` (the summary store keeps Info joined
 * in chunks of 1024 frames).
 */
export interface TextColumn {
  pieces: readonly string[];
  piece: Uint32Array;
  start: Uint32Array;
  length: Uint32Array;
}

/** A TextColumn over plain strings, one per frame index (tests, small columns). */
export function textColumn(strings: readonly string[]): TextColumn {
  const n = strings.length;
  const piece = new Uint32Array(n);
  const length = new Uint32Array(n);
  for (let i = 0; i < n; i++) {
    piece[i] = i;
    length[i] = strings[i].length;
  }
  return { pieces: strings, piece, start: new Uint32Array(n), length };
}

/** Ranges this small are finished by insertion sort. */
const SMALL = 12;
/** Leading characters packed into words (two per word) before sorting. */
const WORDS = 8;
/** Key reads between two yields. */
const TEXT_STEP = 60_000;

/**
 * Sorts `frames` by their text in code-unit order (as JavaScript's `<` and Wireshark's string
 * columns), ascending or descending; equal texts stay in frame-index order. Three-way radix
 * quicksort (Bentley & Sedgewick) reading characters in place, with its own stack so it can
 * yield: each character is read about log n times instead of once per comparison of two whole
 * strings, and no string is built per frame.
 */
export function* sortFramesByText(frames: Uint32Array, col: TextColumn, descending: boolean): Generator<Progress, Uint32Array, void> {
  const a = frames.slice();
  const n = a.length;
  if (n < 2) return a;
  const { pieces, piece, start, length } = col;
  // The first 2·W characters of each text packed two to a Uint32 (exact: code units are 16-bit),
  // so most reads are typed-array loads; characters beyond are read from the pieces.
  const W = WORDS;
  const words = new Uint32Array(length.length * W);
  for (let k = 0; k < n; k++) {
    const i = a[k];
    const text = pieces[piece[i]];
    const from = start[i];
    const len = length[i];
    const base = i * W;
    for (let w = 0, c = 0; w < W && c < len; w++, c += 2) {
      const hi = text.charCodeAt(from + c);
      const lo = c + 1 < len ? text.charCodeAt(from + c + 1) : 0;
      words[base + w] = ((hi << 16) | lo) >>> 0;
    }
    if ((k & 0x7fff) === 0x7fff) yield { done: 0, total: n };
  }
  // Key of frame i at depth d: characters 2d and 2d+1 packed, -1 past the end of its text (a
  // shorter text sorts first). A word is 0 only when both of its characters are past the end
  // (text never holds U+0000).
  const key = (i: number, d: number): number => {
    if (d < W) {
      const v = words[i * W + d];
      return v === 0 ? -1 : v;
    }
    // Further on, two characters per level read from the text, packed the same way.
    const c = 2 * d;
    const len = length[i];
    if (c >= len) return -1;
    const text = pieces[piece[i]];
    const at = start[i] + c;
    return text.charCodeAt(at) * 65536 + (c + 1 < len ? text.charCodeAt(at + 1) : 0);
  };
  // Work stack of [lo, hi, depth) ranges still to sort.
  const stack: number[] = [0, n, 0];
  let work = 0;
  let settled = 0;
  const sign = descending ? -1 : 1;

  while (stack.length) {
    const d = stack.pop()!;
    const hi = stack.pop()!;
    const lo = stack.pop()!;
    if (hi - lo <= SMALL) {
      work += insertionByText(a, lo, hi, d, key, sign);
      settled += hi - lo;
    } else {
      // Median of three keys as the pivot.
      const p = median3(key(a[lo], d), key(a[(lo + hi) >> 1], d), key(a[hi - 1], d));
      // A partition of a large range is itself split across steps.
      const st: PartitionState = { i: lo, lt: lo, gt: hi - 1 };
      while (st.i <= st.gt) {
        const done = d < W ? partitionWords(a, words, W, d, p, sign, st, TEXT_STEP) : partitionKeys(a, key, d, p, sign, st, TEXT_STEP);
        work += done;
        if (work >= TEXT_STEP && st.i <= st.gt) {
          work = 0;
          yield { done: settled, total: n };
        }
      }
      const { lt, gt } = st;
      // [lo,lt) before the pivot, [lt,gt] equal at d, (gt,hi) after.
      if (hi > gt + 1) stack.push(gt + 1, hi, d);
      if (p === -1) {
        // The texts of [lt,gt] all end here: equal texts, in frame order.
        a.subarray(lt, gt + 1).sort();
        settled += gt + 1 - lt;
      } else if (gt >= lt) stack.push(lt, gt + 1, d + 1);
      if (lt > lo) stack.push(lo, lt, d);
    }
    if (work >= TEXT_STEP) {
      work = 0;
      yield { done: settled, total: n };
    }
  }
  return a;
}

interface PartitionState {
  i: number;
  lt: number;
  gt: number;
}

/**
 * Three-way partition around pivot key `p` at depth `d` < W, reading the packed words directly
 * (the hot loop of the sort: no call per element). Moves up to `budget` elements; returns how many.
 */
function partitionWords(a: Uint32Array, words: Uint32Array, W: number, d: number, p: number, sign: number, st: PartitionState, budget: number): number {
  let { i, lt, gt } = st;
  let left = budget;
  while (i <= gt && left-- > 0) {
    const v = a[i];
    const w = words[v * W + d];
    const c = ((w === 0 ? -1 : w) - p) * sign;
    if (c < 0) {
      a[i] = a[lt];
      a[lt] = v;
      lt++;
      i++;
    } else if (c > 0) {
      a[i] = a[gt];
      a[gt] = v;
      gt--;
    } else i++;
  }
  const done = i - st.i + (st.gt - gt);
  st.i = i;
  st.lt = lt;
  st.gt = gt;
  return done;
}

/** The same partition through `key` (depths past the packed words). */
function partitionKeys(a: Uint32Array, key: (i: number, d: number) => number, d: number, p: number, sign: number, st: PartitionState, budget: number): number {
  let { i, lt, gt } = st;
  let left = budget;
  while (i <= gt && left-- > 0) {
    const c = (key(a[i], d) - p) * sign;
    if (c < 0) swap(a, lt++, i++);
    else if (c > 0) swap(a, i, gt--);
    else i++;
  }
  const done = i - st.i + (st.gt - gt);
  st.i = i;
  st.lt = lt;
  st.gt = gt;
  return done;
}

function swap(a: Uint32Array, i: number, j: number): void {
  const t = a[i];
  a[i] = a[j];
  a[j] = t;
}

function median3(x: number, y: number, z: number): number {
  if (x < y) return y < z ? y : x < z ? z : x;
  return x < z ? x : y < z ? z : y;
}

/** Insertion sort of a[lo,hi) whose keys agree before depth d; returns the keys read. */
function insertionByText(a: Uint32Array, lo: number, hi: number, d: number, at: (i: number, d: number) => number, sign: number): number {
  let reads = 0;
  for (let i = lo + 1; i < hi; i++) {
    const v = a[i];
    let j = i - 1;
    while (j >= lo) {
      const w = a[j];
      // Compare w and v from depth d: is w after v?
      let k = d;
      let cmp = 0;
      for (;;) {
        const cw = at(w, k);
        const cv = at(v, k);
        reads++;
        if (cw !== cv) {
          cmp = (cw - cv) * sign;
          break;
        }
        if (cw === -1) {
          cmp = w - v; // equal texts: frame order
          break;
        }
        k++;
      }
      if (cmp <= 0) break;
      a[j + 1] = w;
      j--;
    }
    a[j + 1] = v;
  }
  return reads;
}
