// DNS over TCP on a device's TCP stack (RFC 1035 §4.2.2, RFC 7766): the client side runs the
// `tcp` queries of a service step (connect, one length-prefixed query, one reply, close — what
// BIND's resolver does after a truncated UDP answer), the server side answers every query on
// port 53 with an authoritative server and closes when the client does.
import { formatIpv4 } from '../../../../src-shared/net/addr';
import { DnsTcpReader, frameDnsTcp } from '../../../../src-shared/net/wire/dns';
import type { TcpConnection, TcpStack } from '../../stack/tcp-stack';
import type { OutboundTcpQuery, ServiceStep, TcpReply } from '../types';
import { DNS_PORT, DnsTcpConnection, type DnsAuthoritativeServer } from './authoritative';

/** Where a TCP query's outcome goes: the service's `tcpAnswer` (e.g. `DnsResolver.tcpAnswer`). */
export type DnsTcpDeliver = (token: number, reply: Uint8Array | undefined, failure?: string) => void;

export class DnsTcpClient {
  constructor(
    private readonly tcp: TcpStack,
    private readonly deliver: DnsTcpDeliver,
  ) {}

  /** Runs the step's TCP queries; returns the step so callers can chain (`runner.apply(client.take(step))`). */
  take<E>(step: ServiceStep<E>): ServiceStep<E> {
    for (const q of step.tcp ?? []) this.run(q);
    return step;
  }

  run(q: OutboundTcpQuery): void {
    const reader = new DnsTcpReader();
    let finished = false;
    const finish = (reply: Uint8Array | undefined, failure?: string) => {
      if (finished) return;
      finished = true;
      this.deliver(q.token, reply, failure);
    };
    const context = `DNS over TCP to ${formatIpv4(q.dst)}: ${q.cause}`;
    const c = this.tcp.connect(
      q.dst,
      q.dstPort,
      {
        onConnected: (conn) => conn.send(frameDnsTcp(q.payload)),
        onData: (conn, data) => {
          const messages = reader.push(data);
          if (!messages.length) return;
          conn.close(); // one query per connection: the client closes first, as BIND's resolver does
          finish(messages[0]);
        },
        onPeerClosed: (conn) => {
          conn.close();
          finish(undefined, 'the server closed the connection without an answer');
        },
        onClosed: (_conn, cause) => finish(undefined, cause),
      },
      {},
      context,
    );
    if (typeof c === 'string') finish(undefined, c);
  }
}

/**
 * A resolver's TCP port 53 (RFC 7766 §6.2.1: any number of queries per connection): each query goes
 * to `ask` with the connection's token; `reply` writes an answer (a `TcpReply` of the resolver's
 * step) to its connection if the client has not gone.
 */
export class DnsTcpResolverServer {
  private readonly connections = new Map<number, TcpConnection>();
  private nextToken = 1;

  constructor(
    tcp: TcpStack,
    name: string,
    ask: (connection: number, from: { src: number; srcPort: number; dst: number; dstPort: number }, message: Uint8Array) => void,
  ) {
    tcp.listen(DNS_PORT, (c: TcpConnection) => {
      const token = this.nextToken++;
      this.connections.set(token, c);
      c.context = `DNS over TCP (${name})`;
      const reader = new DnsTcpReader();
      return {
        onData: (conn, data) => {
          const messages = reader.push(data);
          const r = conn.socket.remote;
          const l = conn.socket.local;
          const from = { src: typeof r?.addr === 'number' ? r.addr : 0, srcPort: r?.port ?? 0, dst: typeof l?.addr === 'number' ? l.addr : 0, dstPort: DNS_PORT };
          for (const message of messages) ask(token, from, message);
        },
        onPeerClosed: (conn) => conn.close(),
        onClosed: () => this.connections.delete(token),
      };
    });
  }

  reply(r: TcpReply, prefix: string): void {
    const conn = this.connections.get(r.connection);
    if (!conn) return;
    // The stack prefixes the device name; the resolver's cause starts with its own name.
    conn.context = r.cause.startsWith(prefix) ? r.cause.slice(prefix.length) : r.cause;
    conn.send(frameDnsTcp(r.payload));
  }
}

/** Answers DNS queries over TCP on port 53 with `server` (any number per connection, RFC 7766 §6.2.1). */
export function serveDnsOverTcp(tcp: TcpStack, server: DnsAuthoritativeServer): void {
  tcp.listen(DNS_PORT, (c: TcpConnection) => {
    const dns = new DnsTcpConnection(server);
    const prefix = `${server.config.name}: `;
    c.context = `DNS over TCP (${server.config.name})`;
    return {
      onData: (conn, data) => {
        for (const reply of dns.push(data)) {
          // The stack prefixes the device name; the server's cause starts with its own name.
          conn.context = reply.cause.startsWith(prefix) ? reply.cause.slice(prefix.length) : reply.cause;
          conn.send(reply.bytes);
        }
      },
      onPeerClosed: (conn) => conn.close(),
    };
  });
}
