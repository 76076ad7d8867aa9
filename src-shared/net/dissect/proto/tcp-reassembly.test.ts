// A pending PDU's completion test and assembled bytes against the obvious model: every byte
// offset marked as it arrives, pieces laid down in order of their offset (later ones on top).
import { describe, it, expect } from 'vitest';
import fc from 'fast-check';
import { PendingPdu, PendingPdus } from './tcp-reassembly';

interface Piece {
  rel: number;
  bytes: Uint8Array;
}

/** Complete when [0, want) is covered; the PDU then runs to the furthest piece end. */
function model(want: number, pieces: Piece[]): { complete: boolean; whole: Uint8Array } {
  const ends = pieces.map((q) => q.rel + q.bytes.length);
  const len = Math.max(0, ...ends);
  const seen = new Uint8Array(len);
  for (const q of pieces) seen.fill(1, q.rel, q.rel + q.bytes.length);
  let complete = true;
  for (let i = 0; i < want; i++) if (!seen[i]) complete = false;
  const whole = new Uint8Array(len);
  const sorted = pieces.map((q, i) => ({ q, i })).sort((a, b) => a.q.rel - b.q.rel || a.i - b.i);
  for (const { q } of sorted) whole.set(q.bytes, q.rel);
  return { complete, whole };
}

/** Pieces of a PDU of `want` bytes: random ranges (gaps, overlaps, repeats, any order), bytes from one stream. */
const scenario = fc.integer({ min: 2, max: 120 }).chain((want) =>
  fc.record({
    want: fc.constant(want),
    stream: fc.uint8Array({ minLength: want + 40, maxLength: want + 40 }),
    // the first piece starts the PDU, as TCP creates it
    first: fc.integer({ min: 1, max: want - 1 }),
    ranges: fc.array(fc.tuple(fc.nat(want - 1), fc.integer({ min: 1, max: 40 })), { maxLength: 30 }),
    // where a sparse PDU's unkept range starts (it runs to `want`)
    skipFrom: fc.integer({ min: 0, max: want }),
    // a retransmission may carry other bytes than the first copy
    noise: fc.nat(255),
  }),
);

describe('PendingPdu', () => {
  it('completes exactly when [0, want) is covered and assembles the bytes as the pieces in offset order give them', () => {
    fc.assert(fc.property(scenario, ({ want, stream, first, ranges, noise }) => {
      const pdu = new PendingPdu(null, 1000, want);
      const pieces: Piece[] = [{ rel: 0, bytes: stream.subarray(0, first) }];
      pdu.add(0, stream, 0, first);
      for (const [rel, n] of ranges) {
        if (pdu.complete()) break;
        const bytes = stream.slice(rel, rel + n);
        if (noise & 1) bytes[0] ^= noise;
        pieces.push({ rel, bytes });
        pdu.add(rel, bytes, 0, bytes.length);
        const m = model(want, pieces);
        expect(pdu.complete()).toBe(m.complete);
        expect(pdu.held).toBe(pieces.reduce((s, q) => s + q.bytes.length, 0));
        expect(pdu.pieces).toBe(pieces.length);
        if (m.complete) {
          expect(pdu.length).toBe(m.whole.length);
          expect([...pdu.assemble()]).toEqual([...m.whole]);
        }
      }
    }), { numRuns: 3000 });
  });

  it('a sparse PDU completes at the same piece and assembles the same bytes with its unkept range left out', () => {
    fc.assert(fc.property(scenario, ({ want, stream, first, ranges, skipFrom, noise }) => {
      const full = new PendingPdu(null, 7, want);
      const sparse = new PendingPdu(null, 7, want, skipFrom, want);
      full.add(0, stream, 0, first);
      sparse.add(0, stream, 0, first);
      for (const [rel, n] of ranges) {
        const bytes = stream.slice(rel, rel + n);
        if (noise & 2) bytes[bytes.length - 1] ^= noise;
        full.add(rel, bytes, 0, bytes.length);
        sparse.add(rel, bytes, 0, bytes.length);
        expect(sparse.complete()).toBe(full.complete());
        expect(sparse.held).toBe(full.held);
        if (full.complete()) {
          const whole = full.assemble();
          const kept = sparse.assemble();
          expect(sparse.length).toBe(full.length);
          expect(sparse.elided).toBe(want - skipFrom);
          expect([...kept]).toEqual([...whole.subarray(0, skipFrom), ...whole.subarray(want)]);
          break;
        }
      }
    }), { numRuns: 3000 });
  });

  it('keeps no bytes of the unkept range: a body of 100 kB arriving in 1448-byte pieces holds only the head and the next message', () => {
    const want = 300 + 100_000;
    const pdu = new PendingPdu(null, 0, want, 300, want);
    const seg = new Uint8Array(1448).fill(7);
    pdu.add(0, seg, 0, 1448); // head (300) + the body's start
    for (let rel = 1448; rel < want; rel += 1448) pdu.add(rel, seg, 0, 1448);
    expect(pdu.complete()).toBe(true);
    const kept = pdu.assemble();
    // the last piece ran past the body: those bytes start the next message
    expect(kept.length).toBe(300 + (pdu.length - want));
    expect(pdu.length).toBeGreaterThan(want);
  });

  it('a piece after a gap completes nothing until the gap is filled, whatever the order', () => {
    const b = Uint8Array.from({ length: 30 }, (_, i) => i);
    const pdu = new PendingPdu(null, 0, 30, 10, 30);
    pdu.add(0, b, 0, 12);
    pdu.add(20, b, 20, 30);
    expect(pdu.complete()).toBe(false);
    pdu.add(14, b, 14, 20);
    expect(pdu.complete()).toBe(false);
    pdu.add(12, b, 12, 14);
    expect(pdu.complete()).toBe(true);
    expect([...pdu.assemble()]).toEqual([...b.subarray(0, 10)]);
  });
});

describe('PendingPdus', () => {
  it('drops PDUs least recently grown first and counts their bytes, as an insertion-ordered set does', () => {
    const op = fc.oneof(
      fc.record({ kind: fc.constant('touch' as const), i: fc.nat(7), n: fc.integer({ min: 1, max: 100 }) }),
      fc.record({ kind: fc.constant('remove' as const), i: fc.nat(7) }),
      fc.record({ kind: fc.constant('drop' as const) }),
    );
    fc.assert(fc.property(fc.array(op, { maxLength: 60 }), (ops) => {
      const pdus = Array.from({ length: 8 }, (_, i) => new PendingPdu(null, i, 1000));
      const list = new PendingPdus();
      const model = new Set<PendingPdu>(); // re-inserted on every touch: iteration order = least recent first
      let bytes = 0;
      for (const o of ops) {
        if (o.kind === 'touch') {
          const pdu = pdus[o.i];
          pdu.held += o.n;
          list.touch(pdu, o.n);
          bytes += o.n;
          model.delete(pdu);
          model.add(pdu);
        } else if (o.kind === 'remove') {
          const pdu = pdus[o.i];
          list.remove(pdu);
          if (model.delete(pdu)) bytes -= pdu.held;
        } else {
          const expected = model.values().next().value ?? null;
          expect(list.dropOldest()).toBe(expected);
          if (expected) {
            model.delete(expected);
            bytes -= expected.held;
          }
        }
        expect(list.bytes).toBe(bytes);
      }
    }), { numRuns: 2000 });
  });
});
