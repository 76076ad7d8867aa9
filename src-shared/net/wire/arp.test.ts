import { describe, expect, it } from 'vitest';
import { formatIpv4, ipv4 } from '../addr/ipv4';
import { formatMac, mac } from '../addr/mac';
import { ArpOperation, emitArp, parseArp } from './arp';
import { ARP_REPLY, ARP_REQUEST } from './fixtures/ipv4-frames';

describe('ARP', () => {
  it('deconstructs a real request', () => {
    const r = parseArp(ARP_REQUEST, 14);
    if (!r.ok) throw new Error(r.error.message);
    expect(r.repr.operation).toBe(ArpOperation.Request);
    expect(formatMac(r.repr.senderMac)).toBe('02:00:5e:a0:00:01');
    expect(formatIpv4(r.repr.senderIp)).toBe('192.0.2.1');
    expect(formatMac(r.repr.targetMac)).toBe('00:00:00:00:00:00');
    expect(formatIpv4(r.repr.targetIp)).toBe('192.0.2.139');
    expect(r.headerLength).toBe(28);
  });

  it('constructs a real reply byte for byte', () => {
    const out = emitArp({
      operation: ArpOperation.Reply,
      senderMac: mac('02:00:5e:a0:00:01'),
      senderIp: ipv4('192.0.2.1'),
      targetMac: mac('02:00:5e:a0:00:99'),
      targetIp: ipv4('192.0.2.139'),
    });
    expect(out).toEqual(ARP_REPLY.subarray(14));
  });

  it('round-trips', () => {
    const r = parseArp(ARP_REPLY, 14);
    if (!r.ok) throw new Error(r.error.message);
    expect(emitArp(r.repr)).toEqual(ARP_REPLY.subarray(14, 42));
  });

  it('keeps unknown operations and rejects unsupported address types', () => {
    const odd = ARP_REQUEST.slice(14);
    odd[7] = 9;
    const r = parseArp(odd);
    expect(r.ok && r.repr.operation).toBe(9);
    const token = ARP_REQUEST.slice(14);
    token[1] = 6; // IEEE 802 hardware type
    const t = parseArp(token);
    expect(t.ok).toBe(false);
    if (!t.ok) expect(t.error.message).toMatch(/hardware type 6/);
    for (let n = 0; n < 28; n++) expect(parseArp(ARP_REQUEST.subarray(14, 14 + n)).ok).toBe(false);
  });
});
