// A device's services as the UI's state panel shows them (the `ServicesState` of the IPC
// contract): DHCP leases, clients and relay counters, the DNS caches of every tier, the HTTP caches and HSTS, with
// what was left of every TTL and timer at `now`. Reads only: taking a snapshot never changes what
// the simulation does next.
import type { ServicesState } from '../../../src-shared/ipc/contract';
import type { HttpCache } from '../../../src-shared/web';
import type { Browser } from '../apps/browser/browser';
import type { DeviceServices } from '../journey/device-services';
import type { CacheEntrySnapshot } from '../services/dns/cache';
import type { ReverseProxy } from '../services/http/proxy';
import { epochMicros } from '../services/http/lab-pki';
import { SECOND, type Micros } from '../sim/time';

export type { ServicesState };

export interface ServicesSources {
  now: Micros;
  services?: DeviceServices;
  browser?: Browser;
  proxy?: ReverseProxy;
  /** The lab's preload list for the host: shown before the browser has started. */
  hstsPreload?: readonly string[];
}

type DnsTier = ServicesState['dnsCaches'][number];
type HttpTier = ServicesState['httpCaches'][number];

export function servicesState(src: ServicesSources): ServicesState {
  const { now, services, browser, proxy } = src;
  const out: ServicesState = { dhcpLeases: [], dhcpClients: [], dnsCaches: [], httpCaches: [], hsts: [] };
  if (services?.dhcpServer) {
    for (const l of services.dhcpServer.snapshot(now).leases) out.dhcpLeases.push({ address: l.address, mac: l.mac, hostname: l.hostname ?? null, state: l.state, expiresInS: l.expiresIn });
  }
  for (const [iface, slot] of services?.dhcpClients ?? []) {
    const c = slot.client.snapshot(now);
    out.dhcpClients.push({ iface, state: c.state, address: c.address ?? null, server: c.server ?? null, renewInS: c.t1In ?? null, rebindInS: c.t2In ?? null, expiresInS: c.leaseExpiresIn ?? null });
  }
  if (services?.dhcpRelay) {
    const r = services.dhcpRelay.snapshot();
    out.dhcpRelay = { servers: r.servers, relayed: r.relayed, returned: r.returned };
  }
  if (browser) {
    out.dnsCaches.push({ tier: 'browser', entries: browser.dnsCache.snapshot(now).map((e) => ({ name: e.name, type: 'A', data: e.addresses.join(', '), ttlLeftS: e.ttl, negative: false })) });
  }
  if (services) {
    const stub = services.stub.snapshot(now);
    out.dnsCaches.push({ tier: 'os', entries: stub.osCache.map(dnsEntry) });
    // The hosts file never expires: its answers carry TTL 0, as the stub hands them out.
    out.dnsCaches.push({ tier: 'hosts', entries: stub.hosts.flatMap((h) => h.names.map((name) => ({ name, type: h.address.includes(':') ? 'AAAA' : 'A', data: h.address, ttlLeftS: 0, negative: false }))) });
    if (services.resolver) {
      const r = services.resolver.snapshot(now);
      out.dnsCaches.push({ tier: r.mode === 'forwarding' ? 'forwarder' : 'resolver', entries: r.cache.map(dnsEntry) });
    }
  }
  if (browser) out.httpCaches.push({ tier: 'browser', entries: httpEntries(browser.cache, now) });
  if (proxy) out.httpCaches.push({ tier: 'shared', entries: httpEntries(proxy.cache, now) });
  const epochNow = epochMicros(now);
  if (browser) {
    for (const e of browser.hsts.entries(epochNow)) {
      out.hsts.push({ host: e.host, includeSubDomains: e.includeSubDomains, preloaded: e.source === 'preload', expiresInS: e.expiresAt === undefined ? null : Math.max(0, Math.ceil((e.expiresAt - epochNow) / SECOND)) });
    }
  } else {
    for (const host of src.hstsPreload ?? []) out.hsts.push({ host: host.toLowerCase(), includeSubDomains: true, preloaded: true, expiresInS: null });
  }
  return out;
}

/** A cache snapshot row: records are "owner ttl TYPE rdata"; the data is what follows the type. */
function dnsEntry(e: CacheEntrySnapshot): DnsTier['entries'][number] {
  const data = e.kind === 'positive' ? e.records.map((r) => r.split(' ').slice(3).join(' ')).join(', ') : `${e.kind === 'nxdomain' ? 'NXDOMAIN' : 'NODATA'}${e.records.length ? ` (${e.records[0].split(' ').slice(2).join(' ')})` : ''}`;
  return { name: e.name, type: e.type, data, ttlLeftS: e.ttl, negative: e.kind !== 'positive' };
}

/** Stored responses of an HTTP cache, through its read-only listing. */
function httpEntries(cache: HttpCache, now: Micros): HttpTier['entries'] {
  return cache.entries(epochMicros(now)).map((e) => ({
    url: e.url, status: e.status, bytes: e.bodyBytes, ageS: e.age, freshForS: e.lifetime - e.age, etag: e.etag ?? null, lastModified: e.lastModified ?? null,
  }));
}
