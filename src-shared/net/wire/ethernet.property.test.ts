// Property tests: whatever bytes arrive, the decoders return (ok or error) without throwing and
// without looping; random and mutated real frames go through the whole decode chain.
import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseArp } from './arp';
import { EtherType } from './ethernet';
import * as v4frames from './fixtures/ipv4-frames';
import * as v6frames from './fixtures/ipv6-frames';
import { pcapngFrames } from './fixtures/pcapng';
import * as tcpFrames from './fixtures/tcp-frames';
import * as vlanFrames from './fixtures/vlan-frames';
import { parseIcmp } from './icmp';
import { parseIcmpv6 } from './icmpv6';
import { IpProtocol, parseIpv4, walkIpv4Options } from './ipv4';
import { parseIpv6 } from './ipv6';
import { parseTcp, verifyTcpChecksum } from './tcp';
import { parseUdp, verifyUdpChecksum } from './udp';
import { parseEthernetVlan } from './vlan';

/** Decodes as deep as it can; returns the names of the layers that parsed. */
function decodeChain(frame: Uint8Array): string[] {
  const layers: string[] = [];
  const eth = parseEthernetVlan(frame);
  if (!eth.ok) return layers;
  layers.push('eth');
  const { payloadOffset: off, payloadLength: len } = eth;
  if (eth.repr.ethertype === EtherType.ARP) {
    if (parseArp(frame, off, len).ok) layers.push('arp');
  } else if (eth.repr.ethertype === EtherType.IPv4) {
    const ip = parseIpv4(frame, off, len, { allowTruncated: true });
    if (!ip.ok) return layers;
    layers.push('ipv4');
    walkIpv4Options(ip.repr.options);
    if (ip.repr.fragmentOffset !== 0) return layers; // mid-datagram bytes, no upper header
    const pair = { src: ip.repr.src, dst: ip.repr.dst };
    upper(frame, ip.repr.protocol, ip.payloadOffset, ip.payloadLength, pair, layers);
  } else if (eth.repr.ethertype === EtherType.IPv6) {
    const ip = parseIpv6(frame, off, len);
    if (!ip.ok) return layers;
    layers.push('ipv6');
    if (ip.repr.fragment && ip.repr.fragment.fragmentOffset !== 0) return layers;
    upper(frame, ip.repr.upperProtocol, ip.payloadOffset, ip.payloadLength, { src: ip.repr.src, dst: ip.repr.dst }, layers);
  }
  return layers;
}

function upper(
  frame: Uint8Array,
  protocol: number,
  off: number,
  len: number,
  pair: { src: number; dst: number } | { src: Uint8Array; dst: Uint8Array },
  layers: string[],
): void {
  if (protocol === IpProtocol.ICMP) {
    const m = parseIcmp(frame, off, len);
    if (!m.ok) return;
    layers.push('icmp');
    if (m.repr.kind === 'destUnreachable' || m.repr.kind === 'timeExceeded') {
      if (parseIpv4(m.repr.quote, 0, undefined, { allowTruncated: true }).ok) layers.push('quote');
    }
  } else if (protocol === IpProtocol.UDP) {
    const u = parseUdp(frame, off, len);
    if (!u.ok) return;
    layers.push('udp');
    verifyUdpChecksum(frame, off, u.repr.length, pair);
  } else if (protocol === IpProtocol.TCP) {
    const t = parseTcp(frame, off, len);
    if (!t.ok) return;
    layers.push('tcp');
    verifyTcpChecksum(frame, off, len, pair);
  } else if (protocol === IpProtocol.ICMPv6 && typeof pair.src !== 'number') {
    const m = parseIcmpv6(frame, off, len, pair as { src: Uint8Array; dst: Uint8Array });
    if (!m.ok) return;
    layers.push('icmpv6');
    if ('quote' in m.repr) parseIpv6(m.repr.quote);
  }
}

const realFrames: Uint8Array[] = [
  ...Object.values(v4frames),
  ...Object.values(v6frames),
  ...Object.values(tcpFrames),
  ...Object.values(vlanFrames),
  ...pcapngFrames(new Uint8Array(readFileSync(new URL('./fixtures/ipv6-ndp-errors.pcapng', import.meta.url)))),
];

describe('decoders on hostile input', () => {
  it('decode every real frame to its last layer', () => {
    const deepest = realFrames.map((f) => decodeChain(f).at(-1));
    expect(deepest.filter((d) => d === undefined || d === 'eth')).toEqual([]);
  });

  it('never throw on random bytes', () => {
    fc.assert(
      fc.property(fc.uint8Array({ minLength: 0, maxLength: 300 }), (bytes) => {
        decodeChain(bytes);
        for (const parse of [parseArp, parseIcmp, parseUdp, parseTcp]) parse(bytes);
        parseIpv4(bytes, 0, undefined, { allowTruncated: true });
        parseIpv6(bytes);
        parseIcmpv6(bytes);
      }),
      { numRuns: 3000 },
    );
  });

  it('never throw on random bytes behind valid Ethernet/IP headers', () => {
    // Random payloads steered into each protocol by a real header prefix.
    const prefixes = [
      v4frames.UDP_TRACEROUTE_PROBE.subarray(0, 34),
      v4frames.ICMP_ECHO_REQUEST.subarray(0, 34),
      tcpFrames.TCP_SYN.subarray(0, 34),
      v6frames.IPV6_ECHO_REQUEST.subarray(0, 54),
      v6frames.IPV6_MLD_HOP_BY_HOP.subarray(0, 54),
    ];
    fc.assert(
      fc.property(fc.constantFrom(...prefixes), fc.uint8Array({ maxLength: 200 }), (prefix, tail) => {
        const frame = new Uint8Array(prefix.length + tail.length);
        frame.set(prefix);
        frame.set(tail, prefix.length);
        // Make the IP length fields cover the random tail so it reaches the upper layer.
        if (frame[12] === 0x08) {
          frame[16] = (20 + tail.length) >> 8;
          frame[17] = (20 + tail.length) & 0xff;
        } else {
          frame[18] = (tail.length + (prefix.length - 54)) >> 8;
          frame[19] = (tail.length + (prefix.length - 54)) & 0xff;
        }
        decodeChain(frame);
      }),
      { numRuns: 3000 },
    );
  });

  it('never throw on mutated or truncated real frames', () => {
    fc.assert(
      fc.property(
        fc.constantFrom(...realFrames),
        fc.array(fc.tuple(fc.nat(), fc.integer({ min: 0, max: 255 })), { maxLength: 8 }),
        fc.nat(),
        (frame, edits, cut) => {
          const f = frame.slice(0, frame.length - (cut % (frame.length + 1)));
          for (const [pos, value] of edits) if (f.length > 0) f[pos % f.length] = value;
          decodeChain(f);
        },
      ),
      { numRuns: 5000 },
    );
  });
});
