// Every message the DNS and DHCP services emit in a small journey (DHCP DORA direct and through a
// relay, renew, release; a stub → forwarder → recursive → root/TLD/authoritative resolution, a
// cache hit and an NXDOMAIN) is wrapped in Ethernet/IPv4/UDP with the wire emitters, written to a
// pcap and read back with tshark: no malformed packets, no expert warnings, checksums good, and the
// fields tshark reads are the ones we sent. Fails (not skips) when tshark is missing.
import { describe, it, expect, beforeAll } from 'vitest';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { formatIpv4, ipv4, mac, type Ipv4Address } from '../../../src-shared/net/addr';
import { DnsType } from '../../../src-shared/net/wire/dns';
import { emitEthernet, EtherType } from '../../../src-shared/net/wire/ethernet';
import { emitIpv4, IpProtocol } from '../../../src-shared/net/wire/ipv4';
import { emitUdp } from '../../../src-shared/net/wire/udp';
import { writePcap } from '../../../src-shared/capture/pcap-writer';
import { Rng } from '../sim/rng';
import type { OutboundDatagram, ServiceStep } from './types';
import { DnsAuthoritativeServer } from './dns/authoritative';
import { DnsResolver } from './dns/resolver';
import { StubResolver } from './dns/stub';
import { loadZone, TestNet } from './dns/test-net';
import { DhcpClient } from './dhcp/client';
import { DhcpRelayAgent } from './dhcp/relay';
import { DhcpServer, type DhcpPool } from './dhcp/server';

const frames: { at: number; data: Uint8Array; kind: 'dns' | 'dhcp' }[] = [];
const BROADCAST_MAC = mac('ff:ff:ff:ff:ff:ff');
const macFor = (a: Ipv4Address) => Uint8Array.of(0x02, 0x00, (a >>> 24) & 255, (a >>> 16) & 255, (a >>> 8) & 255, a & 255);

function frame(at: number, from: Ipv4Address, fromMac: Uint8Array, s: OutboundDatagram, kind: 'dns' | 'dhcp') {
  const src = s.src ?? from;
  const udp = emitUdp({ srcPort: s.srcPort, dstPort: s.dstPort }, s.payload, { src, dst: s.dst });
  const ip = emitIpv4({ src, dst: s.dst, protocol: IpProtocol.UDP, ttl: 64 }, udp);
  const dstMac = s.linkDst ?? (s.dst === 0xffffffff ? BROADCAST_MAC : macFor(s.dst));
  frames.push({ at, kind, data: emitEthernet({ dst: dstMac, src: fromMac, ethertype: EtherType.IPv4 }, ip) });
}

let dnsSequence: string[] = [];

function buildJourney() {
  // --- DHCP: PC on the home LAN (direct), PC2 behind a relay.
  const SERVER = ipv4('192.168.1.1');
  const pools: DhcpPool[] = [
    { name: 'home', network: ipv4('192.168.1.0'), netmask: ipv4('255.255.255.0'), ranges: [{ start: ipv4('192.168.1.100'), end: ipv4('192.168.1.150') }], options: { routers: [SERVER], dnsServers: [SERVER], domainName: 'home.lan' }, defaultLeaseTime: 3600, maxLeaseTime: 7200 },
    { name: 'lab', network: ipv4('10.0.2.0'), netmask: ipv4('255.255.255.0'), ranges: [{ start: ipv4('10.0.2.50'), end: ipv4('10.0.2.60') }], options: { routers: [ipv4('10.0.2.1')], dnsServers: [SERVER] }, defaultLeaseTime: 600, maxLeaseTime: 600 },
  ];
  const server = new DhcpServer({ name: 'home-router', serverId: SERVER, pools });
  const pcMac = mac('02:00:5e:a0:00:99');
  const pc = new DhcpClient({ name: 'pc1', mac: pcMac, clientId: 'pc1-id' }, new Rng(1));
  const d = (at: number, from: Ipv4Address, m: Uint8Array, step: ServiceStep<unknown>) => { for (const s of step.sends) frame(at, from, m, s, 'dhcp'); return step.sends; };
  const inb = (s: OutboundDatagram, from: Ipv4Address) => ({ src: s.src ?? from, srcPort: s.srcPort, dst: s.dst, dstPort: s.dstPort, payload: s.payload });
  const [discover] = d(0, 0, pcMac, pc.start(0));
  const [offer] = d(1000, SERVER, macFor(SERVER), server.receive(1000, inb(discover, 0)));
  const [request] = d(2000, 0, pcMac, pc.receive(2000, inb(offer, SERVER)));
  const [ack] = d(3000, SERVER, macFor(SERVER), server.receive(3000, inb(request, 0)));
  pc.receive(4000, inb(ack, SERVER));
  const [renew] = d(1800 * 1e6, 0, pcMac, pc.renew(1800 * 1e6));
  const [renewAck] = d(1800 * 1e6 + 1000, SERVER, macFor(SERVER), server.receive(1800 * 1e6 + 1000, inb(renew, 0)));
  pc.receive(1800 * 1e6 + 2000, inb(renewAck, SERVER));
  // Relay: r1 has 10.0.2.1 on the lab LAN and reaches the server at 192.168.1.1.
  const RELAY = ipv4('10.0.2.1');
  const relay = new DhcpRelayAgent({ name: 'r1', interfaces: [{ name: 'lab', address: RELAY }], servers: [SERVER] });
  const pc2Mac = mac('02:00:5e:00:02:02');
  const pc2 = new DhcpClient({ name: 'pc2', mac: pc2Mac, broadcastFlag: true }, new Rng(2));
  let t = 5_000_000;
  let msg = d(t, 0, pc2Mac, pc2.start(t))[0];
  for (let round = 0; round < 2; round++) {
    const relayed = d((t += 1000), RELAY, macFor(RELAY), relay.receive(t, inb(msg, 0), 'lab'))[0];
    const reply = d((t += 1000), SERVER, macFor(SERVER), server.receive(t, inb(relayed, RELAY)))[0];
    const back = d((t += 1000), RELAY, macFor(RELAY), relay.receive(t, inb(reply, SERVER), 'wan'))[0];
    const next = d((t += 1000), 0, pc2Mac, pc2.receive(t, inb(back, RELAY)));
    msg = next[0];
  }
  d(1900 * 1e6, 0, pcMac, pc.release(1900 * 1e6));

  // --- DNS: the URL journey's resolution chain.
  const net = new TestNet(2_000);
  net.add(ipv4('198.41.0.4'), new DnsAuthoritativeServer({ name: 'a.root-servers.net', zones: [loadZone('root.zone', '.')] }));
  net.add(ipv4('192.5.6.30'), new DnsAuthoritativeServer({ name: 'a.gtld-servers.net', zones: [loadZone('com.zone', 'com'), loadZone('net.zone', 'net')] }));
  net.add(ipv4('203.0.113.53'), new DnsAuthoritativeServer({ name: 'ns1.example.com', zones: [loadZone('example.com.zone', 'example.com')] }));
  net.add(ipv4('198.51.100.53'), new DnsAuthoritativeServer({ name: 'ns.cdn.example.net', zones: [loadZone('cdn.example.net.zone', 'cdn.example.net')] }));
  const ISP = ipv4('100.64.0.53');
  net.add(ISP, new DnsResolver({ name: 'isp', mode: 'recursive', address: ISP, rootHints: [{ name: 'a.root-servers.net', address: ipv4('198.41.0.4') }] }, new Rng(3)));
  net.add(SERVER, new DnsResolver({ name: 'home-router', mode: 'forwarding', address: SERVER, forwarders: [ISP] }, new Rng(4)));
  const PC = ipv4('192.168.1.100');
  const stub = new StubResolver({ name: 'pc1', servers: [SERVER], address: PC }, new Rng(5));
  net.add(PC, stub);
  for (const [name, type] of [['www.example.com', DnsType.A], ['www.example.com', DnsType.AAAA], ['example.com', DnsType.MX], ['nope.example.com', DnsType.A]] as const) {
    net.apply(PC, stub.lookup(net.now, name, type, 1));
    net.run();
  }
  for (const l of net.log) frame(2000 * 1e6 + l.at, l.from, macFor(l.from), l.send, 'dns');
  dnsSequence = net.log.map((l) => `${formatIpv4(l.from)}>${formatIpv4(l.to)}`);
}

let dir = '';
let pcap = '';

function tsharkFields(fields: string[]): string[][][] {
  const out = execFileSync('tshark', ['-r', pcap, '-o', 'ip.check_checksum:TRUE', '-o', 'udp.check_checksum:TRUE',
    '-T', 'fields', '-E', 'aggregator=\u001f', '-E', 'occurrence=a', ...fields.flatMap((f) => ['-e', f])],
  { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] });
  return out.split('\n').filter(Boolean).map((line) => line.split('\t').map((c) => (c === '' ? [] : c.split('\u001f'))));
}

describe('DNS and DHCP services read back in tshark', () => {
  beforeAll(() => {
    buildJourney();
    dir = mkdtempSync(join(tmpdir(), 'packetlab-services-'));
    pcap = join(dir, 'services.pcap');
    writeFileSync(pcap, writePcap({ linkType: 1 }, frames.map((f) => ({ timestamp: { seconds: Math.floor(f.at / 1e6), nanoseconds: (f.at % 1e6) * 1000 }, data: f.data }))));
    return () => rmSync(dir, { recursive: true, force: true });
  });

  it('no malformed packets, no expert warnings or errors, good checksums', () => {
    const rows = tsharkFields(['_ws.malformed', '_ws.expert.severity', '_ws.expert.message', 'frame.protocols', 'ip.checksum.status', 'udp.checksum.status']);
    expect(rows.length).toBe(frames.length);
    const problems: string[] = [];
    rows.forEach(([malformed, severity, message, protocols, ipSum, udpSum], i) => {
      if (malformed.length) problems.push(`frame ${i + 1}: malformed`);
      severity.forEach((s, j) => { if (Number(s) >= 0x00600000) problems.push(`frame ${i + 1}: ${message[j]}`); });
      if (!protocols[0].endsWith(`:${frames[i].kind}`)) problems.push(`frame ${i + 1}: ${protocols[0]}`);
      if (ipSum[0] !== '1' || udpSum[0] !== '1') // 1 = good (0 bad, 2 unverified)
        problems.push(`frame ${i + 1}: checksum status ${ipSum[0]}/${udpSum[0]}`);
    });
    expect(problems).toEqual([]);
  });

  it('DHCP: the message types, relay fields and addresses we sent', () => {
    const rows = tsharkFields(['dhcp.option.dhcp', 'dhcp.ip.relay', 'dhcp.hops', 'dhcp.ip.your', 'ip.dst', 'dhcp.flags.bc']).filter((_, i) => frames[i].kind === 'dhcp');
    expect(rows.map((r) => r[0][0])).toEqual([
      '1', '2', '3', '5', // DORA
      '3', '5', // renew
      '1', '1', '2', '2', '3', '3', '5', '5', // relayed DORA: client → relay → server → relay → client
      '7', // release
    ]);
    const relayed = rows[7];
    expect([relayed[1][0], relayed[2][0], relayed[4][0]]).toEqual(['10.0.2.1', '1', '192.168.1.1']);
    const toPc2 = rows[9];
    expect([toPc2[3][0], toPc2[4][0], toPc2[5][0]]).toEqual(['10.0.2.50', '255.255.255.255', '1']);
    expect(rows[1][4][0]).toBe('192.168.1.100'); // OFFER unicast to yiaddr
  });

  it('DNS: the resolution sequence and answers as tshark reads them', () => {
    const rows = tsharkFields(['ip.src', 'ip.dst', 'dns.flags.response', 'dns.flags.rcode', 'dns.qry.name', 'dns.cname', 'dns.a', 'dns.flags.authoritative']).filter((_, i) => frames[i].kind === 'dns');
    expect(rows.map((r) => `${r[0][0]}>${r[1][0]}`)).toEqual(dnsSequence);
    // The first resolution: stub → router → ISP → 6 upstream queries → back.
    expect(rows.slice(0, 3).map((r) => r[4][0])).toEqual(['www.example.com', 'www.example.com', 'www.example.com']);
    const toPc = rows.filter((r) => r[1][0] === '192.168.1.100');
    expect(toPc[0][5]).toEqual(['www.example.com.cdn.example.net', 'edge.cdn.example.net']);
    expect(toPc[0][6]).toEqual(['198.51.100.80']);
    expect(toPc[toPc.length - 1][3][0]).toBe('3'); // NXDOMAIN
    const fromRoot = rows.filter((r) => r[0][0] === '198.41.0.4');
    expect(fromRoot.every((r) => r[7][0] === '0')).toBe(true); // referrals are not authoritative
  });
});
