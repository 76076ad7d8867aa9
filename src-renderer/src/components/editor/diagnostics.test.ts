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

  it('leaves zone files and dhcpd.conf unchecked until their parsers exist', () => {
    expect(hasParser('zone')).toBe(false);
    expect(hasParser('dhcpd')).toBe(false);
    expect(diagnose('zone', 'garbage (', ctx)).toEqual([]);
  });
});
