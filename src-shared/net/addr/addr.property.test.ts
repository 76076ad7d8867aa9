import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { formatIpv4, ipv4Cidr, cidrContains, networkAddress, broadcastAddress, parseIpv4, parseIpv4Cidr, prefixToMask, maskToPrefix } from './ipv4';
import { formatIpv6, ipv6Equals, parseIpv6, parseIpv6Cidr } from './ipv6';
import { formatMac, macEquals, macFromKey, macToKey, parseMac } from './mac';

const bytes = (n: number) => fc.uint8Array({ minLength: n, maxLength: n });
/** Strings built from the characters address syntax uses, so near-misses are common. */
const addrish = fc.string({ unit: fc.constantFrom(...'0123456789abcdefABCDEF:.-/%g '.split('')), maxLength: 48 });

describe('address text round trips', () => {
  it('MAC: format then parse gives the same bytes; key is a bijection', () => {
    fc.assert(
      fc.property(bytes(6), (m) => {
        const r = parseMac(formatMac(m));
        expect(r.ok && macEquals(r.value, m)).toBe(true);
        expect(macEquals(macFromKey(macToKey(m)), m)).toBe(true);
      }),
    );
  });

  it('IPv4: format then parse is the identity', () => {
    fc.assert(
      fc.property(fc.nat({ max: 0xffffffff }), (a) => {
        expect(parseIpv4(formatIpv4(a))).toEqual({ ok: true, value: a });
      }),
    );
  });

  it('IPv6: RFC 5952 output parses back, and is a fixed point', () => {
    // Bias towards zero groups so that "::" compression is exercised.
    const group = fc.oneof(fc.constant(0), fc.constant(0), fc.integer({ min: 0, max: 0xffff }));
    fc.assert(
      fc.property(fc.array(group, { minLength: 8, maxLength: 8 }), (groups) => {
        const a = new Uint8Array(16);
        groups.forEach((g, i) => {
          a[i * 2] = g >> 8;
          a[i * 2 + 1] = g & 0xff;
        });
        const text = formatIpv6(a);
        const r = parseIpv6(text);
        expect(r.ok && ipv6Equals(r.value, a)).toBe(true);
        expect(r.ok && formatIpv6(r.value)).toBe(text);
      }),
    );
  });

  it('parsers never throw and report an offset inside the input', () => {
    fc.assert(
      fc.property(addrish, (s) => {
        for (const r of [parseMac(s), parseIpv4(s), parseIpv6(s), parseIpv4Cidr(s), parseIpv6Cidr(s)]) {
          if (!r.ok) {
            expect(r.error.offset).toBeGreaterThanOrEqual(0);
            expect(r.error.offset).toBeLessThanOrEqual(s.length);
            expect(r.error.message.length).toBeGreaterThan(0);
          }
        }
      }),
      { numRuns: 5000 },
    );
  });

  it('CIDR arithmetic agrees with masks', () => {
    fc.assert(
      fc.property(fc.nat({ max: 0xffffffff }), fc.integer({ min: 0, max: 32 }), fc.nat({ max: 0xffffffff }), (a, len, b) => {
        expect(maskToPrefix(prefixToMask(len))).toBe(len);
        const net = networkAddress(a, len);
        const c = ipv4Cidr(`${formatIpv4(a)}/${len}`);
        expect(cidrContains(c, net)).toBe(true);
        expect(cidrContains(c, broadcastAddress(a, len))).toBe(true);
        expect(cidrContains(c, b)).toBe(networkAddress(b, len) === net);
      }),
    );
  });
});
