// The HTTP/1.1 server of a web-server device: virtual hosts from the lab (`web.sites`) answered by
// src-shared/web's `respond` (redirects, http → https, HSTS, Cache-Control, ETag/Last-Modified,
// 304), on port 80 and, with `web.tls`, on 443 behind TLS 1.3 with a lab-CA certificate for every
// site name. Persistent connections: requests are answered in order until the client closes.
import type { LabDevice } from '../../../../src-shared/lab';
import { tableText } from '../../../../src-shared/lab';
import { emitHttpResponse, HttpStreamParser, type HttpMessage } from '../../../../src-shared/net/wire/http';
import { respond, type OriginConfig, type StaticFile, type VirtualHost } from '../../../../src-shared/web';
import { TlsServer } from '../../tls13';
import type { IpDevice } from '../../stack/ip-device';
import type { TcpStack } from '../../stack/tcp-stack';
import { epochMicros, type LabPki } from './lab-pki';
import { HttpStream } from './stream';

export function originConfigFrom(web: NonNullable<LabDevice['web']>, serverName: string): OriginConfig {
  const hosts: Record<string, VirtualHost> = {};
  for (const [host, site] of Object.entries(web.sites)) {
    const files: Record<string, StaticFile> = {};
    for (const [path, f] of Object.entries(site.files ?? {})) {
      const body = f.base64 !== undefined ? base64Bytes(f.base64) : tableText(f.body);
      files[path] = { contentType: f.contentType, body, lastModified: epochMicros(0) - 86_400_000_000, ...(f.cacheControl ? { cacheControl: f.cacheControl } : {}) };
    }
    hosts[host.toLowerCase()] = { files, redirects: site.redirects, httpsOnly: site.httpsOnly, hsts: site.hsts };
  }
  return { hosts, server: serverName };
}

export class HttpServer {
  requests = 0;

  constructor(
    readonly device: IpDevice,
    tcp: TcpStack,
    readonly config: OriginConfig,
    pki: LabPki | null,
  ) {
    tcp.listen(80, (c) => this.serve(new HttpStream(c, null), false));
    if (pki) {
      const identity = pki.identity(Object.keys(config.hosts));
      tcp.listen(443, (c) => this.serve(new HttpStream(c, new TlsServer({ source: pki.connectionBytes(device.name), identities: [identity], alpn: ['http/1.1'], keyLog: pki.keyLog })), true));
    }
  }

  private serve(stream: HttpStream, secure: boolean) {
    const dev = this.device;
    const net = dev.net;
    const parser = new HttpStreamParser('request');
    stream.tcp.context = secure ? 'TLS' : '';
    stream.handlers = {
      onTls: (e) => {
        if (e.kind === 'received' || e.kind === 'sent') stream.tcp.context = `TLS ${e.message}`;
        if (e.kind === 'connected') stream.tcp.context = 'TLS';
      },
      onData: (data) => {
        const r = parser.push(data);
        for (const m of r.messages) this.answer(stream, m, secure);
        if (r.error) {
          net.log.add(net.now, 'info', dev.name, `HTTP: bad request from ${stream.tcp.remote}: ${r.error.message}`);
          stream.write(emitHttpResponse({ status: 400, headers: [{ name: 'Connection', value: 'close' }], body: 'Bad Request\n' }));
          stream.close();
        }
      },
      onClose: () => stream.close(),
    };
    stream.accepted();
    return stream.tcpHandlers();
  }

  private answer(stream: HttpStream, m: HttpMessage, secure: boolean): void {
    if (m.start.kind !== 'request') return;
    const dev = this.device;
    const net = dev.net;
    this.requests++;
    const req = { method: m.start.method, target: m.start.target, headers: m.headers.map((h) => ({ name: h.name, value: h.value })), secure };
    const res = respond(this.config, req, epochMicros(net.now));
    const close = m.headers.some((h) => h.name.toLowerCase() === 'connection' && h.value.toLowerCase() === 'close');
    stream.tcp.context = `HTTP ${res.status} for ${req.method} ${req.target} (${res.explanation})`;
    net.log.add(net.now, 'info', dev.name, `HTTP${secure ? 'S' : ''} ${req.method} ${req.target} from ${stream.tcp.remote}: ${res.explanation}`);
    stream.write(emitHttpResponse({ status: res.status, headers: res.headers, body: res.body, framing: res.status === 304 ? 'none' : 'length' }, req.method));
    if (close) stream.close();
  }
}

function base64Bytes(text: string): Uint8Array {
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';
  const clean = text.replace(/[^A-Za-z0-9+/]/g, '');
  const out = new Uint8Array(Math.floor((clean.length * 3) / 4));
  let bits = 0;
  let acc = 0;
  let n = 0;
  for (const ch of clean) {
    acc = (acc << 6) | alphabet.indexOf(ch);
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      out[n++] = (acc >> bits) & 0xff;
    }
  }
  return out.subarray(0, n);
}
