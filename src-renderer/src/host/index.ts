// The renderer's one door to the host services: Electron's preload API when present, otherwise the
// serve-mode WebSocket on the page's own origin (the token travels in an HttpOnly cookie).
import { HostClient } from '../../../src-shared/ipc/client';
import { electronTransport, type PreloadApi } from './electron-transport';
import { webSocketTransport } from './websocket-transport';

let client: HostClient | null = null;
export type ConnectionStatus = 'connecting' | 'open' | 'closed';
const statusListeners = new Set<(s: ConnectionStatus) => void>();

export function onConnectionStatus(listener: (s: ConnectionStatus) => void): () => void {
  statusListeners.add(listener);
  return () => statusListeners.delete(listener);
}

export function host(): HostClient {
  if (client) return client;
  const api = (globalThis as { packetlab?: PreloadApi }).packetlab;
  if (api) {
    client = new HostClient(electronTransport(api));
  } else {
    const url = new URL('ws', location.href);
    url.protocol = location.protocol === 'https:' ? 'wss:' : 'ws:';
    url.search = '';
    url.hash = '';
    client = new HostClient(
      webSocketTransport({ url: url.href, onStatus: (s) => statusListeners.forEach((l) => l(s)) }),
    );
  }
  return client;
}

/** For tests: use a given client. */
export function setHostClient(c: HostClient | null): void {
  client = c;
}
