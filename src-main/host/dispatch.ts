// Validates and routes one request to the host services. Shared by Electron IPC and the serve-mode
// WebSocket, so both transports refuse the same things the same way.
import { isRequestName, type RequestName } from '../../src-shared/ipc/channels';
import { contract, type HostErrorShape, type Params, type Result } from '../../src-shared/ipc/contract';
import { HostError } from '../../src-shared/ipc/client';

export type HostServices = { [N in RequestName]: (params: Params<N>) => Promise<Result<N>> };

export type DispatchOutcome = { ok: true; result: unknown } | { ok: false; error: HostErrorShape };

export function createDispatcher(services: HostServices) {
  return async function dispatch(name: unknown, params: unknown): Promise<DispatchOutcome> {
    if (!isRequestName(name)) {
      return { ok: false, error: { code: 'bad-request', message: `unknown request ${JSON.stringify(String(name)).slice(0, 80)}` } };
    }
    const parsed = contract[name].params.safeParse(params ?? {});
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      const where = issue.path.length ? ` at ${issue.path.join('.')}` : '';
      return { ok: false, error: { code: 'bad-request', message: `${name}: invalid params${where}: ${issue.message}` } };
    }
    try {
      const handler = services[name] as (p: unknown) => Promise<unknown>;
      return { ok: true, result: await handler(parsed.data) };
    } catch (error) {
      if (error instanceof HostError) return { ok: false, error: { code: error.code, message: error.message } };
      const message = error instanceof Error ? error.message : String(error);
      return { ok: false, error: { code: 'internal', message: `${name} failed: ${message}` } };
    }
  };
}

export type Dispatch = ReturnType<typeof createDispatcher>;
