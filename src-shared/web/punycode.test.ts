import { describe, it, expect } from 'vitest';
import { domainToASCII } from 'node:url';
import { domainToAscii, domainToUnicode, punycodeDecode, punycodeEncode } from './punycode';

const cp = (...codes: number[]) => String.fromCodePoint(...codes);

// RFC 3492 §7.1 sample strings.
const RFC3492: [string, string, string][] = [
  ['(A) Arabic (Egyptian)', cp(0x644, 0x64a, 0x647, 0x645, 0x627, 0x628, 0x62a, 0x643, 0x644, 0x645, 0x648, 0x634, 0x639, 0x631, 0x628, 0x64a, 0x61f), 'egbpdaj6bu4bxfgehfvwxn'],
  ['(B) Chinese (simplified)', cp(0x4ed6, 0x4eec, 0x4e3a, 0x4ec0, 0x4e48, 0x4e0d, 0x8bf4, 0x4e2d, 0x6587), 'ihqwcrb4cv8a8dqg056pqjye'],
  ['(C) Chinese (traditional)', cp(0x4ed6, 0x5011, 0x7232, 0x4ec0, 0x9ebd, 0x4e0d, 0x8aaa, 0x4e2d, 0x6587), 'ihqwctvzc91f659drss3x8bo0yb'],
  ['(L) 3<nen>B<gumi><kinpachi><sensei>', cp(0x33, 0x5e74, 0x42, 0x7d44, 0x91d1, 0x516b, 0x5148, 0x751f), '3B-ww4c5e180e575a65lsy2b'],
  ['(M) <amuro><namie>-with-SUPER-MONKEYS', cp(0x5b89, 0x5ba4, 0x5948, 0x7f8e, 0x6075) + '-with-SUPER-MONKEYS', '-with-SUPER-MONKEYS-pc58ag80a8qai00g7n9n'],
  ['(R) <sono><supiido><de>', cp(0x305d, 0x306e, 0x30b9, 0x30d4, 0x30fc, 0x30c9, 0x3067), 'd9juau41awczczp'],
  ['(S) -> $1.00 <-', '-> $1.00 <-', '-> $1.00 <--'],
];

describe('Punycode (RFC 3492) and IDN hosts (UTS 46 basics)', () => {
  for (const [name, unicode, puny] of RFC3492) {
    it(`encodes and decodes RFC 3492 sample ${name}`, () => {
      expect(punycodeEncode(unicode)).toBe(puny);
      expect(punycodeDecode(puny)).toEqual({ ok: true, value: unicode });
    });
  }

  it('rejects bad Punycode with an offset instead of throwing', () => {
    expect(punycodeDecode('abc-!')).toMatchObject({ ok: false, error: { offset: 4 } });
    expect(punycodeDecode('99999999999')).toMatchObject({ ok: false });
    expect(punycodeDecode('a-b')).toMatchObject({ ok: false, error: { message: /ends in the middle/ } });
  });

  it('maps hosts to ASCII the way Node’s WHATWG URL does', () => {
    const hosts = ['bücher.example', 'MÜNCHEN.de', 'пример.испытание', '例え.テスト', 'straße.lab', 'ＥＸＡＭＰＬＥ．ｃｏｍ', 'example。com', 'www.xn--bcher-kva.example', 'café.lab.', 'a_b.lab'];
    for (const h of hosts) {
      const ours = domainToAscii(h);
      expect(ours.ok, h).toBe(true);
      if (ours.ok) expect(ours.value, h).toBe(domainToASCII(h));
    }
  });

  it('refuses what a host cannot be, saying where', () => {
    expect(domainToAscii('exa mple.com')).toMatchObject({ ok: false, error: { offset: 3, message: /space/ } });
    expect(domainToAscii('-bad.lab')).toMatchObject({ ok: false, error: { message: /hyphen/ } });
    expect(domainToAscii('a..b')).toMatchObject({ ok: false, error: { offset: 2, message: /empty label/ } });
    expect(domainToAscii('xn--a.lab')).toMatchObject({ ok: false, error: { message: /bad IDN label/ } });
    expect(domainToAscii('ab--c.lab')).toMatchObject({ ok: false });
    expect(domainToAscii('a'.repeat(64) + '.lab')).toMatchObject({ ok: false, error: { message: /63/ } });
    // Node agrees these are not valid hosts.
    for (const h of ['exa mple.com', 'xn--a.lab', 'a<b.lab']) expect(domainToASCII(h)).toBe('');
  });

  it('shows Punycode hosts in Unicode', () => {
    expect(domainToUnicode('www.xn--bcher-kva.example')).toBe('www.bücher.example');
    expect(domainToUnicode('xn--!!.lab')).toBe('xn--!!.lab');
  });
});
