// The benchmark's generated capture is real enough to benchmark on: tshark reads it, and our
// dissector prints exactly what tshark prints for the three benchmarked commands. Then the bench
// script itself runs end to end on a small capture (figures are not asserted: machines differ).
import { describe, it, expect } from 'vitest';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { generateMixedPcap } from './gen-mixed-pcap';
import { runDissect } from '../../src-main/cli/commands/dissect';

const FIXTURES = fileURLToPath(new URL('../../src-shared/net/dissect/fixtures', import.meta.url));
const FRAMES = 3000;

async function ours(args: string[]): Promise<string> {
  let out = '';
  const code = await runDissect(args, { out: (t) => (out += t), err: () => {}, cwd: os.tmpdir() });
  expect(code).toBe(0);
  return out;
}

function tshark(args: string[]): string {
  return execFileSync('tshark', args, { encoding: 'utf8', maxBuffer: 256 << 20, stdio: ['ignore', 'pipe', 'ignore'] });
}

describe('dissection benchmark', () => {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'bench-'));
  const file = path.join(dir, 'mixed.pcap');
  const bytes = generateMixedPcap(FRAMES, FIXTURES, 7);
  writeFileSync(file, bytes);

  it('generates a classic pcap of mixed DNS/HTTP frames averaging about 281 bytes', () => {
    expect(bytes[0] | (bytes[1] << 8) | (bytes[2] << 16) | ((bytes[3] << 24) >>> 0)).toBe(0xa1b2c3d4 | 0);
    const average = (bytes.length - 24) / FRAMES - 16;
    expect(average).toBeGreaterThan(240);
    expect(average).toBeLessThan(330);
    const hierarchy = tshark(['-r', file, '-q', '-z', 'io,phs']);
    expect(hierarchy).toMatch(/dns\s+frames:\d+/);
    expect(hierarchy).toMatch(/http\s+frames:\d+/);
  });

  it('the three benchmarked commands print exactly what tshark prints', async () => {
    expect(await ours([file, '-e', 'frame.number', '-e', 'ip.src'])).toBe(tshark(['-r', file, '-T', 'fields', '-e', 'frame.number', '-e', 'ip.src']));
    expect(await ours([file, '-Y', 'dns'])).toBe(tshark(['-r', file, '-Y', 'dns']));
    const more = ['tcp.stream', 'tcp.seq', 'tcp.ack', 'dns.id', 'http.request.uri', 'udp.stream', '_ws.expert.message'].flatMap((f) => ['-e', f]);
    expect(await ours([file, ...more])).toBe(tshark(['-r', file, '-T', 'fields', ...more]));
    expect(await ours([file])).toBe(tshark(['-r', file]));
  }, 120_000);

  it('runs end to end and reports ratios and memory per frame', async () => {
    const lines: string[] = [];
    // @ts-expect-error plain ESM script without type declarations
    const { runDissectBench } = await import('./bench.mjs');
    const result = await runDissectBench({ frames: 2000, repeat: 2, outDir: path.join(dir, 'run'), log: (l: string) => lines.push(l) });
    expect(result.results.map((r: { name: string }) => r.name)).toEqual(['fields -e frame.number -e ip.src', 'summary lines', 'filter dns (-Y dns)']);
    for (const r of result.results) {
      expect(r.speedup).toBeGreaterThan(0);
      expect(Number.isFinite(r.oursBytesPerFrame)).toBe(true);
      // the median lies within the alternated runs' range
      expect(r.runs).toBe(2);
      expect(r.oursCpuSeconds).toBeGreaterThanOrEqual(r.oursCpuRange[0]);
      expect(r.oursCpuSeconds).toBeLessThanOrEqual(r.oursCpuRange[1]);
    }
    expect(lines.join('\n')).toContain('speedup');
  }, 300_000);
});
