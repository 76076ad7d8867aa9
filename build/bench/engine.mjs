#!/usr/bin/env node
// Engine benchmark: simulated frames per second, scheduler events per second, SPF on 1,000 routers,
// memory per captured frame. The engine never reads a clock; this script hands it one.
// Usage: node --expose-gc build/bench/engine.mjs
import { build } from 'esbuild';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));
const outfile = path.join(os.tmpdir(), 'packetlab-bench', 'engine-bench.mjs');
await build({ entryPoints: [path.join(here, '../../src-main/engine/bench/engine-bench.ts')], bundle: true, platform: 'node', format: 'esm', outfile, logLevel: 'warning' });
const { runEngineBenchmarks } = await import(pathToFileURL(outfile).href);
const result = runEngineBenchmarks({
  now: () => performance.now(),
  cpuMicros: () => {
    const u = process.cpuUsage();
    return u.user + u.system;
  },
  memory: () => {
    const m = process.memoryUsage();
    return { heapUsed: m.heapUsed, arrayBuffers: m.arrayBuffers };
  },
  gc: globalThis.gc,
});
console.log(JSON.stringify(result, null, 2));
