// ChaCha20-Poly1305 AEAD (RFC 8439): the ChaCha20 block function on uint32 words and Poly1305
// over BigInt (130-bit arithmetic; a record's few hundred blocks cost well under a millisecond).
// open() checks the tag before decrypting anything and returns null on a mismatch.

const SIGMA = [0x61707865, 0x3320646e, 0x79622d32, 0x6b206574];

function rd32le(b: Uint8Array, o: number): number {
  return (b[o] | (b[o + 1] << 8) | (b[o + 2] << 16) | (b[o + 3] << 24)) >>> 0;
}

// Scratch state, reused by every block (the functions are synchronous).
const s = new Uint32Array(16);
const x = new Uint32Array(16);

function qr(a: number, b: number, c: number, d: number): void {
  x[a] += x[b];
  x[d] ^= x[a];
  x[d] = (x[d] << 16) | (x[d] >>> 16);
  x[c] += x[d];
  x[b] ^= x[c];
  x[b] = (x[b] << 12) | (x[b] >>> 20);
  x[a] += x[b];
  x[d] ^= x[a];
  x[d] = (x[d] << 8) | (x[d] >>> 24);
  x[c] += x[d];
  x[b] ^= x[c];
  x[b] = (x[b] << 7) | (x[b] >>> 25);
}

/** One 64-byte ChaCha20 block for (key, counter, nonce) into `out`. */
export function chacha20Block(key: Uint8Array, counter: number, nonce: Uint8Array, out: Uint8Array): void {
  s[0] = SIGMA[0];
  s[1] = SIGMA[1];
  s[2] = SIGMA[2];
  s[3] = SIGMA[3];
  for (let i = 0; i < 8; i++) s[4 + i] = rd32le(key, 4 * i);
  s[12] = counter >>> 0;
  for (let i = 0; i < 3; i++) s[13 + i] = rd32le(nonce, 4 * i);
  x.set(s);
  for (let i = 0; i < 10; i++) {
    qr(0, 4, 8, 12);
    qr(1, 5, 9, 13);
    qr(2, 6, 10, 14);
    qr(3, 7, 11, 15);
    qr(0, 5, 10, 15);
    qr(1, 6, 11, 12);
    qr(2, 7, 8, 13);
    qr(3, 4, 9, 14);
  }
  for (let i = 0; i < 16; i++) {
    const v = (x[i] + s[i]) >>> 0;
    out[4 * i] = v;
    out[4 * i + 1] = v >>> 8;
    out[4 * i + 2] = v >>> 16;
    out[4 * i + 3] = v >>> 24;
  }
}

/** ChaCha20 stream starting at block `counter`: in[inOff..inEnd) XOR keystream → out[outOff..). */
export function chacha20Xor(key: Uint8Array, counter: number, nonce: Uint8Array, input: Uint8Array, inOff: number, inEnd: number, out: Uint8Array, outOff: number): void {
  const block = new Uint8Array(64);
  for (let o = inOff, c = counter; o < inEnd; o += 64, c++) {
    chacha20Block(key, c, nonce, block);
    const n = Math.min(64, inEnd - o);
    for (let i = 0; i < n; i++) out[outOff + o - inOff + i] = input[o + i] ^ block[i];
  }
}

const P1305 = (1n << 130n) - 5n;

function leBig(b: Uint8Array, off: number, len: number): bigint {
  if (len === 16) {
    // four 32-bit words: four BigInt conversions instead of sixteen
    return (BigInt(rd32le(b, off + 12)) << 96n) | (BigInt(rd32le(b, off + 8)) << 64n) | (BigInt(rd32le(b, off + 4)) << 32n) | BigInt(rd32le(b, off));
  }
  let v = 0n;
  for (let i = len - 1; i >= 0; i--) v = (v << 8n) | BigInt(b[off + i]);
  return v;
}

const BIT128 = 1n << 128n;

/** Poly1305 MAC of the given pieces (each processed as if concatenated, 16-byte blocks). */
export class Poly1305 {
  private readonly r: bigint;
  private readonly s: bigint;
  private acc = 0n;
  private readonly buf = new Uint8Array(16);
  private filled = 0;

  constructor(key: Uint8Array) {
    this.r = leBig(key, 0, 16) & 0x0ffffffc0ffffffc0ffffffc0fffffffn;
    this.s = leBig(key, 16, 16);
  }

  private block(b: Uint8Array, off: number, len: number): void {
    const n = leBig(b, off, len) | (len === 16 ? BIT128 : 1n << BigInt(8 * len));
    this.acc = ((this.acc + n) * this.r) % P1305;
  }

  update(data: Uint8Array, off = 0, end = data.length): this {
    let i = off;
    if (this.filled > 0) {
      while (this.filled < 16 && i < end) this.buf[this.filled++] = data[i++];
      if (this.filled < 16) return this;
      this.block(this.buf, 0, 16);
      this.filled = 0;
    }
    for (; i + 16 <= end; i += 16) this.block(data, i, 16);
    while (i < end) this.buf[this.filled++] = data[i++];
    return this;
  }

  /** Zero bytes up to the next 16-byte boundary (the AEAD's padding). */
  pad(): this {
    if (this.filled > 0) {
      this.buf.fill(0, this.filled);
      this.block(this.buf, 0, 16);
      this.filled = 0;
    }
    return this;
  }

  digest(): Uint8Array {
    if (this.filled > 0) this.block(this.buf, 0, this.filled);
    let t = (this.acc + this.s) & ((1n << 128n) - 1n);
    const out = new Uint8Array(16);
    for (let i = 0; i < 16; i++) {
      out[i] = Number(t & 0xffn);
      t >>= 8n;
    }
    return out;
  }
}

function lengths(aad: number, ct: number): Uint8Array {
  const b = new Uint8Array(16);
  const dv = new DataView(b.buffer);
  dv.setUint32(0, aad >>> 0, true);
  dv.setUint32(4, Math.floor(aad / 0x100000000), true);
  dv.setUint32(8, ct >>> 0, true);
  dv.setUint32(12, Math.floor(ct / 0x100000000), true);
  return b;
}

function tag(key: Uint8Array, nonce: Uint8Array, aad: Uint8Array, ct: Uint8Array, off: number, end: number): Uint8Array {
  const otk = new Uint8Array(64);
  chacha20Block(key, 0, nonce, otk);
  return new Poly1305(otk.subarray(0, 32)).update(aad).pad().update(ct, off, end).pad().update(lengths(aad.length, end - off)).digest();
}

/** The RFC 8439 AEAD with a 32-byte key and 12-byte nonces. */
export class ChaCha20Poly1305 {
  constructor(private readonly key: Uint8Array) {
    if (key.length !== 32) throw new RangeError(`ChaCha20-Poly1305 key of ${key.length} bytes (32 expected)`);
  }

  /** Ciphertext followed by the 16-byte tag. */
  seal(nonce: Uint8Array, aad: Uint8Array, plaintext: Uint8Array): Uint8Array {
    const out = new Uint8Array(plaintext.length + 16);
    chacha20Xor(this.key, 1, nonce, plaintext, 0, plaintext.length, out, 0);
    out.set(tag(this.key, nonce, aad, out, 0, plaintext.length), plaintext.length);
    return out;
  }

  /** Decrypts data[off..end) = ciphertext ‖ tag; null when the tag does not match. */
  open(nonce: Uint8Array, aad: Uint8Array, data: Uint8Array, off = 0, end = data.length): Uint8Array | null {
    if (end - off < 16 || nonce.length !== 12) return null;
    const ctEnd = end - 16;
    const expect = tag(this.key, nonce, aad, data, off, ctEnd);
    let diff = 0;
    for (let i = 0; i < 16; i++) diff |= expect[i] ^ data[ctEnd + i];
    if (diff !== 0) return null;
    const out = new Uint8Array(ctEnd - off);
    chacha20Xor(this.key, 1, nonce, data, off, ctEnd, out, 0);
    return out;
  }
}
