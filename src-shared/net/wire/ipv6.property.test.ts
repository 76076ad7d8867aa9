import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { emitIcmpv6, parseIcmpv6, type Icmpv6Repr, type NdpOption } from './icmpv6';
import { emitIpv6, fragmentIpv6, parseIpv6, type Ipv6ExtensionFields } from './ipv6';

const u32 = fc.nat({ max: 0xffffffff });
const u16 = fc.integer({ min: 0, max: 0xffff });
const u8 = fc.integer({ min: 0, max: 255 });
const bytes = (min: number, max: number) => fc.uint8Array({ minLength: min, maxLength: max });
const addr = bytes(16, 16);

// Options already padded to a multiple of 8 so that parse returns exactly what was emitted.
const tlvOptions = fc
  .array(fc.tuple(fc.integer({ min: 2, max: 255 }), bytes(0, 10)), { maxLength: 3 })
  .map((list) => {
    const options = list.map(([type, data]) => ({ type, data }));
    const used = 2 + options.reduce((n, o) => n + 2 + o.data.length, 0);
    const pad = ((used + 7) & ~7) - used;
    if (pad === 1) options.push({ type: 0, data: new Uint8Array(0) });
    else if (pad > 1) options.push({ type: 1, data: new Uint8Array(pad - 2) });
    return options;
  });

const extension: fc.Arbitrary<Ipv6ExtensionFields> = fc.oneof(
  fc.record({ kind: fc.constantFrom('hopByHop' as const, 'destination' as const), options: tlvOptions }),
  fc.record({ kind: fc.constant('routing' as const), routingType: u8, segmentsLeft: u8, data: fc.integer({ min: 0, max: 3 }).chain((n) => bytes(4 + 8 * n, 4 + 8 * n)) }),
);

describe('IPv6 round trips', () => {
  it('fixed header and extension chain', () => {
    fc.assert(
      fc.property(
        fc.record({ src: addr, dst: addr, trafficClass: u8, flowLabel: fc.integer({ min: 0, max: 0xfffff }), hopLimit: u8, nextHeader: fc.constantFrom(6, 17, 58, 59) }),
        fc.array(extension, { maxLength: 4 }),
        bytes(0, 80),
        (f, extensions, payload) => {
          const pkt = emitIpv6({ ...f, extensions }, payload);
          const r = parseIpv6(pkt);
          if (!r.ok) throw new Error(r.error.message);
          const { nextHeader, ...rest } = f;
          expect(r.repr).toMatchObject({ ...rest, upperProtocol: nextHeader, payloadLength: pkt.length - 40 });
          expect(r.repr.extensions).toMatchObject(extensions);
          expect(pkt.subarray(r.payloadOffset)).toEqual(payload);
        },
      ),
    );
  });

  it('fragments carry the whole payload, each within the MTU', () => {
    fc.assert(
      fc.property(addr, addr, bytes(1, 4000), fc.integer({ min: 1280, max: 9000 }), u32, (src, dst, payload, mtu, id) => {
        const frags = fragmentIpv6({ src, dst, nextHeader: 58 }, payload, mtu, id);
        const out = new Uint8Array(payload.length);
        for (const f of frags) {
          expect(f.length).toBeLessThanOrEqual(mtu);
          const r = parseIpv6(f);
          if (!r.ok || !r.repr.fragment) throw new Error('bad fragment');
          expect(r.repr.fragment.identification).toBe(id);
          out.set(f.subarray(r.payloadOffset), r.repr.fragment.fragmentOffset);
        }
        expect(out).toEqual(payload);
      }),
      { numRuns: 100 },
    );
  });
});

const ndpOption: fc.Arbitrary<NdpOption> = fc.oneof(
  fc.record({ kind: fc.constantFrom('sourceLinkLayer' as const, 'targetLinkLayer' as const), mac: bytes(6, 6) }),
  fc.record({ kind: fc.constant('mtu' as const), mtu: u32 }),
  fc.record({ kind: fc.constant('prefixInformation' as const), prefixLength: u8, onLink: fc.boolean(), autonomous: fc.boolean(), validLifetime: u32, preferredLifetime: u32, prefix: addr }),
  fc.record({ kind: fc.constant('unknown' as const), type: fc.integer({ min: 6, max: 255 }), data: fc.integer({ min: 0, max: 3 }).chain((n) => bytes(6 + 8 * n, 6 + 8 * n)) }),
);
const options = fc.array(ndpOption, { maxLength: 4 });

describe('ICMPv6 round trips', () => {
  it('every message kind', () => {
    const repr: fc.Arbitrary<Icmpv6Repr> = fc.oneof(
      fc.record({ kind: fc.constantFrom('echoRequest' as const, 'echoReply' as const), identifier: u16, sequence: u16, data: bytes(0, 64) }),
      fc.record({ kind: fc.constantFrom('destUnreachable' as const, 'timeExceeded' as const), code: u8, quote: bytes(0, 64) }),
      fc.record({ kind: fc.constant('packetTooBig' as const), mtu: u32, quote: bytes(0, 64) }),
      fc.record({ kind: fc.constant('parameterProblem' as const), code: u8, pointer: u32, quote: bytes(0, 64) }),
      fc.record({ kind: fc.constant('routerSolicitation' as const), options }),
      fc.record({ kind: fc.constant('routerAdvertisement' as const), curHopLimit: u8, flags: u8, routerLifetime: u16, reachableTime: u32, retransTimer: u32, options }),
      fc.record({ kind: fc.constant('neighborSolicitation' as const), target: addr, options }),
      fc.record({ kind: fc.constant('neighborAdvertisement' as const), router: fc.boolean(), solicited: fc.boolean(), override: fc.boolean(), target: addr, options }),
      fc.record({ kind: fc.constant('other' as const), type: fc.constantFrom(130, 131, 137, 143, 200), code: u8, body: bytes(0, 40) }),
    );
    fc.assert(
      fc.property(repr, addr, addr, (m, src, dst) => {
        const r = parseIcmpv6(emitIcmpv6(m, { src, dst }), 0, undefined, { src, dst });
        if (!r.ok) throw new Error(r.error.message);
        expect(r.repr).toMatchObject({ ...m, checksumValid: true });
      }),
    );
  });
});
