// Broken labs never crash the engine: mutated sample labs either fail validation with located
// errors, or validate and then run (bounded by time and an event budget) without throwing.
import { describe, it, expect } from 'vitest';
import fc from 'fast-check';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadLabText } from '../../src-shared/lab';
import { Simulation } from './simulation';
import { exportPcapng } from './export/pcapng';
import { sampleFiles } from './testing/samples';

const dir = fileURLToPath(new URL('../../topologies', import.meta.url));
const texts = sampleFiles.map((f) => readFileSync(path.join(dir, f), 'utf8'));

type Json = null | boolean | number | string | Json[] | { [k: string]: Json };

function paths(v: Json, prefix: (string | number)[] = [], out: (string | number)[][] = []): (string | number)[][] {
  out.push(prefix);
  if (Array.isArray(v)) v.forEach((x, i) => paths(x, [...prefix, i], out));
  else if (v && typeof v === 'object') for (const k of Object.keys(v)) paths(v[k], [...prefix, k], out);
  return out;
}

type Mutation = { at: number; op: 'delete' | 'replace' | 'duplicate' | 'string' | 'number'; value: Json; text: string; num: number };

function apply(doc: Json, m: Mutation): Json {
  const all = paths(doc).filter((p) => p.length > 0);
  if (all.length === 0) return doc;
  const p = all[m.at % all.length];
  const parent = p.slice(0, -1).reduce<Json>((v, k) => (v as Record<string | number, Json>)[k], doc) as Record<string | number, Json> | Json[];
  const key = p[p.length - 1];
  const current = (parent as Record<string | number, Json>)[key];
  switch (m.op) {
    case 'delete':
      if (Array.isArray(parent)) parent.splice(key as number, 1);
      else delete parent[key as string];
      break;
    case 'replace':
      (parent as Record<string | number, Json>)[key] = m.value;
      break;
    case 'duplicate':
      if (Array.isArray(parent)) parent.push(structuredClone(current));
      break;
    case 'string':
      (parent as Record<string | number, Json>)[key] = typeof current === 'string' ? current.slice(0, m.num % (current.length + 1)) + m.text : m.text;
      break;
    case 'number':
      (parent as Record<string | number, Json>)[key] = m.num;
      break;
  }
  return doc;
}

const mutation = fc.record({
  at: fc.nat(),
  op: fc.constantFrom('delete', 'replace', 'duplicate', 'string', 'number'),
  value: fc.jsonValue({ maxDepth: 2 }) as fc.Arbitrary<Json>,
  text: fc.oneof(fc.string({ maxLength: 12 }), fc.constantFrom('eth9', 'r1', 'sw1', '0.0.0.0/0', '255.255.255.255', 'default via 192.0.2.1', 'blackhole 0.0.0.0/0', '10.0.0.1 lladdr ff:ff:ff:ff:ff:ff dev eth0')),
  num: fc.oneof(fc.integer({ min: -5, max: 70000 }), fc.double({ noNaN: true, min: -1, max: 1e6 }), fc.constantFrom(0, 1, 68, 100, 1e-3)),
});

const seen = { valid: 0, invalid: 0 };

function exercise(text: string): void {
  const r = loadLabText(text);
  seen[r.ok ? 'valid' : 'invalid']++;
  if (!r.ok) {
    expect(r.errors.length).toBeGreaterThan(0);
    for (const e of r.errors) {
      expect(typeof e.message).toBe('string');
      expect(e.line).toBeGreaterThanOrEqual(1);
      expect(e.col).toBeGreaterThanOrEqual(1);
    }
    return;
  }
  for (const s of r.lab.scenarios ?? [{ name: '' }]) {
    const sim = new Simulation(r.lab);
    if (s.name) sim.startScenario(s.name);
    sim.run({ until: 120_000_000, budget: 200_000 });
    exportPcapng(sim.net.capture);
    for (const d of r.lab.devices) sim.stateAt(d.name, sim.net.capture.count);
  }
}

describe('robustness', () => {
  it('survives structural mutations of the sample labs', () => {
    fc.assert(
      fc.property(fc.nat({ max: texts.length - 1 }), fc.array(mutation, { minLength: 1, maxLength: 4 }), (which, mutations) => {
        let doc = JSON.parse(texts[which]) as Json;
        for (const m of mutations) doc = apply(doc, m);
        exercise(JSON.stringify(doc, null, 2));
      }),
      { numRuns: 300, seed: 4242 },
    );
    // Both paths were exercised: some mutants still validate (and ran), others were rejected.
    expect(seen.valid).toBeGreaterThan(30);
    expect(seen.invalid).toBeGreaterThan(30);
  });

  it('survives random edits of the lab text', () => {
    fc.assert(
      fc.property(fc.nat({ max: texts.length - 1 }), fc.array(fc.tuple(fc.nat(), fc.nat({ max: 20 }), fc.string({ maxLength: 5 })), { minLength: 1, maxLength: 3 }), (which, edits) => {
        let t = texts[which];
        for (const [pos, del, ins] of edits) {
          const p = pos % (t.length + 1);
          t = t.slice(0, p) + ins + t.slice(p + del);
        }
        exercise(t);
      }),
      { numRuns: 300, seed: 4243 },
    );
  });

  it('runs random valid labs (random graphs, routes, loops, link changes) to an end without throwing', () => {
    const labArb = fc
      .record({
        kinds: fc.array(fc.constantFrom('host', 'router', 'switch'), { minLength: 2, maxLength: 7 }),
        edges: fc.array(fc.tuple(fc.nat(), fc.nat()), { minLength: 1, maxLength: 10 }),
        routes: fc.array(fc.tuple(fc.nat(), fc.nat({ max: 6 }), fc.nat(), fc.constantFrom('via', 'dev', 'blackhole', 'unreachable', 'prohibit')), { maxLength: 10 }),
        link: fc.record({ latencyMs: fc.constantFrom(0, 0.01, 1, 50), bandwidthMbps: fc.constantFrom(0.01, 1, 100), lossPercent: fc.constantFrom(0, 10, 100), cost: fc.integer({ min: 1, max: 100 }) }),
        actions: fc.array(fc.tuple(fc.constantFrom('ping', 'traceroute', 'udp-echo', 'link'), fc.nat(), fc.nat(), fc.integer({ min: 0, max: 3000 })), { minLength: 1, maxLength: 5 }),
        linkState: fc.boolean(),
        nat: fc.boolean(),
      })
      .map((g) => {
        const devices: Record<string, unknown>[] = g.kinds.map((type, i) => ({
          name: `d${i}`,
          type,
          position: { x: i, y: 0 },
          interfaces: [] as Record<string, unknown>[],
          ...(type === 'router' && g.linkState ? { linkState: { domain: 'x' } } : {}),
        }));
        const links: Record<string, unknown>[] = [];
        g.edges.forEach(([x, y], k) => {
          const a = x % devices.length;
          const b = y % devices.length;
          if (a === b) return;
          const net = `10.${k}.0`;
          for (const [end, host] of [[a, 1], [b, 2]] as const) {
            const d = devices[end];
            const ifaces = d.interfaces as Record<string, unknown>[];
            ifaces.push({ name: `e${ifaces.length}`, ...(d.type === 'switch' ? {} : { ipv4: `${net}.${host}/24` }) });
          }
          links.push({
            id: `L${k}`,
            a: { device: `d${a}`, interface: `e${(devices[a].interfaces as unknown[]).length - 1}` },
            b: { device: `d${b}`, interface: `e${(devices[b].interfaces as unknown[]).length - 1}` },
            ...g.link,
          });
        });
        for (const [di, len, addr, kind] of g.routes) {
          const d = devices[di % devices.length];
          const ifaces = d.interfaces as { name: string }[];
          if (d.type === 'switch' || ifaces.length === 0) continue;
          const plen = [0, 8, 16, 24, 30, 32, 24][len];
          const dst = plen === 0 ? 'default' : plen === 8 ? '10.0.0.0/8' : `10.${addr % 12}.0.0/16`;
          const line = kind === 'via' ? `${dst} via 10.${addr % 12}.0.${1 + (addr % 2)}` : kind === 'dev' ? `${dst} dev ${ifaces[addr % ifaces.length].name}` : `${kind} ${dst}`;
          const tables = (d.tables ??= { routes: [] as string[] }) as { routes: string[] };
          if (!tables.routes.includes(line)) tables.routes.push(line);
        }
        // A default route towards the far end of each device's first link: paths, and loops, appear.
        for (const d of devices) {
          const first = (d.interfaces as { ipv4?: string }[])[0];
          if (d.type === 'switch' || !first?.ipv4) continue;
          const [net, host] = [first.ipv4.slice(0, first.ipv4.lastIndexOf('.')), first.ipv4.split('/')[0].endsWith('.1') ? 2 : 1];
          const tables = (d.tables ??= { routes: [] as string[] }) as { routes: string[] };
          if (!tables.routes.some((l) => l.startsWith('default'))) tables.routes.push(`default via ${net}.${host}`);
        }
        if (g.nat) {
          const r = devices.find((d) => d.type === 'router' && (d.interfaces as unknown[]).length > 0);
          if (r) r.nat = { outside: (r.interfaces as { name: string }[])[0].name };
        }
        const actors = devices.filter((d) => d.type !== 'switch');
        const actions = g.actions
          .map(([type, from, to, at]) => {
            if (type === 'link') return links.length ? { type, atMs: at, link: links[from % links.length].id, up: to % 2 === 0 } : null;
            if (!actors.length) return null;
            // Mostly addresses that exist in the lab, sometimes one that does not.
            const addresses = devices.flatMap((d) => (d.interfaces as { ipv4?: string }[]).flatMap((i) => (i.ipv4 ? [i.ipv4.split('/')[0]] : [])));
            const target = to % 5 === 4 || addresses.length === 0 ? `10.${to % 12}.0.3` : addresses[to % addresses.length];
            const base = { type, atMs: at, from: actors[from % actors.length].name, to: target };
            return type === 'ping' ? { ...base, count: 2, intervalMs: 200 } : type === 'traceroute' ? { ...base, maxHops: 6, waitMs: 500 } : base;
          })
          .filter((a) => a !== null);
        return { version: 2, seed: 1, devices, links, scenarios: [{ name: 's', actions }] };
      });
    let ran = 0;
    let frames = 0;
    fc.assert(
      fc.property(labArb, (doc) => {
        const r = loadLabText(JSON.stringify(doc));
        if (!r.ok) throw new Error(`generator made an invalid lab: ${r.errors.map((e) => e.message).join('; ')}`);
        const sim = new Simulation(r.lab);
        sim.startScenario('s');
        const result = sim.run({ until: 60_000_000, budget: 300_000 });
        expect(['idle', 'until', 'stopped', 'budget']).toContain(result.reason);
        exportPcapng(sim.net.capture);
        frames += sim.net.capture.count;
        ran++;
      }),
      { numRuns: 200, seed: 5150 },
    );
    expect(ran).toBe(200);
    expect(frames).toBeGreaterThan(1000); // the random labs did carry traffic
  });
});
