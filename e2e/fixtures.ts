// Playwright fixtures: PacketLab in serve mode with its own temporary lab and data folders, and a page
// that fails the test on any console error or uncaught exception.
import { test as base, expect, type Page } from '@playwright/test';
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

const root = path.resolve(__dirname, '..');

export interface ServedApp {
  /** URL with the launch token, as printed by `packetlab serve`. */
  url: string;
  port: number;
  labDir: string;
  dataDir: string;
  /** Stops the server (the page stays open, as when a user's server dies). */
  stop(): Promise<void>;
  /** Starts the server again on the same port and folders; returns the new URL (new token). */
  restart(): Promise<string>;
}

function startServe(args: string[]): Promise<{ child: ChildProcess; url: string; port: number }> {
  if (!existsSync(path.join(root, 'out/renderer/index.html'))) {
    throw new Error('out/renderer is not built: run `npx electron-vite build` (npm test does it) before the end-to-end tests');
  }
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [path.join(root, 'bin/packetlab'), 'serve', ...args], { cwd: root, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    const timer = setTimeout(() => reject(new Error(`serve did not start in 20 s:\n${output}`)), 20_000);
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      const match = /^PacketLab listening on (http:\/\/127\.0\.0\.1:(\d+)\/\?token=\S+)$/m.exec(output);
      if (match) {
        clearTimeout(timer);
        resolve({ child, url: match[1], port: Number(match[2]) });
      }
    };
    child.stdout!.on('data', onData);
    child.stderr!.on('data', onData);
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`serve exited with ${code}:\n${output}`));
    });
  });
}

function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    child.once('exit', () => resolve());
    child.kill('SIGTERM');
  });
}

export const test = base.extend<{ app: ServedApp; appPage: Page; consoleErrors: string[] }>({
  app: async ({}, use) => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'packetlab-serve-'));
    const labDir = path.join(dir, 'labs');
    const dataDir = path.join(dir, 'data');
    mkdirSync(labDir);
    let running = await startServe(['--port', '0', '--labs', labDir, '--data', dataDir]);
    const port = running.port;
    const app: ServedApp = {
      url: running.url,
      port,
      labDir,
      dataDir,
      stop: () => stopChild(running.child),
      async restart() {
        await stopChild(running.child);
        running = await startServe(['--port', String(port), '--labs', labDir, '--data', dataDir]);
        app.url = running.url;
        return running.url;
      },
    };
    await use(app);
    await stopChild(running.child);
    rmSync(dir, { recursive: true, force: true });
  },
  consoleErrors: async ({}, use) => {
    await use([]);
  },
  appPage: async ({ page, app, consoleErrors }, use) => {
    page.on('console', (msg) => {
      if (msg.type() === 'error') consoleErrors.push(msg.text());
    });
    page.on('pageerror', (error) => consoleErrors.push(`uncaught: ${error.message}`));
    await page.goto(app.url);
    await use(page);
  },
});

export { expect };

/** ARIA 1.3's `mark` role (highlighted bytes): Playwright finds it, but its role type does not list it yet. */
export const MARK_ROLE = 'mark' as Parameters<Page['getByRole']>[0];
