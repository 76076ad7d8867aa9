// Benchmark: evaluate compiled filters over 1M synthetic frames (field values precomputed, so
// this measures the predicate alone, not dissection).
// Run: npx esbuild src-shared/net/filter/bench-filter.ts --bundle --platform=node --format=esm \
//        --outfile=/tmp/bench-filter.mjs && node /tmp/bench-filter.mjs
import { compileFilter, type FilterFrame } from './compile';
import type { FieldInfo, FieldValue } from '../dissect/types';

declare const performance: { now(): number };
declare const console: { log(...args: unknown[]): void };

const FIELDS: FieldInfo[] = [
  { name: 'dns', label: 'DNS', type: 'protocol' },
  { name: 'tcp', label: 'TCP', type: 'protocol' },
  { name: 'ip.addr', label: 'Address', type: 'ipv4' },
  { name: 'tcp.port', label: 'Port', type: 'uint', bits: 16 },
  { name: 'dns.qry.name', label: 'Name', type: 'string' },
  { name: 'eth.src', label: 'Source', type: 'ether' },
];
const table = new Map(FIELDS.map((f) => [f.name, f]));

const N = 1_000_000;
const empty: readonly FieldValue[] = [];
const proto: readonly FieldValue[] = [new Uint8Array(1)];
const mac: readonly FieldValue[] = [Uint8Array.of(2, 0, 0x5e, 0xa0, 0, 1)];
// Two frame shapes, DNS and HTTP, alternating: values() is a switch, as a dissector's cache would be.
const frames: FilterFrame[] = [0, 1].map((k) => {
  const dns = k === 0;
  const values: Record<string, readonly FieldValue[]> = {
    dns: dns ? proto : empty,
    tcp: dns ? empty : proto,
    'ip.addr': [0xc0000201, dns ? 0xc0000235 : 0xcb007146],
    'tcp.port': dns ? empty : [18080, 41234],
    'dns.qry.name': dns ? ['www.example.test'] : empty,
    'eth.src': mac,
  };
  return { values: (f: string) => values[f] ?? empty };
});

for (const text of ['dns', 'ip.addr == 192.0.2.0/24 and tcp.port in {80, 443, 18000..18100}', 'dns.qry.name contains "example" or eth.src[0:3] == 02:00:5e', 'not tcp and !(ip.addr != 203.0.113.70)']) {
  const r = compileFilter(text, (n) => table.get(n));
  if (!r.ok) throw new Error(r.error.message);
  const t0 = performance.now();
  let hits = 0;
  for (let i = 0; i < N; i++) if (r.filter.matches(frames[i & 1])) hits++;
  const ms = performance.now() - t0;
  console.log(`${text}: ${ms.toFixed(0)} ms for ${N} frames (${(N / ms / 1000).toFixed(1)} M frames/s), ${hits} hits`);
}
