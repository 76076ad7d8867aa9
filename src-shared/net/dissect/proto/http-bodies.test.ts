// HTTP bodies of known length that nobody reads (summary lines, the renderer's column pass) are
// not kept by TCP reassembly, only which of their bytes arrived. Whatever the segmentation —
// gaps, retransmissions, overlaps, out-of-order, a next message in the last segment, a PDU the
// budget drops — the summary lines must equal those of the bytes-keeping path and of the tree.
import { describe, it, expect, vi, afterEach } from 'vitest';
import fc from 'fast-check';
import { fileURLToPath } from 'node:url';
import { createPacket } from '../index';
import { bodiesUnreadBy } from './http';
import { PendingPdu } from './tcp-reassembly';
import { REASSEMBLY_BUDGET } from './tcp';
import { exchangeOf, fastLinesOf, framesOf, linesOf, resent, tcpOf, type Exchange, type Frame } from '../test-support/resegment';

const FIXTURES = fileURLToPath(new URL('../fixtures', import.meta.url));
const fixture = (name: string) => framesOf(`${FIXTURES}/${name}`);

// Real exchanges with Content-Length bodies: three responses back to back (keep-alive), a JSON
// request and a JSON response, an HTML redirect and a 404 page; and a chunked one.
const EXCHANGES: { name: string; x: Exchange }[] = [
  { name: 'keep-alive responses', x: exchangeOf(fixture('http-keepalive-3req.pcapng'), 18080) },
  { name: 'JSON request', x: exchangeOf(fixture('http-post-json.pcapng'), clientPort('http-post-json.pcapng')) },
  { name: 'JSON response', x: exchangeOf(fixture('http-post-json.pcapng'), 18080) },
  { name: '301 + 200 html', x: exchangeOf(fixture('http-redirect-301.pcapng'), 18080) },
  { name: '404 html', x: exchangeOf(fixture('http-not-found-404.pcapng'), 18080) },
  // a chunked body: its bytes are read (chunk sizes), so always kept
  { name: 'chunked', x: exchangeOf(fixture('http-chunked-gzip.pcapng'), 18080) },
];

function clientPort(name: string): number {
  const syn = fixture(name).map((f) => tcpOf(f.data)).find((t) => t !== null)!;
  return syn.sport;
}

/** Every Packet mode and path prints the same lines; returns them. */
function sameEverywhere(frames: Frame[]): string[] {
  const unkept = fastLinesOf(frames, 'unkept');
  expect(linesOf(frames, 'unkept')).toEqual(unkept);
  expect(linesOf(frames, 'kept')).toEqual(unkept);
  expect(linesOf(frames, 'tree')).toEqual(unkept);
  return unkept;
}

/** Segment boundaries, then out-of-order swaps and retransmissions (any range, any later place). */
function segmentation(len: number) {
  return fc.record({
    cuts: fc.uniqueArray(fc.integer({ min: 1, max: Math.max(1, len - 1) }), { maxLength: Math.min(40, len - 1) }),
    swaps: fc.array(fc.nat(), { maxLength: 6 }),
    resends: fc.array(fc.tuple(fc.nat(len - 1), fc.integer({ min: 1, max: 200 }), fc.nat()), { maxLength: 6 }),
  }).map(({ cuts, swaps, resends }) => {
    const at = [0, ...cuts.filter((c) => c < len).sort((a, b) => a - b), len];
    const ranges: [number, number][] = [];
    for (let i = 0; i + 1 < at.length; i++) if (at[i] < at[i + 1]) ranges.push([at[i], at[i + 1]]);
    for (const s of swaps) {
      const i = s % ranges.length;
      if (i + 1 < ranges.length) [ranges[i], ranges[i + 1]] = [ranges[i + 1], ranges[i]];
    }
    for (const [from, n, where] of resends) ranges.splice(where % (ranges.length + 1), 0, [from, Math.min(len, from + n)]);
    return ranges;
  });
}

afterEach(() => {
  vi.restoreAllMocks();
});

describe('HTTP bodies nobody reads', () => {
  it('are unread only without a tree, without keepBodies and without a field or filter on a body', () => {
    expect(bodiesUnreadBy(createPacket({ tree: false, columns: true, wanted: new Set() }))).toBe(true);
    expect(bodiesUnreadBy(createPacket({ tree: false, columns: true, wanted: new Set(['http.response.code', 'tcp.stream']) }))).toBe(true);
    expect(bodiesUnreadBy(createPacket({ tree: false, columns: true, wanted: new Set(), keepBodies: true }))).toBe(false);
    expect(bodiesUnreadBy(createPacket({ tree: true, columns: true, wanted: null }))).toBe(false);
    expect(bodiesUnreadBy(createPacket({ tree: false, columns: true, wanted: null }))).toBe(false);
    for (const f of ['http', 'json', 'data-text-lines', 'data', 'data.data', 'data.len', 'png', 'frame.protocols']) {
      expect(bodiesUnreadBy(createPacket({ tree: false, columns: true, wanted: new Set([f]) })), f).toBe(false);
    }
    // wanted for their presence only (a filter's `http`, `data`): no value, so no body, is read
    expect(bodiesUnreadBy(createPacket({ tree: false, columns: true, wanted: new Set(['http', 'data', 'tcp.port']), presenceOnly: new Set(['http', 'data']) }))).toBe(true);
    expect(bodiesUnreadBy(createPacket({ tree: false, columns: true, wanted: new Set(['http', 'data']), presenceOnly: new Set(['http']) }))).toBe(false);
    expect(bodiesUnreadBy(createPacket({ tree: false, columns: true, wanted: new Set(['http', 'data.data']), presenceOnly: new Set(['http', 'data']) }))).toBe(false);
  });

  it('are not kept, yet every line equals the bytes-keeping path: the 200 kB download with lost, fast-retransmitted and out-of-order segments', () => {
    const assembled: { kept: number; length: number }[] = [];
    const orig = PendingPdu.prototype.assemble;
    vi.spyOn(PendingPdu.prototype, 'assemble').mockImplementation(function (this: PendingPdu) {
      const r = orig.call(this);
      assembled.push({ kept: r.length, length: this.length });
      return r;
    });
    const frames = fixture('tcp-retransmissions.pcapng');
    const lines = sameEverywhere(frames);
    expect(lines[214]).toMatch(/ HTTP 930 HTTP\/1\.1 200 OK $/);
    // in the unkept pass (the first), the 204800-byte body was left out
    expect(assembled[0].length - assembled[0].kept).toBe(204800);
  });

  it('random segmentations and orderings of real exchanges give the same lines in every mode', () => {
    let elided = 0;
    const orig = PendingPdu.prototype.assemble;
    vi.spyOn(PendingPdu.prototype, 'assemble').mockImplementation(function (this: PendingPdu) {
      if (this.elided > 0) elided++;
      return orig.call(this);
    });
    for (const { name, x } of EXCHANGES) {
      fc.assert(fc.property(segmentation(x.stream.length), (ranges) => {
        const frames = resent(x, ranges);
        const lines = sameEverywhere(frames);
        expect(lines.length, name).toBe(frames.length);
      }), { numRuns: 60 });
    }
    // (bodies were left out in the unkept runs: the comparison is not between two kept paths)
    expect(elided).toBeGreaterThan(50);
  });

  it('a next message starting in the segment that ends a body is dissected from the kept tail', () => {
    const { x } = EXCHANGES[0];
    const text = new TextDecoder().decode(x.stream);
    const second = text.indexOf('HTTP/1.1', 1);
    const bodyStart = text.indexOf('\r\n\r\n') + 4;
    // head + part of the body; the rest of the body with the whole second response and part of the third
    const third = text.indexOf('HTTP/1.1', second + 1);
    const frames = resent(x, [[0, bodyStart + 3], [bodyStart + 3, third + 20], [third + 20, x.stream.length]]);
    const lines = sameEverywhere(frames);
    const n = x.prefix.length;
    expect(lines[n]).toMatch(/\[TCP segment of a reassembled PDU\]$/);
    // the first response ends, the second is whole, the third starts (its PDU waits): each
    // message appends to Info, the unfinished one its first line (as tshark shows them)
    expect(lines[n + 1]).toMatch(/ HTTP \d+ HTTP\/1\.1 200 OK  \(text\/plain\)HTTP\/1\.1 200 OK  \(text\/plain\)HTTP\/1\.1 200 OK $/);
    expect(lines[n + 2]).toMatch(/ HTTP \d+ HTTP\/1\.1 200 OK  \(text\/plain\)$/);
  });

  it('a PDU dropped by the reassembly budget is dropped alike in every mode (the budget counts what the bytes-keeping path holds)', () => {
    // Cut-off copies of the 200 kB download on other client ports fill the budget; then the
    // first one goes on: its PDU was dropped, so the rest shows as continuation, not 200 OK.
    const all = fixture('tcp-retransmissions.pcapng');
    const cut = all.slice(0, 40);
    const perFlow = cut.reduce((n, f) => {
      const t = tcpOf(f.data)!;
      return n + (t.sport === 8080 ? t.end - t.start : 0);
    }, 0);
    const flows = Math.ceil(REASSEMBLY_BUDGET / perFlow) + 2;
    const frames: Frame[] = [];
    for (let k = 0; k < flows; k++) for (const f of cut) frames.push({ ...f, data: withClientPort(f.data, 20000 + k) });
    for (const f of all.slice(40)) frames.push({ ...f, data: withClientPort(f.data, 20000) });
    const unkept = fastLinesOf(frames, 'unkept');
    expect(linesOf(frames, 'kept')).toEqual(unkept);
    const tail = unkept.slice(flows * 40);
    expect(tail.some((l) => l.includes('HTTP/1.1 200 OK'))).toBe(false);
    expect(tail.some((l) => / HTTP \d+ Continuation$/.test(l))).toBe(true);
    // without the other flows the same frames complete the download
    const alone = fastLinesOf([...cut.map((f) => ({ ...f, data: withClientPort(f.data, 20000) })), ...frames.slice(flows * 40)], 'unkept');
    expect(alone.some((l) => l.includes('HTTP/1.1 200 OK'))).toBe(true);
  });
});

/** The frame with its client port (55310 in tcp-retransmissions.pcapng) replaced. */
function withClientPort(f: Uint8Array, port: number): Uint8Array {
  const out = f.slice();
  const t = tcpOf(out)!;
  const l4 = 14 + (out[14] & 15) * 4;
  const at = t.sport === 8080 ? l4 + 2 : l4;
  out[at] = port >> 8;
  out[at + 1] = port & 255;
  return out;
}
