// Columnar copies of the few numeric fields most display filters use (addresses, ports, stream
// index, flags) and of protocol presence, filled during the first pass over a capture. A filter
// that reads only these fields then runs over typed arrays instead of re-dissecting every frame
// (`tcp.port == 443` over 1M frames in tens of milliseconds). Values are exactly what the
// dissector recorded, so the result is the same as the slow path's.
import type { FieldValue } from '../../../src-shared/net/dissect';
import type { FilterFrame } from '../../../src-shared/net/filter';
import { lex } from '../../../src-shared/net/filter';

/** Stored numeric fields and the width of their values. */
const STORED: ReadonlyArray<readonly [string, 8 | 16 | 32]> = [
  ['ip.src', 32],
  ['ip.dst', 32],
  ['ip.proto', 8],
  ['ip.ttl', 8],
  ['tcp.srcport', 16],
  ['tcp.dstport', 16],
  ['tcp.stream', 32],
  ['tcp.flags', 16],
  ['tcp.len', 32],
  ['udp.srcport', 16],
  ['udp.dstport', 16],
];

/** Either-side fields: the dissector records (src, dst) pairs in tree order, so they interleave. */
const DERIVED: Readonly<Record<string, readonly [string, string]>> = {
  'ip.addr': ['ip.src', 'ip.dst'],
  'tcp.port': ['tcp.srcport', 'tcp.dstport'],
  'udp.port': ['udp.srcport', 'udp.dstport'],
};

/** Protocols whose presence is kept as one bit per frame. */
export const PRESENCE = ['frame', 'eth', 'arp', 'ip', 'ipv6', 'icmp', 'icmpv6', 'tcp', 'udp', 'dns', 'dhcp', 'http', 'tls', 'data', '_ws.malformed', '_ws.expert'] as const;

/** Fields the first pass must collect so the store can be filled. */
export const FAST_SOURCE_FIELDS: readonly string[] = [...STORED.map(([f]) => f), ...PRESENCE];

const FRAME_FIELDS = new Set(['frame.number', 'frame.len', 'frame.cap_len']);

type Column = Uint8Array | Uint16Array | Uint32Array;

interface StoredColumn {
  name: string;
  first: Column;
  count: Uint8Array;
  /** Values after the first, for the rare frames with several (ICMP errors quote headers). */
  more: Map<number, number[]>;
}

export interface FrameSource {
  values(field: string): readonly FieldValue[];
}

const EMPTY: readonly FieldValue[] = [];
const PRESENT: readonly FieldValue[] = [true];

export class FastFields {
  private readonly columns = new Map<string, StoredColumn>();
  private readonly stored: StoredColumn[] = [];
  private presence: Uint32Array;
  private capacity: number;

  constructor(capacity: number) {
    this.capacity = Math.max(16, capacity);
    this.presence = new Uint32Array(this.capacity);
    for (const [name, bits] of STORED) {
      const col: StoredColumn = { name, first: makeColumn(bits, this.capacity), count: new Uint8Array(this.capacity), more: new Map() };
      this.columns.set(name, col);
      this.stored.push(col);
    }
  }

  /** Copies the values of frame `i` (0-based) from a dissected packet. */
  record(i: number, p: FrameSource): void {
    if (i >= this.capacity) this.grow(i + 1);
    for (const col of this.stored) {
      const vals = p.values(col.name);
      const n = Math.min(vals.length, 255);
      col.count[i] = n;
      if (n > 0) col.first[i] = vals[0] as number;
      if (n > 1) col.more.set(i, (vals.slice(1, n) as number[]).slice());
    }
    let bits = 0;
    for (let b = 0; b < PRESENCE.length; b++) if (p.values(PRESENCE[b]).length > 0) bits |= 1 << b;
    this.presence[i] = bits;
  }

  /** Values of a stored field at frame i (fresh array). */
  valuesOf(field: string, i: number): number[] {
    const col = this.columns.get(field);
    if (!col) return [];
    const n = col.count[i];
    if (n === 0) return [];
    const out = [col.first[i]];
    if (n > 1) out.push(...(col.more.get(i) ?? []));
    return out;
  }

  has(protocol: (typeof PRESENCE)[number], i: number): boolean {
    return (this.presence[i] & (1 << PRESENCE.indexOf(protocol))) !== 0;
  }

  /** Bytes per frame held by the store (for the memory figure). */
  bytesPerFrame(): number {
    let n = 4;
    for (const col of this.stored) n += col.first.BYTES_PER_ELEMENT + 1;
    return n;
  }

  /** A FilterFrame view of frame i; `lengths` gives frame.len/frame.cap_len. */
  frame(lengths: { originalLength: Uint32Array; capturedLength: Uint32Array }): FastFrame {
    return new FastFrame(this, lengths);
  }

  /** @internal */ column(name: string): StoredColumn | undefined {
    return this.columns.get(name);
  }

  /** @internal */ presenceBits(i: number): number {
    return this.presence[i];
  }

  private grow(min: number): void {
    const cap = Math.max(min, this.capacity * 2);
    for (const col of this.stored) {
      const next = makeColumn(col.first.BYTES_PER_ELEMENT * 8 as 8 | 16 | 32, cap);
      next.set(col.first);
      col.first = next;
      const count = new Uint8Array(cap);
      count.set(col.count);
      col.count = count;
    }
    const presence = new Uint32Array(cap);
    presence.set(this.presence);
    this.presence = presence;
    this.capacity = cap;
  }
}

function makeColumn(bits: 8 | 16 | 32, n: number): Column {
  return bits === 8 ? new Uint8Array(n) : bits === 16 ? new Uint16Array(n) : new Uint32Array(n);
}

/** Reads one frame's values out of the store; `at(i)` moves it to another frame. */
export class FastFrame implements FilterFrame {
  index = 0;
  private readonly scratch = new Map<string, FieldValue[]>();

  constructor(
    private readonly store: FastFields,
    private readonly lengths: { originalLength: Uint32Array; capturedLength: Uint32Array },
  ) {}

  at(i: number): this {
    this.index = i;
    return this;
  }

  values(field: string): readonly FieldValue[] {
    const i = this.index;
    const col = this.store.column(field);
    if (col) {
      const n = col.count[i];
      if (n === 0) return EMPTY;
      const out = this.buffer(field);
      out.push(col.first[i]);
      if (n > 1) out.push(...(col.more.get(i) ?? []));
      return out;
    }
    const pair = DERIVED[field];
    if (pair) {
      const a = this.store.column(pair[0])!;
      const b = this.store.column(pair[1])!;
      const n = a.count[i];
      if (n === 0) return EMPTY;
      const out = this.buffer(field);
      out.push(a.first[i], b.first[i]);
      if (n > 1) {
        const am = a.more.get(i) ?? [];
        const bm = b.more.get(i) ?? [];
        for (let k = 0; k < am.length; k++) out.push(am[k], bm[k]);
      }
      return out;
    }
    if (field === 'frame.number') return this.one(field, i + 1);
    if (field === 'frame.len') return this.one(field, this.lengths.originalLength[i]);
    if (field === 'frame.cap_len') return this.one(field, this.lengths.capturedLength[i]);
    const bit = (PRESENCE as readonly string[]).indexOf(field);
    if (bit >= 0) return (this.store.presenceBits(i) & (1 << bit)) !== 0 ? PRESENT : EMPTY;
    return EMPTY;
  }

  private buffer(field: string): FieldValue[] {
    let b = this.scratch.get(field);
    if (!b) this.scratch.set(field, (b = []));
    b.length = 0;
    return b;
  }

  private one(field: string, v: number): readonly FieldValue[] {
    const out = this.buffer(field);
    out.push(v);
    return out;
  }
}

const FAST_NAMES = new Set<string>([...STORED.map(([f]) => f), ...Object.keys(DERIVED), ...PRESENCE, ...FRAME_FIELDS]);
const PROTOCOL_NAMES = new Set<string>(PRESENCE);

/**
 * True when `filter` (with the fields it reads) can run on the store: every field is stored, and
 * protocols are only tested for presence (no contains/matches/slices, which need their bytes).
 */
export function canRunFast(text: string, fields: ReadonlySet<string>): boolean {
  for (const f of fields) if (!FAST_NAMES.has(f)) return false;
  const lexed = lex(text);
  if (!lexed.ok) return false;
  const usesProtocol = [...fields].some((f) => PROTOCOL_NAMES.has(f));
  for (const t of lexed.tokens) {
    const word = t.text.toLowerCase();
    if (word === 'contains' || word === 'matches' || word === '~' || word === '[') return false;
    if (usesProtocol && (word === '==' || word === 'eq' || word === '!=' || word === 'ne')) {
      // `dns == …` compares a protocol's bytes: only safe when no protocol is an operand.
      // Conservatively require the protocol names to appear only as bare tests.
      const idx = lexed.tokens.indexOf(t);
      const prev = lexed.tokens[idx - 1];
      const next = lexed.tokens[idx + 1];
      if ((prev && PROTOCOL_NAMES.has(prev.text)) || (next && PROTOCOL_NAMES.has(next.text))) return false;
    }
  }
  return true;
}
