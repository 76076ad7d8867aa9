// ping (iputils): ICMP echo requests with a 16-byte timestamp and the 0x10, 0x11, … pattern,
// DF set, one per interval; prints what ping prints.
import { formatIpv4 } from '../../../src-shared/net/addr';
import { IpProtocol, parseIpv4 } from '../../../src-shared/net/wire/ipv4';
import type { IcmpParsed } from '../../../src-shared/net/wire/icmp';
import type { Ipv4Parsed } from '../../../src-shared/net/wire/ipv4';
import type { IpDevice } from '../stack/ip-device';
import { VIRTUAL_EPOCH_SECONDS, type Micros } from '../sim/time';

export interface PingOptions {
  to: string;
  count?: number;
  intervalMs?: number;
  ttl?: number;
  size?: number;
}

export interface PingResult {
  transmitted: number;
  received: number;
  errors: number;
  rtts: Micros[];
}

/** How long ping waits for the last reply (iputils' MAXWAIT). */
const LINGER = 10_000_000;

const UNREACH: Record<number, string> = { 0: 'Destination Net Unreachable', 1: 'Destination Host Unreachable', 2: 'Destination Protocol Unreachable', 3: 'Destination Port Unreachable', 4: 'Frag needed', 9: 'Destination Net Prohibited', 10: 'Destination Host Prohibited', 13: 'Packet filtered' };

export function startPing(dev: IpDevice, opts: PingOptions, onDone?: (r: PingResult) => void): void {
  const net = dev.net;
  const out = (text: string): void => net.print(dev.name, text);
  const dst = dev.resolveName(opts.to);
  if (dst === undefined) {
    out(`ping: ${opts.to}: Name or service not known`);
    onDone?.({ transmitted: 0, received: 0, errors: 0, rtts: [] });
    return;
  }
  const count = opts.count ?? 4;
  const interval = (opts.intervalMs ?? 1000) * 1000;
  const size = opts.size ?? 56;
  const identifier = net.rng.nextInt(0x10000);
  const sentAt = new Map<number, Micros>();
  const answered = new Set<number>();
  const result: PingResult = { transmitted: 0, received: 0, errors: 0, rtts: [] };
  const start = net.now;
  const name = opts.to === formatIpv4(dst) ? opts.to : `${opts.to} (${formatIpv4(dst)})`;
  out(`PING ${opts.to} (${formatIpv4(dst)}) ${size}(${size + 28}) bytes of data.`);
  let finished = false;
  let linger: ReturnType<typeof net.scheduler.after> | null = null;

  const listener = (icmp: IcmpParsed, ip: Ipv4Parsed): void => {
    if (icmp.kind === 'echoReply') {
      if (icmp.identifier !== identifier || ip.src !== dst) return;
      const t = sentAt.get(icmp.sequence);
      if (t === undefined || answered.has(icmp.sequence)) return;
      answered.add(icmp.sequence);
      const rtt = net.now - t;
      result.received++;
      result.rtts.push(rtt);
      out(`${icmp.data.length + 8} bytes from ${name}: icmp_seq=${icmp.sequence} ttl=${ip.ttl} time=${(rtt / 1000).toFixed(rtt < 10_000 ? 3 : 2)} ms`);
    } else if (icmp.kind === 'timeExceeded' || icmp.kind === 'destUnreachable') {
      const inner = parseIpv4(icmp.quote, 0, icmp.quote.length, { allowTruncated: true });
      if (!inner.ok || inner.repr.protocol !== IpProtocol.ICMP || inner.repr.dst !== dst) return;
      const o = inner.payloadOffset;
      if (icmp.quote.length < o + 8 || ((icmp.quote[o + 4] << 8) | icmp.quote[o + 5]) !== identifier) return;
      const seq = (icmp.quote[o + 6] << 8) | icmp.quote[o + 7];
      if (answered.has(seq)) return;
      answered.add(seq);
      result.errors++;
      const what = icmp.kind === 'timeExceeded' ? 'Time to live exceeded' : (UNREACH[icmp.code] ?? `Dest Unreachable, Bad Code: ${icmp.code}`);
      out(`From ${formatIpv4(ip.src)} icmp_seq=${seq} ${what}`);
    } else return;
    if (result.transmitted === count && answered.size === count) finish();
  };
  dev.icmpListeners.add(listener);

  const payload = (): Uint8Array => {
    const data = new Uint8Array(size);
    const view = new DataView(data.buffer);
    if (size >= 16) {
      const now = net.now;
      view.setBigUint64(0, BigInt(VIRTUAL_EPOCH_SECONDS + Math.floor(now / 1_000_000)), true);
      view.setBigUint64(8, BigInt(now % 1_000_000), true);
    }
    for (let i = size >= 16 ? 16 : 0; i < size; i++) data[i] = i & 0xff;
    return data;
  };

  const send = (seq: number): void => {
    if (finished) return;
    sentAt.set(seq, net.now);
    result.transmitted++;
    const err = dev.sendIcmp(dst, { kind: 'echoRequest', identifier, sequence: seq, data: payload() }, `ping ${opts.to} from ${dev.name}: echo request ${seq} of ${count}`, { ttl: opts.ttl ?? 64, dontFragment: true });
    if (err) {
      out(`ping: sendmsg: ${err}`);
      answered.add(seq);
      result.errors++;
    }
    if (seq < count) net.scheduler.after(interval, `ping ${dev.name}`, () => send(seq + 1));
    else if (answered.size === count) finish();
    else linger = net.scheduler.after(LINGER, `ping ${dev.name} wait`, finish);
  };

  function finish(): void {
    if (finished) return;
    finished = true;
    net.scheduler.cancel(linger);
    dev.icmpListeners.delete(listener);
    const lossPct = result.transmitted ? Math.round(((result.transmitted - result.received) * 100) / result.transmitted) : 0;
    out(`--- ${opts.to} ping statistics ---`);
    out(`${result.transmitted} packets transmitted, ${result.received} received,${result.errors ? ` +${result.errors} errors,` : ''} ${lossPct}% packet loss, time ${Math.round((net.now - start) / 1000)}ms`);
    if (result.rtts.length) {
      const ms = result.rtts.map((r) => r / 1000);
      const avg = ms.reduce((a, b) => a + b, 0) / ms.length;
      const mdev = Math.sqrt(ms.reduce((a, b) => a + (b - avg) ** 2, 0) / ms.length);
      out(`rtt min/avg/max/mdev = ${Math.min(...ms).toFixed(3)}/${avg.toFixed(3)}/${Math.max(...ms).toFixed(3)}/${mdev.toFixed(3)} ms`);
    }
    onDone?.(result);
  }

  send(1);
}
