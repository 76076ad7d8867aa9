import { describe, it, expect } from 'vitest';
import { interpretAddressBar } from './address-bar';
import { HstsStore } from './hsts';
import { cacheKey, formatUrl, hostHeader, parseUrl, removeDotSegments, requestTarget, resolveUrl, urlOrigin, type WebUrl } from './url';

const must = (text: string): WebUrl => {
  const r = parseUrl(text);
  if (!r.ok) throw new Error(`${text}: ${r.error.message}`);
  return r.value;
};

describe('http(s) URLs', () => {
  it('serialises like the WHATWG URL parser in Node', () => {
    const inputs = [
      'http://Example.COM',
      'https://example.com:443/',
      'http://example.com:80/a/b?x=1#top',
      'https://example.com:8443/path/../img/./logo.png',
      'http://bücher.example/straße?q=ä ö#frag ment',
      'http://example.com/a b/"c"<d>{e}`f`',
      "http://example.com/?q='x' <y>",
      'http://192.0.2.10:8080/',
      'http://[2001:DB8::1]:8080/x',
      'https://user:pw@example.com/',
      'http://example.com/%7Euser/%zz',
      'HTTP://EXAMPLE.com./',
      'https://example.com?',
      'https://example.com/a/b/../../../c',
    ];
    for (const input of inputs) {
      const ours = formatUrl(must(input));
      // Node keeps a trailing dot in the host; the lab normalises it away (one name, one cache entry).
      const node = new URL(input);
      node.username = '';
      node.password = '';
      node.hostname = node.hostname.replace(/\.$/, '');
      expect(ours, input).toBe(node.href);
    }
  });

  it('reports bad URLs with their position', () => {
    expect(parseUrl('ftp://example.com/')).toMatchObject({ ok: false, error: { message: /only http and https/ } });
    expect(parseUrl('http://example.com:99999/')).toMatchObject({ ok: false, error: { offset: 19 } });
    expect(parseUrl('http://:80/')).toMatchObject({ ok: false, error: { message: /no host/ } });
    expect(parseUrl('http://exa mple.com/')).toMatchObject({ ok: false, error: { offset: 10 } });
    expect(parseUrl('http://999.1.1.1/')).toMatchObject({ ok: false });
    expect(parseUrl('example.com')).toMatchObject({ ok: false, error: { message: /not an absolute URL/ } });
  });

  it('gives the pieces a request needs', () => {
    const u = must('https://www.example.com:8443/a/b.html?x=1#f');
    expect(hostHeader(u)).toBe('www.example.com:8443');
    expect(requestTarget(u)).toBe('/a/b.html?x=1');
    expect(urlOrigin(u)).toBe('https://www.example.com:8443');
    expect(cacheKey(u)).toBe('https://www.example.com:8443/a/b.html?x=1');
    expect(hostHeader(must('https://example.com/'))).toBe('example.com');
  });

  it('resolves references as RFC 3986 §5.4.1 normal examples', () => {
    // Base http://a/b/c/d;p?q from RFC 3986 §5.4 (the lab has only http/https, so "g:h" is skipped).
    const base = must('http://a/b/c/d;p?q');
    const cases: [string, string][] = [
      ['g', 'http://a/b/c/g'], ['./g', 'http://a/b/c/g'], ['g/', 'http://a/b/c/g/'], ['/g', 'http://a/g'],
      ['//g', 'http://g/'], ['?y', 'http://a/b/c/d;p?y'], ['g?y', 'http://a/b/c/g?y'], ['#s', 'http://a/b/c/d;p?q#s'],
      ['g#s', 'http://a/b/c/g#s'], ['g?y#s', 'http://a/b/c/g?y#s'], [';x', 'http://a/b/c/;x'], ['g;x', 'http://a/b/c/g;x'],
      ['g;x?y#s', 'http://a/b/c/g;x?y#s'], ['', 'http://a/b/c/d;p?q'], ['.', 'http://a/b/c/'], ['./', 'http://a/b/c/'],
      ['..', 'http://a/b/'], ['../', 'http://a/b/'], ['../g', 'http://a/b/g'], ['../..', 'http://a/'],
      ['../../', 'http://a/'], ['../../g', 'http://a/g'],
      // §5.4.2 abnormal examples
      ['../../../g', 'http://a/g'], ['/./g', 'http://a/g'], ['/../g', 'http://a/g'], ['g.', 'http://a/b/c/g.'],
      ['.g', 'http://a/b/c/.g'], ['g..', 'http://a/b/c/g..'], ['..g', 'http://a/b/c/..g'], ['./../g', 'http://a/b/g'],
      ['./g/.', 'http://a/b/c/g/'], ['g/./h', 'http://a/b/c/g/h'], ['g/../h', 'http://a/b/c/h'],
      ['https://other.lab/x', 'https://other.lab/x'],
    ];
    for (const [ref, want] of cases) {
      const r = resolveUrl(base, ref);
      expect(r.ok && formatUrl(r.value), ref).toBe(want);
    }
    expect(removeDotSegments('/a/b/c/./../../g')).toBe('/a/g');
    expect(removeDotSegments('mid/content=5/../6')).toBe('/mid/6');
  });
});

describe('address bar', () => {
  const hsts = new HstsStore([{ host: 'bank.lab', includeSubDomains: true }]);

  it('takes host names without a scheme as http URLs', () => {
    const r = interpretAddressBar('example.com');
    expect(r.ok && r.value.kind === 'navigate' && formatUrl(r.value.url)).toBe('http://example.com/');
    const p = interpretAddressBar('localhost:8080/status');
    expect(p.ok && formatUrl(p.value.url)).toBe('http://localhost:8080/status');
    const ip = interpretAddressBar('192.0.2.10');
    expect(ip.ok && formatUrl(ip.value.url)).toBe('http://192.0.2.10/');
  });

  it('upgrades HSTS hosts to https before any request, keeping non-default ports', () => {
    const r = interpretAddressBar('www.bank.lab/login', { hsts, now: 5 });
    expect(r.ok && formatUrl(r.value.url)).toBe('https://www.bank.lab/login');
    expect(r.ok && r.value.steps.join('\n')).toMatch(/covered by bank.lab \(includeSubDomains\), which is on the HSTS preload list/);
    const explicit = interpretAddressBar('http://bank.lab:80/', { hsts });
    expect(explicit.ok && formatUrl(explicit.value.url)).toBe('https://bank.lab/');
    const port = interpretAddressBar('http://bank.lab:8080/', { hsts });
    expect(port.ok && formatUrl(port.value.url)).toBe('https://bank.lab:8080/');
    const other = interpretAddressBar('example.com', { hsts });
    expect(other.ok && other.value.url.scheme).toBe('http');
  });

  it('converts IDN hosts to Punycode and percent-encodes the path', () => {
    const r = interpretAddressBar('bücher.example/straße?q=ä');
    expect(r.ok && formatUrl(r.value.url)).toBe('http://xn--bcher-kva.example/stra%C3%9Fe?q=%C3%A4');
    expect(r.ok && r.value.steps[0]).toMatch(/IDN host sent as xn--bcher-kva.example/);
  });

  it('treats other input as a search', () => {
    for (const text of ['how does dns work', 'packetlab', '?example.com', '3.14', 'foo.123']) {
      const r = interpretAddressBar(text);
      expect(r.ok && r.value.kind, text).toBe('search');
    }
    const r = interpretAddressBar('tls 1.3 & http', { searchUrl: 'https://search.lab/?q=' });
    expect(r.ok && formatUrl(r.value.url)).toBe('https://search.lab/?q=tls+1.3+%26+http');
    const known = interpretAddressBar('intranet', { knownHosts: ['intranet'] });
    expect(known.ok && known.value.kind).toBe('navigate');
  });

  it('rejects empty input and unsupported schemes', () => {
    expect(interpretAddressBar('   ')).toMatchObject({ ok: false });
    expect(interpretAddressBar('ftp://example.com')).toMatchObject({ ok: false, error: { message: /only http and https/ } });
  });
});
