// A DHCP relay agent for routers (RFC 1542 §4, RFC 2131 §4.1), sans-IO. A client's broadcast to port
// 67 on a LAN interface goes on to each configured server as unicast, with giaddr set to that
// interface's address (if no relay set it before) and hops + 1; a server's reply to our giaddr goes
// back out of that interface: broadcast if the client set the broadcast flag (or for a NAK), else
// unicast to yiaddr at chaddr without ARP.
import { formatMac, type Ipv4Address } from '../../../../src-shared/net/addr';
import { BootpOp, DhcpMessageType, dhcpMessageTypeName, dhcpMessageTypeOf, emitDhcp, parseDhcp } from '../../../../src-shared/net/wire/dhcp';
import type { InboundDatagram, Micros, ServiceStep } from '../types';
import { BROADCAST, DHCP_CLIENT_PORT, DHCP_SERVER_PORT, ip } from './common';

export interface RelayInterface {
  name: string;
  address: Ipv4Address;
}

export interface DhcpRelayConfig {
  name: string;
  /** Interfaces the relay listens on for clients. */
  interfaces: RelayInterface[];
  servers: Ipv4Address[];
  /** Requests that already crossed this many relays are dropped (RFC 1542 §4.1.1 suggests 4). */
  maxHops?: number;
}

export type DhcpRelayEvent = { kind: 'dropped'; cause: string };

export class DhcpRelayAgent {
  private relayed = 0;
  private returned = 0;

  constructor(readonly config: DhcpRelayConfig) {}

  /**
   * A datagram to port 67 that arrived on `iface`: a client's request (op 1) is relayed to the
   * servers; a server's reply (op 2) to one of our addresses goes back to the client.
   */
  receive(_now: Micros, d: InboundDatagram, iface: string): ServiceStep<DhcpRelayEvent> {
    const out: ServiceStep<DhcpRelayEvent> = { sends: [], events: [], nextPoll: undefined };
    const p = parseDhcp(d.payload);
    if (!p.ok) return out;
    const m = p.value.repr;
    const type = dhcpMessageTypeName(dhcpMessageTypeOf(m) ?? 0);
    if (m.op === BootpOp.REQUEST) {
      const itf = this.config.interfaces.find((i) => i.name === iface);
      if (!itf) return out;
      if (m.hops >= (this.config.maxHops ?? 4)) {
        out.events.push({ kind: 'dropped', cause: `${this.config.name}: ${type} from ${formatMac(m.chaddr)} dropped: ${m.hops} hops already` });
        return out;
      }
      const giaddr = m.giaddr !== 0 ? m.giaddr : itf.address;
      const payload = emitDhcp({ ...m, hops: m.hops + 1, giaddr });
      for (const server of this.config.servers) {
        this.relayed++;
        out.sends.push({
          src: itf.address, srcPort: DHCP_SERVER_PORT, dst: server, dstPort: DHCP_SERVER_PORT, payload,
          cause: `${this.config.name}: relaying ${type} from ${formatMac(m.chaddr)} on ${iface} to ${ip(server)} (giaddr ${ip(giaddr)}, hops ${m.hops + 1})`,
        });
      }
      return out;
    }
    if (m.op === BootpOp.REPLY) {
      const itf = this.config.interfaces.find((i) => i.address === m.giaddr);
      if (!itf) {
        out.events.push({ kind: 'dropped', cause: `${this.config.name}: ${type} for giaddr ${ip(m.giaddr)}, not one of our interfaces` });
        return out;
      }
      this.returned++;
      const nak = dhcpMessageTypeOf(m) === DhcpMessageType.NAK;
      const base = { src: itf.address, srcPort: DHCP_SERVER_PORT, dstPort: DHCP_CLIENT_PORT, payload: d.payload, iface: itf.name };
      if (m.broadcast || nak || m.yiaddr === 0) {
        out.sends.push({ ...base, dst: m.ciaddr !== 0 && !nak ? m.ciaddr : BROADCAST, cause: `${this.config.name}: ${type} from ${ip(d.src)} to ${formatMac(m.chaddr)} on ${itf.name} (${m.ciaddr !== 0 && !nak ? 'unicast to ciaddr' : 'broadcast'})` });
      } else {
        out.sends.push({ ...base, dst: m.yiaddr, linkDst: m.chaddr.slice(0, 6), cause: `${this.config.name}: ${type} from ${ip(d.src)} to ${formatMac(m.chaddr)} on ${itf.name} (unicast to ${ip(m.yiaddr)})` });
      }
    }
    return out;
  }

  snapshot(): { name: string; servers: string[]; interfaces: { name: string; address: string }[]; relayed: number; returned: number } {
    return {
      name: this.config.name, servers: this.config.servers.map(ip), interfaces: this.config.interfaces.map((i) => ({ name: i.name, address: ip(i.address) })),
      relayed: this.relayed, returned: this.returned,
    };
  }
}
