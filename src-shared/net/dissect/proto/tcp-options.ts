// TCP options as tshark 4.0 shows them: each option is an item of its own (an FT_PROTOCOL in
// packet-tcp.c, e.g. tcp.options.mss, tcp.options.sack_perm) holding its kind, length and values;
// `-T fields -e tcp.options.sack_perm` prints the option's bytes ("0402").
import type { FieldInfo } from '../types';
import { field } from '../registry';

const OPTION_ITEMS: Record<number, [string, string]> = {
  0: ['tcp.options.eol', 'End of Option List (EOL)'],
  1: ['tcp.options.nop', 'No-Operation (NOP)'],
  2: ['tcp.options.mss', 'Maximum segment size'],
  3: ['tcp.options.wscale', 'Window scale'],
  4: ['tcp.options.sack_perm', 'SACK permitted'],
  5: ['tcp.options.sack', 'SACK'],
  8: ['tcp.options.timestamp', 'Timestamps'],
  34: ['tcp.options.tfo', 'TCP Fast Open'],
};

// Typed as bytes (their value is the option's bytes, which is what -e prints and filters compare),
// not as layers: they are not in frame.protocols.
export const TCP_OPTION_FIELDS: FieldInfo[] = [
  ...Object.values(OPTION_ITEMS).map(([name, label]) => field(name, `TCP Option - ${label}`, 'bytes')),
  field('tcp.options.unknown', 'TCP Option - Unknown', 'bytes'),
];

/** The item name of an option kind (tcp.options.unknown for kinds tshark 4.0 does not name here). */
export function tcpOptionField(kind: number): string {
  return OPTION_ITEMS[kind]?.[0] ?? 'tcp.options.unknown';
}

/**
 * Bytes the option at b[o] takes within [o, end): 1 for a NOP, its length field otherwise; 0 at the
 * End of Option List or where the header ends (the walk stops), -1 for a bad length (malformed).
 */
export function optionSpan(b: Uint8Array, o: number, end: number): number {
  const kind = b[o];
  if (kind === 0) return 0;
  if (kind === 1) return 1;
  if (o + 1 >= end) return 0;
  const len = b[o + 1];
  return len < 2 || o + len > end ? -1 : len;
}
