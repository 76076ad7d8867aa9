import { describe, it, expect } from 'vitest';
import * as fc from 'fast-check';
import { createCipheriv } from 'node:crypto';
import { ChaCha20Poly1305, Poly1305, chacha20Block } from './chacha20poly1305';

const hex = (s: string): Uint8Array => Uint8Array.from(s.replace(/[\s:]+/g, '').match(/../g) ?? [], (h) => parseInt(h, 16));
const toHex = (b: Uint8Array): string => Array.from(b, (x) => x.toString(16).padStart(2, '0')).join('');
const ascii = (s: string): Uint8Array => new TextEncoder().encode(s);

describe('ChaCha20-Poly1305 (RFC 8439)', () => {
  it('§2.3.2 ChaCha20 block function', () => {
    const out = new Uint8Array(64);
    chacha20Block(hex('000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f'), 1, hex('000000090000004a00000000'), out);
    expect(toHex(out)).toBe('10f1e7e4d13b5915500fdd1fa32071c4c7d1f4c733c068030422aa9ac3d46c4ed2826446079faa0914c2d705d98b02a2b5129cd1de164eb9cbd083e8a2503c4e');
  });
  it('§2.5.2 Poly1305', () => {
    const key = hex('85:d6:be:78:57:55:6d:33:7f:44:52:fe:42:d5:06:a8:01:03:80:8a:fb:0d:b2:fd:4a:bf:f6:af:41:49:f5:1b');
    expect(toHex(new Poly1305(key).update(ascii('Cryptographic Forum Research Group')).digest())).toBe('a8061dc1305136c6c22b8baf0c0127a9');
  });
  it('§2.8.2 AEAD encryption, and opening it back', () => {
    const key = hex('808182838485868788898a8b8c8d8e8f909192939495969798999a9b9c9d9e9f');
    const nonce = hex('070000004041424344454647');
    const aad = hex('50515253c0c1c2c3c4c5c6c7');
    const pt = ascii("Ladies and Gentlemen of the class of '99: If I could offer you only one tip for the future, sunscreen would be it.");
    const aead = new ChaCha20Poly1305(key);
    const sealed = aead.seal(nonce, aad, pt);
    expect(toHex(sealed.subarray(0, 16))).toBe('d31a8d34648e60db7b86afbc53ef7ec2');
    expect(toHex(sealed.subarray(pt.length))).toBe('1ae10b594f09e26a7e902ecbd0600691');
    expect(new TextDecoder().decode(aead.open(nonce, aad, sealed)!)).toBe(new TextDecoder().decode(pt));
    const bad = sealed.slice();
    bad[3] ^= 4;
    expect(aead.open(nonce, aad, bad)).toBeNull();
  });
  it('equals node:crypto chacha20-poly1305 on random inputs', () => {
    fc.assert(
      fc.property(fc.uint8Array({ minLength: 32, maxLength: 32 }), fc.uint8Array({ minLength: 12, maxLength: 12 }), fc.uint8Array({ maxLength: 40 }), fc.uint8Array({ maxLength: 300 }), (key, nonce, aad, pt) => {
        const c = createCipheriv('chacha20-poly1305', key, nonce, { authTagLength: 16 });
        c.setAAD(aad, { plaintextLength: pt.length });
        const body = c.update(pt);
        c.final();
        const expected = toHex(new Uint8Array(body)) + toHex(new Uint8Array(c.getAuthTag()));
        const aead = new ChaCha20Poly1305(key);
        const sealed = aead.seal(nonce, aad, pt);
        expect(toHex(sealed)).toBe(expected);
        expect(toHex(aead.open(nonce, aad, sealed) ?? new Uint8Array(0))).toBe(toHex(pt));
      }),
      { numRuns: 150 },
    );
  });
});
