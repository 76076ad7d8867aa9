// HPACK decoding against the examples of RFC 7541 Appendix C (C.2–C.6), and a property: random and
// mutated header blocks never throw, stay bounded and keep the table within its limit.
import { describe, it, expect } from 'vitest';
import * as fc from 'fast-check';
import { HpackDecoder, MAX_HEADERS, readInt } from './hpack';

const hex = (s: string): Uint8Array => Uint8Array.from(s.replace(/\s+/g, '').match(/../g)!.map((h) => parseInt(h, 16)));

function decodeAll(d: HpackDecoder, block: string): [string, string][] {
  const r = d.decode(hex(block), 0, hex(block).length);
  expect(r.error).toBeNull();
  return r.headers.map((h) => [h.name, h.value]);
}

const REQ1: [string, string][] = [[':method', 'GET'], [':scheme', 'http'], [':path', '/'], [':authority', 'www.example.com']];
const REQ2: [string, string][] = [...REQ1, ['cache-control', 'no-cache']];
const REQ3: [string, string][] = [[':method', 'GET'], [':scheme', 'https'], [':path', '/index.html'], [':authority', 'www.example.com'], ['custom-key', 'custom-value']];
const RES1: [string, string][] = [[':status', '302'], ['cache-control', 'private'], ['date', 'Mon, 21 Oct 2013 20:13:21 GMT'], ['location', 'https://www.example.com']];
const RES2: [string, string][] = [[':status', '307'], ['cache-control', 'private'], ['date', 'Mon, 21 Oct 2013 20:13:21 GMT'], ['location', 'https://www.example.com']];
const RES3: [string, string][] = [
  [':status', '200'], ['cache-control', 'private'], ['date', 'Mon, 21 Oct 2013 20:13:22 GMT'], ['location', 'https://www.example.com'],
  ['content-encoding', 'gzip'], ['set-cookie', 'foo=ASDJKHQKBZXOQWEOPIUAXQWEOIU; max-age=3600; version=1'],
];

describe('HPACK (RFC 7541 Appendix C)', () => {
  it('C.1 integers: 10 in a 5-bit prefix, 1337 in a 5-bit prefix, 42 at an octet boundary', () => {
    expect(readInt(hex('0a'), 0, 1, 5)).toEqual([10, 1]);
    expect(readInt(hex('1f9a0a'), 0, 3, 5)).toEqual([1337, 3]);
    expect(readInt(hex('2a'), 0, 1, 8)).toEqual([42, 1]);
  });

  it('C.2 literal header fields and the indexed field', () => {
    let d = new HpackDecoder();
    expect(decodeAll(d, '400a 6375 7374 6f6d 2d6b 6579 0d63 7573 746f 6d2d 6865 6164 6572')).toEqual([['custom-key', 'custom-header']]);
    expect(d.tableSize).toBe(55);
    d = new HpackDecoder();
    const r = d.decode(hex('040c 2f73 616d 706c 652f 7061 7468'), 0, 14);
    expect(r.headers.map((h) => [h.name, h.value, h.repr, h.index])).toEqual([[':path', '/sample/path', 'Literal Header Field without Indexing - Indexed Name', 4]]);
    expect(d.tableSize).toBe(0);
    d = new HpackDecoder();
    const never = d.decode(hex('1008 7061 7373 776f 7264 0673 6563 7265 74'), 0, 17);
    expect(never.headers.map((h) => [h.name, h.value, h.repr])).toEqual([['password', 'secret', 'Literal Header Field never Indexed - New Name']]);
    expect(d.tableSize).toBe(0);
    expect(decodeAll(new HpackDecoder(), '82')).toEqual([[':method', 'GET']]);
  });

  it('C.3 requests without Huffman coding share the dynamic table', () => {
    const d = new HpackDecoder();
    expect(decodeAll(d, '8286 8441 0f77 7777 2e65 7861 6d70 6c65 2e63 6f6d')).toEqual(REQ1);
    expect(d.tableSize).toBe(57);
    expect(decodeAll(d, '8286 84be 5808 6e6f 2d63 6163 6865')).toEqual(REQ2);
    expect(d.tableSize).toBe(110);
    expect(decodeAll(d, '8287 85bf 400a 6375 7374 6f6d 2d6b 6579 0c63 7573 746f 6d2d 7661 6c75 65')).toEqual(REQ3);
    expect(d.tableSize).toBe(164);
  });

  it('C.4 requests with Huffman coding', () => {
    const d = new HpackDecoder();
    expect(decodeAll(d, '8286 8441 8cf1 e3c2 e5f2 3a6b a0ab 90f4 ff')).toEqual(REQ1);
    expect(decodeAll(d, '8286 84be 5886 a8eb 1064 9cbf')).toEqual(REQ2);
    expect(decodeAll(d, '8287 85bf 4088 25a8 49e9 5ba9 7d7f 8925 a849 e95b b8e8 b4bf')).toEqual(REQ3);
    expect(d.tableSize).toBe(164);
  });

  it('C.5 responses without Huffman coding evict entries from a 256-octet table', () => {
    const d = new HpackDecoder();
    d.maxSize = 256;
    expect(decodeAll(d, `4803 3330 3258 0770 7269 7661 7465 611d 4d6f 6e2c 2032 3120 4f63 7420 3230 3133 2032 303a 3133 3a32 3120 474d 546e
      1768 7474 7073 3a2f 2f77 7777 2e65 7861 6d70 6c65 2e63 6f6d`)).toEqual(RES1);
    expect(d.tableSize).toBe(222);
    expect(decodeAll(d, '4803 3330 37c1 c0bf')).toEqual(RES2);
    expect(d.tableSize).toBe(222);
    expect(decodeAll(d, `88c1 611d 4d6f 6e2c 2032 3120 4f63 7420 3230 3133 2032 303a 3133 3a32 3220 474d 54c0 5a04 677a 6970 7738 666f
      6f3d 4153 444a 4b48 514b 425a 584f 5157 454f 5049 5541 5851 5745 4f49 553b 206d 6178 2d61 6765 3d33 3630 303b 2076 6572 7369 6f6e 3d31`)).toEqual(RES3);
    expect(d.tableSize).toBe(215);
    expect(d.entryCount).toBe(3);
  });

  it('C.6 responses with Huffman coding', () => {
    const d = new HpackDecoder();
    d.maxSize = 256;
    expect(decodeAll(d, `4882 6402 5885 aec3 771a 4b61 96d0 7abe 9410 54d4 44a8 2005 9504 0b81 66e0 82a6 2d1b ff6e 919d 29ad 1718 63c7 8f0b
      97c8 e9ae 82ae 43d3`)).toEqual(RES1);
    expect(decodeAll(d, '4883 640e ffc1 c0bf')).toEqual(RES2);
    expect(decodeAll(d, `88c1 6196 d07a be94 1054 d444 a820 0595 040b 8166 e084 a62d 1bff c05a 839b d9ab 77ad 94e7 821d d7f2 e6c7 b335 dfdf
      cd5b 3960 d5af 2708 7f36 72c1 ab27 0fb5 291f 9587 3160 65c0 03ed 4ee5 b106 3d50 07`)).toEqual(RES3);
    expect(d.tableSize).toBe(215);
  });

  it('a size update above SETTINGS_HEADER_TABLE_SIZE, a bad index and bad Huffman padding are errors, not exceptions', () => {
    const d = new HpackDecoder();
    expect(d.decode(hex('3fe17f'), 0, 3).error).toMatch(/above the limit/); // 16384 > 4096
    expect(d.decode(hex('bf'), 0, 1).error).toMatch(/invalid index/);
    expect(d.decode(hex('0003 6162 6381 00'), 0, 7).error).toMatch(/Huffman/); // a value coded as 0x00: padding not all ones
    const ok = d.decode(hex('3f e1 1f'), 0, 3); // size update to 4096 is allowed
    expect(ok.error).toBeNull();
    expect(ok.sizeUpdates).toEqual([4096]);
  });

  it('a header cut at the end of a fragment waits for the CONTINUATION when not final', () => {
    const block = hex('8286 8441 0f77 7777 2e65 7861 6d70 6c65 2e63 6f6d');
    const d = new HpackDecoder();
    const first = d.decode(block, 0, 8, false);
    expect(first.headers.map((h) => h.name)).toEqual([':method', ':scheme', ':path']);
    expect(first.used).toBe(3);
    expect(first.error).toBeNull();
    const rest = d.decode(block, 3, block.length, true);
    expect(rest.headers.map((h) => h.value)).toEqual(['www.example.com']);
  });

  it('random and mutated blocks never throw, stay bounded, and keep the table within its limit', () => {
    const seeds = [hex('8286 8441 8cf1 e3c2 e5f2 3a6b a0ab 90f4 ff'), hex('4882 6402 5885 aec3 771a 4b61 96d0 7abe 9410 54d4 44a8 2005 9504 0b81 66e0 82a6 2d1b ff6e 919d 29ad 1718 63c7 8f0b 97c8 e9ae 82ae 43d3')];
    const block = fc.oneof(
      fc.uint8Array({ maxLength: 300 }),
      fc.tuple(fc.constantFrom(...seeds), fc.array(fc.tuple(fc.nat(), fc.integer({ min: 0, max: 255 })), { maxLength: 6 })).map(([s, edits]) => {
        const c = s.slice();
        for (const [i, v] of edits) c[i % c.length] = v;
        return c;
      }),
    );
    fc.assert(
      fc.property(fc.array(block, { minLength: 1, maxLength: 5 }), fc.boolean(), (blocks, final) => {
        const d = new HpackDecoder();
        for (const b of blocks) {
          const r = d.decode(b, 0, b.length, final);
          expect(r.headers.length).toBeLessThanOrEqual(MAX_HEADERS);
          expect(r.used).toBeLessThanOrEqual(b.length);
          expect(d.tableSize).toBeLessThanOrEqual(d.maxSize);
        }
      }),
      { numRuns: 2000 },
    );
  });
});
