// AES-CBC decryption (SP 800-38A §6.2), for TLS 1.2 CBC suites. No padding handling here: TLS
// checks its own padding (RFC 5246 §6.2.3.2) after the MAC-then-encrypt layer.
import { Aes } from './aes';

/**
 * Decrypts `data[off, end)` (a whole number of 16-byte blocks) under `iv`; returns a new array,
 * or null when the length is not a multiple of the block size.
 */
export function aesCbcDecrypt(aes: Aes, iv: Uint8Array, data: Uint8Array, off = 0, end = data.length): Uint8Array | null {
  const n = end - off;
  if (n < 0 || n % 16 !== 0 || iv.length !== 16) return null;
  const out = new Uint8Array(n);
  for (let i = 0; i < n; i += 16) {
    aes.decryptBlock(data, off + i, out, i);
    const prev = i === 0 ? iv : data;
    const p = i === 0 ? 0 : off + i - 16;
    for (let j = 0; j < 16; j++) out[i + j] ^= prev[p + j];
  }
  return out;
}
