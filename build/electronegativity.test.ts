// The electronegativity gate must fail on real misconfigurations (it cannot rely on the tool's exit code).
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
// @ts-expect-error — plain ESM script without type declarations
import { runElectronegativity } from './scripts/electronegativity.mjs';

describe('electronegativity gate', () => {
  it('blocks an insecure window configuration', () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'en-'));
    try {
      writeFileSync(
        path.join(dir, 'main.js'),
        "const { BrowserWindow } = require('electron');\nnew BrowserWindow({ webPreferences: { nodeIntegration: true, contextIsolation: false, sandbox: false, webSecurity: false } });\n",
      );
      const result = runElectronegativity(dir);
      expect(result.ok).toBe(false);
      const ids = result.blocking.map((f: { id: string }) => f.id);
      expect(ids).toContain('WEB_SECURITY_JS_CHECK');
      expect(ids).toContain('SANDBOX_JS_CHECK');
      expect(ids).toContain('CONTEXT_ISOLATION_JS_CHECK');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }, 60_000);
});
