import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { formatIpv6, ipv6 } from '../addr/ipv6';
import { formatMac, mac } from '../addr/mac';
import {
  IPV6_DAD_SOLICITATION,
  IPV6_ECHO_REPLY,
  IPV6_ECHO_REQUEST,
  IPV6_MLD_HOP_BY_HOP,
  IPV6_NEIGHBOR_ADVERTISEMENT,
  IPV6_NEIGHBOR_SOLICITATION,
  IPV6_PORT_UNREACHABLE,
  IPV6_ROUTER_ADVERTISEMENT,
  IPV6_ROUTER_SOLICITATION,
  IPV6_TIME_EXCEEDED,
  IPV6_UDP,
} from './fixtures/ipv6-frames';
import { pcapngFrames } from './fixtures/pcapng';
import {
  emitIcmpv6,
  icmpv6Quote,
  Icmpv6UnreachableCode,
  parseIcmpv6,
  parseNdpOptions,
  type Icmpv6Repr,
} from './icmpv6';
import { parseIpv6 } from './ipv6';
import { parseUdp } from './udp';

// ipv6-ndp-errors.pcapng (made by fixtures/src/make-captures.sh); frame N is frames[N - 1].
const frames = pcapngFrames(new Uint8Array(readFileSync(new URL('./fixtures/ipv6-ndp-errors.pcapng', import.meta.url))));

/** Parses Ethernet + IPv6 + ICMPv6 and returns the message with the addresses used. */
function icmpv6Of(frame: Uint8Array) {
  const ip = parseIpv6(frame, 14);
  if (!ip.ok) throw new Error(ip.error.message);
  const pair = { src: ip.repr.src, dst: ip.repr.dst };
  const m = parseIcmpv6(frame, ip.payloadOffset, ip.payloadLength, pair);
  if (!m.ok) throw new Error(m.error.message);
  return { msg: m.repr, pair, bytes: frame.subarray(ip.payloadOffset, ip.payloadOffset + ip.payloadLength) };
}

/** Emitting the parsed message again must give the captured bytes. */
function expectReconstructs(frame: Uint8Array) {
  const { msg, pair, bytes } = icmpv6Of(frame);
  expect(emitIcmpv6(msg, pair)).toEqual(bytes);
}

describe('ICMPv6 Neighbor Discovery', () => {
  it('deconstructs a router solicitation', () => {
    const { msg } = icmpv6Of(IPV6_ROUTER_SOLICITATION);
    expect(msg).toMatchObject({ kind: 'routerSolicitation', type: 133, code: 0, checksum: 0xbd8d, checksumValid: true });
    if (msg.kind !== 'routerSolicitation') throw new Error();
    expect(msg.options).toEqual([{ kind: 'sourceLinkLayer', mac: mac('02:00:5e:c0:00:10') }]);
  });

  it('deconstructs radvd’s router advertisement with prefix, MTU and link-layer options', () => {
    const { msg } = icmpv6Of(IPV6_ROUTER_ADVERTISEMENT);
    expect(msg).toMatchObject({
      kind: 'routerAdvertisement',
      checksumValid: true,
      curHopLimit: 64,
      flags: 0,
      routerLifetime: 300,
      reachableTime: 0,
      retransTimer: 0,
    });
    if (msg.kind !== 'routerAdvertisement') throw new Error();
    expect(msg.options).toEqual([
      {
        kind: 'prefixInformation',
        prefixLength: 64,
        onLink: true,
        autonomous: true,
        validLifetime: 86400,
        preferredLifetime: 14400,
        prefix: ipv6('2001:db8:1::'),
      },
      { kind: 'mtu', mtu: 1500 },
      { kind: 'sourceLinkLayer', mac: mac('02:00:5e:c0:00:01') },
    ]);
  });

  it('deconstructs neighbour solicitations (normal and DAD) and an advertisement', () => {
    const ns = icmpv6Of(IPV6_NEIGHBOR_SOLICITATION).msg;
    expect(ns).toMatchObject({ kind: 'neighborSolicitation', checksumValid: true });
    if (ns.kind !== 'neighborSolicitation') throw new Error();
    expect(formatIpv6(ns.target)).toBe('2001:db8:1::1');
    expect(ns.options.map((o) => o.kind === 'sourceLinkLayer' && formatMac(o.mac))).toEqual(['02:00:5e:c0:00:10']);
    const dad = icmpv6Of(IPV6_DAD_SOLICITATION);
    expect(formatIpv6(dad.pair.src)).toBe('::');
    expect(dad.msg).toMatchObject({ kind: 'neighborSolicitation', checksumValid: true });
    if (dad.msg.kind !== 'neighborSolicitation') throw new Error();
    // Linux adds the enhanced-DAD Nonce option (RFC 7527, type 14): kept as an unknown option.
    expect(dad.msg.options).toHaveLength(1);
    expect(dad.msg.options[0]).toMatchObject({ kind: 'unknown', type: 14 });
    expect(dad.msg.options[0].kind === 'unknown' && dad.msg.options[0].data.length).toBe(6);
    const na = icmpv6Of(IPV6_NEIGHBOR_ADVERTISEMENT).msg;
    expect(na).toMatchObject({ kind: 'neighborAdvertisement', router: true, solicited: true, override: true, checksumValid: true });
    if (na.kind !== 'neighborAdvertisement') throw new Error();
    expect(na.options).toEqual([{ kind: 'targetLinkLayer', mac: mac('02:00:5e:c0:00:01') }]);
  });

  it('constructs the captured NDP messages byte for byte', () => {
    const r1 = { src: ipv6('fe80::5eff:fec0:1'), dst: ipv6('fe80::5eff:fec0:10') };
    const ra: Icmpv6Repr = {
      kind: 'routerAdvertisement',
      curHopLimit: 64,
      flags: 0,
      routerLifetime: 300,
      reachableTime: 0,
      retransTimer: 0,
      options: [
        { kind: 'prefixInformation', prefixLength: 64, onLink: true, autonomous: true, validLifetime: 86400, preferredLifetime: 14400, prefix: ipv6('2001:db8:1::') },
        { kind: 'mtu', mtu: 1500 },
        { kind: 'sourceLinkLayer', mac: mac('02:00:5e:c0:00:01') },
      ],
    };
    expect(emitIcmpv6(ra, r1)).toEqual(IPV6_ROUTER_ADVERTISEMENT.subarray(54));
    const na: Icmpv6Repr = {
      kind: 'neighborAdvertisement',
      router: true,
      solicited: true,
      override: true,
      target: ipv6('2001:db8:1::1'),
      options: [{ kind: 'targetLinkLayer', mac: mac('02:00:5e:c0:00:01') }],
    };
    expect(emitIcmpv6(na, { src: ipv6('2001:db8:1::1'), dst: ipv6('2001:db8:1::10') })).toEqual(IPV6_NEIGHBOR_ADVERTISEMENT.subarray(54));
    for (const f of [IPV6_ROUTER_SOLICITATION, IPV6_NEIGHBOR_SOLICITATION, IPV6_DAD_SOLICITATION]) expectReconstructs(f);
  });
});

describe('ICMPv6 echo and errors', () => {
  it('deconstructs and constructs echo request and reply', () => {
    const req = icmpv6Of(IPV6_ECHO_REQUEST).msg;
    expect(req).toMatchObject({ kind: 'echoRequest', identifier: 0x45cd, sequence: 1, checksumValid: true });
    if (req.kind !== 'echoRequest') throw new Error();
    expect(req.data.length).toBe(56);
    const reply = emitIcmpv6(
      { kind: 'echoReply', identifier: req.identifier, sequence: req.sequence, data: req.data },
      { src: ipv6('2001:db8:1::1'), dst: ipv6('2001:db8:1::10') },
    );
    expect(reply).toEqual(IPV6_ECHO_REPLY.subarray(54));
  });

  it('deconstructs a time exceeded and rebuilds it from the offending packet (frame 19)', () => {
    const { msg, pair } = icmpv6Of(IPV6_TIME_EXCEEDED);
    expect(msg).toMatchObject({ kind: 'timeExceeded', code: 0, checksumValid: true });
    if (msg.kind !== 'timeExceeded') throw new Error();
    const inner = parseIpv6(msg.quote);
    expect(inner.ok && inner.repr.hopLimit).toBe(1);
    const out = emitIcmpv6({ kind: 'timeExceeded', code: 0, quote: icmpv6Quote(frames[18].subarray(14)) }, pair);
    expect(out).toEqual(IPV6_TIME_EXCEEDED.subarray(54));
  });

  it('deconstructs packet too big (frame 22) and quotes up to the minimum MTU', () => {
    const { msg, pair, bytes } = icmpv6Of(frames[21]);
    expect(msg).toMatchObject({ kind: 'packetTooBig', mtu: 1280, checksumValid: true });
    if (msg.kind !== 'packetTooBig') throw new Error();
    expect(msg.quote.length).toBe(1232);
    const original = frames[20].subarray(14); // the 1448-byte echo request of frame 21
    expect(original.length).toBe(1448);
    expect(emitIcmpv6({ kind: 'packetTooBig', mtu: 1280, quote: icmpv6Quote(original) }, pair)).toEqual(bytes);
    // emit caps the quote itself too
    expect(emitIcmpv6({ kind: 'packetTooBig', mtu: 1280, quote: original }, pair)).toEqual(bytes);
  });

  it('deconstructs port and address unreachable and rebuilds them', () => {
    const port = icmpv6Of(IPV6_PORT_UNREACHABLE);
    expect(port.msg).toMatchObject({ kind: 'destUnreachable', code: Icmpv6UnreachableCode.PortUnreachable, checksumValid: true });
    if (port.msg.kind !== 'destUnreachable') throw new Error();
    const inner = parseIpv6(port.msg.quote);
    if (!inner.ok) throw new Error(inner.error.message);
    const udp = parseUdp(port.msg.quote, inner.payloadOffset, inner.payloadLength);
    expect(udp.ok && udp.repr.dstPort).toBe(9999);
    // h2 quotes the datagram as it arrived, after r1 decremented the hop limit.
    const arrived = IPV6_UDP.slice(14);
    arrived[7] -= 1;
    expect(emitIcmpv6({ kind: 'destUnreachable', code: 4, quote: icmpv6Quote(arrived) }, port.pair)).toEqual(port.bytes);
    const addr = icmpv6Of(frames[37]);
    expect(addr.msg).toMatchObject({ kind: 'destUnreachable', code: Icmpv6UnreachableCode.AddressUnreachable, checksumValid: true });
    expectReconstructs(frames[37]);
  });

  it('keeps other types (MLDv2) whole', () => {
    const ip = parseIpv6(IPV6_MLD_HOP_BY_HOP, 14);
    if (!ip.ok) throw new Error(ip.error.message);
    const pair = { src: ip.repr.src, dst: ip.repr.dst };
    const m = parseIcmpv6(IPV6_MLD_HOP_BY_HOP, ip.payloadOffset, ip.payloadLength, pair);
    expect(m.ok && m.repr).toMatchObject({ kind: 'other', type: 143, code: 0, checksumValid: true });
    if (!m.ok) throw new Error();
    expect(emitIcmpv6(m.repr, pair)).toEqual(IPV6_MLD_HOP_BY_HOP.subarray(62));
  });

  it('detects bad checksums and malformed options without throwing', () => {
    const wrongDst = { src: ipv6('2001:db8:1::10'), dst: ipv6('2001:db8:1::2') };
    const r = parseIcmpv6(IPV6_ECHO_REQUEST, 54, 64, wrongDst);
    expect(r.ok && r.repr.checksumValid).toBe(false);
    const noIp = parseIcmpv6(IPV6_ECHO_REQUEST, 54, 64);
    expect(noIp.ok && noIp.repr.checksumValid).toBeUndefined();
    const zeroLen = IPV6_NEIGHBOR_SOLICITATION.slice(54);
    zeroLen[25] = 0;
    expect(parseIcmpv6(zeroLen)).toMatchObject({ ok: false, error: { offset: 25, message: expect.stringMatching(/length 0/) } });
    const overrun = IPV6_NEIGHBOR_SOLICITATION.slice(54);
    overrun[25] = 2;
    expect(parseIcmpv6(overrun).ok).toBe(false);
    expect(parseNdpOptions(Uint8Array.of(1), 0, 1)).toMatchObject({ ok: false });
    for (let n = 0; n < 24; n++) expect(parseIcmpv6(IPV6_NEIGHBOR_SOLICITATION.subarray(54, 54 + n)).ok).toBe(n >= 24);
    for (let n = 0; n < 16; n++) expect(parseIcmpv6(IPV6_ROUTER_ADVERTISEMENT.subarray(54, 54 + n)).ok).toBe(false);
  });
});
