// Everything the inspector knows about one open capture, as plain logic with no Worker or DOM
// APIs (the worker in capture.worker.ts only moves messages). Frames are indexed with the
// typed-array indexer; a first pass dissects every frame in order (TCP state needs order) and
// keeps the packet-list columns, the colouring rule and a few filter fields per frame; rows the
// pass has not reached yet are dissected on their own, provisionally, so the first screen shows
// at once. Details are dissected on demand for the selected frame only.
import { indexCapture, PcapngWriter, SECRETS_TLS_KEY_LOG, type CaptureIndex } from '../../../src-shared/capture';
import { addDecryptionSecrets, addKeyLog, createPacket, createSession, lookupField, tlsKeyLog, type DissectSession, type Packet, type ProtoNode } from '../../../src-shared/net/dissect';
import { compileFilter, type CompiledFilter, type FilterError } from '../../../src-shared/net/filter';
import { colorOf, compileColorRules, type CompiledColorRules } from './color-rules';
import { canRunFast, FAST_SOURCE_FIELDS, FastFields, PRESENCE } from './fast-fields';
import { followTcp, type FollowFrame, type FollowResult } from './follow';
import { sortFramesByKey, sortFramesByText, type SortKeys, type TextColumn } from './chunked-sort';
import { SummaryStore } from './summary-store';

export interface RowSummary {
  /** Frame number (1-based). */
  no: number;
  time: string;
  src: string;
  dst: string;
  protocol: string;
  length: number;
  info: string;
  /** Index into the colouring rules, -1 for none. */
  color: number;
  /** Dissected out of order (before the first pass reached it): TCP analysis may be missing. */
  provisional?: boolean;
}

export interface FrameDetails {
  no: number;
  tree: ProtoNode[];
  bytes: Uint8Array;
  /** Byte sources besides the frame (decrypted TLS): nodes with `dataSource: i` point into `sources[i]`. */
  sources: { label: string; data: Uint8Array }[];
}

export type SortColumn = 'no' | 'time' | 'src' | 'dst' | 'protocol' | 'length' | 'info';

export interface Progress {
  done: number;
  total: number;
}

export type FilterOutcome = { ok: true; count: number; fast: boolean } | { ok: false; error: FilterError };

/** A long task the host runs in slices: each `next()` does a bounded amount of work. */
export type Job<T> = Generator<Progress, T, void>;

/** Source/Destination columns: Packet.source()/destination() where the dissector has them (MAC
 * columns are then formatted lazily), the plain fields otherwise. */
function sourceColumn(p: Packet): string {
  const f = (p as unknown as { source?: () => string }).source;
  return f ? f.call(p) : p.src;
}

function destinationColumn(p: Packet): string {
  const f = (p as unknown as { destination?: () => string }).destination;
  return f ? f.call(p) : p.dst;
}

function identity(n: number): Uint32Array {
  const a = new Uint32Array(n);
  for (let i = 0; i < n; i++) a[i] = i;
  return a;
}

/** Frames per slice of the slow paths (one slice should take a few milliseconds). */
const SLICE = 2000;
/** Frames dissected before the selected one to rebuild TCP state for its details. */
const WARMUP = 20000;

export interface FlowRow {
  no: number;
  time: string;
  from: number;
  to: number;
  label: string;
  protocol: string;
  color: number;
}

export interface FlowGraph {
  endpoints: string[];
  rows: FlowRow[];
  truncated: boolean;
}

export class CaptureModel {
  readonly index: CaptureIndex;
  readonly count: number;
  readonly colors: CompiledColorRules;
  readonly summaries: SummaryStore;
  readonly fast: FastFields;
  /** Frames the first pass has dissected (0..passed-1 have stored columns). */
  passed = 0;
  /** Frames shown (a filter's matches), in frame order; null = every frame. */
  private filtered: Uint32Array | null = null;
  /** The shown frames in display order (sorted), or null for `filtered` as is. */
  private order: Uint32Array | null = null;
  private sortKey: { column: SortColumn; descending: boolean } | null = null;
  private readonly passSession: DissectSession;
  private readonly passPacket: Packet;
  /** Wanted by the first pass for their presence only (see PacketMode.presenceOnly). */
  readonly passPresence: ReadonlySet<string>;
  private readonly timeDigits: number;
  private detailSession: DissectSession | null = null;
  private detailCursor = -1;
  private readonly detailCache = new Map<number, FrameDetails>();

  /**
   * `keyLog`: TLS secrets as an NSS key log (a simulation's `sim.secrets`), used with the
   * capture's own Decryption Secrets Blocks to decrypt TLS in every pass, filter and details.
   */
  constructor(
    readonly bytes: Uint8Array,
    index?: CaptureIndex,
    readonly keyLog = '',
  ) {
    this.index = index ?? indexCapture(bytes);
    this.count = this.index.count;
    this.colors = compileColorRules();
    this.summaries = new SummaryStore(this.count);
    this.fast = new FastFields(this.count);
    this.passSession = this.newSession();
    // (the colour rules and the fast filter store test `http` for presence only: its value, the
    // message with its body, is never read)
    const valued = new Set<string>(FAST_SOURCE_FIELDS.filter((name) => !(PRESENCE as readonly string[]).includes(name)));
    for (const f of this.colors.filters) for (const name of f.valueFields ?? f.fields) valued.add(name);
    const wanted = new Set([...FAST_SOURCE_FIELDS, ...this.colors.fields]);
    this.passPresence = new Set([...wanted].filter((name) => !valued.has(name)));
    this.passPacket = createPacket({ tree: false, columns: true, wanted, presenceOnly: this.passPresence });
    const units = this.index.interfaces[0]?.tsUnitsPerSecond ?? 1e6;
    this.timeDigits = Math.max(0, Math.min(9, Math.round(Math.log10(units))));
  }

  /** A dissection session with the TLS secrets this capture has (key log and DSBs). */
  private newSession(): DissectSession {
    const session = createSession(this.keyLog ? { keyLog: this.keyLog } : {});
    addDecryptionSecrets(session, this.index.secrets);
    return session;
  }

  /**
   * Reads a key log against this capture's secrets: how many secrets it holds, and the first
   * problem with its line when none could be used.
   */
  static checkKeyLog(text: string, name: string): { secrets: number; error: string | null } {
    const session = createSession();
    const secrets = addKeyLog(session, text, name);
    const first = tlsKeyLog(session).errors[0];
    return { secrets, error: secrets === 0 ? (first ? `${first.source}:${first.line}: ${first.message}` : `${name}: no TLS secrets in it`) : null };
  }

  /** TLS connections this capture has secrets for (from the key log and the file's DSBs). */
  secretCount(): number {
    return tlsKeyLog(this.passSession).size;
  }

  get passDone(): boolean {
    return this.passed >= this.count;
  }

  /** Number of rows shown (after the filter). */
  get viewCount(): number {
    return this.filtered ? this.filtered.length : this.count;
  }

  frameData(i: number): Uint8Array {
    const start = this.index.dataOffset[i];
    return this.bytes.subarray(start, start + this.index.capturedLength[i]);
  }

  linkType(i: number): number {
    const iface = this.index.interfaceId ? this.index.interfaceId[i] : 0;
    return this.index.interfaces[iface]?.linkType ?? 1;
  }

  private dissect(session: DissectSession, p: Packet, i: number): void {
    session.dissect(p, this.frameData(i), i + 1, this.index.originalLength[i], this.index.seconds[i], this.index.nanoseconds[i], this.linkType(i));
  }

  /** Runs the first pass for up to `frames` frames; returns true when it has finished. */
  passStep(frames = SLICE): boolean {
    const end = Math.min(this.count, this.passed + frames);
    const p = this.passPacket;
    for (let i = this.passed; i < end; i++) {
      this.dissect(this.passSession, p, i);
      this.fast.record(i, p);
      this.summaries.push(sourceColumn(p), destinationColumn(p), p.protocol, p.info, colorOf(this.colors, p));
    }
    this.passed = end;
    return this.passDone;
  }

  /** Seconds since the first frame, with the file's precision (Wireshark's default Time column). */
  time(i: number): string {
    let sec = this.index.seconds[i] - this.index.seconds[0];
    let ns = this.index.nanoseconds[i] - this.index.nanoseconds[0];
    if (ns < 0) {
      ns += 1e9;
      sec -= 1;
    }
    let sign = '';
    if (sec < 0) {
      sign = '-';
      if (ns > 0) {
        sec = -sec - 1;
        ns = 1e9 - ns;
      } else sec = -sec;
    }
    const d = this.timeDigits;
    if (d === 0) return `${sign}${sec}`;
    const frac = Math.floor(ns / 10 ** (9 - d));
    return `${sign}${sec}.${String(frac).padStart(d, '0')}`;
  }

  /** Frame index shown at display position `pos`. */
  frameAt(pos: number): number {
    if (this.order) return this.order[pos];
    return this.filtered ? this.filtered[pos] : pos;
  }

  /** Display position of frame index `i`, or -1 when the filter hides it. */
  positionOf(i: number): number {
    if (this.order) return this.order.indexOf(i);
    if (!this.filtered) return i < this.count ? i : -1;
    // filtered is in frame order: binary search
    let lo = 0;
    let hi = this.filtered.length - 1;
    while (lo <= hi) {
      const mid = (lo + hi) >> 1;
      const v = this.filtered[mid];
      if (v === i) return mid;
      if (v < i) lo = mid + 1;
      else hi = mid - 1;
    }
    return -1;
  }

  /**
   * The displayed frame after frame index `i` (dir 1) or before it (dir -1), in frame order
   * whatever the sort, or -1 when there is none: stepping under a display filter (Wireshark's
   * next/previous packet). A binary search of the filter's matches, so a step costs the same in
   * a million frames as in ten. `i` may be -1 or `count` (before the first / after the last).
   */
  nextShown(i: number, dir: 1 | -1): number {
    const shown = this.filtered;
    if (!shown) {
      const next = Math.max(-1, Math.min(this.count, i)) + dir;
      return next >= 0 && next < this.count ? next : -1;
    }
    // The first match greater than i (dir 1) or the last one less than i (dir -1).
    let lo = 0;
    let hi = shown.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (dir === 1 ? shown[mid] <= i : shown[mid] < i) lo = mid + 1;
      else hi = mid;
    }
    const k = dir === 1 ? lo : lo - 1;
    return k >= 0 && k < shown.length ? shown[k] : -1;
  }

  /** Rows at display positions [start, end). */
  rows(start: number, end: number): RowSummary[] {
    const out: RowSummary[] = [];
    const stop = Math.min(end, this.viewCount);
    let scratch: { session: DissectSession; packet: Packet } | null = null;
    for (let pos = Math.max(0, start); pos < stop; pos++) {
      const i = this.frameAt(pos);
      const base = { no: i + 1, time: this.time(i), length: this.index.originalLength[i] };
      if (i < this.passed) {
        out.push({ ...base, ...this.summaries.get(i) });
      } else {
        // Before the pass gets here: dissect this frame alone (no earlier TCP state).
        scratch ??= { session: this.newSession(), packet: createPacket({ tree: false, columns: true, wanted: this.colors.fields, presenceOnly: this.passPresence }) };
        this.dissect(scratch.session, scratch.packet, i);
        const p = scratch.packet;
        out.push({ ...base, src: sourceColumn(p), dst: destinationColumn(p), protocol: p.protocol, info: p.info, color: colorOf(this.colors, p), provisional: true });
      }
    }
    return out;
  }

  /** Checks and applies a display filter; the empty text shows every frame. */
  *filter(text: string): Job<FilterOutcome> {
    const compiled = compileFilter(text, lookupField);
    if (!compiled.ok) return { ok: false, error: compiled.error };
    if (text.trim() === '') {
      // The new view and its order are swapped in together at the end: rows stay consistent meanwhile.
      const order = yield* this.orderOf(null);
      this.filtered = null;
      this.order = order;
      return { ok: true, count: this.count, fast: true };
    }
    const f = compiled.filter;
    const fast = canRunFast(text, f.fields);
    // The fast path needs the first pass's columns: finish it first.
    if (fast) while (!this.passDone) {
      this.passStep();
      yield { done: this.passed, total: this.count * 2 };
    }
    const matches = new Uint32Array(this.count);
    let n = 0;
    if (fast) {
      const frame = this.fast.frame(this.index);
      const step = 200_000;
      for (let start = 0; start < this.count; start += step) {
        const end = Math.min(this.count, start + step);
        for (let i = start; i < end; i++) if (f.matches(frame.at(i))) matches[n++] = i;
        yield { done: this.count + end, total: this.count * 2 };
      }
    } else {
      n = yield* this.slowFilter(f, matches);
    }
    const filtered = matches.slice(0, n);
    const order = yield* this.orderOf(filtered);
    this.filtered = filtered;
    this.order = order;
    return { ok: true, count: n, fast };
  }

  private *slowFilter(f: CompiledFilter, matches: Uint32Array): Generator<Progress, number, void> {
    const session = this.newSession();
    const p = createPacket({ tree: false, columns: false, wanted: f.fields });
    let n = 0;
    for (let start = 0; start < this.count; start += SLICE) {
      const end = Math.min(this.count, start + SLICE);
      for (let i = start; i < end; i++) {
        this.dissect(session, p, i);
        if (f.matches(p)) matches[n++] = i;
      }
      yield { done: end, total: this.count };
    }
    return n;
  }

  /** The sort the shown rows are in (null: frame order). */
  get sorting(): { column: SortColumn; descending: boolean } | null {
    return this.sortKey;
  }

  /**
   * Sorts the shown rows by a column (null restores frame order), in steps. The new order
   * replaces the old one only when the job finishes: a sort dropped half-way (a newer sort, a
   * filter, Cancel) leaves the list as it was.
   */
  *sort(key: { column: SortColumn; descending: boolean } | null): Job<void> {
    const order = yield* this.orderOf(this.filtered, key);
    this.sortKey = key;
    this.order = order;
  }

  /** The display order of `shown` (null: every frame) under `key`, or null for frame order. */
  private *orderOf(shown: Uint32Array | null, key = this.sortKey): Generator<Progress, Uint32Array | null, void> {
    if (!key || (key.column === 'no' && !key.descending)) return null;
    const count = shown ? shown.length : this.count;
    const frames = shown ?? identity(this.count);
    if (key.column === 'no') return frames.slice().reverse();
    const needsPass = key.column !== 'length' && key.column !== 'time';
    // Progress counts the first pass (when it is still running) and the sort as one bar.
    const passLeft = needsPass ? this.count - this.passed : 0;
    const total = passLeft + count * 2;
    if (needsPass) {
      let done = 0;
      while (!this.passDone) {
        const before = this.passed;
        this.passStep();
        done += this.passed - before;
        yield { done, total };
      }
    }
    // Keys take the first half of the sort's share of the bar, the merge passes the second.
    const keyer = this.sortKeys(key.column, frames);
    let keys: SortKeys | TextColumn;
    for (;;) {
      const r = keyer.next();
      if (r.done) {
        keys = r.value;
        break;
      }
      yield { done: passLeft + Math.round((r.value.done / r.value.total) * count), total };
    }
    // A step between the phases: a newer request can replace this one before the sort proper.
    yield { done: passLeft + Math.round(count / 2), total };
    const sorter = 'pieces' in keys ? sortFramesByText(frames, keys, key.descending) : sortFramesByKey(frames, keys, key.descending);
    for (;;) {
      const r = sorter.next();
      if (r.done) return r.value;
      yield { done: passLeft + count + Math.round((r.value.done / r.value.total) * count), total };
    }
  }

  /**
   * One key per frame index for a column: numbers in a typed array (lengths, times, ranks of the
   * interned Source/Destination/Protocol strings) or, for Info, the text column in place (compared
   * by code unit, as Wireshark's string columns; a collator is ~10× slower on 1M rows). Only the
   * frames shown get a key; yields every 64k frames.
   */
  private *sortKeys(column: Exclude<SortColumn, 'no'>, frames: Uint32Array): Generator<Progress, SortKeys | TextColumn, void> {
    const ix = this.index;
    const s = this.summaries;
    const n = frames.length;
    const STEP = 65536;
    switch (column) {
      case 'length':
        return ix.originalLength;
      case 'time': {
        // Nanoseconds since the first frame: exact in a double for captures up to 104 days.
        const keys = new Float64Array(this.count);
        const s0 = ix.seconds[0] ?? 0;
        const sec = ix.seconds;
        const ns = ix.nanoseconds;
        for (let k = 0; k < n; k++) {
          const i = frames[k];
          keys[i] = (sec[i] - s0) * 1e9 + ns[i];
          if (k % STEP === STEP - 1) yield { done: k + 1, total: n };
        }
        return keys;
      }
      case 'src':
      case 'dst':
      case 'protocol': {
        const rank = this.stringRanks();
        yield { done: 0, total: n };
        const ids = column === 'src' ? s.srcIds : column === 'dst' ? s.dstIds : s.protoIds;
        const keys = new Uint32Array(this.count);
        for (let k = 0; k < n; k++) {
          const i = frames[k];
          keys[i] = rank[ids[i]];
          if (k % STEP === STEP - 1) yield { done: k + 1, total: n };
        }
        return keys;
      }
      case 'info': {
        const filler = s.infoColumn(frames, STEP);
        for (;;) {
          const r = filler.next();
          if (r.done) return r.value;
          yield { done: r.value, total: n };
        }
      }
    }
  }

  private stringRanks(): Uint32Array {
    const n = this.summaries.stringCount;
    const ids = Array.from({ length: n }, (_, i) => i);
    const coll = new Intl.Collator('en', { numeric: true });
    ids.sort((a, b) => coll.compare(this.summaries.string(a), this.summaries.string(b)));
    const rank = new Uint32Array(n);
    ids.forEach((id, r) => (rank[id] = r));
    return rank;
  }

  /**
   * The details tree and bytes of frame index i. TCP/HTTP state is rebuilt by dissecting the
   * frames before it (from the start for captures up to WARMUP frames; otherwise the WARMUP
   * frames before it), continuing from the previous selection when moving forward.
   */
  details(i: number): FrameDetails {
    const cached = this.detailCache.get(i);
    if (cached) return cached;
    const warmFrom = Math.max(0, i - WARMUP);
    if (!this.detailSession || this.detailCursor >= i || this.detailCursor < warmFrom - 1) {
      this.detailSession = this.newSession();
      this.detailCursor = warmFrom - 1;
    }
    // Columns on: every layer is dissected, so TCP and reassembly state is built, but few fields are
    // kept; PDU bytes are kept whole (frame i's tree may show a body whose segments came earlier).
    const quiet = createPacket({ tree: false, columns: true, wanted: new Set(), keepBodies: true });
    for (let k = this.detailCursor + 1; k < i; k++) this.dissect(this.detailSession, quiet, k);
    const p = createPacket({ tree: true, columns: true, wanted: null });
    this.dissect(this.detailSession, p, i);
    this.detailCursor = i;
    const result: FrameDetails = { no: i + 1, tree: p.roots, bytes: this.frameData(i).slice(), sources: p.dataSources.map((d) => ({ label: d.label, data: d.data.slice() })) };
    if (this.detailCache.size > 64) this.detailCache.delete(this.detailCache.keys().next().value!);
    this.detailCache.set(i, result);
    return result;
  }

  /** The TCP stream index of frame i (needs the pass to have reached it), or undefined. */
  tcpStream(i: number): number | undefined {
    if (i >= this.passed) this.passTo(i);
    const v = this.fast.valuesOf('tcp.stream', i);
    return v.length ? v[0] : undefined;
  }

  private passTo(i: number): void {
    while (this.passed <= i && !this.passDone) this.passStep();
  }

  /** Follow TCP Stream for the conversation of frame i. */
  follow(i: number): (FollowResult & { stream: number; frames: number[] }) | undefined {
    const stream = this.tcpStream(i);
    if (stream === undefined) return undefined;
    this.passTo(this.count - 1);
    const numbers: number[] = [];
    const col = this.fast.column('tcp.stream')!;
    for (let k = 0; k < this.count; k++) if (col.count[k] > 0 && col.first[k] === stream) numbers.push(k);
    const frameData = (k: number) => this.frameData(k);
    const linkType = (k: number) => this.linkType(k);
    const frames: Iterable<FollowFrame> = {
      *[Symbol.iterator]() {
        for (const k of numbers) yield { number: k + 1, data: frameData(k), linkType: linkType(k) };
      },
    };
    return { ...followTcp(frames), stream, frames: numbers.map((k) => k + 1) };
  }

  /**
   * A flow graph (sequence diagram): every shown frame, or only the TCP/UDP conversation of
   * frame `of`. Endpoints are the Source/Destination columns in order of appearance.
   */
  flow(of: number | null, limit = 5000): FlowGraph {
    this.passTo(this.count - 1);
    let keep: (i: number) => boolean = () => true;
    if (of !== null) {
      const stream = this.tcpStream(of);
      const s = this.summaries;
      const a = s.srcId(of);
      const b = s.dstId(of);
      const tcpCol = this.fast.column('tcp.stream')!;
      if (stream !== undefined) keep = (i) => tcpCol.count[i] > 0 && tcpCol.first[i] === stream;
      else keep = (i) => (s.srcId(i) === a && s.dstId(i) === b) || (s.srcId(i) === b && s.dstId(i) === a);
    }
    const endpoints: string[] = [];
    const endpointIds = new Map<number, number>();
    const endpoint = (id: number) => {
      let e = endpointIds.get(id);
      if (e === undefined) {
        e = endpoints.length;
        endpoints.push(this.summaries.string(id));
        endpointIds.set(id, e);
      }
      return e;
    };
    const rows: FlowRow[] = [];
    let truncated = false;
    const shown = this.viewCount;
    for (let pos = 0; pos < shown; pos++) {
      const i = this.filtered ? this.filtered[pos] : pos;
      if (!keep(i)) continue;
      if (rows.length >= limit) {
        truncated = true;
        break;
      }
      const s = this.summaries.get(i);
      rows.push({ no: i + 1, time: this.time(i), from: endpoint(this.summaries.srcId(i)), to: endpoint(this.summaries.dstId(i)), label: s.info, protocol: s.protocol, color: s.color });
    }
    return { endpoints, rows, truncated };
  }

  /** Lines of the key log not already in the file's TLS secrets blocks (blank lines and comments left out), or ''. */
  private keyLogToExport(): string {
    if (!this.keyLog) return '';
    const have = new Set<string>();
    const decoder = new TextDecoder();
    for (const s of this.index.secrets) if (s.type === SECRETS_TLS_KEY_LOG) for (const line of decoder.decode(s.data).split('\n')) have.add(line.trim());
    const lines: string[] = [];
    for (const raw of this.keyLog.split('\n')) {
      const line = raw.trim();
      if (line === '' || line.startsWith('#') || have.has(line)) continue;
      have.add(line);
      lines.push(line);
    }
    return lines.length ? `${lines.join('\n')}\n` : '';
  }

  /**
   * The capture as pcapng: one interface per interface of the file, comments kept, its Decryption
   * Secrets Blocks kept and the key log it was opened with (or given later) added as one more, as
   * `editcap --inject-secrets tls,keys.txt` does, so Wireshark decrypts the export on open.
   */
  toPcapng(): Uint8Array {
    const w = new PcapngWriter({ userAppl: 'PacketLab' });
    const ids = this.index.interfaces.map((iface) =>
      w.addInterface({ linkType: iface.linkType, name: iface.name, description: iface.description, snaplen: iface.snaplen, tsresol: this.timeDigits >= 9 ? 9 : 6 }),
    );
    if (ids.length === 0) ids.push(w.addInterface({ linkType: 1 }));
    for (const s of this.index.secrets) w.addSecrets(s.data, s.type);
    const keyLog = this.keyLogToExport();
    if (keyLog) w.addSecrets(keyLog, SECRETS_TLS_KEY_LOG);
    for (let i = 0; i < this.count; i++) {
      const iface = this.index.interfaceId ? this.index.interfaceId[i] : 0;
      w.addPacket({
        interfaceId: ids[iface] ?? ids[0],
        timestamp: { seconds: this.index.seconds[i], nanoseconds: this.index.nanoseconds[i] },
        data: this.frameData(i),
        originalLength: this.index.originalLength[i],
      });
    }
    return w.toBytes();
  }
}
