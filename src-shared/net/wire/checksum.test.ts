import { describe, expect, it } from 'vitest';
import { ipv4 } from '../addr/ipv4';
import {
  checksumValid,
  finishChecksum,
  foldSum,
  internetChecksum,
  ipv4PseudoSum,
  readU16,
  sumWords,
  updateChecksum,
} from './checksum';
import { ICMP_TIME_EXCEEDED, UDP_TRACEROUTE_PROBE } from './fixtures/ipv4-frames';

describe('Internet checksum (RFC 1071)', () => {
  it('matches the worked example of RFC 1071 §3', () => {
    // Bytes 00 01 f2 03 f4 f5 f6 f7: one's-complement sum ddf2, checksum 220d.
    const b = Uint8Array.of(0x00, 0x01, 0xf2, 0x03, 0xf4, 0xf5, 0xf6, 0xf7);
    expect(foldSum(sumWords(b))).toBe(0xddf2);
    expect(internetChecksum(b)).toBe(0x220d);
  });

  it('pads an odd trailing byte with zero and honours ranges', () => {
    const b = Uint8Array.of(0xff, 0x12, 0x34, 0x56, 0xff);
    expect(sumWords(b, 1, 4)).toBe(0x1234 + 0x5600);
    expect(sumWords(b, 1, 2)).toBe(0x1200);
    expect(sumWords(b, 2, 2)).toBe(0);
  });

  it('verifies a real IPv4 header and finds a one-bit error', () => {
    // routing-icmp-errors.pcapng frame 4: IPv4 header at bytes 14..34
    expect(checksumValid(ICMP_TIME_EXCEEDED, 14, 34)).toBe(true);
    const damaged = ICMP_TIME_EXCEEDED.slice();
    damaged[22] ^= 1; // TTL
    expect(checksumValid(damaged, 14, 34)).toBe(false);
    // Zeroing the field and recomputing gives the captured value back.
    const zeroed = ICMP_TIME_EXCEEDED.slice(14, 34);
    zeroed[10] = zeroed[11] = 0;
    expect(internetChecksum(zeroed)).toBe(readU16(ICMP_TIME_EXCEEDED, 24));
  });

  it('verifies a real UDP checksum through the IPv4 pseudo-header', () => {
    // routing-icmp-errors.pcapng frame 3: UDP at 34..74, 203.0.113.10 -> 203.0.113.70
    const pseudo = ipv4PseudoSum(ipv4('203.0.113.10'), ipv4('203.0.113.70'), 17, 40);
    expect(checksumValid(UDP_TRACEROUTE_PROBE, 34, 74, pseudo)).toBe(true);
    expect(checksumValid(UDP_TRACEROUTE_PROBE, 34, 74, pseudo + 1)).toBe(false);
  });

  it('updates incrementally like a router decrementing TTL (RFC 1624)', () => {
    // A changed identification word.
    const header = UDP_TRACEROUTE_PROBE.slice(14, 34);
    const oldId = readU16(header, 4);
    const newId = 0xbeef;
    const updated = updateChecksum(readU16(header, 10), oldId, newId);
    header[4] = newId >> 8;
    header[5] = newId & 0xff;
    header[10] = header[11] = 0;
    expect(updated).toBe(internetChecksum(header));
    // And a TTL decrement (word TTL<<8|proto goes down by 0x100).
    const t = ICMP_TIME_EXCEEDED.slice(14, 34);
    const ttlWord = readU16(t, 8);
    const after = updateChecksum(readU16(t, 10), ttlWord, ttlWord - 0x100);
    t[8] -= 1;
    t[10] = t[11] = 0;
    expect(after).toBe(internetChecksum(t));
  });

  it('finishChecksum inverts the folded sum', () => {
    expect(finishChecksum(0x1fffe)).toBe(0);
    expect(finishChecksum(0)).toBe(0xffff);
  });
});
