// Wireshark 4.0's default colouring rules (/usr/share/wireshark/colorfilters), in order: the first
// rule that matches a frame colours its row. Rules naming protocols PacketLab does not dissect
// (HSRP, STP, OSPF, SCTP, SMB, DCERPC, routing protocols, systemd journal) can never match and are
// left out. `eth[0] & 1` (a slice of a protocol, which our filter language lacks) is tested on
// the frame's first byte directly.
import { lookupField } from '../../../src-shared/net/dissect';
import { compileFilter, type CompiledFilter } from '../../../src-shared/net/filter';

export interface ColorRule {
  name: string;
  filter: string;
  /** CSS colours converted from Wireshark's 16-bit RGB triples. */
  fg: string;
  bg: string;
  /** A test on the frame's bytes standing in for a filter our language cannot express. */
  bytes?: (data: Uint8Array) => boolean;
  /** Protocol that must be present for `bytes` to apply. */
  needs?: string;
}

function rgb16(r: number, g: number, b: number): string {
  const h = (v: number) => Math.round(v / 257).toString(16).padStart(2, '0');
  return `#${h(r)}${h(g)}${h(b)}`;
}

const DARK = rgb16(4718, 10030, 11796);

export const DEFAULT_COLOR_RULES: readonly ColorRule[] = [
  { name: 'Bad TCP', filter: 'tcp.analysis.flags && !tcp.analysis.window_update && !tcp.analysis.keep_alive && !tcp.analysis.keep_alive_ack', fg: DARK, bg: rgb16(63479, 34695, 34695) },
  { name: 'ICMP errors', filter: 'icmp.type in { 3..5, 11 } || icmpv6.type in { 1..4 }', fg: DARK, bg: rgb16(47031, 63479, 29812) },
  { name: 'ARP', filter: 'arp', fg: DARK, bg: rgb16(64250, 61680, 55255) },
  { name: 'ICMP', filter: 'icmp || icmpv6', fg: DARK, bg: rgb16(64764, 57568, 65535) },
  { name: 'TCP RST', filter: 'tcp.flags.reset eq 1', fg: rgb16(65535, 64764, 40092), bg: rgb16(42148, 0, 0) },
  {
    name: 'TTL low or unexpected',
    filter: '(ip.dst != 224.0.0.0/4 && ip.ttl < 5) || (ip.dst == 224.0.0.0/24 && ip.dst != 224.0.0.251 && ip.ttl != 1)',
    fg: rgb16(60652, 61680, 60395),
    bg: rgb16(42148, 0, 0),
  },
  { name: 'Checksum Errors', filter: 'ip.checksum.status == "Bad" || tcp.checksum.status == "Bad" || udp.checksum.status == "Bad"', fg: DARK, bg: rgb16(63479, 34695, 34695) },
  { name: 'HTTP', filter: 'http || tcp.port == 80', fg: DARK, bg: rgb16(58596, 65535, 51143) },
  { name: 'TCP SYN/FIN', filter: 'tcp.flags & 0x02 || tcp.flags.fin == 1', fg: DARK, bg: rgb16(41026, 41026, 41026) },
  { name: 'TCP', filter: 'tcp', fg: DARK, bg: rgb16(59345, 58980, 65535) },
  { name: 'UDP', filter: 'udp', fg: DARK, bg: rgb16(56026, 61166, 65535) },
  { name: 'Broadcast', filter: 'eth[0] & 1', needs: 'eth', bytes: (d) => d.length > 0 && (d[0] & 1) === 1, fg: rgb16(47802, 48573, 46774), bg: rgb16(65535, 65535, 65535) },
];

export interface CompiledColorRules {
  rules: readonly ColorRule[];
  filters: readonly CompiledFilter[];
  /** Every field the rules read: the first pass must collect them. */
  fields: ReadonlySet<string>;
}

/** Compiles the rules; a rule that does not compile is an error in this table (tested). */
export function compileColorRules(rules: readonly ColorRule[] = DEFAULT_COLOR_RULES): CompiledColorRules {
  const filters: CompiledFilter[] = [];
  const fields = new Set<string>();
  for (const rule of rules) {
    if (rule.bytes) {
      const test = rule.bytes;
      const needs = rule.needs;
      if (needs) fields.add(needs);
      filters.push({ fields: new Set(needs ? [needs] : []), matches: (f) => (!needs || f.values(needs).length > 0) && test((f as { data?: Uint8Array }).data ?? new Uint8Array(0)) });
      continue;
    }
    const r = compileFilter(rule.filter, lookupField);
    if (!r.ok) throw new Error(`colour rule "${rule.name}": ${r.error.message} at ${r.error.start}`);
    filters.push(r.filter);
    for (const f of r.filter.fields) fields.add(f);
  }
  return { rules, filters, fields };
}

/** Index of the first matching rule, or -1. */
export function colorOf(compiled: CompiledColorRules, frame: Parameters<CompiledFilter['matches']>[0]): number {
  for (let i = 0; i < compiled.filters.length; i++) if (compiled.filters[i].matches(frame)) return i;
  return -1;
}
