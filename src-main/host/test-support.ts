// Temporary folders and a host-services instance for tests of the host and serve layers.
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createHostServices, type HostOptions } from './services';

export function tempDir(prefix = 'packetlab-test-'): { dir: string; remove(): void } {
  const dir = mkdtempSync(path.join(os.tmpdir(), prefix));
  return { dir, remove: () => rmSync(dir, { recursive: true, force: true }) };
}

export function serveServices(dir: string, overrides: Partial<HostOptions> = {}) {
  return createHostServices({
    mode: 'serve',
    dataDir: path.join(dir, 'data'),
    labFolder: path.join(dir, 'labs'),
    templatesDir: path.join(dir, 'templates'),
    initialLab: null,
    platform: 'linux',
    ...overrides,
  });
}
