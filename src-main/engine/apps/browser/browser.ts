// The lab browser on a host: address bar → HSTS → DNS (browser cache, then the OS through the stub
// resolver) → TCP → TLS 1.3 (SNI, ALPN http/1.1, the lab CA) → HTTP/1.1 with redirects, HSTS
// learning, one persistent connection per origin, the subresources of the HTML, a timing
// breakdown per request (like a browser's network panel) and a rendering record at the end.
import { formatIpv4 } from '../../../../src-shared/net/addr';
import { headerValue } from '../../../../src-shared/net/wire/http';
import { DnsType } from '../../../../src-shared/net/wire/dns';
import { HstsStore, HttpCache, cacheKey, interpretAddressBar, applyHsts, resolveUrl, formatUrl, urlOrigin, parseHtml, subresources, documentTitle, parseCss, type WebUrl, type CacheRequest } from '../../../../src-shared/web';
import { BrowserDnsCache } from '../../services/dns/stub';
import type { DeviceServices } from '../../journey/device-services';
import { epochMicros, type LabPki } from '../../services/http/lab-pki';
import { HttpClient, type HttpResponse } from '../../services/http/client';
import type { IpDevice } from '../../stack/ip-device';

export interface RequestTiming {
  url: string;
  status: number;
  contentType: string;
  bytes: number;
  /** ms, as a network panel shows them (0 when the step was not needed). */
  dns: number;
  connect: number;
  tls: number;
  request: number;
  ttfb: number;
  download: number;
  reused: boolean;
  /** Where the response came from: the network, the private cache, or the cache after a 304. */
  source: 'network' | 'cache' | 'revalidated';
}

export interface RenderRecord {
  url: string;
  title?: string;
  stylesheets: { url: string; rules: number }[];
  images: { url: string; bytes: number; contentType: string }[];
  /** What is painted, in words ("heading 'Example Domain'"). */
  painted: string[];
}

export interface BrowseResult {
  ok: boolean;
  error?: string;
  requests: RequestTiming[];
  render?: RenderRecord;
}



const MAX_REDIRECTS = 5;
type Response = HttpResponse;

export class Browser {
  readonly hsts = new HstsStore();
  readonly dnsCache = new BrowserDnsCache(60);
  /** Every page load so far (requests with timings, rendering record), for the UI. */
  readonly history: BrowseResult[] = [];
  /** The private HTTP cache (RFC 9111). */
  readonly cache = new HttpCache('private');
  private readonly client: HttpClient;

  constructor(
    readonly device: IpDevice,
    readonly services: DeviceServices,
    readonly pki: LabPki,
  ) {
    this.client = new HttpClient(device, services.tcp, pki, (step, text) => this.log(step, text));
  }

  private say(text: string): void {
    this.device.net.print(this.device.name, text);
  }

  private log(step: string, text: string): void {
    const net = this.device.net;
    net.log.add(net.now, 'info', this.device.name, `[${step}] ${text}`);
  }

  /** Types `input` into the address bar and loads the page. */
  browse(input: string, onDone?: (r: BrowseResult) => void): void {
    const net = this.device.net;
    const result: BrowseResult = { ok: false, requests: [] };
    this.history.push(result);
    const finish = (error?: string) => {
      if (error) {
        result.error = error;
        this.say(`browser: ${error}`);
      } else result.ok = true;
      onDone?.(result);
    };
    const bar = interpretAddressBar(input, { hsts: this.hsts, now: epochMicros(net.now) });
    if (!bar.ok) return finish(`cannot navigate to '${input}': ${bar.error.message}`);
    for (const s of bar.value.steps) this.log('url', s);
    this.say(`browser: ${input} → ${formatUrl(bar.value.url)}`);
    const navigate = (url: WebUrl, left: number): void => {
      this.fetch(url, (r, t) => {
        result.requests.push(t);
        if (typeof r === 'string') return finish(r);
        const location = headerValue(r.headers, 'location');
        if (r.status >= 300 && r.status < 400 && location !== undefined) {
          if (left === 0) return finish(`too many redirects at ${formatUrl(url)}`);
          const next = resolveUrl(url, location);
          if (!next.ok) return finish(`bad Location '${location}'`);
          const steps: string[] = [];
          const target = applyHsts(next.value, this.hsts, epochMicros(net.now), steps);
          for (const s of steps) this.log('url', s);
          this.log('http', `${r.status} redirect to ${formatUrl(target)}`);
          return navigate(target, left - 1);
        }
        this.page(url, r, result, () => finish());
      });
    };
    navigate(bar.value.url, MAX_REDIRECTS);
  }

  /** The HTML arrived: fetch its subresources in document order, then record what is painted. */
  private page(url: WebUrl, r: Response, result: BrowseResult, done: () => void): void {
    const type = headerValue(r.headers, 'content-type') ?? '';
    const render: RenderRecord = { url: formatUrl(url), stylesheets: [], images: [], painted: [] };
    result.render = render;
    if (!type.startsWith('text/html')) {
      render.painted.push(`${type || 'unknown content'}: ${r.body.length} bytes shown as they are`);
      this.say(`render: ${render.painted[0]}`);
      return done();
    }
    const doc = parseHtml(new TextDecoder().decode(r.body));
    render.title = documentTitle(doc);
    const subs = subresources(doc, url).filter((s) => s.kind === 'stylesheet' || s.kind === 'image');
    this.log('render', `parsed ${formatUrl(url)}: title '${render.title ?? ''}', ${subs.length} subresource(s) to fetch`);
    const next = (i: number): void => {
      if (i === subs.length) {
        for (const e of walk(doc)) {
          if (/^h[1-6]$/.test(e.tag)) render.painted.push(`heading '${text(e)}'`);
          else if (e.tag === 'p') render.painted.push(`paragraph '${text(e).slice(0, 60)}'`);
          else if (e.tag === 'img') render.painted.push(`image ${e.attributes.src ?? ''}${render.images.some((im) => im.url.endsWith(e.attributes.src ?? '\u0000')) ? '' : ' (missing)'}`);
        }
        render.painted.push(`styled by ${render.stylesheets.reduce((n, s) => n + s.rules, 0)} CSS rule(s) from ${render.stylesheets.length} stylesheet(s)`);
        this.log('render', `painted ${render.painted.length} item(s) of '${render.title ?? formatUrl(url)}'`);
        this.say(`render: '${render.title ?? ''}' — ${render.painted.join('; ')}`);
        return done();
      }
      const s = subs[i];
      this.fetch(s.url, (sr, t) => {
        result.requests.push(t);
        if (typeof sr !== 'string' && sr.status === 200) {
          if (s.kind === 'stylesheet') render.stylesheets.push({ url: formatUrl(s.url), rules: parseCss(new TextDecoder().decode(sr.body)).length });
          else render.images.push({ url: formatUrl(s.url), bytes: sr.body.length, contentType: headerValue(sr.headers, 'content-type') ?? '' });
        }
        next(i + 1);
      });
    };
    next(0);
  }

  /** One GET: DNS and a connection if the origin has none open, then the request on it. */
  fetch(url: WebUrl, done: (r: Response | string, t: RequestTiming) => void): void {
    const net = this.device.net;
    const timing: RequestTiming = { url: formatUrl(url), status: 0, contentType: '', bytes: 0, dns: 0, connect: 0, tls: 0, request: 0, ttfb: 0, download: 0, reused: false, source: 'network' };
    const req: CacheRequest = { method: 'GET', url: cacheKey(url), headers: [] };
    const decision = this.cache.lookup(req, epochMicros(net.now));
    this.log('cache', `HTTP cache for ${formatUrl(url)}: ${decision.explanation}`);
    if (decision.action === 'hit') {
      timing.source = 'cache';
      const e = decision.entry.response;
      net.scheduler.after(0, `${this.device.name} browser cache hit`, () => this.report({ status: e.status, headers: [...e.headers], body: e.body ?? new Uint8Array(0) }, timing, done));
      return;
    }
    const requestTime = epochMicros(net.now);
    const stored = (r: Response | string, t: RequestTiming) => {
      if (typeof r === 'string') return this.report(r, t, done);
      const responseTime = epochMicros(this.device.net.now);
      if (r.status === 304 && decision.action === 'revalidate') {
        const v = this.cache.freshen(decision.entry, { status: 304, headers: r.headers }, requestTime, responseTime);
        this.log('cache', `${formatUrl(url)}: ${v.explanation}`);
        if (v.ok) {
          t.source = 'revalidated';
          const e = decision.entry.response;
          return this.report({ status: e.status, headers: [...e.headers], body: e.body ?? new Uint8Array(0) }, t, done);
        }
      } else {
        const v = this.cache.put(req, { status: r.status, headers: r.headers, body: r.body }, requestTime, responseTime);
        this.log('cache', `${formatUrl(url)} ${v.ok ? 'stored' : 'not stored'}: ${v.explanation}`);
      }
      this.report(r, t, done);
    };
    const extra = decision.action === 'revalidate' ? decision.headers : [];
    const send = (address: number | undefined) =>
      this.client.request(url, address, extra, timing, (r) => {
        if (typeof r !== 'string') {
          const sts = headerValue(r.headers, 'strict-transport-security');
          if (sts !== undefined) {
            const u = this.hsts.noteHeader(url.host, sts, epochMicros(this.device.net.now), { secure: url.scheme === 'https' });
            this.log('url', `HSTS header from ${url.host}: ${u.explanation}`);
          }
        }
        stored(r, timing);
      });
    if (this.client.hasConnection(urlOrigin(url))) return send(undefined);
    const dnsStart = net.now;
    this.resolve(url.host, (address, why) => {
      timing.dns = ms(net.now - dnsStart);
      if (address === undefined) return stored(`cannot resolve ${url.host}: ${why}`, timing);
      send(address);
    });
  }

  private resolve(host: string, done: (address: number | undefined, why: string) => void): void {
    const net = this.device.net;
    const literal = /^\d+\.\d+\.\d+\.\d+$/.test(host) ? host.split('.').reduce((a, b) => ((a << 8) | Number(b)) >>> 0, 0) : undefined;
    if (literal !== undefined) return done(literal, 'an address literal');
    const cached = this.dnsCache.lookup(net.now, host);
    this.log('cache', `browser DNS ${cached.cause}`);
    if (cached.hit) return done(cached.addresses[0], cached.cause);
    this.services.resolve(host, DnsType.A, (e) => {
      if (e.kind === 'resolved' && e.addresses.length) {
        this.log('dns', `${host} is ${formatIpv4(e.addresses[0])} (${e.source}: ${e.cause})`);
        this.log('cache', this.dnsCache.store(net.now, host, e.addresses, e.ttl));
        done(e.addresses[0], e.cause);
      } else done(undefined, e.cause);
    });
  }

  private report(r: Response | string, t: RequestTiming, done: (r: Response | string, t: RequestTiming) => void): void {
    if (typeof r !== 'string') {
      t.status = r.status;
      t.contentType = headerValue(r.headers, 'content-type') ?? '';
      t.bytes = r.body.length;
      const f = (x: number) => x.toFixed(1);
      if (t.source === 'cache') this.say(`GET ${t.url} ${t.status} ${t.contentType.split(';')[0] || '-'} ${t.bytes} B — from the private cache`);
      else this.say(`GET ${t.url} ${t.status} ${t.contentType.split(';')[0] || '-'} ${t.bytes} B — DNS ${f(t.dns)} ms, connect ${f(t.connect)} ms, TLS ${f(t.tls)} ms, TTFB ${f(t.ttfb)} ms, download ${f(t.download)} ms${t.reused ? ' (connection reused)' : ''}${t.source === 'revalidated' ? ' (304: cached copy revalidated)' : ''}`);
    }
    done(r, t);
  }

  /** Empties the browser's DNS cache; returns how many entries went. */
  flush(): number {
    return this.dnsCache.flush();
  }

  /** Empties the private HTTP cache; returns how many responses went. */
  flushHttp(): number {
    const n = this.cache.entries(epochMicros(this.device.net.now)).length;
    this.cache.clear();
    return n;
  }
}

const ms = (us: number) => Math.max(0, us) / 1000;

type El = ReturnType<typeof parseHtml>;
function* walk(e: El): Generator<El> {
  yield e;
  for (const c of e.children) if ('tag' in c) yield* walk(c as El);
}

function text(e: El): string {
  let s = '';
  for (const c of e.children) s += 'tag' in c ? text(c as El) : (c as { text: string }).text;
  return s.replace(/\s+/g, ' ').trim();
}
