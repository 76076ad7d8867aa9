// Types shared by the sans-IO application services (DNS, DHCP). A service owns no timers and no
// sockets: the engine hands it datagrams and the current virtual time, and it answers with the
// datagrams to send (each with a human-readable cause), events for its host, and when it next
// wants to be polled.
import type { Ipv4Address, MacAddress } from '../../../src-shared/net/addr';

/** Virtual time in integer microseconds (the engine's clock). */
export type Micros = number;

export const SECOND: Micros = 1_000_000;

/** The part of the engine's seeded PRNG the services use (`sim/rng.ts`'s `Rng` fits). */
export interface ServiceRng {
  nextU32(): number;
  /** Uniform integer in [0, n). */
  nextInt(n: number): number;
}

/** A UDP datagram delivered to a service. */
export interface InboundDatagram {
  src: Ipv4Address;
  srcPort: number;
  dst: Ipv4Address;
  dstPort: number;
  payload: Uint8Array;
}

/** A UDP datagram a service wants sent. */
export interface OutboundDatagram {
  /** Source address; undefined = the host picks (its interface address, or 0.0.0.0 if it has none). */
  src?: Ipv4Address;
  srcPort: number;
  dst: Ipv4Address;
  dstPort: number;
  payload: Uint8Array;
  /**
   * Link-layer hint: deliver to this MAC without ARP (a DHCP reply unicast to an address the client
   * does not have yet, RFC 2131 §4.1). Absent = normal IP delivery (broadcast for 255.255.255.255).
   */
  linkDst?: MacAddress;
  /** Interface to send on (a relay's client side, a DHCP server with several interfaces). */
  iface?: string;
  /** Why this datagram exists, for the packet list ("cache miss for www.example.com A — …"). */
  cause: string;
}

/**
 * A DNS query a service wants sent over TCP (RFC 7766), after a truncated UDP answer: the engine
 * connects to `dst:dstPort`, sends the message with its 2-byte length prefix, reads one reply,
 * closes, and hands the reply (or the failure) back with `token` (`DnsResolver.tcpAnswer`).
 * `services/dns/tcp-transport.ts` does this on a device's TcpStack.
 */
export interface OutboundTcpQuery {
  token: number;
  src?: Ipv4Address;
  dst: Ipv4Address;
  dstPort: number;
  /** One DNS message, without the length prefix. */
  payload: Uint8Array;
  cause: string;
}

/** A DNS answer for the client on TCP connection `connection` (without the length prefix). */
export interface TcpReply {
  connection: number;
  payload: Uint8Array;
  cause: string;
}

/** What a call into a service produced. */
export interface ServiceStep<E = never> {
  sends: OutboundDatagram[];
  events: E[];
  /** Absolute virtual time of the next `poll` the service needs, or undefined for none. */
  nextPoll: Micros | undefined;
  /** DNS queries to send over TCP (the resolver and the stub ask for these); absent = none. */
  tcp?: OutboundTcpQuery[];
  /** Answers to clients' DNS queries over TCP (a resolver's TCP port 53); absent = none. */
  tcpReplies?: TcpReply[];
}
