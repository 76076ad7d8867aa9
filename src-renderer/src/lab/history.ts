// A record store with tldraw-style history: every change is recorded as a diff of whole records
// (before, after); a command starts with a mark, and undo replays the inverse diffs back to the
// previous mark. No command needs a hand-written inverse.
import type { LabRecord } from './types';

/** Per record id: the record before and after (null = absent). */
export type RecordDiff = Map<string, [LabRecord | null, LabRecord | null]>;

interface Mark {
  kind: 'mark';
  /** Unique per command, used to tell whether the document is at its saved state. */
  serial: number;
  name: string;
  squashKey?: string;
}
type Entry = Mark | { kind: 'diff'; diff: RecordDiff };

export interface Transaction {
  get(id: string): LabRecord | undefined;
  put(record: LabRecord): void;
  remove(id: string): void;
  all(): IterableIterator<LabRecord>;
}

export interface TransactOptions {
  /** Consecutive commands with the same key merge into one undo step (typing, nudging). */
  squashKey?: string;
  /** Not recorded: loading a document, applying a remote state. */
  ignoreHistory?: boolean;
}

let nextSerial = 1;

export class RecordStore {
  private records = new Map<string, LabRecord>();
  private undos: Entry[] = [];
  private redos: Entry[] = [];
  private listeners = new Set<(diff: RecordDiff) => void>();
  private baseSerial = 0;

  get(id: string): LabRecord | undefined {
    return this.records.get(id);
  }

  all(): IterableIterator<LabRecord> {
    return this.records.values();
  }

  onChange(listener: (diff: RecordDiff) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Runs `fn` as one named command. Returns what `fn` returns. */
  transact<T>(name: string, fn: (tx: Transaction) => T, options: TransactOptions = {}): T {
    const diff: RecordDiff = new Map();
    const records = this.records;
    const note = (id: string, after: LabRecord | null) => {
      const prior = diff.get(id);
      diff.set(id, [prior ? prior[0] : (records.get(id) ?? null), after]);
    };
    const tx: Transaction = {
      get: (id) => records.get(id),
      put: (record) => {
        note(record.id, record);
        records.set(record.id, record);
      },
      remove: (id) => {
        if (!records.has(id)) return;
        note(id, null);
        records.delete(id);
      },
      all: () => records.values(),
    };
    let result: T;
    try {
      result = fn(tx);
    } catch (error) {
      // A failed command leaves no trace.
      applyInverse(records, diff);
      throw error;
    }
    for (const [id, [before, after]] of diff) if (before === after) diff.delete(id);
    if (diff.size === 0) return result;
    if (!options.ignoreHistory) this.record(name, diff, options.squashKey);
    this.emit(diff);
    return result;
  }

  private record(name: string, diff: RecordDiff, squashKey: string | undefined): void {
    const lastMark = this.lastMark();
    const squash =
      squashKey !== undefined && this.redos.length === 0 && lastMark?.squashKey === squashKey && this.undos.at(-1)?.kind === 'diff';
    if (!squash) this.undos.push({ kind: 'mark', serial: nextSerial++, name, squashKey });
    this.undos.push({ kind: 'diff', diff });
    this.redos = [];
  }

  private lastMark(): Mark | undefined {
    for (let i = this.undos.length - 1; i >= 0; i--) {
      const e = this.undos[i];
      if (e.kind === 'mark') return e;
    }
    return undefined;
  }

  /** Ends squashing: the next command starts a new undo step even with the same key. */
  breakSquash(): void {
    const mark = this.lastMark();
    if (mark) mark.squashKey = undefined;
  }

  get canUndo(): boolean {
    return this.undos.length > 0;
  }
  get canRedo(): boolean {
    return this.redos.length > 0;
  }
  get undoName(): string | undefined {
    return this.lastMark()?.name;
  }

  undo(): boolean {
    if (!this.undos.length) return false;
    const moved: Entry[] = [];
    const combined: RecordDiff = new Map();
    while (this.undos.length) {
      const entry = this.undos.pop()!;
      moved.push(entry);
      if (entry.kind === 'mark') break;
      applyInverse(this.records, entry.diff);
      mergeInverse(combined, entry.diff);
    }
    // `moved` is [diffN … diff1, mark]: pushed as is, redo pops the mark first, then diff1 … diffN.
    this.redos.push(...moved.map((e): Entry => (e.kind === 'mark' ? { ...e, squashKey: undefined } : e)));
    this.emit(combined);
    return true;
  }

  redo(): boolean {
    if (!this.redos.length) return false;
    const combined: RecordDiff = new Map();
    // redos holds entries reversed per step: [... diffN, ..., diff1, mark] with the mark last.
    const mark = this.redos.pop()!;
    this.undos.push(mark);
    while (this.redos.length && this.redos.at(-1)!.kind === 'diff') {
      const entry = this.redos.pop() as { kind: 'diff'; diff: RecordDiff };
      applyForward(this.records, entry.diff);
      mergeForward(combined, entry.diff);
      this.undos.push(entry);
    }
    this.emit(combined);
    return true;
  }

  /** Serial of the current undo step: equal to a remembered value means "as saved". */
  get stateSerial(): number {
    return this.lastMark()?.serial ?? this.baseSerial;
  }

  /** Replaces every record without history (open, new); undo history is cleared. */
  reset(records: LabRecord[]): void {
    const diff: RecordDiff = new Map();
    for (const [id, r] of this.records) diff.set(id, [r, null]);
    this.records = new Map();
    for (const r of records) {
      const prior = diff.get(r.id);
      diff.set(r.id, [prior ? prior[0] : null, r]);
      this.records.set(r.id, r);
    }
    this.undos = [];
    this.redos = [];
    this.baseSerial = nextSerial++;
    this.emit(diff);
  }

  private emit(diff: RecordDiff): void {
    for (const l of this.listeners) l(diff);
  }
}

function applyInverse(records: Map<string, LabRecord>, diff: RecordDiff): void {
  for (const [id, [before]] of [...diff].reverse()) {
    if (before) records.set(id, before);
    else records.delete(id);
  }
}

function applyForward(records: Map<string, LabRecord>, diff: RecordDiff): void {
  for (const [id, [, after]] of diff) {
    if (after) records.set(id, after);
    else records.delete(id);
  }
}

function mergeInverse(into: RecordDiff, diff: RecordDiff): void {
  for (const [id, [before, after]] of diff) {
    const prior = into.get(id);
    into.set(id, [prior ? prior[0] : after, before]);
  }
}

function mergeForward(into: RecordDiff, diff: RecordDiff): void {
  for (const [id, [before, after]] of diff) {
    const prior = into.get(id);
    into.set(id, [prior ? prior[0] : before, after]);
  }
}
