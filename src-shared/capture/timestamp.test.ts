import { describe, it, expect } from 'vitest';
import fc from 'fast-check';
import { decodeTsresol, timeToHiLo, timeToUnits, timestampFromBigInt, timestampToBigInt, unitsToTime, type HiLo, type TimeSink } from './timestamp';

const u64 = fc.bigInt({ min: 0n, max: (1n << 64n) - 1n });

describe('timestamp arithmetic is exact (checked against BigInt)', () => {
  it('unitsToTime, decimal and binary resolutions', () => {
    const resols = [0, 3, 6, 9, 12, 19, 0x80 | 0, 0x80 | 10, 0x80 | 20, 0x80 | 21, 0x80 | 30, 0x80 | 63];
    fc.assert(
      fc.property(u64, fc.constantFrom(...resols), (units, byte) => {
        const res = decodeTsresol(byte);
        const sink: TimeSink = { tsSec: 0, tsNsec: 0 };
        unitsToTime(Number(units >> 32n), Number(units & 0xffffffffn), res, sink);
        const per = byte & 0x80 ? 1n << BigInt(byte & 0x7f) : 10n ** BigInt(byte);
        const sec = units / per;
        const ns = ((units % per) * 1_000_000_000n) / per;
        // Seconds beyond 2^53 cannot be exact in a number; nanoseconds always are.
        if (sec < 2n ** 53n) expect(sink.tsSec).toBe(Number(sec));
        expect(sink.tsNsec).toBe(Number(ns));
      }),
      { numRuns: 5000 },
    );
  });

  it('timeToHiLo matches timeToUnits for every decimal resolution', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 0xffffffff }), fc.integer({ min: 0, max: 999_999_999 }), fc.integer({ min: 0, max: 9 }), (seconds, nanoseconds, exp) => {
        const out: HiLo = { hi: 0, lo: 0 };
        timeToHiLo({ seconds, nanoseconds }, exp, out);
        const units = timeToUnits({ seconds, nanoseconds }, exp);
        expect([out.hi, out.lo]).toEqual([Number(units >> 32n), Number(units & 0xffffffffn)]);
      }),
      { numRuns: 5000 },
    );
  });

  it('nanosecond timestamps survive a units round trip', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 2 ** 33 }), fc.integer({ min: 0, max: 999_999_999 }), (seconds, nanoseconds) => {
        const out: HiLo = { hi: 0, lo: 0 };
        timeToHiLo({ seconds, nanoseconds }, 9, out);
        const sink: TimeSink = { tsSec: 0, tsNsec: 0 };
        unitsToTime(out.hi, out.lo, decodeTsresol(9), sink);
        expect([sink.tsSec, sink.tsNsec]).toEqual([seconds, nanoseconds]);
        expect(timestampFromBigInt(timestampToBigInt({ seconds, nanoseconds }))).toEqual({ seconds, nanoseconds });
      }),
    );
  });
});
