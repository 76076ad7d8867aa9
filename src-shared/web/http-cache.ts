// An RFC 9111 HTTP cache model for the lab: the browser's private cache and the CDN edge's
// shared cache. It decides whether a response may be stored (§3), how long it stays fresh (§4.2.1,
// heuristics §4.2.2), its current age (§4.2.3), whether a stored response may be served, must be
// revalidated with a conditional request (§4.3.1) or fetched again, how a 304 freshens it (§4.3.4),
// and which stored responses an unsafe request invalidates (§4.4). Time is injected: virtual µs on
// the same scale as HTTP Date headers (µs since the Unix epoch). Every decision carries an
// explanation for the UI, e.g. "fresh: age 12 s < max-age 3600 s".

/** Header lists given to the cache are treated as immutable (parsed directives are memoised). */
export interface HeaderField {
  name: string;
  value: string;
}

export type CacheKind = 'private' | 'shared';

// ---------------------------------------------------------------------------------------------
// Header helpers

/** All values of a field joined with ", " (RFC 9110 §5.3), or undefined. */
export function fieldValue(headers: readonly HeaderField[], name: string): string | undefined {
  const lower = name.toLowerCase();
  let out: string | undefined;
  for (const h of headers) if (h.name.toLowerCase() === lower) out = out === undefined ? h.value.trim() : `${out}, ${h.value.trim()}`;
  return out;
}

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
const DAYS = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'];

/** HTTP-date (IMF-fixdate, RFC 850, asctime; RFC 9110 §5.6.7) -> µs since the epoch, or undefined. */
export function parseHttpDate(text: string): number | undefined {
  const s = text.trim();
  let day: number, mon: string, year: number, time: string;
  let m = /^[A-Za-z]{3}, (\d{2}) ([A-Za-z]{3}) (\d{4}) (\d{2}:\d{2}:\d{2}) GMT$/.exec(s);
  if (m) {
    day = Number(m[1]); mon = m[2]; year = Number(m[3]); time = m[4];
  } else if ((m = /^[A-Za-z]+, (\d{2})-([A-Za-z]{3})-(\d{2}) (\d{2}:\d{2}:\d{2}) GMT$/.exec(s))) {
    // RFC 850 two-digit years: 70–99 are 19xx, the rest 20xx (RFC 9110 §5.6.7's 50-year rule, fixed).
    day = Number(m[1]); mon = m[2]; year = Number(m[3]) + (Number(m[3]) >= 70 ? 1900 : 2000); time = m[4];
  } else if ((m = /^[A-Za-z]{3} ([A-Za-z]{3}) ([ \d]\d) (\d{2}:\d{2}:\d{2}) (\d{4})$/.exec(s))) {
    mon = m[1]; day = Number(m[2].trim()); time = m[3]; year = Number(m[4]);
  } else return undefined;
  const month = MONTHS.indexOf(mon[0].toUpperCase() + mon.slice(1).toLowerCase());
  const [hh, mm, ss] = time.split(':').map(Number);
  if (month < 0 || day < 1 || day > 31 || hh > 23 || mm > 59 || ss > 60) return undefined;
  return Date.UTC(year, month, day, hh, mm, ss) * 1000;
}

/** µs since the epoch -> IMF-fixdate, e.g. "Sun, 06 Nov 1994 08:49:37 GMT". */
export function formatHttpDate(us: number): string {
  const d = new Date(Math.floor(us / 1000));
  const p2 = (n: number) => String(n).padStart(2, '0');
  return `${DAYS[d.getUTCDay()]}, ${p2(d.getUTCDate())} ${MONTHS[d.getUTCMonth()]} ${d.getUTCFullYear()} ${p2(d.getUTCHours())}:${p2(d.getUTCMinutes())}:${p2(d.getUTCSeconds())} GMT`;
}

export interface CacheControl {
  maxAge?: number;
  sMaxage?: number;
  /** Request: max-stale with no value means any staleness (Infinity). */
  maxStale?: number;
  minFresh?: number;
  staleWhileRevalidate?: number;
  staleIfError?: number;
  noStore: boolean;
  /** true, or the listed field names for the qualified form (no-cache="Set-Cookie"). */
  noCache: boolean | string[];
  private: boolean | string[];
  public: boolean;
  mustRevalidate: boolean;
  proxyRevalidate: boolean;
  noTransform: boolean;
  onlyIfCached: boolean;
  immutable: boolean;
}

// Stored header lists are never mutated (a 304 replaces the list), so their parsed Cache-Control
// can be remembered: lookups on a busy CDN edge do not re-parse it.
const ccMemo = new WeakMap<readonly HeaderField[], CacheControl>();
function cacheControlOf(headers: readonly HeaderField[]): CacheControl {
  let cc = ccMemo.get(headers);
  if (!cc) ccMemo.set(headers, (cc = parseCacheControl(fieldValue(headers, 'cache-control'))));
  return cc;
}

/** Cache-Control (RFC 9111 §5.2); an invalid delta-seconds is treated as 0 for max-age (§4.2.1: "stale"). */
export function parseCacheControl(value: string | undefined): CacheControl {
  const cc: CacheControl = { noStore: false, noCache: false, private: false, public: false, mustRevalidate: false, proxyRevalidate: false, noTransform: false, onlyIfCached: false, immutable: false };
  if (!value) return cc;
  const re = /\s*([^=,\s]+)\s*(?:=\s*("(?:[^"\\]|\\.)*"|[^,]*))?\s*(?:,|$)/g;
  let m: RegExpExecArray | null;
  const seconds = (v: string | undefined) => (v !== undefined && /^\d+$/.test(v) ? Math.min(Number(v), 2 ** 31) : 0);
  while ((m = re.exec(value)) !== null && m[0] !== '') {
    const name = m[1].toLowerCase();
    let v = m[2]?.trim();
    if (v?.startsWith('"')) v = v.slice(1, -1).replace(/\\(.)/g, '$1');
    const fields = () => (v === undefined ? true : v.split(',').map((f) => f.trim().toLowerCase()).filter(Boolean));
    switch (name) {
      case 'max-age': cc.maxAge = seconds(v); break;
      case 's-maxage': cc.sMaxage = seconds(v); break;
      case 'max-stale': cc.maxStale = v === undefined ? Infinity : seconds(v); break;
      case 'min-fresh': cc.minFresh = seconds(v); break;
      case 'stale-while-revalidate': cc.staleWhileRevalidate = seconds(v); break;
      case 'stale-if-error': cc.staleIfError = seconds(v); break;
      case 'no-store': cc.noStore = true; break;
      case 'no-cache': cc.noCache = fields(); break;
      case 'private': cc.private = fields(); break;
      case 'public': cc.public = true; break;
      case 'must-revalidate': cc.mustRevalidate = true; break;
      case 'proxy-revalidate': cc.proxyRevalidate = true; break;
      case 'no-transform': cc.noTransform = true; break;
      case 'only-if-cached': cc.onlyIfCached = true; break;
      case 'immutable': cc.immutable = true; break;
    }
  }
  return cc;
}

// ---------------------------------------------------------------------------------------------
// Storing (§3)

export interface CacheRequest {
  method: string;
  /** Absolute URL without fragment: the primary cache key. */
  url: string;
  headers: readonly HeaderField[];
}

export interface CacheResponse {
  status: number;
  headers: readonly HeaderField[];
  body?: Uint8Array;
}

export interface Verdict {
  ok: boolean;
  explanation: string;
}

/** Status codes heuristically cacheable (RFC 9110 §15.1). */
export const HEURISTICALLY_CACHEABLE = new Set([200, 203, 204, 206, 300, 301, 308, 404, 405, 410, 414, 501]);

export function isStorable(req: CacheRequest, res: CacheResponse, kind: CacheKind): Verdict {
  const cc = cacheControlOf(res.headers);
  const reqCc = parseCacheControl(fieldValue(req.headers, 'cache-control'));
  const no = (why: string): Verdict => ({ ok: false, explanation: `not stored: ${why}` });
  if (req.method !== 'GET' && req.method !== 'HEAD') return no(`${req.method} responses are not cached by this model`);
  if (res.status < 200) return no(`${res.status} is not a final response`);
  if (res.status === 304) return no('a 304 only freshens a stored response (see freshen)');
  if (res.status === 206) return no('partial content (206) is not cached by this model');
  if (reqCc.noStore) return no('the request said Cache-Control: no-store');
  if (cc.noStore) return no('the response said Cache-Control: no-store');
  if (kind === 'shared' && cc.private === true) return no('Cache-Control: private forbids shared caches');
  if (kind === 'shared' && fieldValue(req.headers, 'authorization') !== undefined && !cc.mustRevalidate && !cc.public && cc.sMaxage === undefined) {
    return no('the request carried Authorization and the response does not allow sharing it (§3.5)');
  }
  if (varyNames(res).includes('*')) return no('Vary: * can never be matched (§4.1)');
  const why = cc.public
    ? 'Cache-Control: public'
    : kind === 'private' && cc.private !== false
      ? 'Cache-Control: private (this is a private cache)'
      : kind === 'shared' && cc.sMaxage !== undefined
        ? `s-maxage=${cc.sMaxage}`
        : cc.maxAge !== undefined
          ? `max-age=${cc.maxAge}`
          : fieldValue(res.headers, 'expires') !== undefined
            ? 'it has Expires'
            : HEURISTICALLY_CACHEABLE.has(res.status)
              ? `status ${res.status} is heuristically cacheable`
              : undefined;
  if (!why) return no(`status ${res.status} without explicit freshness (max-age, Expires or public)`);
  return { ok: true, explanation: `storable: ${why}` };
}

// ---------------------------------------------------------------------------------------------
// Freshness (§4.2)

export interface Freshness {
  /** Seconds. */
  lifetime: number;
  source: 's-maxage' | 'max-age' | 'expires' | 'heuristic' | 'none';
  /** "max-age 3600 s", "heuristic 8640 s (10% of 86400 s since Last-Modified)". */
  describe: string;
}

export interface FreshnessOptions {
  /** Fraction of (Date − Last-Modified) used as a heuristic lifetime (§4.2.2 suggests ≤ 10%). */
  heuristicFraction?: number;
}

export function freshnessLifetime(res: CacheResponse, kind: CacheKind, options: FreshnessOptions = {}, responseTime?: number): Freshness {
  const cc = cacheControlOf(res.headers);
  if (kind === 'shared' && cc.sMaxage !== undefined) return { lifetime: cc.sMaxage, source: 's-maxage', describe: `s-maxage ${cc.sMaxage} s` };
  if (cc.maxAge !== undefined) return { lifetime: cc.maxAge, source: 'max-age', describe: `max-age ${cc.maxAge} s` };
  const dateText = fieldValue(res.headers, 'date');
  const date = dateText !== undefined ? parseHttpDate(dateText) : responseTime;
  const expiresText = fieldValue(res.headers, 'expires');
  if (expiresText !== undefined) {
    const expires = parseHttpDate(expiresText);
    // §5.3: an invalid Expires (e.g. "0") means already expired.
    if (expires === undefined || date === undefined) return { lifetime: 0, source: 'expires', describe: `Expires '${expiresText}' (invalid: already expired)` };
    const lifetime = Math.max(0, Math.floor((expires - date) / 1_000_000));
    return { lifetime, source: 'expires', describe: `Expires − Date = ${lifetime} s` };
  }
  if (HEURISTICALLY_CACHEABLE.has(res.status) || cc.public) {
    const lm = fieldValue(res.headers, 'last-modified');
    const lastModified = lm !== undefined ? parseHttpDate(lm) : undefined;
    const fraction = options.heuristicFraction ?? 0.1;
    if (lastModified !== undefined && date !== undefined && date > lastModified) {
      const since = Math.floor((date - lastModified) / 1_000_000);
      const lifetime = Math.floor(since * fraction);
      return { lifetime, source: 'heuristic', describe: `heuristic ${lifetime} s (${Math.round(fraction * 100)}% of ${since} s since Last-Modified)` };
    }
  }
  return { lifetime: 0, source: 'none', describe: 'no freshness information (lifetime 0 s)' };
}

/** What a cache keeps about a stored response (times in µs). */
export interface StoredResponse {
  request: CacheRequest;
  response: CacheResponse;
  /** When the request was sent / the response received (§4.2.3 request_time, response_time). */
  requestTime: number;
  responseTime: number;
  /** Request header values named by Vary, captured at store time (lower-case names). */
  varyValues: Record<string, string | undefined>;
}

/** A stored response as `HttpCache.entries` lists it (a copy: changing it changes nothing in the cache). */
export interface StoredResponseView {
  url: string;
  status: number;
  /** Size of the stored body (0 for none). */
  bodyBytes: number;
  /** µs, as `StoredResponse`. */
  requestTime: number;
  responseTime: number;
  /** Validators as the response carried them (ETag, Last-Modified), undefined when absent. */
  etag: string | undefined;
  lastModified: string | undefined;
  /** Whole seconds (current_age) and freshness lifetime in seconds, at the `now` asked about. */
  age: number;
  lifetime: number;
  fresh: boolean;
  describe: string;
}

export interface Age {
  /** Whole seconds, as the Age header carries. */
  seconds: number;
  describe: string;
}

/** RFC 9111 §4.2.3 current_age. */
export function currentAge(s: StoredResponse, now: number): Age {
  const dateText = fieldValue(s.response.headers, 'date');
  const dateValue = (dateText !== undefined ? parseHttpDate(dateText) : undefined) ?? s.responseTime;
  const ageText = fieldValue(s.response.headers, 'age');
  const ageValue = ageText !== undefined && /^\d+$/.test(ageText.split(',')[0].trim()) ? Number(ageText.split(',')[0].trim()) * 1_000_000 : 0;
  const apparentAge = Math.max(0, s.responseTime - dateValue);
  const responseDelay = s.responseTime - s.requestTime;
  const correctedAgeValue = ageValue + responseDelay;
  const correctedInitialAge = Math.max(apparentAge, correctedAgeValue);
  const residentTime = now - s.responseTime;
  const us = correctedInitialAge + residentTime;
  const seconds = Math.max(0, Math.floor(us / 1_000_000));
  const parts = [`${Math.floor(residentTime / 1_000_000)} s in this cache`];
  if (ageValue) parts.push(`Age ${ageValue / 1_000_000} s from upstream`);
  if (apparentAge > 0) parts.push(`${Math.floor(apparentAge / 1_000_000)} s between Date and arrival`);
  return { seconds, describe: `age ${seconds} s (${parts.join(', ')})` };
}

// ---------------------------------------------------------------------------------------------
// Using a stored response (§4)

export type CacheDecision =
  /** Serve the stored response as it is. */
  | { action: 'hit'; entry: StoredResponse; age: number; explanation: string }
  /** Send a conditional request with `headers` added; on 304 call `freshen`. */
  | { action: 'revalidate'; entry: StoredResponse; age: number; headers: HeaderField[]; explanation: string }
  /** Nothing usable: forward the request unchanged. */
  | { action: 'miss'; explanation: string };

export interface HttpCacheOptions extends FreshnessOptions {
  /** Name in Cache-Status (RFC 9211), e.g. "edge.cdn.lab". */
  name?: string;
  maxEntries?: number;
}

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS', 'TRACE']);

/** The request fields a response varies on (lower case, each once); `*` stays as a member. */
export function varyNames(res: CacheResponse): string[] {
  const v = fieldValue(res.headers, 'vary');
  if (!v) return [];
  const names: string[] = [];
  for (const x of v.split(',')) {
    const n = x.trim().toLowerCase();
    if (n && !names.includes(n)) names.push(n);
  }
  return names;
}

/** Request fields whose values are case-insensitive (content codings, charsets, language tags: RFC 9110 §8.4.1, §8.3.2, §8.5.1). */
const CASE_INSENSITIVE_FIELDS = new Set(['accept-encoding', 'accept-charset', 'accept-language']);

/**
 * A request's value of a field named by Vary, normalised as RFC 9111 §4.1 allows: field lines
 * combined (fieldValue), optional whitespace removed around commas and collapsed elsewhere, and
 * case folded where the field's values are case-insensitive. Absent stays undefined: it matches
 * only another absent field.
 */
export function varyValue(headers: readonly HeaderField[], name: string): string | undefined {
  const v = fieldValue(headers, name);
  if (v === undefined) return undefined;
  const n = v.replace(/\s*,\s*/g, ',').replace(/\s+/g, ' ').trim();
  return CASE_INSENSITIVE_FIELDS.has(name) ? n.toLowerCase() : n;
}

/** " (the variant for accept-encoding: gzip)" when the stored response has a secondary key. */
function variantText(s: StoredResponse): string {
  const keys = Object.entries(s.varyValues);
  return keys.length ? ` (the variant for ${keys.map(([n, v]) => `${n}: ${v ?? '(absent)'}`).join(', ')})` : '';
}

/** "accept-language: fr ≠ en" for each field named by the stored response's Vary. */
function describeVary(req: CacheRequest, s: StoredResponse): string {
  return Object.entries(s.varyValues)
    .map(([name, stored]) => {
      const now = varyValue(req.headers, name);
      return `${name}: ${now ?? '(absent)'} ${now === stored ? '=' : '≠'} ${stored ?? '(absent)'}`;
    })
    .join(', ');
}

/** Conditional request fields for a stored response (§4.3.1): If-None-Match and/or If-Modified-Since. */
export function conditionalHeaders(s: StoredResponse): HeaderField[] {
  const out: HeaderField[] = [];
  const etag = fieldValue(s.response.headers, 'etag');
  const lm = fieldValue(s.response.headers, 'last-modified');
  if (etag !== undefined) out.push({ name: 'If-None-Match', value: etag });
  if (lm !== undefined) out.push({ name: 'If-Modified-Since', value: lm });
  return out;
}

export class HttpCache {
  private readonly store = new Map<string, StoredResponse[]>();
  private readonly options: HttpCacheOptions;

  constructor(
    readonly kind: CacheKind,
    options: HttpCacheOptions = {},
  ) {
    this.options = options;
  }

  /** Decides how to satisfy `req` at virtual time `now`. */
  lookup(req: CacheRequest, now: number): CacheDecision {
    if (req.method !== 'GET' && req.method !== 'HEAD') return { action: 'miss', explanation: `${req.method} is not served from cache` };
    const candidates = this.store.get(req.url);
    if (!candidates?.length) return { action: 'miss', explanation: `miss: ${req.url} is not in the ${this.kind} cache` };
    const entry = this.selectVariant(candidates, req);
    if (!entry) {
      const names = varyNames(candidates[0].response).join(', ');
      return { action: 'miss', explanation: `miss: stored response varies on ${names} and this request's values differ (${describeVary(req, candidates[0])}; §4.1)` };
    }
    const reqCc = parseCacheControl(fieldValue(req.headers, 'cache-control'));
    const resCc = cacheControlOf(entry.response.headers);
    const fresh = freshnessLifetime(entry.response, this.kind, this.options, entry.responseTime);
    const age = currentAge(entry, now);
    const validators = conditionalHeaders(entry);
    const revalidate = (why: string): CacheDecision =>
      validators.length
        ? { action: 'revalidate', entry, age: age.seconds, headers: validators, explanation: `${why}: revalidate with ${validators.map((h) => h.name).join(' and ')}` }
        : { action: 'miss', explanation: `${why} and it has no validator (ETag or Last-Modified): fetch again` };
    // §5.4: Pragma: no-cache counts only when the request has no Cache-Control.
    const pragmaNoCache = fieldValue(req.headers, 'cache-control') === undefined && /no-cache/i.test(fieldValue(req.headers, 'pragma') ?? '');
    if (reqCc.noCache !== false || pragmaNoCache) return revalidate('the request said no-cache (reload)');
    if (resCc.noCache === true) return revalidate(`stored response says no-cache (${age.describe})`);
    const isFresh = age.seconds < fresh.lifetime;
    const cmp = `${age.describe} ${isFresh ? '<' : '≥'} ${fresh.describe}`;
    if (reqCc.maxAge !== undefined && age.seconds > reqCc.maxAge) return revalidate(`request max-age ${reqCc.maxAge} s exceeded (${age.describe})`);
    if (reqCc.minFresh !== undefined && fresh.lifetime - age.seconds < reqCc.minFresh) return revalidate(`request min-fresh ${reqCc.minFresh} s not met (${cmp})`);
    if (isFresh) return { action: 'hit', entry, age: age.seconds, explanation: `fresh: ${cmp}${variantText(entry)}` };
    const staleBy = age.seconds - fresh.lifetime;
    const mustRevalidate = resCc.mustRevalidate || (this.kind === 'shared' && (resCc.proxyRevalidate || resCc.sMaxage !== undefined));
    if (!mustRevalidate && reqCc.maxStale !== undefined && staleBy <= reqCc.maxStale) {
      return { action: 'hit', entry, age: age.seconds, explanation: `stale by ${staleBy} s but the request allows max-stale ${reqCc.maxStale === Infinity ? '(any)' : reqCc.maxStale + ' s'}` };
    }
    return revalidate(`stale: ${cmp}${mustRevalidate ? ' (must-revalidate)' : ''}`);
  }

  /** Offers a response from upstream; returns why it was or was not stored. */
  put(req: CacheRequest, res: CacheResponse, requestTime: number, responseTime: number): Verdict {
    if (!SAFE_METHODS.has(req.method) && res.status < 400) {
      const n = this.invalidate(req.url);
      const loc = fieldValue(res.headers, 'location');
      if (loc) this.invalidate(loc);
      return { ok: false, explanation: `not stored: unsafe ${req.method}; invalidated ${n} stored response(s) for ${req.url} (§4.4)` };
    }
    const v = isStorable(req, res, this.kind);
    if (!v.ok) return v;
    const varyValues: Record<string, string | undefined> = {};
    for (const name of varyNames(res)) varyValues[name] = varyValue(req.headers, name);
    const entry: StoredResponse = { request: req, response: stripForStorage(res, this.kind), requestTime, responseTime, varyValues };
    const list = (this.store.get(req.url) ?? []).filter((s) => !this.sameVary(s, entry));
    list.unshift(entry);
    this.store.set(req.url, list);
    this.evict();
    const f = freshnessLifetime(res, this.kind, this.options, responseTime);
    return { ok: true, explanation: `${v.explanation}; fresh for ${f.describe}` };
  }

  /**
   * §4.3.4: a 304 freshens the stored response it validates. Header fields from the 304 replace
   * the stored ones (Content-Length excepted) and the entry's times restart.
   */
  freshen(entry: StoredResponse, res304: CacheResponse, requestTime: number, responseTime: number): Verdict {
    const etag = fieldValue(res304.headers, 'etag');
    const storedEtag = fieldValue(entry.response.headers, 'etag');
    if (etag !== undefined && storedEtag !== undefined && weakCompare(etag, storedEtag) === false) {
      return { ok: false, explanation: `304 carries ETag ${etag}, stored response has ${storedEtag}: not the same representation` };
    }
    const replaced = new Set(res304.headers.map((h) => h.name.toLowerCase()).filter((n) => n !== 'content-length'));
    const headers = [...entry.response.headers.filter((h) => !replaced.has(h.name.toLowerCase())), ...res304.headers.filter((h) => h.name.toLowerCase() !== 'content-length')];
    entry.response = { ...entry.response, headers };
    entry.requestTime = requestTime;
    entry.responseTime = responseTime;
    const f = freshnessLifetime(entry.response, this.kind, this.options, responseTime);
    return { ok: true, explanation: `304 Not Modified: stored response freshened (${f.describe}) and served` };
  }

  /** Removes every stored response for a URL; returns how many. */
  invalidate(url: string): number {
    const n = this.store.get(url)?.length ?? 0;
    this.store.delete(url);
    return n;
  }

  clear(): void {
    this.store.clear();
  }

  /** Snapshot for the UI: every stored response with its size, validators, age and freshness now. */
  entries(now: number): readonly StoredResponseView[] {
    const out: StoredResponseView[] = [];
    for (const [url, list] of this.store) {
      for (const s of list) {
        const f = freshnessLifetime(s.response, this.kind, this.options, s.responseTime);
        const a = currentAge(s, now);
        const fresh = a.seconds < f.lifetime;
        out.push({
          url, status: s.response.status, bodyBytes: s.response.body?.length ?? 0, requestTime: s.requestTime, responseTime: s.responseTime,
          etag: fieldValue(s.response.headers, 'etag'), lastModified: fieldValue(s.response.headers, 'last-modified'),
          age: a.seconds, lifetime: f.lifetime, fresh, describe: `${fresh ? 'fresh' : 'stale'}: ${a.describe} ${fresh ? '<' : '≥'} ${f.describe}`,
        });
      }
    }
    return out;
  }

  /** Header fields a shared cache adds when serving: Age (§5.1) and Cache-Status (RFC 9211). */
  servedHeaders(decision: CacheDecision, outcome: 'hit' | 'revalidated' | 'miss', now: number): HeaderField[] {
    const name = this.options.name ?? 'cache';
    const out: HeaderField[] = [];
    if (decision.action !== 'miss') {
      const age = currentAge(decision.entry, now).seconds;
      out.push({ name: 'Age', value: String(age) });
      const f = freshnessLifetime(decision.entry.response, this.kind, this.options, decision.entry.responseTime);
      if (outcome === 'hit') out.push({ name: 'Cache-Status', value: `${name}; hit; ttl=${f.lifetime - age}` });
      else out.push({ name: 'Cache-Status', value: `${name}; fwd=stale; fwd-status=304` });
    } else out.push({ name: 'Cache-Status', value: `${name}; fwd=miss` });
    return out;
  }

  /**
   * §4.1: the stored responses whose Vary fields match the request's (the secondary cache key); of
   * several, the most recent by Date, then the one stored last (lists are kept newest first).
   */
  private selectVariant(candidates: StoredResponse[], req: CacheRequest): StoredResponse | undefined {
    let best: StoredResponse | undefined;
    let bestDate = -Infinity;
    for (const s of candidates) {
      if (!this.varyMatches(s, req)) continue;
      const d = fieldValue(s.response.headers, 'date');
      const date = (d !== undefined ? parseHttpDate(d) : undefined) ?? s.responseTime;
      if (date > bestDate) {
        best = s;
        bestDate = date;
      }
    }
    return best;
  }

  private varyMatches(s: StoredResponse, req: CacheRequest): boolean {
    for (const name in s.varyValues) if (name === '*' || varyValue(req.headers, name) !== s.varyValues[name]) return false;
    return true;
  }

  private sameVary(a: StoredResponse, b: StoredResponse): boolean {
    const ka = Object.keys(a.varyValues);
    const kb = Object.keys(b.varyValues);
    return ka.length === kb.length && ka.every((k) => a.varyValues[k] === b.varyValues[k]);
  }

  private evict(): void {
    const max = this.options.maxEntries;
    if (!max) return;
    let count = 0;
    for (const list of this.store.values()) count += list.length;
    for (const [url, list] of this.store) {
      if (count <= max) break;
      count -= list.length;
      this.store.delete(url);
    }
  }
}

/** A shared cache must not store header fields named in private="…"/no-cache="…" (§5.2.2.4/7). */
function stripForStorage(res: CacheResponse, kind: CacheKind): CacheResponse {
  const cc = cacheControlOf(res.headers);
  const drop = new Set<string>();
  if (kind === 'shared' && Array.isArray(cc.private)) for (const f of cc.private) drop.add(f);
  if (Array.isArray(cc.noCache)) for (const f of cc.noCache) drop.add(f);
  if (!drop.size) return res;
  return { ...res, headers: res.headers.filter((h) => !drop.has(h.name.toLowerCase())) };
}

/** Weak comparison of entity tags (RFC 9110 §8.8.3.2): W/ prefixes ignored. */
export function weakCompare(a: string, b: string): boolean {
  const strip = (t: string) => t.trim().replace(/^W\//, '');
  return strip(a) === strip(b);
}

/** Server side of validation (RFC 9110 §13.1.2/§13.1.3): does the request's condition say 304? */
export function notModified(reqHeaders: readonly HeaderField[], etag: string | undefined, lastModified: number | undefined): boolean {
  const inm = fieldValue(reqHeaders, 'if-none-match');
  if (inm !== undefined) {
    if (inm.trim() === '*') return etag !== undefined;
    return etag !== undefined && inm.split(',').some((t) => weakCompare(t, etag));
  }
  const ims = fieldValue(reqHeaders, 'if-modified-since');
  if (ims !== undefined && lastModified !== undefined) {
    const since = parseHttpDate(ims);
    return since !== undefined && lastModified <= since;
  }
  return false;
}
