// Serve mode: the built renderer and the host services for a browser, on 127.0.0.1 only. Every HTTP
// and WebSocket request passes guard.ts; the WebSocket carries the same requests as Electron IPC.
import { randomBytes } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { WebSocketServer, type WebSocket } from 'ws';
import type { WsClientMessage, WsServerMessage } from '../../src-shared/ipc/client';
import type { Dispatch } from '../host/dispatch';
import { contentSecurityPolicy, readStatic } from '../host/static-files';
import { TOKEN_COOKIE, checkRequest, type GuardContext, type RequestFacts } from './guard';

export interface ServeOptions {
  dispatch: Dispatch;
  /** Folder of the built renderer (out/renderer). */
  staticDir: string;
  port: number;
  /** Fixed token for tests; a random one per launch otherwise. */
  token?: string;
  log?: (line: string) => void;
}

export interface RunningServer {
  url: string;
  port: number;
  token: string;
  close(): Promise<void>;
}

const MAX_WS_MESSAGE = 96 * 1024 * 1024;

function requestFacts(req: http.IncomingMessage, isWebSocket: boolean): RequestFacts {
  return {
    host: req.headers.host,
    origin: req.headers.origin,
    secFetchSite: req.headers['sec-fetch-site'] as string | undefined,
    cookie: req.headers.cookie,
    url: req.url ?? '/',
    isWebSocket,
  };
}

export async function startServer(options: ServeOptions): Promise<RunningServer> {
  const token = options.token ?? randomBytes(24).toString('base64url');
  const ctx: GuardContext = { port: 0, token };
  const sockets = new Set<WebSocket>();

  const server = http.createServer(async (req, res) => {
    const verdict = checkRequest(requestFacts(req, false), ctx);
    if (!verdict.ok) {
      res.writeHead(verdict.status, { 'Content-Type': 'text/plain; charset=utf-8', 'Cache-Control': 'no-store' });
      res.end(`PacketLab: ${verdict.reason}\n`);
      return;
    }
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      res.writeHead(405, { Allow: 'GET, HEAD' }).end();
      return;
    }
    const url = new URL(req.url ?? '/', 'http://x');
    if (verdict.viaQuery) {
      // Trade the token in the address bar for an HttpOnly cookie, and drop it from the URL.
      url.searchParams.delete('token');
      res.writeHead(303, {
        'Set-Cookie': `${TOKEN_COOKIE}=${token}; HttpOnly; SameSite=Strict; Path=/`,
        Location: url.pathname + url.search,
        'Cache-Control': 'no-store',
      });
      res.end();
      return;
    }
    const file = await readStatic(options.staticDir, url.pathname);
    if (!file) {
      res.writeHead(404, { 'Content-Type': 'text/plain; charset=utf-8' }).end('Not found\n');
      return;
    }
    res.writeHead(200, {
      'Content-Type': file.type,
      'Content-Length': file.body.byteLength,
      'Content-Security-Policy': contentSecurityPolicy('serve', `ws://${req.headers.host}`),
      'X-Content-Type-Options': 'nosniff',
      'Referrer-Policy': 'no-referrer',
      'Cross-Origin-Opener-Policy': 'same-origin',
      'Cross-Origin-Resource-Policy': 'same-origin',
      'Cache-Control': url.pathname.startsWith('/assets/') ? 'max-age=31536000, immutable' : 'no-store',
    });
    res.end(req.method === 'HEAD' ? undefined : file.body);
  });

  const wss = new WebSocketServer({ noServer: true, maxPayload: MAX_WS_MESSAGE });
  server.on('upgrade', (req, socket, head) => {
    const verdict = checkRequest(requestFacts(req, true), ctx);
    if (!verdict.ok || new URL(req.url ?? '/', 'http://x').pathname !== '/ws') {
      const status = verdict.ok ? 404 : verdict.status;
      socket.end(`HTTP/1.1 ${status} ${status === 401 ? 'Unauthorized' : status === 403 ? 'Forbidden' : 'Not Found'}\r\nConnection: close\r\n\r\n`);
      return;
    }
    wss.handleUpgrade(req, socket, head, (ws) => {
      sockets.add(ws);
      ws.on('close', () => sockets.delete(ws));
      ws.on('message', async (data, isBinary) => {
        const reply = await answer(isBinary ? null : data.toString());
        if (ws.readyState === ws.OPEN) ws.send(JSON.stringify(reply));
      });
    });
  });

  async function answer(text: string | null): Promise<WsServerMessage> {
    let message: WsClientMessage;
    try {
      if (text === null) throw new Error('binary frames are not part of the protocol');
      message = JSON.parse(text) as WsClientMessage;
      if (typeof message !== 'object' || message === null || !Number.isInteger(message.id)) throw new Error('a request needs an integer id');
    } catch (error) {
      return { id: -1, error: { code: 'bad-request', message: `malformed message: ${(error as Error).message}` } };
    }
    const outcome = await options.dispatch(message.method, message.params);
    return outcome.ok ? { id: message.id, result: outcome.result } : { id: message.id, error: outcome.error };
  }

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    // Loopback only: nothing listens beyond 127.0.0.1.
    server.listen(options.port, '127.0.0.1', () => resolve());
  });
  const port = (server.address() as AddressInfo).port;
  ctx.port = port;
  const url = `http://127.0.0.1:${port}/?token=${token}`;

  return {
    url,
    port,
    token,
    async close() {
      for (const ws of sockets) ws.terminate();
      wss.close();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
