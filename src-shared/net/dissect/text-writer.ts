// Output text built as UTF-8 bytes in one large buffer: summary lines for a million frames without
// a string per line. Lines are committed whole, so a line begun can be dropped (`rollback`) when a
// fast path gives up or a filter rejects the frame.

const encoder = new TextEncoder();

export class TextWriter {
  buf: Uint8Array;
  pos = 0;
  /** Start of the line being written (bytes before it are committed). */
  private lineStart = 0;

  constructor(
    /** Receives committed bytes; the array is not reused afterwards, so it may be kept. */
    private readonly sink: (bytes: Uint8Array) => void,
    private readonly size = 1 << 20,
  ) {
    this.buf = new Uint8Array(size);
  }

  /** Begins a line: flushes when the buffer is nearly full, so a line never straddles a flush. */
  begin(): void {
    if (this.pos > this.size - 8192) this.flush();
    this.lineStart = this.pos;
  }

  /** Drops what was written since begin(). */
  rollback(): void {
    this.pos = this.lineStart;
  }

  /** Room for `n` more bytes (grows for pathological lines; flushing would split them). */
  room(n: number): void {
    if (this.pos + n <= this.buf.length) return;
    const bigger = new Uint8Array(Math.max(this.buf.length * 2, this.pos + n));
    bigger.set(this.buf.subarray(0, this.pos));
    this.buf = bigger;
  }

  flush(): void {
    const keep = this.pos - this.lineStart;
    if (this.lineStart > 0) {
      const done = this.buf.subarray(0, this.lineStart);
      const next = new Uint8Array(Math.max(this.size, keep + 8192));
      next.set(this.buf.subarray(this.lineStart, this.pos));
      this.sink(done);
      this.buf = next;
      this.pos = keep;
      this.lineStart = 0;
    }
  }

  /** Flushes everything, including an unfinished line. */
  end(): void {
    this.lineStart = this.pos;
    this.flush();
  }

  byte(c: number): void {
    this.room(1);
    this.buf[this.pos++] = c;
  }

  /** A string, UTF-8 encoded. */
  text(s: string): void {
    const n = s.length;
    this.room(n * 3);
    const b = this.buf;
    let p = this.pos;
    for (let i = 0; i < n; i++) {
      const c = s.charCodeAt(i);
      if (c >= 0x80) {
        const rest = encoder.encode(s.slice(i)); // rare: non-ASCII text
        b.set(rest, p);
        this.pos = p + rest.length;
        return;
      }
      b[p++] = c;
    }
    this.pos = p;
  }

  /** Bytes copied as they are (already UTF-8 or ASCII). */
  bytes(src: Uint8Array, from: number, to: number): void {
    this.room(to - from);
    this.buf.set(src.subarray(from, to), this.pos);
    this.pos += to - from;
  }

  /** ` → ` (tshark's arrow between addresses and ports), UTF-8. */
  arrow(): void {
    this.room(5);
    const b = this.buf;
    const p = this.pos;
    b[p] = 32;
    b[p + 1] = 0xe2;
    b[p + 2] = 0x86;
    b[p + 3] = 0x92;
    b[p + 4] = 32;
    this.pos = p + 5;
  }

  spaces(n: number): void {
    this.room(n);
    for (let i = 0; i < n; i++) this.buf[this.pos++] = 32;
  }

  /** A non-negative integer below 2^53 in decimal. */
  uint(n: number): void {
    this.room(16);
    const b = this.buf;
    if (n < 10) {
      b[this.pos++] = 48 + n;
      return;
    }
    const len = decimalDigits(n);
    let p = this.pos + len;
    this.pos = p;
    while (n >= 10) {
      const q = Math.floor(n / 10);
      b[--p] = 48 + (n - q * 10);
      n = q;
    }
    b[--p] = 48 + n;
  }

  /** `n` in decimal, zero-padded to `width` digits. */
  uintPadded(n: number, width: number): void {
    const len = decimalDigits(n);
    if (len < width) {
      this.room(width);
      for (let i = len; i < width; i++) this.buf[this.pos++] = 48;
    }
    this.uint(n);
  }

  /** `n` as `width` lower-case hex digits. */
  hex(n: number, width: number): void {
    this.room(width);
    const b = this.buf;
    for (let i = width - 1; i >= 0; i--) {
      const d = n & 15;
      b[this.pos + i] = d < 10 ? 48 + d : 87 + d;
      n >>>= 4;
    }
    this.pos += width;
  }

  /** Dotted IPv4 address of a uint32. */
  ipv4(a: number): void {
    this.uint(a >>> 24);
    this.byte(46);
    this.uint((a >>> 16) & 255);
    this.byte(46);
    this.uint((a >>> 8) & 255);
    this.byte(46);
    this.uint(a & 255);
  }
}

export function decimalDigits(n: number): number {
  if (n < 10) return 1;
  if (n < 100) return 2;
  if (n < 1000) return 3;
  if (n < 10000) return 4;
  if (n < 100000) return 5;
  if (n < 1000000) return 6;
  let len = 7;
  for (n = Math.floor(n / 1e7); n > 0; n = Math.floor(n / 10)) len++;
  return len;
}

/** Length of a dotted IPv4 address's text. */
export function ipv4TextLength(a: number): number {
  return decimalDigits(a >>> 24) + decimalDigits((a >>> 16) & 255) + decimalDigits((a >>> 8) & 255) + decimalDigits(a & 255) + 3;
}
