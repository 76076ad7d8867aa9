import { describe, it, expect } from 'vitest';
import * as fc from 'fast-check';
import { createCipheriv, createHash as nodeHash, createHmac } from 'node:crypto';
import { Aes } from './aes';
import { aesCbcDecrypt } from './cbc';
import { sha1 } from './sha1';
import { md5 } from './md5';
import { createHash } from './sha2';
import { hmac } from './hmac';

const hex = (s: string): Uint8Array => Uint8Array.from(s.replace(/\s+/g, '').match(/../g) ?? [], (h) => parseInt(h, 16));
const toHex = (b: Uint8Array): string => Array.from(b, (x) => x.toString(16).padStart(2, '0')).join('');
const ascii = (s: string): Uint8Array => new TextEncoder().encode(s);

describe('SHA-1 (FIPS 180-4 examples)', () => {
  it('"abc", the two-block message and the empty string', () => {
    expect(toHex(sha1(ascii('abc')))).toBe('a9993e364706816aba3e25717850c26c9cd0d89d');
    expect(toHex(sha1(ascii('abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq')))).toBe('84983e441c3bd26ebaae4aa1f95129e5e54670f1');
    expect(toHex(sha1(new Uint8Array(0)))).toBe('da39a3ee5e6b4b0d3255bfef95601890afd80709');
  });
  it('one million "a", fed in uneven pieces', () => {
    const h = createHash('sha1');
    const chunk = new Uint8Array(997).fill(0x61);
    for (let left = 1_000_000; left > 0; left -= chunk.length) h.update(chunk.subarray(0, Math.min(left, chunk.length)));
    expect(toHex(h.digest())).toBe('34aa973cd4c4daa4f61eeb2bdbad27316534016f');
  });
  it('matches node:crypto on random inputs', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 300 }), (data) => {
        expect(toHex(sha1(data))).toBe(nodeHash('sha1').update(data).digest('hex'));
      }),
      { numRuns: 200 },
    );
  });
});

describe('MD5 (RFC 1321 §A.5)', () => {
  it('the test suite', () => {
    expect(toHex(md5(ascii('')))).toBe('d41d8cd98f00b204e9800998ecf8427e');
    expect(toHex(md5(ascii('abc')))).toBe('900150983cd24fb0d6963f7d28e17f72');
    expect(toHex(md5(ascii('message digest')))).toBe('f96b697d7cb7938d525a2f31aaf161d0');
    expect(toHex(md5(ascii('12345678901234567890123456789012345678901234567890123456789012345678901234567890')))).toBe('57edf4a22be3c955ac49da2e2107b67a');
  });
  it('matches node:crypto on random inputs', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 300 }), (data) => {
        expect(toHex(md5(data))).toBe(nodeHash('md5').update(data).digest('hex'));
      }),
      { numRuns: 200 },
    );
  });
});

describe('HMAC-SHA1', () => {
  it('RFC 2202 test cases 1 and 2', () => {
    expect(toHex(hmac('sha1', new Uint8Array(20).fill(0x0b), ascii('Hi There')))).toBe('b617318655057264e28bc0b6fb378c8ef146be00');
    expect(toHex(hmac('sha1', ascii('Jefe'), ascii('what do ya want for nothing?')))).toBe('effcdf6ae5eb2fa2d27416d5f184df9c259a7c79');
  });
  it('matches node:crypto on random keys and data (keys longer than a block too)', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 100 }), fc.uint8Array({ maxLength: 200 }), (key, data) => {
        expect(toHex(hmac('sha1', key, data))).toBe(createHmac('sha1', key).update(data).digest('hex'));
      }),
      { numRuns: 150 },
    );
  });
});

describe('AES-CBC decryption', () => {
  // NIST SP 800-38A F.2.2 / F.2.4 / F.2.6 (CBC-AES128/192/256.Decrypt).
  const iv = hex('000102030405060708090a0b0c0d0e0f');
  const plain = hex(`6bc1bee22e409f96e93d7e117393172a ae2d8a571e03ac9c9eb76fac45af8e51
    30c81c46a35ce411e5fbc1191a0a52ef f69f2445df4f9b17ad2b417be66c3710`);
  const cases: [string, string, string][] = [
    ['AES-128', '2b7e151628aed2a6abf7158809cf4f3c', '7649abac8119b246cee98e9b12e9197d 5086cb9b507219ee95db113a917678b2 73bed6b8e3c1743b7116e69e22229516 3ff1caa1681fac09120eca307586e1a7'],
    ['AES-192', '8e73b0f7da0e6452c810f32b809079e562f8ead2522c6b7b', '4f021db243bc633d7178183a9fa071e8 b4d9ada9ad7dedf4e5e738763f69145a 571b242012fb7ae07fa9baac3df102e0 08b0e27988598881d920a9e64f5615cd'],
    ['AES-256', '603deb1015ca71be2b73aef0857d77811f352c073b6108d72d9810a30914dff4', 'f58c4c04d6e5f1ba779eabfb5f7bfbd6 9cfc4e967edb808d679f777bc6702c7d 39f23369a9d9bacfa530e26304231461 b2eb05e2c39be9fcda6c19078c6a9d1b'],
  ];
  for (const [name, key, cipher] of cases) {
    it(`SP 800-38A F.2 ${name}`, () => {
      expect(toHex(aesCbcDecrypt(new Aes(hex(key)), iv, hex(cipher)) ?? new Uint8Array(0))).toBe(toHex(plain));
    });
  }
  it('rejects lengths that are not whole blocks', () => {
    expect(aesCbcDecrypt(new Aes(new Uint8Array(16)), iv, new Uint8Array(17))).toBeNull();
  });
  it('undoes node:crypto AES-CBC encryption on random keys, IVs and messages (at an offset)', () => {
    fc.assert(
      fc.property(
        fc.constantFrom(16, 24, 32),
        fc.uint8Array({ minLength: 32, maxLength: 32 }),
        fc.uint8Array({ minLength: 16, maxLength: 16 }),
        fc.integer({ min: 0, max: 8 }),
        fc.uint8Array({ maxLength: 130 }),
        (keyLen, keyBytes, ivBytes, blocks, prefix) => {
          const key = keyBytes.subarray(0, keyLen);
          const msg = new Uint8Array(blocks * 16).map((_, i) => (i * 7 + keyBytes[i % 32]) & 0xff);
          const c = createCipheriv(`aes-${keyLen * 8}-cbc`, key, ivBytes).setAutoPadding(false);
          const enc = new Uint8Array([...c.update(msg), ...c.final()]);
          const buf = new Uint8Array([...prefix, ...enc]);
          const out = aesCbcDecrypt(new Aes(key), ivBytes, buf, prefix.length, buf.length);
          expect(toHex(out ?? new Uint8Array(1))).toBe(toHex(msg));
        },
      ),
      { numRuns: 150 },
    );
  });
});
