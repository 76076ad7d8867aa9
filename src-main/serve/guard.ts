// Who may talk to serve mode: requests addressed to this very server (Host check, against DNS
// rebinding), from its own pages (Origin check, against cross-site use), carrying this launch's token.
import { timingSafeEqual } from 'node:crypto';

export const TOKEN_COOKIE = 'packetlab_token';

export interface GuardContext {
  port: number;
  token: string;
}

export type Verdict = { ok: true; viaQuery: boolean } | { ok: false; status: 401 | 403; reason: string };

export function allowedHosts(port: number): string[] {
  return [`127.0.0.1:${port}`, `localhost:${port}`];
}

export function allowedOrigins(port: number): string[] {
  return allowedHosts(port).map((h) => `http://${h}`);
}

function sameToken(a: string, b: string): boolean {
  const x = new TextEncoder().encode(a);
  const y = new TextEncoder().encode(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

export function cookieValue(header: string | undefined, name: string): string | null {
  if (!header) return null;
  for (const part of header.split(';')) {
    const eq = part.indexOf('=');
    if (eq > 0 && part.slice(0, eq).trim() === name) return part.slice(eq + 1).trim();
  }
  return null;
}

export interface RequestFacts {
  host: string | undefined;
  origin: string | undefined;
  secFetchSite: string | undefined;
  cookie: string | undefined;
  /** Request target, e.g. `/assets/x.js?token=…`. */
  url: string;
  /** WebSocket upgrades must carry an Origin: browsers always send one. */
  isWebSocket: boolean;
}

export function checkRequest(facts: RequestFacts, ctx: GuardContext): Verdict {
  if (!facts.host || !allowedHosts(ctx.port).includes(facts.host.toLowerCase())) {
    return { ok: false, status: 403, reason: `Host ${JSON.stringify(facts.host ?? '')} is not this server` };
  }
  if (facts.origin !== undefined && !allowedOrigins(ctx.port).includes(facts.origin.toLowerCase())) {
    return { ok: false, status: 403, reason: `Origin ${JSON.stringify(facts.origin)} may not use PacketLab` };
  }
  if (facts.isWebSocket && facts.origin === undefined) {
    return { ok: false, status: 403, reason: 'WebSocket requests must come from a PacketLab page (no Origin)' };
  }
  if (facts.secFetchSite === 'cross-site') {
    return { ok: false, status: 403, reason: 'cross-site requests are refused' };
  }
  const query = new URL(facts.url, 'http://x').searchParams.get('token');
  if (query !== null && sameToken(query, ctx.token)) return { ok: true, viaQuery: true };
  const cookie = cookieValue(facts.cookie, TOKEN_COOKIE);
  if (cookie !== null && sameToken(cookie, ctx.token)) return { ok: true, viaQuery: false };
  return { ok: false, status: 401, reason: 'missing or wrong token: open the URL that `npm run serve` printed' };
}
