// Byte buffers of a TCP endpoint: a fixed-capacity ring for the send and receive queues, an
// out-of-order segment queue for reassembly (which also yields the SACK blocks to report), and
// the sender's SACK scoreboard.
import { seqAdd, seqDiff, seqGe, seqGt, seqLe, seqLt, seqMax, seqMin } from './seq';

/** Fixed-capacity FIFO of bytes (one allocation, no per-byte work). */
export class ByteRing {
  private readonly buf: Uint8Array;
  private head = 0;
  length = 0;

  constructor(readonly capacity: number) {
    this.buf = new Uint8Array(capacity);
  }

  get free(): number {
    return this.capacity - this.length;
  }

  /** Appends as much of `data` as fits; returns the number of bytes taken. */
  push(data: Uint8Array): number {
    const n = Math.min(data.length, this.free);
    let tail = (this.head + this.length) % this.capacity;
    const first = Math.min(n, this.capacity - tail);
    this.buf.set(data.subarray(0, first), tail);
    if (n > first) this.buf.set(data.subarray(first, n), 0);
    tail = (tail + n) % this.capacity;
    this.length += n;
    return n;
  }

  /** A copy of `len` bytes starting `offset` bytes after the head. */
  slice(offset: number, len: number): Uint8Array {
    const out = new Uint8Array(len);
    const start = (this.head + offset) % this.capacity;
    const first = Math.min(len, this.capacity - start);
    out.set(this.buf.subarray(start, start + first), 0);
    if (len > first) out.set(this.buf.subarray(0, len - first), first);
    return out;
  }

  drop(n: number): void {
    const k = Math.min(n, this.length);
    this.head = (this.head + k) % this.capacity;
    this.length -= k;
  }

  /** Removes and returns up to `max` bytes. */
  read(max: number): Uint8Array {
    const n = Math.min(max, this.length);
    const out = this.slice(0, n);
    this.drop(n);
    return out;
  }
}

interface Chunk {
  seq: number;
  data: Uint8Array;
}

/**
 * Out-of-order data waiting for the gap before it to fill. Stored pieces never overlap (bytes we
 * already hold are cut off on insert). Remembers which block changed most recently so the first
 * SACK block reported is the newest one, as RFC 2018 §4 asks.
 */
export class OutOfOrderQueue {
  private chunks: Chunk[] = [];
  private recent: number[] = [];
  bytes = 0;

  get isEmpty(): boolean {
    return this.chunks.length === 0;
  }

  /** Stores the parts of [seq, seq+len) not already held; returns how many bytes were new. */
  insert(seq: number, data: Uint8Array): number {
    const end = seqAdd(seq, data.length);
    let cur = seq;
    const pieces: Chunk[] = [];
    for (const c of this.chunks) {
      const cEnd = seqAdd(c.seq, c.data.length);
      if (seqLe(cEnd, cur)) continue;
      if (seqGe(c.seq, end)) break;
      if (seqGt(c.seq, cur)) pieces.push({ seq: cur, data: data.subarray(seqDiff(cur, seq), seqDiff(c.seq, seq)) });
      cur = seqMax(cur, cEnd);
    }
    if (seqLt(cur, end)) pieces.push({ seq: cur, data: data.subarray(seqDiff(cur, seq)) });
    let added = 0;
    for (const p of pieces) {
      const copy = p.data.slice();
      const at = this.chunks.findIndex((c) => seqGt(c.seq, p.seq));
      if (at < 0) this.chunks.push({ seq: p.seq, data: copy });
      else this.chunks.splice(at, 0, { seq: p.seq, data: copy });
      added += copy.length;
    }
    this.bytes += added;
    this.recent = [seq, ...this.recent.filter((s) => s !== seq)].slice(0, 8);
    return added;
  }

  /** Removes and returns the data that now continues `rcvNxt` (in order). */
  takeContiguous(rcvNxt: number): Uint8Array[] {
    const out: Uint8Array[] = [];
    let next = rcvNxt;
    while (this.chunks.length > 0) {
      const c = this.chunks[0];
      const cEnd = seqAdd(c.seq, c.data.length);
      if (seqGt(c.seq, next)) break;
      this.chunks.shift();
      this.bytes -= c.data.length;
      if (seqGt(cEnd, next)) {
        out.push(c.data.subarray(seqDiff(next, c.seq)));
        next = cEnd;
      }
    }
    return out;
  }

  /** Merged [left, right) ranges held, in sequence order. */
  ranges(): [number, number][] {
    const out: [number, number][] = [];
    for (const c of this.chunks) {
      const end = seqAdd(c.seq, c.data.length);
      const last = out[out.length - 1];
      if (last && seqGe(last[1], c.seq)) last[1] = seqMax(last[1], end);
      else out.push([c.seq, end]);
    }
    return out;
  }

  /** SACK blocks, the one holding the most recently received segment first (RFC 2018). */
  sackBlocks(max: number): [number, number][] {
    const ranges = this.ranges();
    const out: [number, number][] = [];
    for (const s of this.recent) {
      const r = ranges.find((x) => seqLe(x[0], s) && seqLt(s, x[1]));
      if (r && !out.includes(r)) out.push(r);
      if (out.length >= max) return out;
    }
    for (let i = ranges.length - 1; i >= 0 && out.length < max; i--) if (!out.includes(ranges[i])) out.push(ranges[i]);
    return out;
  }

  clear(): void {
    this.chunks = [];
    this.recent = [];
    this.bytes = 0;
  }
}

/** What the peer reported as SACKed above SND.UNA: merged, sorted [left, right) ranges. */
export class SackScoreboard {
  ranges: [number, number][] = [];

  get sackedBytes(): number {
    let n = 0;
    for (const [l, r] of this.ranges) n += seqDiff(r, l);
    return n;
  }

  /** Highest SACKed sequence number (right edge), or undefined. */
  get highest(): number | undefined {
    return this.ranges.length ? this.ranges[this.ranges.length - 1][1] : undefined;
  }

  /** Adds the blocks that lie within (una, sndMax]; returns whether anything new was SACKed. */
  add(blocks: [number, number][], una: number, sndMax: number): boolean {
    const before = this.sackedBytes;
    for (const [l0, r0] of blocks) {
      if (!seqLt(l0, r0)) continue;
      const l = seqMax(l0, una);
      const r = seqMin(r0, sndMax);
      if (!seqLt(l, r)) continue;
      this.insert(l, r);
    }
    return this.sackedBytes !== before;
  }

  private insert(l: number, r: number): void {
    const out: [number, number][] = [];
    let placed = false;
    for (const cur of this.ranges) {
      if (seqLt(cur[1], l)) out.push(cur);
      else if (seqGt(cur[0], r)) {
        if (!placed) {
          out.push([l, r]);
          placed = true;
        }
        out.push(cur);
      } else {
        l = seqMin(l, cur[0]);
        r = seqMax(r, cur[1]);
      }
    }
    if (!placed) out.push([l, r]);
    this.ranges = out;
  }

  /** Forgets everything below the new SND.UNA. */
  advance(una: number): void {
    const out: [number, number][] = [];
    for (const [l, r] of this.ranges) {
      if (seqLe(r, una)) continue;
      out.push([seqMax(l, una), r]);
    }
    this.ranges = out;
  }

  /** The SACKed range containing seq, if any. */
  rangeAt(seq: number): [number, number] | undefined {
    for (const range of this.ranges) if (seqLe(range[0], seq) && seqLt(seq, range[1])) return range;
    return undefined;
  }

  /** Start of the first SACKed range above seq (to cut segments short of it). */
  nextSackedAfter(seq: number): number | undefined {
    for (const [l] of this.ranges) if (seqGt(l, seq)) return l;
    return undefined;
  }

  /**
   * Un-SACKed bytes below the returned sequence number count as lost (RFC 6675 IsLost: more
   * than (DupThresh − 1) × SMSS bytes SACKed above them). Undefined when nothing is lost.
   */
  lostBoundary(smss: number, dupThresh = 3): number | undefined {
    const need = (dupThresh - 1) * smss;
    let sum = 0;
    for (let i = this.ranges.length - 1; i >= 0; i--) {
      const [l, r] = this.ranges[i];
      const len = seqDiff(r, l);
      if (sum + len > need) return l;
      sum += len;
    }
    return undefined;
  }

  clear(): void {
    this.ranges = [];
  }
}
