import { describe, it, expect } from 'vitest';
import * as fc from 'fast-check';
import { createCipheriv, createHash as nodeHash, createHmac, hkdfSync } from 'node:crypto';
import { sha256, sha384, sha512, createHash } from './sha2';
import { hmac, hkdfExpand, hkdfExtract, hkdfExpandLabel } from './hmac';
import { Aes } from './aes';
import { AesGcm } from './gcm';
import { hkdfExpandLabel as engineExpandLabel } from '../../src-main/engine/tls13/key-schedule';

const hex = (s: string): Uint8Array => Uint8Array.from(s.replace(/\s+/g, '').match(/../g) ?? [], (h) => parseInt(h, 16));
const toHex = (b: Uint8Array): string => Array.from(b, (x) => x.toString(16).padStart(2, '0')).join('');
const ascii = (s: string): Uint8Array => new TextEncoder().encode(s);

describe('SHA-2 (FIPS 180-4 examples)', () => {
  const two256 = 'abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq';
  const two512 = 'abcdefghbcdefghicdefghijdefghijkefghijklfghijklmghijklmnhijklmnoijklmnopjklmnopqklmnopqrlmnopqrsmnopqrstnopqrstu';
  it('SHA-256', () => {
    expect(toHex(sha256(ascii('abc')))).toBe('ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad');
    expect(toHex(sha256(ascii(two256)))).toBe('248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1');
    expect(toHex(sha256(new Uint8Array(0)))).toBe('e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855');
  });
  it('SHA-384', () => {
    expect(toHex(sha384(ascii('abc')))).toBe('cb00753f45a35e8bb5a03d699ac65007272c32ab0eded1631a8b605a43ff5bed8086072ba1e7cc2358baeca134c825a7');
    expect(toHex(sha384(ascii(two512)))).toBe('09330c33f71147e83d192fc782cd1b4753111b173b3b05d22fa08086e3b0f712fcc7c71a557e2db966c3e9fa91746039');
  });
  it('SHA-512', () => {
    expect(toHex(sha512(ascii('abc')))).toBe('ddaf35a193617abacc417349ae20413112e6fa4e89a97ea20a9eeee64b55d39a2192992a274fc1a836ba3c23a3feebbd454d4423643ce80e2a9ac94fa54ca49f');
    expect(toHex(sha512(ascii(two512)))).toBe('8e959b75dae313da8cf4f72814fc143f8f7779c6eb9f7fa17299aeadb6889018501d289e4900f7e4331b99dec4b5433ac7d329eeb6dd26545e96e55b874be909');
  });
  it('one million "a" (the long FIPS example), fed in uneven pieces', () => {
    const h = createHash('sha256');
    const chunk = new Uint8Array(997).fill(0x61);
    let left = 1_000_000;
    while (left > 0) {
      const n = Math.min(left, chunk.length);
      h.update(chunk.subarray(0, n));
      left -= n;
    }
    expect(toHex(h.digest())).toBe('cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0');
  });
  it('equals node:crypto on random inputs split at random points', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 700 }), fc.nat(700), fc.constantFrom('sha256', 'sha384', 'sha512' as const), (data, cut, name) => {
        const at = Math.min(cut, data.length);
        const ours = createHash(name).update(data.subarray(0, at)).update(data.subarray(at)).digest();
        expect(toHex(ours)).toBe(nodeHash(name).update(data).digest('hex'));
      }),
      { numRuns: 300 },
    );
  });
});

describe('HMAC (RFC 4231)', () => {
  it('test case 1', () => {
    const key = new Uint8Array(20).fill(0x0b);
    const data = ascii('Hi There');
    expect(toHex(hmac('sha256', key, data))).toBe('b0344c61d8db38535ca8afceaf0bf12b881dc200c9833da726e9376c2e32cff7');
    expect(toHex(hmac('sha384', key, data))).toBe('afd03944d84895626b0825f4ab46907f15f9dadbe4101ec682aa034c7cebc59cfaea9ea9076ede7f4af152e8b2fa9cb6');
    expect(toHex(hmac('sha512', key, data))).toBe('87aa7cdea5ef619d4ff0b4241a1d6cb02379f4e2ce4ec2787ad0b30545e17cdedaa833b7d6b8a702038b274eaea3f4e4be9d914eeb61f1702e696c203a126854');
  });
  it('test case 2 (short key)', () => {
    expect(toHex(hmac('sha256', ascii('Jefe'), ascii('what do ya want for nothing?')))).toBe('5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843');
  });
  it('test case 6 (key longer than the block)', () => {
    const key = new Uint8Array(131).fill(0xaa);
    expect(toHex(hmac('sha256', key, ascii('Test Using Larger Than Block-Size Key - Hash Key First')))).toBe('60e431591ee0b67f0d8a26aacbf5b77f8e0bc6213728c5140546040f0ee37f54');
  });
  it('equals node:crypto on random keys and data', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 200 }), fc.uint8Array({ maxLength: 300 }), fc.constantFrom('sha256', 'sha384', 'sha512' as const), (key, data, name) => {
        expect(toHex(hmac(name, key, data))).toBe(createHmac(name, key).update(data).digest('hex'));
      }),
      { numRuns: 200 },
    );
  });
});

describe('HKDF (RFC 5869)', () => {
  it('test case 1', () => {
    const prk = hkdfExtract('sha256', hex('000102030405060708090a0b0c'), new Uint8Array(22).fill(0x0b));
    expect(toHex(prk)).toBe('077709362c2e32df0ddc3f0dc47bba6390b6c73bb50f9c3122ec844ad7c2b3e5');
    expect(toHex(hkdfExpand('sha256', prk, hex('f0f1f2f3f4f5f6f7f8f9'), 42))).toBe('3cb25f25faacd57a90434f64d0362f2a2d2d0a90cf1a5a4c5db02d56ecc4c5bf34007208d5b887185865');
  });
  it('test case 3 (empty salt and info)', () => {
    const prk = hkdfExtract('sha256', new Uint8Array(0), new Uint8Array(22).fill(0x0b));
    expect(toHex(prk)).toBe('19ef24a32c717b167f33a91d6f648bdf96596776afdb6377ac434c1c293ccb04');
    expect(toHex(hkdfExpand('sha256', prk, new Uint8Array(0), 42))).toBe('8da4e775a563c18f715f802a063c5a31b8a11f5c5ee1879ec3454e5f3c738d2d9d201395faa4b61a96c8');
  });
  it('refuses lengths beyond 255 × HashLen', () => {
    expect(() => hkdfExpand('sha256', new Uint8Array(32), new Uint8Array(0), 255 * 32 + 1)).toThrow(RangeError);
  });
  it('equals node:crypto hkdf and the engine HKDF-Expand-Label on random inputs', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 64 }), fc.uint8Array({ maxLength: 64 }), fc.uint8Array({ maxLength: 64 }), fc.integer({ min: 1, max: 200 }), fc.constantFrom('sha256', 'sha384' as const), (salt, ikm, info, len, name) => {
        const prk = hkdfExtract(name, salt, ikm);
        const ours = hkdfExpand(name, prk, info, len);
        expect(toHex(ours)).toBe(toHex(new Uint8Array(hkdfSync(name, ikm, salt, info, len))));
      }),
      { numRuns: 150 },
    );
    fc.assert(
      fc.property(fc.uint8Array({ minLength: 32, maxLength: 32 }), fc.string({ maxLength: 20 }), fc.uint8Array({ maxLength: 48 }), fc.integer({ min: 1, max: 64 }), (secret, label, ctx, len) => {
        expect(toHex(hkdfExpandLabel('sha256', secret, label, ctx, len))).toBe(toHex(engineExpandLabel(secret, label, ctx, len)));
      }),
      { numRuns: 100 },
    );
  });
});

describe('AES (FIPS 197 appendix C)', () => {
  const pt = hex('00112233445566778899aabbccddeeff');
  const cases: [string, string][] = [
    ['000102030405060708090a0b0c0d0e0f', '69c4e0d86a7b0430d8cdb78070b4c55a'],
    ['000102030405060708090a0b0c0d0e0f1011121314151617', 'dda97ca4864cdfe06eaf70a0ec0d7191'],
    ['000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f', '8ea2b7ca516745bfeafc49904b496089'],
  ];
  for (const [key, ct] of cases) {
    it(`AES-${key.length * 4}`, () => {
      const out = new Uint8Array(16);
      new Aes(hex(key)).encryptBlock(pt, 0, out, 0);
      expect(toHex(out)).toBe(ct);
    });
  }
  it('rejects keys of other sizes', () => {
    expect(() => new Aes(new Uint8Array(15))).toThrow(RangeError);
  });
  it('equals node:crypto AES-ECB on random keys and blocks', () => {
    fc.assert(
      fc.property(fc.constantFrom(16, 24, 32), fc.uint8Array({ minLength: 32, maxLength: 32 }), fc.uint8Array({ minLength: 16, maxLength: 16 }), (n, keyBytes, block) => {
        const key = keyBytes.subarray(0, n);
        const out = new Uint8Array(16);
        new Aes(key).encryptBlock(block, 0, out, 0);
        const c = createCipheriv(`aes-${n * 8}-ecb`, key, null).setAutoPadding(false);
        expect(toHex(out)).toBe(toHex(new Uint8Array(c.update(block))));
      }),
      { numRuns: 200 },
    );
  });
});

describe('AES-GCM (the GCM specification test cases)', () => {
  const k3 = 'feffe9928665731c6d6a8f9467308308';
  const iv = 'cafebabefacedbaddecaf888';
  const p = 'd9313225f88406e5a55909c5aff5269a86a7a9531534f7da2e4c303d8a318a721c3c0c95956809532fcf0e2449a6b525b16aedf5aa0de657ba637b39';
  const aad = 'feedfacedeadbeeffeedfacedeadbeefabaddad2';
  const cases: { name: string; key: string; iv: string; pt: string; aad: string; ct: string; tag: string }[] = [
    { name: 'test case 1 (empty)', key: '00000000000000000000000000000000', iv: '000000000000000000000000', pt: '', aad: '', ct: '', tag: '58e2fccefa7e3061367f1d57a4e7455a' },
    { name: 'test case 2', key: '00000000000000000000000000000000', iv: '000000000000000000000000', pt: '00000000000000000000000000000000', aad: '', ct: '0388dace60b6a392f328c2b971b2fe78', tag: 'ab6e47d42cec13bdf53a67b21257bddf' },
    {
      name: 'test case 3',
      key: k3,
      iv,
      pt: p + '1aafd255',
      aad: '',
      ct: '42831ec2217774244b7221b784d0d49ce3aa212f2c02a4e035c17e2329aca12e21d514b25466931c7d8f6a5aac84aa051ba30b396a0aac973d58e091473f5985',
      tag: '4d5c2af327cd64a62cf35abd2ba6fab4',
    },
    { name: 'test case 4 (AAD, partial block)', key: k3, iv, pt: p, aad, ct: '42831ec2217774244b7221b784d0d49ce3aa212f2c02a4e035c17e2329aca12e21d514b25466931c7d8f6a5aac84aa051ba30b396a0aac973d58e091', tag: '5bc94fbc3221a5db94fae95ae7121a47' },
    { name: 'test case 16 (AES-256)', key: k3 + k3, iv, pt: p, aad, ct: '522dc1f099567d07f47f37a32a84427d643a8cdcbfe5c0c97598a2bd2555d1aa8cb08e48590dbb3da7b08b1056828838c5f61e6393ba7a0abcc9f662', tag: '76fc6ece0f4e1768cddf8853bb2d551b' },
  ];
  for (const c of cases) {
    it(c.name, () => {
      const gcm = new AesGcm(hex(c.key));
      const sealed = gcm.seal(hex(c.iv), hex(c.aad), hex(c.pt));
      expect(toHex(sealed)).toBe(c.ct + c.tag);
      const opened = gcm.open(hex(c.iv), hex(c.aad), sealed);
      expect(opened && toHex(opened)).toBe(c.pt);
    });
  }
  it('refuses a flipped bit anywhere, and short input, with null', () => {
    const gcm = new AesGcm(hex(k3));
    const sealed = gcm.seal(hex(iv), hex(aad), hex(p));
    for (let i = 0; i < sealed.length; i += 7) {
      const bad = sealed.slice();
      bad[i] ^= 1;
      expect(gcm.open(hex(iv), hex(aad), bad)).toBeNull();
    }
    const badAad = hex(aad);
    badAad[0] ^= 0x80;
    expect(gcm.open(hex(iv), badAad, sealed)).toBeNull();
    expect(gcm.open(hex(iv), hex(aad), sealed.subarray(0, 15))).toBeNull();
  });
  it('equals node:crypto aes-gcm on random keys, nonces, AAD and plaintext', () => {
    fc.assert(
      fc.property(fc.constantFrom(16, 32), fc.uint8Array({ minLength: 32, maxLength: 32 }), fc.uint8Array({ minLength: 12, maxLength: 12 }), fc.uint8Array({ maxLength: 40 }), fc.uint8Array({ maxLength: 300 }), (n, keyBytes, nonce, a, pt) => {
        const key = keyBytes.subarray(0, n);
        const c = createCipheriv(n === 16 ? 'aes-128-gcm' : 'aes-256-gcm', key, nonce);
        c.setAAD(a);
        const body = c.update(pt);
        c.final();
        const expected = toHex(new Uint8Array(body)) + toHex(new Uint8Array(c.getAuthTag()));
        const gcm = new AesGcm(key);
        const sealed = gcm.seal(nonce, a, pt);
        expect(toHex(sealed)).toBe(expected);
        // open() reads a window of a larger buffer, as records inside a TCP payload are
        const framed = new Uint8Array(sealed.length + 7);
        framed.set(sealed, 3);
        expect(toHex(gcm.open(nonce, a, framed, 3, 3 + sealed.length) ?? new Uint8Array(0))).toBe(toHex(pt));
      }),
      { numRuns: 200 },
    );
  });
});
