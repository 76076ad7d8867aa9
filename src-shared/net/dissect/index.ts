// Public entry of the dissection framework: builds the dispatch tables from the protocol modules
// and exposes sessions, the field registry and frame summaries.
import { allFields, lookupField, registerFields } from './registry';
import { DissectSession, type DatagramProtocol, type Registries, type SessionOptions, type StreamProtocol } from './session';
import { Packet, type PacketMode } from './packet';
import { DATA_FIELDS, LINK_FIELDS, SLL_FIELDS, dissectArp, dissectData, dissectEthernet, dissectFrame, dissectSll } from './proto/link';
import { IP_FIELDS, dissectIpv4, dissectIpv6 } from './proto/ip';
import { ICMP_FIELDS, dissectIcmp, dissectIcmpv6 } from './proto/icmp';
import { UDP_FIELDS, dissectUdp } from './proto/udp';
import { TCP_FIELDS, dissectTcp } from './proto/tcp';
import { TCP_ACK_FIELDS } from './proto/tcp-acks';
import { TCP_OPTION_FIELDS } from './proto/tcp-options';
import { DNS_FIELDS, dnsDatagram, dnsStream } from './proto/dns';
import { DHCP_FIELDS, dhcpDatagram } from './proto/dhcp';
import { ECHO_FIELDS, ECHO_PORT, echoDatagram, echoStream } from './proto/echo';
import { HTTP_FIELDS, httpStream } from './proto/http';
import { TLS_FIELDS, tlsStream, addKeyLog } from './proto/tls';
import { HTTP2_FIELDS, http2Stream } from './proto/http2';

export { Packet, type PacketMode, type DataSource } from './packet';
export { addKeyLog, addDecryptionSecrets, tlsKeyLog } from './proto/tls';
export { TlsKeyLog, type KeyLogError, type KeyLogLabel } from './proto/tls-keylog';
export { DissectSession, type SessionOptions, type DecodeAsEntry } from './session';
export { lookupField, allFields } from './registry';
export { formatFieldValue } from './format';
export * from './types';

registerFields(LINK_FIELDS);
registerFields(DATA_FIELDS);
registerFields(SLL_FIELDS);
registerFields(IP_FIELDS);
registerFields(ICMP_FIELDS);
registerFields(UDP_FIELDS);
registerFields(TCP_FIELDS);
registerFields(TCP_ACK_FIELDS);
registerFields(TCP_OPTION_FIELDS);
registerFields(DNS_FIELDS);
registerFields(DHCP_FIELDS);
registerFields(ECHO_FIELDS);
registerFields(HTTP_FIELDS);
registerFields(TLS_FIELDS);
registerFields(HTTP2_FIELDS);

/** Protocols that Decode As (`-d tcp.port==N,PROTO`) can name. */
export const DECODE_AS_PROTOCOLS = ['dns', 'http', 'http2', 'tls', 'dhcp', 'echo', 'data'];

function registries(): Registries {
  const dataDatagram: DatagramProtocol = { name: 'data', dissect: (p, _s, b, o, e) => dissectData(p, b, o, e) };
  const dataStream: StreamProtocol = {
    name: 'data',
    dissect: (p, _s, b, o, e) => {
      dissectData(p, b, o, e);
      return e - o;
    },
  };
  const udpPort = new Map<number, DatagramProtocol>([
    [53, dnsDatagram],
    [5353, dnsDatagram],
    [67, dhcpDatagram],
    [68, dhcpDatagram],
    [ECHO_PORT, echoDatagram],
  ]);
  const tcpPort = new Map<number, StreamProtocol>([
    [53, dnsStream],
    [ECHO_PORT, echoStream],
  ]);
  // tshark 4.0's default HTTP and TLS port ranges
  for (const port of [80, 3128, 3132, 5985, 8080, 8088, 11371, 1900, 2869, 2710]) tcpPort.set(port, httpStream);
  for (const port of [443, 465, 563, 585, 636, 989, 990, 992, 993, 994, 995, 3389, 5061, 8443]) tcpPort.set(port, tlsStream);
  return {
    frame: dissectFrame,
    linkType: new Map([
      [1, dissectEthernet],
      [101, ipByVersion],
      [113, (p, s, b, o, e) => dissectSll(p, s, b, o, e, false)],
      [276, (p, s, b, o, e) => dissectSll(p, s, b, o, e, true)],
      [228, dissectIpv4],
      [229, dissectIpv6],
    ]),
    ethertype: new Map([
      [0x0800, dissectIpv4],
      [0x0806, dissectArp],
      [0x86dd, dissectIpv6],
    ]),
    ipProto: new Map([
      [1, dissectIcmp],
      [6, dissectTcp],
      [17, dissectUdp],
      [58, dissectIcmpv6],
    ]),
    udpPort,
    tcpPort,
    udpHeuristics: [dnsDatagram],
    tcpHeuristics: [httpStream, tlsStream],
    streamByName: new Map([
      ['dns', dnsStream],
      ['http', httpStream],
      ['http2', http2Stream],
      ['tls', tlsStream],
      ['ssl', tlsStream],
      ['echo', echoStream],
      ['data', dataStream],
    ]),
    datagramByName: new Map([
      ['dns', dnsDatagram],
      ['dhcp', dhcpDatagram],
      ['bootp', dhcpDatagram],
      ['echo', echoDatagram],
      ['data', dataDatagram],
    ]),
  };
}

function ipByVersion(p: Packet, s: DissectSession, buf: Uint8Array, off: number, end: number): void {
  if (end > off && buf[off] >> 4 === 6) dissectIpv6(p, s, buf, off, end);
  else dissectIpv4(p, s, buf, off, end);
}

/** Session options, plus TLS secrets: NSS key log text (SSLKEYLOGFILE), as `-o tls.keylog_file` gives. */
export interface CreateSessionOptions extends SessionOptions {
  keyLog?: string;
}

export function createSession(options: CreateSessionOptions = {}): DissectSession {
  const session = new DissectSession(registries(), options);
  if (options.keyLog) addKeyLog(session, options.keyLog, 'keyLog option');
  return session;
}

export function createPacket(mode: PacketMode): Packet {
  return new Packet(mode);
}

/** Field lookup for display filters and `-e`. Protocol names (`dns`, `tcp`) are fields too. */
export function fieldLookup(name: string) {
  return lookupField(name);
}

export function fieldCount(): number {
  let n = 0;
  for (const _ of allFields()) n++;
  return n;
}
