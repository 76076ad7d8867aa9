// Short, exact descriptions of frames for behaviour tests ("ARP who-has 192.0.2.1 tell
// 192.0.2.10"), decoded with the shared wire codecs.
import { formatIpv4, formatMac } from '../../../src-shared/net/addr';
import { ArpOperation, parseArp } from '../../../src-shared/net/wire/arp';
import { EtherType, parseEthernet } from '../../../src-shared/net/wire/ethernet';
import { parseIcmp } from '../../../src-shared/net/wire/icmp';
import { IpProtocol, parseIpv4 } from '../../../src-shared/net/wire/ipv4';
import { parseTcp, formatTcpFlags } from '../../../src-shared/net/wire/tcp';
import { parseUdp } from '../../../src-shared/net/wire/udp';

export function describeFrame(frame: Uint8Array): string {
  const eth = parseEthernet(frame);
  if (!eth.ok) return `bad ethernet: ${eth.error.message}`;
  if (eth.repr.ethertype === EtherType.ARP) {
    const a = parseArp(frame, eth.payloadOffset, eth.payloadLength);
    if (!a.ok) return `bad arp: ${a.error.message}`;
    const r = a.repr;
    if (r.operation === ArpOperation.Request) return `ARP who-has ${formatIpv4(r.targetIp)} tell ${formatIpv4(r.senderIp)}`;
    return `ARP ${formatIpv4(r.senderIp)} is-at ${formatMac(r.senderMac)}`;
  }
  if (eth.repr.ethertype !== EtherType.IPv4) return `ethertype 0x${eth.repr.ethertype.toString(16)}`;
  const ip = parseIpv4(frame, eth.payloadOffset, eth.payloadLength);
  if (!ip.ok) return `bad ipv4: ${ip.error.message}`;
  const r = ip.repr;
  const head = `${formatIpv4(r.src)} > ${formatIpv4(r.dst)} ttl ${r.ttl}`;
  if (r.protocol === IpProtocol.ICMP) {
    const m = parseIcmp(frame, ip.payloadOffset, ip.payloadLength);
    if (!m.ok) return `${head} bad icmp`;
    const i = m.repr;
    switch (i.kind) {
      case 'echoRequest':
        return `${head} ICMP echo request id ${i.identifier} seq ${i.sequence}`;
      case 'echoReply':
        return `${head} ICMP echo reply id ${i.identifier} seq ${i.sequence}`;
      case 'timeExceeded':
        return `${head} ICMP time exceeded`;
      case 'destUnreachable':
        return `${head} ICMP unreachable code ${i.code}`;
      default:
        return `${head} ICMP type ${i.type}`;
    }
  }
  if (r.protocol === IpProtocol.UDP) {
    const u = parseUdp(frame, ip.payloadOffset, ip.payloadLength);
    return u.ok ? `${head} UDP ${u.repr.srcPort} > ${u.repr.dstPort} len ${u.payloadLength}` : `${head} bad udp`;
  }
  if (r.protocol === IpProtocol.TCP) {
    const t = parseTcp(frame, ip.payloadOffset, ip.payloadLength);
    return t.ok ? `${head} TCP ${t.repr.srcPort} > ${t.repr.dstPort} [${formatTcpFlags(t.repr.flags)}]` : `${head} bad tcp`;
  }
  return `${head} proto ${r.protocol}`;
}
