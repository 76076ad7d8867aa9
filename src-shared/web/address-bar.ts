// What a user types into the lab browser's address bar: a URL (with or without a scheme) or a
// search term, decided the way browsers' omniboxes do, then upgraded to https when HSTS says so.
// Every decision is recorded as a step for the journey's "url" stage.
import { fail, type ParseResult } from '../net/addr/result';
import type { HstsStore } from './hsts';
import { DEFAULT_PORTS, displayUrl, encodeFormComponent, formatUrl, parseUrl, type WebUrl } from './url';

export type AddressBarResult =
  | { kind: 'navigate'; url: WebUrl; steps: string[] }
  | { kind: 'search'; query: string; url: WebUrl; steps: string[] };

export interface AddressBarOptions {
  hsts?: HstsStore;
  /** Virtual µs, for HSTS expiry. */
  now?: number;
  /** Where searches go; the term is appended form-encoded. */
  searchUrl?: string;
  /** Single-word hosts treated as sites rather than searches (like an intranet allow list). */
  knownHosts?: readonly string[];
}

export const DEFAULT_SEARCH_URL = 'https://search.lab/search?q=';

/** Upgrades http to https when the host is a known HSTS host (RFC 6797 §8.3). */
export function applyHsts(url: WebUrl, hsts: HstsStore | undefined, now: number, steps: string[]): WebUrl {
  if (url.scheme !== 'http' || !hsts) return url;
  const m = hsts.match(url.host, now);
  if (!m) return url;
  // §8.3: port 80 (explicit or implied) becomes 443; any other explicit port is kept.
  const port = url.port === DEFAULT_PORTS.http ? DEFAULT_PORTS.https : url.port;
  const up: WebUrl = { ...url, scheme: 'https', port };
  steps.push(`HSTS: ${m.explanation}, so http is upgraded to ${formatUrl(up)} before any request (internal redirect)`);
  return up;
}

export function interpretAddressBar(input: string, options: AddressBarOptions = {}): ParseResult<AddressBarResult> {
  const text = input.trim();
  const now = options.now ?? 0;
  if (text === '') return fail('nothing typed', 0);
  const steps: string[] = [];
  const search = (why: string): ParseResult<AddressBarResult> => {
    const base = options.searchUrl ?? DEFAULT_SEARCH_URL;
    const u = parseUrl(base + encodeFormComponent(text));
    if (!u.ok) return fail(`bad search URL '${base}': ${u.error.message}`, 0);
    steps.push(`'${text}' is a search term (${why}): ${formatUrl(u.value)}`);
    return { ok: true, value: { kind: 'search', query: text, url: u.value, steps } };
  };

  if (/^[A-Za-z][A-Za-z0-9+.-]*:\/\//.test(text) || /^https?:/i.test(text)) {
    const u = parseUrl(text);
    if (!u.ok) return u;
    steps.push(`'${text}' is a URL: ${displayUrl(u.value)}${u.value.host !== displayHost(text) ? ` (host sent as ${u.value.host})` : ''}`);
    return { ok: true, value: { kind: 'navigate', url: applyHsts(u.value, options.hsts, now, steps), steps } };
  }
  if (/\s/.test(text)) return search('it contains spaces');
  if (text.startsWith('?')) return search("it starts with '?'");
  const hostPart = /^[^/?#]*/.exec(text)![0].replace(/^[^@]*@/, '');
  const hostOnly = hostPart.startsWith('[') ? hostPart.replace(/(\]):\d*$/, '$1') : hostPart.replace(/:\d*$/, '');
  const hasPort = hostOnly !== hostPart;
  const looksLikeHost =
    hostOnly.startsWith('[') ||
    /^\d{1,3}(\.\d{1,3}){3}$/.test(hostOnly) ||
    hostOnly.toLowerCase() === 'localhost' ||
    (options.knownHosts ?? []).some((h) => h.toLowerCase() === hostOnly.toLowerCase()) ||
    (/[.\u3002\uff0e\uff61]/.test(hostOnly.replace(/\.$/, '')) && !/^[.\u3002\uff0e\uff61]/.test(hostOnly)) ||
    hasPort;
  if (!looksLikeHost) return search('a single word without a dot is not a host name');
  const u = parseUrl('http://' + text);
  if (!u.ok) return search(`not a valid host: ${u.error.message}`);
  if (/^\d+$/.test(u.value.host.split('.').pop() ?? '') && !/^\d{1,3}(\.\d{1,3}){3}$/.test(u.value.host)) {
    return search('a numeric top-level label is not a host name');
  }
  steps.push(`'${text}' has no scheme: treated as ${displayUrl(u.value)}${u.value.host !== hostOnly.toLowerCase() ? ` (IDN host sent as ${u.value.host})` : ''}`);
  return { ok: true, value: { kind: 'navigate', url: applyHsts(u.value, options.hsts, now, steps), steps } };
}

function displayHost(text: string): string {
  return (/^[a-z]+:\/\/([^/?#:]*)/i.exec(text)?.[1] ?? '').toLowerCase();
}
