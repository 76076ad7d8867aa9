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
  /** Routes per router name. */
  routes: Map<string, Route[]>;
  trees: Map<string, SpfTree>;
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

export function computeLinkState(routers: readonly LsRouter[]): LinkStateResult {
  const edges = buildGraph(routers);
  const routes = new Map<string, Route[]>();
  const trees = new Map<string, SpfTree>();
  // Stub networks: every up interface's subnet, advertised by its router at the interface cost.
  const stubs: { router: number; dst: number; prefixLength: number; cost: number }[] = [];
  routers.forEach((r, ri) => {
    for (const i of r.interfaces) {
      if (i.segment < 0) continue;
      stubs.push({ router: ri, dst: (i.address & prefixToMask(i.prefixLength)) >>> 0, prefixLength: i.prefixLength, cost: i.cost });
    }
  });
  routers.forEach((r, source) => {
    const tree = spf(source, edges);
    trees.set(r.name, tree);
    const connected = new Set(r.interfaces.filter((i) => i.segment >= 0).map((i) => `${(i.address & prefixToMask(i.prefixLength)) >>> 0}/${i.prefixLength}`));
    const best = new Map<string, { router: number; stubCost: number; total: number; dst: number; prefixLength: number }>();
    for (const s of stubs) {
      if (s.router === source || tree.dist[s.router] === Infinity) continue;
      const key = `${s.dst}/${s.prefixLength}`;
      if (connected.has(key)) continue;
      const total = tree.dist[s.router] + s.cost;
      const prev = best.get(key);
      if (!prev || total < prev.total || (total === prev.total && s.router < prev.router)) best.set(key, { router: s.router, stubCost: s.cost, total, dst: s.dst, prefixLength: s.prefixLength });
    }
    const list: Route[] = [];
    for (const b of best.values()) {
      const path = pathTo(tree, b.router);
      const first = tree.parentEdge[path[1]]!;
      let derivation: string[] | undefined;
      list.push({
        type: 'unicast',
        dst: b.dst,
        prefixLength: b.prefixLength,
        via: first.via,
        dev: first.dev,
        proto: 'linkstate',
        metric: b.total,
        origin: 'linkstate',
        // Described on demand: a 1,000-router domain has a million routes, few are ever looked at.
        get derivation(): string[] {
          return (derivation ??= describePath(routers, tree, path, b));
        },
      });
    }
    list.sort((x, y) => x.dst - y.dst || x.prefixLength - y.prefixLength);
    routes.set(r.name, list);
  });
  return { routes, trees };
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
