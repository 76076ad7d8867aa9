import { describe, expect, it } from 'vitest';
import { APP_VERSION } from '../../src-shared/app-info';
import { runCli } from './main';

async function run(...argv: string[]) {
  let out = '';
  let err = '';
  const code = await runCli(argv, { out: (t) => (out += t), err: (t) => (err += t), cwd: process.cwd() });
  return { code, out, err };
}

describe('packetlab CLI', () => {
  it('prints help listing its commands', async () => {
    const { code, out } = await run('--help');
    expect(code).toBe(0);
    expect(out).toMatch(/Usage: packetlab <command>/);
    expect(out).toMatch(/^ {2}serve +serve the PacketLab UI/m);
  });

  it('prints its version', async () => {
    expect(await run('--version')).toEqual({ code: 0, out: `${APP_VERSION}\n`, err: '' });
  });

  it('rejects unknown commands and options with exit code 2', async () => {
    const unknown = await run('frobnicate');
    expect(unknown.code).toBe(2);
    expect(unknown.err).toContain("unknown command 'frobnicate'");
    const badOption = await run('serve', '--port', 'eighty');
    expect(badOption.code).toBe(2);
    expect(badOption.err).toContain('--port must be a whole number');
  });

  it('prints command usage with --help', async () => {
    const { code, out } = await run('serve', '--help');
    expect(code).toBe(0);
    expect(out).toContain('--port N');
  });
});
