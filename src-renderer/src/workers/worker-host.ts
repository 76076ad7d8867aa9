// The capture worker's logic without the Worker global: requests in, replies and progress out.
// Long work (reading, the first pass, filters, sorts) runs in slices of ~10 ms through `schedule`
// so requests for rows and details are answered while it goes on.
import { CaptureIndexer } from '../../../src-shared/capture';
import { CaptureModel, type Job } from './capture-model';
import type { LoadedInfo, ProgressTask, RequestEnvelope, WorkerEvent } from './protocol';

export type Post = (event: WorkerEvent, transfer?: Transferable[]) => void;
export type Schedule = (fn: () => void) => void;
export type Clock = () => number;

const SLICE_MS = 12;
const PROGRESS_MS = 80;

interface Foreground {
  id: number;
  task: ProgressTask;
  job: Job<unknown>;
  started: number;
  finish: (value: unknown) => unknown;
}

class Cancelled extends Error {}

export class WorkerHost {
  private model: CaptureModel | null = null;
  private foreground: Foreground[] = [];
  private loading: { cancelled: boolean } | null = null;
  private ticking = false;
  private lastProgress = 0;
  private lastPass = -1;

  constructor(
    private readonly post: Post,
    private readonly schedule: Schedule,
    private readonly now: Clock = () => performance.now(),
  ) {}

  /** The model, for tests. */
  get current(): CaptureModel | null {
    return this.model;
  }

  async handle(req: RequestEnvelope): Promise<void> {
    try {
      switch (req.type) {
        case 'open':
          this.reply(req.id, await this.open(req.source, req.name, req.keyLog ?? ''));
          return;
        case 'cancel': {
          let cancelled = false;
          if (this.loading) {
            this.loading.cancelled = true;
            cancelled = true;
          }
          for (const f of this.foreground.splice(0)) {
            this.drop(f, 'cancelled');
            cancelled = true;
          }
          this.reply(req.id, { cancelled });
          return;
        }
        case 'close':
          this.cancelAll();
          this.model = null;
          this.reply(req.id, { closed: true });
          return;
      }
      const model = this.model;
      if (!model) throw new Error('no capture is open');
      switch (req.type) {
        case 'rows':
          this.reply(req.id, { rows: model.rows(req.start, req.end), viewCount: model.viewCount, passed: model.passed });
          return;
        case 'details': {
          const d = model.details(req.frame);
          this.reply(req.id, d);
          return;
        }
        case 'position':
          this.reply(req.id, { position: model.positionOf(req.frame) });
          return;
        case 'nextShown':
          this.reply(req.id, { frame: model.nextShown(req.frame, req.dir) });
          return;
        case 'follow':
          this.reply(req.id, model.follow(req.frame) ?? null);
          return;
        case 'flow':
          this.reply(req.id, model.flow(req.of));
          return;
        case 'export': {
          const bytes = model.toPcapng();
          this.reply(req.id, { bytes }, [bytes.buffer as ArrayBuffer]);
          return;
        }
        case 'filter':
          this.startForeground(req.id, 'filter', model.filter(req.text), (r) => r);
          return;
        case 'keys': {
          // A key log read after opening: the capture is dissected again with it (the first pass,
          // filters and details all depend on what decrypts). A log with nothing usable changes nothing.
          const checked = CaptureModel.checkKeyLog(req.text, req.name);
          if (checked.error) throw new Error(checked.error);
          for (const f of this.foreground.splice(0)) this.drop(f, 'superseded');
          const next = new CaptureModel(model.bytes, model.index, model.keyLog ? `${model.keyLog}\n${req.text}` : req.text);
          this.model = next;
          this.lastPass = -1;
          this.kick();
          this.reply(req.id, { tlsSecrets: next.secretCount(), added: checked.secrets });
          return;
        }
        case 'sort':
          this.startForeground(req.id, 'sort', model.sort(req.key), () => ({ viewCount: model.viewCount }));
          return;
      }
    } catch (e) {
      this.fail(req.id, e instanceof Cancelled ? 'cancelled' : String((e as Error)?.message ?? e), e instanceof Cancelled);
    }
  }

  private cancelAll(): void {
    if (this.loading) this.loading.cancelled = true;
    for (const f of this.foreground.splice(0)) this.drop(f, 'cancelled');
  }

  /** Stops a foreground job where it is (its finally blocks run) and rejects its request. */
  private drop(f: Foreground, why: 'cancelled' | 'superseded'): void {
    try {
      f.job.return(undefined);
    } catch {
      /* a job failing while it stops changes nothing more */
    }
    this.fail(f.id, why, true);
  }

  /** Reads a file in chunks into one buffer while indexing it, with progress and cancel. */
  private async open(source: Blob | ArrayBuffer, name: string, keyLog: string): Promise<LoadedInfo> {
    // The open capture stays until the new one has loaded (a cancelled load keeps it).
    this.cancelAll();
    const token = { cancelled: false };
    this.loading = token;
    try {
      const total = source instanceof ArrayBuffer ? source.byteLength : source.size;
      const bytes = new Uint8Array(total);
      const indexer = new CaptureIndexer({ capacityHint: Math.ceil(total / 200) });
      let offset = 0;
      const take = (chunk: Uint8Array) => {
        const n = Math.min(chunk.length, total - offset);
        bytes.set(chunk.subarray(0, n), offset);
        indexer.push(bytes.subarray(offset, offset + n));
        offset += n;
        this.progress('read', offset, total);
      };
      if (source instanceof ArrayBuffer) {
        const all = new Uint8Array(source);
        for (let o = 0; o < all.length; o += 4 << 20) {
          // Let a Cancel request in between chunks, as reading a Blob does.
          if (o > 0) await new Promise((resolve) => setTimeout(resolve, 0));
          if (token.cancelled) throw new Cancelled();
          take(all.subarray(o, o + (4 << 20)));
        }
      } else {
        const reader = source.stream().getReader();
        for (;;) {
          const { done, value } = await reader.read();
          if (token.cancelled) {
            await reader.cancel();
            throw new Cancelled();
          }
          if (done) break;
          take(value);
        }
      }
      const index = indexer.end();
      if (!index.format) throw new Error(index.error?.message ?? 'not a pcap or pcapng file');
      const model = new CaptureModel(bytes.subarray(0, offset), index, keyLog);
      this.model = model;
      this.lastPass = -1;
      this.progress('read', total, total, true);
      this.kick();
      return {
        name,
        count: model.count,
        format: index.format,
        bytes: offset,
        error: index.error?.message,
        interfaces: index.interfaces.map((i) => ({ name: i.name, linkType: i.linkType })),
        tlsSecrets: model.secretCount(),
      };
    } finally {
      if (this.loading === token) this.loading = null;
    }
  }

  private startForeground(id: number, task: ProgressTask, job: Job<unknown>, finish: (value: unknown) => unknown): void {
    // A new sort replaces a sort still running or waiting; a new filter replaces both a filter
    // and a sort (it orders its rows by the sort in effect). A dropped job changes nothing.
    const replaces: ProgressTask[] = task === 'filter' ? ['filter', 'sort'] : [task];
    this.foreground = this.foreground.filter((f) => {
      if (!replaces.includes(f.task)) return true;
      this.drop(f, 'superseded');
      return false;
    });
    this.foreground.push({ id, task, job, started: this.now(), finish });
    this.kick();
  }

  private kick(): void {
    if (this.ticking) return;
    this.ticking = true;
    this.schedule(() => this.tick());
  }

  /** One slice of background work; reschedules itself while work remains. */
  tick(): void {
    this.ticking = false;
    const model = this.model;
    if (!model) return;
    const deadline = this.now() + SLICE_MS;
    while (this.now() < deadline) {
      const f = this.foreground[0];
      if (f) {
        let r: IteratorResult<{ done: number; total: number }, unknown>;
        try {
          r = f.job.next();
        } catch (e) {
          this.foreground.shift();
          this.fail(f.id, String((e as Error)?.message ?? e));
          continue;
        }
        if (r.done) {
          this.foreground.shift();
          const value = r.value as Record<string, unknown>;
          const result = f.finish(value) as Record<string, unknown>;
          this.reply(f.id, f.task === 'filter' && result.ok ? { ...result, ms: this.now() - f.started } : result);
          this.progress(f.task, 1, 1, true);
        } else this.progress(f.task, r.value.done, r.value.total);
        continue;
      }
      if (model.passDone) break;
      model.passStep(1000);
    }
    if (model.passed !== this.lastPass) {
      this.lastPass = model.passed;
      this.post({ type: 'pass', passed: model.passed, count: model.count });
    }
    if (this.foreground.length || !model.passDone) this.kick();
  }

  private progress(task: ProgressTask, done: number, total: number, force = false): void {
    const t = this.now();
    if (!force && t - this.lastProgress < PROGRESS_MS) return;
    this.lastProgress = t;
    this.post({ type: 'progress', task, done, total });
  }

  private reply(id: number, result: unknown, transfer?: Transferable[]): void {
    this.post({ type: 'reply', id, ok: true, result }, transfer);
  }

  private fail(id: number, error: string, cancelled = false): void {
    this.post({ type: 'reply', id, ok: false, error, ...(cancelled ? { cancelled: true } : {}) });
  }
}
