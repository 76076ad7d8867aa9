// traceroute (Linux, UDP method): probes to ports 33434, 33435, … with 32 bytes of 0x40.. data and
// TTL 1, 2, …; three probes per hop; each from a fresh source port. Probes are sent one at a time
// (as `traceroute -N 1`), each waiting for its answer or the timeout. Prints `traceroute -n` output.
import { formatIpv4 } from '../../../src-shared/net/addr';
import { IpProtocol, parseIpv4 } from '../../../src-shared/net/wire/ipv4';
import type { IcmpParsed } from '../../../src-shared/net/wire/icmp';
import type { Ipv4Parsed } from '../../../src-shared/net/wire/ipv4';
import type { IpDevice } from '../stack/ip-device';
import type { ScheduledEvent } from '../sim/scheduler';

export interface TracerouteOptions {
  to: string;
  maxHops?: number;
  probes?: number;
  waitMs?: number;
  port?: number;
}

export interface TracerouteHop {
  ttl: number;
  /** One per probe: responder and RTT in µs, or null for a timeout. */
  probes: ({ from: number; rtt: number; note: string } | null)[];
}

const NOTES: Record<number, string> = { 0: '!N', 1: '!H', 2: '!P', 4: '!F', 9: '!X', 10: '!X', 13: '!X' };

export function startTraceroute(dev: IpDevice, opts: TracerouteOptions, onDone?: (hops: TracerouteHop[]) => void): void {
  const net = dev.net;
  const out = (text: string): void => net.print(dev.name, text);
  const resolved = dev.resolveName(opts.to);
  if (resolved === undefined) {
    out(`${opts.to}: Name or service not known`);
    onDone?.([]);
    return;
  }
  const dst: number = resolved;
  const maxHops = opts.maxHops ?? 30;
  const perHop = opts.probes ?? 3;
  const wait = (opts.waitMs ?? 3000) * 1000;
  const basePort = opts.port ?? 33434;
  const data = new Uint8Array(32);
  for (let i = 0; i < data.length; i++) data[i] = 0x40 + i;
  out(`traceroute to ${opts.to} (${formatIpv4(dst)}), ${maxHops} hops max, 60 byte packets`);

  const hops: TracerouteHop[] = [];
  let ttl = 1;
  let probe = 0;
  let seq = 0;
  let current: { sport: number; dport: number; sentAt: number; timer: ScheduledEvent } | null = null;
  let hop: TracerouteHop = { ttl, probes: [] };
  let reached = false;

  const listener = (icmp: IcmpParsed, ip: Ipv4Parsed): void => {
    if (!current || (icmp.kind !== 'timeExceeded' && icmp.kind !== 'destUnreachable')) return;
    const inner = parseIpv4(icmp.quote, 0, icmp.quote.length, { allowTruncated: true });
    if (!inner.ok || inner.repr.protocol !== IpProtocol.UDP || inner.repr.dst !== dst) return;
    const o = inner.payloadOffset;
    if (icmp.quote.length < o + 4) return;
    const sport = (icmp.quote[o] << 8) | icmp.quote[o + 1];
    const dport = (icmp.quote[o + 2] << 8) | icmp.quote[o + 3];
    if (sport !== current.sport || dport !== current.dport) return;
    net.scheduler.cancel(current.timer);
    let note = '';
    if (icmp.kind === 'destUnreachable') {
      reached = true;
      if (icmp.code !== 3) note = NOTES[icmp.code] ?? `!<${icmp.code}>`;
    }
    hop.probes.push({ from: ip.src, rtt: net.now - current.sentAt, note });
    current = null;
    next();
  };
  dev.icmpListeners.add(listener);

  function printHop(): void {
    let line = `${String(hop.ttl).padStart(2)} `;
    let last: number | null = null;
    for (const p of hop.probes) {
      if (!p) {
        line += ' *';
        continue;
      }
      if (p.from !== last) line += ` ${formatIpv4(p.from)}`;
      last = p.from;
      line += `  ${(p.rtt / 1000).toFixed(3)} ms${p.note ? ` ${p.note}` : ''}`;
    }
    out(line);
  }

  function next(): void {
    if (probe === perHop) {
      printHop();
      hops.push(hop);
      if (reached || ttl >= maxHops) return done();
      ttl++;
      probe = 0;
      hop = { ttl, probes: [] };
    }
    probe++;
    const sport = 32768 + net.rng.nextInt(61000 - 32768);
    const dport = (basePort + seq++) & 0xffff;
    const sentAt = net.now;
    const err = dev.sendUdp(dst, sport, dport, data, `traceroute ${opts.to} from ${dev.name}: probe ${probe} of hop ${ttl} (TTL ${ttl})`, { ttl });
    if (err) {
      out(`send failed: ${err}`);
      return done();
    }
    current = {
      sport,
      dport,
      sentAt,
      timer: net.scheduler.after(wait, `traceroute ${dev.name} timeout`, () => {
        current = null;
        hop.probes.push(null);
        next();
      }),
    };
  }

  function done(): void {
    dev.icmpListeners.delete(listener);
    onDone?.(hops);
  }

  next();
}
