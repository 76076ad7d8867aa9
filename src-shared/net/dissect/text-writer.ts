// Output text built as UTF-8 bytes in one large buffer: summary lines for a million frames without
// a string per line. Lines are committed whole, so a line begun can be dropped (`rollback`) when a
// fast path gives up or a filter rejects the frame.

const encoder = new TextEncoder();

export class TextWriter {
  buf: Uint8Array;
  /** The same bytes as `buf`, for copying four at a time (see `putWords`). */
  view: DataView;
  pos = 0;
  /** Start of the line being written (bytes before it are committed). */
  private lineStart = 0;
  /** begin() flushes beyond this (see flushSome). */
  private limit: number;

  constructor(
    /** Receives committed bytes and must consume them at once: the buffer is reused afterwards. */
    private readonly sink: (bytes: Uint8Array) => void,
    private readonly size = 1 << 20,
  ) {
    this.buf = new Uint8Array(size);
    this.view = new DataView(this.buf.buffer);
    this.limit = Math.max(Math.min(4096, size - LINE_ROOM), 0);
  }

  /**
   * Begins a line: flushes when the buffer is nearly full, so a line never straddles a flush.
   * Afterwards at least LINE_ROOM bytes are free: bounded lines (fixed columns, TCP Info) are
   * written with the unchecked `put*` functions on `buf` and `pos`.
   */
  begin(): void {
    if (this.pos > this.limit) this.flushSome();
    if (this.pos + LINE_ROOM > this.buf.length) this.room(LINE_ROOM);
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
    this.view = new DataView(bigger.buffer);
  }

  /**
   * Flushes at `limit`, which starts low and doubles up to the buffer's size: the first flushes
   * come within the first lines, so V8 has seen this branch run before it compiles the line
   * writers (a branch first taken in optimized code throws that code away).
   */
  private flushSome(): void {
    this.flush();
    this.limit = Math.max(Math.min(this.limit * 2, this.size - LINE_ROOM), 0);
  }

  flush(): void {
    if (this.lineStart > 0) {
      this.sink(this.buf.subarray(0, this.lineStart));
      this.buf.copyWithin(0, this.lineStart, this.pos);
      this.pos -= this.lineStart;
      this.lineStart = 0;
    }
  }

  /** Flushes everything, including an unfinished line. */
  end(): void {
    this.lineStart = this.pos;
    this.flush();
  }

  byte(c: number): void {
    const p = this.pos;
    if (p >= this.buf.length) this.room(1);
    this.buf[p] = c;
    this.pos = p + 1;
  }

  /** A string (from index `from` on), UTF-8 encoded. */
  text(s: string, from = 0): void {
    const n = s.length;
    this.room((n - from) * 3);
    const b = this.buf;
    let p = this.pos;
    for (let i = from; i < n; i++) {
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

  /** A short constant already encoded (see `encodeAscii`). */
  ascii(a: Uint8Array): void {
    const n = a.length;
    this.room(n);
    const b = this.buf;
    const p = this.pos;
    for (let i = 0; i < n; i++) b[p + i] = a[i];
    this.pos = p + n;
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
    this.pos = putArrow(this.buf, this.pos);
  }

  spaces(n: number): void {
    this.room(n);
    const b = this.buf;
    const p = this.pos;
    for (let i = 0; i < n; i++) b[p + i] = 32;
    this.pos = p + n;
  }

  /** A non-negative integer below 2^53 in decimal. */
  uint(n: number): void {
    this.room(16);
    this.pos = putUint(this.buf, this.pos, n);
  }

  /** `n` in decimal, zero-padded to `width` digits. */
  uintPadded(n: number, width: number): void {
    if (width <= 9 && n >= 0 && n < 1e9 && n === (n | 0)) {
      // fraction digits of a timestamp: exactly `width` digits, written from the right in pairs
      const len = decimalDigits(n);
      if (len <= width) {
        this.room(width);
        const b = this.buf;
        const p = this.pos;
        let q = p + width;
        this.pos = q;
        while (q - p >= 2) {
          const d = (n / 100) | 0;
          const r = (n - d * 100) << 1;
          b[--q] = DIGIT_PAIRS[r + 1];
          b[--q] = DIGIT_PAIRS[r];
          n = d;
        }
        if (q > p) b[--q] = 48 + (n % 10);
        return;
      }
    }
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

  /** Dotted IPv4 address of a uint32 (or its int32 bit pattern). */
  ipv4(a: number): void {
    this.room(16);
    this.pos = putIpv4(this.buf, this.pos, a);
  }

  /** IPv6 address at b[off] as format.ts's ipv6ToString prints it (RFC 5952). */
  ipv6(b: Uint8Array, off: number): void {
    this.room(IPV6_ROOM);
    this.pos = putIpv6(this.buf, this.pos, b, off);
  }
}

/** Bytes a line may use after `begin()` without room checks (see the `put*` functions). */
export const LINE_ROOM = 8192;

// Unchecked writers: each writes at b[p] and returns the end. The caller knows the room is there
// (a bounded line after `begin()`), so a hot path skips a check and a call per item.

/** A non-negative integer below 2^53 in decimal (16 bytes of room). */
export function putUint(b: Uint8Array, p: number, n: number): number {
  if (n < 100) {
    if (n < 10) {
      b[p] = 48 + n;
      return p + 1;
    }
    b[p] = DIGIT_PAIRS[n << 1];
    b[p + 1] = DIGIT_PAIRS[(n << 1) + 1];
    return p + 2;
  }
  const end = p + decimalDigits(n);
  let q = end;
  while (n > 0x7fffffff) {
    const d = Math.floor(n / 10);
    b[--q] = 48 + (n - d * 10);
    n = d;
  }
  // two digits at a time, in integer arithmetic
  while (n >= 100) {
    const d = (n / 100) | 0;
    const r = (n - d * 100) << 1;
    b[--q] = DIGIT_PAIRS[r + 1];
    b[--q] = DIGIT_PAIRS[r];
    n = d;
  }
  if (n >= 10) {
    b[q - 1] = DIGIT_PAIRS[(n << 1) + 1];
    b[q - 2] = DIGIT_PAIRS[n << 1];
  } else b[q - 1] = 48 + n;
  return end;
}

/** A uint32 given as its int32 bit pattern (`x | 0`, never boxed by V8), in decimal. */
export function putUint32(b: Uint8Array, p: number, n32: number): number {
  if (n32 >= 0) return putUint(b, p, n32);
  // above 2^31: the leading digits (≤ 42) and eight more, all small integers
  const n = n32 >>> 0;
  const hi = Math.floor(n / 1e8);
  return putFraction(b, putUint(b, p, hi), n - hi * 1e8, 8);
}

/** `n` (0 ≤ n < 10^width) as exactly `width` ≤ 9 digits, zero-padded: a timestamp's fraction. */
export function putFraction(b: Uint8Array, p: number, n: number, width: number): number {
  const end = p + width;
  let q = end;
  while (q - p >= 2) {
    const d = (n / 100) | 0;
    const r = (n - d * 100) << 1;
    b[q - 1] = DIGIT_PAIRS[r + 1];
    b[q - 2] = DIGIT_PAIRS[r];
    q -= 2;
    n = d;
  }
  if (q > p) b[p] = 48 + n;
  return end;
}

/**
 * Copies `len` bytes of `from` (from byte `at`) to `to` at `p`, four at a time: up to three bytes
 * beyond `p + len` are overwritten too (room the caller has; what follows overwrites them).
 * Returns `p + len`.
 */
export function putWords(to: DataView, p: number, from: DataView, at: number, len: number): number {
  for (let k = 0; k < len; k += 4) to.setUint32(p + k, from.getUint32(at + k, true), true);
  return p + len;
}

/** Bytes `putIpv6` may write (39 at most, and up to three digits beyond an IPv4 octet). */
export const IPV6_ROOM = 48;

/**
 * IPv6 address at b[off] as format.ts's ipv6ToString prints it (RFC 5952: the longest run of two
 * or more zero words, the first of equals, as `::`; `::ffff:a.b.c.d` for IPv4-mapped).
 */
export function putIpv6(o: Uint8Array, p: number, b: Uint8Array, off: number): number {
  let bestStart = -1;
  let bestLen = 1;
  for (let i = 0; i < 8; ) {
    if ((b[off + 2 * i] | b[off + 2 * i + 1]) !== 0) {
      i++;
      continue;
    }
    let j = i + 1;
    while (j < 8 && (b[off + 2 * j] | b[off + 2 * j + 1]) === 0) j++;
    if (j - i > bestLen) {
      bestStart = i;
      bestLen = j - i;
    }
    i = j;
  }
  if (bestStart === 0 && bestLen === 5 && b[off + 10] === 0xff && b[off + 11] === 0xff) {
    for (let k = 0; k < 7; k++) o[p + k] = FFFF_PREFIX[k];
    p += 7;
    p = octet(o, p, b[off + 12]);
    o[p++] = 46;
    p = octet(o, p, b[off + 13]);
    o[p++] = 46;
    p = octet(o, p, b[off + 14]);
    o[p++] = 46;
    return octet(o, p, b[off + 15]);
  }
  const bestEnd = bestStart + bestLen;
  for (let i = 0; i < 8; i++) {
    if (i === bestStart) {
      // `::` in place of the run; the word after it takes no separator
      o[p] = 58;
      o[p + 1] = 58;
      p += 2;
      i = bestEnd - 1;
      continue;
    }
    if (i > 0 && i !== bestEnd) o[p++] = 58;
    p = putHexWord(o, p, b[off + 2 * i], b[off + 2 * i + 1]);
  }
  return p;
}

/** The 16-bit word hi:lo in lower-case hex without leading zeros (4 bytes of room). */
function putHexWord(o: Uint8Array, p: number, hi: number, lo: number): number {
  if (hi !== 0) {
    if (hi >= 16) o[p++] = HEX_DIGITS[hi >> 4];
    o[p++] = HEX_DIGITS[hi & 15];
    o[p] = HEX_DIGITS[lo >> 4];
    o[p + 1] = HEX_DIGITS[lo & 15];
    return p + 2;
  }
  if (lo >= 16) o[p++] = HEX_DIGITS[lo >> 4];
  o[p] = HEX_DIGITS[lo & 15];
  return p + 1;
}

/** `n` (0…0xffff) as four lower-case hex digits (4 bytes of room). */
export function putHex16(o: Uint8Array, p: number, n: number): number {
  o[p] = HEX_DIGITS[(n >> 12) & 15];
  o[p + 1] = HEX_DIGITS[(n >> 8) & 15];
  o[p + 2] = HEX_DIGITS[(n >> 4) & 15];
  o[p + 3] = HEX_DIGITS[n & 15];
  return p + 4;
}

const HEX_DIGITS = encodeAscii('0123456789abcdef');
const FFFF_PREFIX = encodeAscii('::ffff:');

/** A short constant (see `encodeAscii`). */
export function putAscii(b: Uint8Array, p: number, a: Uint8Array): number {
  const n = a.length;
  for (let i = 0; i < n; i++) b[p + i] = a[i];
  return p + n;
}

/** ` → `, UTF-8. */
export function putArrow(b: Uint8Array, p: number): number {
  b[p] = 32;
  b[p + 1] = 0xe2;
  b[p + 2] = 0x86;
  b[p + 3] = 0x92;
  b[p + 4] = 32;
  return p + 5;
}

/** Dotted IPv4 address of the four bytes at b[off] (16 bytes of room). */
export function putIpv4Bytes(o: Uint8Array, p: number, b: Uint8Array, off: number): number {
  p = octet(o, p, b[off]);
  o[p++] = 46;
  p = octet(o, p, b[off + 1]);
  o[p++] = 46;
  p = octet(o, p, b[off + 2]);
  o[p++] = 46;
  return octet(o, p, b[off + 3]);
}

/** Dotted IPv4 address of a uint32 or its int32 bit pattern (16 bytes of room). */
export function putIpv4(b: Uint8Array, p: number, a: number): number {
  p = octet(b, p, a >>> 24);
  b[p++] = 46;
  p = octet(b, p, (a >>> 16) & 255);
  b[p++] = 46;
  p = octet(b, p, (a >>> 8) & 255);
  b[p++] = 46;
  return octet(b, p, a & 255);
}

/** Writes 0…255 in decimal at b[p] (room checked by the caller); returns the end. */
function octet(b: Uint8Array, p: number, v: number): number {
  const t = v << 2;
  const len = OCTETS[t];
  // three digits always (the room is there), the position moves by the real length
  b[p] = OCTETS[t + 1];
  b[p + 1] = OCTETS[t + 2];
  b[p + 2] = OCTETS[t + 3];
  return p + len;
}

/** "00" … "99" as byte pairs. */
const DIGIT_PAIRS = new Uint8Array(200);
for (let i = 0; i < 100; i++) {
  DIGIT_PAIRS[2 * i] = 48 + Math.floor(i / 10);
  DIGIT_PAIRS[2 * i + 1] = 48 + (i % 10);
}

/** Decimal text of 0…255: length, then up to three digits. */
const OCTETS = new Uint8Array(1024);
for (let i = 0; i < 256; i++) {
  const t = String(i);
  OCTETS[4 * i] = t.length;
  for (let j = 0; j < t.length; j++) OCTETS[4 * i + 1 + j] = t.charCodeAt(j);
}

/** Bytes of an ASCII constant, for `TextWriter.ascii`. */
export function encodeAscii(s: string): Uint8Array {
  return Uint8Array.from(s, (c) => c.charCodeAt(0));
}

export function decimalDigits(n: number): number {
  if (n < 10) return 1;
  if (n < 4294967296) {
    // from the bit length, with one comparison whatever the size: the optimized code then has
    // seen every comparison it runs (a first 7-digit frame number did send a chain of `n < 1e6`
    // tests back to the interpreter, and its callers with it)
    const t = ((32 - Math.clz32(n)) * 1233) >> 12;
    return n >= POWERS_OF_TEN[t] ? t + 1 : t;
  }
  if (n < 1e10) return 10;
  let len = 11;
  for (n = Math.floor(n / 1e11); n > 0; n = Math.floor(n / 10)) len++;
  return len;
}

/** 10^0 … 10^10. */
const POWERS_OF_TEN = [1, 10, 100, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10];

/** Length of a dotted IPv4 address's text. */
export function ipv4TextLength(a: number): number {
  return OCTETS[(a >>> 22) & 0x3fc] + OCTETS[(a >>> 14) & 0x3fc] + OCTETS[(a >>> 6) & 0x3fc] + OCTETS[(a << 2) & 0x3fc] + 3;
}
