// Packet-list columns for every frame of a capture, kept compactly: Source, Destination and
// Protocol are interned (a few distinct strings repeat over millions of frames), Info strings are
// joined into chunks of 1024 (one flat string each instead of a million small rope strings).

import type { TextColumn } from './chunked-sort';

const CHUNK = 1024;
const SEP = '\u0000';

export interface SummaryColumns {
  src: string;
  dst: string;
  protocol: string;
  info: string;
  color: number;
}

export class SummaryStore {
  private src: Uint32Array;
  private dst: Uint32Array;
  private proto: Uint32Array;
  private color: Int8Array;
  /** End of frame i's info inside its chunk. */
  private infoEnd: Uint32Array;
  private readonly strings: string[] = [];
  private readonly ids = new Map<string, number>();
  private readonly chunks: string[] = [];
  private pending: string[] = [];
  private pendingLength = 0;
  /** Frames stored so far (they are added in order). */
  count = 0;

  constructor(capacity: number) {
    const n = Math.max(16, capacity);
    this.src = new Uint32Array(n);
    this.dst = new Uint32Array(n);
    this.proto = new Uint32Array(n);
    this.color = new Int8Array(n);
    this.infoEnd = new Uint32Array(n);
  }

  intern(s: string): number {
    let id = this.ids.get(s);
    if (id === undefined) {
      id = this.strings.length;
      this.strings.push(s);
      this.ids.set(s, id);
    }
    return id;
  }

  string(id: number): string {
    return this.strings[id];
  }

  /** Appends the next frame's columns. */
  push(src: string, dst: string, protocol: string, info: string, color: number): void {
    const i = this.count;
    if (i >= this.src.length) this.grow();
    this.src[i] = this.intern(src);
    this.dst[i] = this.intern(dst);
    this.proto[i] = this.intern(protocol);
    this.color[i] = color;
    // NUL never appears in Info text we build; strip it defensively so chunks stay splittable.
    const text = info.includes(SEP) ? info.split(SEP).join(' ') : info;
    this.pendingLength += text.length + (this.pending.length ? 1 : 0);
    this.infoEnd[i] = this.pendingLength;
    this.pending.push(text);
    this.count++;
    if (this.pending.length === CHUNK) {
      this.chunks.push(this.pending.join(SEP));
      this.pending = [];
      this.pendingLength = 0;
    }
  }

  get(i: number): SummaryColumns {
    return { src: this.strings[this.src[i]], dst: this.strings[this.dst[i]], protocol: this.strings[this.proto[i]], info: this.info(i), color: this.color[i] };
  }

  info(i: number): string {
    const chunk = Math.floor(i / CHUNK);
    const k = i % CHUNK;
    if (chunk >= this.chunks.length) return this.pending[k];
    const end = this.infoEnd[i];
    const start = k === 0 ? 0 : this.infoEnd[i - 1] + 1;
    return this.chunks[chunk].slice(start, end);
  }

  /** Interned ids per frame (read-only views for sorting; valid for frames < count). */
  get srcIds(): Uint32Array {
    return this.src;
  }

  get dstIds(): Uint32Array {
    return this.dst;
  }

  get protoIds(): Uint32Array {
    return this.proto;
  }

  /**
   * Info of every frame stored so far as a sortable text column (chunk strings and offsets, no
   * string per frame). Filled in steps of `step` frames; yields between them.
   */
  *infoColumn(frames: Uint32Array, step = 65536): Generator<number, TextColumn, void> {
    const pieces = this.pending.length ? [...this.chunks, this.pending.join(SEP)] : [...this.chunks];
    const n = this.count;
    const piece = new Uint32Array(n);
    const start = new Uint32Array(n);
    const length = new Uint32Array(n);
    for (let k = 0; k < frames.length; k++) {
      const i = frames[k];
      const from = i % CHUNK === 0 ? 0 : this.infoEnd[i - 1] + 1;
      piece[i] = Math.floor(i / CHUNK);
      start[i] = from;
      length[i] = this.infoEnd[i] - from;
      if (k % step === step - 1) yield k + 1;
    }
    return { pieces, piece, start, length };
  }

  srcId(i: number): number {
    return this.src[i];
  }

  dstId(i: number): number {
    return this.dst[i];
  }

  protoId(i: number): number {
    return this.proto[i];
  }

  colorOf(i: number): number {
    return this.color[i];
  }

  /** Number of distinct interned strings. */
  get stringCount(): number {
    return this.strings.length;
  }

  private grow(): void {
    const n = this.src.length * 2;
    const g32 = (a: Uint32Array) => {
      const b = new Uint32Array(n);
      b.set(a);
      return b;
    };
    this.src = g32(this.src);
    this.dst = g32(this.dst);
    this.proto = g32(this.proto);
    this.infoEnd = g32(this.infoEnd);
    const c = new Int8Array(n);
    c.set(this.color);
    this.color = c;
  }
}
