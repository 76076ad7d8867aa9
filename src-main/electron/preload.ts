// Sandboxed preload: exposes one method per request of the contract (never a raw invoke) and one
// event subscription. Nothing else from Electron or Node reaches the page.
import { contextBridge, ipcRenderer, type IpcRendererEvent } from 'electron';
import { EVENT_NAMES, REQUEST_NAMES, eventChannel, methodName, requestChannel, type EventName } from '../../src-shared/ipc/channels';

const api: Record<string, unknown> = {};
for (const name of REQUEST_NAMES) {
  const channel = requestChannel(name);
  api[methodName(name)] = (params: unknown) => ipcRenderer.invoke(channel, params);
}
api.onEvent = (handler: (name: EventName, payload: unknown) => void) => {
  const subscriptions = EVENT_NAMES.map((name) => {
    const listener = (_event: IpcRendererEvent, payload: unknown) => handler(name, payload);
    ipcRenderer.on(eventChannel(name), listener);
    return () => ipcRenderer.removeListener(eventChannel(name), listener);
  });
  return () => subscriptions.forEach((unsubscribe) => unsubscribe());
};

contextBridge.exposeInMainWorld('packetlab', Object.freeze(api));
