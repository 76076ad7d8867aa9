import { describe, expect, it } from 'vitest';
import { formatMac } from '../addr/mac';
import { emitEthernet, EtherType, parseEthernet } from './ethernet';
import { ARP_REQUEST, ICMP_ECHO_REQUEST } from './fixtures/ipv4-frames';

describe('Ethernet II', () => {
  it('deconstructs a real frame', () => {
    const r = parseEthernet(ICMP_ECHO_REQUEST);
    if (!r.ok) throw new Error(r.error.message);
    expect(formatMac(r.repr.dst)).toBe('02:00:5e:a0:00:01');
    expect(formatMac(r.repr.src)).toBe('02:00:5e:a0:00:99');
    expect(r.repr.ethertype).toBe(EtherType.IPv4);
    expect(r.headerLength).toBe(14);
    expect(r.payloadOffset).toBe(14);
    expect(r.payloadLength).toBe(84);
  });

  it('constructs the same bytes', () => {
    const r = parseEthernet(ARP_REQUEST);
    if (!r.ok) throw new Error(r.error.message);
    const out = emitEthernet(r.repr, ARP_REQUEST.subarray(14));
    expect(out).toEqual(ARP_REQUEST);
  });

  it('pads to 60 bytes only when asked', () => {
    const r = parseEthernet(ARP_REQUEST);
    if (!r.ok) throw new Error(r.error.message);
    const padded = emitEthernet(r.repr, ARP_REQUEST.subarray(14), { pad: true });
    expect(padded.length).toBe(60);
    expect(padded.subarray(0, 42)).toEqual(ARP_REQUEST);
    expect(padded.subarray(42).every((b) => b === 0)).toBe(true);
  });

  it('reports truncation without throwing', () => {
    const r = parseEthernet(ARP_REQUEST.subarray(0, 13));
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.error.message).toMatch(/truncated/);
  });

  it('keeps 802.3 length values as they are', () => {
    const f = ARP_REQUEST.slice();
    f[12] = 0x00;
    f[13] = 0x26;
    const r = parseEthernet(f);
    expect(r.ok && r.repr.ethertype).toBe(0x26);
  });
});
