import { describe, expect, it } from 'vitest';
import {
  broadcastAddress,
  cidrContains,
  classifyIpv4,
  formatIpv4,
  formatIpv4Cidr,
  ipv4,
  ipv4Cidr,
  ipv4MulticastMac,
  maskToPrefix,
  networkAddress,
  parseIpv4,
  parseIpv4Cidr,
  prefixToMask,
  readIpv4,
  writeIpv4,
} from './ipv4';
import { formatMac } from './mac';

function errorOf(r: { ok: boolean; error?: { message: string; offset: number } }) {
  if (r.ok) throw new Error('expected a parse error');
  return r.error!;
}

describe('IPv4 addresses', () => {
  it('parses dotted quads to host-order uint32', () => {
    expect(ipv4('192.0.2.1')).toBe(0xc0000201);
    expect(ipv4('255.255.255.255')).toBe(0xffffffff);
    expect(ipv4('0.0.0.0')).toBe(0);
    expect(formatIpv4(0xcb007146)).toBe('203.0.113.70');
    expect(formatIpv4(ipv4('10.200.0.255'))).toBe('10.200.0.255');
  });

  it('rejects malformed text with the offending position', () => {
    expect(errorOf(parseIpv4('192.0.2'))).toMatchObject({ offset: 7, message: expect.stringContaining('3 octets') });
    expect(errorOf(parseIpv4('192.0.2.256'))).toMatchObject({ offset: 8, message: expect.stringContaining('256') });
    expect(errorOf(parseIpv4('192.0.02.1'))).toMatchObject({ offset: 6, message: expect.stringContaining('leading zero') });
    expect(errorOf(parseIpv4('192.0.2.1 '))).toMatchObject({ offset: 9 });
    expect(errorOf(parseIpv4('192..2.1'))).toMatchObject({ offset: 4 });
    expect(errorOf(parseIpv4('1922.0.2.1'))).toMatchObject({ offset: 0 });
    expect(errorOf(parseIpv4(''))).toMatchObject({ offset: 0 });
    expect(errorOf(parseIpv4('a.b.c.d'))).toMatchObject({ offset: 0 });
    expect(() => ipv4('1.2.3')).toThrow(/position 5/);
  });

  it('parses a range inside a longer line', () => {
    const line = 'host 192.0.2.7 up';
    expect(parseIpv4(line, 5, 14)).toEqual({ ok: true, value: 0xc0000207 });
    expect(errorOf(parseIpv4(line, 5, 15)).offset).toBe(14);
  });

  it('reads and writes network byte order', () => {
    const b = new Uint8Array(6);
    writeIpv4(b, 1, ipv4('203.0.113.10'));
    expect(Array.from(b)).toEqual([0, 203, 0, 113, 10, 0]);
    expect(readIpv4(b, 1)).toBe(ipv4('203.0.113.10'));
  });
});

describe('IPv4 prefixes', () => {
  it('converts prefix lengths and masks', () => {
    expect(prefixToMask(24)).toBe(0xffffff00);
    expect(prefixToMask(0)).toBe(0);
    expect(prefixToMask(32)).toBe(0xffffffff);
    expect(prefixToMask(26)).toBe(ipv4('255.255.255.192'));
    expect(maskToPrefix(ipv4('255.255.255.192'))).toBe(26);
    expect(maskToPrefix(0)).toBe(0);
    expect(maskToPrefix(0xffffffff)).toBe(32);
    expect(maskToPrefix(ipv4('255.0.255.0'))).toBe(-1);
  });

  it('parses CIDR and computes network, broadcast and containment', () => {
    const c = ipv4Cidr('203.0.113.64/26');
    expect(c).toEqual({ address: ipv4('203.0.113.64'), prefixLength: 26 });
    expect(formatIpv4(networkAddress(ipv4('203.0.113.70'), 26))).toBe('203.0.113.64');
    expect(formatIpv4(broadcastAddress(ipv4('203.0.113.70'), 26))).toBe('203.0.113.127');
    expect(cidrContains(c, ipv4('203.0.113.127'))).toBe(true);
    expect(cidrContains(c, ipv4('203.0.113.128'))).toBe(false);
    expect(cidrContains(ipv4Cidr('0.0.0.0/0'), ipv4('8.8.8.8'))).toBe(true);
    expect(formatIpv4Cidr(ipv4Cidr('192.0.2.5/24'))).toBe('192.0.2.5/24');
    expect(parseIpv4Cidr('192.0.2.5', 32)).toEqual({ ok: true, value: { address: ipv4('192.0.2.5'), prefixLength: 32 } });
  });

  it('reports CIDR errors with positions', () => {
    expect(errorOf(parseIpv4Cidr('192.0.2.0/33'))).toMatchObject({ offset: 10, message: expect.stringContaining('33') });
    expect(errorOf(parseIpv4Cidr('192.0.2.0/'))).toMatchObject({ offset: 10 });
    expect(errorOf(parseIpv4Cidr('192.0.2.0/2x'))).toMatchObject({ offset: 11 });
    expect(errorOf(parseIpv4Cidr('192.0.2.0'))).toMatchObject({ offset: 9 });
    expect(errorOf(parseIpv4Cidr('192.0.2.300/24'))).toMatchObject({ offset: 8 });
  });

  it('classifies special ranges', () => {
    expect(classifyIpv4(ipv4('10.1.2.3'))).toBe('private');
    expect(classifyIpv4(ipv4('172.16.0.1'))).toBe('private');
    expect(classifyIpv4(ipv4('172.32.0.1'))).toBe('global');
    expect(classifyIpv4(ipv4('192.168.1.1'))).toBe('private');
    expect(classifyIpv4(ipv4('127.0.0.1'))).toBe('loopback');
    expect(classifyIpv4(ipv4('224.0.0.251'))).toBe('multicast');
    expect(classifyIpv4(ipv4('239.255.255.250'))).toBe('multicast');
    expect(classifyIpv4(ipv4('255.255.255.255'))).toBe('limited-broadcast');
    expect(classifyIpv4(ipv4('169.254.1.1'))).toBe('link-local');
    expect(classifyIpv4(ipv4('100.64.0.1'))).toBe('shared');
    expect(classifyIpv4(ipv4('192.0.2.1'))).toBe('documentation');
    expect(classifyIpv4(ipv4('0.0.0.0'))).toBe('unspecified');
    expect(classifyIpv4(ipv4('240.0.0.1'))).toBe('reserved');
    expect(classifyIpv4(ipv4('8.8.8.8'))).toBe('global');
  });

  it('maps multicast groups to Ethernet addresses (RFC 1112)', () => {
    expect(formatMac(ipv4MulticastMac(ipv4('224.0.0.251')))).toBe('01:00:5e:00:00:fb');
    expect(formatMac(ipv4MulticastMac(ipv4('239.255.255.250')))).toBe('01:00:5e:7f:ff:fa');
  });
});
