// The step of the URL journey a captured frame belongs to (issue 5: url, cache, dhcp, arp, dns,
// routing, tcp, tls, http, render). Derived from the frame's bytes when asked, so recording a
// frame costs nothing more. url, cache and render are steps without frames: they appear in the
// log and the browser's record, never here.
import { EtherType, ETH_HEADER_LENGTH, ETH_TYPE } from '../../../src-shared/net/wire/ethernet';
import { readU16 } from '../../../src-shared/net/wire/checksum';
import { IpProtocol } from '../../../src-shared/net/wire/ipv4';

export const JOURNEY_STEPS = ['url', 'cache', 'dhcp', 'arp', 'dns', 'routing', 'tcp', 'tls', 'http', 'render'] as const;
export type JourneyStep = (typeof JOURNEY_STEPS)[number];

const HTTP_PORTS = new Set([80, 8080]);
const TLS_PORTS = new Set([443, 8443]);

/** The journey step of an Ethernet frame; `routing` for ICMP and anything the journey does not name. */
export function journeyStep(frame: Uint8Array): JourneyStep {
  if (frame.length < ETH_HEADER_LENGTH) return 'routing';
  const ethertype = readU16(frame, ETH_TYPE);
  if (ethertype === EtherType.ARP) return 'arp';
  if (ethertype !== EtherType.IPv4 || frame.length < ETH_HEADER_LENGTH + 20) return 'routing';
  const ip = ETH_HEADER_LENGTH;
  const ihl = (frame[ip] & 0x0f) * 4;
  const fragmentOffset = readU16(frame, ip + 6) & 0x1fff;
  const l4 = ip + ihl;
  if (fragmentOffset !== 0 || frame.length < l4 + 4) return 'routing';
  const sport = readU16(frame, l4);
  const dport = readU16(frame, l4 + 2);
  const protocol = frame[ip + 9];
  if (protocol === IpProtocol.UDP) {
    if (sport === 67 || sport === 68 || dport === 67 || dport === 68) return 'dhcp';
    if (sport === 53 || dport === 53) return 'dns';
    return 'routing';
  }
  if (protocol === IpProtocol.TCP) {
    if (frame.length < l4 + 20) return 'tcp';
    const dataOffset = (frame[l4 + 12] >> 4) * 4;
    const totalLength = readU16(frame, ip + 2);
    const payload = ip + totalLength - (l4 + dataOffset);
    if (payload <= 0) return 'tcp';
    if (sport === 53 || dport === 53) return 'dns';
    if (TLS_PORTS.has(sport) || TLS_PORTS.has(dport)) return 'tls';
    if (HTTP_PORTS.has(sport) || HTTP_PORTS.has(dport)) return 'http';
    return 'tcp';
  }
  return 'routing';
}
