// Main side of the simulation worker: the sim.* handlers, forwarded to a worker thread. The worker
// starts on first use; if it dies (a crash, or the heap limit on a huge lab), the calls in flight fail
// with a clear error, its sessions are gone, and the next call starts a fresh worker.
import { Worker } from 'node:worker_threads';
import { HostError } from '../../src-shared/ipc/client';
import { SIMULATION_REQUESTS, type PortLike, type ReplyMessage, type SimulationRequest, type SimulationServices } from './simulation-port';

/** A worker as the proxy sees it; tests pass an in-process stand-in. */
export interface WorkerLike extends PortLike {
  on(event: 'message', listener: (message: unknown) => void): unknown;
  on(event: 'error', listener: (error: Error) => void): unknown;
  on(event: 'exit', listener: (code: number) => void): unknown;
  terminate(): Promise<number>;
  unref?(): void;
}

/** Heap for the engine's thread: large labs fail inside the worker instead of taking the app down. */
const WORKER_HEAP_MB = 2048;

export function spawnSimulationWorker(script: string): WorkerLike {
  const worker = new Worker(script, { resourceLimits: { maxOldGenerationSizeMb: WORKER_HEAP_MB } });
  // The app's server or window keeps the process alive; an idle engine thread must not.
  worker.unref();
  return worker as WorkerLike;
}

export interface SimulationProxy extends SimulationServices {
  /** Stops the worker (app quit); later calls start a new one. */
  close(): Promise<void>;
}

export function createSimulationProxy(spawn: () => WorkerLike): SimulationProxy {
  let worker: WorkerLike | null = null;
  let nextId = 1;
  const pending = new Map<number, { resolve(v: unknown): void; reject(e: Error): void }>();

  function failAll(why: string): void {
    for (const p of pending.values()) p.reject(new HostError('internal', why));
    pending.clear();
  }

  function current(): WorkerLike {
    if (worker) return worker;
    const w = spawn();
    worker = w;
    w.on('message', (message: unknown) => {
      const reply = message as ReplyMessage;
      const p = pending.get(reply?.id);
      if (!p) return;
      pending.delete(reply.id);
      if (reply.ok) p.resolve(reply.result);
      else p.reject(new HostError(reply.error.code, reply.error.message));
    });
    w.on('error', (error: Error) => {
      if (worker === w) worker = null;
      failAll(`the simulation stopped: ${error.message}; its sessions are gone, run the scenario again`);
    });
    w.on('exit', (code: number) => {
      if (worker !== w) return;
      worker = null;
      failAll(`the simulation worker exited (code ${code}); its sessions are gone, run the scenario again`);
    });
    return w;
  }

  function call(name: SimulationRequest, params: unknown): Promise<unknown> {
    return new Promise((resolve, reject) => {
      const id = nextId++;
      pending.set(id, { resolve, reject });
      current().postMessage({ id, name, params });
    });
  }

  const handlers = Object.fromEntries(SIMULATION_REQUESTS.map((name) => [name, (params: unknown) => call(name, params)])) as unknown as SimulationServices;
  return {
    ...handlers,
    async close() {
      const w = worker;
      worker = null;
      failAll('the simulation was closed');
      await w?.terminate();
    },
  };
}
