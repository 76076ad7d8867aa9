// HMAC (RFC 2104) and HKDF (RFC 5869) over the SHA-2 hashes, and TLS 1.3's HKDF-Expand-Label
// (RFC 8446 §7.1).
import { createHash, hashLength, type HashName } from './sha2';

/** HMAC-`hash`(key, data). Several data parts are hashed as if concatenated. */
export function hmac(hash: HashName, key: Uint8Array, ...data: Uint8Array[]): Uint8Array {
  const inner = createHash(hash);
  const block = inner.blockLen;
  const k = new Uint8Array(block);
  k.set(key.length > block ? createHash(hash).update(key).digest() : key);
  const pad = new Uint8Array(block);
  for (let i = 0; i < block; i++) pad[i] = k[i] ^ 0x36;
  inner.update(pad);
  for (const d of data) inner.update(d);
  const innerDigest = inner.digest();
  for (let i = 0; i < block; i++) pad[i] = k[i] ^ 0x5c;
  return createHash(hash).update(pad).update(innerDigest).digest();
}

/** HKDF-Extract(salt, IKM) = HMAC(salt, IKM); an empty salt is HashLen zero bytes. */
export function hkdfExtract(hash: HashName, salt: Uint8Array, ikm: Uint8Array): Uint8Array {
  return hmac(hash, salt.length ? salt : new Uint8Array(hashLength(hash)), ikm);
}

/** HKDF-Expand(PRK, info, L); L is at most 255 × HashLen. */
export function hkdfExpand(hash: HashName, prk: Uint8Array, info: Uint8Array, length: number): Uint8Array {
  const hl = hashLength(hash);
  if (length > 255 * hl) throw new RangeError(`HKDF-Expand length ${length} exceeds 255 × ${hl}`);
  const out = new Uint8Array(length);
  let t: Uint8Array = new Uint8Array(0);
  const counter = new Uint8Array(1);
  for (let i = 1, o = 0; o < length; i++) {
    counter[0] = i;
    t = hmac(hash, prk, t, info, counter);
    out.set(t.subarray(0, Math.min(hl, length - o)), o);
    o += hl;
  }
  return out;
}

const encoder = new TextEncoder();

/** HKDF-Expand-Label(Secret, Label, Context, Length) with the "tls13 " prefix. */
export function hkdfExpandLabel(hash: HashName, secret: Uint8Array, label: string, context: Uint8Array, length: number): Uint8Array {
  const full = encoder.encode('tls13 ' + label);
  const info = new Uint8Array(2 + 1 + full.length + 1 + context.length);
  info[0] = length >> 8;
  info[1] = length & 0xff;
  info[2] = full.length;
  info.set(full, 3);
  info[3 + full.length] = context.length;
  info.set(context, 4 + full.length);
  return hkdfExpand(hash, secret, info, length);
}
