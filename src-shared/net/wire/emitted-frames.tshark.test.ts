// Frames built only with our emitters, written to a classic pcap and read back by tshark with
// checksum validation on: tshark must find no malformed packet, no bad checksum, no error or
// warning, and must read back the field values we set. Fails (does not skip) without tshark.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ipv4 } from '../addr/ipv4';
import { ipv6, ipv6MulticastMac, solicitedNodeMulticast } from '../addr/ipv6';
import { mac, MAC_BROADCAST, MAC_ZERO } from '../addr/mac';
import { ArpOperation, emitArp } from './arp';
import { emitEthernet, EtherType } from './ethernet';
import { emitIcmp, icmpQuote } from './icmp';
import { emitIcmpv6, icmpv6Quote } from './icmpv6';
import { emitIpv4, fragmentIpv4, IpProtocol } from './ipv4';
import { emitIpv6, fragmentIpv6 } from './ipv6';
import { emitTcp, TcpFlags } from './tcp';
import { emitUdp } from './udp';
import { emitEthernetVlan } from './vlan';

const hostMac = mac('02:00:5e:00:53:0a');
const routerMac = mac('02:00:5e:00:53:01');
const host4 = ipv4('192.0.2.10');
const router4 = ipv4('192.0.2.1');
const far4 = ipv4('198.51.100.7');
const host6 = ipv6('2001:db8:1::10');
const router6ll = ipv6('fe80::5eff:fe00:5301');
const host6ll = ipv6('fe80::5eff:fe00:530a');
const far6 = ipv6('2001:db8:2::70');

const eth4 = (src: Uint8Array, dst: Uint8Array, ip: Uint8Array) => emitEthernet({ dst, src, ethertype: EtherType.IPv4 }, ip);
const eth6 = (src: Uint8Array, dst: Uint8Array, ip: Uint8Array) => emitEthernet({ dst, src, ethertype: EtherType.IPv6 }, ip);

function buildFrames(): { name: string; bytes: Uint8Array }[] {
  const frames: { name: string; bytes: Uint8Array }[] = [];
  const add = (name: string, bytes: Uint8Array) => frames.push({ name, bytes });

  add('arp request', emitEthernet({ dst: MAC_BROADCAST, src: hostMac, ethertype: EtherType.ARP }, emitArp({ operation: ArpOperation.Request, senderMac: hostMac, senderIp: host4, targetMac: MAC_ZERO, targetIp: router4 }), { pad: true }));
  add('arp reply', emitEthernet({ dst: hostMac, src: routerMac, ethertype: EtherType.ARP }, emitArp({ operation: ArpOperation.Reply, senderMac: routerMac, senderIp: router4, targetMac: hostMac, targetIp: host4 }), { pad: true }));

  const pingData = Uint8Array.from({ length: 56 }, (_, i) => i);
  add('icmp echo request', eth4(hostMac, routerMac, emitIpv4({ src: host4, dst: far4, protocol: IpProtocol.ICMP, ttl: 64, identification: 0x1001, dontFragment: true }, emitIcmp({ kind: 'echoRequest', identifier: 0x4242, sequence: 1, data: pingData }))));
  add('icmp echo reply', eth4(routerMac, hostMac, emitIpv4({ src: far4, dst: host4, protocol: IpProtocol.ICMP, ttl: 63, identification: 0x2001 }, emitIcmp({ kind: 'echoReply', identifier: 0x4242, sequence: 1, data: pingData }))));

  const probe = emitIpv4({ src: host4, dst: far4, protocol: IpProtocol.UDP, ttl: 1, identification: 0x1002 }, emitUdp({ srcPort: 40000, dstPort: 33434 }, new Uint8Array(32), { src: host4, dst: far4 }));
  add('udp probe ttl 1', eth4(hostMac, routerMac, probe));
  add('icmp time exceeded', eth4(routerMac, hostMac, emitIpv4({ src: router4, dst: host4, protocol: IpProtocol.ICMP, ttl: 64, identification: 0x3001 }, emitIcmp({ kind: 'timeExceeded', code: 0, quote: icmpQuote(probe) }))));
  const big = emitIpv4({ src: host4, dst: far4, protocol: IpProtocol.UDP, ttl: 64, identification: 0x1003, dontFragment: true }, emitUdp({ srcPort: 40001, dstPort: 9 }, new Uint8Array(1400), { src: host4, dst: far4 }));
  add('icmp fragmentation needed', eth4(routerMac, hostMac, emitIpv4({ src: router4, dst: host4, protocol: IpProtocol.ICMP, identification: 0x3002 }, emitIcmp({ kind: 'destUnreachable', code: 4, nextHopMtu: 1280, quote: icmpQuote(big) }))));

  add('udp dns-ish', eth4(hostMac, routerMac, emitIpv4({ src: host4, dst: router4, protocol: IpProtocol.UDP, identification: 0x1004 }, emitUdp({ srcPort: 50000, dstPort: 7 }, new TextEncoder().encode('hello, packetlab'), { src: host4, dst: router4 }))));

  const tcpIp = { src: host4, dst: far4 };
  add('tcp syn', eth4(hostMac, routerMac, emitIpv4({ ...tcpIp, protocol: IpProtocol.TCP, identification: 0x1005, dontFragment: true }, emitTcp({ srcPort: 51000, dstPort: 80, seq: 1000, flags: TcpFlags.SYN, window: 64240, mss: 1460, sackPermitted: true, timestamp: { value: 12345, echo: 0 }, windowScale: 7 }, new Uint8Array(0), tcpIp))));
  add('tcp data with sack', eth4(hostMac, routerMac, emitIpv4({ ...tcpIp, protocol: IpProtocol.TCP, identification: 0x1006, dontFragment: true }, emitTcp({ srcPort: 51000, dstPort: 80, seq: 1001, ack: 5001, flags: TcpFlags.ACK | TcpFlags.PSH, window: 502, timestamp: { value: 12400, echo: 777 }, sackBlocks: [[6001, 7001]] }, new TextEncoder().encode('GET / HTTP/1.1\r\n\r\n'), tcpIp))));

  for (const frag of fragmentIpv4({ src: host4, dst: far4, protocol: IpProtocol.ICMP, identification: 0x1007 }, emitIcmp({ kind: 'echoRequest', identifier: 0x4243, sequence: 2, data: new Uint8Array(2000) }), 1280)) {
    add('ipv4 fragment', eth4(hostMac, routerMac, frag));
  }

  add('vlan icmp echo', emitEthernetVlan({ dst: routerMac, src: hostMac, tags: [{ pcp: 5, dei: false, vid: 10 }], ethertype: EtherType.IPv4 }, emitIpv4({ src: host4, dst: router4, protocol: IpProtocol.ICMP, identification: 0x1008 }, emitIcmp({ kind: 'echoRequest', identifier: 0x4244, sequence: 3, data: pingData }))));

  const nsDst = solicitedNodeMulticast(ipv6('2001:db8:1::1'));
  add('icmpv6 neighbor solicitation', eth6(hostMac, ipv6MulticastMac(nsDst), emitIpv6({ src: host6, dst: nsDst, hopLimit: 255, nextHeader: IpProtocol.ICMPv6 }, emitIcmpv6({ kind: 'neighborSolicitation', target: ipv6('2001:db8:1::1'), options: [{ kind: 'sourceLinkLayer', mac: hostMac }] }, { src: host6, dst: nsDst }))));
  add('icmpv6 neighbor advertisement', eth6(routerMac, hostMac, emitIpv6({ src: ipv6('2001:db8:1::1'), dst: host6, hopLimit: 255, nextHeader: IpProtocol.ICMPv6 }, emitIcmpv6({ kind: 'neighborAdvertisement', router: true, solicited: true, override: true, target: ipv6('2001:db8:1::1'), options: [{ kind: 'targetLinkLayer', mac: routerMac }] }, { src: ipv6('2001:db8:1::1'), dst: host6 }))));
  const allNodes = ipv6('ff02::1');
  add('icmpv6 router advertisement', eth6(routerMac, ipv6MulticastMac(allNodes), emitIpv6({ src: router6ll, dst: allNodes, hopLimit: 255, nextHeader: IpProtocol.ICMPv6 }, emitIcmpv6({ kind: 'routerAdvertisement', curHopLimit: 64, flags: 0, routerLifetime: 1800, reachableTime: 0, retransTimer: 0, options: [{ kind: 'sourceLinkLayer', mac: routerMac }, { kind: 'mtu', mtu: 1500 }, { kind: 'prefixInformation', prefixLength: 64, onLink: true, autonomous: true, validLifetime: 86400, preferredLifetime: 14400, prefix: ipv6('2001:db8:1::') }] }, { src: router6ll, dst: allNodes }))));
  const rsDst = ipv6('ff02::2');
  add('icmpv6 router solicitation', eth6(hostMac, ipv6MulticastMac(rsDst), emitIpv6({ src: host6ll, dst: rsDst, hopLimit: 255, nextHeader: IpProtocol.ICMPv6 }, emitIcmpv6({ kind: 'routerSolicitation', options: [{ kind: 'sourceLinkLayer', mac: hostMac }] }, { src: host6ll, dst: rsDst }))));

  const v6pair = { src: host6, dst: far6 };
  const echo6 = emitIpv6({ ...v6pair, nextHeader: IpProtocol.ICMPv6, flowLabel: 0x12345 }, emitIcmpv6({ kind: 'echoRequest', identifier: 7, sequence: 1, data: new Uint8Array(1400) }, v6pair));
  add('icmpv6 packet too big', eth6(routerMac, hostMac, emitIpv6({ src: ipv6('2001:db8:1::1'), dst: host6, nextHeader: IpProtocol.ICMPv6 }, emitIcmpv6({ kind: 'packetTooBig', mtu: 1280, quote: icmpv6Quote(echo6) }, { src: ipv6('2001:db8:1::1'), dst: host6 }))));
  for (const frag of fragmentIpv6({ ...v6pair, nextHeader: IpProtocol.ICMPv6 }, emitIcmpv6({ kind: 'echoRequest', identifier: 7, sequence: 2, data: new Uint8Array(1400) }, v6pair), 1280, 0xdeadbeef)) {
    add('ipv6 fragment', eth6(hostMac, routerMac, frag));
  }
  add('udp over ipv6', eth6(hostMac, routerMac, emitIpv6({ ...v6pair, nextHeader: IpProtocol.UDP, flowLabel: 0xabcde, trafficClass: 0xb8 }, emitUdp({ srcPort: 40002, dstPort: 9999 }, new TextEncoder().encode('v6'), v6pair))));
  const mld = ipv6('ff02::16');
  add('ipv6 hop-by-hop mld', eth6(hostMac, ipv6MulticastMac(mld), emitIpv6({ src: host6ll, dst: mld, hopLimit: 1, nextHeader: IpProtocol.ICMPv6, extensions: [{ kind: 'hopByHop', options: [{ type: 5, data: Uint8Array.of(0, 0) }] }] }, emitIcmpv6({ kind: 'other', type: 143, code: 0, body: new Uint8Array(4) }, { src: host6ll, dst: mld }))));
  return frames;
}

/** Classic libpcap file: 24-byte global header, 16-byte record headers, Ethernet link type. */
function writePcap(frames: Uint8Array[]): Uint8Array {
  let size = 24;
  for (const f of frames) size += 16 + f.length;
  const out = new Uint8Array(size);
  const v = new DataView(out.buffer);
  v.setUint32(0, 0xa1b2c3d4, true);
  v.setUint16(4, 2, true);
  v.setUint16(6, 4, true);
  v.setUint32(16, 65535, true);
  v.setUint32(20, 1, true); // LINKTYPE_ETHERNET
  let pos = 24;
  frames.forEach((f, i) => {
    v.setUint32(pos, 1_700_000_000 + i, true);
    v.setUint32(pos + 4, 0, true);
    v.setUint32(pos + 8, f.length, true);
    v.setUint32(pos + 12, f.length, true);
    out.set(f, pos + 16);
    pos += 16 + f.length;
  });
  return out;
}

const CHECKS = ['-o', 'ip.check_checksum:TRUE', '-o', 'udp.check_checksum:TRUE', '-o', 'tcp.check_checksum:TRUE'];
// Absolute sequence numbers, so SACK edges read back as we wrote them.
const OPTIONS = [...CHECKS, '-o', 'tcp.relative_sequence_numbers:FALSE'];

const FIELDS = [
  '_ws.malformed', '_ws.expert.severity', '_ws.expert.message',
  'ip.checksum.status', 'udp.checksum.status', 'tcp.checksum.status', 'icmp.checksum.status', 'icmpv6.checksum.status',
  'arp.opcode', 'arp.src.hw_mac', 'arp.src.proto_ipv4', 'arp.dst.proto_ipv4',
  'ip.ttl', 'ip.flags.df', 'ip.frag_offset', 'ip.flags.mf', 'ip.fragment.count',
  'icmp.type', 'icmp.code', 'icmp.ident', 'icmp.seq', 'icmp.mtu',
  'udp.srcport', 'udp.dstport', 'udp.length', 'udp.payload',
  'tcp.flags.syn', 'tcp.hdr_len', 'tcp.option_kind', 'tcp.options.mss_val', 'tcp.options.wscale.shift',
  'tcp.options.timestamp.tsval', 'tcp.options.timestamp.tsecr', 'tcp.options.sack_le', 'tcp.options.sack_re', 'tcp.len', 'tcp.window_size_value',
  'vlan.id', 'vlan.priority', 'vlan.etype',
  'ipv6.dst', 'eth.dst', 'ipv6.flow', 'ipv6.tclass.dscp', 'ipv6.hopopts.len', 'ipv6.opt.type',
  'ipv6.fraghdr.offset', 'ipv6.fraghdr.more', 'ipv6.fraghdr.ident',
  'icmpv6.type', 'icmpv6.mtu', 'icmpv6.nd.ns.target_address', 'icmpv6.opt.linkaddr',
  'icmpv6.nd.na.flag.r', 'icmpv6.nd.na.flag.s', 'icmpv6.nd.na.flag.o',
  'icmpv6.nd.ra.router_lifetime', 'icmpv6.opt.mtu', 'icmpv6.opt.prefix', 'icmpv6.opt.prefix.length',
] as const;
type Field = (typeof FIELDS)[number];

describe('frames from our emitters, read by tshark', () => {
  const frames = buildFrames();
  let dir = '';
  /** One tshark run: per frame, each field as tshark prints it (occurrences joined by ','). */
  let rows: Record<Field, string>[] = [];
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'packetlab-wire-'));
    const file = join(dir, 'emitted.pcap');
    writeFileSync(file, writePcap(frames.map((f) => f.bytes)));
    const args = ['-r', file, ...OPTIONS, '-T', 'fields', '-E', 'separator=|', '-E', 'occurrence=a', '-E', 'aggregator=,'];
    for (const f of FIELDS) args.push('-e', f);
    const out = execFileSync('tshark', args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
    rows = out
      .trimEnd()
      .split('\n')
      .map((line) => {
        const values = line.split('|');
        return Object.fromEntries(FIELDS.map((f, i) => [f, values[i] ?? ''])) as Record<Field, string>;
      });
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  /** The requested fields of every frame with this name, in capture order. */
  function read(name: string, fields: Field[]): string[][] {
    const out = frames.flatMap((f, i) => (f.name === name ? [fields.map((k) => rows[i][k])] : []));
    if (out.length === 0) throw new Error(`no frame named ${name}`);
    return out;
  }

  it('finds no malformed frame, no bad checksum and no warning or error', () => {
    expect(rows).toHaveLength(frames.length);
    // Expert severities as tshark prints them: 0x200000 chat, 0x400000 note, 0x600000 warn, 0x800000 error.
    const problems = rows
      .map((r, i) => ({ name: frames[i].name, malformed: r['_ws.malformed'], severity: r['_ws.expert.severity'], message: r['_ws.expert.message'] }))
      .filter((r) => r.malformed !== '' || r.severity.split(',').some((s) => s !== '' && Number(s) >= 0x600000));
    expect(problems).toEqual([]);
    const statusFields: Field[] = ['ip.checksum.status', 'udp.checksum.status', 'tcp.checksum.status', 'icmp.checksum.status', 'icmpv6.checksum.status'];
    const verified = rows.flatMap((r) => statusFields.flatMap((f) => (r[f] === '' ? [] : r[f].split(','))));
    // 1 = Good, 0 = Bad, 2 = Unverified (tshark's PROTO_CHECKSUM_E_*). Unverified are exactly the
    // three headers quoted in ICMP errors whose data is cut short (2 UDP, 1 ICMPv6).
    expect(verified.filter((s) => s === '0')).toEqual([]);
    expect(verified.filter((s) => s === '2')).toHaveLength(3);
    expect(verified.length).toBeGreaterThan(frames.length);
  });

  it('reads back ARP, IPv4, ICMP and UDP fields', () => {
    const arp: Field[] = ['arp.opcode', 'arp.src.hw_mac', 'arp.src.proto_ipv4', 'arp.dst.proto_ipv4'];
    expect(read('arp request', arp)).toEqual([['1', '02:00:5e:00:53:0a', '192.0.2.10', '192.0.2.1']]);
    expect(read('arp reply', arp)).toEqual([['2', '02:00:5e:00:53:01', '192.0.2.1', '192.0.2.10']]);
    // Outer then quoted values: TTL 64 of the error, TTL 1 of the probe it quotes.
    expect(read('icmp time exceeded', ['icmp.type', 'icmp.code', 'ip.ttl', 'udp.dstport'])).toEqual([['11', '0', '64,1', '33434']]);
    expect(read('icmp fragmentation needed', ['icmp.type', 'icmp.code', 'icmp.mtu'])).toEqual([['3', '4', '1280']]);
    expect(read('icmp echo request', ['icmp.type', 'icmp.ident', 'icmp.seq', 'ip.flags.df', 'ip.ttl'])).toEqual([['8', '16962', '1', '1', '64']]);
    expect(read('icmp echo reply', ['icmp.type', 'icmp.ident', 'ip.ttl'])).toEqual([['0', '16962', '63']]);
    expect(read('udp dns-ish', ['udp.srcport', 'udp.dstport', 'udp.length', 'udp.payload'])).toEqual([
      ['50000', '7', '24', Buffer.from('hello, packetlab').toString('hex')],
    ]);
  });

  it('reassembles our IPv4 fragments', () => {
    const rows = read('ipv4 fragment', ['ip.frag_offset', 'ip.flags.mf', 'ip.fragment.count', 'icmp.seq']);
    expect(rows).toEqual([
      ['0', '1', '', ''],
      ['157', '0', '2', '2'], // tshark 4.0 shows the offset in 8-byte units: 1256 / 8
    ]);
  });

  it('reads back TCP options', () => {
    // Linux's SYN layout: MSS, SACK_PERM, TS, NOP, WS
    expect(read('tcp syn', ['tcp.flags.syn', 'tcp.options.mss_val', 'tcp.option_kind', 'tcp.options.wscale.shift', 'tcp.options.timestamp.tsval', 'tcp.hdr_len'])).toEqual([
      ['1', '1460', '2,4,8,1,3', '7', '12345', '40'],
    ]);
    expect(read('tcp data with sack', ['tcp.options.sack_le', 'tcp.options.sack_re', 'tcp.options.timestamp.tsecr', 'tcp.len', 'tcp.window_size_value'])).toEqual([
      ['6001', '7001', '777', '18', '502'],
    ]);
  });

  it('reads back VLAN and IPv6/ICMPv6 fields', () => {
    expect(read('vlan icmp echo', ['vlan.id', 'vlan.priority', 'vlan.etype', 'icmp.ident'])).toEqual([['10', '5', '0x0800', '16964']]);
    expect(read('icmpv6 neighbor solicitation', ['icmpv6.nd.ns.target_address', 'icmpv6.opt.linkaddr', 'ipv6.dst', 'eth.dst'])).toEqual([
      ['2001:db8:1::1', '02:00:5e:00:53:0a', 'ff02::1:ff00:1', '33:33:ff:00:00:01'],
    ]);
    expect(read('icmpv6 neighbor advertisement', ['icmpv6.nd.na.flag.r', 'icmpv6.nd.na.flag.s', 'icmpv6.nd.na.flag.o', 'icmpv6.opt.linkaddr'])).toEqual([
      ['1', '1', '1', '02:00:5e:00:53:01'],
    ]);
    expect(read('icmpv6 router advertisement', ['icmpv6.nd.ra.router_lifetime', 'icmpv6.opt.mtu', 'icmpv6.opt.prefix', 'icmpv6.opt.prefix.length'])).toEqual([
      ['1800', '1500', '2001:db8:1::', '64'],
    ]);
    expect(read('icmpv6 router solicitation', ['icmpv6.type', 'icmpv6.opt.linkaddr'])).toEqual([['133', '02:00:5e:00:53:0a']]);
    expect(read('icmpv6 packet too big', ['icmpv6.type', 'icmpv6.mtu'])).toEqual([['2,128', '1280']]);
    expect(read('ipv6 fragment', ['ipv6.fraghdr.offset', 'ipv6.fraghdr.more', 'ipv6.fraghdr.ident'])).toEqual([
      ['0', '1', '0xdeadbeef'],
      ['154', '0', '0xdeadbeef'], // 8-byte units: 1232 / 8
    ]);
    expect(read('ipv6 hop-by-hop mld', ['ipv6.hopopts.len', 'ipv6.opt.type', 'icmpv6.type'])).toEqual([['0', '0x05,0x01', '143']]); // Router Alert, PadN
    expect(read('udp over ipv6', ['udp.srcport', 'udp.dstport', 'ipv6.flow', 'ipv6.tclass.dscp'])).toEqual([['40002', '9999', '0x0abcde', '46']]);
  });
});
