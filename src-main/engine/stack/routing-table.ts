// An IPv4 routing table with longest-prefix match. Routes come from three origins: connected
// networks of the interfaces (proto kernel), static routes from the lab (proto static), and
// link-state SPF (proto linkstate). Static and connected routes take precedence: a link-state
// route for a prefix that already has one of them is not installed.
import { formatIpv4, prefixToMask } from '../../../src-shared/net/addr';
import type { RouteRow } from '../state/state-log';

export type RouteOrigin = 'connected' | 'static' | 'linkstate';

export interface Route extends RouteRow {
  origin: RouteOrigin;
}

const ORIGIN_RANK: Record<RouteOrigin, number> = { connected: 0, static: 1, linkstate: 2 };

export function routeKey(r: RouteRow): string {
  return `${r.type} ${formatIpv4(r.dst)}/${r.prefixLength} via ${r.via ?? '-'} dev ${r.dev ?? '-'} metric ${r.metric ?? 0}`;
}

export class RoutingTable {
  private routes: Route[] = [];
  private cache = new Map<number, Route | null>();

  constructor(private readonly onChange: (key: string, row: RouteRow | null) => void) {}

  all(): readonly Route[] {
    return this.routes;
  }

  /** Longest prefix, then lowest metric, then origin (connected, static, link-state). */
  lookup(dst: number): Route | undefined {
    const hit = this.cache.get(dst);
    if (hit !== undefined) return hit ?? undefined;
    let found: Route | null = null;
    for (const r of this.routes) {
      if (((dst & prefixToMask(r.prefixLength)) >>> 0) === r.dst) {
        found = r;
        break;
      }
    }
    if (this.cache.size > 65536) this.cache.clear();
    this.cache.set(dst, found);
    return found ?? undefined;
  }

  add(route: Route): void {
    if (this.routes.some((r) => routeKey(r) === routeKey(route))) return;
    this.routes.push(route);
    this.sort();
    this.onChange(routeKey(route), stripOrigin(route));
  }

  /** Replaces every route of `origin` (e.g. after SPF), suppressing those shadowed by static or connected ones. */
  replaceOrigin(origin: RouteOrigin, routes: Route[]): void {
    const keep = this.routes.filter((r) => r.origin !== origin);
    const taken = new Set(keep.filter((r) => ORIGIN_RANK[r.origin] < ORIGIN_RANK[origin]).map((r) => `${r.dst}/${r.prefixLength}`));
    const fresh = routes.filter((r) => !taken.has(`${r.dst}/${r.prefixLength}`));
    const oldByKey = new Map(this.routes.filter((r) => r.origin === origin).map((r) => [routeKey(r), r]));
    const newKeys = new Set<string>();
    for (const r of fresh) {
      const k = routeKey(r);
      newKeys.add(k);
      const old = oldByKey.get(k);
      if (!old) this.onChange(k, stripOrigin(r));
    }
    for (const k of oldByKey.keys()) if (!newKeys.has(k)) this.onChange(k, null);
    this.routes = keep.concat(fresh);
    this.sort();
  }

  removeWhere(pred: (r: Route) => boolean): void {
    const gone = this.routes.filter(pred);
    if (gone.length === 0) return;
    this.routes = this.routes.filter((r) => !pred(r));
    this.cache.clear();
    for (const r of gone) this.onChange(routeKey(r), null);
  }

  private sort(): void {
    this.routes.sort((a, b) => b.prefixLength - a.prefixLength || (a.metric ?? 0) - (b.metric ?? 0) || ORIGIN_RANK[a.origin] - ORIGIN_RANK[b.origin]);
    this.cache.clear();
  }
}

/** The row without `origin`; link-state routes are immutable objects kept as they are (lazy derivation). */
function stripOrigin(r: Route): RouteRow {
  if (r.proto === 'linkstate') return r;
  const { origin: _origin, ...row } = r;
  return row;
}
