import { describe, it, expect } from 'vitest';
import { parseHosts, formatHosts, lookupHosts } from './hosts';
import { ipv4 } from '../../net/addr';

describe('/etc/hosts', () => {
  it('parses a Debian default hosts file', () => {
    const text = '127.0.0.1\tlocalhost\n127.0.1.1\tpc1.example.net pc1\n\n# The following lines are desirable for IPv6 capable hosts\n::1     localhost ip6-localhost ip6-loopback\nff02::1 ip6-allnodes\n';
    const r = parseHosts(text);
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    expect(r.value).toHaveLength(4);
    expect(lookupHosts(r.value, 'PC1')).toBe(ipv4('127.0.1.1'));
    expect(lookupHosts(r.value, 'ip6-allnodes')).toBeUndefined();
    expect(formatHosts(r.value.slice(0, 2))).toBe('127.0.0.1\tlocalhost\n127.0.1.1\tpc1.example.net pc1\n');
  });

  it('reports bad addresses and names with positions', () => {
    const r = parseHosts('192.0.2.1\n10.0.0.256 web\n192.0.2.2 good bad_-.-x');
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.errors.map((e) => [e.line, e.col])).toEqual([
      [1, 10],
      [2, 8],
      [3, 16],
    ]);
  });
});
