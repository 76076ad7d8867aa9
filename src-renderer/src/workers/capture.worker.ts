// Web Worker entry: capture loading, dissection and filtering off the UI thread.
import { WorkerHost } from './worker-host';
import type { RequestEnvelope, WorkerEvent } from './protocol';

const scope = self as unknown as {
  postMessage(message: WorkerEvent, transfer?: Transferable[]): void;
  onmessage: ((e: MessageEvent<RequestEnvelope>) => void) | null;
};

// A MessageChannel schedules the next slice without setTimeout's 4 ms clamping, and lets
// incoming requests run between slices.
const channel = new MessageChannel();
let pending: (() => void) | null = null;
channel.port1.onmessage = () => {
  const fn = pending;
  pending = null;
  fn?.();
};

const host = new WorkerHost(
  (event, transfer) => scope.postMessage(event, transfer ?? []),
  (fn) => {
    pending = fn;
    channel.port2.postMessage(null);
  },
);

scope.onmessage = (e) => void host.handle(e.data);
