import { describe, expect, it } from 'vitest';
import { ipv4 } from '../addr/ipv4';
import { ipv6 } from '../addr/ipv6';
import { readU16 } from './checksum';
import { UDP_DHCP_DISCOVER, UDP_SMALL, UDP_TRACEROUTE_PROBE } from './fixtures/ipv4-frames';
import { emitUdp, parseUdp, verifyUdpChecksum } from './udp';

const probeIp = { src: ipv4('203.0.113.10'), dst: ipv4('203.0.113.70') };

describe('UDP', () => {
  it('deconstructs a real datagram', () => {
    const r = parseUdp(UDP_TRACEROUTE_PROBE, 34, 40);
    if (!r.ok) throw new Error(r.error.message);
    expect(r.repr).toEqual({ srcPort: 60094, dstPort: 33434, length: 40, checksum: 0x24ee });
    expect(r.payloadOffset).toBe(42);
    expect(r.payloadLength).toBe(32);
    expect(verifyUdpChecksum(UDP_TRACEROUTE_PROBE, 34, 40, probeIp)).toBe('good');
    expect(verifyUdpChecksum(UDP_TRACEROUTE_PROBE, 34, 40, { ...probeIp, dst: probeIp.dst + 1 })).toBe('bad');
  });

  it('constructs real datagrams byte for byte, checksum included', () => {
    expect(emitUdp({ srcPort: 60094, dstPort: 33434 }, UDP_TRACEROUTE_PROBE.subarray(42), probeIp)).toEqual(
      UDP_TRACEROUTE_PROBE.subarray(34),
    );
    expect(emitUdp({ srcPort: 54798, dstPort: 9999 }, UDP_SMALL.subarray(42), probeIp)).toEqual(UDP_SMALL.subarray(34));
    const dhcp = emitUdp({ srcPort: 68, dstPort: 67 }, UDP_DHCP_DISCOVER.subarray(42), { src: 0, dst: 0xffffffff });
    expect(dhcp).toEqual(UDP_DHCP_DISCOVER.subarray(34));
  });

  it('applies the zero-checksum rules of IPv4 and IPv6', () => {
    const none = emitUdp({ srcPort: 1, dstPort: 2 }, new Uint8Array(4), probeIp, { noChecksum: true });
    expect(readU16(none, 6)).toBe(0);
    expect(verifyUdpChecksum(none, 0, none.length, probeIp)).toBe('none');
    const v6 = { src: ipv6('2001:db8::1'), dst: ipv6('2001:db8::2') };
    const six = emitUdp({ srcPort: 1, dstPort: 2 }, new Uint8Array(4), v6, { noChecksum: true });
    expect(readU16(six, 6)).not.toBe(0);
    expect(verifyUdpChecksum(six, 0, six.length, v6)).toBe('good');
    const zeroed = six.slice();
    zeroed[6] = zeroed[7] = 0;
    expect(verifyUdpChecksum(zeroed, 0, zeroed.length, v6)).toBe('bad');
  });

  it('sends a computed zero checksum as 0xffff', () => {
    // Choose the payload word so that the one's-complement sum is 0xffff (checksum 0).
    const base = emitUdp({ srcPort: 1000, dstPort: 2000 }, Uint8Array.of(0, 0), probeIp);
    const c = readU16(base, 6); // checksum with a zero payload word
    // Adding word w changes the checksum to ~(~c + w); picking w = c makes it 0 (RFC 768 sends 0xffff).
    const tweaked = emitUdp({ srcPort: 1000, dstPort: 2000 }, Uint8Array.of(c >> 8, c & 0xff), probeIp);
    expect(readU16(tweaked, 6)).toBe(0xffff);
    expect(verifyUdpChecksum(tweaked, 0, tweaked.length, probeIp)).toBe('good');
  });

  it('rejects bad lengths without throwing', () => {
    const r = parseUdp(UDP_TRACEROUTE_PROBE, 34, 39);
    expect(r).toMatchObject({ ok: false, error: { offset: 38 } });
    const tiny = UDP_TRACEROUTE_PROBE.slice(34);
    tiny[5] = 4;
    expect(parseUdp(tiny).ok).toBe(false);
    for (let n = 0; n < 8; n++) expect(parseUdp(UDP_TRACEROUTE_PROBE, 34, n).ok).toBe(false);
  });
});
