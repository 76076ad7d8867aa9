// /etc/hosts: `ADDRESS NAME [ALIAS...]`, `#` comments. IPv4 addresses are checked strictly; IPv6
// lines (`::1 localhost`) are kept as written so real hosts files paste in unchanged.
import { formatIpv4, parseIpv4, type Ipv4Address } from '../../net/addr';
import { errorAt, parseTable, type TableResult, type Token } from './tokens';

export interface HostsEntry {
  /** Text of the address as written (normalised for IPv4). */
  address: string;
  /** Set for IPv4 lines. */
  ipv4?: Ipv4Address;
  names: string[];
}

const LABEL = /^(?!-)[A-Za-z0-9_-]{1,63}(?<!-)$/;

export function parseHosts(text: string): TableResult<HostsEntry> {
  return parseTable(text, parseHostsLine);
}

function parseHostsLine(tokens: Token[]): HostsEntry {
  const [first, ...rest] = tokens;
  let entry: HostsEntry;
  if (first.text.includes(':')) {
    if (!/^[0-9A-Fa-f:.]+$/.test(first.text)) throw errorAt(first, `bad IPv6 address '${first.text}'`);
    entry = { address: first.text.toLowerCase(), names: [] };
  } else {
    const a = parseIpv4(first.text);
    if (!a.ok) throw errorAt(first, `bad address '${first.text}': ${a.error.message}`, a.error.offset);
    entry = { address: formatIpv4(a.value), ipv4: a.value, names: [] };
  }
  if (rest.length === 0) throw errorAt(first, `'${first.text}' needs at least one host name after it`, first.text.length);
  for (const t of rest) {
    const name = t.text.endsWith('.') ? t.text.slice(0, -1) : t.text;
    if (name.length > 253) throw errorAt(t, 'host name longer than 253 characters');
    let col = 0;
    for (const label of name.split('.')) {
      if (!LABEL.test(label)) throw errorAt(t, `bad host name '${t.text}': label '${label}' must be 1–63 letters, digits or '-', not starting or ending with '-'`, col);
      col += label.length + 1;
    }
    entry.names.push(t.text);
  }
  return entry;
}

export function formatHosts(entries: readonly HostsEntry[]): string {
  return entries.map((e) => `${e.address}\t${e.names.join(' ')}\n`).join('');
}

/** First IPv4 address for `name` (case-insensitive, as the resolver compares). */
export function lookupHosts(entries: readonly HostsEntry[], name: string): Ipv4Address | undefined {
  const wanted = name.toLowerCase().replace(/\.$/, '');
  for (const e of entries) {
    if (e.ipv4 === undefined) continue;
    if (e.names.some((n) => n.toLowerCase().replace(/\.$/, '') === wanted)) return e.ipv4;
  }
  return undefined;
}
