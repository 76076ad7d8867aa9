// A TCP PDU spanning segments while it waits for the rest (Wireshark's multi-segment PDU): which
// sequence ranges arrived — the completion test, exact with gaps, retransmissions, overlaps and
// out-of-order pieces — and the bytes kept. A PDU may leave a range unkept (an HTTP body nobody
// reads): its coverage still counts, its bytes are never copied.

/** Pieces a PDU takes at most (each arrival counts, retransmissions too). */
export const MAX_PIECES = 4096;

/**
 * Pieces up to one full-size Ethernet segment live in reused fixed-size blocks, given back when
 * their PDU completes or is dropped by the budget: a bulk transfer then leaves no garbage per
 * segment.
 */
const PIECE = 1536; // an Ethernet MSS (1460) and a little more
const freePieces: ArrayBuffer[] = [];

/** Bytes copied by reassembly (pieces, growing PDUs, assembled buffers): a test hook for its cost. */
export const reassemblyWork = { copied: 0 };

/** A copy of buf[from, to): a pooled block, or an exact copy when `exact` (long-lived) or large. */
function copyPiece(buf: Uint8Array, from: number, to: number, exact: boolean): Uint8Array {
  const n = to - from;
  reassemblyWork.copied += n;
  if (n > PIECE || (exact && n !== PIECE)) return buf.slice(from, to);
  const out = new Uint8Array(freePieces.pop() ?? new ArrayBuffer(PIECE), 0, n);
  out.set(buf.subarray(from, to));
  return out;
}

/** Where a PDU is pending: cleared when the budget drops it. */
export interface PduOwner {
  msp: PendingPdu | null;
}

export class PendingPdu {
  // Links of the pending list (PendingPdus), oldest to newest.
  older: PendingPdu | null = null;
  newer: PendingPdu | null = null;
  listed = false;
  /** Pieces taken so far (bounded by MAX_PIECES). */
  pieces = 0;
  /**
   * Bytes of every piece taken (overlaps counted again): what the PDU would hold if it kept all
   * of them. The reassembly budget counts these, so which PDUs it drops does not depend on what
   * was kept.
   */
  held = 0;
  /** Everything in [0, covered) arrived. */
  covered = 0;
  /** Ranges that arrived beyond a gap: sorted, disjoint, each starting past `covered`: [from, to, from, to, …]. */
  private islands: number[] | null = null;
  // The kept bytes, ordered by the offset of the piece they came from (stable: a later arrival at
  // the same offset after the earlier one; on assembly later entries overwrite earlier ones,
  // as a plain copy of the sorted pieces would): that offset, where the bytes go, the bytes.
  private readonly keys: number[] = [];
  private readonly ats: number[] = [];
  private readonly parts: Uint8Array[] = [];
  /**
   * A growing PDU (see reopen): [0, flatLen) of the bytes, contiguous, in a buffer with room to
   * grow. In-order pieces are appended to it; pieces beyond a gap wait in the parts above and are
   * laid in when the PDU completes. Bytes already in it are never overwritten (first copy wins).
   */
  private flat: Uint8Array | null = null;
  private flatLen = 0;
  /**
   * What the protocol above knows of this PDU's message from reading it last time (its own
   * object, null: nothing): handed back through Packet.resume when the PDU completes again.
   */
  cursor: unknown = null;

  constructor(
    /** Whose PDU this is (a TCP flow). */
    readonly owner: PduOwner | null,
    /** Raw sequence number of the PDU's first byte. */
    readonly start: number,
    /** Bytes from the start the PDU needs to be complete (grows when reopened). */
    public want: number,
    /** [skipFrom, skipTo): bytes nobody reads, not kept (both Infinity: every byte kept). */
    readonly skipFrom = Infinity,
    readonly skipTo = Infinity,
  ) {}

  /** True when part of the PDU is not kept (its bytes are elided on assembly). */
  get sparse(): boolean {
    return this.skipTo !== Infinity;
  }

  /** Takes buf[from, end) as the PDU's bytes from offset `rel` (callers bound rel < want, pieces < MAX_PIECES). */
  add(rel: number, buf: Uint8Array, from: number, end: number): void {
    const to = rel + (end - from);
    this.pieces++;
    this.held += end - from;
    this.cover(rel, to);
    if (this.flat !== null) {
      const have = this.flatLen;
      if (to <= have) return; // bytes it already holds (a retransmission)
      if (rel <= have && this.parts.length === 0) this.append(buf, from + (have - rel), end);
      else this.keep(rel, rel, copyPiece(buf, from, end, false));
      return;
    }
    const skipFrom = this.skipFrom;
    const skipTo = this.skipTo;
    if (rel < skipFrom) {
      const stop = to < skipFrom ? to : skipFrom;
      // The head of a sparse PDU stays until the end: kept at its exact size.
      this.keep(rel, rel, copyPiece(buf, from, from + (stop - rel), skipTo !== Infinity));
    }
    if (to > skipTo) {
      const at = rel > skipTo ? rel : skipTo;
      this.keep(rel, at, copyPiece(buf, from + (at - rel), end, false));
    }
  }

  private keep(key: number, at: number, bytes: Uint8Array): void {
    const keys = this.keys;
    let i = keys.length;
    keys.push(key);
    this.ats.push(at);
    this.parts.push(bytes);
    if (i === 0 || keys[i - 1] <= key) return;
    // Arrived out of order: move it back behind the last piece at or before its offset.
    while (i > 0 && keys[i - 1] > key) {
      keys[i] = keys[i - 1];
      this.ats[i] = this.ats[i - 1];
      this.parts[i] = this.parts[i - 1];
      i--;
    }
    keys[i] = key;
    this.ats[i] = at;
    this.parts[i] = bytes;
  }

  private cover(from: number, to: number): void {
    const isl = this.islands;
    if (from <= this.covered) {
      if (to <= this.covered) return;
      this.covered = to;
      if (isl === null) return;
      // Islands the prefix now reaches join it.
      let k = 0;
      while (k < isl.length && isl[k] <= this.covered) {
        if (isl[k + 1] > this.covered) this.covered = isl[k + 1];
        k += 2;
      }
      if (k === isl.length) this.islands = null;
      else if (k > 0) isl.splice(0, k);
      return;
    }
    if (isl === null) {
      this.islands = [from, to];
      return;
    }
    // Merge [from, to) into the sorted islands (touching ranges join). The usual case, a segment
    // extending the last island after a loss, changes one number in place.
    const n = isl.length;
    if (from >= isl[n - 2] && from <= isl[n - 1]) {
      if (to > isl[n - 1]) isl[n - 1] = to;
      return;
    }
    if (from > isl[n - 1]) {
      isl.push(from, to);
      return;
    }
    let i = 0;
    while (isl[i + 1] < from) i += 2;
    let j = i;
    let lo = from;
    let hi = to;
    while (j < n && isl[j] <= hi) {
      if (isl[j] < lo) lo = isl[j];
      if (isl[j + 1] > hi) hi = isl[j + 1];
      j += 2;
    }
    if (j === i) isl.splice(i, 0, lo, hi);
    else {
      isl[i] = lo;
      isl[i + 1] = hi;
      if (j > i + 2) isl.splice(i + 2, j - i - 2);
    }
  }

  /** Every byte of [0, want) arrived. */
  complete(): boolean {
    return this.covered >= this.want;
  }

  /** Length of the complete PDU: to the end of the furthest piece (a next message may start there). */
  get length(): number {
    return this.covered;
  }

  /** Bytes not kept, elided from assemble()'s buffer at offset skipFrom. */
  get elided(): number {
    return this.sparse ? this.skipTo - this.skipFrom : 0;
  }

  /** Appends buf[from, end) to the growing PDU's bytes (the buffer doubles when full). */
  private append(buf: Uint8Array, from: number, end: number): void {
    const n = end - from;
    let flat = this.flat!;
    if (this.flatLen + n > flat.length) {
      const bigger = new Uint8Array(Math.max(flat.length * 2, this.flatLen + n));
      bigger.set(flat.subarray(0, this.flatLen));
      reassemblyWork.copied += this.flatLen;
      this.flat = flat = bigger;
    }
    flat.set(buf.subarray(from, end), this.flatLen);
    reassemblyWork.copied += n;
    this.flatLen += n;
  }

  /**
   * The complete PDU's kept bytes, contiguous: the whole PDU, or for a sparse one what precedes
   * the unkept range followed by what comes after it. Call once, when complete().
   */
  assemble(): Uint8Array {
    if (this.flat !== null) return this.assembleFlat();
    const parts = this.parts;
    const elided = this.elided;
    const n = this.covered - elided;
    // A sparse PDU ending with its unkept range: its head is the buffer (no copy).
    if (parts.length === 1 && this.ats[0] === 0 && parts[0].length === n) return parts[0];
    const out = new Uint8Array(n);
    reassemblyWork.copied += n;
    const skipTo = this.skipTo;
    for (let i = 0; i < parts.length; i++) {
      const at = this.ats[i];
      out.set(parts[i], at >= skipTo ? at - elided : at);
    }
    return out;
  }

  /** A growing PDU's bytes: the pieces beyond what it held laid in (their bytes past it only). */
  private assembleFlat(): Uint8Array {
    const parts = this.parts;
    if (parts.length > 0) {
      const have = this.flatLen;
      let extent = have;
      for (let i = 0; i < parts.length; i++) {
        const at = this.ats[i];
        const part = parts[i];
        const skip = at < have ? have - at : 0;
        if (skip >= part.length) continue;
        const to = at + part.length;
        if (to > this.flat!.length) {
          const bigger = new Uint8Array(Math.max(this.flat!.length * 2, to));
          bigger.set(this.flat!.subarray(0, extent));
          reassemblyWork.copied += extent;
          this.flat = bigger;
        }
        this.flat!.set(skip > 0 ? part.subarray(skip) : part, at + skip);
        reassemblyWork.copied += part.length - skip;
        if (to > extent) extent = to;
      }
      this.flatLen = extent;
      this.release();
      this.clearParts();
    }
    return this.flat!.subarray(0, this.flatLen);
  }

  private clearParts(): void {
    this.keys.length = 0;
    this.ats.length = 0;
    this.parts.length = 0;
  }

  /**
   * Reopens a completed PDU (not sparse) whose protocol wants more bytes of the same message
   * (Wireshark extends its multi-segment PDU): `whole`, what assemble() returned, becomes the
   * growing bytes, and later pieces are appended to them — no segment's bytes are copied again
   * (a chunked HTTP body over thousands of segments costs its length, not its length squared).
   * Counts as one piece of `whole.length` bytes, as a new PDU holding them would.
   */
  reopen(whole: Uint8Array, want: number): void {
    if (this.flat === null || whole.buffer !== this.flat.buffer) {
      const flat = new Uint8Array(Math.max(2 * whole.length, PIECE));
      flat.set(whole);
      reassemblyWork.copied += whole.length;
      this.release();
      this.clearParts();
      this.flat = flat;
    }
    this.flatLen = whole.length;
    this.covered = whole.length;
    this.islands = null;
    this.want = want;
    this.pieces = 1;
    this.held = whole.length;
  }

  /** Gives the pooled blocks back (once: the PDU is done, completed or dropped). */
  release(): void {
    const parts = this.parts;
    for (let i = 0; i < parts.length; i++) {
      const b = parts[i].buffer;
      if (b.byteLength === PIECE && freePieces.length < 4096) freePieces.push(b as ArrayBuffer);
    }
  }
}

/**
 * The pending PDUs, least recently grown first, and the bytes they count against the budget:
 * a list through the PDUs themselves (no allocation per segment).
 */
export class PendingPdus {
  bytes = 0;
  private oldestPdu: PendingPdu | null = null;
  private newestPdu: PendingPdu | null = null;

  /** `pdu` grew by `delta` bytes (or is new): it becomes the newest. */
  touch(pdu: PendingPdu, delta: number): void {
    this.bytes += delta;
    if (this.newestPdu === pdu) return;
    if (pdu.listed) this.unlink(pdu);
    pdu.older = this.newestPdu;
    pdu.newer = null;
    if (this.newestPdu) this.newestPdu.newer = pdu;
    else this.oldestPdu = pdu;
    this.newestPdu = pdu;
    pdu.listed = true;
  }

  /** `pdu` is done (complete): its bytes no longer count. */
  remove(pdu: PendingPdu): void {
    if (!pdu.listed) return;
    this.bytes -= pdu.held;
    this.unlink(pdu);
  }

  /** Removes and returns the oldest PDU (its bytes no longer count), or null. */
  dropOldest(): PendingPdu | null {
    const pdu = this.oldestPdu;
    if (pdu) this.remove(pdu);
    return pdu;
  }

  private unlink(pdu: PendingPdu): void {
    if (pdu.older) pdu.older.newer = pdu.newer;
    else this.oldestPdu = pdu.newer;
    if (pdu.newer) pdu.newer.older = pdu.older;
    else this.newestPdu = pdu.older;
    pdu.older = pdu.newer = null;
    pdu.listed = false;
  }
}
