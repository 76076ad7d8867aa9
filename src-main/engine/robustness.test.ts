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
});
