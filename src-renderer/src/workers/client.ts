// The main-thread side of the capture worker: typed requests with promises, and progress events.
import type { ReplyTypes, RequestEnvelope, WorkerEvent, WorkerRequest } from './protocol';

export interface WorkerLike {
  postMessage(message: unknown, transfer?: Transferable[]): void;
  onmessage: ((e: MessageEvent) => void) | null;
  terminate?(): void;
}

export class CancelledError extends Error {
  constructor(message = 'cancelled') {
    super(message);
    this.name = 'CancelledError';
  }
}

type Pending = { resolve: (v: unknown) => void; reject: (e: Error) => void };

export class CaptureClient {
  private nextId = 1;
  private readonly pending = new Map<number, Pending>();
  private readonly listeners = new Set<(e: WorkerEvent) => void>();

  constructor(private readonly worker: WorkerLike) {
    worker.onmessage = (e: MessageEvent) => this.receive(e.data as WorkerEvent);
  }

  request<T extends WorkerRequest>(req: T, transfer?: Transferable[]): Promise<ReplyTypes[T['type']]> {
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      this.pending.set(id, { resolve: resolve as (v: unknown) => void, reject });
      const envelope: RequestEnvelope = { ...req, id };
      this.worker.postMessage(envelope, transfer ?? []);
    });
  }

  on(listener: (e: WorkerEvent) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  terminate(): void {
    this.worker.terminate?.();
    for (const p of this.pending.values()) p.reject(new CancelledError('worker stopped'));
    this.pending.clear();
  }

  private receive(e: WorkerEvent): void {
    if (e.type === 'reply') {
      const p = this.pending.get(e.id);
      if (!p) return;
      this.pending.delete(e.id);
      if (e.ok) p.resolve(e.result);
      else p.reject(e.cancelled ? new CancelledError(e.error) : new Error(e.error));
      return;
    }
    for (const l of this.listeners) l(e);
  }
}

/** The real worker (Vite bundles it from this URL). */
export function createCaptureWorker(): WorkerLike {
  return new Worker(new URL('./capture.worker.ts', import.meta.url), { type: 'module', name: 'capture' });
}
