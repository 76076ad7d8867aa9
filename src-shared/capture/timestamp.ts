// 64-bit pcapng timestamps (units of if_tsresol) to and from {seconds, nanoseconds}, without
// losing nanoseconds: 2026 in ns is ~1.8e18, far beyond Number's exact 2^53.

import type { Timestamp } from './types';

/** Timestamp resolution decoded from an if_tsresol byte. */
export interface Resolution {
  unitsPerSecond: number;
  /** Multiply the sub-second remainder by this to get ns (decimal resolutions up to 10^-9), or 0. */
  nsPerUnit: number;
  /** Exact fast path possible: unitsPerSecond < 2^32 and remainder→ns conversion exact in doubles. */
  fast: boolean;
  /** Binary exponent for 2^-k resolutions, else -1. */
  binaryExp: number;
  decimalExp: number;
}

export function decodeTsresol(byte: number): Resolution {
  const v = byte & 0x7f;
  if (byte & 0x80) {
    const units = 2 ** v;
    return { unitsPerSecond: units, nsPerUnit: 0, fast: v <= 20, binaryExp: v, decimalExp: -1 };
  }
  const units = 10 ** v;
  return { unitsPerSecond: units, nsPerUnit: v <= 9 ? 10 ** (9 - v) : 0, fast: v <= 9, binaryExp: -1, decimalExp: v };
}

/** Output slots of unitsToTime, reused to avoid an allocation per packet. */
export interface TimeSink {
  tsSec: number;
  tsNsec: number;
}

/** Converts the 64-bit unit count hi:lo (unsigned 32-bit halves) into sink.tsSec / sink.tsNsec. */
export function unitsToTime(hi: number, lo: number, res: Resolution, sink: TimeSink): void {
  if (res.fast) {
    // Long division by d < 2^32 on 16-bit limbs: every intermediate stays below 2^48, so exact.
    const d = res.unitsPerSecond;
    let cur = hi >>> 16;
    let q = Math.floor(cur / d);
    let r = cur - q * d;
    cur = r * 65536 + (hi & 0xffff);
    let qd = Math.floor(cur / d);
    r = cur - qd * d;
    q = q * 65536 + qd;
    cur = r * 65536 + (lo >>> 16);
    qd = Math.floor(cur / d);
    r = cur - qd * d;
    q = q * 65536 + qd;
    cur = r * 65536 + (lo & 0xffff);
    qd = Math.floor(cur / d);
    r = cur - qd * d;
    q = q * 65536 + qd;
    sink.tsSec = q;
    sink.tsNsec = res.nsPerUnit > 0 ? r * res.nsPerUnit : Math.floor((r * 1e9) / d);
    return;
  }
  const units = (BigInt(hi) << 32n) | BigInt(lo);
  const per = res.binaryExp >= 0 ? 1n << BigInt(res.binaryExp) : 10n ** BigInt(res.decimalExp);
  const sec = units / per;
  const rem = units - sec * per;
  sink.tsSec = Number(sec);
  sink.tsNsec = Number((rem * 1_000_000_000n) / per);
}

/** Output slots of timeToHiLo. */
export interface HiLo {
  hi: number;
  lo: number;
}

/**
 * {seconds, nanoseconds} → the two unsigned 32-bit halves of the unit count at 10^-exp
 * resolution (exp 0..9), exactly, without BigInt for 0 ≤ seconds < 2^32: with sec = sh·2^16 + sl,
 * units = sh·F·2^16 + sl·F + sub, and every partial product stays below 2^53.
 */
export function timeToHiLo(ts: Timestamp, decimalExp: number, out: HiLo): void {
  const sec = Math.trunc(ts.seconds);
  if (sec < 0 || sec > 0xffffffff) {
    const units = timeToUnits(ts, decimalExp);
    out.hi = Number((units >> 32n) & 0xffffffffn);
    out.lo = Number(units & 0xffffffffn);
    return;
  }
  const f = POW10[decimalExp];
  const sub = Math.floor(Math.trunc(ts.nanoseconds) / POW10[9 - decimalExp]);
  const x = Math.floor(sec / 65536) * f;
  const y = (sec % 65536) * f + sub;
  const xh = Math.floor(x / 65536);
  const z = (x - xh * 65536) * 65536 + y;
  const carry = Math.floor(z / 4294967296);
  out.hi = xh + carry;
  out.lo = z - carry * 4294967296;
}

const POW10 = [1, 10, 100, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9];

/** {seconds, nanoseconds} → unit count at 10^-exp resolution (exp 0..9), as a bigint. */
export function timeToUnits(ts: Timestamp, decimalExp: number): bigint {
  const sec = BigInt(Math.trunc(ts.seconds));
  const ns = BigInt(Math.trunc(ts.nanoseconds));
  const div = 10n ** BigInt(9 - decimalExp);
  return sec * 10n ** BigInt(decimalExp) + ns / div;
}

/** A timestamp as a bigint count of nanoseconds (handy for arithmetic and comparisons). */
export function timestampToBigInt(ts: Timestamp): bigint {
  return BigInt(ts.seconds) * 1_000_000_000n + BigInt(ts.nanoseconds);
}

export function timestampFromBigInt(ns: bigint): Timestamp {
  let sec = ns / 1_000_000_000n;
  let rem = ns - sec * 1_000_000_000n;
  if (rem < 0n) {
    rem += 1_000_000_000n;
    sec -= 1n;
  }
  return { seconds: Number(sec), nanoseconds: Number(rem) };
}

/** Formats like tshark's frame.time_epoch: `1795345188.802684508` (9 fractional digits). */
export function formatEpoch(ts: Timestamp, digits = 9): string {
  const frac = String(ts.nanoseconds).padStart(9, '0').slice(0, digits);
  return digits > 0 ? `${ts.seconds}.${frac}` : String(ts.seconds);
}
