// Checks what our application-layer emitters write against the real dissector: DNS, DHCP, HTTP and
// TLS messages built here are wrapped in Ethernet/IPv4/UDP/TCP (net/wire emitters, checksums on),
// written to a pcap and read back with tshark. No malformed packets, no warnings or errors, and the
// fields tshark reads must be the values we put in. Fails (not skips) when tshark is missing.

import { describe, it, expect, beforeAll } from 'vitest';
import { mkdtempSync, writeFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execFileSync } from 'node:child_process';
import { emitDns, DnsType, type DnsMessage } from './dns';
import { emitDhcp, encodeDhcpOptions, DhcpMessageType, type DhcpRepr } from './dhcp';
import { emitHttpRequest, emitHttpResponse } from './http';
import {
  emitClientHello, emitServerHello, emitTlsRecord, encodeExtension, emitAlert, emitChangeCipherSpec, TlsContentType,
} from './tls';
import { emitEthernet, EtherType } from './ethernet';
import { emitIpv4, IpProtocol } from './ipv4';
import { emitUdp } from './udp';
import { emitTcp, TcpFlags } from './tcp';
import { ipv4 } from '../addr/ipv4';
import { ipv6 } from '../addr/ipv6';
import { mac } from '../addr/mac';
import { writePcap } from '../../capture/pcap-writer';

const CLIENT_MAC = mac('02:00:5e:a0:00:99');
const SERVER_MAC = mac('02:00:5e:a0:00:01');
const CLIENT = ipv4('192.0.2.139');
const SERVER = ipv4('192.0.2.1');

const frames: Uint8Array[] = [];
/** Frame number (1-based) of each named message. */
const at: Record<string, number> = {};

function udpFrame(name: string, src: number, dst: number, sport: number, dport: number, payload: Uint8Array, toBroadcast = false) {
  const udp = emitUdp({ srcPort: sport, dstPort: dport }, payload, { src, dst });
  const ip = emitIpv4({ src, dst, protocol: IpProtocol.UDP, ttl: 64 }, udp);
  const fromClient = sport === 68 || dport === 53;
  frames.push(emitEthernet({ dst: toBroadcast ? mac('ff:ff:ff:ff:ff:ff') : fromClient ? SERVER_MAC : CLIENT_MAC, src: fromClient ? CLIENT_MAC : SERVER_MAC, ethertype: EtherType.IPv4 }, ip));
  at[name] = frames.length;
}

/** A TCP connection on `port` with a handshake; `send` appends a data segment in either direction. */
function tcpConnection(port: number, clientPort: number) {
  let cseq = 1000;
  let sseq = 5000;
  const seg = (fromClient: boolean, flags: number, payload: Uint8Array) => {
    const [src, dst] = fromClient ? [CLIENT, SERVER] : [SERVER, CLIENT];
    const tcp = emitTcp({
      srcPort: fromClient ? clientPort : port, dstPort: fromClient ? port : clientPort, seq: fromClient ? cseq : sseq,
      ack: fromClient ? sseq : cseq, flags, window: 65535,
    }, payload, { src, dst });
    frames.push(emitEthernet({ dst: fromClient ? SERVER_MAC : CLIENT_MAC, src: fromClient ? CLIENT_MAC : SERVER_MAC, ethertype: EtherType.IPv4 },
      emitIpv4({ src, dst, protocol: IpProtocol.TCP, ttl: 64 }, tcp)));
    const adv = payload.length + (flags & (TcpFlags.SYN | TcpFlags.FIN) ? 1 : 0);
    if (fromClient) cseq += adv; else sseq += adv;
  };
  seg(true, TcpFlags.SYN, new Uint8Array(0));
  seg(false, TcpFlags.SYN | TcpFlags.ACK, new Uint8Array(0));
  seg(true, TcpFlags.ACK, new Uint8Array(0));
  return (name: string, fromClient: boolean, payload: Uint8Array) => {
    seg(fromClient, TcpFlags.PSH | TcpFlags.ACK, payload);
    at[name] = frames.length;
  };
}

function buildCapture() {
  // --- DNS
  const query: DnsMessage = {
    id: 0x1234, qr: false, opcode: 0, aa: false, tc: false, rd: true, ra: false, z: false, ad: true, cd: false, rcode: 0,
    questions: [{ name: 'www.lab.test', type: DnsType.A, class: 1 }], answers: [], authorities: [], additionals: [],
    edns: { udpSize: 1232, extendedRcode: 0, version: 0, dnssecOk: true, z: 0, options: [{ code: 10, data: Uint8Array.of(1, 2, 3, 4, 5, 6, 7, 8) }] },
  };
  const response: DnsMessage = {
    ...query, qr: true, aa: true, ra: true, ad: false,
    answers: [
      { name: 'www.lab.test', type: DnsType.CNAME, class: 1, ttl: 300, data: { kind: 'CNAME', target: 'web.lab.test' } },
      { name: 'web.lab.test', type: DnsType.A, class: 1, ttl: 300, data: { kind: 'A', address: ipv4('192.0.2.80') } },
      { name: 'web.lab.test', type: DnsType.A, class: 1, ttl: 300, data: { kind: 'A', address: ipv4('192.0.2.81') } },
      { name: 'web.lab.test', type: DnsType.AAAA, class: 1, ttl: 300, data: { kind: 'AAAA', address: ipv6('2001:db8::80') } },
      { name: 'lab.test', type: DnsType.MX, class: 1, ttl: 3600, data: { kind: 'MX', preference: 10, exchange: 'mail.lab.test' } },
      { name: 'lab.test', type: DnsType.TXT, class: 1, ttl: 3600, data: { kind: 'TXT', strings: ['v=spf1 -all', 'second string'] } },
      { name: '_http._tcp.lab.test', type: DnsType.SRV, class: 1, ttl: 60, data: { kind: 'SRV', priority: 1, weight: 5, port: 8080, target: 'web.lab.test' } },
      { name: '80.2.0.192.in-addr.arpa', type: DnsType.PTR, class: 1, ttl: 60, data: { kind: 'PTR', target: 'web.lab.test' } },
      { name: 'lab.test', type: 65534, class: 1, ttl: 60, data: { kind: 'raw', data: Uint8Array.of(0xde, 0xad) } },
    ],
    authorities: [
      { name: 'lab.test', type: DnsType.NS, class: 1, ttl: 3600, data: { kind: 'NS', target: 'ns1.lab.test' } },
      { name: 'lab.test', type: DnsType.SOA, class: 1, ttl: 3600, data: { kind: 'SOA', mname: 'ns1.lab.test', rname: 'hostmaster.lab.test', serial: 2026112201, refresh: 7200, retry: 900, expire: 1209600, minimum: 300 } },
    ],
    additionals: [{ name: 'ns1.lab.test', type: DnsType.A, class: 1, ttl: 3600, data: { kind: 'A', address: ipv4('192.0.2.53') } }],
  };
  udpFrame('dnsQuery', CLIENT, SERVER, 40000, 53, emitDns(query));
  udpFrame('dnsResponse', SERVER, CLIENT, 53, 40000, emitDns(response));
  udpFrame('dnsNx', SERVER, CLIENT, 53, 40000, emitDns({ ...query, id: 0x5678, qr: true, rcode: 3, edns: undefined, questions: [{ name: 'nope.lab.test', type: DnsType.AAAA, class: 1 }] }));

  // --- DHCP
  const base: DhcpRepr = {
    op: 1, htype: 1, hlen: 6, hops: 0, xid: 0xcafe0001, secs: 0, broadcast: true, reservedFlags: 0, ciaddr: 0, yiaddr: 0, siaddr: 0,
    giaddr: 0, chaddr: CLIENT_MAC, sname: '', file: '', dhcp: true, options: [],
  };
  udpFrame('dhcpDiscover', 0, 0xffffffff, 68, 67, emitDhcp({ ...base, options: encodeDhcpOptions({
    messageType: DhcpMessageType.DISCOVER, hostname: 'pc1', parameterRequestList: [1, 3, 6, 15, 28], maxSize: 1500,
    clientId: { type: 1, id: CLIENT_MAC }, vendorClass: 'PacketLab 1.0',
  }) }), true);
  udpFrame('dhcpAck', SERVER, 0xffffffff, 67, 68, emitDhcp({ ...base, op: 2, yiaddr: CLIENT, siaddr: SERVER, giaddr: ipv4('192.0.2.254'), hops: 1,
    options: encodeDhcpOptions({
      messageType: DhcpMessageType.ACK, serverId: SERVER, leaseTime: 3600, renewalTime: 1800, rebindingTime: 3150,
      subnetMask: ipv4('255.255.255.0'), broadcast: ipv4('192.0.2.255'), routers: [SERVER], dnsServers: [SERVER, ipv4('192.0.2.53')],
      domainName: 'lab.test', message: 'welcome', relayAgentInfo: [{ code: 1, data: Uint8Array.of(0, 7) }],
    }) }), true);

  // --- HTTP
  const http = tcpConnection(80, 41000);
  http('httpGet', true, emitHttpRequest({ method: 'GET', target: '/index.html', headers: [{ name: 'Host', value: 'www.lab.test' }, { name: 'User-Agent', value: 'packetlab' }] }));
  http('http200', false, emitHttpResponse({ status: 200, headers: [{ name: 'Content-Type', value: 'text/plain' }], body: 'hello world\n' }));
  http('httpPost', true, emitHttpRequest({ method: 'POST', target: '/api', headers: [{ name: 'Host', value: 'www.lab.test' }, { name: 'Content-Type', value: 'text/plain' }], body: 'abc' }));
  http('http201', false, emitHttpResponse({ status: 201, headers: [{ name: 'Content-Type', value: 'text/plain' }], body: 'x'.repeat(50), framing: 'chunked', chunkSize: 20 }));

  // --- TLS
  const tls = tcpConnection(443, 42000);
  tls('clientHello', true, emitTlsRecord(TlsContentType.HANDSHAKE, 0x0301, emitClientHello({
    legacyVersion: 0x0303, random: new Uint8Array(32).fill(0x11), sessionId: new Uint8Array(32).fill(0x22), cipherSuites: [0x1302, 0x1301, 0x00ff],
    compressionMethods: [0], extensions: [
      encodeExtension({ kind: 'server_name', names: [{ type: 0, name: 'secure.lab.test' }] }),
      encodeExtension({ kind: 'supported_groups', groups: [0x1d, 0x17] }),
      encodeExtension({ kind: 'alpn', protocols: ['h2', 'http/1.1'] }),
      encodeExtension({ kind: 'signature_algorithms', schemes: [0x0403, 0x0804] }),
      encodeExtension({ kind: 'supported_versions', versions: [0x0304, 0x0303] }),
      encodeExtension({ kind: 'psk_key_exchange_modes', modes: [1] }),
      encodeExtension({ kind: 'key_share_client', entries: [{ group: 0x1d, keyExchange: new Uint8Array(32).fill(0x33) }] }),
    ],
  })));
  tls('serverHello', false, new Uint8Array([
    ...emitTlsRecord(TlsContentType.HANDSHAKE, 0x0303, emitServerHello({
      legacyVersion: 0x0303, random: new Uint8Array(32).fill(0x44), sessionId: new Uint8Array(32).fill(0x22), cipherSuite: 0x1302, compressionMethod: 0,
      extensions: [encodeExtension({ kind: 'selected_version', version: 0x0304 }),
        encodeExtension({ kind: 'key_share_server', entry: { group: 0x1d, keyExchange: new Uint8Array(32).fill(0x55) } })],
    })),
    ...emitTlsRecord(TlsContentType.CHANGE_CIPHER_SPEC, 0x0303, emitChangeCipherSpec()),
    ...emitTlsRecord(TlsContentType.APPLICATION_DATA, 0x0303, new Uint8Array(40).fill(0x66)),
  ]));
  tls('alert', true, emitTlsRecord(TlsContentType.ALERT, 0x0303, emitAlert({ level: 2, description: 40 })));
}

let dir = '';
let pcap = '';

function tsharkFields(fields: string[], extra: string[] = []): Map<number, string[][]> {
  const out = execFileSync('tshark', ['-r', pcap, '-o', 'ip.check_checksum:TRUE', '-o', 'udp.check_checksum:TRUE', '-o', 'tcp.check_checksum:TRUE',
    ...extra, '-T', 'fields', '-E', 'aggregator=\u001f', '-E', 'occurrence=a', '-e', 'frame.number', ...fields.flatMap((f) => ['-e', f])],
  { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] });
  const map = new Map<number, string[][]>();
  for (const line of out.split('\n')) {
    if (!line) continue;
    const cols = line.split('\t');
    map.set(Number(cols[0]), cols.slice(1).map((c) => (c === '' ? [] : c.split('\u001f'))));
  }
  return map;
}

describe('our emitted DNS, DHCP, HTTP and TLS read back in tshark', () => {
  beforeAll(() => {
    buildCapture();
    dir = mkdtempSync(join(tmpdir(), 'packetlab-app-'));
    pcap = join(dir, 'emitted.pcap');
    writeFileSync(pcap, writePcap({ linkType: 1 }, frames.map((data, i) => ({ timestamp: { seconds: 1_700_000_000 + i, nanoseconds: 0 }, data }))));
    return () => rmSync(dir, { recursive: true, force: true });
  });

  it('no malformed packets, no expert warnings or errors, checksums good', () => {
    const f = tsharkFields(['_ws.malformed', '_ws.expert.severity', '_ws.expert.message', 'frame.protocols']);
    expect(f.size).toBe(frames.length);
    const problems: string[] = [];
    for (const [n, [malformed, severity, message]] of f) {
      if (malformed.length) problems.push(`frame ${n}: malformed`);
      severity.forEach((s, i) => { if (Number(s) >= 0x00600000) problems.push(`frame ${n}: ${message[i]}`); }); // PI_WARN and above
    }
    expect(problems).toEqual([]);
    const protos = (name: string) => f.get(at[name])![3][0];
    expect(protos('dnsResponse')).toMatch(/:dns$/);
    expect(protos('dhcpAck')).toMatch(/:dhcp$/);
    expect(protos('http201')).toMatch(/:http/);
    expect(protos('clientHello')).toMatch(/:tls$/);
  });

  it('DNS fields read back', () => {
    const f = tsharkFields(['dns.flags.response', 'dns.flags.rcode', 'dns.qry.name', 'dns.resp.type', 'dns.a', 'dns.aaaa', 'dns.cname', 'dns.mx.mail_exchange',
      'dns.txt', 'dns.srv.target', 'dns.srv.port', 'dns.ptr.domain_name', 'dns.soa.rname', 'dns.soa.serial_number', 'dns.ns', 'dns.rr.udp_payload_size',
      'dns.resp.z.do', 'dns.opt.code', 'dns.resp.ttl']);
    expect(f.get(at.dnsQuery)!.slice(0, 3)).toEqual([['0'], [], ['www.lab.test']]); // tshark shows rcode on responses only
    expect(f.get(at.dnsQuery)![15]).toEqual(['1232']);
    expect(f.get(at.dnsQuery)![16]).toEqual(['1']);
    expect(f.get(at.dnsQuery)![17]).toEqual(['10']);
    expect(f.get(at.dnsResponse)).toEqual([
      ['1'], ['0'], ['www.lab.test'], ['5', '1', '1', '28', '15', '16', '33', '12', '65534', '2', '6', '1', '41'], ['192.0.2.80', '192.0.2.81', '192.0.2.53'],
      ['2001:db8::80'], ['web.lab.test'], ['mail.lab.test'], ['v=spf1 -all', 'second string'], ['web.lab.test'], ['8080'], ['web.lab.test'],
      ['hostmaster.lab.test'], ['2026112201'], ['ns1.lab.test'], ['1232'], ['1'], ['10'],
      ['300', '300', '300', '300', '3600', '3600', '60', '60', '60', '3600', '3600', '3600'],
    ]);
    expect(f.get(at.dnsNx)!.slice(0, 3)).toEqual([['1'], ['3'], ['nope.lab.test']]);
  });

  it('DHCP fields read back', () => {
    const f = tsharkFields(['dhcp.option.dhcp', 'dhcp.flags.bc', 'dhcp.hw.mac_addr', 'dhcp.option.hostname', 'dhcp.option.request_list_item',
      'dhcp.option.dhcp_max_message_size', 'dhcp.option.vendor_class_id', 'dhcp.ip.your', 'dhcp.ip.relay', 'dhcp.option.router',
      'dhcp.option.domain_name_server', 'dhcp.option.ip_address_lease_time', 'dhcp.option.domain_name', 'dhcp.option.message',
      'dhcp.option.agent_information_option.agent_circuit_id', 'frame.len']);
    // The MAC twice: chaddr, then the type-1 client identifier (option 61).
    expect(f.get(at.dhcpDiscover)).toEqual([['1'], ['1'], ['02:00:5e:a0:00:99', '02:00:5e:a0:00:99'], ['pc1'], ['1', '3', '6', '15', '28'], ['1500'], ['PacketLab 1.0'],
      ['0.0.0.0'], ['0.0.0.0'], [], [], [], [], [], [], ['342']]); // 14 + 20 + 8 + 300: padded to the BOOTP minimum
    expect(f.get(at.dhcpAck)!.slice(0, 15)).toEqual([['5'], ['1'], ['02:00:5e:a0:00:99'], [], [], [], [], ['192.0.2.139'], ['192.0.2.254'], ['192.0.2.1'],
      ['192.0.2.1', '192.0.2.53'], ['3600'], ['lab.test'], ['welcome'], ['0007']]);
  });

  it('HTTP fields read back', () => {
    const f = tsharkFields(['http.request.method', 'http.request.uri', 'http.host', 'http.response.code', 'http.content_length', 'http.chunk_size', 'http.file_data']);
    expect(f.get(at.httpGet)!.slice(0, 3)).toEqual([['GET'], ['/index.html'], ['www.lab.test']]);
    expect(f.get(at.http200)!.slice(3, 5)).toEqual([['200'], ['12']]);
    expect(f.get(at.httpPost)![0]).toEqual(['POST']);
    expect(f.get(at.httpPost)![4]).toEqual(['3']);
    expect(f.get(at.http201)!.slice(3, 6)).toEqual([['201'], [], ['20', '20', '10', '0']]);
  });

  it('TLS fields read back', () => {
    const f = tsharkFields(['tls.handshake.type', 'tls.handshake.extensions_server_name', 'tls.handshake.extensions_alpn_str', 'tls.handshake.ciphersuite',
      'tls.handshake.extensions.supported_version', 'tls.handshake.extensions_key_share_group', 'tls.record.content_type', 'tls.record.opaque_type',
      'tls.alert_message.level', 'tls.alert_message.desc']);
    expect(f.get(at.clientHello)!.slice(0, 6)).toEqual([['1'], ['secure.lab.test'], ['h2', 'http/1.1'], ['0x1302', '0x1301', '0x00ff'], ['0x0304', '0x0303'], ['29']]);
    const sh = f.get(at.serverHello)!;
    expect([sh[0], sh[3], sh[4], sh[5]]).toEqual([['2'], ['0x1302'], ['0x0304'], ['29']]);
    expect([...sh[6], ...sh[7]].sort()).toEqual(['20', '22', '23']);
    expect(f.get(at.alert)!.slice(8)).toEqual([['2'], ['40']]);
  });
});
