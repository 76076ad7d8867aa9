// A chunked HTTP body over many segments costs its length, not its length squared: TCP grows one
// PDU (each segment's bytes copied once) and HTTP goes on from the chunk it stopped at. Checked by
// counting the work (bytes copied by reassembly, chunk-size lines and header bytes read by HTTP)
// on the real chunked download (fixtures/src/http-chunked-download.sh) cut at half and whole; and
// random segmentations, orderings and retransmissions of it print the same lines in every mode,
// the completing frame carrying the fields the real capture's does.
import { describe, it, expect } from 'vitest';
import fc from 'fast-check';
import { fileURLToPath } from 'node:url';
import { createPacket, createSession } from '../index';
import { fieldColumns, fieldsRow } from '../summary';
import { httpWork } from './http';
import { reassemblyWork } from './tcp-reassembly';
import { exchangeOf, fastLinesOf, framesOf, linesOf, resent, tcpOf, type Exchange, type Frame } from '../test-support/resegment';

const frames = framesOf(fileURLToPath(new URL('../fixtures/http-chunked-download.pcapng', import.meta.url)));
// The /big connection (up to the second SYN) and the server's bytes in it.
const big = frames.slice(0, frames.findIndex((f, i) => i > 0 && isSyn(f.data)));
const x = exchangeOf(big, 8080);

function isSyn(f: Uint8Array): boolean {
  return tcpOf(f) !== null && (f[14 + (f[14] & 15) * 4 + 13] & 0x12) === 0x02;
}

/** The stream's first `len` bytes in segments of `size` bytes. */
function inSegments(ex: Exchange, len: number, size: number): Frame[] {
  const ranges: [number, number][] = [];
  for (let o = 0; o < len; o += size) ranges.push([o, Math.min(len, o + size)]);
  return resent(ex, ranges);
}

/** Work done dissecting the frames (summary lines, or a tree): bytes copied, chunk-size lines read, head bytes scanned. */
function workOf(fs: Frame[], tree: boolean): [number, number, number] {
  reassemblyWork.copied = 0;
  httpWork.chunkLines = 0;
  httpWork.headScanned = 0;
  if (tree) linesOf(fs, 'tree');
  else fastLinesOf(fs, 'unkept');
  return [reassemblyWork.copied, httpWork.chunkLines, httpWork.headScanned];
}

/** Each kind of work at most `limit` times as much for the whole as for the half. */
function linear(half: number[], whole: number[], limit: number, what: string): void {
  for (let k = 0; k < half.length; k++) if (whole[k] > 0) expect(whole[k] / Math.max(1, half[k]), `${what} [${k}]`).toBeLessThan(limit);
}

const ROW = ['http.response.code', 'http.transfer_encoding', 'tcp.reassembled.length', 'frame.protocols', 'http.request_in'];

/** Field rows of frames that carry an HTTP response code. */
function responseRows(fs: Frame[]): string[] {
  const session = createSession({});
  const p = createPacket({ tree: false, columns: false, wanted: new Set(ROW) });
  const cols = fieldColumns(ROW);
  const rows: string[] = [];
  fs.forEach((f, i) => {
    session.dissect(p, f.data, i + 1, f.data.length, f.sec, f.ns, 1);
    if (p.values('http.response.code').length) rows.push(fieldsRow(p, cols));
  });
  return rows;
}

describe('a chunked body over many segments', () => {
  it('costs work linear in its length (half the download, then all of it; small segments, summary lines and tree)', () => {
    const len = x.stream.length;
    expect(len).toBeGreaterThan(600000);
    for (const tree of [false, true]) {
      for (const size of [536, 1448]) {
        const half = workOf(inSegments(x, len >> 1, size), tree);
        const whole = workOf(inSegments(x, len, size), tree);
        // quadratic would be ~4× (and the bytes copied hundreds of times the length)
        linear(half, whole, 2.3, `${size} ${tree}`);
        expect(whole[0], `${size} ${tree}`).toBeLessThan(4 * len);
        expect(half[0]).toBeGreaterThan(len >> 1); // (the counters count)
        expect(half[1]).toBeGreaterThan(60);
      }
    }
  });

  it('a head that never ends (no line feed for 300 kB) costs work linear in its length too', () => {
    // the real download with every CR and LF of its first 300 kB turned into a space
    const stream = x.stream.slice();
    for (let i = 0; i < 300000; i++) if (stream[i] === 10 || stream[i] === 13) stream[i] = 32;
    const endless = { ...x, stream };
    const half = workOf(inSegments(endless, 150000, 536), false);
    const whole = workOf(inSegments(endless, 300000, 536), false);
    linear(half, whole, 2.3, 'head');
    expect(whole[2]).toBeLessThan(3 * 300000);
  });

  const len = x.stream.length;
  const sizes = fc.array(fc.integer({ min: 100, max: 6000 }), { minLength: 1, maxLength: 20 });
  const resends = fc.array(fc.tuple(fc.nat(len - 1), fc.integer({ min: 1, max: 3000 }), fc.nat()), { maxLength: 8 });

  /** The stream in segments of the given sizes (cycled), with copies of any range inserted after the first segment. */
  function segmented(sz: number[], again: [number, number, number][]): [number, number][] {
    const ranges: [number, number][] = [];
    for (let o = 0, k = 0; o < len; k++) {
      const to = Math.min(len, o + sz[k % sz.length]);
      ranges.push([o, to]);
      o = to;
    }
    for (const [from, n, where] of again) ranges.splice(1 + (where % ranges.length), 0, [from, Math.min(len, from + n)]);
    return ranges;
  }

  function sameEverywhere(fs: Frame[]): string[] {
    const unkept = fastLinesOf(fs, 'unkept');
    expect(linesOf(fs, 'unkept')).toEqual(unkept);
    expect(linesOf(fs, 'kept')).toEqual(unkept);
    expect(linesOf(fs, 'tree')).toEqual(unkept);
    return unkept;
  }

  it('random segmentations with retransmissions complete once, with the fields of the real capture, the same in every mode', () => {
    const real = responseRows(big);
    expect(real).toEqual(['200\tchunked\t603953\teth:ethertype:ip:tcp:http:data-text-lines\t4']);
    fc.assert(fc.property(sizes, resends, (sz, again) => {
      const fs = resent(x, segmented(sz, again));
      const lines = sameEverywhere(fs);
      expect(lines.filter((l) => l.endsWith(' HTTP/1.1 200 OK  (text/plain)'))).toHaveLength(1);
      expect(responseRows(fs)).toEqual(real);
    }), { numRuns: 20 });
  });

  it('segments out of order (a PDU growing a segment at a time drops the pieces beyond its next byte) print the same lines in every mode', () => {
    fc.assert(fc.property(sizes, resends, fc.array(fc.nat(), { minLength: 1, maxLength: 8 }), (sz, again, swaps) => {
      const ranges = segmented(sz, again);
      for (const s of swaps) {
        const i = s % ranges.length;
        if (i + 1 < ranges.length) [ranges[i], ranges[i + 1]] = [ranges[i + 1], ranges[i]];
      }
      sameEverywhere(resent(x, ranges));
    }), { numRuns: 20 });
  });
});
