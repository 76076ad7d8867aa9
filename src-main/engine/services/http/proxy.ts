// A reverse proxy / CDN edge on a proxy-cache device: it answers for the configured site names
// (http on 80, https on 443 with a lab-CA certificate), serves from a shared HTTP cache (RFC 9111)
// and goes to the origin on a miss or to revalidate, adding Age and Cache-Status (RFC 9211) so
// HIT and MISS are visible on the wire. A client's own conditional request gets a 304 from the edge.
import { formatIpv4 } from '../../../../src-shared/net/addr';
import { emitHttpResponse, HttpStreamParser, type HttpMessage } from '../../../../src-shared/net/wire/http';
import { fieldValue, formatHttpDate, HttpCache, notModified, parseHttpDate, parseUrl, type CacheDecision, type HeaderField } from '../../../../src-shared/web';
import { TlsServer } from '../../tls13';
import type { IpDevice } from '../../stack/ip-device';
import type { TcpStack } from '../../stack/tcp-stack';
import { HttpClient, type HttpResponse } from './client';
import { epochMicros, type LabPki } from './lab-pki';
import { HttpStream } from './stream';

export interface ProxyConfig {
  /** Address of the origin server. */
  origin: number;
  /** Site names served (and put in the edge's certificate). */
  sites: string[];
  /** Serve https on 443 (default true). */
  tls: boolean;
  /** Reach the origin over https (default true). */
  originTls: boolean;
  /** Name in Cache-Status. */
  cacheName: string;
}

/** Hop-by-hop fields a proxy does not forward (RFC 9110 §7.6.1). */
const HOP_BY_HOP = new Set(['connection', 'keep-alive', 'transfer-encoding', 'te', 'trailer', 'upgrade', 'proxy-connection', 'age', 'cache-status']);

/**
 * Client request fields the edge does not pass to the origin: hop-by-hop ones, Host (the client
 * sets its own), the edge's own User-Agent, and the client's conditionals (the edge validates its
 * own copy and answers the client's condition itself). Everything else goes upstream, so the
 * origin chooses its representation from the same fields the cache keys a `Vary` response by.
 */
const NOT_FORWARDED = new Set([...HOP_BY_HOP, 'host', 'user-agent', 'content-length', 'if-none-match', 'if-modified-since', 'if-match', 'if-unmodified-since', 'if-range']);

export class ReverseProxy {
  readonly cache: HttpCache;
  /** The edge's client to the origin (read-only use outside: journey observers). */
  readonly client: HttpClient;
  stats = { hits: 0, misses: 0, revalidated: 0 };

  constructor(
    readonly device: IpDevice,
    tcp: TcpStack,
    readonly config: ProxyConfig,
    pki: LabPki,
  ) {
    this.cache = new HttpCache('shared', { name: config.cacheName });
    this.client = new HttpClient(device, tcp, pki, (step, text) => this.log(`[${step}] ${text}`), `PacketLab-edge/1.0 (${config.cacheName})`);
    tcp.listen(80, (c) => this.serve(new HttpStream(c, null), false));
    if (config.tls) {
      const identity = pki.identity(config.sites);
      tcp.listen(443, (c) => this.serve(new HttpStream(c, new TlsServer({ source: pki.connectionBytes(device.name), identities: [identity], alpn: ['http/1.1'], keyLog: pki.keyLog })), true));
    }
  }

  private log(text: string): void {
    const net = this.device.net;
    net.log.add(net.now, 'info', this.device.name, text);
  }

  private serve(stream: HttpStream, secure: boolean) {
    const parser = new HttpStreamParser('request');
    // Requests on one connection are answered in order.
    const queue: HttpMessage[] = [];
    let busy = false;
    const next = (): void => {
      if (busy || stream.closed) return;
      const m = queue.shift();
      if (!m) return;
      busy = true;
      this.answer(stream, m, secure, () => {
        busy = false;
        next();
      });
    };
    stream.tcp.context = secure ? 'TLS' : '';
    stream.handlers = {
      onTls: (e) => {
        if (e.kind === 'received' || e.kind === 'sent') stream.tcp.context = `TLS ${e.message}`;
      },
      onData: (data) => {
        const r = parser.push(data);
        queue.push(...r.messages);
        if (r.error) stream.close();
        next();
      },
      onClose: () => stream.close(),
    };
    stream.accepted();
    return stream.tcpHandlers();
  }

  private answer(stream: HttpStream, m: HttpMessage, secure: boolean, done: () => void): void {
    if (m.start.kind !== 'request') return done();
    const net = this.device.net;
    const method = m.start.method;
    const target = m.start.target;
    const headers: HeaderField[] = m.headers.map((h) => ({ name: h.name, value: h.value }));
    const host = (fieldValue(headers, 'host') ?? '').toLowerCase().replace(/:\d+$/, '');
    const send = (status: number, fields: HeaderField[], body: Uint8Array, why: string) => {
      stream.tcp.context = `HTTP ${status} for ${method} ${target} (${why})`;
      this.log(`HTTP${secure ? 'S' : ''} ${method} ${host}${target}: ${why}`);
      stream.write(emitHttpResponse({ status, headers: fields, body: status === 304 || method === 'HEAD' ? new Uint8Array(0) : body, framing: status === 304 ? 'none' : 'length' }, method));
      done();
    };
    if (!this.config.sites.includes(host)) return send(421, [{ name: 'Date', value: formatHttpDate(epochMicros(net.now)) }], new TextEncoder().encode('Misdirected Request\n'), `421: the edge does not serve ${host}`);
    const url = `${this.config.originTls ? 'https' : 'http'}://${host}${target}`;
    const req = { method, url, headers };
    const now = epochMicros(net.now);
    const decision = this.cache.lookup(req, now);
    const serveStored = (d: Exclude<CacheDecision, { action: 'miss' }>, outcome: 'hit' | 'revalidated', why: string) => {
      const stored = d.entry.response;
      const fields = [...stored.headers.filter((h) => !HOP_BY_HOP.has(h.name.toLowerCase())), ...this.cache.servedHeaders(d, outcome, epochMicros(net.now))];
      const etag = fieldValue(stored.headers, 'etag');
      const lm = fieldValue(stored.headers, 'last-modified');
      if (notModified(headers, etag, lm !== undefined ? parseHttpDate(lm) : undefined)) return send(304, fields.filter((h) => h.name.toLowerCase() !== 'content-length' && h.name.toLowerCase() !== 'content-type'), new Uint8Array(0), `${why}; the client's copy is current: 304`);
      send(stored.status, fields, stored.body ?? new Uint8Array(0), why);
    };
    if (decision.action === 'hit') {
      this.stats.hits++;
      return serveStored(decision, 'hit', `cache HIT (${decision.explanation})`);
    }
    const target0 = parseUrl(url);
    if (!target0.ok) return send(400, [], new Uint8Array(0), 'bad request target');
    const forwarded = headers.filter((h) => !NOT_FORWARDED.has(h.name.toLowerCase()));
    const extra = decision.action === 'revalidate' ? [...forwarded, ...decision.headers] : forwarded;
    const requestTime = now;
    this.log(`[cache] ${host}${target}: ${decision.explanation} — asking the origin ${formatIpv4(this.config.origin)}`);
    this.client.request(target0.value, this.config.origin, extra, { connect: 0, tls: 0, ttfb: 0, download: 0, reused: false }, (r: HttpResponse | string) => {
      const responseTime = epochMicros(net.now);
      if (typeof r === 'string') return send(502, [{ name: 'Date', value: formatHttpDate(responseTime) }], new TextEncoder().encode('Bad Gateway\n'), `502: ${r}`);
      if (r.status === 304 && decision.action === 'revalidate') {
        const v = this.cache.freshen(decision.entry, { status: 304, headers: r.headers }, requestTime, responseTime);
        if (v.ok) {
          this.stats.revalidated++;
          return serveStored(decision, 'revalidated', `cache REVALIDATED with the origin (${v.explanation})`);
        }
      }
      this.stats.misses++;
      const v = this.cache.put(req, { status: r.status, headers: r.headers, body: r.body }, requestTime, responseTime);
      const fields = [...r.headers.filter((h) => !HOP_BY_HOP.has(h.name.toLowerCase())), ...this.cache.servedHeaders({ action: 'miss', explanation: '' }, 'miss', responseTime)];
      send(r.status, fields, r.body, `cache MISS, from the origin (${v.ok ? 'stored' : 'not stored'}: ${v.explanation})`);
    });
  }
}
