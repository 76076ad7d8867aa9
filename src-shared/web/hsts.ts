// HTTP Strict Transport Security (RFC 6797): the Strict-Transport-Security header and a
// browser's HSTS store (a preload list plus learned entries that expire in virtual time).
// Times are virtual microseconds; max-age is in seconds.
import { fail, type ParseResult } from '../net/addr/result';

export interface StsDirectives {
  maxAge: number;
  includeSubDomains: boolean;
}

/**
 * RFC 6797 §6.1: directives are case-insensitive, separated by ';', values may be quoted;
 * max-age is required; a directive given twice makes the header invalid; unknown ones are ignored.
 */
export function parseStsHeader(value: string): ParseResult<StsDirectives> {
  let maxAge: number | undefined;
  let includeSubDomains = false;
  const seen = new Set<string>();
  let offset = 0;
  for (const part of value.split(';')) {
    const m = /^\s*([!#$%&'*+.^_`|~0-9A-Za-z-]+)\s*(?:=\s*("(?:[^"\\]|\\.)*"|[^\s;"]*)\s*)?$/.exec(part);
    if (part.trim() === '') {
      offset += part.length + 1;
      continue;
    }
    if (!m) return fail(`malformed directive '${part.trim()}'`, offset);
    const name = m[1].toLowerCase();
    if (seen.has(name)) return fail(`directive '${name}' appears more than once`, offset);
    seen.add(name);
    let v = m[2];
    if (v !== undefined && v.startsWith('"')) v = v.slice(1, -1).replace(/\\(.)/g, '$1');
    if (name === 'max-age') {
      if (v === undefined || !/^\d+$/.test(v)) return fail(`max-age needs a number of seconds, got '${v ?? ''}'`, offset);
      maxAge = Number(v);
    } else if (name === 'includesubdomains') {
      if (v !== undefined) return fail('includeSubDomains takes no value', offset);
      includeSubDomains = true;
    }
    offset += part.length + 1;
  }
  if (maxAge === undefined) return fail('max-age is required', 0);
  return { ok: true, value: { maxAge, includeSubDomains } };
}

export interface HstsEntry {
  /** Lower-case ASCII host (Punycode for IDNs). */
  host: string;
  includeSubDomains: boolean;
  source: 'preload' | 'header';
  /** Virtual µs when a learned entry expires; undefined for preloaded ones. */
  expiresAt?: number;
  /** Virtual µs when the header was last seen. */
  learnedAt?: number;
}

export interface HstsMatch {
  entry: HstsEntry;
  /** 'congruent' when the host itself is listed, 'superdomain' when a parent with includeSubDomains is. */
  how: 'congruent' | 'superdomain';
  /** For the UI: "example.com is on the HSTS preload list". */
  explanation: string;
}

export interface HstsUpdate {
  action: 'stored' | 'updated' | 'removed' | 'ignored';
  explanation: string;
}

const isIpLiteral = (host: string) => /^[0-9.]+$/.test(host) || host.startsWith('[');
const norm = (host: string) => host.toLowerCase().replace(/\.$/, '');

export class HstsStore {
  private readonly learned = new Map<string, HstsEntry>();
  private readonly preloaded = new Map<string, HstsEntry>();

  constructor(preload: readonly { host: string; includeSubDomains?: boolean }[] = []) {
    for (const p of preload) this.preloaded.set(norm(p.host), { host: norm(p.host), includeSubDomains: p.includeSubDomains ?? true, source: 'preload' });
  }

  /**
   * Processes a Strict-Transport-Security header from `host`. RFC 6797 §8.1: only over a secure
   * connection without certificate errors, never for IP literals; max-age=0 deletes the entry.
   */
  noteHeader(host: string, value: string, now: number, transport: { secure: boolean }): HstsUpdate {
    const h = norm(host);
    if (!transport.secure) return { action: 'ignored', explanation: `ignored Strict-Transport-Security from ${h}: received over plain http (RFC 6797 §8.1)` };
    if (isIpLiteral(h)) return { action: 'ignored', explanation: `ignored Strict-Transport-Security from ${h}: the host is an IP address` };
    const p = parseStsHeader(value);
    if (!p.ok) return { action: 'ignored', explanation: `ignored invalid Strict-Transport-Security '${value}': ${p.error.message}` };
    const had = this.learned.has(h);
    if (p.value.maxAge === 0) {
      this.learned.delete(h);
      return { action: had ? 'removed' : 'ignored', explanation: had ? `max-age=0: removed the HSTS entry for ${h}` : `max-age=0 for ${h}: nothing to remove` };
    }
    this.learned.set(h, { host: h, includeSubDomains: p.value.includeSubDomains, source: 'header', expiresAt: now + p.value.maxAge * 1_000_000, learnedAt: now });
    const sub = p.value.includeSubDomains ? ' and its subdomains' : '';
    return { action: had ? 'updated' : 'stored', explanation: `${had ? 'renewed' : 'learned'} HSTS for ${h}${sub} for ${p.value.maxAge} s` };
  }

  /** RFC 6797 §8.2: a congruent match, else the nearest superdomain with includeSubDomains. */
  match(host: string, now: number): HstsMatch | undefined {
    const h = norm(host);
    if (isIpLiteral(h)) return undefined;
    const labels = h.split('.');
    for (let i = 0; i < labels.length; i++) {
      const candidate = labels.slice(i).join('.');
      const e = this.lookup(candidate, now);
      if (!e) continue;
      if (i === 0) return { entry: e, how: 'congruent', explanation: `${h} ${this.describe(e, now)}` };
      if (e.includeSubDomains) return { entry: e, how: 'superdomain', explanation: `${h} is covered by ${candidate} (includeSubDomains), which ${this.describe(e, now)}` };
    }
    return undefined;
  }

  /** Learned entries win over preloaded ones; expired learned entries are dropped. */
  private lookup(host: string, now: number): HstsEntry | undefined {
    const l = this.learned.get(host);
    if (l && l.expiresAt !== undefined && l.expiresAt <= now) this.learned.delete(host);
    else if (l) return l;
    return this.preloaded.get(host);
  }

  private describe(e: HstsEntry, now: number): string {
    if (e.source === 'preload') return 'is on the HSTS preload list';
    return `sent Strict-Transport-Security (expires in ${Math.ceil(((e.expiresAt ?? now) - now) / 1_000_000)} s)`;
  }

  /** Current entries for the UI (expired ones removed). */
  entries(now: number): HstsEntry[] {
    for (const [k, e] of this.learned) if (e.expiresAt !== undefined && e.expiresAt <= now) this.learned.delete(k);
    return [...this.preloaded.values(), ...this.learned.values()];
  }

  /** Deletes a learned entry (like chrome://net-internals "Delete domain security policies"). */
  delete(host: string): boolean {
    return this.learned.delete(norm(host));
  }

  clearLearned(): void {
    this.learned.clear();
  }
}
