// UDP echo (RFC 862): a server on port 7 that returns every datagram, and a client that sends a
// few messages and prints the replies.
import { formatIpv4 } from '../../../src-shared/net/addr';
import type { IpDevice } from '../stack/ip-device';

export const ECHO_PORT = 7;
const REPLY_WAIT = 2_000_000;

export function startUdpEchoServer(dev: IpDevice, port = ECHO_PORT): void {
  dev.udp.set(port, (d) => {
    dev.sendUdp(d.src, d.dstPort, d.srcPort, d.payload.slice(), `${dev.name} echoes ${d.payload.length} bytes back to ${formatIpv4(d.src)}:${d.srcPort}`, { src: d.dst });
  });
}

export interface UdpEchoOptions {
  to: string;
  port?: number;
  message?: string;
  count?: number;
  intervalMs?: number;
}

export function startUdpEchoClient(dev: IpDevice, opts: UdpEchoOptions, onDone?: (replies: string[]) => void): void {
  const net = dev.net;
  const out = (text: string): void => net.print(dev.name, text);
  const dst = dev.resolveName(opts.to);
  if (dst === undefined) {
    out(`udp-echo: ${opts.to}: Name or service not known`);
    onDone?.([]);
    return;
  }
  const port = opts.port ?? ECHO_PORT;
  const count = opts.count ?? 1;
  const interval = (opts.intervalMs ?? 1000) * 1000;
  const message = new TextEncoder().encode(opts.message ?? 'hello');
  let sport = 32768 + net.rng.nextInt(61000 - 32768);
  while (dev.udp.has(sport)) sport++;
  const replies: string[] = [];
  dev.udp.set(sport, (d) => {
    const text = new TextDecoder().decode(d.payload);
    replies.push(text);
    out(`reply from ${formatIpv4(d.src)}:${d.srcPort}: ${JSON.stringify(text)}`);
  });
  const send = (n: number): void => {
    out(`sending ${message.length} bytes to ${formatIpv4(dst)}:${port}`);
    const err = dev.sendUdp(dst, sport, port, message, `udp-echo from ${dev.name}: message ${n} of ${count} to ${formatIpv4(dst)}:${port}`);
    if (err) out(`udp-echo: sendto: ${err}`);
    if (n < count) net.scheduler.after(interval, `udp-echo ${dev.name}`, () => send(n + 1));
    else
      net.scheduler.after(REPLY_WAIT, `udp-echo ${dev.name} wait`, () => {
        dev.udp.delete(sport);
        out(`${count} sent, ${replies.length} replies`);
        onDone?.(replies);
      });
  };
  send(1);
}
