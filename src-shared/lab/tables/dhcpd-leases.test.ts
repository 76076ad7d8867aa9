import { describe, it, expect } from 'vitest';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ipv4, mac } from '../../net/addr';
import { parseDhcpdConf } from './dhcpd';
import { LeasePool, formatLeases } from './dhcpd-leases';

const S = 1_000_000;
const T0 = Date.UTC(2026, 0, 1) * 1000;
const dir = mkdtempSync(join(tmpdir(), 'packetlab-leases-'));
const confText = readFileSync(new URL('./dhcpd-fixtures/home-router.conf', import.meta.url), 'utf8');

function pool() {
  const r = parseDhcpdConf(confText);
  if (!r.ok) throw new Error(JSON.stringify(r.errors));
  return { config: r.value, pool: new LeasePool(r.value, r.value.subnets[0]) };
}

const pc = mac('02:00:00:00:00:0a');
const laptop = mac('02:00:00:00:00:0b');

describe('DHCP lease pool', () => {
  it('the home router config passes dhcpd -t', () => {
    const file = join(dir, 'home.conf');
    writeFileSync(file, confText);
    const r = spawnSync('dhcpd', ['-t', '-q', '-cf', file, '-lf', '/dev/null'], { encoding: 'utf8' });
    if (r.error) throw r.error;
    expect(r.status, r.stdout + r.stderr).toBe(0);
  });

  it('runs DORA, renews, expires and reuses addresses in virtual time', () => {
    const { pool: p } = pool();
    const offer = p.discover(pc, T0, { hostname: 'pc1' });
    expect(offer).toMatchObject({ ok: true, address: ipv4('192.168.1.100'), leaseSeconds: 3600, renewalSeconds: 1800, rebindingSeconds: 3150, fixed: false });
    expect(offer.ok && offer.options).toEqual({ domainName: 'home.lab', routers: [ipv4('192.168.1.1')], dnsServers: [ipv4('192.168.1.1')], broadcast: ipv4('192.168.1.255'), subnetMask: ipv4('255.255.255.0') });
    // The offer is held: a second client gets the next address.
    expect(p.discover(laptop, T0 + S)).toMatchObject({ ok: true, address: ipv4('192.168.1.101') });
    const ack = p.request(pc, ipv4('192.168.1.100'), T0 + 2 * S, { hostname: 'pc1' });
    expect(ack).toMatchObject({ ok: true, explanation: '192.168.1.100 for 3600 s (lease for 02:00:00:00:00:0a)' });
    // Renewal at T1 extends the lease.
    const renew = p.request(pc, ipv4('192.168.1.100'), T0 + 1802 * S);
    expect(renew).toMatchObject({ ok: true, explanation: /lease of 02:00:00:00:00:0a extended/ });
    expect(p.leases().find((l) => l.address === ipv4('192.168.1.100'))).toMatchObject({ state: 'active', ends: T0 + (1802 + 3600) * S });
    // The laptop never sent its REQUEST: its offer lapsed after a minute (expired by the renewal's clock).
    expect(p.leases().find((l) => l.mac === '02:00:00:00:00:0b')?.state).toBe('free');
    // After the lease runs out the same client gets the same address back.
    expect(p.expire(T0 + 6000 * S).map((l) => l.mac)).toEqual(['02:00:00:00:00:0a']);
    expect(p.discover(pc, T0 + 7000 * S)).toMatchObject({ ok: true, address: ipv4('192.168.1.100'), explanation: /had 192.168.1.100 before/ });
  });

  it('honours reservations, requested addresses, lease-time caps and NAKs wrong requests', () => {
    const { pool: p } = pool();
    expect(p.discover(mac('02:00:00:00:01:50'), T0)).toMatchObject({ ok: true, address: ipv4('192.168.1.50'), fixed: true, explanation: /host reservation/ });
    expect(p.discover(pc, T0, { address: ipv4('192.168.1.102'), leaseSeconds: 999999 })).toMatchObject({
      ok: true, address: ipv4('192.168.1.102'), leaseSeconds: 86400, explanation: /asked for 192.168.1.102.*capped by max-lease-time/,
    });
    expect(p.request(pc, ipv4('192.168.1.102'), T0)).toMatchObject({ ok: true });
    // INIT-REBOOT from another network: the authoritative server NAKs.
    expect(p.request(laptop, ipv4('10.0.0.7'), T0)).toEqual({ ok: false, reply: 'nak', reason: '10.0.0.7 is not on network 192.168.1.0/24' });
    expect(p.request(laptop, ipv4('192.168.1.102'), T0)).toMatchObject({ ok: false, reply: 'nak', reason: /leased to 02:00:00:00:00:0a/ });
    expect(p.request(laptop, ipv4('192.168.1.50'), T0)).toMatchObject({ ok: false, reply: 'nak', reason: /not in a dynamic range/ });
  });

  it('releases, declines and runs out of addresses', () => {
    const { pool: p } = pool();
    const clients = [0, 1, 2, 3, 4].map((i) => mac(`02:00:00:00:00:2${i}`));
    for (const c of clients.slice(0, 4)) {
      const o = p.discover(c, T0);
      if (!o.ok) throw new Error(o.reason);
      expect(p.request(c, o.address, T0).ok).toBe(true);
    }
    expect(p.discover(clients[4], T0)).toEqual({ ok: false, reply: 'none', reason: 'no free addresses in 192.168.1.0/24: pool exhausted' });
    expect(p.release(clients[0], ipv4('192.168.1.100'), T0 + S)).toBe(true);
    expect(p.release(clients[1], ipv4('192.168.1.100'), T0 + S)).toBe(false);
    expect(p.discover(clients[4], T0 + 2 * S)).toMatchObject({ ok: true, address: ipv4('192.168.1.100') });
    expect(p.decline(clients[1], ipv4('192.168.1.101'), T0 + 3 * S)).toBe(true);
    expect(p.leases().find((l) => l.address === ipv4('192.168.1.101'))?.state).toBe('abandoned');
  });

  it('writes a dhcpd.leases file that dhcpd -T reads without errors', () => {
    const { pool: p } = pool();
    for (const [i, c] of [pc, laptop].entries()) {
      const o = p.discover(c, T0 + i * S, { hostname: `host-${i}` });
      if (o.ok) p.request(c, o.address, T0 + i * S, { hostname: `host-${i}` });
    }
    p.decline(laptop, ipv4('192.168.1.101'), T0 + 5 * S);
    const text = formatLeases(p.leases());
    expect(text.split('\n').slice(0, 9)).toEqual([
      'lease 192.168.1.100 {', '  starts 4 2026/01/01 00:00:00;', '  ends 4 2026/01/01 01:00:00;', '  cltt 4 2026/01/01 00:00:00;',
      '  binding state active;', '  next binding state free;', '  hardware ethernet 02:00:00:00:00:0a;', '  client-hostname "host-0";', '}',
    ]);
    const conf = join(dir, 'home.conf');
    const leases = join(dir, 'dhcpd.leases');
    writeFileSync(conf, confText);
    writeFileSync(leases, text);
    const r = spawnSync('dhcpd', ['-T', '-cf', conf, '-lf', leases], { encoding: 'utf8' });
    if (r.error) throw r.error;
    const out = r.stdout + r.stderr;
    expect(r.status, out).toBe(0);
    expect(out).not.toMatch(/line \d+:/);
    expect(out).toContain('Wrote 2 leases to leases file.');
  });
});
