import { describe, it, expect } from 'vitest';
import { emitHttpResponse, parseHttpMessage } from '../net/wire/http';
import { interpretAddressBar } from './address-bar';
import { HstsStore } from './hsts';
import { HttpCache, fieldValue, notModified, type HeaderField } from './http-cache';
import { etagFor, respond, type OriginConfig } from './origin';
import { cacheKey, formatUrl, hostHeader, requestTarget } from './url';

const S = 1_000_000;
const T0 = Date.UTC(2026, 0, 1) * 1000;
const SITE: OriginConfig = {
  server: 'packetlab-origin',
  hosts: {
    'example.com': { httpsOnly: true, hsts: 'max-age=31536000; includeSubDomains', redirects: { '*': { status: 301, location: 'https://www.example.com/' } } },
    'www.example.com': {
      httpsOnly: true,
      hsts: 'max-age=31536000; includeSubDomains',
      files: {
        '/': { contentType: 'text/html; charset=utf-8', body: '<!doctype html><link rel=stylesheet href=/site.css><h1>Hi</h1>', lastModified: T0 - 86400 * S, cacheControl: 'max-age=60' },
        '/site.css': { contentType: 'text/css', body: 'h1 { color: navy }', lastModified: T0 - 86400 * S, cacheControl: 'public, max-age=600, s-maxage=3600' },
      },
      redirects: { '/old': { status: 308, location: '/' } },
    },
  },
};
const get = (host: string, target: string, secure: boolean, extra: HeaderField[] = []) => ({ method: 'GET', target, secure, headers: [{ name: 'Host', value: host }, ...extra] });

describe('origin server', () => {
  it('walks the journey: http → https redirect, apex → www, HSTS learned, then typed names go straight to https', () => {
    const hsts = new HstsStore();
    const typed = interpretAddressBar('example.com', { hsts, now: T0 });
    if (!typed.ok) throw new Error(typed.error.message);
    expect(formatUrl(typed.value.url)).toBe('http://example.com/');
    const r1 = respond(SITE, get('example.com', '/', false), T0);
    expect(r1).toMatchObject({ status: 301, explanation: '301 to https://example.com/: example.com only serves https' });
    expect(fieldValue(r1.headers, 'strict-transport-security')).toBeUndefined();
    const r2 = respond(SITE, get('example.com', '/', true), T0);
    expect([r2.status, fieldValue(r2.headers, 'location')]).toEqual([301, 'https://www.example.com/']);
    expect(hsts.noteHeader('example.com', fieldValue(r2.headers, 'strict-transport-security')!, T0, { secure: true }).action).toBe('stored');
    const r3 = respond(SITE, get('www.example.com', '/', true), T0);
    expect(r3.status).toBe(200);
    expect(fieldValue(r3.headers, 'etag')).toBe(etagFor(r3.body));
    const again = interpretAddressBar('example.com', { hsts, now: T0 + 10 * S });
    expect(again.ok && formatUrl(again.value.url)).toBe('https://example.com/');
    expect(again.ok && hostHeader(again.value.url)).toBe('example.com');
    // The bytes on the wire parse back with the HTTP codec.
    const bytes = emitHttpResponse({ status: r3.status, headers: r3.headers, body: r3.body });
    const parsed = parseHttpMessage(bytes, 'response');
    expect(parsed.ok).toBe(true);
  });

  it('serves the private cache: fresh hit, then a conditional request answered 304, through a CDN edge', () => {
    const browser = new HttpCache('private');
    const edge = new HttpCache('shared', { name: 'edge.cdn.lab' });
    const url = 'https://www.example.com/site.css';
    const req = { method: 'GET', url, headers: [] as HeaderField[] };
    const fromOrigin = (extra: HeaderField[], now: number) => respond(SITE, get('www.example.com', '/site.css', true, extra), now);

    // First visit: both caches miss; the edge stores (s-maxage 3600), the browser stores (max-age 600).
    expect(browser.lookup(req, T0).action).toBe('miss');
    expect(edge.lookup(req, T0).action).toBe('miss');
    const o1 = fromOrigin([], T0);
    expect(edge.put(req, o1, T0, T0).explanation).toBe('storable: Cache-Control: public; fresh for s-maxage 3600 s');
    expect(browser.put(req, o1, T0, T0).explanation).toBe('storable: Cache-Control: public; fresh for max-age 600 s');

    // Second visit 5 minutes later: fresh in the browser, no request at all.
    expect(browser.lookup(req, T0 + 300 * S)).toMatchObject({ action: 'hit', explanation: 'fresh: age 300 s (300 s in this cache) < max-age 600 s' });

    // After 20 minutes: stale in the browser, revalidated; the edge still has it fresh and answers 304 itself.
    const d = browser.lookup(req, T0 + 1200 * S);
    expect(d.action).toBe('revalidate');
    if (d.action !== 'revalidate') return;
    const atEdge = edge.lookup({ ...req, headers: d.headers }, T0 + 1200 * S);
    expect(atEdge).toMatchObject({ action: 'hit', age: 1200 });
    if (atEdge.action !== 'hit') return;
    // The edge evaluates the browser's condition against its stored copy.
    const storedEtag = fieldValue(atEdge.entry.response.headers, 'etag');
    expect(notModified(d.headers, storedEtag, undefined)).toBe(true);
    const served = edge.servedHeaders(atEdge, 'hit', T0 + 1200 * S);
    expect(served).toEqual([{ name: 'Age', value: '1200' }, { name: 'Cache-Status', value: 'edge.cdn.lab; hit; ttl=2400' }]);
    const edge304 = atEdge.entry.response.headers.filter((h) => ['date', 'etag', 'cache-control', 'last-modified'].includes(h.name.toLowerCase()));
    const fresh = browser.freshen(d.entry, { status: 304, headers: [...edge304, ...served] }, T0 + 1200 * S, T0 + 1200 * S);
    expect(fresh.ok).toBe(true);
    // The Age from the edge counts: 1200 s old already, so the browser's 600 s max-age is spent.
    expect(browser.lookup(req, T0 + 1201 * S).action).toBe('revalidate');
    expect(cacheKey({ scheme: 'https', host: 'www.example.com', port: 443, path: '/site.css' })).toBe(url);
    expect(requestTarget({ scheme: 'https', host: 'www.example.com', port: 443, path: '/site.css', query: 'v=1' })).toBe('/site.css?v=1');
  });

  it('answers conditionals, HEAD, redirects and errors as RFC 9110 says', () => {
    const first = respond(SITE, get('www.example.com', '/', true), T0);
    const etag = fieldValue(first.headers, 'etag')!;
    const lm = fieldValue(first.headers, 'last-modified')!;
    expect(respond(SITE, get('www.example.com', '/', true, [{ name: 'If-None-Match', value: `W/"x", ${etag}` }]), T0)).toMatchObject({ status: 304, body: new Uint8Array(0) });
    expect(respond(SITE, get('www.example.com', '/', true, [{ name: 'If-Modified-Since', value: lm }]), T0).status).toBe(304);
    // If-None-Match wins over If-Modified-Since (RFC 9110 §13.2.2).
    expect(respond(SITE, get('www.example.com', '/', true, [{ name: 'If-None-Match', value: '"other"' }, { name: 'If-Modified-Since', value: lm }]), T0).status).toBe(200);
    const head = respond(SITE, { ...get('www.example.com', '/', true), method: 'HEAD' }, T0);
    expect([head.status, head.body.length]).toEqual([200, 0]);
    expect(respond(SITE, { ...get('www.example.com', '/', true), method: 'POST' }, T0)).toMatchObject({ status: 405, headers: expect.arrayContaining([{ name: 'Allow', value: 'GET, HEAD' }]) });
    expect(respond(SITE, get('www.example.com', '/old', true), T0)).toMatchObject({ status: 308, headers: expect.arrayContaining([{ name: 'Location', value: '/' }]) });
    expect(respond(SITE, get('www.example.com', '/nope', true), T0).status).toBe(404);
    expect(respond(SITE, get('other.lab', '/', true), T0).status).toBe(421);
    expect(respond(SITE, { method: 'GET', target: '/', secure: true, headers: [] }, T0).status).toBe(400);
    expect(respond(SITE, get('example.com', '/deep/page?x=1', true), T0).headers).toContainEqual({ name: 'Location', value: 'https://www.example.com/deep/page?x=1' });
  });
});
