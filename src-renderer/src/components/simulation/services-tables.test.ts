import { describe, it, expect } from 'vitest';
import { i18n } from '../../i18n';
import { servicesTables, type ServiceTable } from './services-tables';
import { contract } from '../../../../src-shared/ipc/contract';
import { AFTER, BEFORE } from './services-fixture';

const t = (key: string, named?: Record<string, unknown>) => (named ? i18n.global.t(key, named) : i18n.global.t(key));

function byKey(tables: ServiceTable[], key: string): ServiceTable {
  const found = tables.find((x) => x.key === key);
  if (!found) throw new Error(`no table ${key}: ${tables.map((x) => x.key).join(', ')}`);
  return found;
}

describe('servicesTables', () => {
  it('makes one table per non-empty service, DNS tiers in lookup order, with headers', () => {
    i18n.global.locale.value = 'en';
    const tables = servicesTables(null, AFTER.services!, t);
    expect(tables.map((x) => x.key)).toEqual(['dhcpClients', 'dns-browser', 'dns-os', 'dns-hosts', 'http-browser', 'http-shared', 'hsts']);
    const dns = byKey(tables, 'dns-browser');
    expect(dns.title).toBe('Browser DNS cache');
    expect(dns.columns).toEqual(['Name', 'Type', 'Data', 'TTL left']);
    expect(dns.rows[0].cells.map((c) => c.text)).toEqual(['www.example.com', 'A', '93.184.215.14', '1h 00m']);
    // First look: nothing is marked.
    expect(tables.flatMap((x) => x.rows).every((r) => r.change === 'same')).toBe(true);
  });

  it('marks negative DNS entries, stale HTTP entries, validators, and preloaded vs learned HSTS', () => {
    const tables = servicesTables(null, AFTER.services!, t);
    const neg = byKey(tables, 'dns-os').rows[0].cells[2];
    expect(neg).toMatchObject({ text: 'NXDOMAIN', tag: { text: 'negative', tone: 'warn' } });
    expect(byKey(tables, 'dns-hosts').rows[0].cells[3].text).toBe('—');
    const browser = byKey(tables, 'http-browser').rows[0].cells.map((c) => c.text);
    expect(browser).toEqual(['http://www.example.com/', '200', '1.3 kB', '0s', '10m 00s', 'ETag "3147526947" · Last-Modified Thu, 17 Oct 2019 07:18:26 GMT']);
    const shared = byKey(tables, 'http-shared');
    expect(shared.title).toBe('Shared HTTP cache (CDN)');
    expect(shared.rows[0].cells[4].tag?.text).toBe('stale');
    expect(shared.rows[0].cells[5].text).toBe('—');
    const hsts = byKey(tables, 'hsts').rows.map((r) => [r.cells[0].text, r.cells[1].text, r.cells[2].tag?.text, r.cells[3].text]);
    expect(hsts).toEqual([
      ['example.com', 'yes', 'preloaded', '—'],
      ['www.example.com', 'no', 'learned', '365d 0h'],
    ]);
  });

  it('highlights what changed since the previous frame, not timers counting down', () => {
    const tables = servicesTables(BEFORE.services!, AFTER.services!, t);
    const changes = (key: string) => byKey(tables, key).rows.map((r) => [r.cells[0].text, r.change]);
    expect(changes('dhcpClients')).toEqual([['eth0', 'changed']]); // RENEWING → BOUND, timers reset
    expect(changes('dns-browser')).toEqual([['www.example.com', 'new']]);
    expect(changes('dns-os')).toEqual([['nosuch.example', 'same']]); // 30 s → 29.98 s
    expect(changes('dns-hosts')).toEqual([['localhost', 'same']]);
    expect(changes('http-browser')).toEqual([
      ['http://www.example.com/', 'new'],
      ['http://www.example.com/old.css', 'removed'],
    ]);
    expect(changes('http-shared')).toEqual([['http://www.example.com/', 'new']]);
    expect(changes('hsts')).toEqual([
      ['example.com', 'same'],
      ['www.example.com', 'new'],
    ]);
  });

  it('keeps a table that just emptied, its rows marked removed, and drops tables empty on both frames', () => {
    const emptied = { ...AFTER.services!, httpCaches: [], hsts: [] };
    const tables = servicesTables(AFTER.services!, emptied, t);
    expect(byKey(tables, 'http-browser').rows.map((r) => r.change)).toEqual(['removed']);
    expect(byKey(tables, 'hsts').rows.map((r) => r.change)).toEqual(['removed', 'removed']);
    expect(tables.some((x) => x.key === 'dhcpLeases')).toBe(false);
  });

  it("shows a router's DHCP relay counters, marked changed when a request goes through", () => {
    const services = contract['sim.stateAt'].result.shape.services;
    const empty = { dhcpLeases: [], dhcpClients: [], dnsCaches: [], httpCaches: [], hsts: [] };
    const was = services.parse({ ...empty, dhcpRelay: { servers: ['10.0.0.67'], relayed: 1, returned: 0 } })!;
    const now = services.parse({ ...empty, dhcpRelay: { servers: ['10.0.0.67', '10.0.1.67'], relayed: 2, returned: 0 } })!;
    const relay = byKey(servicesTables(was, now, t), 'dhcpRelay');
    expect(relay.title).toBe('DHCP relay');
    expect(relay.columns).toEqual(['Relays to', 'Requests relayed', 'Replies returned']);
    expect(relay.rows.map((r) => [r.cells.map((c) => c.text), r.change])).toEqual([[['10.0.0.67, 10.0.1.67', '2', '0'], 'changed']]);
    expect(byKey(servicesTables(now, now, t), 'dhcpRelay').rows.map((r) => r.change)).toEqual(['same']);
    // Hosts have no relay: no table.
    expect(servicesTables(null, AFTER.services!, t).some((x) => x.key === 'dhcpRelay')).toBe(false);
  });

  it('has Korean headers', () => {
    i18n.global.locale.value = 'ko';
    try {
      const tables = servicesTables(null, AFTER.services!, t);
      expect(byKey(tables, 'dns-os').title).toBe('OS (스텁 리졸버) DNS 캐시');
      expect(byKey(tables, 'dns-os').columns).toEqual(['이름', '유형', '데이터', '남은 TTL']);
      const relay = { ...AFTER.services!, dhcpRelay: { servers: ['10.0.0.67'], relayed: 0, returned: 0 } };
      expect(byKey(servicesTables(null, relay, t), 'dhcpRelay').title).toBe('DHCP 릴레이');
    } finally {
      i18n.global.locale.value = 'en';
    }
  });
});
