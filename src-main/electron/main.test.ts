// The Electron wiring, run against a recording stand-in for the electron module (the real binary
// cannot run here): window hardening, IPC registration and sender checks, the app:// protocol.
import { mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { beforeAll, describe, expect, it, vi } from 'vitest';
import { REQUEST_NAMES, requestChannel } from '../../src-shared/ipc/channels';

const userData = mkdtempSync(path.join(os.tmpdir(), 'packetlab-electron-'));
const rec = {
  windowOptions: null as null | Record<string, any>,
  loadedUrl: '',
  ipcHandlers: new Map<string, (event: unknown, payload: unknown) => Promise<any>>(),
  protocolHandler: null as null | ((req: { url: string }) => Promise<Response>),
  appListeners: new Map<string, (...args: any[]) => void>(),
  permissionHandler: null as null | ((wc: unknown, perm: string, cb: (ok: boolean) => void) => void),
  permissionCheck: null as null | (() => boolean),
};
const mainFrame = { url: 'app://packetlab/index.html' };

vi.mock('electron', () => {
  class BrowserWindow {
    webContents = { id: 1, mainFrame, on: vi.fn(), send: vi.fn() };
    constructor(options: Record<string, any>) {
      rec.windowOptions = options;
    }
    once() {}
    on() {}
    maximize() {}
    show() {}
    isDestroyed() {
      return false;
    }
    isMaximized() {
      return false;
    }
    getNormalBounds() {
      return { x: 0, y: 0, width: 1400, height: 900 };
    }
    async loadURL(url: string) {
      rec.loadedUrl = url;
    }
  }
  return {
    app: {
      requestSingleInstanceLock: () => true,
      whenReady: async () => undefined,
      getPath: () => userData,
      getAppPath: () => process.cwd(),
      isPackaged: false,
      on: (name: string, listener: (...args: any[]) => void) => rec.appListeners.set(name, listener),
      quit: vi.fn(),
    },
    BrowserWindow,
    dialog: { showOpenDialog: vi.fn(), showSaveDialog: vi.fn(), showMessageBox: vi.fn(), showMessageBoxSync: vi.fn() },
    ipcMain: { handle: (channel: string, handler: any) => rec.ipcHandlers.set(channel, handler), on: vi.fn() },
    Menu: { buildFromTemplate: (t: unknown) => t, setApplicationMenu: vi.fn() },
    net: { fetch: async () => new Response('<!doctype html>', { headers: { 'content-type': 'text/html' } }) },
    protocol: { registerSchemesAsPrivileged: vi.fn(), handle: (_scheme: string, handler: any) => (rec.protocolHandler = handler) },
    screen: { getAllDisplays: () => [{ workArea: { x: 0, y: 0, width: 1920, height: 1080 } }] },
    session: {
      defaultSession: {
        setPermissionRequestHandler: (h: any) => (rec.permissionHandler = h),
        setPermissionCheckHandler: (h: any) => (rec.permissionCheck = h),
        setDevicePermissionHandler: vi.fn(),
      },
    },
  };
});

beforeAll(async () => {
  await import('./main');
  await vi.waitFor(() => expect(rec.loadedUrl).not.toBe(''));
});

const event = (overrides: Record<string, unknown> = {}) => ({ sender: { id: 1, mainFrame }, senderFrame: mainFrame, ...overrides });

describe('Electron main', () => {
  it('creates one hardened window loading the app:// protocol', () => {
    expect(rec.windowOptions?.webPreferences).toMatchObject({
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      webSecurity: true,
      webviewTag: false,
      allowRunningInsecureContent: false,
    });
    expect(rec.windowOptions?.webPreferences.preload).toMatch(/preload[\\/]preload\.js$/);
    expect(rec.loadedUrl).toBe('app://packetlab/index.html');
  });

  it('registers exactly one IPC handler per request of the contract', () => {
    expect([...rec.ipcHandlers.keys()].sort()).toEqual(REQUEST_NAMES.map(requestChannel).sort());
  });

  it('answers the app window and refuses other senders and bad payloads', async () => {
    const info = rec.ipcHandlers.get(requestChannel('app.info'))!;
    expect(await info(event(), {})).toMatchObject({ ok: true, result: { name: 'PacketLab', mode: 'electron' } });
    expect(await info(event({ sender: { id: 2, mainFrame } }), {})).toMatchObject({ ok: false, error: { code: 'forbidden' } });
    const iframe = { url: 'app://packetlab/index.html' };
    expect(await info(event({ senderFrame: iframe }), {})).toMatchObject({ ok: false, error: { code: 'forbidden', message: expect.stringContaining('subframe') } });
    const foreign = { url: 'https://evil.example/' };
    expect(await info({ sender: { id: 1, mainFrame: foreign }, senderFrame: foreign }, {})).toMatchObject({ ok: false, error: { code: 'forbidden' } });
    expect(await info(event(), { extra: true })).toMatchObject({ ok: false, error: { code: 'bad-request' } });
  });

  it('serves only the renderer folder on app:// with a CSP', async () => {
    const ok = await rec.protocolHandler!({ url: 'app://packetlab/index.html' });
    expect(ok.status).toBe(200);
    expect(ok.headers.get('content-security-policy')).toContain("default-src 'self'");
    expect((await rec.protocolHandler!({ url: 'app://packetlab/..%2F..%2Fpackage.json' })).status).toBe(404);
    expect((await rec.protocolHandler!({ url: 'app://elsewhere/index.html' })).status).toBe(404);
  });

  it('denies navigation away from the app, new windows, webviews and permissions', () => {
    const listeners = new Map<string, (e: { preventDefault(): void }, url?: string) => void>();
    let openHandler: ((d: { url: string }) => { action: string }) | null = null;
    const contents = { on: (n: string, l: any) => listeners.set(n, l), setWindowOpenHandler: (h: any) => (openHandler = h) };
    rec.appListeners.get('web-contents-created')!({}, contents);
    const blocked = { preventDefault: vi.fn() };
    listeners.get('will-navigate')!(blocked, 'https://evil.example/');
    expect(blocked.preventDefault).toHaveBeenCalled();
    const inApp = { preventDefault: vi.fn() };
    listeners.get('will-navigate')!(inApp, 'app://packetlab/index.html');
    expect(inApp.preventDefault).not.toHaveBeenCalled();
    const webview = { preventDefault: vi.fn() };
    listeners.get('will-attach-webview')!(webview);
    expect(webview.preventDefault).toHaveBeenCalled();
    expect(openHandler!({ url: 'https://example.com' })).toEqual({ action: 'deny' });
    const answer = vi.fn();
    rec.permissionHandler!({}, 'media', answer);
    expect(answer).toHaveBeenCalledWith(false);
    expect(rec.permissionCheck!()).toBe(false);
  });
});
