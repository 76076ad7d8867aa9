// UI benchmark (not part of npm test): a generated 500-device lab opened in Chromium through serve
// mode; measures time until the canvas shows it, then frame times while panning and zooming, with
// Cytoscape's canvas renderer and with its WebGL renderer (?webgl=1).
//   node build/bench/ui-canvas.mjs [--devices 500] [--frames 240]
// Needs the built renderer (npx electron-vite build) and Chromium (/usr/bin/chromium or Playwright's).
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from '@playwright/test';

const root = fileURLToPath(new URL('../..', import.meta.url));
const arg = (name, fallback) => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? Number(process.argv[i + 1]) : fallback;
};
const DEVICES = arg('devices', 500);
const FRAMES = arg('frames', 240);

/** Routers in a chain; each with a switch and hosts behind it, until `total` devices. */
export function generateLab(total) {
  const routers = Math.max(1, Math.round(total / 20));
  const hostsPerLan = Math.max(1, Math.floor((total - 2 * routers) / routers));
  const devices = [];
  const links = [];
  let mac = 1;
  const nextMac = () => {
    const h = (mac++).toString(16).padStart(8, '0');
    return `02:00:${h.slice(0, 2)}:${h.slice(2, 4)}:${h.slice(4, 6)}:${h.slice(6, 8)}`;
  };
  for (let r = 0; r < routers && devices.length < total; r++) {
    const cx = (r % 5) * 900;
    const cy = Math.floor(r / 5) * 700;
    devices.push({ name: `r${r + 1}`, type: 'router', position: { x: cx + 400, y: cy }, interfaces: [
      { name: 'eth0', mac: nextMac(), ipv4: `10.${r}.0.1/24` },
      { name: 'eth1', mac: nextMac(), ipv4: `172.16.${r}.1/30` },
      { name: 'eth2', mac: nextMac(), ipv4: `172.16.${r + 1}.2/30` },
    ], tables: { routes: 'default via 172.16.' + r + '.2 dev eth1\n' } });
    if (r > 0) links.push({ a: { device: `r${r}`, interface: 'eth1' }, b: { device: `r${r + 1}`, interface: 'eth2' }, latencyMs: 2 });
    const hosts = Math.min(hostsPerLan, total - devices.length - 1);
    devices.push({ name: `sw${r + 1}`, type: 'switch', position: { x: cx + 400, y: cy + 150 }, interfaces: Array.from({ length: hosts + 1 }, (_, i) => ({ name: `eth${i}` })) });
    links.push({ a: { device: `r${r + 1}`, interface: 'eth0' }, b: { device: `sw${r + 1}`, interface: 'eth0' }, latencyMs: 1 });
    for (let h = 0; h < hosts; h++) {
      const name = `pc${r + 1}x${h + 1}`;
      devices.push({ name, type: 'host', position: { x: cx + (h % 9) * 100, y: cy + 300 + Math.floor(h / 9) * 110 }, interfaces: [{ name: 'eth0', mac: nextMac(), ipv4: `10.${r}.0.${h + 10}/24` }], tables: { routes: `default via 10.${r}.0.1 dev eth0\n` } });
      links.push({ a: { device: name, interface: 'eth0' }, b: { device: `sw${r + 1}`, interface: `eth${h + 1}` }, latencyMs: 0.1 });
    }
  }
  return { version: 2, name: `Generated ${devices.length}-device lab`, devices, links };
}

function serve(labFile, dataDir) {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [path.join(root, 'bin/packetlab'), 'serve', '--port', '0', '--lab', labFile, '--data', dataDir], { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    const onData = (c) => {
      out += c;
      const m = /PacketLab listening on (\S+)/.exec(out);
      if (m) resolve({ child, url: m[1] });
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', onData);
    child.once('exit', (code) => reject(new Error(`serve exited ${code}: ${out}`)));
  });
}

const pct = (sorted, p) => sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];

async function measure(browser, url, webgl) {
  const page = await browser.newPage({ viewport: { width: 1440, height: 900 } });
  await page.goto(url); // trades the token for a cookie
  const target = new URL(page.url());
  target.search = webgl ? '?webgl=1' : '';
  const t0 = Date.now();
  await page.goto(target.href);
  await page.waitForFunction((n) => window.__packetlabCy?.nodes().length === n, DEVICES, { timeout: 60_000 });
  await page.evaluate(() => new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r))));
  const openMs = Date.now() - t0;
  const frames = await page.evaluate(
    (count) =>
      new Promise((resolve) => {
        const cy = window.__packetlabCy;
        cy.zoom(0.6);
        const times = [];
        let last = performance.now();
        let i = 0;
        const step = (now) => {
          times.push(now - last);
          last = now;
          // Pan in a slow circle and zoom a little, as a user exploring the lab would.
          cy.panBy({ x: 6 * Math.cos(i / 20), y: 4 * Math.sin(i / 20) });
          if (i % 60 === 30) cy.zoom({ level: cy.zoom() * 1.1, renderedPosition: { x: 400, y: 300 } });
          if (++i < count) requestAnimationFrame(step);
          else resolve(times.slice(2));
        };
        requestAnimationFrame(step);
      }),
    FRAMES,
  );
  const memory = await page.evaluate(() => performance.memory?.usedJSHeapSize ?? 0);
  await page.close();
  const sorted = [...frames].sort((a, b) => a - b);
  const mean = frames.reduce((a, b) => a + b, 0) / frames.length;
  return { renderer: webgl ? 'webgl' : 'canvas', openMs, frames: frames.length, meanMs: mean, p50Ms: pct(sorted, 50), p95Ms: pct(sorted, 95), maxMs: sorted.at(-1), heapMB: memory / 1048576 };
}

async function main() {
  if (!existsSync(path.join(root, 'out/renderer/index.html'))) throw new Error('build the renderer first: npx electron-vite build');
  const dir = mkdtempSync(path.join(os.tmpdir(), 'packetlab-bench-ui-'));
  mkdirSync(path.join(dir, 'labs'));
  const labFile = path.join(dir, 'labs', 'generated.lab.json');
  const lab = generateLab(DEVICES);
  writeFileSync(labFile, JSON.stringify(lab, null, 2));
  process.env.XDG_CONFIG_HOME = path.join(dir, 'config');
  process.env.XDG_CACHE_HOME = path.join(dir, 'cache');
  const { child, url } = await serve(labFile, path.join(dir, 'data'));
  const executablePath = ['/usr/bin/chromium', '/usr/bin/chromium-browser'].find((p) => existsSync(p));
  const browser = await chromium.launch({
    ...(executablePath ? { executablePath } : {}),
    args: ['--no-sandbox', '--disable-dev-shm-usage', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--enable-precise-memory-info', '--enable-unsafe-swiftshader'],
  });
  try {
    console.log(`lab: ${lab.devices.length} devices, ${lab.links.length} links; ${FRAMES} frames of panning and zooming`);
    for (const webgl of [false, true]) {
      const r = await measure(browser, url, webgl);
      console.log(
        `${r.renderer.padEnd(6)}  open ${String(r.openMs).padStart(5)} ms   frame mean ${r.meanMs.toFixed(1)} ms  p50 ${r.p50Ms.toFixed(1)} ms  p95 ${r.p95Ms.toFixed(1)} ms  max ${r.maxMs.toFixed(1)} ms   heap ${r.heapMB.toFixed(0)} MB`,
      );
    }
  } finally {
    await browser.close();
    child.kill('SIGTERM');
    rmSync(dir, { recursive: true, force: true });
  }
}

await main();
