import { describe, expect, it } from 'vitest';
import {
  formatIpv6,
  ipv6,
  ipv6Cidr,
  ipv6CidrContains,
  ipv6Equals,
  ipv6FromKey,
  ipv6MulticastMac,
  ipv6ToKey,
  isIpv6LinkLocal,
  isIpv6Loopback,
  isIpv6Multicast,
  isIpv6UniqueLocal,
  linkLocalFromMac,
  parseIpv6,
  parseIpv6Cidr,
  solicitedNodeMulticast,
} from './ipv6';
import { formatMac, mac } from './mac';

function errorOf(r: { ok: boolean; error?: { message: string; offset: number } }) {
  if (r.ok) throw new Error('expected a parse error');
  return r.error!;
}

describe('IPv6 text (RFC 4291 parsing, RFC 5952 output)', () => {
  it('parses full, compressed and mixed forms', () => {
    expect(Array.from(ipv6('2001:db8:0:0:1:0:0:1'))).toEqual([0x20, 1, 0xd, 0xb8, 0, 0, 0, 0, 0, 1, 0, 0, 0, 0, 0, 1]);
    expect(ipv6Equals(ipv6('2001:DB8::1:0:0:1'), ipv6('2001:0db8:0000:0000:0001:0000:0000:0001'))).toBe(true);
    expect(Array.from(ipv6('::'))).toEqual(new Array(16).fill(0));
    expect(ipv6('::1')[15]).toBe(1);
    expect(Array.from(ipv6('::ffff:192.0.2.1').subarray(10))).toEqual([0xff, 0xff, 192, 0, 2, 1]);
    expect(Array.from(ipv6('fe80::')).slice(0, 3)).toEqual([0xfe, 0x80, 0]);
    expect(Array.from(ipv6('1:2:3:4:5:6:7::')).slice(12)).toEqual([0, 7, 0, 0]);
  });

  it('formats canonically (RFC 5952 §4 examples)', () => {
    const canon = (s: string) => formatIpv6(ipv6(s));
    expect(canon('2001:0db8:0000:0000:0000:0000:0000:0001')).toBe('2001:db8::1'); // 4.1 leading zeros, 4.2.1
    expect(canon('2001:db8:0:0:0:0:2:1')).toBe('2001:db8::2:1');
    expect(canon('2001:db8:0:1:1:1:1:1')).toBe('2001:db8:0:1:1:1:1:1'); // 4.2.2 single 0 group
    expect(canon('2001:0:0:1:0:0:0:1')).toBe('2001:0:0:1::1'); // 4.2.3 longest run
    expect(canon('2001:db8:0:0:1:0:0:1')).toBe('2001:db8::1:0:0:1'); // 4.2.3 first of equal runs
    expect(canon('2001:DB8::ABCD')).toBe('2001:db8::abcd'); // 4.3 lowercase
    expect(canon('::')).toBe('::');
    expect(canon('0:0:0:0:0:0:0:1')).toBe('::1');
    expect(canon('1:0:0:0:0:0:0:0')).toBe('1::');
    expect(canon('::ffff:c000:0201')).toBe('::ffff:192.0.2.1'); // 5: IPv4-mapped in mixed notation
    expect(canon('fe80:0:0:0:200:5eff:fea0:1')).toBe('fe80::200:5eff:fea0:1');
  });

  it('reports errors with positions', () => {
    expect(errorOf(parseIpv6('2001:db8::1::2'))).toMatchObject({ offset: 11, message: expect.stringContaining("'::'") });
    expect(errorOf(parseIpv6(':1::'))).toMatchObject({ offset: 0 });
    expect(errorOf(parseIpv6('1::2:'))).toMatchObject({ offset: 4 });
    expect(errorOf(parseIpv6('12345::'))).toMatchObject({ offset: 0, message: expect.stringContaining('4 hex') });
    expect(errorOf(parseIpv6('1:2:3:4:5:6:7'))).toMatchObject({ message: expect.stringContaining('7 groups') });
    expect(errorOf(parseIpv6('1:2:3:4:5:6:7:8:9'))).toMatchObject({ message: expect.stringContaining('more than 8') });
    expect(errorOf(parseIpv6('1:2:3:4:5:6:7::8'))).toMatchObject({ message: expect.stringContaining('too many') });
    expect(errorOf(parseIpv6('2001:db8::g'))).toMatchObject({ offset: 10 });
    expect(errorOf(parseIpv6('::ffff:192.0.2.300'))).toMatchObject({ offset: 15 });
    expect(errorOf(parseIpv6('fe80::1%eth0'))).toMatchObject({ offset: 7, message: expect.stringContaining('zone') });
    expect(errorOf(parseIpv6(''))).toMatchObject({ offset: 0 });
  });

  it('keys and classifies', () => {
    const a = ipv6('2001:db8::1');
    expect(ipv6ToKey(a)).toBe('20010db8000000000000000000000001');
    expect(ipv6Equals(ipv6FromKey(ipv6ToKey(a)), a)).toBe(true);
    expect(isIpv6LinkLocal(ipv6('fe80::1'))).toBe(true);
    expect(isIpv6LinkLocal(ipv6('febf::1'))).toBe(true);
    expect(isIpv6LinkLocal(ipv6('fec0::1'))).toBe(false);
    expect(isIpv6Multicast(ipv6('ff02::1'))).toBe(true);
    expect(isIpv6Loopback(ipv6('::1'))).toBe(true);
    expect(isIpv6UniqueLocal(ipv6('fd00::1'))).toBe(true);
  });

  it('derives solicited-node groups, multicast MACs and EUI-64 link-locals', () => {
    // RFC 4291 §2.7.1: 4037::01:800:200E:8C6C -> FF02::1:FF0E:8C6C
    expect(formatIpv6(solicitedNodeMulticast(ipv6('4037::01:800:200E:8C6C')))).toBe('ff02::1:ff0e:8c6c');
    // RFC 2464 §7: FF02::1 -> 33:33:00:00:00:01
    expect(formatMac(ipv6MulticastMac(ipv6('ff02::1:ff0e:8c6c')))).toBe('33:33:ff:0e:8c:6c');
    expect(formatIpv6(linkLocalFromMac(mac('02:00:5e:a0:00:01')))).toBe('fe80::5eff:fea0:1');
  });

  it('parses prefixes and tests containment', () => {
    const p = ipv6Cidr('2001:db8:abcd::/48');
    expect(p.prefixLength).toBe(48);
    expect(ipv6CidrContains(p, ipv6('2001:db8:abcd:12::1'))).toBe(true);
    expect(ipv6CidrContains(p, ipv6('2001:db8:abce::1'))).toBe(false);
    expect(ipv6CidrContains(ipv6Cidr('fe80::/10'), ipv6('febf::1'))).toBe(true);
    expect(ipv6CidrContains(ipv6Cidr('fe80::/10'), ipv6('fec0::1'))).toBe(false);
    expect(errorOf(parseIpv6Cidr('2001:db8::/129'))).toMatchObject({ offset: 11 });
  });
});
