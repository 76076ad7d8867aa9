// Test support: the capture worker's host run in the test's own thread, behind the same message
// interface a Web Worker has (replies and scheduled work arrive on later tasks, as they would).
import { WorkerHost } from '../workers/worker-host';
import type { WorkerLike } from '../workers/client';
import type { RequestEnvelope } from '../workers/protocol';

export function inProcessWorker(): WorkerLike {
  const w: WorkerLike = {
    onmessage: null,
    postMessage(message: unknown) {
      void host.handle(message as RequestEnvelope);
    },
  };
  const host = new WorkerHost(
    (event) => setTimeout(() => w.onmessage?.({ data: event } as MessageEvent)),
    (fn) => setTimeout(fn, 0),
  );
  return w;
}
