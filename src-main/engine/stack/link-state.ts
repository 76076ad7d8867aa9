// Link-state routing, computed centrally from the lab graph (as if every router had flooded its
// link-state advertisement and each ran SPF on the same database; the advertisements themselves
// are not put on the wire). Each router runs Dijkstra over outgoing interface costs, then installs
// a route to every stub network of every reachable router via the first hop of the SPF tree.
// Each route keeps how it was derived: the path through the tree with its costs.
import { formatIpv4, prefixToMask } from '../../../src-shared/net/addr';
import type { Route } from './routing-table';

export interface LsInterface {
  name: string;
  address: number;
  prefixLength: number;
  /** Broadcast domain (link plus any switches) the interface is on; -1 when down. */
  segment: number;
  cost: number;
}

export interface LsRouter {
  name: string;
  interfaces: LsInterface[];
}

interface Edge {
  to: number;
  cost: number;
  /** Our interface and the neighbour's address on the shared segment. */
  dev: string;
  via: number;
}

export interface SpfTree {
  source: number;
  dist: Float64Array;
  parent: Int32Array;
  /** Edge taken from the parent. */
  parentEdge: (Edge | null)[];
}

export interface LinkStateResult {
  /** SPF trees of every router, computed eagerly. */
  trees: Map<string, SpfTree>;
  /** Routes of one router (computed on first request from its tree). */
  routesFor(router: string): Route[];
}

/** Adjacencies: two routers whose up interfaces share a segment and a subnet. */
function buildGraph(routers: readonly LsRouter[]): Edge[][] {
  const bySegment = new Map<number, { router: number; iface: LsInterface }[]>();
  routers.forEach((r, ri) => {
    for (const i of r.interfaces) {
      if (i.segment < 0) continue;
      let list = bySegment.get(i.segment);
      if (!list) bySegment.set(i.segment, (list = []));
      list.push({ router: ri, iface: i });
    }
  });
  const edges: Edge[][] = routers.map(() => []);
  for (const members of bySegment.values()) {
    for (const a of members) {
      const mask = prefixToMask(a.iface.prefixLength);
      for (const b of members) {
        if (a.router === b.router) continue;
        if (((a.iface.address & mask) >>> 0) !== ((b.iface.address & mask) >>> 0)) continue;
        edges[a.router].push({ to: b.router, cost: a.iface.cost, dev: a.iface.name, via: b.iface.address });
      }
    }
  }
  return edges;
}

/** Dijkstra with a binary heap; ties broken by router order, so results are deterministic. */
function spf(source: number, edges: Edge[][]): SpfTree {
  const n = edges.length;
  const dist = new Float64Array(n).fill(Infinity);
  const parent = new Int32Array(n).fill(-1);
  const parentEdge: (Edge | null)[] = new Array(n).fill(null);
  const done = new Uint8Array(n);
  const heapD: number[] = [];
  const heapV: number[] = [];
  const push = (d: number, v: number): void => {
    let i = heapD.length;
    heapD.push(d);
    heapV.push(v);
    while (i > 0) {
      const p = (i - 1) >> 1;
      if (heapD[p] < d || (heapD[p] === d && heapV[p] < v)) break;
      heapD[i] = heapD[p];
      heapV[i] = heapV[p];
      i = p;
    }
    heapD[i] = d;
    heapV[i] = v;
  };
  const pop = (): number => {
    const top = heapV[0];
    const d = heapD.pop()!;
    const v = heapV.pop()!;
    if (heapD.length > 0) {
      let i = 0;
      const len = heapD.length;
      for (;;) {
        const l = 2 * i + 1;
        if (l >= len) break;
        let c = l;
        if (l + 1 < len && (heapD[l + 1] < heapD[l] || (heapD[l + 1] === heapD[l] && heapV[l + 1] < heapV[l]))) c = l + 1;
        if (d < heapD[c] || (d === heapD[c] && v < heapV[c])) break;
        heapD[i] = heapD[c];
        heapV[i] = heapV[c];
        i = c;
      }
      heapD[i] = d;
      heapV[i] = v;
    }
    return top;
  };
  dist[source] = 0;
  push(0, source);
  while (heapD.length > 0) {
    const u = pop();
    if (done[u]) continue;
    done[u] = 1;
    for (const e of edges[u]) {
      const nd = dist[u] + e.cost;
      // Equal cost: keep the parent with the lower index (deterministic single path).
      if (nd < dist[e.to] || (nd === dist[e.to] && !done[e.to] && u < parent[e.to])) {
        dist[e.to] = nd;
        parent[e.to] = u;
        parentEdge[e.to] = e;
        push(nd, e.to);
      }
    }
  }
  return { source, dist, parent, parentEdge };
}

function pathTo(tree: SpfTree, target: number): number[] {
  const path: number[] = [];
  for (let v = target; v !== -1; v = tree.parent[v]) {
    path.push(v);
    if (v === tree.source) break;
  }
  return path.reverse();
}

/** A link-state route; how it was derived is described on demand from the shared SPF tree. */
class LinkStateRoute implements Route {
  readonly type = 'unicast' as const;
  readonly proto = 'linkstate' as const;
  readonly origin = 'linkstate' as const;
  constructor(
    readonly dst: number,
    readonly prefixLength: number,
    readonly via: number,
    readonly dev: string,
    readonly metric: number,
    private readonly routers: readonly LsRouter[],
    private readonly tree: SpfTree,
    private readonly target: number,
    private readonly stubCost: number,
  ) {}

  get derivation(): string[] {
    return describePath(this.routers, this.tree, pathTo(this.tree, this.target), { router: this.target, stubCost: this.stubCost, total: this.metric, dst: this.dst, prefixLength: this.prefixLength });
  }

  /** Plain data, derivation included (for IPC and snapshots). */
  toJSON(): object {
    return { type: this.type, dst: this.dst, prefixLength: this.prefixLength, via: this.via, dev: this.dev, proto: this.proto, metric: this.metric, derivation: this.derivation };
  }
}

export function computeLinkState(routers: readonly LsRouter[]): LinkStateResult {
  const edges = buildGraph(routers);
  const trees = new Map<string, SpfTree>();
  const index = new Map(routers.map((r, i) => [r.name, i]));
  // Stub networks: every up interface's subnet, advertised by its router at the interface cost.
  const stubs: { router: number; dst: number; prefixLength: number; cost: number }[] = [];
  routers.forEach((r, ri) => {
    for (const i of r.interfaces) {
      if (i.segment < 0) continue;
      stubs.push({ router: ri, dst: (i.address & prefixToMask(i.prefixLength)) >>> 0, prefixLength: i.prefixLength, cost: i.cost });
    }
  });
  routers.forEach((r, source) => trees.set(r.name, spf(source, edges)));
  const cache = new Map<string, Route[]>();

  function routesFor(name: string): Route[] {
    const hit = cache.get(name);
    if (hit) return hit;
    const source = index.get(name);
    const tree = trees.get(name);
    if (source === undefined || !tree) return [];
    const r = routers[source];
    // Prefix keys as numbers (address × 64 + length, exact in a double): no string per stub.
    const connected = new Set(r.interfaces.filter((i) => i.segment >= 0).map((i) => ((i.address & prefixToMask(i.prefixLength)) >>> 0) * 64 + i.prefixLength));
    const best = new Map<number, { router: number; stubCost: number; total: number; dst: number; prefixLength: number }>();
    for (const s of stubs) {
      if (s.router === source || tree.dist[s.router] === Infinity) continue;
      const key = s.dst * 64 + s.prefixLength;
      if (connected.has(key)) continue;
      const total = tree.dist[s.router] + s.cost;
      const prev = best.get(key);
      if (!prev || total < prev.total || (total === prev.total && s.router < prev.router)) best.set(key, { router: s.router, stubCost: s.cost, total, dst: s.dst, prefixLength: s.prefixLength });
    }
    // First hop of every router: the source's child on the way, filled in order of distance.
    const order = Array.from(tree.dist.keys()).filter((v) => tree.dist[v] !== Infinity && v !== source);
    order.sort((x, y) => tree.dist[x] - tree.dist[y]);
    const firstHop = new Int32Array(routers.length).fill(-1);
    for (const v of order) firstHop[v] = tree.parent[v] === source ? v : firstHop[tree.parent[v]];
    const list: Route[] = [];
    for (const b of best.values()) {
      const first = tree.parentEdge[firstHop[b.router]]!;
      list.push(new LinkStateRoute(b.dst, b.prefixLength, first.via, first.dev, b.total, routers, tree, b.router, b.stubCost));
    }
    list.sort((x, y) => x.dst - y.dst || x.prefixLength - y.prefixLength);
    cache.set(name, list);
    return list;
  }

  return { trees, routesFor };
}

function describePath(routers: readonly LsRouter[], tree: SpfTree, path: number[], b: { router: number; stubCost: number; total: number; dst: number; prefixLength: number }): string[] {
  const lines = [`SPF tree rooted at ${routers[tree.source].name}:`];
  for (let k = 1; k < path.length; k++) {
    const e = tree.parentEdge[path[k]]!;
    lines.push(`  ${routers[path[k - 1]].name} → ${routers[path[k]].name} via ${e.dev} (${formatIpv4(e.via)}), cost ${e.cost}, distance ${tree.dist[path[k]]}`);
  }
  lines.push(`  ${formatIpv4(b.dst)}/${b.prefixLength} is a stub network of ${routers[b.router].name}, cost ${b.stubCost}: total ${b.total}`);
  lines.push(`  first hop ${routers[path[1]].name}, so: via ${formatIpv4(tree.parentEdge[path[1]]!.via)} dev ${tree.parentEdge[path[1]]!.dev}`);
  return lines;
}
