// http(s) URLs for the lab browser: parsing absolute URLs, resolving references (redirect
// Location, links and subresources; RFC 3986 §5), percent-encoding as WHATWG URL does for path,
// query and fragment, IDN hosts to Punycode, default ports. Only http and https exist in the lab.
import { formatIpv4, formatIpv6, parseIpv4, parseIpv6 } from '../net/addr';
import { fail, type ParseResult } from '../net/addr/result';
import { domainToAscii, domainToUnicode } from './punycode';

export type WebScheme = 'http' | 'https';

export interface WebUrl {
  scheme: WebScheme;
  /** ASCII host: lower case, Punycode labels, IPv4 dotted quad or "[v6]". */
  host: string;
  /** The port in effect (default 80/443 when none is written). */
  port: number;
  /** Path, percent-encoded, always starting with '/'. */
  path: string;
  /** Query without '?' (undefined when there is none; '' for a bare '?'). */
  query?: string;
  /** Fragment without '#'; never sent on the wire. */
  fragment?: string;
}

export const DEFAULT_PORTS: Readonly<Record<WebScheme, number>> = { http: 80, https: 443 };

const HEX = '0123456789ABCDEF';
const utf8 = new TextEncoder();

/** Percent-encodes what `keep` rejects (as UTF-8), leaving existing %XX escapes alone. */
function percentEncode(s: string, mustEncode: (c: number) => boolean): string {
  let out = '';
  for (const ch of s) {
    const c = ch.codePointAt(0)!;
    if (c < 0x80 && !mustEncode(c)) out += ch;
    else for (const b of utf8.encode(ch)) out += '%' + HEX[b >> 4] + HEX[b & 15];
  }
  return out;
}

// WHATWG percent-encode sets (C0 control + the listed characters).
const c0 = (c: number) => c < 0x20 || c === 0x7f;
const fragmentSet = (c: number) => c0(c) || c === 0x20 || c === 0x22 || c === 0x3c || c === 0x3e || c === 0x60;
const querySet = (c: number) => c0(c) || c === 0x20 || c === 0x22 || c === 0x23 || c === 0x3c || c === 0x3e || c === 0x27;
const pathSet = (c: number) => (querySet(c) && c !== 0x27) || c === 0x3f || c === 0x60 || c === 0x7b || c === 0x7d || c === 0x23;

export const encodePath = (p: string): string => percentEncode(p, pathSet);
export const encodeQuery = (q: string): string => percentEncode(q, querySet);
export const encodeFragment = (f: string): string => percentEncode(f, fragmentSet);

/** application/x-www-form-urlencoded value, as a search box submits it ("a b" -> "a+b"). */
export function encodeFormComponent(s: string): string {
  let out = '';
  for (const b of utf8.encode(s)) {
    const ch = String.fromCharCode(b);
    if (/[A-Za-z0-9*\-._]/.test(ch)) out += ch;
    else if (b === 0x20) out += '+';
    else out += '%' + HEX[b >> 4] + HEX[b & 15];
  }
  return out;
}

/** RFC 3986 §5.2.4 remove_dot_segments. */
export function removeDotSegments(path: string): string {
  const input = path.split('/');
  const out: string[] = [];
  for (let i = 0; i < input.length; i++) {
    const seg = input[i];
    const last = i === input.length - 1;
    if (seg === '.' || seg.toLowerCase() === '%2e') {
      if (last) out.push('');
    } else if (seg === '..' || /^(\.|%2e){2}$/i.test(seg)) {
      if (out.length > 1) out.pop();
      if (last) out.push('');
    } else out.push(seg);
  }
  const joined = out.join('/');
  return joined.startsWith('/') ? joined : '/' + joined;
}

/** Host text (as written) -> ASCII host, or an error with its offset within the host. */
export function parseHost(text: string): ParseResult<string> {
  if (text.startsWith('[')) {
    if (!text.endsWith(']')) return fail("IPv6 address without closing ']'", text.length);
    const r = parseIpv6(text.slice(1, -1));
    if (!r.ok) return fail(r.error.message, r.error.offset + 1);
    return { ok: true, value: `[${formatIpv6(r.value)}]` };
  }
  if (/^[0-9.]+$/.test(text)) {
    const r = parseIpv4(text);
    if (!r.ok) return fail(`bad IPv4 address: ${r.error.message}`, r.error.offset);
    return { ok: true, value: formatIpv4(r.value) };
  }
  let decoded = text;
  try {
    decoded = decodeURIComponent(text);
  } catch {
    return fail('bad percent-escape in host', text.indexOf('%'));
  }
  return domainToAscii(decoded);
}

/** Parses an absolute http(s) URL. Errors carry the character offset in `text`. */
export function parseUrl(text: string): ParseResult<WebUrl> {
  const s = text.trim();
  const lead = text.indexOf(s);
  const m = /^([A-Za-z][A-Za-z0-9+.-]*):/.exec(s);
  if (!m) return fail('not an absolute URL (expected http:// or https://)', lead);
  const scheme = m[1].toLowerCase();
  if (scheme !== 'http' && scheme !== 'https') return fail(`scheme '${scheme}:' is not supported in the lab (only http and https)`, lead);
  let rest = s.slice(m[0].length).replace(/\\/g, '/');
  let pos = lead + m[0].length;
  const slashes = /^\/*/.exec(rest)![0].length;
  rest = rest.slice(slashes);
  pos += slashes;
  const end = rest.search(/[/?#]/);
  let authority = end < 0 ? rest : rest.slice(0, end);
  const tail = end < 0 ? '' : rest.slice(end);
  const at = authority.lastIndexOf('@');
  if (at >= 0) {
    // Credentials in URLs are a phishing trick; the lab browser drops them like Chrome's omnibox warns.
    authority = authority.slice(at + 1);
    pos += at + 1;
  }
  let hostText = authority;
  let port = DEFAULT_PORTS[scheme];
  const portMatch = /:(\d*)$/.exec(authority);
  if (portMatch && !(authority.startsWith('[') && !authority.includes(']:'))) {
    hostText = authority.slice(0, portMatch.index);
    if (portMatch[1] !== '') {
      const p = Number(portMatch[1]);
      if (p > 65535) return fail(`port ${portMatch[1]} is out of range (0–65535)`, pos + portMatch.index + 1);
      port = p;
    }
  }
  if (hostText === '') return fail('URL has no host', pos);
  const host = parseHost(hostText);
  if (!host.ok) return fail(`bad host '${hostText}': ${host.error.message}`, pos + host.error.offset);
  const url: WebUrl = { scheme, host: host.value.replace(/\.$/, ''), port, path: '/' };
  splitTail(url, tail);
  return { ok: true, value: url };
}

function splitTail(url: WebUrl, tail: string): void {
  let t = tail;
  const hash = t.indexOf('#');
  if (hash >= 0) {
    url.fragment = encodeFragment(t.slice(hash + 1));
    t = t.slice(0, hash);
  } else delete url.fragment;
  const q = t.indexOf('?');
  if (q >= 0) {
    url.query = encodeQuery(t.slice(q + 1));
    t = t.slice(0, q);
  } else delete url.query;
  url.path = removeDotSegments(encodePath(t === '' ? '/' : t));
}

/** Resolves a reference (Location header, href, src) against a base URL (RFC 3986 §5.2.2). */
export function resolveUrl(base: WebUrl, ref: string): ParseResult<WebUrl> {
  const r = ref.trim().replace(/\\/g, '/');
  if (/^[A-Za-z][A-Za-z0-9+.-]*:/.test(r)) return parseUrl(r);
  if (r.startsWith('//')) return parseUrl(`${base.scheme}:${r}`);
  const url: WebUrl = { ...base };
  if (r === '') {
    delete url.fragment;
    return { ok: true, value: url };
  }
  if (r.startsWith('#')) {
    url.fragment = encodeFragment(r.slice(1));
    return { ok: true, value: url };
  }
  if (r.startsWith('?')) {
    splitTail(url, url.path + r);
    return { ok: true, value: url };
  }
  if (r.startsWith('/')) {
    splitTail(url, r);
    return { ok: true, value: url };
  }
  const dir = base.path.slice(0, base.path.lastIndexOf('/') + 1);
  splitTail(url, dir + r);
  return { ok: true, value: url };
}

/** host[:port] as sent in the Host header (port omitted when it is the scheme's default). */
export function hostHeader(u: WebUrl): string {
  return u.port === DEFAULT_PORTS[u.scheme] ? u.host : `${u.host}:${u.port}`;
}

/** The request-target of an origin-form request: path plus query. */
export function requestTarget(u: WebUrl): string {
  return u.query === undefined ? u.path : `${u.path}?${u.query}`;
}

export function formatUrl(u: WebUrl, options: { fragment?: boolean } = {}): string {
  let s = `${u.scheme}://${hostHeader(u)}${requestTarget(u)}`;
  if (options.fragment !== false && u.fragment !== undefined) s += `#${u.fragment}`;
  return s;
}

/** What the address bar shows: Unicode host, no default port. */
export function displayUrl(u: WebUrl): string {
  return formatUrl({ ...u, host: domainToUnicode(u.host) });
}

/** "https://example.com" or "http://example.com:8080": the RFC 6454 origin. */
export function urlOrigin(u: WebUrl): string {
  return `${u.scheme}://${hostHeader(u)}`;
}

/** Cache key of a URL: the URL without fragment. */
export const cacheKey = (u: WebUrl): string => formatUrl(u, { fragment: false });
