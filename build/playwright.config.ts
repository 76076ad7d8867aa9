// End-to-end tests: the built renderer in serve mode, driven in Chromium. Debian's /usr/bin/chromium
// when present (these machines cannot download Playwright's browsers), Playwright's own otherwise.
import { defineConfig } from '@playwright/test';
import { existsSync, mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

const root = path.resolve(__dirname, '..');
const systemChromium = ['/usr/bin/chromium', '/usr/bin/chromium-browser'].find((p) => existsSync(p));

// Keep Chromium's profile, caches and crash reports out of $HOME.
const scratch = mkdtempSync(path.join(os.tmpdir(), 'packetlab-e2e-'));
process.env.XDG_CONFIG_HOME ??= path.join(scratch, 'config');
process.env.XDG_CACHE_HOME ??= path.join(scratch, 'cache');

export default defineConfig({
  testDir: path.join(root, 'e2e'),
  testMatch: '**/*.spec.ts',
  outputDir: path.join(root, 'test-results'),
  workers: 1,
  fullyParallel: false,
  retries: 0,
  timeout: 60_000,
  expect: { timeout: 10_000 },
  reporter: [['list'], ['json', { outputFile: path.join(root, '.reports', 'playwright.json') }]],
  use: {
    browserName: 'chromium',
    viewport: { width: 1440, height: 900 },
    trace: 'retain-on-failure',
    screenshot: 'only-on-failure',
    launchOptions: {
      ...(systemChromium ? { executablePath: systemChromium } : {}),
      args: [
        '--no-sandbox',
        '--disable-gpu',
        '--disable-dev-shm-usage',
        '--disable-quic',
        '--no-first-run',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
      ],
    },
  },
});
