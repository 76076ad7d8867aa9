// The lab browser on a host: address bar → HSTS → DNS (browser cache, then the OS through the stub
// resolver) → TCP → TLS 1.3 (SNI, ALPN http/1.1, the lab CA) → HTTP/1.1 with redirects, HSTS
// learning, one persistent connection per origin, the subresources of the HTML, a timing
// breakdown per request (like a browser's network panel) and a rendering record at the end.
import { formatIpv4 } from '../../../../src-shared/net/addr';
import { emitHttpRequest, headerValue, HttpStreamParser, type HttpMessage } from '../../../../src-shared/net/wire/http';
import { DnsType } from '../../../../src-shared/net/wire/dns';
import { HstsStore, HttpCache, cacheKey, interpretAddressBar, applyHsts, resolveUrl, formatUrl, hostHeader, requestTarget, urlOrigin, parseHtml, subresources, documentTitle, parseCss, type WebUrl, type HeaderField, type CacheRequest } from '../../../../src-shared/web';
import { BrowserDnsCache } from '../../services/dns/stub';
import type { DeviceServices } from '../../journey/device-services';
import { epochMicros, type LabPki } from '../../services/http/lab-pki';
import { HttpStream } from '../../services/http/stream';
import { TlsClient } from '../../tls13';
import type { IpDevice } from '../../stack/ip-device';
import type { Micros } from '../../sim/time';

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

interface Response {
  status: number;
  headers: { name: string; value: string }[];
  body: Uint8Array;
}

interface Pending {
  url: WebUrl;
  /** Conditional request fields (If-None-Match / If-Modified-Since) for a revalidation. */
  extra: HeaderField[];
  done: (r: Response | string, t: RequestTiming) => void;
  timing: RequestTiming;
  started: Micros;
}

/** One persistent connection to an origin; requests go one after another. */
class OriginConnection {
  queue: Pending[] = [];
  current: Pending | null = null;
  open = false;
  dead = false;
  readonly parser = new HttpStreamParser('response');
  sentAt = 0;
  firstByteAt = 0;
  lastUsed = 0;

  constructor(readonly stream: HttpStream) {}
}

const MAX_REDIRECTS = 5;
/** Idle connections are closed after this long (Chromium's unused-socket timeout is 5 minutes). */
export const IDLE_CONNECTION_TIMEOUT = 300_000_000;

export class Browser {
  readonly hsts = new HstsStore();
  readonly dnsCache = new BrowserDnsCache(60);
  /** The private HTTP cache (RFC 9111). */
  readonly cache = new HttpCache('private');
  private readonly connections = new Map<string, OriginConnection>();

  constructor(
    readonly device: IpDevice,
    readonly services: DeviceServices,
    readonly pki: LabPki,
  ) {}

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
    const pending: Pending = { url, extra: decision.action === 'revalidate' ? decision.headers : [], done: stored, timing, started: net.now };
    const origin = urlOrigin(url);
    const existing = this.connections.get(origin);
    if (existing && !existing.dead) {
      timing.reused = true;
      this.log('tcp', `reusing the open connection to ${origin} for ${formatUrl(url)}`);
      existing.queue.push(pending);
      this.pump(existing);
      return;
    }
    const dnsStart = net.now;
    this.resolve(url.host, (address, why) => {
      timing.dns = ms(net.now - dnsStart);
      if (address === undefined) return pending.done(`cannot resolve ${url.host}: ${why}`, timing);
      this.connect(url, address, pending);
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

  private connect(url: WebUrl, address: number, first: Pending): void {
    const net = this.device.net;
    const secure = url.scheme === 'https';
    const tls = secure ? new TlsClient({ source: this.pki.connectionBytes(this.device.name), serverName: url.host, alpn: ['http/1.1'], trusted: [this.pki.ca.der], now: epochMicros(net.now), keyLog: this.pki.keyLog }) : null;
    const connectStart = net.now;
    let tcpUp = 0;
    const origin = urlOrigin(url);
    const c = this.services.tcp.connect(address, url.port, {}, {}, `${secure ? 'TLS handshake' : 'HTTP'} for ${origin}`);
    if (typeof c === 'string') return first.done(`cannot connect to ${formatIpv4(address)}:${url.port}: ${c}`, first.timing);
    const stream = new HttpStream(c, tls);
    const base = stream.tcpHandlers();
    c.handlers = {
      ...base,
      onConnected: (conn) => {
        tcpUp = net.now;
        first.timing.connect = ms(tcpUp - connectStart);
        this.log('tcp', `connected to ${formatIpv4(address)}:${url.port} for ${origin}`);
        base.onConnected?.(conn);
      },
    };
    c.context = `${secure ? 'TLS handshake' : 'HTTP'} for ${origin}`;
    const conn = new OriginConnection(stream);
    this.connections.set(origin, conn);
    conn.queue.push(first);
    stream.handlers = {
      onTls: (e) => {
        if (e.kind === 'certificate') this.log('tls', `certificate for ${url.host}: ${e.verdict.ok ? 'valid, signed by the lab CA' : e.verdict.reason}`);
        if (e.kind === 'sent' || e.kind === 'received') {
          c.context = `TLS ${e.message} (${url.host})`;
          this.log('tls', `${e.kind} ${e.message}: ${e.detail}`);
        }
        if (e.kind === 'connected') this.log('tls', `TLS 1.3 up with ${e.serverName ?? url.host}: ${e.cipherSuite}${e.alpn ? `, ALPN ${e.alpn}` : ''}`);
      },
      onOpen: () => {
        if (secure) first.timing.tls = ms(net.now - tcpUp);
        conn.open = true;
        this.pump(conn);
      },
      onData: (data) => this.receive(conn, data),
      onClose: (cause) => {
        conn.dead = true;
        if (this.connections.get(origin) === conn) this.connections.delete(origin);
        const p = conn.current;
        conn.current = null;
        if (p) p.done(`connection to ${origin} closed: ${cause}`, p.timing);
        for (const q of conn.queue.splice(0)) q.done(`connection to ${origin} closed: ${cause}`, q.timing);
      },
    };
  }

  private pump(conn: OriginConnection): void {
    if (!conn.open || conn.current || conn.dead) return;
    const p = conn.queue.shift();
    if (!p) return;
    const net = this.device.net;
    conn.current = p;
    const url = p.url;
    conn.parser.expectResponseTo('GET');
    conn.sentAt = net.now;
    conn.firstByteAt = 0;
    p.timing.request = 0;
    conn.stream.tcp.context = `HTTP GET ${formatUrl(url)}`;
    this.log('http', `GET ${formatUrl(url)}${p.extra.length ? ` (conditional: ${p.extra.map((h) => `${h.name}: ${h.value}`).join(', ')})` : ''}`);
    conn.stream.write(emitHttpRequest({ method: 'GET', target: requestTarget(url), headers: [{ name: 'Host', value: hostHeader(url) }, { name: 'User-Agent', value: 'PacketLab/1.0' }, { name: 'Accept', value: '*/*' }, ...p.extra] }));
  }

  private receive(conn: OriginConnection, data: Uint8Array): void {
    const net = this.device.net;
    if (conn.firstByteAt === 0) conn.firstByteAt = net.now;
    const r = conn.parser.push(data);
    for (const m of r.messages) this.complete(conn, m);
    if (r.error) conn.stream.close();
  }

  private complete(conn: OriginConnection, m: HttpMessage): void {
    const p = conn.current;
    if (!p || m.start.kind !== 'response') return;
    const net = this.device.net;
    conn.current = null;
    p.timing.ttfb = ms(conn.firstByteAt - conn.sentAt);
    p.timing.download = ms(net.now - conn.firstByteAt);
    const headers = m.headers.map((h) => ({ name: h.name, value: h.value }));
    const sts = headerValue(headers, 'strict-transport-security');
    if (sts !== undefined) {
      const u = this.hsts.noteHeader(p.url.host, sts, epochMicros(net.now), { secure: p.url.scheme === 'https' });
      this.log('url', `HSTS header from ${p.url.host}: ${u.explanation}`);
    }
    p.done({ status: m.start.status, headers, body: m.body }, p.timing);
    this.pump(conn);
    const usedAt = net.now;
    conn.lastUsed = usedAt;
    net.scheduler.after(IDLE_CONNECTION_TIMEOUT, `${this.device.name} browser idle connection`, () => {
      if (conn.lastUsed !== usedAt || conn.current || conn.queue.length || conn.dead) return;
      this.log('tcp', `closing the idle connection to ${urlOrigin(p.url)} (unused for ${IDLE_CONNECTION_TIMEOUT / 1_000_000} s)`);
      conn.stream.tcp.context = `idle connection to ${urlOrigin(p.url)} closed`;
      conn.stream.close();
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
