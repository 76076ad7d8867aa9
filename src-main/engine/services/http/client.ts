// An HTTP/1.1 client over TCP (and TLS 1.3 for https): one persistent connection per origin,
// requests one after another on it, idle connections closed after five minutes. Used by the
// browser and by the CDN edge to reach its origin.
import { formatIpv4 } from '../../../../src-shared/net/addr';
import { emitHttpRequest, HttpStreamParser, type HttpMessage } from '../../../../src-shared/net/wire/http';
import { formatUrl, hostHeader, requestTarget, urlOrigin, type HeaderField, type WebUrl } from '../../../../src-shared/web';
import { TlsClient, type TlsEvent } from '../../tls13';
import type { IpDevice } from '../../stack/ip-device';
import type { TcpStack } from '../../stack/tcp-stack';
import type { TcpConfig } from '../../transport/tcp';
import type { Micros } from '../../sim/time';
import { epochMicros, type LabPki } from './lab-pki';
import { HttpStream } from './stream';

export interface HttpResponse {
  status: number;
  headers: { name: string; value: string }[];
  body: Uint8Array;
}

/** A request and its response as the client saw them: written at `sentAt`, complete now. */
export interface HttpExchangeSeen {
  url: WebUrl;
  server: number;
  port: number;
  localPort: number;
  sentAt: Micros;
  status: number;
  headers: { name: string; value: string }[];
}

/** Per-request times in ms (0 when the step was not needed). */
export interface ClientTiming {
  connect: number;
  tls: number;
  /** "Request sent": from the request's first byte written to its last byte handed to TCP/TLS. */
  request?: number;
  ttfb: number;
  download: number;
  reused: boolean;
}

/** Idle connections are closed after this long (Chromium's unused-socket timeout is 5 minutes). */
export const IDLE_CONNECTION_TIMEOUT = 300_000_000;

type Response = HttpResponse;
type RequestTiming = ClientTiming;

export interface Pending {
  url: WebUrl;
  /** Further request fields: conditionals (If-None-Match / If-Modified-Since) for a revalidation, fields a proxy passes on. */
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
  /** When the last byte of the current request was handed to TCP/TLS (0 until then). */
  requestSentAt = 0;
  lastUsed = 0;

  constructor(readonly stream: HttpStream) {}
}

export class HttpClient {
  private readonly connections = new Map<string, OriginConnection>();
  /** Read-only observer of each connection's TLS events, with the server's address and the local port (the journey records certificate checks). */
  onTlsEvent: ((url: WebUrl, event: TlsEvent, server: number, localPort: number) => void) | null = null;
  /** Read-only observer of each response, told when it is complete (the journey records the exchanges on the wire). */
  onExchange: ((exchange: HttpExchangeSeen) => void) | null = null;

  constructor(
    readonly device: IpDevice,
    private readonly tcp: TcpStack,
    private readonly pki: LabPki,
    private readonly log: (step: string, text: string) => void,
    private readonly userAgent = 'PacketLab/1.0',
    /** TCP settings of its connections (a smaller send buffer shows the "Request sent" phase). */
    private readonly tcpConfig: Partial<TcpConfig> = {},
  ) {}

  /** Whether an open connection to `origin` ("https://www.example.com") can take a request now. */
  hasConnection(origin: string): boolean {
    const c = this.connections.get(origin);
    return !!c && !c.dead;
  }

  /** GET `url`: on the origin's open connection, else on a new one to `address`. */
  request(url: WebUrl, address: number | undefined, extra: HeaderField[], timing: ClientTiming, done: (r: HttpResponse | string, t: ClientTiming) => void): void {
    const net = this.device.net;
    const pending: Pending = { url, extra, done, timing, started: net.now };
    const origin = urlOrigin(url);
    const existing = this.connections.get(origin);
    if (existing && !existing.dead) {
      timing.reused = true;
      this.log('tcp', `reusing the open connection to ${origin} for ${formatUrl(url)}`);
      existing.queue.push(pending);
      this.pump(existing);
      return;
    }
    if (address === undefined) return done(`no connection to ${origin} and no address to open one`, timing);
    this.connect(url, address, pending);
  }

  /** Closes every connection (the application quits). */
  closeAll(): void {
    for (const c of this.connections.values()) c.stream.close();
  }

  private connect(url: WebUrl, address: number, first: Pending): void {
    const net = this.device.net;
    const secure = url.scheme === 'https';
    const tls = secure ? new TlsClient({ source: this.pki.connectionBytes(this.device.name), serverName: url.host, alpn: ['http/1.1'], trusted: [this.pki.ca.der], now: epochMicros(net.now), keyLog: this.pki.keyLog }) : null;
    const connectStart = net.now;
    let tcpUp = 0;
    const origin = urlOrigin(url);
    const c = this.tcp.connect(address, url.port, {}, this.tcpConfig, `${secure ? 'TLS handshake' : 'HTTP'} for ${origin}`);
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
        this.onTlsEvent?.(url, e, address, c.socket.local?.port ?? 0);
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
    conn.stream.tcp.context = `HTTP GET ${formatUrl(url)}`;
    const conditional = p.extra.filter((h) => /^if-/i.test(h.name));
    this.log('http', `GET ${formatUrl(url)}${conditional.length ? ` (conditional: ${conditional.map((h) => `${h.name}: ${h.value}`).join(', ')})` : ''}`);
    // Fields in `extra` replace the defaults of the same name (a proxy passes on the client's Accept).
    const defaults = [{ name: 'User-Agent', value: this.userAgent }, { name: 'Accept', value: '*/*' }].filter((d) => !p.extra.some((h) => h.name.toLowerCase() === d.name.toLowerCase()));
    conn.stream.write(emitHttpRequest({ method: 'GET', target: requestTarget(url), headers: [{ name: 'Host', value: hostHeader(url) }, ...defaults, ...p.extra] }));
    // A request larger than the socket's free send space waits for ACKs to hand its last bytes over.
    conn.requestSentAt = 0;
    conn.stream.tcp.whenWritten(() => {
      if (conn.current !== p) return;
      conn.requestSentAt = net.now;
      p.timing.request = ms(net.now - conn.sentAt);
    });
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
    // Waiting (TTFB) starts when the request is sent (a reply may come before its last byte is handed over).
    p.timing.ttfb = ms(conn.firstByteAt - (conn.requestSentAt || conn.sentAt));
    p.timing.download = ms(net.now - conn.firstByteAt);
    const headers = m.headers.map((h) => ({ name: h.name, value: h.value }));
    if (this.onExchange) {
      const { remote, local } = conn.stream.tcp.socket;
      this.onExchange({ url: p.url, server: typeof remote?.addr === 'number' ? remote.addr : 0, port: remote?.port ?? p.url.port, localPort: local?.port ?? 0, sentAt: conn.sentAt, status: m.start.status, headers });
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
}

const ms = (us: number) => Math.max(0, us) / 1000;
