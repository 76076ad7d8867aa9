// MD5 (RFC 1321), only for the TLS 1.0/1.1 PRF (P_MD5 ⊕ P_SHA1, RFC 4346 §5) when decrypting
// old CBC connections; never used for anything that needs collision resistance.
import { BlockHash, wordBytes } from './block-hash';

const S = [7, 12, 17, 22, 5, 9, 14, 20, 4, 11, 16, 23, 6, 10, 15, 21];
const K = new Uint32Array(64);
for (let i = 0; i < 64; i++) K[i] = Math.floor(Math.abs(Math.sin(i + 1)) * 0x100000000) >>> 0;

export class Md5 extends BlockHash {
  readonly outputLen = 16;
  private readonly h = new Uint32Array([0x67452301, 0xefcdab89, 0x98badcfe, 0x10325476]);
  private readonly m = new Uint32Array(16);

  constructor() {
    super(64, true);
  }

  protected compress(b: Uint8Array, off: number): void {
    const m = this.m;
    for (let i = 0; i < 16; i++, off += 4) m[i] = b[off] | (b[off + 1] << 8) | (b[off + 2] << 16) | (b[off + 3] << 24);
    const h = this.h;
    let a = h[0], bb = h[1], c = h[2], d = h[3];
    for (let i = 0; i < 64; i++) {
      let f: number;
      let g: number;
      if (i < 16) {
        f = (bb & c) | (~bb & d);
        g = i;
      } else if (i < 32) {
        f = (d & bb) | (~d & c);
        g = (5 * i + 1) & 15;
      } else if (i < 48) {
        f = bb ^ c ^ d;
        g = (3 * i + 5) & 15;
      } else {
        f = c ^ (bb | ~d);
        g = (7 * i) & 15;
      }
      const s = S[((i >> 4) << 2) | (i & 3)];
      const x = (a + f + K[i] + m[g]) | 0;
      a = d;
      d = c;
      c = bb;
      bb = (bb + ((x << s) | (x >>> (32 - s)))) | 0;
    }
    h[0] += a;
    h[1] += bb;
    h[2] += c;
    h[3] += d;
  }

  protected output(): Uint8Array {
    return wordBytes(this.h, 16, true);
  }
}

export function md5(data: Uint8Array): Uint8Array {
  return new Md5().update(data).digest();
}
