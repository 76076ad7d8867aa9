// Round-trip properties: parse(emit(repr)) gives repr back, checksums verify, fragments reassemble.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseArp, emitArp } from './arp';
import { emitIcmp, parseIcmp, type IcmpRepr } from './icmp';
import { emitIpv4, fragmentIpv4, Ipv4Reassembler, parseIpv4, type Ipv4Fields } from './ipv4';
import { emitUdp, parseUdp, verifyUdpChecksum } from './udp';
import { emitEthernetVlan, parseEthernetVlan } from './vlan';

const u32 = fc.nat({ max: 0xffffffff });
const u16 = fc.integer({ min: 0, max: 0xffff });
const u8 = fc.integer({ min: 0, max: 255 });
const bytes = (min: number, max: number) => fc.uint8Array({ minLength: min, maxLength: max });

/** Well-formed option areas: NOPs and TLVs, total ≤ 40 bytes. */
const ipv4Options = fc
  .array(fc.oneof(fc.constant(Uint8Array.of(1)), fc.tuple(fc.integer({ min: 2, max: 255 }), bytes(0, 6)).map(([t, d]) => Uint8Array.of(t, d.length + 2, ...d))), { maxLength: 5 })
  .map((parts) => {
    const all = parts.flatMap((p) => Array.from(p));
    const padded = new Uint8Array((all.length + 3) & ~3);
    padded.set(all);
    return padded;
  })
  .filter((o) => o.length <= 40);

const ipv4Fields = fc.record({
  src: u32,
  dst: u32,
  protocol: u8,
  dscp: fc.integer({ min: 0, max: 63 }),
  ecn: fc.integer({ min: 0, max: 3 }),
  identification: u16,
  reservedFlag: fc.boolean(),
  dontFragment: fc.boolean(),
  moreFragments: fc.boolean(),
  fragmentOffset: fc.integer({ min: 0, max: 0x1fff }).map((n) => n * 8),
  ttl: u8,
  options: ipv4Options,
});

describe('IPv4 family round trips', () => {
  it('IPv4 header', () => {
    fc.assert(
      fc.property(ipv4Fields, bytes(0, 100), (f, payload) => {
        const pkt = emitIpv4(f, payload);
        const r = parseIpv4(pkt);
        if (!r.ok) throw new Error(r.error.message);
        expect(r.repr).toMatchObject({ ...f, checksumValid: true, totalLength: pkt.length });
        expect(pkt.subarray(r.payloadOffset)).toEqual(payload);
      }),
    );
  });

  it('fragments reassemble in any order, for any MTU', () => {
    fc.assert(
      fc.property(
        fc.record({ src: u32, dst: u32, protocol: u8, identification: u16, options: ipv4Options }),
        bytes(1, 3000),
        fc.integer({ min: 68, max: 1500 }),
        fc.infiniteStream(fc.nat()),
        (f: Ipv4Fields, payload, mtu, rand) => {
          const frags = fragmentIpv4(f, payload, mtu);
          for (const fr of frags) expect(fr.length).toBeLessThanOrEqual(mtu);
          // Shuffle with the random stream, add one duplicate.
          const order = frags.map((_, i) => i);
          const it = rand[Symbol.iterator]();
          for (let i = order.length - 1; i > 0; i--) {
            const j = it.next().value % (i + 1);
            [order[i], order[j]] = [order[j], order[i]];
          }
          order.push(order[0]);
          const re = new Ipv4Reassembler(1000);
          const results = order.map((i) => re.add(frags[i], 0)).filter((x) => x !== null);
          const whole = results[0];
          if (!whole) throw new Error('not reassembled');
          const r = parseIpv4(whole);
          if (!r.ok) throw new Error(r.error.message);
          expect(whole.subarray(r.payloadOffset)).toEqual(payload);
          expect(r.repr).toMatchObject({ moreFragments: false, fragmentOffset: 0, identification: f.identification, checksumValid: true });
        },
      ),
      { numRuns: 200 },
    );
  });

  it('ICMP messages', () => {
    const repr: fc.Arbitrary<IcmpRepr> = fc.oneof(
      fc.record({ kind: fc.constantFrom('echoRequest' as const, 'echoReply' as const), identifier: u16, sequence: u16, data: bytes(0, 64) }),
      fc.record({ kind: fc.constant('destUnreachable' as const), code: u8, nextHopMtu: u16, quote: bytes(0, 64) }),
      fc.record({ kind: fc.constant('timeExceeded' as const), code: u8, quote: bytes(0, 64) }),
      fc.record({ kind: fc.constant('other' as const), type: u8.filter((t) => ![0, 3, 8, 11].includes(t)), code: u8, rest: u32, data: bytes(0, 64) }),
    );
    fc.assert(
      fc.property(repr, (m) => {
        const r = parseIcmp(emitIcmp(m));
        if (!r.ok) throw new Error(r.error.message);
        expect(r.repr).toMatchObject({ ...m, checksumValid: true });
      }),
    );
  });

  it('UDP over IPv4 and IPv6', () => {
    const ip = fc.oneof(fc.record({ src: u32, dst: u32 }), fc.record({ src: bytes(16, 16), dst: bytes(16, 16) }));
    fc.assert(
      fc.property(u16, u16, bytes(0, 200), ip, (srcPort, dstPort, payload, pair) => {
        const d = emitUdp({ srcPort, dstPort }, payload, pair);
        const r = parseUdp(d);
        expect(r).toMatchObject({ ok: true, repr: { srcPort, dstPort, length: payload.length + 8 } });
        expect(verifyUdpChecksum(d, 0, d.length, pair)).toBe('good');
      }),
    );
  });

  it('ARP and VLAN-tagged frames', () => {
    fc.assert(
      fc.property(u16, bytes(6, 6), u32, bytes(6, 6), u32, (operation, senderMac, senderIp, targetMac, targetIp) => {
        const a = { operation, senderMac, senderIp, targetMac, targetIp };
        expect(parseArp(emitArp(a))).toMatchObject({ ok: true, repr: a });
      }),
    );
    const tag = fc.record({ pcp: fc.integer({ min: 0, max: 7 }), dei: fc.boolean(), vid: fc.integer({ min: 0, max: 4095 }) });
    fc.assert(
      fc.property(bytes(6, 6), bytes(6, 6), fc.array(tag, { maxLength: 4 }), fc.integer({ min: 0x0600, max: 0xffff }).filter((t) => t !== 0x8100 && t !== 0x88a8), bytes(0, 50), (dst, src, tags, ethertype, payload) => {
        const repr = { dst, src, tags, ethertype };
        const f = emitEthernetVlan(repr, payload);
        const r = parseEthernetVlan(f);
        expect(r).toMatchObject({ ok: true, repr, payloadLength: payload.length });
      }),
    );
  });
});
