import { describe, expect, it } from 'vitest';
import { formatIpv4 } from '../addr/ipv4';
import { formatMac, mac } from '../addr/mac';
import { parseArp } from './arp';
import { EtherType } from './ethernet';
import { VLAN_ARP_REQUEST, VLAN_ICMP_ECHO } from './fixtures/vlan-frames';
import { parseIpv4 } from './ipv4';
import { emitEthernetVlan, parseEthernetVlan, parseVlanTag } from './vlan';

describe('802.1Q VLAN', () => {
  it('deconstructs a tagged ARP request', () => {
    const tag = parseVlanTag(VLAN_ARP_REQUEST, 14);
    if (!tag.ok) throw new Error(tag.error.message);
    expect(tag.repr).toEqual({ pcp: 5, dei: false, vid: 10, ethertype: EtherType.ARP });
    const f = parseEthernetVlan(VLAN_ARP_REQUEST);
    if (!f.ok) throw new Error(f.error.message);
    expect(formatMac(f.repr.dst)).toBe('ff:ff:ff:ff:ff:ff');
    expect(f.repr.tags).toEqual([{ pcp: 5, dei: false, vid: 10 }]);
    expect(f.repr.ethertype).toBe(EtherType.ARP);
    expect(f.payloadOffset).toBe(18);
    const arp = parseArp(VLAN_ARP_REQUEST, f.payloadOffset, f.payloadLength);
    expect(arp.ok && formatIpv4(arp.repr.targetIp)).toBe('203.0.113.2');
  });

  it('constructs tagged frames byte for byte', () => {
    const f = parseEthernetVlan(VLAN_ICMP_ECHO);
    if (!f.ok) throw new Error(f.error.message);
    const ip = parseIpv4(VLAN_ICMP_ECHO, f.payloadOffset);
    expect(ip.ok && ip.repr.checksumValid).toBe(true);
    const out = emitEthernetVlan(
      { dst: mac('02:00:5e:c0:0a:02'), src: mac('02:00:5e:c0:0a:01'), tags: [{ pcp: 5, dei: false, vid: 10 }], ethertype: EtherType.IPv4 },
      VLAN_ICMP_ECHO.subarray(18),
    );
    expect(out).toEqual(VLAN_ICMP_ECHO);
  });

  it('round-trips stacked (802.1ad) tags and untagged frames', () => {
    const repr = {
      dst: mac('02:00:00:00:00:02'),
      src: mac('02:00:00:00:00:01'),
      tags: [
        { pcp: 1, dei: true, vid: 100 },
        { pcp: 0, dei: false, vid: 4094 },
      ],
      ethertype: EtherType.IPv6,
    };
    const bytes = emitEthernetVlan(repr, Uint8Array.of(1, 2, 3));
    expect(Array.from(bytes.subarray(12, 22))).toEqual([0x88, 0xa8, 0x30, 0x64, 0x81, 0x00, 0x0f, 0xfe, 0x86, 0xdd]);
    const back = parseEthernetVlan(bytes);
    expect(back.ok && back.repr).toEqual(repr);
    const plain = parseEthernetVlan(emitEthernetVlan({ ...repr, tags: [] }, new Uint8Array(2)));
    expect(plain).toMatchObject({ ok: true, repr: { tags: [], ethertype: EtherType.IPv6 }, payloadOffset: 14 });
  });

  it('reports truncated and over-stacked tags without throwing', () => {
    expect(parseVlanTag(VLAN_ARP_REQUEST, 14, 3).ok).toBe(false);
    expect(parseEthernetVlan(VLAN_ARP_REQUEST.subarray(0, 17))).toMatchObject({ ok: false, error: { offset: 14 } });
    const stacked = new Uint8Array(14 + 4 * 6);
    for (let p = 12; p < stacked.length - 2; p += 4) {
      stacked[p] = 0x81;
      stacked[p + 1] = 0x00;
    }
    expect(parseEthernetVlan(stacked)).toMatchObject({ ok: false, error: { message: expect.stringMatching(/stacked/) } });
  });
});
