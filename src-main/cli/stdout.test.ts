// writeStdoutSync through a real pipe: every byte arrives in order even when the pipe fills (the
// reader is slower than the writer), and a reader that goes away ends the output without an error.
import { build } from 'esbuild';
import { spawn, spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tempDir } from '../host/test-support';

const tmp = tempDir('stdout-');
const script = path.join(tmp.dir, 'writer.cjs');
const SIZE = 8 * 1024 * 1024;

beforeAll(async () => {
  const entry = path.join(tmp.dir, 'writer.ts');
  const module = fileURLToPath(new URL('./stdout.ts', import.meta.url));
  writeFileSync(
    entry,
    `import { writeStdoutSync } from ${JSON.stringify(module)};
     const chunk = new Uint8Array(65536);
     for (let i = 0; i < ${SIZE} / chunk.length; i++) { chunk.fill(i & 0xff); writeStdoutSync(chunk); }
     process.stderr.write('done');`,
  );
  await build({ entryPoints: [entry], outfile: script, bundle: true, platform: 'node', format: 'cjs', logLevel: 'silent' });
});
afterAll(() => tmp.remove());

describe('writeStdoutSync', () => {
  it('delivers every byte in order through a slow pipe', async () => {
    const child = spawn(process.execPath, [script], { stdio: ['ignore', 'pipe', 'pipe'] });
    const chunks: Buffer[] = [];
    child.stdout.on('data', (c: Buffer) => {
      chunks.push(c);
      // A slow reader: the pipe fills and the writer must wait, not lose bytes.
      child.stdout.pause();
      setTimeout(() => child.stdout.resume(), 1);
    });
    const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
    expect(code).toBe(0);
    const all = Buffer.concat(chunks);
    expect(all.length).toBe(SIZE);
    for (let i = 0; i < SIZE; i += 65536) expect(all[i]).toBe((i / 65536) & 0xff);
  });

  it('stops quietly when the reader goes away (| head)', () => {
    const r = spawnSync('sh', ['-c', `"${process.execPath}" "${script}" | head -c 10 > /dev/null`], { encoding: 'utf8' });
    expect(r.status).toBe(0);
    // The writer ran to its end: no EPIPE exception, no stack trace.
    expect(r.stderr).toBe('done');
  });
});
