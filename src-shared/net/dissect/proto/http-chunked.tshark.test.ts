// tshark parity for a real chunked HTTP download (fixtures/src/http-chunked-download.sh: node's
// http server, curl, dumpcap): ~600 kB in 120 chunks of 1 B to 16 kB over ~400 segments, then a
// response that stops inside a chunk (the server resets the connection). Summary lines and the reassembly fields of every frame,
// the capture whole and cut short, and random in-order resegmentations of the download.
// A missing tshark fails.
import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import fc from 'fast-check';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { createPacket, createSession } from '../index';
import { fieldColumns, fieldsRow } from '../summary';
import { exchangeOf, fastLinesOf, framesOf, linesOf, pcapOf, resent, tcpOf, type Frame } from '../test-support/resegment';

const FILE = fileURLToPath(new URL('../fixtures/http-chunked-download.pcapng', import.meta.url));
const FIELDS = ['frame.number', 'http.response.code', 'http.content_length', 'tcp.reassembled.length', 'http.transfer_encoding', 'frame.protocols', 'http.request_in'];

let tmp = '';
beforeAll(() => {
  tmp = mkdtempSync(path.join(os.tmpdir(), 'packetlab-chunked-'));
});
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

function tshark(file: string, args: string[] = []): string[] {
  // No try/catch: without tshark this throws and the test fails, as it must.
  return execFileSync('tshark', ['-r', file, ...args], { encoding: 'utf8', maxBuffer: 1 << 26, stdio: ['ignore', 'pipe', 'ignore'] }).split('\n').filter((l) => l !== '');
}

/** Lines without their time column (number, then the rest from the addresses on). */
function untimed(lines: string[]): string[] {
  return lines.map((l) => l.trim().replace(/^(\d+)\s+\S+\s+/, '$1 ').replace(/\s+/g, ' '));
}

function fieldRows(frames: Frame[], fields: string[]): string[] {
  const session = createSession({});
  const p = createPacket({ tree: false, columns: false, wanted: new Set(fields) });
  const cols = fieldColumns(fields);
  return frames.map((f, i) => {
    session.dissect(p, f.data, i + 1, f.data.length, f.sec, f.ns, 1);
    return fieldsRow(p, cols);
  });
}

function tsharkFields(frames: Frame[], name: string): string[] {
  const file = path.join(tmp, `${name}.pcap`);
  writeFileSync(file, pcapOf(frames));
  return tshark(file, ['-T', 'fields', ...FIELDS.flatMap((f) => ['-e', f])]);
}

function isSyn(f: Uint8Array): boolean {
  return tcpOf(f) !== null && (f[14 + (f[14] & 15) * 4 + 13] & 0x12) === 0x02;
}

function sameLines(name: string, frames: Frame[]): string[] {
  const file = path.join(tmp, `${name}.pcap`);
  writeFileSync(file, pcapOf(frames));
  const ours = fastLinesOf(frames, 'unkept', 6);
  expect(untimed(ours), name).toEqual(untimed(tshark(file)));
  expect(linesOf(frames, 'tree', 6), name).toEqual(ours);
  return ours;
}

describe('a real chunked download against tshark', () => {
  const frames = framesOf(FILE);
  // The /big connection: up to the second SYN.
  const second = frames.findIndex((f, i) => i > 0 && isSyn(f.data));
  const big = frames.slice(0, second);

  it('summary lines of every frame, whole and cut short at several points (before the response, inside its body, in the cut response)', () => {
    expect(second).toBeGreaterThan(400);
    const lines = sameLines('whole', frames);
    // the completing frame of each response, the segments before it as tshark shows them
    expect(lines.filter((l) => / HTTP \d+ HTTP\/1\.1 200 OK {2}\(text\/plain\)$/.test(l))).toHaveLength(1);
    expect(lines.filter((l) => / TCP \d+ HTTP\/1\.1 200 OK {2}\[TCP segment of a reassembled PDU\]$/.test(l)).length).toBeGreaterThan(400);
    for (const n of [7, 60, 200, 450, second - 30]) sameLines(`cut-${n}`, frames.slice(0, n));
  });

  it('segments lost in the middle of the body: what follows the gap is continuation data, as in tshark', () => {
    const lines = sameLines('lost', [...frames.slice(0, 200), ...frames.slice(230)]);
    expect(lines.filter((l) => / HTTP \d+ (\[TCP Previous segment not captured\] )?Continuation$/.test(l)).length).toBeGreaterThan(100);
    const lost = [...frames.slice(0, 200), ...frames.slice(230)];
    expect(fieldRows(lost, FIELDS)).toEqual(tsharkFields(lost, 'lost-fields'));
  });

  it('reassembly and HTTP fields of every frame (tcp.reassembled.length only where the message completes)', () => {
    expect(fieldRows(frames, FIELDS)).toEqual(tshark(FILE, ['-T', 'fields', ...FIELDS.flatMap((f) => ['-e', f])]));
    // alone, it still needs HTTP to say where the PDU ends
    const alone = fieldRows(frames, ['tcp.reassembled.length']);
    expect(alone).toEqual(execFileSync('tshark', ['-r', FILE, '-T', 'fields', '-e', 'tcp.reassembled.length'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).split('\n').slice(0, -1));
    expect(alone.filter((r) => r !== '')).toHaveLength(1);
  });

  it('random in-order resegmentations of the download (segments of 200 B to 4 kB)', () => {
    const x = exchangeOf(big, 8080);
    const len = x.stream.length;
    let run = 0;
    fc.assert(fc.property(fc.array(fc.integer({ min: 200, max: 4000 }), { minLength: 1, maxLength: 30 }), (sizes) => {
      const ranges: [number, number][] = [];
      for (let o = 0, k = 0; o < len; k++) {
        const to = Math.min(len, o + sizes[k % sizes.length]);
        ranges.push([o, to]);
        o = to;
      }
      sameLines(`random-${run++}`, resent(x, ranges));
    }), { numRuns: 4, seed: 20261123 });
  });
});
