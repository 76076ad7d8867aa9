import { describe, expect, it } from 'vitest';
import {
  formatMac,
  isBroadcastMac,
  isLocallyAdministeredMac,
  isMulticastMac,
  isUnicastMac,
  mac,
  MAC_BROADCAST,
  macEquals,
  macFromKey,
  macToKey,
  parseMac,
} from './mac';
import { AddrParseError } from './result';

describe('MAC addresses', () => {
  it('parses colon and dash forms in either case', () => {
    expect(Array.from(mac('02:00:5e:a0:00:01'))).toEqual([2, 0, 0x5e, 0xa0, 0, 1]);
    expect(Array.from(mac('02-00-5E-A0-00-FF'))).toEqual([2, 0, 0x5e, 0xa0, 0, 0xff]);
  });

  it('formats lowercase colon form', () => {
    expect(formatMac(Uint8Array.of(0x02, 0x00, 0x5e, 0xa0, 0x00, 0xab))).toBe('02:00:5e:a0:00:ab');
    expect(formatMac(Uint8Array.of(9, 9, 0xde, 0xad, 0xbe, 0xef, 0, 1), 2)).toBe('de:ad:be:ef:00:01');
  });

  it('reports the position of bad input', () => {
    const bad = (s: string) => {
      const r = parseMac(s);
      if (r.ok) throw new Error(`accepted ${s}`);
      return r.error;
    };
    expect(bad('02:00:5e:a0:00')).toMatchObject({ offset: 14 });
    expect(bad('02:00:5g:a0:00:01')).toMatchObject({ offset: 7, message: expect.stringContaining("'g'") });
    expect(bad('02:00-5e:a0:00:01')).toMatchObject({ offset: 5 });
    expect(bad('02.00.5e.a0.00.01')).toMatchObject({ offset: 2 });
    expect(bad('02:00:5e:a0:00:01:')).toMatchObject({ offset: 17 });
    expect(() => mac('zz')).toThrow(AddrParseError);
  });

  it('classifies broadcast, multicast, unicast and locally administered', () => {
    expect(isBroadcastMac(MAC_BROADCAST)).toBe(true);
    expect(isMulticastMac(MAC_BROADCAST)).toBe(true);
    expect(isMulticastMac(mac('01:00:5e:00:00:fb'))).toBe(true);
    expect(isMulticastMac(mac('33:33:00:00:00:01'))).toBe(true);
    expect(isBroadcastMac(mac('33:33:00:00:00:01'))).toBe(false);
    expect(isUnicastMac(mac('02:00:5e:a0:00:01'))).toBe(true);
    expect(isLocallyAdministeredMac(mac('02:00:5e:a0:00:01'))).toBe(true);
    expect(isLocallyAdministeredMac(mac('00:1b:21:3a:4f:10'))).toBe(false);
  });

  it('converts to and from an exact numeric key', () => {
    const m = mac('fe:dc:ba:98:76:54');
    const key = macToKey(m);
    expect(key).toBe(0xfedcba987654);
    expect(macEquals(macFromKey(key), m)).toBe(true);
    expect(macToKey(MAC_BROADCAST)).toBe(2 ** 48 - 1);
    expect(macToKey(mac('00:00:00:00:00:01'))).toBe(1);
    const map = new Map([[macToKey(mac('02:00:5e:a0:00:01')), 'r1']]);
    expect(map.get(macToKey(mac('02:00:5E:A0:00:01')))).toBe('r1');
  });
});
