import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { formatIpv4, ipv4 } from '../addr/ipv4';
import { internetChecksum, readU16 } from './checksum';
import { pcapngFrames } from './fixtures/pcapng';
import { ICMP_ECHO_REQUEST, UDP_DHCP_DISCOVER, UDP_SMALL, UDP_TRACEROUTE_PROBE } from './fixtures/ipv4-frames';
import {
  decrementIpv4Ttl,
  emitIpv4,
  fragmentIpv4,
  IpProtocol,
  Ipv4Reassembler,
  parseIpv4,
  walkIpv4Options,
  type Ipv4Fields,
} from './ipv4';

function parsed(bytes: Uint8Array, offset = 14) {
  const r = parseIpv4(bytes, offset);
  if (!r.ok) throw new Error(r.error.message);
  return r;
}

describe('IPv4', () => {
  it('deconstructs a real header (dhcp-arp-icmp.pcapng frame 11)', () => {
    const r = parsed(ICMP_ECHO_REQUEST);
    expect(r.repr).toMatchObject({
      dscp: 0,
      ecn: 0,
      identification: 0x6e7b,
      reservedFlag: false,
      dontFragment: true,
      moreFragments: false,
      fragmentOffset: 0,
      ttl: 64,
      protocol: IpProtocol.ICMP,
      headerLength: 20,
      totalLength: 84,
      checksum: 0x47a1,
      checksumValid: true,
    });
    expect(formatIpv4(r.repr.src)).toBe('192.0.2.139');
    expect(formatIpv4(r.repr.dst)).toBe('192.0.2.1');
    expect(r.repr.options.length).toBe(0);
    expect(r.payloadOffset).toBe(34);
    expect(r.payloadLength).toBe(64);
  });

  it('reads DSCP/ECN and the unspecified source of a DHCP discover', () => {
    const r = parsed(UDP_DHCP_DISCOVER);
    expect(r.repr.dscp).toBe(4); // TOS 0x10
    expect(r.repr.ttl).toBe(128);
    expect(r.repr.src).toBe(0);
    expect(r.repr.dst).toBe(0xffffffff);
  });

  it('constructs real headers byte for byte', () => {
    const out = emitIpv4(
      {
        src: ipv4('203.0.113.10'),
        dst: ipv4('203.0.113.70'),
        protocol: IpProtocol.UDP,
        identification: 0x5a52,
        ttl: 1,
      },
      UDP_TRACEROUTE_PROBE.subarray(34),
    );
    expect(out).toEqual(UDP_TRACEROUTE_PROBE.subarray(14));
    const df = emitIpv4(
      { src: ipv4('203.0.113.10'), dst: ipv4('203.0.113.70'), protocol: 17, identification: 0x5f2a, dontFragment: true },
      UDP_SMALL.subarray(34),
    );
    expect(df).toEqual(UDP_SMALL.subarray(14));
  });

  it('round-trips a parsed repr', () => {
    const r = parsed(UDP_DHCP_DISCOVER);
    const out = emitIpv4(r.repr, UDP_DHCP_DISCOVER.subarray(r.payloadOffset, r.payloadOffset + r.payloadLength));
    expect(out).toEqual(UDP_DHCP_DISCOVER.subarray(14));
  });

  it('emits and walks options padded to 4 bytes', () => {
    const routerAlert = Uint8Array.of(148, 4, 0, 0);
    const rr = Uint8Array.of(7, 7, 4, 0, 0, 0, 0); // record route, one empty slot (7 bytes)
    const opts = new Uint8Array([...routerAlert, ...rr]);
    const pkt = emitIpv4({ src: 1, dst: 2, protocol: 17, options: opts }, Uint8Array.of(1, 2, 3));
    expect(pkt[0]).toBe(0x40 | 8); // IHL 8 words = 32 bytes
    const r = parsed(pkt, 0);
    expect(r.repr.checksumValid).toBe(true);
    expect(r.repr.options.length).toBe(12);
    expect(r.payloadOffset).toBe(32);
    const { spans, error } = walkIpv4Options(r.repr.options);
    expect(error).toBeUndefined();
    expect(spans.map((s) => [s.type, s.length])).toEqual([
      [148, 4],
      [7, 7],
      [0, 1],
    ]);
    expect(walkIpv4Options(Uint8Array.of(7, 9, 4)).error).toMatch(/bad length 9/);
  });

  it('flags a bad header checksum and reports malformed headers without throwing', () => {
    const bad = ICMP_ECHO_REQUEST.slice();
    bad[14 + 8] = 63;
    expect(parsed(bad).repr.checksumValid).toBe(false);
    const v6 = ICMP_ECHO_REQUEST.slice(14);
    v6[0] = 0x65;
    expect(parseIpv4(v6)).toMatchObject({ ok: false, error: { message: expect.stringMatching(/version is 6/) } });
    const shortIhl = ICMP_ECHO_REQUEST.slice(14);
    shortIhl[0] = 0x44;
    expect(parseIpv4(shortIhl).ok).toBe(false);
    const longTotal = ICMP_ECHO_REQUEST.slice(14);
    longTotal[3] = 0x60;
    expect(parseIpv4(longTotal)).toMatchObject({ ok: false, error: { offset: 2 } });
    expect(parseIpv4(longTotal, 0, undefined, { allowTruncated: true })).toMatchObject({ ok: true, payloadLength: 64 });
    for (let n = 0; n < 20; n++) expect(parseIpv4(ICMP_ECHO_REQUEST, 14, n).ok).toBe(false);
  });

  it('decrements TTL in place with an incrementally updated checksum', () => {
    // The TTL/protocol word drops by 0x100, so the one's-complement checksum rises by 0x100.
    const pkt = ICMP_ECHO_REQUEST.slice(14);
    expect(decrementIpv4Ttl(pkt)).toBe(63);
    const r = parsed(pkt, 0);
    expect(r.repr.ttl).toBe(63);
    expect(r.repr.checksumValid).toBe(true);
    expect(readU16(pkt, 10)).toBe(0x48a1); // captured 0x47a1 + 0x0100
    const recomputed = pkt.slice(0, 20);
    recomputed[10] = recomputed[11] = 0;
    expect(internetChecksum(recomputed)).toBe(0x48a1);
    const one = UDP_TRACEROUTE_PROBE.slice(14);
    expect(decrementIpv4Ttl(one)).toBe(0);
    expect(parsed(one, 0).repr.checksumValid).toBe(true);
  });

  it('excludes Ethernet padding from the payload', () => {
    const padded = new Uint8Array(60);
    padded.set(UDP_SMALL.subarray(14));
    const r = parsed(padded, 0);
    expect(r.payloadLength).toBe(26);
  });
});

describe('IPv4 fragmentation', () => {
  const fields: Ipv4Fields = { src: ipv4('192.0.2.1'), dst: ipv4('198.51.100.7'), protocol: 17, identification: 0x1234 };
  const payload = Uint8Array.from({ length: 3000 }, (_, i) => (i * 7) & 0xff);

  it('splits into 8-byte aligned fragments that fit the MTU', () => {
    const frags = fragmentIpv4(fields, payload, 1500);
    expect(frags.map((f) => f.length)).toEqual([1500, 1500, 60]);
    const reprs = frags.map((f) => parsed(f, 0));
    expect(reprs.map((r) => r.repr.fragmentOffset)).toEqual([0, 1480, 2960]);
    expect(reprs.map((r) => r.repr.moreFragments)).toEqual([true, true, false]);
    expect(reprs.every((r) => r.repr.checksumValid && r.repr.identification === 0x1234)).toBe(true);
    expect(readU16(frags[1], 6)).toBe(0x2000 | (1480 / 8));
  });

  it('leaves a datagram that fits alone and copies only copied-flag options', () => {
    expect(fragmentIpv4(fields, payload.subarray(0, 100), 1500)).toHaveLength(1);
    const withOpts = { ...fields, options: Uint8Array.of(148, 4, 0, 0, 7, 3, 4, 1) };
    const frags = fragmentIpv4(withOpts, payload, 1000);
    expect(parsed(frags[0], 0).repr.options).toEqual(withOpts.options);
    expect(parsed(frags[1], 0).repr.options).toEqual(Uint8Array.of(148, 4, 0, 0));
    expect(() => fragmentIpv4(fields, payload, 24)).toThrow(RangeError);
  });

  it('reassembles out of order, ignores duplicates and expires incomplete datagrams', () => {
    const whole = emitIpv4(fields, payload);
    const frags = fragmentIpv4(fields, payload, 576);
    const re = new Ipv4Reassembler(30_000_000);
    const order = [3, 0, 5, 1, 1, 4, 2];
    let done: Uint8Array | null = null;
    for (const i of order.filter((i) => i < frags.length)) done = re.add(frags[i], 0) ?? done;
    // Remaining fragments.
    for (let i = 6; i < frags.length; i++) done = re.add(frags[i], 0) ?? done;
    expect(done).toEqual(whole);
    expect(re.pendingCount).toBe(0);

    const partial = new Ipv4Reassembler(1000);
    expect(partial.add(frags[0], 0)).toBeNull();
    expect(partial.add(frags[2], 10)).toBeNull();
    expect(partial.expire(999)).toEqual([]);
    const expired = partial.expire(1000);
    expect(expired).toEqual([frags[0]]);
    expect(partial.pendingCount).toBe(0);
    expect(partial.add(UDP_SMALL.subarray(14), 0)).toEqual(UDP_SMALL.subarray(14));
  });
});

describe('IPv4 fragments from a real capture', () => {
  // ipv6-ndp-errors.pcapng frames 33/34: a 2008-byte echo request fragmented by Linux after
  // learning a 1280-byte path MTU (fixtures/src/make-captures.sh).
  const frames = pcapngFrames(new Uint8Array(readFileSync(new URL('./fixtures/ipv6-ndp-errors.pcapng', import.meta.url))));
  const first = frames[32].subarray(14);
  const last = frames[33].subarray(14);

  it('deconstructs both fragments', () => {
    const a = parsed(first, 0);
    const b = parsed(last, 0);
    expect(a.repr).toMatchObject({ identification: 0xbe18, moreFragments: true, fragmentOffset: 0, dontFragment: false, checksumValid: true });
    expect(b.repr).toMatchObject({ identification: 0xbe18, moreFragments: false, fragmentOffset: 1256, checksumValid: true });
    expect(a.payloadLength + b.payloadLength).toBe(2008);
  });

  it('reassembles them and fragments the datagram back into the same bytes', () => {
    const re = new Ipv4Reassembler(30_000_000);
    expect(re.add(last, 0)).toBeNull();
    const whole = re.add(first, 5);
    if (!whole) throw new Error('not reassembled');
    const w = parsed(whole, 0);
    expect(w.payloadLength).toBe(2008);
    expect(whole[20]).toBe(8); // ICMP echo request
    expect(fragmentIpv4(w.repr, whole.subarray(20), 1280)).toEqual([first, last]);
  });
});
