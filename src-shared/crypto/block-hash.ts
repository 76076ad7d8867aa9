// The Merkle–Damgård buffering shared by SHA-1 and SHA-2: input collected into blocks, the last one
// padded with 0x80, zeros and the message length in bits (big endian; little endian for MD5).

export interface Hash {
  /** Output length in bytes. */
  readonly outputLen: number;
  /** Block length in bytes (HMAC pads keys to it). */
  readonly blockLen: number;
  update(data: Uint8Array): this;
  /** Finishes the hash; the object must not be updated afterwards. */
  digest(): Uint8Array;
}

/** Shared buffering: collects input into blocks and pads the last one (length in bits, big endian). */
export abstract class BlockHash implements Hash {
  abstract readonly outputLen: number;
  readonly blockLen: number;
  private readonly block: Uint8Array;
  private filled = 0;
  /** Total bytes hashed (JS numbers are exact to 2^53, far beyond any capture). */
  private total = 0;
  private done = false;

  /** MD5 writes the message length little endian; SHA-1 and SHA-2 big endian. */
  protected readonly littleEndian: boolean;

  constructor(blockLen: number, littleEndian = false) {
    this.blockLen = blockLen;
    this.littleEndian = littleEndian;
    this.block = new Uint8Array(blockLen);
  }

  protected abstract compress(b: Uint8Array, off: number): void;
  protected abstract output(): Uint8Array;

  update(data: Uint8Array): this {
    if (this.done) throw new Error('hash already finished');
    let i = 0;
    const n = data.length;
    this.total += n;
    if (this.filled > 0) {
      const take = Math.min(n, this.blockLen - this.filled);
      this.block.set(data.subarray(0, take), this.filled);
      this.filled += take;
      i = take;
      if (this.filled < this.blockLen) return this;
      this.compress(this.block, 0);
      this.filled = 0;
    }
    for (; i + this.blockLen <= n; i += this.blockLen) this.compress(data, i);
    if (i < n) {
      this.block.set(data.subarray(i), 0);
      this.filled = n - i;
    }
    return this;
  }

  digest(): Uint8Array {
    if (this.done) throw new Error('hash already finished');
    this.done = true;
    const lenBytes = this.blockLen === 64 ? 8 : 16;
    const b = this.block;
    b[this.filled++] = 0x80;
    if (this.filled > this.blockLen - lenBytes) {
      b.fill(0, this.filled);
      this.compress(b, 0);
      this.filled = 0;
    }
    b.fill(0, this.filled);
    const bits = this.total * 8;
    const hi = Math.floor(bits / 0x100000000);
    const lo = bits >>> 0;
    const e = this.blockLen;
    if (this.littleEndian) {
      for (let i = 0; i < 4; i++) {
        b[e - 8 + i] = lo >>> (8 * i);
        b[e - 4 + i] = hi >>> (8 * i);
      }
    } else {
      b[e - 8] = hi >>> 24;
      b[e - 7] = hi >>> 16;
      b[e - 6] = hi >>> 8;
      b[e - 5] = hi;
      b[e - 4] = lo >>> 24;
      b[e - 3] = lo >>> 16;
      b[e - 2] = lo >>> 8;
      b[e - 1] = lo;
    }
    this.compress(b, 0);
    return this.output();
  }
}

/** The first `length` bytes of 32-bit words, big endian (SHA-1, SHA-2) or little endian (MD5). */
export function wordBytes(words: ArrayLike<number>, length: number, littleEndian = false): Uint8Array {
  const out = new Uint8Array(length);
  for (let i = 0; i < length; i++) {
    const shift = littleEndian ? 8 * (i & 3) : 24 - 8 * (i & 3);
    out[i] = words[i >> 2] >>> shift;
  }
  return out;
}
