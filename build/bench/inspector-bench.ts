// Inspector benchmark (not part of npm test): opens a generated 1M-frame pcap in the built
// renderer (serve mode, Chromium) and measures time to the first rows, the first pass, the filter
// `tcp.port == 443`, scrolling frame times and memory.
// Run: npx electron-vite build && npx esbuild build/bench/inspector-bench.ts --bundle --platform=node \
//        --format=esm --packages=external --outfile=out/bench/inspector-bench.mjs && node out/bench/inspector-bench.mjs [frames] [--static DIR] [--scroll-runs N] [--trace FILE]
// (--static: a renderer built elsewhere, e.g. `vite build --outDir DIR`, instead of out/renderer)
import { chromium, type Page } from '@playwright/test';
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { generateCapture } from './inspector-capture';

const root = path.resolve(process.cwd());
const args = process.argv.slice(2);
const staticAt = args.indexOf('--static');
const staticDir = staticAt >= 0 ? path.resolve(args[staticAt + 1]) : path.join(root, 'out/renderer');
const traceAt = args.indexOf('--trace');
const traceFile = traceAt >= 0 ? path.resolve(args[traceAt + 1]) : null;
const runsAt = args.indexOf('--scroll-runs');
const scrollRuns = runsAt >= 0 ? Math.max(1, Number(args[runsAt + 1])) : 1;
const frames = Number(args.find((a, i) => /^\d+$/.test(a) && !['--static', '--scroll-runs', '--trace'].includes(args[i - 1])) ?? 1_000_000);
const FIXTURES = path.join(root, 'src-renderer/src/workers/fixtures');

function capture(): string {
  const file = path.join(os.tmpdir(), `packetlab-inspector-bench-${frames}.pcap`);
  if (existsSync(file)) return file;
  const sources = ['dns-udp-queries', 'http-keepalive-3req', 'https-tls13', 'dhcp-arp-icmp'].map((n) => new Uint8Array(readFileSync(path.join(FIXTURES, `${n}.pcapng`))));
  writeFileSync(file, generateCapture(sources, frames));
  return file;
}

function serve(dir: string): Promise<{ child: ChildProcess; url: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [path.join(root, 'bin/packetlab'), 'serve', '--port', '0', '--static', staticDir, '--labs', path.join(dir, 'labs'), '--data', path.join(dir, 'data')], { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    const onData = (b: Buffer) => {
      out += b.toString();
      const m = /^PacketLab listening on (http:\/\/127\.0\.0\.1:\d+\/\?token=\S+)$/m.exec(out);
      if (m) resolve({ child, url: m[1] });
    };
    child.stdout!.on('data', onData);
    child.stderr!.on('data', onData);
    child.once('exit', (code) => reject(new Error(`serve exited ${code}: ${out}`)));
  });
}

/** Resident memory (MB) of this browser's largest renderer process (the page and its worker live there). */
async function rendererRssMB(browser: import('@playwright/test').Browser): Promise<number> {
  try {
    const cdp = await browser.newBrowserCDPSession();
    const { processInfo } = (await cdp.send('SystemInfo.getProcessInfo')) as { processInfo: { type: string; id: number }[] };
    await cdp.detach();
    let kib = 0;
    for (const p of processInfo) {
      if (p.type !== 'renderer') continue;
      const status = readFileSync(`/proc/${p.id}/status`, 'utf8');
      kib = Math.max(kib, Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? 0));
    }
    return kib / 1024;
  } catch {
    return NaN;
  }
}

function percentile(values: number[], p: number): number {
  const s = [...values].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))];
}

/**
 * Scrolls the packet list by 100 rows every frame for 4 s (or stays idle) and returns, per frame,
 * the interval between animation frames and the main thread's work for the frame: from the
 * scroll event (seen first, in the capture phase) until a task posted from requestAnimationFrame
 * runs, which is after the frame's style, layout and paint.
 */
async function scrollFrameTimes(page: Page, scroll = true): Promise<{ intervals: number[]; work: number[] }> {
  return page.evaluate(
    (scroll) =>
      new Promise<{ intervals: number[]; work: number[] }>((resolve) => {
        const grid = document.querySelector<HTMLElement>('[role=grid][aria-label="Packet list"]')!;
        const intervals: number[] = [];
        const work: number[] = [];
        let scrolledAt = -1;
        const onScroll = () => {
          if (scrolledAt < 0) scrolledAt = performance.now();
        };
        document.addEventListener('scroll', onScroll, { capture: true, passive: true });
        const channel = new MessageChannel();
        channel.port1.onmessage = () => {
          if (scrolledAt >= 0) work.push(performance.now() - scrolledAt);
          scrolledAt = -1;
        };
        let last = performance.now();
        const end = last + 4000;
        const step = () => {
          const now = performance.now();
          intervals.push(now - last);
          last = now;
          channel.port2.postMessage(null);
          if (scroll) grid.scrollTop += 2200; // 100 rows per frame: a fast fling
          if (now < end) requestAnimationFrame(step);
          else {
            document.removeEventListener('scroll', onScroll, { capture: true });
            resolve({ intervals: intervals.slice(2), work: work.slice(2) });
          }
        };
        requestAnimationFrame(step);
      }),
    scroll,
  );
}

/**
 * Sorts 1M rows by Info (a string column) and, while the sort runs, jumps to the middle of the
 * list: how long until those rows are on screen tells whether the worker still answers.
 */
async function sortByInfo(page: Page): Promise<void> {
  const grid = page.getByRole('grid', { name: 'Packet list' });
  await grid.evaluate((g) => (g.scrollTop = 0));
  const firstNo = () => page.evaluate(() => document.querySelector('[role=grid] [role=row][aria-rowindex="2"] [role=gridcell]')?.textContent ?? '');
  const before = await firstNo();
  const t0 = Date.now();
  await page.getByRole('columnheader', { name: 'Info' }).getByRole('button').click();
  await page.waitForTimeout(300);
  const t1 = Date.now();
  const target = await grid.evaluate((g) => {
    g.scrollTop = g.scrollHeight / 2;
    return Math.floor(g.scrollTop / 22) + 5;
  });
  await page.waitForFunction(
    (row) => {
      const cell = document.querySelector(`[role=grid] [role=row][aria-rowindex="${row + 2}"] [role=gridcell]`);
      return !!cell && cell.textContent !== '…';
    },
    target,
    { timeout: 300_000, polling: 10 },
  );
  const jumped = Date.now() - t1;
  const stillSorting = (await page.getByRole('progressbar').count()) > 0;
  await page.getByRole('progressbar').waitFor({ state: 'detached', timeout: 300_000 });
  await grid.evaluate((g) => (g.scrollTop = 0));
  await page.waitForFunction(
    (prev) => {
      const text = document.querySelector('[role=grid] [role=row][aria-rowindex="2"] [role=gridcell]')?.textContent ?? '';
      return text !== '' && text !== '…' && text !== prev;
    },
    before,
    { timeout: 300_000, polling: 10 },
  );
  console.log(`sort by Info: ${Date.now() - t0} ms from the click to sorted rows on screen; a jump to the middle 0.3 s into it showed rows after ${jumped} ms${stillSorting ? ' (the sort still running)' : ''}`);
}

/** The dedicated worker's V8 heap, through the browser-level DevTools protocol. */
async function workerHeapMB(browser: import('@playwright/test').Browser): Promise<{ used: number; total: number }> {
  const cdp = await browser.newBrowserCDPSession();
  const { targetInfos } = (await cdp.send('Target.getTargets')) as { targetInfos: { targetId: string; type: string; title: string }[] };
  const target = targetInfos.find((t) => t.type === 'worker');
  if (!target) return { used: NaN, total: NaN };
  const { sessionId } = (await cdp.send('Target.attachToTarget', { targetId: target.targetId, flatten: false })) as { sessionId: string };
  const reply = new Promise<{ usedSize: number; totalSize: number }>((resolve) => {
    cdp.on('Target.receivedMessageFromTarget', (e: { sessionId: string; message: string }) => {
      const msg = JSON.parse(e.message) as { id?: number; result?: { usedSize: number; totalSize: number } };
      if (e.sessionId === sessionId && msg.id === 2 && msg.result) resolve(msg.result);
    });
  });
  await cdp.send('Target.sendMessageToTarget', { sessionId, message: JSON.stringify({ id: 1, method: 'HeapProfiler.collectGarbage' }) });
  await cdp.send('Target.sendMessageToTarget', { sessionId, message: JSON.stringify({ id: 2, method: 'Runtime.getHeapUsage' }) });
  const r = await reply;
  await cdp.detach();
  return { used: r.usedSize / 1048576, total: r.totalSize / 1048576 };
}

async function main(): Promise<void> {
  if (!existsSync(path.join(staticDir, 'index.html'))) throw new Error(`no renderer in ${staticDir}: run \`npx electron-vite build\` first`);
  const file = capture();
  const size = statSync(file).size;
  console.log(`capture: ${file} (${frames} frames, ${(size / 1e6).toFixed(1)} MB)`);
  const dir = mkdtempSync(path.join(os.tmpdir(), 'packetlab-bench-'));
  mkdirSync(path.join(dir, 'labs'));
  const { child, url } = await serve(dir);
  const executablePath = ['/usr/bin/chromium', '/usr/bin/chromium-browser'].find((p) => existsSync(p));
  const browser = await chromium.launch({
    executablePath,
    args: ['--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--enable-precise-memory-info', '--js-flags=--expose-gc'],
  });
  try {
    const page = await browser.newPage({ viewport: { width: 1440, height: 1000 } });
    await page.goto(url);
    await page.getByRole('grid').or(page.getByText('No packets yet')).first().waitFor();
    const rssBefore = await rendererRssMB(browser);
    const workerReady = page.waitForEvent('worker');
    const t0 = Date.now();
    await page.getByLabel('Open capture…').setInputFiles(file);
    // The first row with its data (a row still being fetched shows "…").
    await page.waitForFunction(() => document.querySelector('[role=grid] [role=row][aria-rowindex="2"] [role=gridcell]')?.textContent === '1', undefined, { timeout: 120_000, polling: 'raf' });
    const firstRows = Date.now() - t0;
    console.log(`time to first rows visible: ${firstRows} ms (target < 1500 ms; includes handing the file to the page)`);
    await page.getByRole('progressbar').waitFor({ state: 'detached', timeout: 300_000 });
    console.log(`first pass over every frame (columns, colours, filter fields) done after: ${Date.now() - t0} ms`);

    const filter = page.getByRole('textbox', { name: 'Display filter' });
    await filter.fill('tcp.port == 443');
    const t1 = Date.now();
    await filter.press('Enter');
    await page.getByText(/^Displayed: /).waitFor({ timeout: 120_000 });
    const wall = Date.now() - t1;
    const inWorker = await page.getByText(/filtered in \d+ ms/).textContent();
    console.log(`filter tcp.port == 443: ${wall} ms wall (${inWorker?.trim()}); ${await page.getByText(/^Displayed: /).textContent()}`);

    // A filter on fields the first pass does not keep: every frame is dissected again.
    await filter.fill('http.request.method == "GET"');
    const before = await page.locator('footer.status').textContent();
    const t2 = Date.now();
    await filter.press('Enter');
    await page.waitForFunction((prev) => document.querySelector('footer.status')?.textContent !== prev, before, { timeout: 300_000, polling: 20 });
    console.log(`filter http.request.method == "GET" (re-dissects every frame): ${Date.now() - t2} ms wall; ${await page.getByText(/^Displayed: /).textContent()}`);

    await filter.fill('');
    await filter.press('Enter');
    await page.getByText(/ frames$/).waitFor();
    const idle = (await scrollFrameTimes(page, false)).intervals;
    console.log(`idle page (no scrolling, baseline of this machine): p50 ${percentile(idle, 50).toFixed(1)} ms, p95 ${percentile(idle, 95).toFixed(1)} ms`);
    // Several runs: on a shared machine one run's p95 is mostly other jobs' noise.
    for (let run = 0; run < scrollRuns; run++) {
      if (run === 0 && traceFile) await browser.startTracing(page, { path: traceFile, categories: ['devtools.timeline', 'disabled-by-default-devtools.timeline', 'v8.execute', 'blink.user_timing'] });
      const { intervals: times, work } = await scrollFrameTimes(page);
      if (run === 0 && traceFile) {
        await browser.stopTracing();
        console.log(`trace of the first scrolling run: ${traceFile}`);
      }
      console.log(`scrolling: ${times.length} frames, p50 ${percentile(times, 50).toFixed(1)} ms, p95 ${percentile(times, 95).toFixed(1)} ms, max ${Math.max(...times).toFixed(1)} ms (target p95 < 16 ms)`);
      console.log(`scrolling: main-thread work per frame (scroll event → after paint), ${work.length} frames: p50 ${percentile(work, 50).toFixed(1)} ms, p95 ${percentile(work, 95).toFixed(1)} ms, max ${Math.max(...work).toFixed(1)} ms`);
    }

    await sortByInfo(page);

    // Collect garbage in the page and the worker so RSS shows what is kept, not what is churned.
    const worker = await workerReady;
    for (let k = 0; k < 3; k++) {
      await worker.evaluate(() => (globalThis as unknown as { gc?: () => void }).gc?.());
      await page.evaluate(() => (globalThis as unknown as { gc?: () => void }).gc?.());
    }
    await page.waitForTimeout(1000);
    const main = await page.evaluate(() => (performance as unknown as { memory?: { usedJSHeapSize: number } }).memory?.usedJSHeapSize ?? 0);
    const rssAfter = await rendererRssMB(browser);
    const workerHeap = await workerHeapMB(browser);
    const grown = rssAfter - rssBefore;
    console.log(`memory: capture worker JS heap after GC ${workerHeap.used.toFixed(1)} MB used of ${workerHeap.total.toFixed(1)} MB (${((workerHeap.used * 1048576) / frames).toFixed(0)} B per frame; the file's bytes are an ArrayBuffer outside it)`);
    console.log(
      `memory: page JS heap ${(main / 1e6).toFixed(1)} MB; renderer process RSS ${rssBefore.toFixed(0)} → ${rssAfter.toFixed(0)} MB ` +
        `(+${grown.toFixed(0)} MB for a ${(size / 1e6).toFixed(0)} MB file: ${(((grown * 1048576) - size) / frames).toFixed(0)} B per frame beyond the file's bytes)`,
    );
  } finally {
    await browser.close();
    child.kill('SIGTERM');
    rmSync(dir, { recursive: true, force: true });
  }
}

void main().catch((e) => {
  console.error(e);
  process.exitCode = 1;
});
