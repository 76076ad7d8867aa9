import { describe, it, expect } from 'vitest';
import { readFileSync } from 'node:fs';
import { execFileSync } from 'node:child_process';
import fc from 'fast-check';
import {
  parseDhcp, emitDhcp, decodeDhcpOptions, encodeDhcpOptions, getDhcpOption, dhcpMessageTypeOf, dhcpMessageTypeName,
  dhcpOptionName, chaddrText, DhcpMessageType, BOOTP_MIN_LENGTH, type DhcpRepr, type DhcpOptionValues,
} from './dhcp';
import { readPcapng, transportPayload } from './fixtures-app/pcapng-reader';
import { formatIpv4, ipv4 } from '../addr/ipv4';

const FIX = new URL('./fixtures-app/', import.meta.url);
const fixturePath = (name: string) => new URL(name, FIX).pathname;
const CAPTURE = 'dhcp-arp-icmp.pcapng';
const frames = readPcapng(new Uint8Array(readFileSync(fixturePath(CAPTURE))));
/** DHCP payloads (UDP 67/68) by frame number: 1 Discover, 6 Offer, 7 Request, 8 ACK, 17 Release. */
const dhcpPayloads = new Map(frames.map((f) => [f.number, transportPayload(f)] as const)
  .filter(([, s]) => s?.proto === 'udp' && (s.srcPort === 67 || s.srcPort === 68))
  .map(([n, s]) => [n, s!.payload]));

function tsharkFields(fields: string[]): Map<number, string[][]> {
  const out = execFileSync('tshark', ['-r', fixturePath(CAPTURE), '-Y', 'dhcp', '-T', 'fields', '-E', 'aggregator=|', '-E', 'occurrence=a',
    '-e', 'frame.number', ...fields.flatMap((f) => ['-e', f])], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] });
  const map = new Map<number, string[][]>();
  for (const line of out.split('\n')) {
    if (!line) continue;
    const cols = line.split('\t');
    map.set(Number(cols[0]), cols.slice(1).map((c) => (c === '' ? [] : c.split('|'))));
  }
  return map;
}

const FIELDS = [
  'dhcp.type', 'dhcp.hw.type', 'dhcp.hw.len', 'dhcp.hops', 'dhcp.id', 'dhcp.secs', 'dhcp.flags.bc', 'dhcp.ip.client',
  'dhcp.ip.your', 'dhcp.ip.server', 'dhcp.ip.relay', 'dhcp.hw.mac_addr', 'dhcp.option.type', 'dhcp.option.dhcp',
  'dhcp.option.hostname', 'dhcp.option.subnet_mask', 'dhcp.option.router', 'dhcp.option.domain_name_server',
  'dhcp.option.domain_name', 'dhcp.option.broadcast_address', 'dhcp.option.requested_ip_address',
  'dhcp.option.ip_address_lease_time', 'dhcp.option.renewal_time_value', 'dhcp.option.rebinding_time_value',
  'dhcp.option.dhcp_server_id', 'dhcp.option.request_list_item',
];

function ourFields(r: DhcpRepr, v: DhcpOptionValues): string[][] {
  const one = (x: unknown) => (x === undefined ? [] : [String(x)]);
  const ip = (a: number | undefined) => (a === undefined ? [] : [formatIpv4(a)]);
  return [
    [String(r.op)], ['0x' + r.htype.toString(16).padStart(2, '0')], [String(r.hlen)], [String(r.hops)],
    ['0x' + r.xid.toString(16).padStart(8, '0')], [String(r.secs)], [r.broadcast ? '1' : '0'],
    ip(r.ciaddr), ip(r.yiaddr), ip(r.siaddr), ip(r.giaddr), [chaddrText(r)],
    // tshark 4.0 gives End's dhcp.option.type as 0 (its tree shows dhcp.option.end = 255).
    [...r.options.map((o) => String(o.code)), '0'], one(v.messageType), one(v.hostname), ip(v.subnetMask),
    (v.routers ?? []).map(formatIpv4), (v.dnsServers ?? []).map(formatIpv4), one(v.domainName), ip(v.broadcast), ip(v.requestedIp),
    one(v.leaseTime), one(v.renewalTime), one(v.rebindingTime), ip(v.serverId), (v.parameterRequestList ?? []).map(String),
  ];
}

describe('dhcp: deconstruct the dnsmasq/dhclient capture', () => {
  it('reads all five DHCP messages as tshark does', () => {
    const expected = tsharkFields(FIELDS);
    expect([...dhcpPayloads.keys()]).toEqual([1, 6, 7, 8, 17]);
    for (const [n, payload] of dhcpPayloads) {
      const p = parseDhcp(payload);
      if (!p.ok) throw new Error(`frame ${n}: ${p.error.message}`);
      expect(p.value.endSeen).toBe(true);
      const v = decodeDhcpOptions(p.value.repr.options);
      if (!v.ok) throw new Error(v.error.message);
      expect({ n, f: ourFields(p.value.repr, v.value) }).toEqual({ n, f: expected.get(n) });
    }
  });

  it('typed accessors on the Offer (frame 6)', () => {
    const p = parseDhcp(dhcpPayloads.get(6)!);
    if (!p.ok) throw new Error(p.error.message);
    const r = p.value.repr;
    expect(dhcpMessageTypeName(dhcpMessageTypeOf(r)!)).toBe('Offer');
    expect(formatIpv4(r.yiaddr)).toBe('192.0.2.139');
    const v = decodeDhcpOptions(r.options);
    expect(v.ok && v.value).toMatchObject({
      messageType: DhcpMessageType.OFFER, serverId: ipv4('192.0.2.1'), leaseTime: 3600, renewalTime: 1800, rebindingTime: 3150,
      subnetMask: ipv4('255.255.255.0'), broadcast: ipv4('192.0.2.255'), domainName: 'example.test', dnsServers: [ipv4('192.0.2.1')],
      routers: [ipv4('192.0.2.1')],
    });
    // Offsets point at the TLVs in the message: option 53 right after the cookie.
    expect(p.value.optionOffsets[0]).toBe(240);
    expect(dhcpOptionName(54)).toBe('DHCP Server Identifier');
  });

  it('client id and parameter request list of the Discover (frame 1)', () => {
    const p = parseDhcp(dhcpPayloads.get(1)!);
    if (!p.ok) throw new Error(p.error.message);
    const v = decodeDhcpOptions(p.value.repr.options);
    if (!v.ok) throw new Error(v.error.message);
    expect(v.value.hostname).toBe('alpha-client');
    expect(v.value.parameterRequestList).toEqual([1, 28, 3, 15, 6, 42]);
    // dhclient was configured with a text client id: tshark shows dhcp.option.value 61:6c:70:68:61:2d:30:31.
    expect(getDhcpOption(p.value.repr.options, 61)).toEqual(new TextEncoder().encode('alpha-01'));
    expect(v.value.clientId?.type).toBe(0x61);
    expect(dhcpPayloads.get(1)!.length).toBe(BOOTP_MIN_LENGTH);
  });
});

describe('dhcp: construct and round trip', () => {
  it('re-emits every captured message byte for byte', () => {
    for (const [n, payload] of dhcpPayloads) {
      const p = parseDhcp(payload);
      if (!p.ok) throw new Error(p.error.message);
      expect({ n, b: Array.from(emitDhcp(p.value.repr)) }).toEqual({ n, b: Array.from(payload) });
    }
  });

  it('builds dhclient\'s Discover (frame 1) from typed values, padded to 300 bytes', () => {
    const real = dhcpPayloads.get(1)!;
    const repr: DhcpRepr = {
      op: 1, htype: 1, hlen: 6, hops: 0, xid: 0x0410372f, secs: 0, broadcast: false, reservedFlags: 0,
      ciaddr: 0, yiaddr: 0, siaddr: 0, giaddr: 0,
      chaddr: Uint8Array.of(0x02, 0x00, 0x5e, 0xa0, 0x00, 0x99), sname: '', file: '', dhcp: true,
      options: encodeDhcpOptions({
        messageType: DhcpMessageType.DISCOVER, hostname: 'alpha-client', parameterRequestList: [1, 28, 3, 15, 6, 42],
        clientId: { type: 0x61, id: new TextEncoder().encode('lpha-01') }, // "alpha-01" as tshark shows it
      }, ['messageType', 'hostname', 'parameterRequestList', 'clientId']),
    };
    expect(emitDhcp(repr)).toEqual(real);
  });

  it('typed values round trip, long options split per RFC 3396, relay agent sub-options', () => {
    const values: DhcpOptionValues = {
      messageType: 5, serverId: ipv4('10.0.0.1'), leaseTime: 86400, subnetMask: ipv4('255.255.0.0'), routers: [ipv4('10.0.0.1'), ipv4('10.0.0.2')],
      dnsServers: [ipv4('10.0.0.53')], domainName: 'lab.test', maxSize: 1500, message: 'x'.repeat(300), vendorClass: 'PacketLab',
      relayAgentInfo: [{ code: 1, data: Uint8Array.of(0, 4) }, { code: 2, data: Uint8Array.of(1, 2, 3) }], requestedIp: ipv4('10.0.5.5'),
    };
    const repr: DhcpRepr = {
      op: 2, htype: 1, hlen: 6, hops: 1, xid: 0xdeadbeef, secs: 3, broadcast: true, reservedFlags: 0,
      ciaddr: 0, yiaddr: ipv4('10.0.5.5'), siaddr: 0, giaddr: ipv4('10.0.5.1'), chaddr: Uint8Array.of(2, 0, 0, 0, 0, 1),
      sname: 'srv', file: 'pxelinux.0', dhcp: true, options: encodeDhcpOptions(values),
    };
    const bytes = emitDhcp(repr);
    const p = parseDhcp(bytes);
    if (!p.ok) throw new Error(p.error.message);
    expect(p.value.repr.options.filter((o) => o.code === 56).map((o) => o.data.length)).toEqual([255, 45]);
    const v = decodeDhcpOptions(p.value.repr.options);
    expect(v.ok && v.value).toEqual(values);
    expect(p.value.repr.broadcast).toBe(true);
    expect(p.value.repr.sname).toBe('srv');
    expect(p.value.repr.file).toBe('pxelinux.0');
  });

  it('reads options overloaded into file and sname (option 52)', () => {
    const repr: DhcpRepr = {
      op: 2, htype: 1, hlen: 6, hops: 0, xid: 1, secs: 0, broadcast: false, reservedFlags: 0, ciaddr: 0,
      yiaddr: 0, siaddr: 0, giaddr: 0, chaddr: new Uint8Array(6), sname: '', file: '', dhcp: true,
      options: [{ code: 53, data: Uint8Array.of(2) }, { code: 52, data: Uint8Array.of(3) }],
    };
    const b = emitDhcp(repr);
    b.set([12, 3, 0x61, 0x62, 0x63, 255], 108); // file: hostname "abc"
    b.set([15, 2, 0x6c, 0x74, 255], 44); // sname: domain "lt"
    const p = parseDhcp(b);
    if (!p.ok) throw new Error(p.error.message);
    expect(p.value.overload).toBe(3);
    expect(p.value.repr.options.map((o) => o.code)).toEqual([53, 52, 12, 15]);
    expect(p.value.optionOffsets).toEqual([240, 243, -1, -1]);
  });
});

describe('dhcp: malformed input', () => {
  it('short header, option past the end, no length byte, bad option sizes', () => {
    expect(parseDhcp(new Uint8Array(100))).toMatchObject({ ok: false, error: { offset: 0 } });
    const good = dhcpPayloads.get(8)!;
    const cut = good.slice(0, 245); // 240 + option 53 (3 bytes) + 54 header: runs past
    expect(parseDhcp(cut)).toMatchObject({ ok: false, error: { offset: 243 } });
    expect(parseDhcp(good.slice(0, 244))).toEqual({ ok: false, error: { message: 'option 54 has no length byte', offset: 243 } });
    expect(decodeDhcpOptions([{ code: 51, data: Uint8Array.of(1, 2) }])).toMatchObject({ ok: false, error: { message: expect.stringMatching(/IP Address Lease Time\) must be 4 bytes/) } });
    expect(decodeDhcpOptions([{ code: 3, data: Uint8Array.of(1, 2, 3, 4, 5) }]).ok).toBe(false);
    expect(decodeDhcpOptions([{ code: 82, data: Uint8Array.of(1, 9, 0) }]).ok).toBe(false);
  });

  it('a message without End is read and flagged; unknown options kept', () => {
    const b = emitDhcp({
      op: 1, htype: 1, hlen: 6, hops: 0, xid: 7, secs: 0, broadcast: false, reservedFlags: 0, ciaddr: 0, yiaddr: 0,
      siaddr: 0, giaddr: 0, chaddr: new Uint8Array(6), sname: '', file: '', dhcp: true,
      options: [{ code: 224, data: Uint8Array.of(9, 9) }],
    }, { minLength: 0 });
    const noEnd = b.slice(0, b.length - 1);
    const p = parseDhcp(noEnd);
    expect(p.ok && p.value.endSeen).toBe(false);
    expect(p.ok && p.value.repr.options).toEqual([{ code: 224, data: Uint8Array.of(9, 9) }]);
  });

  it('plain BOOTP (no magic cookie) keeps the vendor area', () => {
    const b = dhcpPayloads.get(1)!.slice();
    b.set([1, 2, 3, 4], 236);
    const p = parseDhcp(b);
    expect(p.ok && p.value.repr.dhcp).toBe(false);
    expect(p.ok && p.value.vendorArea?.slice(0, 4)).toEqual(Uint8Array.of(1, 2, 3, 4));
  });

  it('property: random and mutated bytes never throw', () => {
    const samples = [...dhcpPayloads.values()];
    fc.assert(fc.property(fc.uint8Array({ maxLength: 700 }), (b) => {
      const p = parseDhcp(b);
      if (p.ok) decodeDhcpOptions(p.value.repr.options);
    }), { numRuns: 2000 });
    fc.assert(fc.property(fc.nat(samples.length - 1), fc.array(fc.tuple(fc.nat(), fc.integer({ min: 0, max: 255 })), { minLength: 1, maxLength: 8 }), fc.nat(400),
      (i, muts, cut) => {
        const b = samples[i].slice(0, Math.max(cut, 236));
        for (const [at, v] of muts) b[at % b.length] = v;
        const p = parseDhcp(b);
        if (p.ok) {
          const d = decodeDhcpOptions(p.value.repr.options);
          expect(typeof d.ok).toBe('boolean');
        }
      }), { numRuns: 3000 });
  });
});
