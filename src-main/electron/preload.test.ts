// The preload exposes exactly one method per request of the contract, bound to its own channel,
// plus one event subscription: never a raw invoke(channel).
import { beforeEach, describe, expect, it, vi } from 'vitest';
import { REQUEST_NAMES, methodName, requestChannel } from '../../src-shared/ipc/channels';

const exposed: Record<string, Record<string, unknown>> = {};
const invoke = vi.fn(async (..._args: unknown[]) => ({ ok: true, result: null }));
vi.mock('electron', () => ({
  contextBridge: { exposeInMainWorld: (key: string, api: Record<string, unknown>) => (exposed[key] = api) },
  ipcRenderer: { invoke, on: vi.fn(), removeListener: vi.fn() },
}));

beforeEach(async () => {
  await import('./preload');
});

describe('preload API', () => {
  it('has one method per request and nothing that could reach an arbitrary channel', () => {
    const api = exposed.packetlab;
    expect(Object.keys(api).sort()).toEqual([...REQUEST_NAMES.map(methodName), 'onEvent'].sort());
    expect(Object.isFrozen(api)).toBe(true);
    expect(api).not.toHaveProperty('invoke');
    expect(api).not.toHaveProperty('send');
  });

  it('sends each request on its own fixed channel', async () => {
    const api = exposed.packetlab as Record<string, (p: unknown) => Promise<unknown>>;
    await api.labOpen({ path: 'a.lab.json' });
    expect(invoke).toHaveBeenLastCalledWith(requestChannel('lab.open'), { path: 'a.lab.json' });
    await api.appInfo({});
    expect(invoke).toHaveBeenLastCalledWith('packetlab:app.info', {});
  });
});
