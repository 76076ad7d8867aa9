// The lab browser on a host: address bar → HSTS → DNS (browser cache, then the OS through the stub
// resolver) → TCP → TLS 1.3 (SNI, ALPN http/1.1, the lab CA) → HTTP/1.1 with redirects, HSTS
// learning, one persistent connection per origin, the subresources of the HTML, a timing
// breakdown per request (like a browser's network panel) and a rendering record at the end.
// Each decision without a frame (address bar, HSTS, every cache tier, rendering) is recorded as a
// structured journey event; each exchange on the wire with the time its request went out.
import { formatIpv4 } from '../../../../src-shared/net/addr';
import { headerValue } from '../../../../src-shared/net/wire/http';
import { DnsType } from '../../../../src-shared/net/wire/dns';
import { HstsStore, HttpCache, cacheKey, interpretAddressBar, applyHsts, resolveUrl, formatUrl, urlOrigin, parseHtml, subresources, documentTitle, parseCss, computeStyles, inlineStyleSheets, type WebUrl, type CacheRequest, type CssRule, type HtmlElement } from '../../../../src-shared/web';
import { BrowserDnsCache } from '../../services/dns/stub';
import type { DeviceServices } from '../../journey/device-services';
import type { JourneyRecorder } from '../../journey/record';
import { observeHttpClient } from '../../journey/observe';
import type { JourneyStep } from '../../journey/steps';
import { epochMicros, type LabPki } from '../../services/http/lab-pki';
import { HttpClient, type HttpResponse } from '../../services/http/client';
import type { IpDevice } from '../../stack/ip-device';
import type { Micros } from '../../sim/time';

/** The HTML kept in the rendering record (the rest is cut). */
export const MAX_HTML_BYTES = 1 << 20;
/** Images larger than this are listed without their bytes. */
export const MAX_IMAGE_BYTES = 256 << 10;

export interface RequestTiming {
  url: string;
  /** Virtual time the request started (µs): the browser asked its cache, DNS and connection for it. */
  startUs: Micros;
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

/** A node of the parsed DOM in document order; depth 0 is a top-level element. */
export interface DomNode {
  depth: number;
  kind: 'element' | 'text' | 'comment';
  /** Tag for elements, the text (whitespace collapsed) for text nodes. */
  name: string;
  attributes: Record<string, string>;
}

export interface RenderRecord {
  url: string;
  title?: string;
  /** The HTML as received (at most MAX_HTML_BYTES, decoded as UTF-8). */
  html: string;
  dom: DomNode[];
  /** External sheets in document order, then the page's <style> elements (url `#style-N`). */
  stylesheets: { url: string; rules: number; css: string }[];
  /** `data` is empty when the image is larger than MAX_IMAGE_BYTES. */
  images: { url: string; bytes: number; contentType: string; data: Uint8Array }[];
  /** What is painted, in words ("heading 'Example Domain'"). */
  painted: string[];
}

export interface BrowseResult {
  device: string;
  /** What was typed. */
  input: string;
  /** The URL the address bar made of it (the page's URL once it rendered). */
  url: string;
  startUs: Micros;
  endUs: Micros;
  ok: boolean;
  error?: string;
  requests: RequestTiming[];
  render?: RenderRecord;
}

export interface BrowserOptions {
  /** Where journey events go (the simulation's recorder). */
  recorder?: JourneyRecorder;
  /** Hosts on the HSTS preload list (with their subdomains). */
  hstsPreload?: readonly string[];
}

const MAX_REDIRECTS = 5;
type Response = HttpResponse;

export class Browser {
  readonly hsts: HstsStore;
  readonly dnsCache = new BrowserDnsCache(60);
  /** Every page load so far (requests with timings, rendering record), for the UI. */
  readonly history: BrowseResult[] = [];
  /** The private HTTP cache (RFC 9111). */
  readonly cache = new HttpCache('private');
  private readonly client: HttpClient;
  private readonly recorder: JourneyRecorder | undefined;

  constructor(
    readonly device: IpDevice,
    readonly services: DeviceServices,
    readonly pki: LabPki,
    options: BrowserOptions = {},
  ) {
    this.hsts = new HstsStore((options.hstsPreload ?? []).map((host) => ({ host, includeSubDomains: true })));
    this.recorder = options.recorder;
    this.client = new HttpClient(device, services.tcp, pki, (step, text) => this.log(step, text));
    if (this.recorder) observeHttpClient(this.client, device.name, this.recorder, () => device.net.now);
  }

  /** Records a journey event (nothing when the browser runs without a recorder). */
  private note(step: JourneyStep, summary: string, facts: Record<string, string>, causes: string[] = [], at?: { time: Micros; afterFrame: number }): void {
    this.recorder?.add(step, this.device.name, summary, facts, causes, at);
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
    const result: BrowseResult = { device: this.device.name, input, url: input, startUs: net.now, endUs: net.now, ok: false, requests: [] };
    this.history.push(result);
    const finish = (error?: string) => {
      result.endUs = net.now;
      if (error) {
        result.error = error;
        this.say(`browser: ${error}`);
      } else result.ok = true;
      onDone?.(result);
    };
    const bar = interpretAddressBar(input, { hsts: this.hsts, now: epochMicros(net.now) });
    if (!bar.ok) {
      this.note('url', `'${input}' typed into the address bar cannot be navigated to: ${bar.error.message}`, { kind: 'invalid', input, error: bar.error.message });
      return finish(`cannot navigate to '${input}': ${bar.error.message}`);
    }
    for (const s of bar.value.steps) this.log('url', s);
    result.url = formatUrl(bar.value.url);
    const plain = interpretAddressBar(input);
    const upgraded = plain.ok && plain.value.url.scheme !== bar.value.url.scheme;
    this.note(
      'url',
      `'${input}' typed into the address bar ${bar.value.kind === 'search' ? 'is a search' : 'is a URL'}: ${result.url}${upgraded ? ' (upgraded to https by HSTS)' : ''}`,
      { kind: bar.value.kind, input, url: result.url, host: bar.value.url.host, scheme: bar.value.url.scheme, hstsUpgrade: upgraded ? 'yes' : 'no' },
      bar.value.steps,
    );
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
          if (steps.length) this.note('url', `HSTS upgraded the redirect to ${formatUrl(target)} before any request`, { kind: 'hsts-upgrade', from: formatUrl(next.value), url: formatUrl(target), host: target.host }, steps);
          this.log('http', `${r.status} redirect to ${formatUrl(target)}`);
          return navigate(target, left - 1);
        }
        this.page(url, r, result, () => finish());
      });
    };
    navigate(bar.value.url, MAX_REDIRECTS);
  }

  /** The HTML arrived: fetch its subresources in document order, apply the cascade, record what is painted. */
  private page(url: WebUrl, r: Response, result: BrowseResult, done: () => void): void {
    const type = headerValue(r.headers, 'content-type') ?? '';
    const pageUrl = formatUrl(url);
    const html = new TextDecoder().decode(r.body.length > MAX_HTML_BYTES ? r.body.subarray(0, MAX_HTML_BYTES) : r.body);
    const render: RenderRecord = { url: pageUrl, html: type.startsWith('text/html') ? html : '', dom: [], stylesheets: [], images: [], painted: [] };
    result.render = render;
    result.url = pageUrl;
    if (!type.startsWith('text/html')) {
      render.painted.push(`${type || 'unknown content'}: ${r.body.length} bytes shown as they are`);
      this.note('render', `${pageUrl} is ${type || 'of unknown type'}: shown as it is, nothing to parse`, { kind: 'painted', url: pageUrl, contentType: type, items: '1' }, render.painted);
      this.say(`render: ${render.painted[0]}`);
      return done();
    }
    const doc = parseHtml(html);
    render.title = documentTitle(doc);
    render.dom = flattenDom(doc);
    const subs = subresources(doc, url).filter((s) => s.kind === 'stylesheet' || s.kind === 'image');
    const elementCount = render.dom.reduce((n, d) => n + (d.kind === 'element' ? 1 : 0), 0);
    this.log('render', `parsed ${pageUrl}: title '${render.title ?? ''}', ${subs.length} subresource(s) to fetch`);
    this.note('render', `parsed the HTML of ${pageUrl}: ${elementCount} elements, title '${render.title ?? ''}', ${subs.length} subresource(s) to fetch`, {
      kind: 'parsed', url: pageUrl, title: render.title ?? '', elements: String(elementCount), subresources: String(subs.length), bytes: String(r.body.length),
    }, subs.map((s) => `${s.kind} ${formatUrl(s.url)}`));
    const sheets: CssRule[][] = [];
    const next = (i: number): void => {
      if (i === subs.length) {
        inlineStyleSheets(doc).forEach((css, k) => {
          const rules = parseCss(css);
          sheets.push(rules);
          render.stylesheets.push({ url: `${pageUrl}#style-${k + 1}`, rules: rules.length, css });
        });
        const ruleCount = render.stylesheets.reduce((n, s) => n + s.rules, 0);
        const styles = computeStyles(doc, sheets);
        this.note('render', `applied ${ruleCount} CSS rule(s) from ${render.stylesheets.length} stylesheet(s) to ${styles.size} element(s)`, {
          kind: 'styled', url: pageUrl, rules: String(ruleCount), stylesheets: String(render.stylesheets.length), elements: String(styles.size),
        }, render.stylesheets.map((s) => `${s.url}: ${s.rules} rule(s)`));
        const said: string[] = [];
        for (const e of walk(doc)) {
          const st = styles.get(e)?.style;
          if (st?.display === 'none') continue;
          const look = st ? ` — ${st['font-size']} ${st['font-weight']}, ${st.color}` : '';
          let words: string | undefined;
          if (/^h[1-6]$/.test(e.tag)) words = `heading '${text(e)}'`;
          else if (e.tag === 'p') words = `paragraph '${text(e).slice(0, 60)}'`;
          else if (e.tag === 'img') words = `image ${e.attributes.src ?? ''}${render.images.some((im) => im.url.endsWith(e.attributes.src ?? '\u0000')) ? '' : ' (missing)'}`;
          if (words === undefined) continue;
          said.push(words);
          render.painted.push(e.tag === 'img' ? words : words + look);
        }
        const styled = `styled by ${ruleCount} CSS rule(s) from ${render.stylesheets.length} stylesheet(s)`;
        said.push(styled);
        render.painted.push(styled);
        this.log('render', `painted ${render.painted.length} item(s) of '${render.title ?? pageUrl}'`);
        this.note('render', `painted ${render.painted.length} item(s) of '${render.title ?? pageUrl}'`, { kind: 'painted', url: pageUrl, title: render.title ?? '', items: String(render.painted.length) }, render.painted);
        this.say(`render: '${render.title ?? ''}' — ${said.join('; ')}`);
        return done();
      }
      const s = subs[i];
      this.fetch(s.url, (sr, t) => {
        result.requests.push(t);
        if (typeof sr !== 'string' && sr.status === 200) {
          if (s.kind === 'stylesheet') {
            const css = new TextDecoder().decode(sr.body);
            const rules = parseCss(css);
            sheets.push(rules);
            render.stylesheets.push({ url: formatUrl(s.url), rules: rules.length, css });
          } else render.images.push({ url: formatUrl(s.url), bytes: sr.body.length, contentType: headerValue(sr.headers, 'content-type') ?? '', data: sr.body.length <= MAX_IMAGE_BYTES ? sr.body : new Uint8Array(0) });
        }
        next(i + 1);
      });
    };
    next(0);
  }

  /** One GET: DNS and a connection if the origin has none open, then the request on it. */
  fetch(url: WebUrl, done: (r: Response | string, t: RequestTiming) => void): void {
    const net = this.device.net;
    const link = formatUrl(url);
    const timing: RequestTiming = { url: link, startUs: net.now, status: 0, contentType: '', bytes: 0, dns: 0, connect: 0, tls: 0, request: 0, ttfb: 0, download: 0, reused: false, source: 'network' };
    const req: CacheRequest = { method: 'GET', url: cacheKey(url), headers: [] };
    const decision = this.cache.lookup(req, epochMicros(net.now));
    this.log('cache', `HTTP cache for ${link}: ${decision.explanation}`);
    if (decision.action === 'hit') {
      this.note('cache', `${link} comes from the browser's HTTP cache: fresh (age ${decision.age} s)`, { kind: 'http-cache-fresh', url: link, age: String(decision.age) }, [decision.explanation]);
      timing.source = 'cache';
      const e = decision.entry.response;
      net.scheduler.after(0, `${this.device.name} browser cache hit`, () => this.report({ status: e.status, headers: [...e.headers], body: e.body ?? new Uint8Array(0) }, timing, done));
      return;
    }
    if (decision.action === 'revalidate') this.note('cache', `${link} is in the browser's HTTP cache but stale (age ${decision.age} s): revalidate with ${decision.headers.map((h) => h.name).join(' and ')}`, { kind: 'http-cache-stale', url: link, age: String(decision.age), validators: decision.headers.map((h) => `${h.name}: ${h.value}`).join(', ') }, [decision.explanation]);
    else {
      const held = this.cache.entries(epochMicros(net.now)).some((e) => e.url === req.url);
      this.note('cache', held ? `${link} is in the browser's HTTP cache but cannot be used: fetch it again` : `${link}: not in the browser's HTTP cache, fetch it`, { kind: 'http-cache-miss', url: link, held: held ? 'yes' : 'no' }, [decision.explanation]);
    }
    const requestTime = epochMicros(net.now);
    const stored = (r: Response | string, t: RequestTiming) => {
      if (typeof r === 'string') return this.report(r, t, done);
      const responseTime = epochMicros(this.device.net.now);
      if (r.status === 304 && decision.action === 'revalidate') {
        const v = this.cache.freshen(decision.entry, { status: 304, headers: r.headers }, requestTime, responseTime);
        this.log('cache', `${link}: ${v.explanation}`);
        if (v.ok) {
          this.note('cache', `304 Not Modified: the cached copy of ${link} was revalidated and served`, { kind: 'http-cache-revalidated', url: link }, [v.explanation]);
          t.source = 'revalidated';
          const e = decision.entry.response;
          return this.report({ status: e.status, headers: [...e.headers], body: e.body ?? new Uint8Array(0) }, t, done);
        }
      } else {
        const v = this.cache.put(req, { status: r.status, headers: r.headers, body: r.body }, requestTime, responseTime);
        this.log('cache', `${link} ${v.ok ? 'stored' : 'not stored'}: ${v.explanation}`);
        this.note('cache', `${link} (${r.status}) ${v.ok ? 'stored in' : 'not stored in'} the browser's HTTP cache`, { kind: v.ok ? 'http-cache-stored' : 'http-cache-not-stored', url: link, status: String(r.status) }, [v.explanation]);
      }
      this.report(r, t, done);
    };
    const extra = decision.action === 'revalidate' ? decision.headers : [];
    const origin = urlOrigin(url);
    const send = (address: number | undefined) => {
      this.client.request(url, address, extra, timing, (r) => {
        if (typeof r !== 'string') {
          this.noteSharedCache(url, r);
          const sts = headerValue(r.headers, 'strict-transport-security');
          if (sts !== undefined) {
            const u = this.hsts.noteHeader(url.host, sts, epochMicros(this.device.net.now), { secure: url.scheme === 'https' });
            this.log('url', `HSTS header from ${url.host}: ${u.explanation}`);
            if (u.action !== 'updated') this.note('url', `Strict-Transport-Security from ${url.host}: ${u.explanation}`, { kind: u.action === 'ignored' ? 'hsts-ignored' : 'hsts-learned', host: url.host, header: sts }, [u.explanation]);
          }
        }
        stored(r, timing);
      });
    };
    if (this.client.hasConnection(origin)) return send(undefined);
    const dnsStart = net.now;
    this.resolve(url.host, (address, why) => {
      timing.dns = ms(net.now - dnsStart);
      if (address === undefined) return stored(`cannot resolve ${url.host}: ${why}`, timing);
      send(address);
    });
  }

  /** What the shared cache on the way (a CDN edge) said of the response, from its Cache-Status (RFC 9211). */
  private noteSharedCache(url: WebUrl, r: Response): void {
    const recorder = this.recorder;
    if (!recorder) return;
    const net = this.device.net;
    const link = formatUrl(url);
    const cacheStatus = headerValue(r.headers, 'cache-status') ?? '';
    // Cache-Status: "cdn-edge; hit" or "cdn-edge; fwd=miss" (RFC 9211): the shared cache's verdict.
    const first = cacheStatus.split(',')[0].trim();
    if (!first) return;
    const [name, ...params] = first.split(';').map((x) => x.trim());
    const hit = params.includes('hit');
    const fwd = params.find((p) => p.startsWith('fwd='))?.slice(4) ?? '';
    const age = headerValue(r.headers, 'age') ?? '';
    const where = net.devices.has(name) ? name : this.device.name;
    recorder.add('cache', where, `${name} answered ${link} ${hit ? `from its shared cache (HIT${age ? `, Age ${age} s` : ''})` : `after asking the origin (MISS${fwd && fwd !== 'miss' ? `, ${fwd}` : ''})`}`, {
      kind: hit ? 'cdn-hit' : 'cdn-miss', cache: name, url: link, age, forward: fwd,
    }, [`Cache-Status: ${cacheStatus}`]);
  }

  private resolve(host: string, done: (address: number | undefined, why: string) => void): void {
    const net = this.device.net;
    const literal = /^\d+\.\d+\.\d+\.\d+$/.test(host) ? host.split('.').reduce((a, b) => ((a << 8) | Number(b)) >>> 0, 0) : undefined;
    if (literal !== undefined) return done(literal, 'an address literal');
    const cached = this.dnsCache.lookup(net.now, host);
    this.log('cache', `browser DNS ${cached.cause}`);
    if (cached.hit) {
      const left = this.dnsCache.snapshot(net.now).find((e) => e.name === host.toLowerCase())?.ttl ?? 0;
      this.note('cache', `browser DNS cache hit for ${host}: ${formatIpv4(cached.addresses[0])} (${left} s left)`, { kind: 'browser-dns-hit', name: host, address: formatIpv4(cached.addresses[0]), ttlLeft: String(left) }, [cached.cause]);
      return done(cached.addresses[0], cached.cause);
    }
    this.note('cache', `browser DNS cache miss for ${host}: ask the OS`, { kind: 'browser-dns-miss', name: host }, [cached.cause]);
    // The OS cache decides at once; whether it hit is known with the answer, told where it happened.
    const asked = this.recorder?.mark();
    this.services.resolve(host, DnsType.A, (e) => {
      if (e.kind === 'resolved' && e.addresses.length) {
        const address = formatIpv4(e.addresses[0]);
        const tier = e.source === 'hosts' ? 'hosts-hit' : e.source === 'os-cache' ? 'os-dns-hit' : 'os-dns-miss';
        const said =
          e.source === 'hosts' ? `hosts file has ${host}: ${address}` : e.source === 'os-cache' ? `OS DNS cache hit for ${host}: ${address} (${e.ttl} s left)` : `OS DNS cache miss for ${host}: the name servers answered ${address} (TTL ${e.ttl} s)`;
        this.note('cache', said, { kind: tier, name: host, address, ttl: String(e.ttl) }, [e.cause], asked);
        this.log('dns', `${host} is ${address} (${e.source}: ${e.cause})`);
        const storedText = this.dnsCache.store(net.now, host, e.addresses, e.ttl);
        this.log('cache', storedText);
        done(e.addresses[0], e.cause);
      } else {
        this.note('cache', `${host} could not be resolved: ${e.cause}`, { kind: 'dns-failed', name: host }, [e.cause]);
        done(undefined, e.cause);
      }
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

function* walk(e: HtmlElement): Generator<HtmlElement> {
  yield e;
  for (const c of e.children) if (c.kind === 'element') yield* walk(c);
}

function text(e: HtmlElement): string {
  let s = '';
  for (const c of e.children) s += c.kind === 'element' ? text(c) : c.text;
  return s.replace(/\s+/g, ' ').trim();
}

/** The DOM in document order with depths; whitespace-only text between elements is left out. */
export function flattenDom(doc: HtmlElement): DomNode[] {
  const out: DomNode[] = [];
  const visit = (e: HtmlElement, depth: number): void => {
    for (const c of e.children) {
      if (c.kind === 'element') {
        out.push({ depth, kind: 'element', name: c.tag, attributes: { ...c.attributes } });
        visit(c, depth + 1);
      } else {
        const t = c.text.replace(/\s+/g, ' ').trim();
        if (t) out.push({ depth, kind: 'text', name: t, attributes: {} });
      }
    }
  };
  visit(doc, 0);
  return out;
}
