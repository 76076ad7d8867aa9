import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { pcapngFrames } from './fixtures/pcapng';
import { emitIcmp, icmpQuote, IcmpUnreachableCode, parseIcmp, type IcmpRepr } from './icmp';
import { parseIpv4 } from './ipv4';
import { parseUdp } from './udp';
import {
  ICMP_ECHO_REPLY,
  ICMP_ECHO_REQUEST,
  ICMP_HOST_UNREACHABLE,
  ICMP_PORT_UNREACHABLE,
  ICMP_TIME_EXCEEDED,
  UDP_TRACEROUTE_PROBE,
} from './fixtures/ipv4-frames';

function icmpOf(frame: Uint8Array) {
  const r = parseIcmp(frame, 34);
  if (!r.ok) throw new Error(r.error.message);
  return r.repr;
}

describe('ICMP', () => {
  it('deconstructs a real echo request and reply', () => {
    const req = icmpOf(ICMP_ECHO_REQUEST);
    expect(req).toMatchObject({ kind: 'echoRequest', type: 8, code: 0, identifier: 0x5674, sequence: 1, checksum: 0x84ef, checksumValid: true });
    if (req.kind !== 'echoRequest') throw new Error();
    expect(req.data.length).toBe(56);
    expect(req.data[16]).toBe(0x10);
    const rep = icmpOf(ICMP_ECHO_REPLY);
    expect(rep).toMatchObject({ kind: 'echoReply', identifier: 0x5674, sequence: 1, checksumValid: true });
  });

  it('constructs a real echo reply byte for byte', () => {
    const req = icmpOf(ICMP_ECHO_REQUEST);
    if (req.kind !== 'echoRequest') throw new Error();
    const reply = emitIcmp({ kind: 'echoReply', identifier: req.identifier, sequence: req.sequence, data: req.data });
    expect(reply).toEqual(ICMP_ECHO_REPLY.subarray(34));
  });

  it('deconstructs a time exceeded and reads the quoted datagram', () => {
    const te = icmpOf(ICMP_TIME_EXCEEDED);
    expect(te).toMatchObject({ kind: 'timeExceeded', type: 11, code: 0, checksum: 0x6d8b, checksumValid: true });
    if (te.kind !== 'timeExceeded') throw new Error();
    const inner = parseIpv4(te.quote, 0, undefined, { allowTruncated: true });
    if (!inner.ok) throw new Error(inner.error.message);
    expect(inner.repr.ttl).toBe(1);
    const udp = parseUdp(te.quote, inner.payloadOffset, inner.payloadLength);
    expect(udp.ok && udp.repr.dstPort).toBe(33434);
  });

  it('constructs the real time exceeded from the offending packet', () => {
    // Linux quoted the whole 60-byte probe (it may send up to 576 bytes in all).
    const probe = UDP_TRACEROUTE_PROBE.subarray(14);
    const out = emitIcmp({ kind: 'timeExceeded', code: 0, quote: icmpQuote(probe, 40) });
    expect(out).toEqual(ICMP_TIME_EXCEEDED.subarray(34));
  });

  it('deconstructs and reconstructs destination unreachable messages', () => {
    for (const [frame, code] of [
      [ICMP_PORT_UNREACHABLE, IcmpUnreachableCode.PortUnreachable],
      [ICMP_HOST_UNREACHABLE, IcmpUnreachableCode.HostUnreachable],
    ] as const) {
      const r = icmpOf(frame);
      expect(r).toMatchObject({ kind: 'destUnreachable', code, nextHopMtu: 0, checksumValid: true });
      expect(emitIcmp(r)).toEqual(frame.subarray(34));
    }
  });

  it('emits fragmentation needed with next-hop MTU and an 8-byte quote (RFC 1191)', () => {
    const probe = UDP_TRACEROUTE_PROBE.subarray(14);
    const quote = icmpQuote(probe);
    expect(quote.length).toBe(28);
    const msg = emitIcmp({ kind: 'destUnreachable', code: IcmpUnreachableCode.FragmentationNeeded, nextHopMtu: 1400, quote });
    expect(Array.from(msg.subarray(0, 8))).toEqual([3, 4, msg[2], msg[3], 0, 0, 0x05, 0x78]);
    const back = parseIcmp(msg);
    expect(back.ok && back.repr).toMatchObject({ kind: 'destUnreachable', code: 4, nextHopMtu: 1400, checksumValid: true });
  });

  it('keeps unknown types whole and never throws on short input', () => {
    const ts: IcmpRepr = { kind: 'other', type: 13, code: 0, rest: 0x00010002, data: new Uint8Array(12) };
    const bytes = emitIcmp(ts);
    const r = parseIcmp(bytes);
    expect(r.ok && r.repr).toMatchObject({ kind: 'other', type: 13, rest: 0x00010002, checksumValid: true });
    for (let n = 0; n < 8; n++) expect(parseIcmp(bytes.subarray(0, n)).ok).toBe(false);
    const corrupt = ICMP_ECHO_REQUEST.slice();
    corrupt[50] ^= 0xff;
    expect(icmpOf(corrupt).checksumValid).toBe(false);
  });
});

describe('ICMP fragmentation needed from a real router', () => {
  // ipv6-ndp-errors.pcapng frame 31: ping -M do -s 1400; frame 32: r1's reply for its 1280-byte link.
  const frames = pcapngFrames(new Uint8Array(readFileSync(new URL('./fixtures/ipv6-ndp-errors.pcapng', import.meta.url))));
  const offending = frames[30].subarray(14);
  const reply = frames[31];

  it('deconstructs code 4 with the next-hop MTU', () => {
    const ip = parseIpv4(reply, 14);
    if (!ip.ok) throw new Error(ip.error.message);
    const m = parseIcmp(reply, ip.payloadOffset, ip.payloadLength);
    expect(m.ok && m.repr).toMatchObject({ kind: 'destUnreachable', code: 4, nextHopMtu: 1280, checksumValid: true });
    if (!m.ok || m.repr.kind !== 'destUnreachable') throw new Error();
    const quoted = parseIpv4(m.repr.quote, 0, undefined, { allowTruncated: true });
    expect(quoted.ok && quoted.repr).toMatchObject({ dontFragment: true, totalLength: 1428 });
  });

  it('constructs it from the offending packet (Linux fills 576 bytes)', () => {
    const ip = parseIpv4(reply, 14);
    if (!ip.ok) throw new Error(ip.error.message);
    const quote = icmpQuote(offending, 576 - 20 - 8 - 20);
    const out = emitIcmp({ kind: 'destUnreachable', code: 4, nextHopMtu: 1280, quote });
    expect(out).toEqual(reply.subarray(ip.payloadOffset, ip.payloadOffset + ip.payloadLength));
  });
});
