// Serve mode refuses what it must: no token, a foreign Host (DNS rebinding), a foreign Origin
// (cross-site use), for HTTP and WebSocket alike; and answers its own pages.
import { mkdirSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { createDispatcher } from '../host/dispatch';
import { serveServices, tempDir } from '../host/test-support';
import { startServer, type RunningServer } from './server';

let tmp: ReturnType<typeof tempDir>;
let server: RunningServer;

beforeAll(async () => {
  tmp = tempDir();
  const staticDir = path.join(tmp.dir, 'renderer');
  mkdirSync(staticDir);
  mkdirSync(path.join(tmp.dir, 'labs'));
  writeFileSync(path.join(staticDir, 'index.html'), '<!doctype html><title>PacketLab</title>');
  writeFileSync(path.join(tmp.dir, 'outside.txt'), 'secret');
  server = await startServer({ dispatch: createDispatcher(serveServices(tmp.dir)), staticDir, port: 0 });
});
afterAll(async () => {
  await server.close();
  tmp.remove();
});

function get(pathname: string, headers: Record<string, string> = {}): Promise<{ status: number; headers: http.IncomingHttpHeaders; body: string }> {
  return new Promise((resolve, reject) => {
    const req = http.get({ host: '127.0.0.1', port: server.port, path: pathname, headers: { host: `127.0.0.1:${server.port}`, ...headers } }, (res) => {
      let body = '';
      res.on('data', (c) => (body += c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }));
    });
    req.on('error', reject);
  });
}

const cookie = () => `packetlab_token=${server.token}`;

function openSocket(headers: Record<string, string>): Promise<WebSocket> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(`ws://127.0.0.1:${server.port}/ws`, { headers });
    ws.once('open', () => resolve(ws));
    ws.once('unexpected-response', (_req, res) => reject(new Error(`HTTP ${res.statusCode}`)));
    ws.once('error', reject);
  });
}

function call(ws: WebSocket, message: unknown): Promise<Record<string, unknown>> {
  return new Promise((resolve) => {
    ws.once('message', (data) => resolve(JSON.parse(data.toString())));
    ws.send(typeof message === 'string' ? message : JSON.stringify(message));
  });
}

describe('serve mode over HTTP', () => {
  it('prints a loopback URL with the token and listens on 127.0.0.1 only', () => {
    expect(server.url).toBe(`http://127.0.0.1:${server.port}/?token=${server.token}`);
    expect(server.token.length).toBeGreaterThanOrEqual(32);
  });

  it('refuses requests without the token', async () => {
    const res = await get('/');
    expect(res.status).toBe(401);
    expect(res.body).toContain('token');
    expect((await get('/index.html', { cookie: 'packetlab_token=wrong' })).status).toBe(401);
    expect((await get(`/?token=${server.token.slice(1)}`)).status).toBe(401);
  });

  it('trades the token for an HttpOnly SameSite cookie and serves the page with a CSP', async () => {
    const first = await get(`/?token=${server.token}`);
    expect(first.status).toBe(303);
    expect(first.headers.location).toBe('/');
    expect(first.headers['set-cookie']?.[0]).toMatch(/HttpOnly; SameSite=Strict/);
    const page = await get('/', { cookie: cookie() });
    expect(page.status).toBe(200);
    expect(page.body).toContain('<title>PacketLab</title>');
    expect(page.headers['content-security-policy']).toContain("script-src 'self'");
  });

  it('refuses a foreign Host header (DNS rebinding) even with the token', async () => {
    const res = await get('/', { host: `evil.example:${server.port}`, cookie: cookie() });
    expect(res.status).toBe(403);
    expect(res.body).toContain('Host');
  });

  it('refuses a foreign Origin and cross-site fetches even with the token', async () => {
    expect((await get('/', { origin: 'https://evil.example', cookie: cookie() })).status).toBe(403);
    expect((await get('/', { 'sec-fetch-site': 'cross-site', cookie: cookie() })).status).toBe(403);
  });

  it('does not serve files outside the renderer folder', async () => {
    const res = await get('/..%2Foutside.txt', { cookie: cookie() });
    expect(res.status).toBe(404);
    expect(res.body).not.toContain('secret');
  });
});

describe('serve mode over WebSocket', () => {
  const origin = () => `http://127.0.0.1:${server.port}`;

  it('answers requests from its own page', async () => {
    const ws = await openSocket({ origin: origin(), cookie: cookie() });
    const reply = await call(ws, { id: 1, method: 'app.info', params: {} });
    expect(reply).toMatchObject({ id: 1, result: { name: 'PacketLab', mode: 'serve' } });
    ws.close();
  });

  it('refuses a handshake without the token, from a foreign origin, or without an origin', async () => {
    await expect(openSocket({ origin: origin() })).rejects.toThrow('HTTP 401');
    await expect(openSocket({ origin: 'https://evil.example', cookie: cookie() })).rejects.toThrow('HTTP 403');
    await expect(openSocket({ cookie: cookie() })).rejects.toThrow('HTTP 403');
  });

  it('answers malformed and forged messages with clear errors and keeps the connection', async () => {
    const ws = await openSocket({ origin: origin(), cookie: cookie() });
    expect(await call(ws, 'not json')).toMatchObject({ id: -1, error: { code: 'bad-request', message: expect.stringContaining('malformed') } });
    expect(await call(ws, { id: 2, method: 'shell.exec', params: {} })).toMatchObject({ id: 2, error: { code: 'bad-request', message: expect.stringContaining('unknown request') } });
    expect(await call(ws, { id: 3, method: 'lab.open', params: { path: 42 } })).toMatchObject({ id: 3, error: { code: 'bad-request' } });
    expect(await call(ws, { id: 4, method: 'lab.open', params: { path: '../../etc/passwd' } })).toMatchObject({ id: 4, error: { code: 'forbidden' } });
    expect(await call(ws, { id: 5, method: 'lab.list', params: {} })).toMatchObject({ id: 5, result: [] });
    ws.close();
  });
});
