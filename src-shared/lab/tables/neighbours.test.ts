import { describe, it, expect } from 'vitest';
import { parseNeighbours, formatNeighbours } from './neighbours';
import { formatMac, ipv4 } from '../../net/addr';

describe('ip neigh entries', () => {
  it('parses `ip neigh add` order and prints `ip neigh show` order', () => {
    const r = parseNeighbours('192.0.2.1 lladdr 02:00:00:00:00:01 dev eth0 PERMANENT\n192.0.2.9 dev eth1 lladdr 02:00:00:00:00:09 REACHABLE\n192.0.2.5 dev eth0 INCOMPLETE\n');
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    expect(r.value[0].address).toBe(ipv4('192.0.2.1'));
    expect(formatMac(r.value[0].lladdr!)).toBe('02:00:00:00:00:01');
    expect(formatNeighbours(r.value)).toBe(
      '192.0.2.1 dev eth0 lladdr 02:00:00:00:00:01 PERMANENT\n192.0.2.9 dev eth1 lladdr 02:00:00:00:00:09 REACHABLE\n192.0.2.5 dev eth0 INCOMPLETE\n',
    );
  });

  it('defaults to PERMANENT and reports errors with positions', () => {
    const ok = parseNeighbours('192.0.2.1 lladdr 02:00:00:00:00:01 dev eth0');
    expect(ok.ok && ok.value[0].state).toBe('PERMANENT');
    const r = parseNeighbours('192.0.2.1 lladdr 02:00:00:00:0g:01 dev eth0\n192.0.2.2 lladdr 02:00:00:00:00:02\n192.0.2.3 dev eth0 SLEEPY');
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.errors.map((e) => [e.line, e.col])).toEqual([
      [1, 31],
      [2, 35],
      [3, 20],
    ]);
    expect(r.errors[1].message).toMatch(/needs 'dev INTERFACE'/);
  });
});
