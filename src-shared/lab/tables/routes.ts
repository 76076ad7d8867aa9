// Routing tables in iproute2 syntax (what `ip route` prints and `ip route add` accepts):
//   default via 192.0.2.1 dev eth0
//   198.51.100.0/24 via 192.0.2.254 dev eth1 metric 10
//   192.0.2.0/24 dev eth0 proto kernel scope link src 192.0.2.10
//   blackhole 203.0.113.0/24      unreachable 10.0.0.0/8      prohibit 10.1.0.0/16
import { formatIpv4, parseIpv4, parseIpv4Cidr, prefixToMask, type Ipv4Address } from '../../net/addr';
import { Cursor, LineError, errorAt, parseTable, type TableResult, type Token } from './tokens';

export type RouteType = 'unicast' | 'blackhole' | 'unreachable' | 'prohibit';
export type RouteProto = 'kernel' | 'static' | 'boot' | 'linkstate' | 'dhcp' | 'redirect';
export type RouteScope = 'global' | 'link' | 'host';

export interface RouteEntry {
  type: RouteType;
  /** Network address (host bits cleared). */
  dst: Ipv4Address;
  prefixLength: number;
  via?: Ipv4Address;
  dev?: string;
  proto?: RouteProto;
  scope?: RouteScope;
  src?: Ipv4Address;
  metric?: number;
}

const TYPES: readonly string[] = ['unicast', 'blackhole', 'unreachable', 'prohibit'];
const PROTOS: readonly string[] = ['kernel', 'static', 'boot', 'linkstate', 'dhcp', 'redirect'];
const SCOPES: readonly string[] = ['global', 'link', 'host'];

export function parseRoutes(text: string): TableResult<RouteEntry> {
  return parseTable(text, parseRouteLine);
}

function parseAddress(t: Token, what: string): Ipv4Address {
  const r = parseIpv4(t.text);
  if (!r.ok) throw errorAt(t, `bad ${what} '${t.text}': ${r.error.message}`, r.error.offset);
  return r.value;
}

function parseRouteLine(tokens: Token[]): RouteEntry {
  const c = new Cursor(tokens);
  let first = c.next()!;
  let type: RouteType = 'unicast';
  if (TYPES.includes(first.text)) {
    type = first.text as RouteType;
    const dst = c.next();
    if (!dst) throw errorAt(first, `'${first.text}' needs a destination prefix after it`, first.text.length);
    first = dst;
  }
  let dst = 0;
  let prefixLength = 0;
  if (first.text !== 'default' && first.text !== '0/0') {
    const r = parseIpv4Cidr(first.text, 32);
    if (!r.ok) throw errorAt(first, `bad destination '${first.text}': ${r.error.message} (expected a prefix such as 198.51.100.0/24 or 'default')`, r.error.offset);
    prefixLength = r.value.prefixLength;
    dst = (r.value.address & prefixToMask(prefixLength)) >>> 0;
    if (dst !== r.value.address) throw errorAt(first, `destination ${first.text} has host bits set; did you mean ${formatIpv4(dst)}/${prefixLength}?`);
  }
  const route: RouteEntry = { type, dst, prefixLength };
  const seen = new Set<string>();
  while (!c.done) {
    const kw = c.next()!;
    if (seen.has(kw.text)) throw errorAt(kw, `'${kw.text}' given twice`);
    seen.add(kw.text);
    switch (kw.text) {
      case 'via':
        route.via = parseAddress(c.valueFor(kw, 'a gateway address'), 'gateway');
        break;
      case 'dev':
        route.dev = c.valueFor(kw, 'an interface name').text;
        break;
      case 'src':
        route.src = parseAddress(c.valueFor(kw, 'a source address'), 'source address');
        break;
      case 'metric':
      case 'preference':
      case 'priority': {
        const t = c.valueFor(kw, 'a number');
        if (!/^\d{1,10}$/.test(t.text) || Number(t.text) > 0xffffffff) throw errorAt(t, `bad metric '${t.text}': expected an integer 0..4294967295`);
        route.metric = Number(t.text);
        break;
      }
      case 'proto': {
        const t = c.valueFor(kw, 'a protocol name');
        if (!PROTOS.includes(t.text)) throw errorAt(t, `unknown proto '${t.text}' (expected one of ${PROTOS.join(', ')})`);
        route.proto = t.text as RouteProto;
        break;
      }
      case 'scope': {
        const t = c.valueFor(kw, 'a scope');
        if (!SCOPES.includes(t.text)) throw errorAt(t, `unknown scope '${t.text}' (expected one of ${SCOPES.join(', ')})`);
        route.scope = t.text as RouteScope;
        break;
      }
      default:
        throw errorAt(kw, `unknown keyword '${kw.text}' (expected via, dev, src, metric, proto or scope)`);
    }
  }
  if (type === 'unicast' && route.via === undefined && route.dev === undefined) {
    const end = c.lastEnd();
    throw new LineError("a route needs 'via GATEWAY' or 'dev INTERFACE'", end.line, end.col);
  }
  if (type !== 'unicast' && (route.via !== undefined || route.dev !== undefined)) {
    throw errorAt(tokens[0], `a ${type} route takes no 'via' or 'dev'`);
  }
  return route;
}

/** One route as `ip route` prints it. */
export function formatRoute(r: RouteEntry): string {
  const parts: string[] = [];
  if (r.type !== 'unicast') parts.push(r.type);
  if (r.prefixLength === 0) parts.push('default');
  else if (r.prefixLength === 32) parts.push(formatIpv4(r.dst));
  else parts.push(`${formatIpv4(r.dst)}/${r.prefixLength}`);
  if (r.via !== undefined) parts.push('via', formatIpv4(r.via));
  if (r.dev !== undefined) parts.push('dev', r.dev);
  if (r.proto !== undefined) parts.push('proto', r.proto);
  if (r.scope !== undefined) parts.push('scope', r.scope);
  if (r.src !== undefined) parts.push('src', formatIpv4(r.src));
  if (r.metric !== undefined) parts.push('metric', String(r.metric));
  return parts.join(' ');
}

export function formatRoutes(routes: readonly RouteEntry[]): string {
  return routes.map((r) => formatRoute(r) + '\n').join('');
}
