// AES-GCM (NIST SP 800-38D) for 96-bit nonces: CTR encryption plus GHASH with Shoup's 8-bit tables
// (256 multiples of H per key, 128-bit values as four uint32 words; a byte per step). open() checks the tag before anything
// is returned; a wrong key or a damaged record gives null, never an exception.
import { Aes } from './aes';

// Reduction of the byte shifted out per step: what 8 one-bit shifts (each folding the polynomial
// 0xe1 ‖ 0^120 back in) leave in word 0. Computed rather than copied.
const LAST8 = new Uint32Array(256);
for (let rem = 0; rem < 256; rem++) {
  let z0 = 0;
  let low = rem;
  for (let k = 0; k < 8; k++) {
    const bit = low & 1;
    low >>>= 1;
    z0 >>>= 1;
    if (bit) z0 ^= 0xe1000000;
  }
  LAST8[rem] = z0 >>> 0;
}

export const GCM_TAG_LENGTH = 16;

export class AesGcm {
  private readonly aes: Aes;
  /** table[4*i .. 4*i+3] = i·H in GHASH's bit order (byte i, its top bit the first coefficient). */
  private readonly table = new Uint32Array(1024);
  private readonly y = new Uint32Array(4);
  private readonly block = new Uint8Array(16);
  private readonly counter = new Uint8Array(16);
  private readonly stream = new Uint8Array(16);

  constructor(key: Uint8Array) {
    this.aes = new Aes(key);
    const h = new Uint8Array(16);
    this.aes.encryptBlock(h, 0, h, 0);
    const t = this.table;
    let v0 = rd(h, 0), v1 = rd(h, 4), v2 = rd(h, 8), v3 = rd(h, 12);
    t.set([v0, v1, v2, v3], 4 * 128);
    for (let i = 64; i > 0; i >>= 1) {
      const r = v3 & 1 ? 0xe1000000 : 0;
      v3 = (v3 >>> 1) | (v2 << 31);
      v2 = (v2 >>> 1) | (v1 << 31);
      v1 = (v1 >>> 1) | (v0 << 31);
      v0 = (v0 >>> 1) ^ r;
      t.set([v0, v1, v2, v3], 4 * i);
    }
    for (let i = 2; i <= 128; i *= 2) {
      for (let j = 1; j < i; j++) for (let w = 0; w < 4; w++) t[4 * (i + j) + w] = t[4 * i + w] ^ t[4 * j + w];
    }
  }

  /** y = (y ⊕ x[off..off+16)) · H; a short last block is zero-padded. */
  private ghashBlock(x: Uint8Array, off: number, len: number): void {
    const b = this.block;
    const y = this.y;
    for (let i = 0; i < 16; i++) b[i] = (i < len ? x[off + i] : 0) ^ (y[i >> 2] >>> (24 - 8 * (i & 3)));
    const t = this.table;
    let k = 4 * b[15];
    let z0 = t[k], z1 = t[k + 1], z2 = t[k + 2], z3 = t[k + 3];
    for (let i = 14; i >= 0; i--) {
      const rem = z3 & 0xff;
      z3 = (z3 >>> 8) | (z2 << 24);
      z2 = (z2 >>> 8) | (z1 << 24);
      z1 = (z1 >>> 8) | (z0 << 24);
      z0 = (z0 >>> 8) ^ LAST8[rem];
      k = 4 * b[i];
      z0 ^= t[k];
      z1 ^= t[k + 1];
      z2 ^= t[k + 2];
      z3 ^= t[k + 3];
    }
    y[0] = z0;
    y[1] = z1;
    y[2] = z2;
    y[3] = z3;
  }

  private ghash(data: Uint8Array, off: number, end: number): void {
    for (let o = off; o < end; o += 16) this.ghashBlock(data, o, Math.min(16, end - o));
  }

  /** Tag over aad and ciphertext; the counter block must hold J0. Written into `out`. */
  private tag(aad: Uint8Array, ct: Uint8Array, ctOff: number, ctEnd: number, out: Uint8Array): void {
    this.y.fill(0);
    this.ghash(aad, 0, aad.length);
    this.ghash(ct, ctOff, ctEnd);
    const lens = new Uint8Array(16);
    writeBitLength(lens, 0, aad.length);
    writeBitLength(lens, 8, ctEnd - ctOff);
    this.ghashBlock(lens, 0, 16);
    this.aes.encryptBlock(this.counter, 0, out, 0);
    for (let i = 0; i < 16; i++) out[i] ^= this.y[i >> 2] >>> (24 - 8 * (i & 3));
  }

  private setJ0(nonce: Uint8Array): void {
    if (nonce.length !== 12) throw new RangeError(`GCM nonce of ${nonce.length} bytes (12 expected)`);
    this.counter.set(nonce, 0);
    this.counter[12] = 0;
    this.counter[13] = 0;
    this.counter[14] = 0;
    this.counter[15] = 1;
  }

  /** CTR from inc32(J0): in[inOff..inEnd) → out[outOff..). */
  private ctr(input: Uint8Array, inOff: number, inEnd: number, out: Uint8Array, outOff: number): void {
    const c = this.counter;
    const ks = this.stream;
    for (let o = inOff; o < inEnd; o += 16) {
      for (let i = 15; i >= 12; i--) if (++c[i] !== 256) break;
      this.aes.encryptBlock(c, 0, ks, 0);
      const n = Math.min(16, inEnd - o);
      for (let i = 0; i < n; i++) out[outOff + o - inOff + i] = input[o + i] ^ ks[i];
    }
  }

  /** Encrypts: ciphertext followed by the 16-byte tag. */
  seal(nonce: Uint8Array, aad: Uint8Array, plaintext: Uint8Array): Uint8Array {
    const out = new Uint8Array(plaintext.length + GCM_TAG_LENGTH);
    this.setJ0(nonce);
    this.ctr(plaintext, 0, plaintext.length, out, 0);
    this.setJ0(nonce);
    const tag = new Uint8Array(16);
    this.tag(aad, out, 0, plaintext.length, tag);
    out.set(tag, plaintext.length);
    return out;
  }

  /**
   * Decrypts data[off..end) = ciphertext ‖ tag. Returns the plaintext, or null when the tag
   * does not match (wrong key, wrong sequence number, damaged bytes) or the input is too short.
   */
  open(nonce: Uint8Array, aad: Uint8Array, data: Uint8Array, off = 0, end = data.length): Uint8Array | null {
    if (end - off < GCM_TAG_LENGTH || nonce.length !== 12) return null;
    const ctEnd = end - GCM_TAG_LENGTH;
    this.setJ0(nonce);
    const expect = new Uint8Array(16);
    this.tag(aad, data, off, ctEnd, expect);
    let diff = 0;
    for (let i = 0; i < 16; i++) diff |= expect[i] ^ data[ctEnd + i];
    if (diff !== 0) return null;
    const out = new Uint8Array(ctEnd - off);
    this.setJ0(nonce);
    this.ctr(data, off, ctEnd, out, 0);
    return out;
  }
}

function rd(b: Uint8Array, o: number): number {
  return ((b[o] << 24) | (b[o + 1] << 16) | (b[o + 2] << 8) | b[o + 3]) >>> 0;
}

function writeBitLength(b: Uint8Array, o: number, bytes: number): void {
  const bits = bytes * 8;
  const hi = Math.floor(bits / 0x100000000);
  const lo = bits >>> 0;
  b[o] = hi >>> 24;
  b[o + 1] = hi >>> 16;
  b[o + 2] = hi >>> 8;
  b[o + 3] = hi;
  b[o + 4] = lo >>> 24;
  b[o + 5] = lo >>> 16;
  b[o + 6] = lo >>> 8;
  b[o + 7] = lo;
}
