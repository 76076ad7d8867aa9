// The layering of DESIGN.md §1 is enforced by build/eslint.config.mjs: prove each rule fires.
import { ESLint } from 'eslint';
import { fileURLToPath } from 'node:url';
import path from 'node:path';
import { describe, expect, it } from 'vitest';

const root = fileURLToPath(new URL('..', import.meta.url));
const eslint = new ESLint({ cwd: root, overrideConfigFile: path.join(root, 'build/eslint.config.mjs') });

async function ruleIds(file: string, code: string): Promise<string[]> {
  const [result] = await eslint.lintText(code, { filePath: path.join(root, file) });
  return result.messages.map((m) => m.ruleId ?? m.message);
}

describe('layering lint', () => {
  it('keeps node, electron and the DOM out of src-shared', async () => {
    expect(await ruleIds('src-shared/net/x.ts', "import { readFileSync } from 'node:fs';\nexport const f = readFileSync;\n")).toContain('no-restricted-imports');
    expect(await ruleIds('src-shared/net/x.ts', "import path from 'path';\nexport const f = path;\n")).toContain('no-restricted-imports');
    expect(await ruleIds('src-shared/net/x.ts', "import { app } from 'electron';\nexport const a = app;\n")).toContain('no-restricted-imports');
    expect(await ruleIds('src-shared/net/x.ts', 'export const t = document.title;\n')).toContain('no-restricted-globals');
    expect(await ruleIds('src-shared/net/x.ts', 'export const b = Buffer.from([1]);\n')).toContain('no-restricted-globals');
  });

  it('allows src-shared to import its own folders, even ones named like Node modules', async () => {
    expect(await ruleIds('src-shared/lab/x.ts', "import { z } from '../net/addr';\nexport const y = z;\n")).toEqual([]);
  });

  it('keeps electron out of the engine, host and serve, and the wall clock out of the engine', async () => {
    expect(await ruleIds('src-main/engine/x.ts', "import { app } from 'electron';\nexport const a = app;\n")).toContain('no-restricted-imports');
    expect(await ruleIds('src-main/host/x.ts', "import { app } from 'electron';\nexport const a = app;\n")).toContain('no-restricted-imports');
    expect(await ruleIds('src-main/engine/x.ts', 'export const r = Math.random();\n')).toContain('no-restricted-properties');
    expect(await ruleIds('src-main/engine/x.ts', 'export const t = Date.now();\n')).toContain('no-restricted-properties');
    expect(await ruleIds('src-main/electron/x.ts', "import { app } from 'electron';\nexport const a = app;\n")).toEqual([]);
  });

  it('keeps the renderer on the IPC contract', async () => {
    expect(await ruleIds('src-renderer/src/x.ts', "import { createHostServices } from '../../src-main/host/services';\nexport const s = createHostServices;\n")).toContain('no-restricted-imports');
    expect(await ruleIds('src-renderer/src/x.ts', "import { ipcRenderer } from 'electron';\nexport const i = ipcRenderer;\n")).toContain('no-restricted-imports');
    expect(await ruleIds('src-renderer/src/x.ts', "import { REQUEST_NAMES } from '../../src-shared/ipc/channels';\nexport const n = REQUEST_NAMES;\n")).toEqual([]);
  });
});
