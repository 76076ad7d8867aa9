// Electron main process: one window, hardened, loading the renderer from the app:// protocol; the host
// services answer the renderer's typed requests after the IPC gate has checked sender and payload.
import { app, BrowserWindow, dialog, ipcMain, Menu, net, protocol, screen } from 'electron';
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { APP_NAME, APP_VERSION } from '../../src-shared/app-info';
import { REQUEST_NAMES, eventChannel, requestChannel } from '../../src-shared/ipc/channels';
import type { MenuCommand } from '../../src-shared/ipc/contract';
import { createDispatcher } from '../host/dispatch';
import { createIpcGate } from '../host/ipc-gate';
import { createHostServices } from '../host/services';
import { contentSecurityPolicy, resolveStatic } from '../host/static-files';
import { parseWindowState, restoreBounds, type WindowState } from '../host/window-state';
import { buildMenu } from './menu';
import { denyAllPermissions, hardenAllWebContents } from './security';

const APP_ORIGIN = 'app://packetlab';
const rendererRoot = path.join(__dirname, '../renderer');
const devServerUrl = !app.isPackaged ? process.env.ELECTRON_RENDERER_URL : undefined;
const trustedOrigins = [APP_ORIGIN, ...(devServerUrl ? [new URL(devServerUrl).origin] : [])];

protocol.registerSchemesAsPrivileged([
  { scheme: 'app', privileges: { standard: true, secure: true, supportFetchAPI: true, codeCache: true } },
]);

if (!app.requestSingleInstanceLock()) {
  app.quit();
} else {
  void start();
}

function labArgument(argv: readonly string[]): string | null {
  const file = argv.slice(app.isPackaged ? 1 : 2).find((a) => a.endsWith('.lab.json'));
  return file ? path.resolve(file) : null;
}

async function start(): Promise<void> {
  await app.whenReady();
  const dataDir = app.getPath('userData');
  const stateFile = path.join(dataDir, 'window-state.json');
  let mainWindow: BrowserWindow | null = null;

  const services = createHostServices({
    mode: 'electron',
    dataDir,
    labFolder: app.getPath('documents'),
    templatesDir: app.isPackaged ? path.join(process.resourcesPath, 'topologies') : path.join(app.getAppPath(), 'topologies'),
    initialLab: labArgument(process.argv),
    // Bundled beside main.js by electron-vite: runs do not block the window's IPC.
    simulationWorker: path.join(__dirname, 'simulation-worker.js'),
    dialogs: {
      async openLab() {
        const r = await dialog.showOpenDialog(mainWindow!, {
          title: 'Open lab',
          filters: [{ name: 'PacketLab labs', extensions: ['lab.json', 'json'] }],
          properties: ['openFile'],
        });
        return r.canceled ? null : (r.filePaths[0] ?? null);
      },
      async saveLab(suggestedName) {
        const r = await dialog.showSaveDialog(mainWindow!, {
          title: 'Save lab',
          defaultPath: suggestedName,
          filters: [{ name: 'PacketLab labs', extensions: ['lab.json'] }],
        });
        return r.canceled ? null : (r.filePath ?? null);
      },
      async saveCapture(suggestedName) {
        const r = await dialog.showSaveDialog(mainWindow!, {
          title: 'Export capture',
          defaultPath: suggestedName,
          filters: [{ name: 'pcapng capture', extensions: ['pcapng'] }],
        });
        return r.canceled ? null : (r.filePath ?? null);
      },
    },
  });
  // Recent files were chosen by the user in an earlier session: they may be reopened.
  for (const entry of await services['lab.recent']({})) services.grantPath(entry.path);

  const gate = createIpcGate({
    dispatch: createDispatcher(services),
    trustedWebContents: () => new Set(mainWindow ? [mainWindow.webContents.id] : []),
    trustedOrigins,
  });
  let refreshMenu: () => Promise<void> = async () => {};
  for (const name of REQUEST_NAMES) {
    ipcMain.handle(requestChannel(name), async (event, payload: unknown) => {
      const outcome = await gate(
        name,
        {
          webContentsId: event.sender.id,
          frameUrl: event.senderFrame?.url ?? null,
          isMainFrame: event.senderFrame != null && event.senderFrame === event.sender.mainFrame,
        },
        payload,
      );
      // Opening or saving changes the recent list shown in File › Open Recent.
      if (outcome.ok && (name === 'lab.open' || name === 'lab.save')) void refreshMenu();
      return outcome;
    });
  }

  protocol.handle('app', async (request) => {
    const url = new URL(request.url);
    const file = url.host === 'packetlab' ? resolveStatic(rendererRoot, url.pathname) : null;
    if (!file) return new Response('Not found', { status: 404 });
    const response = await net.fetch(pathToFileURL(file).toString());
    const headers = new Headers(response.headers);
    headers.set('Content-Security-Policy', contentSecurityPolicy('electron'));
    headers.set('X-Content-Type-Options', 'nosniff');
    return new Response(response.body, { status: response.status, headers });
  });

  hardenAllWebContents((url) => trustedOrigins.some((o) => url.startsWith(o + '/')));
  denyAllPermissions();

  const saved = parseWindowState(await fs.readFile(stateFile, 'utf8').catch(() => null));
  const bounds = restoreBounds(saved, screen.getAllDisplays().map((d) => d.workArea));
  mainWindow = new BrowserWindow({
    ...bounds,
    minWidth: 900,
    minHeight: 600,
    title: APP_NAME,
    show: false,
    backgroundColor: '#1e1e1e',
    webPreferences: {
      preload: path.join(__dirname, '../preload/preload.js'),
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      nodeIntegrationInWorker: false,
      nodeIntegrationInSubFrames: false,
      webSecurity: true,
      allowRunningInsecureContent: false,
      experimentalFeatures: false,
      webviewTag: false,
      navigateOnDragDrop: false,
      spellcheck: false,
    },
  });
  if (saved?.maximized) mainWindow.maximize();
  // The renderer asks to keep the window open (beforeunload) while the lab has unsaved changes.
  mainWindow.webContents.on('will-prevent-unload', (event) => {
    const choice = dialog.showMessageBoxSync(mainWindow!, {
      type: 'warning',
      buttons: ['Discard changes and close', 'Keep editing'],
      defaultId: 1,
      cancelId: 1,
      title: 'Unsaved changes',
      message: 'This lab has unsaved changes.',
      detail: 'An autosaved copy is kept and offered again at the next start.',
    });
    if (choice === 0) event.preventDefault();
  });
  mainWindow.once('ready-to-show', () => mainWindow?.show());

  const saveState = async () => {
    if (!mainWindow || mainWindow.isDestroyed()) return;
    const state: WindowState = { bounds: mainWindow.getNormalBounds(), maximized: mainWindow.isMaximized() };
    await fs.mkdir(dataDir, { recursive: true });
    await fs.writeFile(stateFile, JSON.stringify(state));
  };
  mainWindow.on('close', () => void saveState());
  mainWindow.on('closed', () => {
    mainWindow = null;
  });

  const send = (command: MenuCommand, arg?: string) =>
    mainWindow?.webContents.send(eventChannel('menu.command'), { command, ...(arg ? { arg } : {}) });
  refreshMenu = async () =>
    Menu.setApplicationMenu(
      await buildMenu({
        window: () => mainWindow,
        send,
        recent: () => services['lab.recent']({}),
        showAbout: () =>
          void dialog.showMessageBox(mainWindow!, {
            type: 'info',
            title: `About ${APP_NAME}`,
            message: `${APP_NAME} ${APP_VERSION}`,
            detail: 'A packet lab: build a network, type a URL, and watch every frame of the journey as real bytes.',
          }),
      }),
    );
  await refreshMenu();

  app.on('second-instance', (_event, argv) => {
    if (!mainWindow) return;
    if (mainWindow.isMinimized()) mainWindow.restore();
    mainWindow.focus();
    const file = labArgument(argv);
    if (file) {
      services.grantPath(file);
      send('openRecent', file);
    }
  });
  app.on('window-all-closed', () => app.quit());
  app.on('will-quit', () => void services.dispose());

  await mainWindow.loadURL(devServerUrl ?? `${APP_ORIGIN}/index.html`);
}
