import { describe, it, expect } from 'vitest';
import { parseRoutes, formatRoutes } from './routes';
import { ipv4 } from '../../net/addr';

describe('iproute2 routes', () => {
  it('parses the forms `ip route` prints and round-trips them', () => {
    // As printed by `ip route` on a Debian 12 host (addresses changed to documentation ranges).
    const text = [
      'default via 192.0.2.1 dev eth0 proto static metric 100',
      '192.0.2.0/24 dev eth0 proto kernel scope link src 192.0.2.10',
      '198.51.100.0/24 via 192.0.2.254 dev eth1 metric 10',
      'blackhole 203.0.113.0/24',
      'unreachable 10.0.0.0/8',
      'prohibit 10.1.0.0/16',
      '203.0.113.7 via 192.0.2.2 dev eth0',
      '',
    ].join('\n');
    const r = parseRoutes(text);
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    expect(r.value[0]).toEqual({ type: 'unicast', dst: 0, prefixLength: 0, via: ipv4('192.0.2.1'), dev: 'eth0', proto: 'static', metric: 100 });
    expect(r.value[1]).toMatchObject({ dst: ipv4('192.0.2.0'), prefixLength: 24, scope: 'link', src: ipv4('192.0.2.10'), proto: 'kernel' });
    expect(r.value[3]).toMatchObject({ type: 'blackhole', prefixLength: 24 });
    expect(r.value[6]).toMatchObject({ prefixLength: 32, dst: ipv4('203.0.113.7') });
    expect(formatRoutes(r.value)).toBe(text);
  });

  it('accepts comments and blank lines', () => {
    const r = parseRoutes('# uplink\n\ndefault via 192.0.2.1   # the ISP\n');
    expect(r.ok && r.value.length).toBe(1);
  });

  it('reports every bad line with line and column', () => {
    const r = parseRoutes(['default via 192.0.2.300 dev eth0', '10.0.0.0/33 dev eth0', '192.0.2.0/24', '10.0.0.1/8 dev eth0', 'default via 1.2.3.4 mtu 1400', 'blackhole 10.0.0.0/8 dev eth0', 'default via'].join('\n'));
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.errors.map((e) => [e.line, e.col])).toEqual([
      [1, 21],
      [2, 10],
      [3, 13],
      [4, 1],
      [5, 21],
      [6, 1],
      [7, 12],
    ]);
    expect(r.errors[0].message).toMatch(/octet 300 is greater than 255/);
    expect(r.errors[2].message).toMatch(/needs 'via GATEWAY' or 'dev INTERFACE'/);
    expect(r.errors[3].message).toMatch(/did you mean 10\.0\.0\.0\/8/);
    expect(r.errors[4].message).toMatch(/unknown keyword 'mtu'/);
  });
});
