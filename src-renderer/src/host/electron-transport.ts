// Host transport inside the Electron window: the preload's typed API (one method per request).
import { EVENT_NAMES, methodName, type EventName, type RequestName } from '../../../src-shared/ipc/channels';
import type { HostTransport } from '../../../src-shared/ipc/client';
import { HostError } from '../../../src-shared/ipc/client';

export interface PreloadApi {
  [method: string]: unknown;
  onEvent(handler: (name: EventName, payload: unknown) => void): () => void;
}

export function electronTransport(api: PreloadApi): HostTransport {
  return {
    async request(name: RequestName, params: unknown) {
      const method = api[methodName(name)];
      if (typeof method !== 'function') throw new HostError('bad-request', `the desktop app has no request ${name}`);
      const reply = (await method(params)) as { ok: true; result: unknown } | { ok: false; error: { code: HostError['code']; message: string } };
      if (!reply.ok) throw new HostError(reply.error.code, reply.error.message);
      return reply.result;
    },
    subscribe(handler) {
      return api.onEvent((name, payload) => {
        if ((EVENT_NAMES as readonly string[]).includes(name)) handler(name, payload);
      });
    },
  };
}
