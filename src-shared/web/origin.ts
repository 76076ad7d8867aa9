// The lab's origin web server as a pure function: virtual hosts with static files, redirects
// (301/302/307/308), an http → https redirect, an HSTS header on secure responses only (RFC 6797
// §7.2), Cache-Control per file, strong ETags and Last-Modified, and 304 for conditional requests
// (RFC 9110 §13). The engine's HTTP server feeds it parsed requests and sends what it returns.
import { fieldValue, formatHttpDate, notModified, type HeaderField } from './http-cache';

export interface StaticFile {
  contentType: string;
  body: Uint8Array | string;
  /** µs since the epoch. */
  lastModified?: number;
  cacheControl?: string;
}

export interface VirtualHost {
  /** Path -> file ("/" included). */
  files?: Record<string, StaticFile>;
  /** Path -> redirect; '*' matches every path (keeping it). */
  redirects?: Record<string, { status: 301 | 302 | 307 | 308; location: string }>;
  /** Redirect plain-http requests to https (301, same host and path). */
  httpsOnly?: boolean;
  /** Strict-Transport-Security value sent over https, e.g. "max-age=31536000; includeSubDomains". */
  hsts?: string;
}

export interface OriginConfig {
  /** Host name (lower case, no port) -> site. */
  hosts: Record<string, VirtualHost>;
  /** The Server header. */
  server?: string;
}

export interface OriginRequest {
  method: string;
  target: string;
  headers: readonly HeaderField[];
  /** Arrived over TLS. */
  secure: boolean;
}

export interface OriginResponse {
  status: number;
  headers: HeaderField[];
  body: Uint8Array;
  explanation: string;
}

const utf8 = new TextEncoder();

/** A strong ETag from the body bytes (FNV-1a 64-bit over the content, as hex). */
export function etagFor(body: Uint8Array): string {
  let h1 = 0x811c9dc5;
  let h2 = 0x01000193;
  for (let i = 0; i < body.length; i++) {
    h1 = Math.imul(h1 ^ body[i], 0x01000193) >>> 0;
    h2 = Math.imul(h2 ^ body[i] ^ (i & 0xff), 0x01000193) >>> 0;
  }
  return `"${h1.toString(16).padStart(8, '0')}${h2.toString(16).padStart(8, '0')}"`;
}

export function respond(config: OriginConfig, req: OriginRequest, now: number): OriginResponse {
  const headers: HeaderField[] = [{ name: 'Date', value: formatHttpDate(now) }];
  if (config.server) headers.push({ name: 'Server', value: config.server });
  const send = (status: number, body: Uint8Array | string, explanation: string, extra: HeaderField[] = [], contentType = 'text/html; charset=utf-8'): OriginResponse => {
    const bytes = typeof body === 'string' ? utf8.encode(body) : body;
    const out = [...headers, ...extra];
    if (status !== 304) out.push({ name: 'Content-Type', value: contentType });
    return { status, headers: out, body: req.method === 'HEAD' || status === 304 ? new Uint8Array(0) : bytes, explanation };
  };
  const hostField = fieldValue(req.headers, 'host');
  if (hostField === undefined) return send(400, '<h1>400 Bad Request</h1>', '400: HTTP/1.1 requests need a Host header (RFC 9112 §3.2)');
  const host = hostField.toLowerCase().replace(/:\d+$/, '').replace(/\.$/, '');
  const site = config.hosts[host];
  if (!site) return send(421, '<h1>421 Misdirected Request</h1>', `421: this server has no site for ${host}`);
  if (req.secure && site.hsts) headers.push({ name: 'Strict-Transport-Security', value: site.hsts });
  const path = req.target.split('?')[0] || '/';
  if (!req.secure && site.httpsOnly) {
    const location = `https://${host}${req.target}`;
    return send(301, `<a href="${location}">Moved</a>`, `301 to ${location}: ${host} only serves https`, [{ name: 'Location', value: location }]);
  }
  const redirect = site.redirects?.[path] ?? site.redirects?.['*'];
  if (redirect) {
    const location = site.redirects?.[path] ? redirect.location : redirect.location.replace(/\/$/, '') + req.target;
    return send(redirect.status, `<a href="${location}">Moved</a>`, `${redirect.status} to ${location}`, [{ name: 'Location', value: location }]);
  }
  if (req.method !== 'GET' && req.method !== 'HEAD') return send(405, '<h1>405 Method Not Allowed</h1>', `405: ${req.method} is not allowed on static files`, [{ name: 'Allow', value: 'GET, HEAD' }]);
  const file = site.files?.[path];
  if (!file) return send(404, '<h1>404 Not Found</h1>', `404: ${host}${path} does not exist`);
  const body = typeof file.body === 'string' ? utf8.encode(file.body) : file.body;
  const etag = etagFor(body);
  const validators: HeaderField[] = [{ name: 'ETag', value: etag }];
  if (file.lastModified !== undefined) validators.push({ name: 'Last-Modified', value: formatHttpDate(file.lastModified) });
  if (file.cacheControl) validators.push({ name: 'Cache-Control', value: file.cacheControl });
  // Last-Modified has one-second resolution: compare at that precision.
  const lm = file.lastModified === undefined ? undefined : Math.floor(file.lastModified / 1_000_000) * 1_000_000;
  if (notModified(req.headers, etag, lm)) {
    const how = fieldValue(req.headers, 'if-none-match') !== undefined ? `If-None-Match ${etag} matches` : 'not modified since If-Modified-Since';
    return send(304, new Uint8Array(0), `304 Not Modified: ${how}`, validators);
  }
  return send(200, body, `200: ${host}${path} (${body.length} bytes, ETag ${etag})`, validators, file.contentType);
}
