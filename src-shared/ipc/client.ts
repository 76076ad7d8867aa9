// Transport-agnostic client of the host services, used by the renderer (over Electron's preload API
// or the serve-mode WebSocket) and by tests. The WebSocket message shapes live here too, so the
// server (src-main/serve) and the client agree on one definition.
import type { EventName, RequestName } from './channels';
import type { EventPayload, HostErrorShape, Params, Result } from './contract';

export interface HostTransport {
  request(name: RequestName, params: unknown): Promise<unknown>;
  /** Subscribes to host events; returns an unsubscribe function. */
  subscribe(handler: (name: EventName, payload: unknown) => void): () => void;
}

export class HostError extends Error implements HostErrorShape {
  constructor(
    readonly code: HostErrorShape['code'],
    message: string,
  ) {
    super(message);
    this.name = 'HostError';
  }
}

export class HostClient {
  constructor(private readonly transport: HostTransport) {}

  call<N extends RequestName>(name: N, params: Params<N>): Promise<Result<N>> {
    return this.transport.request(name, params) as Promise<Result<N>>;
  }

  on<N extends EventName>(name: N, handler: (payload: EventPayload<N>) => void): () => void {
    return this.transport.subscribe((event, payload) => {
      if (event === name) handler(payload as EventPayload<N>);
    });
  }
}

/** WebSocket frames of serve mode (JSON text). */
export type WsClientMessage = { id: number; method: string; params: unknown };
export type WsServerMessage =
  | { id: number; result: unknown }
  | { id: number; error: HostErrorShape }
  | { event: EventName; payload: unknown };
