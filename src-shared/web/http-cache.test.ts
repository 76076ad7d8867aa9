import { describe, it, expect } from 'vitest';
import { HttpCache, currentAge, varyNames, varyValue, formatHttpDate, freshnessLifetime, isStorable, notModified, parseCacheControl, parseHttpDate, type CacheRequest, type CacheResponse, type HeaderField, type StoredResponse } from './http-cache';

const S = 1_000_000;
// RFC 9110 §5.6.7's example instant: Sun, 06 Nov 1994 08:49:37 GMT.
const T0 = 784111777 * S;
const at = (sec: number) => T0 + sec * S;
const h = (...pairs: [string, string][]): HeaderField[] => pairs.map(([name, value]) => ({ name, value }));
const get = (url = 'https://www.example.com/', headers: HeaderField[] = []): CacheRequest => ({ method: 'GET', url, headers });
const ok = (headers: HeaderField[], status = 200): CacheResponse => ({ status, headers: [{ name: 'Date', value: formatHttpDate(T0) }, ...headers] });

describe('HTTP dates (RFC 9110 §5.6.7)', () => {
  it('reads the three formats of the RFC example as the same instant and writes IMF-fixdate', () => {
    expect(parseHttpDate('Sun, 06 Nov 1994 08:49:37 GMT')).toBe(T0);
    expect(parseHttpDate('Sunday, 06-Nov-94 08:49:37 GMT')).toBe(T0);
    expect(parseHttpDate('Sun Nov  6 08:49:37 1994')).toBe(T0);
    expect(formatHttpDate(T0)).toBe('Sun, 06 Nov 1994 08:49:37 GMT');
    expect(parseHttpDate('0')).toBeUndefined();
    expect(parseHttpDate('Sun, 06 Nov 1994 25:49:37 GMT')).toBeUndefined();
  });
});

describe('Cache-Control (RFC 9111 §5.2)', () => {
  it('parses request and response directives, quoted field lists and bad values', () => {
    const cc = parseCacheControl('public, max-age=3600, s-maxage="60", no-cache="Set-Cookie, X-Foo", must-revalidate, Private');
    expect(cc).toMatchObject({ public: true, maxAge: 3600, sMaxage: 60, noCache: ['set-cookie', 'x-foo'], mustRevalidate: true, private: true });
    expect(parseCacheControl('max-stale')).toMatchObject({ maxStale: Infinity });
    expect(parseCacheControl('max-age=abc').maxAge).toBe(0);
    expect(parseCacheControl(undefined)).toMatchObject({ noStore: false, noCache: false });
  });
});

describe('storing (RFC 9111 §3)', () => {
  it('decides storability for private and shared caches', () => {
    const cases: [CacheRequest, CacheResponse, 'private' | 'shared', boolean, RegExp][] = [
      [get(), ok(h(['Cache-Control', 'max-age=60'])), 'shared', true, /max-age=60/],
      [get(), ok(h(['Cache-Control', 'no-store'])), 'private', false, /no-store/],
      [get('u', h(['Cache-Control', 'no-store'])), ok(h(['Cache-Control', 'max-age=60'])), 'private', false, /request said/],
      [get(), ok(h(['Cache-Control', 'private, max-age=60'])), 'shared', false, /private forbids shared/],
      [get(), ok(h(['Cache-Control', 'private, max-age=60'])), 'private', true, /private/],
      [get('u', h(['Authorization', 'Basic x'])), ok(h(['Cache-Control', 'max-age=60'])), 'shared', false, /Authorization/],
      [get('u', h(['Authorization', 'Basic x'])), ok(h(['Cache-Control', 'public, max-age=60'])), 'shared', true, /public/],
      [get(), ok([], 302), 'private', false, /without explicit freshness/],
      [get(), ok([], 404), 'private', true, /heuristically cacheable/],
      [get(), ok(h(['Expires', 'Sun, 06 Nov 1994 09:49:37 GMT']), 302), 'private', true, /Expires/],
      [get(), ok(h(['Vary', '*'])), 'private', false, /Vary: \*/],
      [{ method: 'POST', url: 'u', headers: [] }, ok(h(['Cache-Control', 'max-age=60'])), 'private', false, /POST/],
    ];
    for (const [req, res, kind, want, why] of cases) {
      const v = isStorable(req, res, kind);
      expect(v.ok, v.explanation).toBe(want);
      expect(v.explanation).toMatch(why);
    }
  });
});

describe('freshness and age (RFC 9111 §4.2)', () => {
  it('takes the lifetime from s-maxage (shared), max-age, Expires, or the Last-Modified heuristic', () => {
    const both = ok(h(['Cache-Control', 'max-age=600, s-maxage=60'], ['Expires', formatHttpDate(at(9999))]));
    expect(freshnessLifetime(both, 'shared')).toMatchObject({ lifetime: 60, source: 's-maxage' });
    expect(freshnessLifetime(both, 'private')).toMatchObject({ lifetime: 600, source: 'max-age' });
    expect(freshnessLifetime(ok(h(['Expires', formatHttpDate(at(3600))])), 'private')).toMatchObject({ lifetime: 3600, source: 'expires' });
    expect(freshnessLifetime(ok(h(['Expires', '0'])), 'private')).toMatchObject({ lifetime: 0, describe: /invalid: already expired/ });
    const heuristic = freshnessLifetime(ok(h(['Last-Modified', formatHttpDate(at(-86400))])), 'private');
    expect(heuristic).toEqual({ lifetime: 8640, source: 'heuristic', describe: 'heuristic 8640 s (10% of 86400 s since Last-Modified)' });
    expect(freshnessLifetime(ok(h(['Last-Modified', formatHttpDate(at(-86400))]), 302), 'private').source).toBe('none');
  });

  it('computes current_age with the §4.2.3 formula', () => {
    // Request sent at T0+1 s, response (Date T0, Age 5) received at T0+3 s, asked at T0+103 s:
    // apparent_age = 3, corrected_age_value = 5 + 2 = 7, corrected_initial_age = 7, resident = 100.
    const s: StoredResponse = { request: get(), response: ok(h(['Age', '5'], ['Cache-Control', 'max-age=3600'])), requestTime: at(1), responseTime: at(3), varyValues: {} };
    expect(currentAge(s, at(103))).toEqual({ seconds: 107, describe: 'age 107 s (100 s in this cache, Age 5 s from upstream, 3 s between Date and arrival)' });
    // A clock-skewed Date in the future gives apparent_age 0, not a negative age.
    const skew: StoredResponse = { ...s, response: ok([]), requestTime: at(-10), responseTime: at(-10) };
    expect(currentAge(skew, at(-10)).seconds).toBe(0);
  });
});

describe('a cache at work', () => {
  it('serves fresh, then revalidates when stale, and a 304 freshens the entry', () => {
    const cache = new HttpCache('private');
    const res = ok(h(['Cache-Control', 'max-age=3600'], ['ETag', '"v1"'], ['Last-Modified', formatHttpDate(at(-100))], ['Content-Length', '5']));
    expect(cache.put(get(), res, at(0), at(0)).explanation).toBe('storable: max-age=3600; fresh for max-age 3600 s');
    const hit = cache.lookup(get(), at(12));
    expect(hit).toMatchObject({ action: 'hit', age: 12, explanation: 'fresh: age 12 s (12 s in this cache) < max-age 3600 s' });
    const stale = cache.lookup(get(), at(4000));
    expect(stale.action).toBe('revalidate');
    expect(stale.explanation).toBe('stale: age 4000 s (4000 s in this cache) ≥ max-age 3600 s: revalidate with If-None-Match and If-Modified-Since');
    if (stale.action !== 'revalidate') return;
    expect(stale.headers).toEqual(h(['If-None-Match', '"v1"'], ['If-Modified-Since', formatHttpDate(at(-100))]));
    // The server compares the validators and answers 304 with fresh metadata.
    expect(notModified(stale.headers, '"v1"', at(-100))).toBe(true);
    expect(notModified(stale.headers, '"v2"', at(-100))).toBe(false);
    const r304: CacheResponse = { status: 304, headers: h(['Date', formatHttpDate(at(4000))], ['Cache-Control', 'max-age=7200'], ['ETag', '"v1"'], ['Content-Length', '0']) };
    expect(cache.put(get(), r304, at(4000), at(4000)).ok).toBe(false);
    expect(cache.freshen(stale.entry, r304, at(4000), at(4000)).explanation).toBe('304 Not Modified: stored response freshened (max-age 7200 s) and served');
    const after = cache.lookup(get(), at(4010));
    expect(after).toMatchObject({ action: 'hit', age: 10 });
    if (after.action === 'hit') expect(after.entry.response.headers.find((x) => x.name === 'Content-Length')?.value).toBe('5');
  });

  it('refetches a stale response that has no validator, and honours no-cache and must-revalidate', () => {
    const cache = new HttpCache('private');
    cache.put(get('a'), ok(h(['Cache-Control', 'max-age=10'])), at(0), at(0));
    expect(cache.lookup(get('a'), at(20))).toMatchObject({ action: 'miss', explanation: /no validator/ });
    cache.put(get('b'), ok(h(['Cache-Control', 'no-cache'], ['ETag', '"b"'])), at(0), at(0));
    expect(cache.lookup(get('b'), at(1))).toMatchObject({ action: 'revalidate', explanation: /no-cache/ });
    cache.put(get('c'), ok(h(['Cache-Control', 'max-age=10, must-revalidate'], ['ETag', '"c"'])), at(0), at(0));
    expect(cache.lookup(get('c', h(['Cache-Control', 'max-stale=100'])), at(20))).toMatchObject({ action: 'revalidate', explanation: /must-revalidate/ });
    cache.put(get('d'), ok(h(['Cache-Control', 'max-age=10'], ['ETag', '"d"'])), at(0), at(0));
    expect(cache.lookup(get('d', h(['Cache-Control', 'max-stale=100'])), at(20))).toMatchObject({ action: 'hit', explanation: /stale by 10 s but the request allows max-stale 100 s/ });
    // A reload sends Cache-Control: no-cache (or Pragma: no-cache from old clients).
    expect(cache.lookup(get('d', h(['Cache-Control', 'no-cache'])), at(1)).action).toBe('revalidate');
    expect(cache.lookup(get('d', h(['Pragma', 'no-cache'])), at(1)).action).toBe('revalidate');
    expect(cache.lookup(get('d', h(['Cache-Control', 'max-age=0'])), at(1)).action).toBe('revalidate');
  });

  it('keeps one response per Vary variant', () => {
    const cache = new HttpCache('shared', { name: 'edge.cdn.lab' });
    const gz = get('u', h(['Accept-Encoding', 'gzip']));
    const br = get('u', h(['Accept-Encoding', 'br']));
    cache.put(gz, ok(h(['Cache-Control', 'max-age=60'], ['Vary', 'Accept-Encoding'], ['Content-Encoding', 'gzip'])), at(0), at(0));
    expect(cache.lookup(br, at(1))).toMatchObject({ action: 'miss', explanation: /varies on accept-encoding/ });
    cache.put(br, ok(h(['Cache-Control', 'max-age=60'], ['Vary', 'Accept-Encoding'], ['Content-Encoding', 'br'])), at(0), at(0));
    const a = cache.lookup(gz, at(1));
    const b = cache.lookup(br, at(1));
    expect(a.action === 'hit' && a.entry.response.headers.find((x) => x.name === 'Content-Encoding')?.value).toBe('gzip');
    expect(b.action === 'hit' && b.entry.response.headers.find((x) => x.name === 'Content-Encoding')?.value).toBe('br');
    expect(cache.servedHeaders(a, 'hit', at(1))).toEqual(h(['Age', '1'], ['Cache-Status', 'edge.cdn.lab; hit; ttl=59']));
    expect(cache.servedHeaders(cache.lookup(get('v'), at(1)), 'miss', at(1))).toEqual(h(['Cache-Status', 'edge.cdn.lab; fwd=miss']));
  });

  it('uses s-maxage and strips private="…" fields in a shared cache', () => {
    const cache = new HttpCache('shared');
    cache.put(get(), ok(h(['Cache-Control', 'max-age=600, s-maxage=30, private="Set-Cookie"'], ['Set-Cookie', 'id=1'], ['ETag', '"x"'])), at(0), at(0));
    const r = cache.lookup(get(), at(40));
    expect(r).toMatchObject({ action: 'revalidate', explanation: /s-maxage 30 s \(must-revalidate\)/ });
    if (r.action === 'revalidate') expect(r.entry.response.headers.some((x) => x.name === 'Set-Cookie')).toBe(false);
    const priv = new HttpCache('private');
    priv.put(get(), ok(h(['Cache-Control', 'max-age=600, s-maxage=30'])), at(0), at(0));
    expect(priv.lookup(get(), at(40)).action).toBe('hit');
  });

  it('invalidates stored responses after an unsafe request (§4.4) and lists entries for the UI', () => {
    const cache = new HttpCache('private');
    cache.put(get('https://x.lab/cart'), ok(h(['Cache-Control', 'max-age=60'])), at(0), at(0));
    cache.put(get('https://x.lab/done'), ok(h(['Cache-Control', 'max-age=60'])), at(0), at(0));
    expect(cache.entries(at(5)).map((e) => e.describe)).toEqual(['fresh: age 5 s (5 s in this cache) < max-age 60 s', 'fresh: age 5 s (5 s in this cache) < max-age 60 s']);
    const v = cache.put({ method: 'POST', url: 'https://x.lab/cart', headers: [] }, { status: 303, headers: h(['Location', 'https://x.lab/done']) }, at(1), at(1));
    expect(v.explanation).toMatch(/invalidated 1 stored response/);
    expect(cache.lookup(get('https://x.lab/cart'), at(2)).action).toBe('miss');
    expect(cache.lookup(get('https://x.lab/done'), at(2)).action).toBe('miss');
  });

describe('Vary: the secondary cache key (RFC 9111 §4.1, RFC 9110 §12.5.5)', () => {
  // RFC 9110 §12.5.5's example field: "Vary: accept-encoding, accept-language".
  const varying = (encoding: string, language: string, date = T0) =>
    ({ status: 200, headers: h(['Date', formatHttpDate(date)], ['Cache-Control', 'max-age=60'], ['Vary', 'accept-encoding, accept-language'], ['Content-Encoding', encoding], ['Content-Language', language]) }) satisfies CacheResponse;
  const req = (...fields: [string, string][]) => get('https://www.example.com/', h(...fields));
  const served = (d: ReturnType<HttpCache['lookup']>) => (d.action === 'hit' ? `${fieldValueOf(d.entry.response.headers, 'Content-Encoding')}/${fieldValueOf(d.entry.response.headers, 'Content-Language')}` : d.action);
  const fieldValueOf = (hs: readonly HeaderField[], n: string) => hs.find((x) => x.name === n)?.value;

  it('names each field once, in lower case, and reads * as a member', () => {
    expect(varyNames({ status: 200, headers: h(['Vary', 'Accept-Encoding, accept-encoding,Accept-Language'], ['Vary', 'Origin']) })).toEqual(['accept-encoding', 'accept-language', 'origin']);
    expect(varyNames({ status: 200, headers: h(['Vary', 'Accept-Encoding, *']) })).toEqual(['accept-encoding', '*']);
  });

  it('matches request values after the normalisations §4.1 allows, and only those', () => {
    // Whitespace where the syntax allows it, and several field lines combined into one list.
    expect(varyValue(h(['Accept-Encoding', 'gzip ,  deflate']), 'accept-encoding')).toBe(varyValue(h(['Accept-Encoding', 'gzip,deflate']), 'accept-encoding'));
    expect(varyValue(h(['Accept-Language', 'en'], ['Accept-Language', 'fr']), 'accept-language')).toBe(varyValue(h(['Accept-Language', 'en, fr']), 'accept-language'));
    // Case, where the values are case-insensitive (content codings, language tags) …
    expect(varyValue(h(['Accept-Encoding', 'GZIP']), 'accept-encoding')).toBe('gzip');
    expect(varyValue(h(['Accept-Language', 'en-US']), 'accept-language')).toBe('en-us');
    // … but not in general, and not the order of list members (it can carry preference).
    expect(varyValue(h(['X-Token', 'Abc']), 'x-token')).not.toBe(varyValue(h(['X-Token', 'abc']), 'x-token'));
    expect(varyValue(h(['Accept-Encoding', 'br, gzip']), 'accept-encoding')).not.toBe(varyValue(h(['Accept-Encoding', 'gzip, br']), 'accept-encoding'));
    expect(varyValue([], 'accept-encoding')).toBeUndefined();
  });

  it('keys stored responses by the request fields Vary names; absent matches only absent', () => {
    const cache = new HttpCache('shared', { name: 'edge' });
    cache.put(req(['Accept-Encoding', 'gzip'], ['Accept-Language', 'en']), varying('gzip', 'en'), at(0), at(0));
    cache.put(req(['Accept-Encoding', 'br'], ['Accept-Language', 'en']), varying('br', 'en'), at(0), at(0));
    cache.put(req(['Accept-Encoding', 'gzip']), varying('gzip', 'none'), at(0), at(0));
    expect(served(cache.lookup(req(['Accept-Encoding', 'GZip'], ['Accept-Language', 'en']), at(1)))).toBe('gzip/en');
    expect(served(cache.lookup(req(['Accept-Encoding', 'br'], ['Accept-Language', 'en'], ['User-Agent', 'other']), at(1)))).toBe('br/en');
    expect(served(cache.lookup(req(['Accept-Encoding', 'gzip']), at(1)))).toBe('gzip/none');
    const fr = cache.lookup(req(['Accept-Encoding', 'gzip'], ['Accept-Language', 'fr']), at(1));
    expect(fr).toMatchObject({ action: 'miss', explanation: expect.stringMatching(/varies on accept-encoding, accept-language .*accept-language: fr ≠ /) });
    expect(cache.lookup(req(), at(1)).action).toBe('miss');
    expect(cache.lookup(req(['Accept-Encoding', 'gzip'], ['Accept-Language', 'en']), at(1))).toMatchObject({ action: 'hit', explanation: expect.stringContaining('the variant for accept-encoding: gzip, accept-language: en') });
    // The same secondary key replaces its variant instead of adding one.
    cache.put(req(['Accept-Encoding', 'br'], ['Accept-Language', 'en']), varying('br', 'en-2'), at(2), at(2));
    expect(cache.entries(at(3))).toHaveLength(3);
    expect(served(cache.lookup(req(['Accept-Encoding', 'br'], ['Accept-Language', 'en']), at(3)))).toBe('br/en-2');
  });

  it('of several matching responses uses the most recent by Date', () => {
    const cache = new HttpCache('private');
    // The origin changed its Vary: both stored responses match a request with Accept-Encoding gzip.
    cache.put(req(['Accept-Encoding', 'gzip']), { status: 200, headers: h(['Date', formatHttpDate(at(5))], ['Cache-Control', 'max-age=60'], ['Vary', 'accept-encoding'], ['Content-Language', 'newer']) }, at(5), at(5));
    cache.put(req(['Accept-Encoding', 'gzip']), { status: 200, headers: h(['Date', formatHttpDate(at(1))], ['Cache-Control', 'max-age=60'], ['Content-Language', 'older']) }, at(6), at(6));
    const d = cache.lookup(req(['Accept-Encoding', 'gzip']), at(7));
    expect(d.action === 'hit' && fieldValueOf(d.entry.response.headers, 'Content-Language')).toBe('newer');
  });

  it('never matches Vary: * (alone or in a list): such responses are not stored', () => {
    const cache = new HttpCache('shared');
    for (const vary of ['*', 'accept-encoding, *']) {
      const v = cache.put(req(['Accept-Encoding', 'gzip']), { status: 200, headers: h(['Cache-Control', 'max-age=60'], ['Vary', vary]) }, at(0), at(0));
      expect(v).toMatchObject({ ok: false, explanation: expect.stringContaining('Vary: * can never be matched') });
      expect(cache.lookup(req(['Accept-Encoding', 'gzip']), at(1)).action).toBe('miss');
    }
  });
});
});

describe('HttpCache.entries (the read-only listing)', () => {
  it('lists each stored response with its body size, times, validators and freshness, and is a copy', () => {
    const cache = new HttpCache('private');
    const body = new Uint8Array(1234);
    const withValidators: CacheResponse = { ...ok(h(['Cache-Control', 'max-age=60'], ['ETag', '"v1"'], ['Last-Modified', 'Sat, 05 Nov 1994 08:49:37 GMT'])), body };
    cache.put(get('https://www.example.com/'), withValidators, at(0), at(1));
    cache.put(get('https://www.example.com/a.css'), ok(h(['Cache-Control', 'max-age=10'])), at(2), at(3));
    const listed = cache.entries(at(20));
    expect(listed).toEqual([
      expect.objectContaining({ url: 'https://www.example.com/', status: 200, bodyBytes: 1234, requestTime: at(0), responseTime: at(1), etag: '"v1"', lastModified: 'Sat, 05 Nov 1994 08:49:37 GMT', age: 20, lifetime: 60, fresh: true }),
      expect.objectContaining({ url: 'https://www.example.com/a.css', status: 200, bodyBytes: 0, requestTime: at(2), responseTime: at(3), etag: undefined, lastModified: undefined, age: 20, lifetime: 10, fresh: false }),
    ]);
    (listed[0] as { url: string }).url = 'changed';
    expect(cache.entries(at(20))[0].url).toBe('https://www.example.com/');
    expect(cache.lookup(get('https://www.example.com/'), at(20)).action).toBe('hit');
  });
});
