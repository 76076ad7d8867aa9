// Host transport in a browser (serve mode): JSON messages over a WebSocket to the same host services.
// Reconnects after a drop; requests made while disconnected wait for the connection (up to a timeout).
import type { EventName, RequestName } from '../../../src-shared/ipc/channels';
import { HostError, type HostTransport, type WsServerMessage } from '../../../src-shared/ipc/client';

export interface WebSocketTransportOptions {
  url: string;
  requestTimeoutMs?: number;
  onStatus?: (status: 'connecting' | 'open' | 'closed') => void;
}

export function webSocketTransport(options: WebSocketTransportOptions): HostTransport {
  const timeoutMs = options.requestTimeoutMs ?? 30_000;
  const pending = new Map<number, { resolve(v: unknown): void; reject(e: Error): void; timer: ReturnType<typeof setTimeout> }>();
  const listeners = new Set<(name: EventName, payload: unknown) => void>();
  let nextId = 1;
  let socket: WebSocket | null = null;
  let opened: Promise<WebSocket> | null = null;
  let retryDelay = 250;

  function connect(): Promise<WebSocket> {
    if (opened) return opened;
    options.onStatus?.('connecting');
    opened = new Promise<WebSocket>((resolve) => {
      const ws = new WebSocket(options.url);
      ws.onopen = () => {
        socket = ws;
        retryDelay = 250;
        options.onStatus?.('open');
        resolve(ws);
      };
      ws.onmessage = (event) => receive(String(event.data));
      ws.onclose = () => {
        socket = null;
        opened = null;
        options.onStatus?.('closed');
        for (const [id, entry] of pending) {
          clearTimeout(entry.timer);
          entry.reject(new HostError('io', 'the connection to PacketLab was lost'));
          pending.delete(id);
        }
        setTimeout(() => void connect().then(resolve), retryDelay);
        retryDelay = Math.min(retryDelay * 2, 5000);
      };
    });
    return opened;
  }

  function receive(text: string): void {
    let message: WsServerMessage;
    try {
      message = JSON.parse(text) as WsServerMessage;
    } catch {
      return;
    }
    if ('event' in message) {
      for (const listener of listeners) listener(message.event, message.payload);
      return;
    }
    const entry = pending.get(message.id);
    if (!entry) return;
    pending.delete(message.id);
    clearTimeout(entry.timer);
    if ('error' in message) entry.reject(new HostError(message.error.code, message.error.message));
    else entry.resolve(message.result);
  }

  return {
    async request(name: RequestName, params: unknown) {
      const ws = socket ?? (await connect());
      const id = nextId++;
      return new Promise((resolve, reject) => {
        const timer = setTimeout(() => {
          pending.delete(id);
          reject(new HostError('io', `${name} timed out after ${timeoutMs} ms`));
        }, timeoutMs);
        pending.set(id, { resolve, reject, timer });
        ws.send(JSON.stringify({ id, method: name, params }));
      });
    },
    subscribe(handler) {
      listeners.add(handler);
      void connect();
      return () => listeners.delete(handler);
    },
  };
}
