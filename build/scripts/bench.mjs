// `npm run bench`: PacketLab's benchmarks, each side by side with its reference tool in one run,
// reported as ratios. Options are passed on (e.g. `npm run bench -- --frames 100000`).
// Benchmarks: build/bench/bench.mjs (dissect vs tshark), build/bench/engine.mjs (simulation engine).
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('../..', import.meta.url));
const benches = [
  { title: 'dissect vs tshark', script: 'build/bench/bench.mjs', args: process.argv.slice(2) },
  { title: 'simulation engine', script: 'build/bench/engine.mjs', node: ['--expose-gc'], args: [] },
];

let failed = 0;
for (const bench of benches) {
  const script = path.join(root, bench.script);
  if (!existsSync(script)) continue;
  console.log(`\n=== ${bench.title} (${bench.script})`);
  const result = spawnSync(process.execPath, [...(bench.node ?? []), script, ...bench.args], { cwd: root, stdio: 'inherit' });
  if (result.status !== 0) failed++;
}
process.exit(failed ? 1 : 0);
