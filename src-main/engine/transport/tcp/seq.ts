// Sequence-number arithmetic modulo 2^32 (RFC 9293 §3.4): comparisons use the signed 32-bit
// difference, valid while the two numbers are less than 2^31 apart (always true inside a window).

export function seqAdd(a: number, n: number): number {
  return (a + n) >>> 0;
}

/** Signed distance a − b. */
export function seqDiff(a: number, b: number): number {
  return (a - b) | 0;
}

export function seqLt(a: number, b: number): boolean {
  return ((a - b) | 0) < 0;
}

export function seqLe(a: number, b: number): boolean {
  return ((a - b) | 0) <= 0;
}

export function seqGt(a: number, b: number): boolean {
  return ((a - b) | 0) > 0;
}

export function seqGe(a: number, b: number): boolean {
  return ((a - b) | 0) >= 0;
}

export function seqMax(a: number, b: number): number {
  return seqGt(a, b) ? a : b;
}

export function seqMin(a: number, b: number): number {
  return seqLt(a, b) ? a : b;
}

/** a ≤ x < b in sequence space. */
export function seqInRange(x: number, a: number, b: number): boolean {
  return seqLe(a, x) && seqLt(x, b);
}
