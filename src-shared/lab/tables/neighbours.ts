// Static ARP entries in `ip neigh` syntax. Keywords may come in any order, as `ip neigh add` allows:
//   192.0.2.1 lladdr 02:00:00:00:00:01 dev eth0 PERMANENT
//   192.0.2.1 dev eth0 lladdr 02:00:00:00:00:01 REACHABLE        (what `ip neigh show` prints)
import { formatIpv4, formatMac, parseIpv4, parseMac, type Ipv4Address, type MacAddress } from '../../net/addr';
import { Cursor, LineError, errorAt, parseTable, type TableResult, type Token } from './tokens';

export type NeighbourState = 'PERMANENT' | 'REACHABLE' | 'STALE' | 'DELAY' | 'PROBE' | 'FAILED' | 'INCOMPLETE' | 'NOARP';

export interface NeighbourEntry {
  address: Ipv4Address;
  /** Absent for INCOMPLETE and FAILED entries. */
  lladdr?: MacAddress;
  dev: string;
  state: NeighbourState;
}

const STATES: readonly string[] = ['PERMANENT', 'REACHABLE', 'STALE', 'DELAY', 'PROBE', 'FAILED', 'INCOMPLETE', 'NOARP'];

export function parseNeighbours(text: string): TableResult<NeighbourEntry> {
  return parseTable(text, parseNeighbourLine);
}

function parseNeighbourLine(tokens: Token[]): NeighbourEntry {
  const c = new Cursor(tokens);
  const first = c.next()!;
  const a = parseIpv4(first.text);
  if (!a.ok) throw errorAt(first, `bad address '${first.text}': ${a.error.message}`, a.error.offset);
  let lladdr: MacAddress | undefined;
  let dev: string | undefined;
  let state: NeighbourState | undefined;
  while (!c.done) {
    const kw = c.next()!;
    if (kw.text === 'lladdr') {
      const t = c.valueFor(kw, 'a MAC address');
      const m = parseMac(t.text);
      if (!m.ok) throw errorAt(t, `bad MAC address '${t.text}': ${m.error.message}`, Math.min(m.error.offset, t.text.length));
      lladdr = m.value;
    } else if (kw.text === 'dev') {
      dev = c.valueFor(kw, 'an interface name').text;
    } else if (kw.text === 'nud') {
      state = stateOf(c.valueFor(kw, 'a state'));
    } else if (STATES.includes(kw.text.toUpperCase())) {
      state = stateOf(kw);
    } else {
      throw errorAt(kw, `unknown keyword '${kw.text}' (expected lladdr, dev or a state such as PERMANENT)`);
    }
  }
  const end = c.lastEnd();
  if (dev === undefined) throw new LineError("an entry needs 'dev INTERFACE'", end.line, end.col);
  state ??= 'PERMANENT';
  if (lladdr === undefined && state !== 'INCOMPLETE' && state !== 'FAILED') {
    throw new LineError("an entry needs 'lladdr MAC' (only INCOMPLETE and FAILED entries have none)", end.line, end.col);
  }
  return lladdr ? { address: a.value, lladdr, dev, state } : { address: a.value, dev, state };
}

function stateOf(t: Token): NeighbourState {
  const s = t.text.toUpperCase();
  if (!STATES.includes(s)) throw errorAt(t, `unknown state '${t.text}' (expected one of ${STATES.join(', ')})`);
  return s as NeighbourState;
}

/** One entry as `ip neigh show` prints it. */
export function formatNeighbour(n: NeighbourEntry): string {
  return `${formatIpv4(n.address)} dev ${n.dev}${n.lladdr ? ` lladdr ${formatMac(n.lladdr)}` : ''} ${n.state}`;
}

export function formatNeighbours(entries: readonly NeighbourEntry[]): string {
  return entries.map((n) => formatNeighbour(n) + '\n').join('');
}
