import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { formatIpv6, ipv6 } from '../addr/ipv6';
import {
  IPV6_ECHO_REQUEST,
  IPV6_FRAGMENT_LAST,
  IPV6_MLD_HOP_BY_HOP,
  IPV6_UDP,
} from './fixtures/ipv6-frames';
import { pcapngFrames } from './fixtures/pcapng';
import { IpProtocol } from './ipv4';
import { emitIpv6, fragmentIpv6, Ipv6Reassembler, parseIpv6, type Ipv6Fields, type Ipv6Parsed } from './ipv6';
import { parseIcmpv6 } from './icmpv6';

// ipv6-ndp-errors.pcapng (made by fixtures/src/make-captures.sh); frame N is frames[N - 1].
const frames = pcapngFrames(new Uint8Array(readFileSync(new URL('./fixtures/ipv6-ndp-errors.pcapng', import.meta.url))));

function parsed(bytes: Uint8Array, offset = 14) {
  const r = parseIpv6(bytes, offset);
  if (!r.ok) throw new Error(r.error.message);
  return r;
}

/** Emit input equivalent to a parsed header (the upper protocol as next header). */
function fieldsOf(r: Ipv6Parsed): Ipv6Fields {
  return { ...r, nextHeader: r.upperProtocol, extensions: r.extensions };
}

describe('IPv6', () => {
  it('deconstructs a real fixed header', () => {
    const r = parsed(IPV6_ECHO_REQUEST);
    expect(r.repr).toMatchObject({
      trafficClass: 0,
      nextHeader: IpProtocol.ICMPv6,
      hopLimit: 64,
      payloadLength: 64,
      extensions: [],
      upperProtocol: IpProtocol.ICMPv6,
    });
    expect(r.repr.flowLabel).toBe(0x0fc5e);
    expect(formatIpv6(r.repr.src)).toBe('2001:db8:1::10');
    expect(formatIpv6(r.repr.dst)).toBe('2001:db8:1::1');
    expect(r.headerLength).toBe(40);
    expect(r.payloadOffset).toBe(54);
    expect(r.payloadLength).toBe(64);
  });

  it('walks a hop-by-hop header with a Router Alert option (MLDv2 report)', () => {
    const r = parsed(IPV6_MLD_HOP_BY_HOP);
    expect(r.repr.nextHeader).toBe(IpProtocol.HopByHop);
    expect(r.repr.hopLimit).toBe(1);
    expect(r.repr.upperProtocol).toBe(IpProtocol.ICMPv6);
    expect(r.repr.extensions).toEqual([
      {
        kind: 'hopByHop',
        offset: 54,
        length: 8,
        nextHeader: 58,
        options: [
          { type: 5, data: Uint8Array.of(0, 0) }, // Router Alert: MLD
          { type: 1, data: new Uint8Array(0) }, // PadN
        ],
      },
    ]);
    expect(r.payloadOffset).toBe(62);
    expect(r.payloadLength).toBe(28);
    expect(IPV6_MLD_HOP_BY_HOP[r.payloadOffset]).toBe(143); // MLDv2 report
  });

  it('constructs real packets byte for byte, extension headers included', () => {
    for (const frame of [IPV6_ECHO_REQUEST, IPV6_MLD_HOP_BY_HOP, IPV6_UDP]) {
      const r = parsed(frame);
      expect(emitIpv6(fieldsOf(r.repr), frame.subarray(r.payloadOffset, r.payloadOffset + r.payloadLength))).toEqual(
        frame.subarray(14),
      );
    }
    const mld = emitIpv6(
      {
        src: ipv6('::'),
        dst: ipv6('ff02::16'),
        hopLimit: 1,
        nextHeader: IpProtocol.ICMPv6,
        extensions: [{ kind: 'hopByHop', options: [{ type: 5, data: Uint8Array.of(0, 0) }] }], // PadN added by emit
      },
      IPV6_MLD_HOP_BY_HOP.subarray(62),
    );
    expect(mld).toEqual(IPV6_MLD_HOP_BY_HOP.subarray(14));
  });

  it('deconstructs real fragments (frames 23 and 24)', () => {
    const first = parsed(frames[22]);
    expect(first.repr.fragment).toMatchObject({ kind: 'fragment', fragmentOffset: 0, moreFragments: true, identification: 0x4dcdaa73, nextHeader: 58 });
    expect(first.repr.upperProtocol).toBe(IpProtocol.ICMPv6);
    expect(first.payloadLength).toBe(1232);
    const last = parsed(IPV6_FRAGMENT_LAST);
    expect(last.repr.fragment).toMatchObject({ fragmentOffset: 1232, moreFragments: false, identification: 0x4dcdaa73 });
    expect(last.payloadLength).toBe(176);
  });

  it('fragments like Linux did for a 1280-byte path MTU', () => {
    const first = parsed(frames[22]);
    const last = parsed(IPV6_FRAGMENT_LAST);
    const whole = new Uint8Array(1232 + 176);
    whole.set(frames[22].subarray(first.payloadOffset));
    whole.set(IPV6_FRAGMENT_LAST.subarray(last.payloadOffset), 1232);
    expect(whole[0]).toBe(128); // the echo request reassembled
    const { fragment: _f, extensions: _e, ...hdr } = first.repr;
    const out = fragmentIpv6({ ...hdr, nextHeader: IpProtocol.ICMPv6 }, whole, 1280, 0x4dcdaa73);
    expect(out).toHaveLength(2);
    expect(out[0]).toEqual(frames[22].subarray(14));
    expect(out[1]).toEqual(IPV6_FRAGMENT_LAST.subarray(14));
  });

  it('reassembles the real fragments into a valid echo request', () => {
    const re = new Ipv6Reassembler(60_000_000);
    expect(re.add(IPV6_FRAGMENT_LAST.subarray(14), 0)).toBeNull();
    const whole = re.add(frames[22].subarray(14), 1);
    if (!whole) throw new Error('not reassembled');
    const r = parsed(whole, 0);
    expect(r.repr).toMatchObject({ nextHeader: IpProtocol.ICMPv6, extensions: [], payloadLength: 1408 });
    const m = parseIcmpv6(whole, r.payloadOffset, r.payloadLength, { src: r.repr.src, dst: r.repr.dst });
    expect(m.ok && m.repr).toMatchObject({ kind: 'echoRequest', identifier: 0x45d0, sequence: 1, checksumValid: true });
    expect(re.pendingCount).toBe(0);
  });

  it('drops overlapping fragments and expires incomplete ones', () => {
    const src = ipv6('2001:db8::1');
    const dst = ipv6('2001:db8::2');
    const payload = Uint8Array.from({ length: 3000 }, (_, i) => i & 0xff);
    const frags = fragmentIpv6({ src, dst, nextHeader: IpProtocol.UDP }, payload, 1280, 42);
    const re = new Ipv6Reassembler(1000);
    expect(re.add(frags[0], 0)).toBeNull();
    // A second copy of the first fragment overlaps it: the datagram is dropped (RFC 5722).
    expect(re.add(frags[0], 0)).toBeNull();
    expect(re.pendingCount).toBe(0);
    expect(re.add(frags[1], 0)).toBeNull();
    expect(re.add(frags[0], 10)).toBeNull();
    expect(re.expire(999)).toEqual([]);
    expect(re.expire(1000)).toEqual([frags[0]]);
    const ok = new Ipv6Reassembler(1000);
    const out = [frags[2], frags[0], frags[1]].map((f) => ok.add(f, 0));
    expect(out[2] && parsed(out[2], 0).payloadLength).toBe(3000);
    expect(ok.add(IPV6_UDP.subarray(14), 0)).toEqual(IPV6_UDP.subarray(14));
  });

  it('round-trips routing and destination options headers', () => {
    const fields: Ipv6Fields = {
      src: ipv6('2001:db8::1'),
      dst: ipv6('2001:db8::2'),
      nextHeader: IpProtocol.UDP,
      flowLabel: 0xabcde,
      trafficClass: 0xb8,
      extensions: [
        { kind: 'hopByHop', options: [{ type: 0xc2, data: Uint8Array.of(0, 1, 0, 0) }] },
        { kind: 'routing', routingType: 0, segmentsLeft: 0, data: new Uint8Array(4) },
        { kind: 'destination', options: [{ type: 0, data: new Uint8Array(0) }, { type: 0x1e, data: Uint8Array.of(9) }] },
      ],
    };
    const bytes = emitIpv6(fields, Uint8Array.of(1, 2, 3, 4, 5, 6, 7, 8));
    const r = parsed(bytes, 0);
    expect(r.repr.nextHeader).toBe(IpProtocol.HopByHop);
    expect(r.repr.extensions.map((e) => [e.kind, e.offset, e.length, e.nextHeader])).toEqual([
      ['hopByHop', 40, 8, IpProtocol.IPv6Route],
      ['routing', 48, 8, IpProtocol.IPv6Opts],
      ['destination', 56, 8, IpProtocol.UDP],
    ]);
    expect(r.repr).toMatchObject({ flowLabel: 0xabcde, trafficClass: 0xb8, upperProtocol: IpProtocol.UDP });
    expect(r.payloadOffset).toBe(64);
    expect(emitIpv6(fieldsOf(r.repr), bytes.subarray(64))).toEqual(bytes);
  });

  it('reports malformed packets without throwing', () => {
    const v4 = IPV6_ECHO_REQUEST.slice(14);
    v4[0] = 0x45;
    expect(parseIpv6(v4)).toMatchObject({ ok: false, error: { message: expect.stringMatching(/version is 4/) } });
    expect(parseIpv6(IPV6_ECHO_REQUEST, 14, 103)).toMatchObject({ ok: false, error: { offset: 18 } });
    for (let n = 0; n < 40; n++) expect(parseIpv6(IPV6_ECHO_REQUEST, 14, n).ok).toBe(false);
    const badHbh = IPV6_MLD_HOP_BY_HOP.slice(14);
    badHbh[41] = 9; // header length runs past the payload
    expect(parseIpv6(badHbh)).toMatchObject({ ok: false, error: { offset: 41 } });
    const badOpt = IPV6_MLD_HOP_BY_HOP.slice(14);
    badOpt[43] = 7; // Router Alert claims 7 bytes
    expect(parseIpv6(badOpt).ok).toBe(false);
    // A chain of 17 empty destination-options headers is refused, not walked forever.
    const chain = emitIpv6(
      { src: ipv6('::1'), dst: ipv6('::1'), nextHeader: 59, extensions: Array.from({ length: 17 }, () => ({ kind: 'destination' as const, options: [] })) },
      new Uint8Array(0),
    );
    expect(parseIpv6(chain)).toMatchObject({ ok: false, error: { message: expect.stringMatching(/more than 16/) } });
  });
});
