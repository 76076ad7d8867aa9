// `npm test`: every check of the project, in order, ending with one line `N passed, N failed`.
// Unit and end-to-end tests count one each (read from the runners' JSON reports); lint, typecheck,
// the build and the Electron security scan count one each.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { runElectronegativity } from './electronegativity.mjs';

const root = fileURLToPath(new URL('../..', import.meta.url));
const reports = path.join(root, '.reports');
mkdirSync(reports, { recursive: true });
const bin = (name) => path.join(root, 'node_modules', '.bin', name);

let passed = 0;
let failed = 0;
const failures = [];

function step(title) {
  process.stdout.write(`\n=== ${title}\n`);
}

function run(command, args, env = {}) {
  const started = Date.now();
  const result = spawnSync(command, args, { cwd: root, stdio: 'inherit', env: { ...process.env, ...env } });
  return { ok: result.status === 0, seconds: ((Date.now() - started) / 1000).toFixed(1) };
}

function check(title, command, args) {
  step(title);
  const { ok, seconds } = run(command, args);
  console.log(`${ok ? 'PASS' : 'FAIL'} ${title} (${seconds} s)`);
  if (ok) passed++;
  else failed++, failures.push(title);
  return ok;
}

function readJson(file) {
  try {
    return JSON.parse(readFileSync(file, 'utf8'));
  } catch {
    return null;
  }
}

check('lint (eslint, layering rules)', bin('eslint'), ['--config', 'build/eslint.config.mjs', '--max-warnings', '0', '.']);
check('typecheck (vue-tsc, whole project)', bin('vue-tsc'), ['--noEmit', '-p', 'tsconfig.json']);
check('typecheck (src-shared without DOM or Node)', bin('tsc'), ['--noEmit', '-p', 'build/tsconfig.shared.json']);

step('unit tests (vitest)');
const vitestReport = path.join(reports, 'vitest.json');
rmSync(vitestReport, { force: true });
run(bin('vitest'), ['run', '--config', 'build/vitest.config.ts', '--reporter=default', '--reporter=json', `--outputFile.json=${vitestReport}`]);
const vitest = readJson(vitestReport);
if (vitest) {
  passed += vitest.numPassedTests;
  failed += vitest.numFailedTests;
  if (vitest.numFailedTests) failures.push(`${vitest.numFailedTests} unit tests`);
  // A suite that fails to load has no tests to count: count it as one failure.
  const brokenSuites = vitest.testResults.filter((s) => s.status === 'failed' && s.assertionResults.length === 0);
  failed += brokenSuites.length;
  for (const s of brokenSuites) failures.push(`suite ${path.relative(root, s.name)} did not load: ${s.message.split('\n')[0]}`);
  console.log(`vitest: ${vitest.numPassedTests} passed, ${vitest.numFailedTests} failed, ${brokenSuites.length} suites broken`);
} else {
  failed++;
  failures.push('vitest wrote no report');
}

const built = check('build (electron-vite: main, preload, renderer; CLI bundle)', 'sh', ['-c', `"${bin('electron-vite')}" build && node build/scripts/build-cli.mjs`]);

step('security scan (electronegativity on out/, MEDIUM or above fails)');
if (built) {
  try {
    const result = runElectronegativity();
    for (const f of result.findings) console.log(`  ${f.severity.padEnd(13)} ${f.id} ${path.relative(root, f.file)}:${f.location}`);
    console.log(`${result.ok ? 'PASS' : 'FAIL'} electronegativity: ${result.blocking.length} findings of MEDIUM or above`);
    if (result.ok) passed++;
    else failed++, failures.push('electronegativity');
  } catch (error) {
    console.log(`FAIL electronegativity: ${error.message}`);
    failed++;
    failures.push('electronegativity');
  }
} else {
  console.log('FAIL electronegativity: nothing built to scan');
  failed++;
}

step('end-to-end tests (Playwright, serve mode, Chromium)');
const playwrightReport = path.join(reports, 'playwright.json');
rmSync(playwrightReport, { force: true });
if (built) run(bin('playwright'), ['test', '--config', 'build/playwright.config.ts']);
const playwright = readJson(playwrightReport);
if (playwright?.stats) {
  const { expected, unexpected, flaky } = playwright.stats;
  passed += expected;
  failed += unexpected + flaky;
  if (unexpected + flaky) failures.push(`${unexpected + flaky} end-to-end tests`);
  if ((playwright.errors ?? []).length) {
    failed += playwright.errors.length;
    failures.push(`playwright errors: ${playwright.errors.map((e) => e.message?.split('\n')[0]).join('; ')}`);
  }
} else {
  failed++;
  failures.push('playwright wrote no report');
}

if (failures.length) console.log(`\nFailed: ${failures.join('; ')}`);
const summary = `${passed} passed, ${failed} failed`;
writeFileSync(path.join(reports, 'summary.txt'), summary + '\n');
console.log(`\n${summary}`);
process.exit(failed === 0 && existsSync(path.join(root, 'out/cli/packetlab.cjs')) ? 0 : 1);
