// AES-128/192/256 (FIPS 197) with T-tables built at load time: encryption (GCM, CTR) and the
// equivalent inverse cipher (FIPS 197 §5.3.5) for CBC decryption, its key schedule built on first use.

const SBOX = new Uint8Array(256);
const TE0 = new Uint32Array(256);
const TE1 = new Uint32Array(256);
const TE2 = new Uint32Array(256);
const TE3 = new Uint32Array(256);
const INV_SBOX = new Uint8Array(256);
const TD0 = new Uint32Array(256);
const TD1 = new Uint32Array(256);
const TD2 = new Uint32Array(256);
const TD3 = new Uint32Array(256);

(function buildTables(): void {
  // GF(2^8) exp/log tables with generator 3, then the S-box as affine(inverse(x)).
  const exp = new Uint8Array(256);
  const log = new Uint8Array(256);
  for (let i = 0, x = 1; i < 255; i++) {
    exp[i] = x;
    log[x] = i;
    x ^= (x << 1) ^ (x & 0x80 ? 0x11b : 0);
    x &= 0xff;
  }
  for (let i = 0; i < 256; i++) {
    const inv = i === 0 ? 0 : exp[(255 - log[i]) % 255];
    let s = inv;
    let r = inv;
    for (let k = 0; k < 4; k++) {
      r = ((r << 1) | (r >>> 7)) & 0xff;
      s ^= r;
    }
    SBOX[i] = s ^ 0x63;
  }
  for (let i = 0; i < 256; i++) {
    const s = SBOX[i];
    const s2 = ((s << 1) ^ (s & 0x80 ? 0x11b : 0)) & 0xff;
    const s3 = s2 ^ s;
    const t = ((s2 << 24) | (s << 16) | (s << 8) | s3) >>> 0;
    TE0[i] = t;
    TE1[i] = ((t >>> 8) | (t << 24)) >>> 0;
    TE2[i] = ((t >>> 16) | (t << 16)) >>> 0;
    TE3[i] = ((t >>> 24) | (t << 8)) >>> 0;
  }
  const mul = (a: number, b: number): number => (a === 0 || b === 0 ? 0 : exp[(log[a] + log[b]) % 255]);
  for (let i = 0; i < 256; i++) INV_SBOX[SBOX[i]] = i;
  for (let i = 0; i < 256; i++) {
    const s = INV_SBOX[i];
    const t = ((mul(s, 14) << 24) | (mul(s, 9) << 16) | (mul(s, 13) << 8) | mul(s, 11)) >>> 0;
    TD0[i] = t;
    TD1[i] = ((t >>> 8) | (t << 24)) >>> 0;
    TD2[i] = ((t >>> 16) | (t << 16)) >>> 0;
    TD3[i] = ((t >>> 24) | (t << 8)) >>> 0;
  }
})();

/** InvMixColumns of one round-key word, through the tables: TD(SBOX(x)) undoes the S-box. */
function invMixWord(w: number): number {
  return TD0[SBOX[w >>> 24]] ^ TD1[SBOX[(w >>> 16) & 0xff]] ^ TD2[SBOX[(w >>> 8) & 0xff]] ^ TD3[SBOX[w & 0xff]];
}

/** An expanded AES key (16, 24 or 32 bytes). */
export class Aes {
  private readonly rk: Uint32Array;
  private readonly rounds: number;
  /** Decryption round keys (reversed, InvMixColumns applied to the inner ones); built on first use. */
  private dk: Uint32Array | null = null;

  constructor(key: Uint8Array) {
    const nk = key.length / 4;
    if (nk !== 4 && nk !== 6 && nk !== 8) throw new RangeError(`AES key of ${key.length} bytes (16, 24 or 32 expected)`);
    this.rounds = nk + 6;
    const total = 4 * (this.rounds + 1);
    const rk = new Uint32Array(total);
    for (let i = 0; i < nk; i++) rk[i] = (key[4 * i] << 24) | (key[4 * i + 1] << 16) | (key[4 * i + 2] << 8) | key[4 * i + 3];
    let rcon = 1;
    for (let i = nk; i < total; i++) {
      let t = rk[i - 1];
      if (i % nk === 0) {
        t = ((SBOX[(t >>> 16) & 0xff] << 24) | (SBOX[(t >>> 8) & 0xff] << 16) | (SBOX[t & 0xff] << 8) | SBOX[t >>> 24]) ^ (rcon << 24);
        rcon = ((rcon << 1) ^ (rcon & 0x80 ? 0x11b : 0)) & 0xff;
      } else if (nk === 8 && i % nk === 4) {
        t = (SBOX[t >>> 24] << 24) | (SBOX[(t >>> 16) & 0xff] << 16) | (SBOX[(t >>> 8) & 0xff] << 8) | SBOX[t & 0xff];
      }
      rk[i] = rk[i - nk] ^ t;
    }
    this.rk = rk;
  }

  /** Encrypts the 16-byte block at `input[inOff]` into `output[outOff]` (they may alias). */
  encryptBlock(input: Uint8Array, inOff: number, output: Uint8Array, outOff: number): void {
    const rk = this.rk;
    let s0 = ((input[inOff] << 24) | (input[inOff + 1] << 16) | (input[inOff + 2] << 8) | input[inOff + 3]) ^ rk[0];
    let s1 = ((input[inOff + 4] << 24) | (input[inOff + 5] << 16) | (input[inOff + 6] << 8) | input[inOff + 7]) ^ rk[1];
    let s2 = ((input[inOff + 8] << 24) | (input[inOff + 9] << 16) | (input[inOff + 10] << 8) | input[inOff + 11]) ^ rk[2];
    let s3 = ((input[inOff + 12] << 24) | (input[inOff + 13] << 16) | (input[inOff + 14] << 8) | input[inOff + 15]) ^ rk[3];
    let k = 4;
    for (let r = 1; r < this.rounds; r++, k += 4) {
      const t0 = TE0[s0 >>> 24] ^ TE1[(s1 >>> 16) & 0xff] ^ TE2[(s2 >>> 8) & 0xff] ^ TE3[s3 & 0xff] ^ rk[k];
      const t1 = TE0[s1 >>> 24] ^ TE1[(s2 >>> 16) & 0xff] ^ TE2[(s3 >>> 8) & 0xff] ^ TE3[s0 & 0xff] ^ rk[k + 1];
      const t2 = TE0[s2 >>> 24] ^ TE1[(s3 >>> 16) & 0xff] ^ TE2[(s0 >>> 8) & 0xff] ^ TE3[s1 & 0xff] ^ rk[k + 2];
      const t3 = TE0[s3 >>> 24] ^ TE1[(s0 >>> 16) & 0xff] ^ TE2[(s1 >>> 8) & 0xff] ^ TE3[s2 & 0xff] ^ rk[k + 3];
      s0 = t0;
      s1 = t1;
      s2 = t2;
      s3 = t3;
    }
    const o0 = ((SBOX[s0 >>> 24] << 24) | (SBOX[(s1 >>> 16) & 0xff] << 16) | (SBOX[(s2 >>> 8) & 0xff] << 8) | SBOX[s3 & 0xff]) ^ rk[k];
    const o1 = ((SBOX[s1 >>> 24] << 24) | (SBOX[(s2 >>> 16) & 0xff] << 16) | (SBOX[(s3 >>> 8) & 0xff] << 8) | SBOX[s0 & 0xff]) ^ rk[k + 1];
    const o2 = ((SBOX[s2 >>> 24] << 24) | (SBOX[(s3 >>> 16) & 0xff] << 16) | (SBOX[(s0 >>> 8) & 0xff] << 8) | SBOX[s1 & 0xff]) ^ rk[k + 2];
    const o3 = ((SBOX[s3 >>> 24] << 24) | (SBOX[(s0 >>> 16) & 0xff] << 16) | (SBOX[(s1 >>> 8) & 0xff] << 8) | SBOX[s2 & 0xff]) ^ rk[k + 3];
    writeU32(output, outOff, o0);
    writeU32(output, outOff + 4, o1);
    writeU32(output, outOff + 8, o2);
    writeU32(output, outOff + 12, o3);
  }

  /** Decrypts the 16-byte block at `input[inOff]` into `output[outOff]` (they may alias). */
  decryptBlock(input: Uint8Array, inOff: number, output: Uint8Array, outOff: number): void {
    const rk = (this.dk ??= decryptionKeys(this.rk, this.rounds));
    let s0 = ((input[inOff] << 24) | (input[inOff + 1] << 16) | (input[inOff + 2] << 8) | input[inOff + 3]) ^ rk[0];
    let s1 = ((input[inOff + 4] << 24) | (input[inOff + 5] << 16) | (input[inOff + 6] << 8) | input[inOff + 7]) ^ rk[1];
    let s2 = ((input[inOff + 8] << 24) | (input[inOff + 9] << 16) | (input[inOff + 10] << 8) | input[inOff + 11]) ^ rk[2];
    let s3 = ((input[inOff + 12] << 24) | (input[inOff + 13] << 16) | (input[inOff + 14] << 8) | input[inOff + 15]) ^ rk[3];
    let k = 4;
    for (let r = 1; r < this.rounds; r++, k += 4) {
      const t0 = TD0[s0 >>> 24] ^ TD1[(s3 >>> 16) & 0xff] ^ TD2[(s2 >>> 8) & 0xff] ^ TD3[s1 & 0xff] ^ rk[k];
      const t1 = TD0[s1 >>> 24] ^ TD1[(s0 >>> 16) & 0xff] ^ TD2[(s3 >>> 8) & 0xff] ^ TD3[s2 & 0xff] ^ rk[k + 1];
      const t2 = TD0[s2 >>> 24] ^ TD1[(s1 >>> 16) & 0xff] ^ TD2[(s0 >>> 8) & 0xff] ^ TD3[s3 & 0xff] ^ rk[k + 2];
      const t3 = TD0[s3 >>> 24] ^ TD1[(s2 >>> 16) & 0xff] ^ TD2[(s1 >>> 8) & 0xff] ^ TD3[s0 & 0xff] ^ rk[k + 3];
      s0 = t0;
      s1 = t1;
      s2 = t2;
      s3 = t3;
    }
    const I = INV_SBOX;
    const o0 = ((I[s0 >>> 24] << 24) | (I[(s3 >>> 16) & 0xff] << 16) | (I[(s2 >>> 8) & 0xff] << 8) | I[s1 & 0xff]) ^ rk[k];
    const o1 = ((I[s1 >>> 24] << 24) | (I[(s0 >>> 16) & 0xff] << 16) | (I[(s3 >>> 8) & 0xff] << 8) | I[s2 & 0xff]) ^ rk[k + 1];
    const o2 = ((I[s2 >>> 24] << 24) | (I[(s1 >>> 16) & 0xff] << 16) | (I[(s0 >>> 8) & 0xff] << 8) | I[s3 & 0xff]) ^ rk[k + 2];
    const o3 = ((I[s3 >>> 24] << 24) | (I[(s2 >>> 16) & 0xff] << 16) | (I[(s1 >>> 8) & 0xff] << 8) | I[s0 & 0xff]) ^ rk[k + 3];
    writeU32(output, outOff, o0);
    writeU32(output, outOff + 4, o1);
    writeU32(output, outOff + 8, o2);
    writeU32(output, outOff + 12, o3);
  }
}

/** The equivalent inverse cipher's key schedule from the encryption one. */
function decryptionKeys(rk: Uint32Array, rounds: number): Uint32Array {
  const dk = new Uint32Array(rk.length);
  for (let r = 0; r <= rounds; r++) {
    for (let j = 0; j < 4; j++) {
      const w = rk[4 * (rounds - r) + j];
      dk[4 * r + j] = r === 0 || r === rounds ? w : invMixWord(w);
    }
  }
  return dk;
}

function writeU32(b: Uint8Array, o: number, v: number): void {
  b[o] = v >>> 24;
  b[o + 1] = v >>> 16;
  b[o + 2] = v >>> 8;
  b[o + 3] = v;
}
