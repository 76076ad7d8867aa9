#!/usr/bin/env node
// Dissection benchmark: PacketLab `dissect` against tshark 4.0 on a generated mixed DNS/HTTP pcap,
// side by side in one run: -e frame.number -e ip.src, summary lines, -Y dns, and peak memory.
// Usage: node build/bench/bench.mjs [--frames N] [--repeat R] [--out DIR]   (default 1,000,000 frames, 3 runs each)
import { build } from 'esbuild';
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, statSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));
const root = path.resolve(here, '../..');

function run(cmd, args) {
  // Peak RSS from /usr/bin/time (KiB). CPU from bash's `time` with milliseconds: /usr/bin/time
  // prints centiseconds, too coarse for a 0.3 s run (it also counts /usr/bin/time's own ~1 ms,
  // the same for both tools). stdout is discarded like a pipe to /dev/null.
  return new Promise((resolve, reject) => {
    const t0 = performance.now();
    const script = 'TIMEFORMAT="@@cpu %3U %3S"; time /usr/bin/time -f "@@time %M %U %S" "$@"';
    const child = spawn('bash', ['-c', script, 'bench', cmd, ...args], { stdio: ['ignore', 'ignore', 'pipe'] });
    let err = '';
    child.stderr.on('data', (d) => (err += d));
    child.on('error', reject);
    child.on('close', (code) => {
      const seconds = (performance.now() - t0) / 1000;
      const m = /@@time (\d+) ([\d.]+) ([\d.]+)/.exec(err);
      const cpu = /@@cpu ([\d.]+) ([\d.]+)/.exec(err);
      if (code !== 0) reject(new Error(`${cmd} ${args.join(' ')} exited ${code}: ${err.slice(0, 500)}`));
      else resolve({ seconds, cpuSeconds: cpu ? Number(cpu[1]) + Number(cpu[2]) : NaN, maxRSSKiB: m ? Number(m[1]) : NaN });
    });
  });
}

/** Median wall and CPU time of repeated runs, the CPU range, and the highest peak RSS. */
function summarize(runs) {
  const median = (xs) => {
    const v = [...xs].sort((a, b) => a - b);
    const m = v.length >> 1;
    return v.length % 2 ? v[m] : (v[m - 1] + v[m]) / 2;
  };
  const cpu = runs.map((r) => r.cpuSeconds);
  return {
    seconds: median(runs.map((r) => r.seconds)),
    cpuSeconds: median(cpu),
    cpuRange: [Math.min(...cpu), Math.max(...cpu)],
    maxRSSKiB: Math.max(...runs.map((r) => r.maxRSSKiB)),
  };
}

export async function runDissectBench({ frames = 1_000_000, repeat = 3, outDir = path.join(os.tmpdir(), 'packetlab-bench'), log = console.log } = {}) {
  mkdirSync(outDir, { recursive: true });
  const bundle = async (entry, name) => {
    const outfile = path.join(outDir, name);
    await build({ entryPoints: [path.join(here, entry)], bundle: true, platform: 'node', format: 'esm', outfile, logLevel: 'warning' });
    return outfile;
  };
  const genJs = await bundle('gen-mixed-pcap.ts', 'gen.mjs');
  const runner = await bundle('dissect-runner.ts', 'runner.mjs');
  const file = path.join(outDir, `mixed-${frames}.pcap`);
  if (!existsSync(file)) {
    const { generateMixedPcap } = await import(pathToFileURL(genJs).href);
    writeFileSync(file, generateMixedPcap(frames, path.join(root, 'src-shared/net/dissect/fixtures')));
  }
  const size = statSync(file).size;
  log(`capture: ${file} — ${frames} frames, ${size} bytes (${((size - 24) / frames - 16).toFixed(1)} B/frame average)`);
  const noop = await run(process.execPath, [runner, '--noop']);
  const tsharkFloor = await run('tshark', ['-r', file, '-c', '1']);
  const cases = [
    { name: 'fields -e frame.number -e ip.src', ours: ['-e', 'frame.number', '-e', 'ip.src'], tshark: ['-T', 'fields', '-e', 'frame.number', '-e', 'ip.src'] },
    { name: 'summary lines', ours: [], tshark: [] },
    { name: 'filter dns (-Y dns)', ours: ['-Y', 'dns'], tshark: ['-Y', 'dns'] },
  ];
  const results = [];
  for (const c of cases) {
    // Alternated runs, medians reported: one run on a shared machine says little.
    const oursRuns = [];
    const tsharkRuns = [];
    for (let k = 0; k < repeat; k++) {
      oursRuns.push(await run(process.execPath, [runner, file, ...c.ours]));
      tsharkRuns.push(await run('tshark', ['-r', file, ...c.tshark]));
    }
    const ours = summarize(oursRuns);
    const tshark = summarize(tsharkRuns);
    const r = {
      name: c.name,
      runs: repeat,
      oursSeconds: ours.seconds,
      tsharkSeconds: tshark.seconds,
      oursFps: frames / ours.seconds,
      tsharkFps: frames / tshark.seconds,
      speedup: tshark.seconds / ours.seconds,
      // CPU time (user + sys) is steadier than wall time on a shared machine.
      oursCpuSeconds: ours.cpuSeconds,
      tsharkCpuSeconds: tshark.cpuSeconds,
      cpuSpeedup: tshark.cpuSeconds / ours.cpuSeconds,
      // Spread of the runs (min–max), to show how much the machine moved them.
      oursCpuRange: ours.cpuRange,
      tsharkCpuRange: tshark.cpuRange,
      // packetlab streams the file (never holds it): all its growth over node's own footprint
      // counts — dissection state, reader and output buffers, garbage not yet collected.
      oursBytesPerFrame: ((ours.maxRSSKiB - noop.maxRSSKiB) * 1024) / frames,
      // tshark does not keep the file in memory: its growth over reading one frame.
      tsharkBytesPerFrame: ((tshark.maxRSSKiB - tsharkFloor.maxRSSKiB) * 1024) / frames,
      oursMaxRSSKiB: ours.maxRSSKiB,
      tsharkMaxRSSKiB: tshark.maxRSSKiB,
    };
    results.push(r);
    log(
      `${c.name.padEnd(34)} ours ${r.oursSeconds.toFixed(2)} s (${Math.round(r.oursFps / 1000)}k fr/s)  tshark ${r.tsharkSeconds.toFixed(2)} s (${Math.round(r.tsharkFps / 1000)}k fr/s)  ` +
        `speedup ${r.speedup.toFixed(1)}× (CPU ${r.oursCpuSeconds.toFixed(3)} s [${r.oursCpuRange.map((x) => x.toFixed(3)).join('–')}] vs ${r.tsharkCpuSeconds.toFixed(3)} s [${r.tsharkCpuRange.map((x) => x.toFixed(3)).join('–')}]: ${r.cpuSpeedup.toFixed(1)}×)  memory per frame: ours ${r.oursBytesPerFrame.toFixed(0)} B, tshark ${r.tsharkBytesPerFrame.toFixed(0)} B (peak RSS ${Math.round(r.oursMaxRSSKiB / 1024)} / ${Math.round(r.tsharkMaxRSSKiB / 1024)} MiB)`,
    );
  }
  log(`${repeat} alternated run(s) per command: medians, [min–max] of CPU; memory from the highest peak`);
  log(`memory = peak RSS growth over the floor (node alone ${Math.round(noop.maxRSSKiB / 1024)} MiB; tshark -c 1 ${Math.round(tsharkFloor.maxRSSKiB / 1024)} MiB) per frame; neither keeps the file in memory`);
  return { frames, fileBytes: size, nodeMaxRSSKiB: noop.maxRSSKiB, tsharkFloorMaxRSSKiB: tsharkFloor.maxRSSKiB, results };
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const args = process.argv.slice(2);
  const i = args.indexOf('--frames');
  const frames = i >= 0 ? Number(args[i + 1]) : 1_000_000;
  const o = args.indexOf('--out');
  const j = args.indexOf('--repeat');
  const repeat = j >= 0 ? Number(args[j + 1]) : 3;
  if (!Number.isInteger(frames) || frames <= 0 || !Number.isInteger(repeat) || repeat <= 0) {
    console.error('bench: --frames and --repeat need positive integers');
    process.exit(2);
  }
  runDissectBench({ frames, repeat, ...(o >= 0 ? { outDir: args[o + 1] } : {}) }).catch((e) => {
    console.error(e);
    process.exit(1);
  });
}
