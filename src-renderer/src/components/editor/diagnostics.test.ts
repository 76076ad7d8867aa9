import { describe, it, expect } from 'vitest';
import { diagnose, hasParser } from './diagnostics';

const ctx = { interfaces: ['eth0', 'eth1'] };

describe('table diagnostics', () => {
  it('accepts valid iproute2 routes', () => {
    expect(diagnose('routes', 'default via 192.168.1.1 dev eth0\n10.0.0.0/8 via 192.168.1.254 dev eth1 metric 10\n', ctx)).toEqual([]);
  });

  it('points at a bad gateway address with the shared parser’s line and column', () => {
    const d = diagnose('routes', '# gateway\ndefault via 192.168.1.300 dev eth0', ctx);
    expect(d).toHaveLength(1);
    expect(d[0].line).toBe(2);
    expect(d[0].col).toBeGreaterThanOrEqual(13);
    expect(d[0].col).toBeLessThanOrEqual(25);
    expect(d[0].severity).toBe('error');
    expect(d[0].message).toMatch(/192\.168\.1\.300/);
  });

  it('reports a destination with host bits set', () => {
    const [d] = diagnose('routes', '10.0.0.1/8 dev eth0', ctx);
    expect(d).toMatchObject({ line: 1, col: 1, endCol: 11, severity: 'error' });
    expect(d.message).toMatch(/host bits/);
  });

  it('warns about an interface the device does not have', () => {
    const [d] = diagnose('routes', 'default via 192.168.1.1 dev eth7', ctx);
    expect(d).toMatchObject({ line: 1, col: 29, endCol: 33, severity: 'warning' });
    expect(d.message).toContain('eth0, eth1');
  });

  it('checks hosts files and static ARP entries', () => {
    expect(diagnose('hosts', '192.168.1.20 www.example.com www\n', ctx)).toEqual([]);
    expect(diagnose('hosts', '192.168.1 www\n', ctx)[0]).toMatchObject({ line: 1, col: expect.any(Number) });
    expect(diagnose('arp', '192.168.1.1 lladdr 02:00:00:00:00:01 dev eth0 PERMANENT\n', ctx)).toEqual([]);
    expect(diagnose('arp', '192.168.1.1 lladdr 02:00:00:00:01 dev eth0\n', ctx)).toHaveLength(1);
  });

  it('checks BIND zone files with the shared zone parser', () => {
    expect(hasParser('zone')).toBe(true);
    const zone = '$ORIGIN example.com.\n$TTL 3600\n@ IN SOA ns1 hostmaster ( 1 3600 900 604800 300 )\n@ IN NS ns1\nns1 IN A 192.0.2.53\nwww IN A 192.0.2.80\n';
    expect(diagnose('zone', zone, ctx).filter((d) => d.severity === 'error')).toEqual([]);
    const [bad] = diagnose('zone', zone.replace('192.0.2.80', '192.0.2.300'), ctx);
    expect(bad).toMatchObject({ line: 6, col: 10, severity: 'error' });
    expect(bad.message).toContain('192.0.2.300');
    expect(diagnose('zone', 'www IN A 192.0.2.1\n', ctx)[0].message).toMatch(/TTL/);
  });

  it('checks dhcpd.conf with the shared parser', () => {
    const conf = 'subnet 192.168.1.0 netmask 255.255.255.0 {\n  range 192.168.1.100 192.168.1.199;\n  option routers 192.168.1.1;\n}\n';
    expect(diagnose('dhcpd', conf, ctx)).toEqual([]);
    const problems = diagnose('dhcpd', conf.replace('192.168.1.199;', '192.168.1.299;').replace('192.168.1.1;', '192.168.1.1'), ctx);
    expect(problems.map((d) => `${d.line}:${d.col}`)).toEqual(['2:33', '4:1']);
  });
});
