// tshark parity for HTTP messages reassembled without their bodies' bytes (summary lines, where
// nobody reads a body): the real 200 kB download with lost and fast-retransmitted segments,
// whole and cut short, and real exchanges with their bodies sent again in many segments must
// print tshark's lines (time column aside: same values, other widths), and the tree path the
// same. (Other segmentations — gaps, overlaps, any order — are checked against the
// bytes-keeping path in http-bodies.test.ts.) A missing tshark fails.
import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import fc from 'fast-check';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { exchangeOf, fastLinesOf, framesOf, linesOf, pcapOf, resent, type Exchange, type Frame } from '../test-support/resegment';

const FIXTURES = fileURLToPath(new URL('../fixtures', import.meta.url));

let tmp = '';
beforeAll(() => {
  tmp = mkdtempSync(path.join(os.tmpdir(), 'packetlab-httpbodies-'));
});
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

/** Lines without their time column (number, then the rest from the addresses on). */
function untimed(lines: string[]): string[] {
  return lines.map((l) => l.trim().replace(/^(\d+)\s+\S+\s+/, '$1 ').replace(/\s+/g, ' '));
}

function tsharkLines(file: string): string[] {
  // No try/catch: without tshark this throws and the test fails, as it must.
  return execFileSync('tshark', ['-r', file], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).split('\n').filter((l) => l !== '');
}

function same(name: string, frames: Frame[]): void {
  const file = path.join(tmp, `${name}.pcap`);
  writeFileSync(file, pcapOf(frames));
  const ours = fastLinesOf(frames, 'unkept', 6);
  expect(untimed(ours), name).toEqual(untimed(tsharkLines(file)));
  expect(linesOf(frames, 'tree', 6)).toEqual(ours);
}

function check(name: string, x: Exchange, ranges: [number, number][]): void {
  same(name, resent(x, ranges));
}

/** [head start, body start, body end] of each message of a stream of Content-Length messages. */
function messages(x: Exchange): [number, number, number][] {
  const text = new TextDecoder().decode(x.stream);
  const out: [number, number, number][] = [];
  for (let o = 0; o < text.length; ) {
    const body = text.indexOf('\r\n\r\n', o) + 4;
    const len = Number(/content-length: *(\d+)/i.exec(text.slice(o, body))![1]);
    out.push([o, body, body + len]);
    o = body + len;
  }
  return out;
}

/** Segments cut only inside bodies, every `n` bytes, and at the ends of messages. */
function bodyCuts(x: Exchange, n: number, first = 3): [number, number][] {
  const cuts: number[] = [];
  for (const [, body, end] of messages(x)) {
    for (let c = body + first; c < end; c += n) cuts.push(c);
    cuts.push(end);
  }
  const at = [0, ...cuts.filter((c) => c < x.stream.length), x.stream.length];
  const out: [number, number][] = [];
  for (let i = 0; i + 1 < at.length; i++) out.push([at[i], at[i + 1]]);
  return out;
}

describe('HTTP bodies not kept: summary lines against tshark', () => {
  const keepAlive = exchangeOf(framesOf(`${FIXTURES}/http-keepalive-3req.pcapng`), 18080);
  const redirect = exchangeOf(framesOf(`${FIXTURES}/http-redirect-301.pcapng`), 18080);
  const json = exchangeOf(framesOf(`${FIXTURES}/http-post-json.pcapng`), 18080);
  const all = [['keepalive', keepAlive], ['redirect', redirect], ['json', json]] as const;

  it('the real 200 kB download (lost segments, fast retransmissions), whole and cut short inside its body', () => {
    const frames = framesOf(`${FIXTURES}/tcp-retransmissions.pcapng`);
    for (const n of [frames.length, 40, 120, 214]) same(`blob-${n}`, frames.slice(0, n));
  });

  it('bodies split into several segments', () => {
    for (const [name, x] of all) for (const n of [5, 16, 40]) check(`${name}-${n}`, x, bodyCuts(x, n));
  });

  it('heads split anywhere, several messages in one segment, a next message starting in the segment that ends a body', () => {
    for (const [name, x] of all) {
      const len = x.stream.length;
      // In order (tshark 4.0 reassembles an out-of-order segment otherwise than a lost one), and
      // never inside a message's first 8 bytes ("HTTP/1.1": with fewer, tshark waits for more
      // where we show a continuation).
      const starts = messages(x).map(([start]) => start);
      const cut = fc.integer({ min: 1, max: len - 1 }).filter((c) => !starts.some((st) => c > st && c < st + 8));
      const cuts = fc.uniqueArray(cut, { minLength: 1, maxLength: 12 });
      let run = 0;
      fc.assert(fc.property(cuts, (c) => {
        const at = [0, ...c.sort((a, b) => a - b), len];
        check(`${name}-random-${run++}`, x, at.slice(1).map((to, i) => [at[i], to]));
      }), { numRuns: 10, seed: 20261122 });
    }
  });
});
