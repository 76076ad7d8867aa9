// Device tables as text, in the formats of the tools people know: `ip neigh`, `bridge fdb`,
// `ip route`, `conntrack -L`.
import { formatIpv4 } from '../../../src-shared/net/addr';
import { formatRoute } from '../../../src-shared/lab/tables';
import { formatTime, type Micros } from '../sim/time';
import type { ArpRow, DeviceState, MacRow, NatRow, RouteRow } from './state-log';

export function formatArpRows(rows: readonly ArpRow[]): string {
  return rows
    .map((r) => `${formatIpv4(r.address)} dev ${r.dev}${r.mac ? ` lladdr ${r.mac}` : ''} ${r.state}\n`)
    .join('');
}

export function formatMacRows(rows: readonly MacRow[], now: Micros): string {
  return rows.map((r) => `${r.mac} dev ${r.port} ageing ${formatTime(Math.max(0, r.expires - now)).replace(/\.?0+$/, '')}s\n`).join('');
}

export function formatRouteRows(rows: readonly RouteRow[]): string {
  return rows.map((r) => formatRoute(r) + '\n').join('');
}

export function formatNatRows(rows: readonly NatRow[], now: Micros): string {
  const num = { icmp: 1, udp: 17, tcp: 6 };
  return rows
    .map((r) => {
      const ttl = Math.max(0, Math.ceil((r.expires - now) / 1_000_000));
      const orig = `src=${formatIpv4(r.insideAddress)} dst=${formatIpv4(r.remoteAddress)}`;
      const reply = `src=${formatIpv4(r.remoteAddress)} dst=${formatIpv4(r.outsideAddress)}`;
      if (r.protocol === 'icmp') return `icmp 1 ${ttl} ${orig} type=8 code=0 id=${r.insidePort} ${reply} type=0 code=0 id=${r.outsidePort}\n`;
      return `${r.protocol} ${num[r.protocol]} ${ttl} ${orig} sport=${r.insidePort} dport=${r.remotePort} ${reply} sport=${r.remotePort} dport=${r.outsidePort}\n`;
    })
    .join('');
}

/** All tables of a device state, with headings. */
export function formatDeviceState(s: DeviceState): string {
  const parts: string[] = [];
  if (s.routes.length) parts.push('# ip route\n' + formatRouteRows(s.routes));
  if (s.arp.length) parts.push('# ip neigh\n' + formatArpRows(s.arp));
  if (s.mac.length) parts.push('# bridge fdb\n' + formatMacRows(s.mac, s.time));
  if (s.nat.length) parts.push('# conntrack -L\n' + formatNatRows(s.nat, s.time));
  return parts.join('\n');
}
