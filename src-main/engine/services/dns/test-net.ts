// Test helper: a tiny in-memory UDP network on virtual time for the DNS services (no engine).
// Every datagram takes `latency` µs; nodes are addressed by IPv4 address; a node that is `down`
// swallows what it receives. The log keeps every datagram delivered, in order.
import { formatIpv4, type Ipv4Address } from '../../../../src-shared/net/addr';
import { parseDns, typeName, type DnsMessage } from '../../../../src-shared/net/wire/dns';
import { readFileSync } from 'node:fs';
import { parseZone, ZoneIndex } from '../../../../src-shared/lab/tables/zone';
import type { InboundDatagram, Micros, OutboundDatagram, ServiceStep } from '../types';

export interface NetNode {
  receive(now: Micros, d: InboundDatagram): ServiceStep<unknown>;
  poll?(now: Micros): ServiceStep<unknown>;
}

export interface Delivered {
  at: Micros;
  from: Ipv4Address;
  to: Ipv4Address;
  send: OutboundDatagram;
  message: DnsMessage | undefined;
}

export class TestNet {
  now: Micros = 0;
  readonly log: Delivered[] = [];
  readonly events: unknown[] = [];
  readonly down = new Set<Ipv4Address>();
  private readonly nodes = new Map<Ipv4Address, NetNode>();
  private readonly pollAt = new Map<Ipv4Address, Micros>();
  private queue: { at: Micros; seq: number; from: Ipv4Address; send: OutboundDatagram }[] = [];
  private seq = 0;

  constructor(readonly latency: Micros = 5_000) {}

  add(address: Ipv4Address, node: NetNode): void {
    this.nodes.set(address, node);
  }

  /** Queues what a node's call produced. */
  apply(from: Ipv4Address, step: ServiceStep<unknown>): void {
    for (const s of step.sends) this.queue.push({ at: this.now + this.latency, seq: this.seq++, from: s.src ?? from, send: s });
    this.events.push(...step.events);
    if (step.nextPoll !== undefined) this.pollAt.set(from, step.nextPoll);
    else this.pollAt.delete(from);
  }

  /** Runs until nothing is queued and no poll is due before `until`. */
  run(until: Micros = Number.MAX_SAFE_INTEGER): void {
    for (let guard = 0; guard < 10000; guard++) {
      this.queue.sort((a, b) => a.at - b.at || a.seq - b.seq);
      const next = this.queue[0];
      let pollNode: Ipv4Address | undefined;
      let pollTime = Number.MAX_SAFE_INTEGER;
      for (const [a, t] of this.pollAt) {
        if (t >= pollTime) continue;
        pollTime = t;
        pollNode = a;
      }
      if (next && next.at <= pollTime && next.at <= until) {
        this.queue.shift();
        this.now = next.at;
        const to = next.send.dst;
        const parsed = parseDns(next.send.payload);
        this.log.push({ at: this.now, from: next.from, to, send: next.send, message: parsed.ok ? parsed.value.message : undefined });
        const node = this.nodes.get(to);
        if (!node || this.down.has(to)) continue;
        this.apply(to, node.receive(this.now, { src: next.from, srcPort: next.send.srcPort, dst: to, dstPort: next.send.dstPort, payload: next.send.payload }));
      } else if (pollNode !== undefined && pollTime <= until) {
        this.now = Math.max(this.now, pollTime);
        this.pollAt.delete(pollNode);
        const node = this.nodes.get(pollNode)!;
        if (node.poll) this.apply(pollNode, node.poll(this.now));
      } else {
        if (until !== Number.MAX_SAFE_INTEGER) this.now = Math.max(this.now, until);
        return;
      }
    }
    throw new Error('test network: event guard reached');
  }

  /** "A www.example.com → 198.41.0.4" lines for the queries (qr = 0) sent since `from`. */
  queries(from = 0, sender?: Ipv4Address): string[] {
    return this.log
      .slice(from)
      .filter((l) => l.message && !l.message.qr && (sender === undefined || l.from === sender))
      .map((l) => `${typeName(l.message!.questions[0].type)} ${l.message!.questions[0].name} → ${formatIpv4(l.to)}`);
  }
}

export const fixture = (f: string) => new URL(`./fixtures/${f}`, import.meta.url);

export function loadZone(file: string, origin: string): ZoneIndex {
  const r = parseZone(readFileSync(fixture(file), 'utf8'), origin);
  if (!r.ok) throw new Error(`${file}: ${JSON.stringify(r.errors)}`);
  return new ZoneIndex(r.value);
}
