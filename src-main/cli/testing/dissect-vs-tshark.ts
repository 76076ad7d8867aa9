// Test support: the output lines of tshark and of `packetlab dissect` for the same arguments, for
// the suites that compare the two line by line.
import { expect } from 'vitest';
import { execFileSync } from 'node:child_process';
import { runCli } from '../main';

/** tshark's non-empty output lines. No try/catch: without tshark this throws and the test fails, as it must. */
export function tsharkLines(args: string[], cwd?: string): string[] {
  return execFileSync('tshark', args, { cwd, encoding: 'utf8', maxBuffer: 64 << 20, stdio: ['ignore', 'pipe', 'ignore'] })
    .split('\n')
    .filter((l) => l !== '');
}

/** `packetlab dissect ARGS`'s non-empty output lines; it must succeed without a word on stderr. */
export async function dissectLines(args: string[], cwd: string): Promise<string[]> {
  let out = '';
  let err = '';
  const code = await runCli(['dissect', ...args], { out: (t) => (out += t), err: (t) => (err += t), cwd });
  expect(err).toBe('');
  expect(code).toBe(0);
  return out.split('\n').filter((l) => l !== '');
}
