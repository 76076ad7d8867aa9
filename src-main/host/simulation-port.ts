// The message protocol between the main process and the simulation worker thread. The worker side
// answers requests with the in-process simulation services; the main side is a proxy with the same
// handler names, so the dispatcher cannot tell the difference, but a long run no longer blocks
// the main process's event loop (IPC, the serve-mode WebSocket, the window).
import { REQUEST_NAMES, type RequestName } from '../../src-shared/ipc/channels';
import type { HostErrorShape } from '../../src-shared/ipc/contract';
import { HostError } from '../../src-shared/ipc/client';
import type { HostServices } from './dispatch';

export const SIMULATION_REQUESTS = REQUEST_NAMES.filter((n): n is SimulationRequest => n.startsWith('sim.'));
export type SimulationRequest = Extract<RequestName, `sim.${string}`>;
export type SimulationServices = Pick<HostServices, SimulationRequest>;

export interface CallMessage {
  id: number;
  name: SimulationRequest;
  params: unknown;
}
export type ReplyMessage = { id: number; ok: true; result: unknown } | { id: number; ok: false; error: HostErrorShape };

/** The part of a MessagePort / parentPort / Worker this protocol needs. */
export interface PortLike {
  postMessage(message: unknown): void;
  on(event: 'message', listener: (message: unknown) => void): unknown;
}

function isCall(message: unknown): message is CallMessage {
  const m = message as CallMessage | null;
  return typeof m === 'object' && m !== null && Number.isInteger(m.id) && (SIMULATION_REQUESTS as readonly string[]).includes(m.name);
}

/** Worker side: answers every call on `port` with `services`, one reply per call, never throwing. */
export function serveSimulationPort(port: PortLike, services: SimulationServices): void {
  port.on('message', (message) => {
    if (!isCall(message)) return;
    const { id, name, params } = message;
    const handler = services[name] as (p: unknown) => Promise<unknown>;
    Promise.resolve()
      .then(() => handler(params))
      .then(
        (result) => port.postMessage({ id, ok: true, result } satisfies ReplyMessage),
        (error: unknown) => {
          const shape: HostErrorShape =
            error instanceof HostError
              ? { code: error.code, message: error.message }
              : { code: 'internal', message: `${name} failed: ${error instanceof Error ? error.message : String(error)}` };
          port.postMessage({ id, ok: false, error: shape } satisfies ReplyMessage);
        },
      );
  });
}
