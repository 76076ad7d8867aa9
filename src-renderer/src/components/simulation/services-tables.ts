// A device's services at a frame (DHCP server, client and relay, DNS caches of every tier, HTTP caches, HSTS) as tables
// with headers, each row marked new / changed since the previous frame and the rows that went
// away listed after them. Plain data: DeviceServices.vue only draws it.
import type { ServicesState } from '../../../../src-shared/ipc/contract';
import { formatSize, formatTimer } from './format';
import { diffRows, timerReset, type RowChange } from './state-diff';

export type Translate = (key: string, named?: Record<string, unknown>) => string;

/** A cell: its text and how to show it (`wide` cells wrap: names, URLs, record data). */
export interface Cell {
  text: string;
  wide?: boolean;
  /** A short tag shown beside the text (negative, stale, preloaded). */
  tag?: { text: string; tone: 'warn' | 'info' | 'muted' };
  numeric?: boolean;
}

export interface ServiceRow {
  key: string;
  change: RowChange | 'removed';
  cells: Cell[];
}

export interface ServiceTable {
  key: string;
  title: string;
  columns: string[];
  rows: ServiceRow[];
}

type Lease = ServicesState['dhcpLeases'][number];
type Client = ServicesState['dhcpClients'][number];
type Relay = NonNullable<ServicesState['dhcpRelay']>;
type DnsEntry = ServicesState['dnsCaches'][number]['entries'][number];
type HttpEntry = ServicesState['httpCaches'][number]['entries'][number];
type Hsts = ServicesState['hsts'][number];

/** Tiers in the order a lookup goes through them. */
const DNS_TIERS = ['browser', 'os', 'hosts', 'forwarder', 'resolver'] as const;
const HTTP_TIERS = ['browser', 'shared'] as const;

function table<T>(
  key: string,
  title: string,
  columns: string[],
  before: readonly T[] | null,
  after: readonly T[],
  rowKey: (r: T) => string,
  facts: (r: T) => string,
  refreshed: (was: T, now: T) => boolean,
  cells: (r: T) => Cell[],
): ServiceTable | null {
  if (after.length === 0 && (before === null || before.length === 0)) return null;
  const d = diffRows(before, after, rowKey, facts, refreshed);
  const rows: ServiceRow[] = d.rows.map(({ row, change }, i) => ({ key: `${rowKey(row)}#${i}`, change, cells: cells(row) }));
  d.removed.forEach((row, i) => rows.push({ key: `gone:${rowKey(row)}#${i}`, change: 'removed', cells: cells(row) }));
  return { key, title, columns, rows };
}

/**
 * The tables for `now`, compared with `before` (the same device at the previous frame shown, or
 * null for a first look). Empty tables are left out (a table that just emptied stays, with its
 * rows marked removed).
 */
export function servicesTables(before: ServicesState | null, now: ServicesState, t: Translate): ServiceTable[] {
  const out: (ServiceTable | null)[] = [];
  const c = (key: string) => t(`simulation.svc.${key}`);
  const yes = c('yes');
  const no = c('no');

  out.push(
    table<Lease>(
      'dhcpLeases',
      c('dhcpLeases'),
      [c('address'), c('mac'), c('hostname'), c('state'), c('expiresIn')],
      before?.dhcpLeases ?? null,
      now.dhcpLeases,
      (l) => l.address,
      (l) => [l.mac, l.hostname, l.state].join('\u0000'),
      (a, b) => timerReset(a.expiresInS, b.expiresInS),
      (l) => [{ text: l.address }, { text: l.mac }, { text: l.hostname ?? '—', wide: true }, { text: l.state }, { text: formatTimer(l.expiresInS), numeric: true }],
    ),
  );

  out.push(
    table<Client>(
      'dhcpClients',
      c('dhcpClients'),
      [c('iface'), c('state'), c('address'), c('server'), c('renewIn'), c('rebindIn'), c('expiresIn')],
      before?.dhcpClients ?? null,
      now.dhcpClients,
      (x) => x.iface,
      (x) => [x.state, x.address, x.server].join('\u0000'),
      (a, b) => timerReset(a.expiresInS, b.expiresInS) || timerReset(a.renewInS, b.renewInS),
      (x) => [
        { text: x.iface },
        { text: x.state },
        { text: x.address ?? '—' },
        { text: x.server ?? '—' },
        { text: formatTimer(x.renewInS), numeric: true },
        { text: formatTimer(x.rebindInS), numeric: true },
        { text: formatTimer(x.expiresInS), numeric: true },
      ],
    ),
  );

  // A router's relay: one row of counters, marked changed as requests and replies go through it.
  const relayRows = (s: ServicesState | null): Relay[] | null => (s ? (s.dhcpRelay ? [s.dhcpRelay] : []) : null);
  out.push(
    table<Relay>(
      'dhcpRelay',
      c('dhcpRelay'),
      [c('relayServers'), c('relayed'), c('returned')],
      relayRows(before),
      relayRows(now) ?? [],
      () => 'relay',
      (r) => [r.servers.join(','), r.relayed, r.returned].join('\u0000'),
      () => false,
      (r) => [{ text: r.servers.join(', '), wide: true }, { text: String(r.relayed), numeric: true }, { text: String(r.returned), numeric: true }],
    ),
  );

  for (const tier of DNS_TIERS) {
    const find = (s: ServicesState | null) => s?.dnsCaches.find((d) => d.tier === tier)?.entries ?? null;
    const after = find(now);
    if (after === null && find(before) === null) continue;
    out.push(
      table<DnsEntry>(
        `dns-${tier}`,
        t('simulation.svc.dnsCache', { tier: c(`tier.${tier}`) }),
        [c('name'), c('type'), c('data'), c('ttlLeft')],
        before ? (find(before) ?? []) : null,
        after ?? [],
        (e) => `${e.name}\u0000${e.type}\u0000${e.data}`,
        (e) => String(e.negative),
        (a, b) => timerReset(a.ttlLeftS, b.ttlLeftS),
        (e) => [
          { text: e.name, wide: true },
          { text: e.type },
          // A negative entry caches "no such name / no such record" (RFC 2308).
          { text: e.data, wide: true, ...(e.negative ? { tag: { text: c('negative'), tone: 'warn' as const } } : {}) },
          // The hosts file has no TTL: its entries stay until edited.
          { text: tier === 'hosts' ? '—' : formatTimer(e.ttlLeftS), numeric: true },
        ],
      ),
    );
  }

  for (const tier of HTTP_TIERS) {
    const find = (s: ServicesState | null) => s?.httpCaches.find((h) => h.tier === tier)?.entries ?? null;
    const after = find(now);
    if (after === null && find(before) === null) continue;
    out.push(
      table<HttpEntry>(
        `http-${tier}`,
        c(tier === 'browser' ? 'httpBrowser' : 'httpShared'),
        [c('url'), c('status'), c('size'), c('age'), c('freshFor'), c('validators')],
        before ? (find(before) ?? []) : null,
        after ?? [],
        (e) => e.url,
        (e) => [e.status, e.bytes, e.etag, e.lastModified].join('\u0000'),
        // Fetched or revalidated again: its age starts over.
        (a, b) => b.ageS + 0.5 < a.ageS,
        (e) => [
          { text: e.url, wide: true },
          { text: String(e.status), numeric: true },
          { text: formatSize(e.bytes), numeric: true },
          { text: formatTimer(e.ageS), numeric: true },
          e.freshForS > 0 ? { text: formatTimer(e.freshForS), numeric: true } : { text: '0s', numeric: true, tag: { text: c('stale'), tone: 'warn' as const } },
          { text: validators(e, c) || '—', wide: true },
        ],
      ),
    );
  }

  out.push(
    table<Hsts>(
      'hsts',
      c('hsts'),
      [c('host'), c('subdomains'), c('source'), c('expiresIn')],
      before?.hsts ?? null,
      now.hsts,
      (h) => h.host,
      (h) => `${h.includeSubDomains}\u0000${h.preloaded}`,
      (a, b) => timerReset(a.expiresInS, b.expiresInS),
      (h) => [
        { text: h.host, wide: true },
        { text: h.includeSubDomains ? yes : no },
        { text: '', tag: h.preloaded ? { text: c('preloaded'), tone: 'info' as const } : { text: c('learned'), tone: 'muted' as const } },
        { text: h.preloaded && h.expiresInS === null ? '—' : formatTimer(h.expiresInS), numeric: true },
      ],
    ),
  );

  return out.filter((x): x is ServiceTable => x !== null);
}

function validators(e: HttpEntry, c: (key: string) => string): string {
  const parts: string[] = [];
  if (e.etag !== null) parts.push(`${c('etag')} ${e.etag}`);
  if (e.lastModified !== null) parts.push(`${c('lastModified')} ${e.lastModified}`);
  return parts.join(' · ');
}
