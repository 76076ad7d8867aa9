// Helpers shared by the DHCP server, client and relay.
import { formatIpv4, formatMac, type Ipv4Address } from '../../../../src-shared/net/addr';
import { BootpOp, type DhcpRepr } from '../../../../src-shared/net/wire/dhcp';

export const DHCP_SERVER_PORT = 67;
export const DHCP_CLIENT_PORT = 68;
export const BROADCAST: Ipv4Address = 0xffffffff;

/** A blank BOOTP message with the fields every DHCP message sets. */
export function bootp(op: number, xid: number, chaddr: Uint8Array): DhcpRepr {
  return {
    op, htype: 1, hlen: 6, hops: 0, xid, secs: 0, broadcast: false, reservedFlags: 0,
    ciaddr: 0, yiaddr: 0, siaddr: 0, giaddr: 0, chaddr: chaddr.slice(0, 6), sname: '', file: '', dhcp: true, options: [],
  };
}

export const isReply = (r: DhcpRepr) => r.op === BootpOp.REPLY;
export const macText = (r: DhcpRepr) => formatMac(r.chaddr);
export const ip = formatIpv4;
