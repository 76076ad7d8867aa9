// Runs Electronegativity on the build output and fails on any finding of MEDIUM severity or above.
// Electronegativity exits 0 whatever it finds, its CSV writer races its own header write, and its
// SARIF output has no severity; so the findings are read from its printed table.
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('../..', import.meta.url));
const BLOCKING = new Set(['MEDIUM', 'HIGH', 'CRITICAL']);

/** Reads `{ id, severity, confidence, file, location }` rows out of the table Electronegativity prints. */
export function parseFindings(stdout) {
  const clean = stdout.replace(/\u001b\[[0-9;]*m/g, '');
  const findings = [];
  let current = null;
  for (const line of clean.split('\n')) {
    if (!line.startsWith('│')) continue;
    const cells = line.split('│').slice(1, -1).map((c) => c.trim());
    const [first, file, location] = cells;
    if (/^[A-Z][A-Z0-9_]+$/.test(first ?? '')) {
      current = { id: first, severity: null, confidence: null, file: file ?? '', location: location ?? '' };
      findings.push(current);
      continue;
    }
    const severity = /^(INFORMATIONAL|LOW|MEDIUM|HIGH|CRITICAL) \| (\w+)/.exec(first ?? '');
    if (severity && current && current.severity === null) {
      current.severity = severity[1];
      current.confidence = severity[2];
    }
  }
  return findings;
}

export function runElectronegativity(input = path.join(root, 'out')) {
  const electronVersion = JSON.parse(readFileSync(path.join(root, 'node_modules/electron/package.json'), 'utf8')).version;
  const bin = path.join(root, 'node_modules/.bin/electronegativity');
  const run = spawnSync(bin, ['-i', input, '-e', electronVersion, '-v', 'false'], {
    encoding: 'utf8',
    cwd: root,
    env: { ...process.env, FORCE_COLOR: '0', NO_COLOR: '1' },
    maxBuffer: 64 * 1024 * 1024,
  });
  if (run.status !== 0 || !/check\(s\) successfully loaded/.test(run.stdout)) {
    throw new Error(`electronegativity did not run (exit ${run.status}): ${run.stderr || run.stdout.slice(-500)}`);
  }
  const findings = parseFindings(run.stdout);
  if (findings.some((f) => f.severity === null)) throw new Error('could not read the severity of every finding from electronegativity');
  const blocking = findings.filter((f) => BLOCKING.has(f.severity));
  return { ok: blocking.length === 0, findings, blocking };
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const result = runElectronegativity();
  for (const f of result.findings) console.log(`${f.severity.padEnd(13)} ${f.id} ${path.relative(root, f.file)}:${f.location}`);
  console.log(`electronegativity: ${result.blocking.length} findings of MEDIUM or above, ${result.findings.length} in all`);
  process.exit(result.ok ? 0 : 1);
}
