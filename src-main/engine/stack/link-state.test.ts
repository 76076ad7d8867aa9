// Link-state routing on the three-router sample lab: SPF routes, their derivation, static
// precedence, and recomputation when a link fails.
import { describe, it, expect } from 'vitest';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { loadLabText, type Lab } from '../../../src-shared/lab';
import { Simulation } from '../simulation';
import { formatRouteRows } from '../state/format';
import { computeLinkState, type LsRouter } from './link-state';
import { outputOf } from '../testing/harness';

function sample(): Lab {
  const r = loadLabText(readFileSync(fileURLToPath(new URL('../../../topologies/three-routers-link-state.lab.json', import.meta.url)), 'utf8'));
  if (!r.ok) throw new Error('sample lab invalid');
  return r.lab;
}

describe('link-state routing', () => {
  it('installs SPF routes via the cheapest path and explains each', () => {
    const sim = new Simulation(sample());
    const routes = sim.ipDevice('r1').routing.all().filter((r) => r.proto === 'linkstate');
    expect(formatRouteRows(routes)).toBe(
      ['203.0.113.4/30 via 203.0.113.2 dev eth1 proto linkstate metric 20', '198.51.100.0/24 via 203.0.113.2 dev eth1 proto linkstate metric 30', ''].join('\n'),
    );
    expect(routes[1].derivation).toEqual([
      'SPF tree rooted at r1:',
      '  r1 → r2 via eth1 (203.0.113.2), cost 10, distance 10',
      '  r2 → r3 via eth1 (203.0.113.6), cost 10, distance 20',
      '  198.51.100.0/24 is a stub network of r3, cost 10: total 30',
      '  first hop r2, so: via 203.0.113.2 dev eth1',
    ]);
  });

  it('lets static routes take precedence over link-state ones', () => {
    const lab = sample();
    const r1 = lab.devices.find((d) => d.name === 'r1')!;
    r1.tables = { routes: ['198.51.100.0/24 via 203.0.113.10 dev eth2'] };
    const sim = new Simulation(lab);
    const d = sim.ipDevice('r1').routeTo(0xc6336414);
    expect('error' in d ? d.error : `${d.route.proto} ${d.iface.name}`).toBe('static eth2');
    expect(sim.ipDevice('r1').routing.all().filter((r) => r.dst === 0xc6336400 && r.prefixLength === 24).map((r) => r.proto)).toEqual(['static']);
  });

  it('recomputes when a link fails; the state log shows both tables', () => {
    const sim = new Simulation(sample());
    const before = formatRouteRows(sim.stateAt('r1', 0).routes);
    sim.startScenario('failover');
    sim.run();
    expect(outputOf(sim, 'h1').slice(1, 4).map((l) => l.replace(/\s+[\d.]+ ms/g, ''))).toEqual([' 1  192.0.2.1', ' 2  203.0.113.10', ' 3  198.51.100.30']);
    const after = formatRouteRows(sim.stateAt('r1', sim.net.capture.count).routes);
    expect(before).toContain('198.51.100.0/24 via 203.0.113.2 dev eth1 proto linkstate metric 30');
    expect(after).toContain('198.51.100.0/24 via 203.0.113.10 dev eth2 proto linkstate metric 110');
    expect(after).not.toContain('via 203.0.113.2');
  });

  it('computes SPF for a 1,000-router ring with chords deterministically', () => {
    const routers: LsRouter[] = [];
    const n = 1000;
    const ifaces: LsRouter['interfaces'][] = Array.from({ length: n }, () => []);
    let seg = 0;
    const connect = (a: number, b: number, cost: number): void => {
      const base = (10 << 24) + seg * 4;
      ifaces[a].push({ name: `e${ifaces[a].length}`, address: base + 1, prefixLength: 30, segment: seg, cost });
      ifaces[b].push({ name: `e${ifaces[b].length}`, address: base + 2, prefixLength: 30, segment: seg, cost });
      seg++;
    };
    for (let i = 0; i < n; i++) connect(i, (i + 1) % n, 10);
    for (let i = 0; i < n; i += 10) connect(i, (i + 500) % n, 15);
    for (let i = 0; i < n; i++) routers.push({ name: `r${String(i).padStart(4, '0')}`, interfaces: ifaces[i] });
    const a = computeLinkState(routers);
    const b = computeLinkState(routers);
    const r0 = a.routesFor('r0000');
    // 1,100 link subnets, 4 of them on r0 itself (two ring links, two chords).
    expect(r0.length).toBe(1096);
    expect(r0.map((r) => `${r.dst} ${r.via} ${r.metric}`)).toEqual(b.routesFor('r0000').map((r) => `${r.dst} ${r.via} ${r.metric}`));
    // r500's ring link (segment 500) is reached over the chord r0–r500 (cost 15) plus r500's stub cost 10.
    const far = r0.find((r) => r.dst === (10 << 24) + 500 * 4)!;
    expect([far.via, far.dev, far.metric]).toEqual([(10 << 24) + 1000 * 4 + 2, 'e2', 25]);
    expect(far.derivation![1]).toBe('  r0000 → r0500 via e2 (10.0.15.162), cost 15, distance 15');
  });
});
