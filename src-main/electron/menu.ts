// The application menu. Commands that act on the lab are sent to the renderer (it owns the document);
// the renderer answers through the ordinary host requests.
import { app, Menu, type BrowserWindow, type MenuItemConstructorOptions } from 'electron';
import type { MenuCommand } from '../../src-shared/ipc/contract';

export interface MenuDeps {
  window: () => BrowserWindow | null;
  send: (command: MenuCommand, arg?: string) => void;
  recent: () => Promise<{ path: string; name: string }[]>;
  showAbout: () => void;
}

export async function buildMenu(deps: MenuDeps): Promise<Menu> {
  const isMac = process.platform === 'darwin';
  const recent = await deps.recent();
  const command = (c: MenuCommand, arg?: string) => () => deps.send(c, arg);
  const template: MenuItemConstructorOptions[] = [
    ...(isMac ? [{ role: 'appMenu' as const }] : []),
    {
      label: '&File',
      submenu: [
        { label: 'New Lab', accelerator: 'CmdOrCtrl+N', click: command('new') },
        { label: 'Open…', accelerator: 'CmdOrCtrl+O', click: command('open') },
        {
          label: 'Open Recent',
          submenu: recent.length
            ? recent.map((r) => ({ label: r.name, sublabel: r.path, click: command('openRecent', r.path) }))
            : [{ label: 'No recent labs', enabled: false }],
        },
        { type: 'separator' },
        { label: 'Save', accelerator: 'CmdOrCtrl+S', click: command('save') },
        { label: 'Save As…', accelerator: 'CmdOrCtrl+Shift+S', click: command('saveAs') },
        { type: 'separator' },
        { label: 'Export Capture…', accelerator: 'CmdOrCtrl+E', click: command('exportCapture') },
        { type: 'separator' },
        isMac ? { role: 'close' } : { role: 'quit', label: 'Quit' },
      ],
    },
    {
      label: '&Edit',
      submenu: [
        // Undo/redo act on the lab document, not on text fields, unless a text field has focus.
        { label: 'Undo', accelerator: 'CmdOrCtrl+Z', click: command('undo') },
        { label: 'Redo', accelerator: isMac ? 'Cmd+Shift+Z' : 'Ctrl+Y', click: command('redo') },
        { type: 'separator' },
        { role: 'cut' },
        { role: 'copy' },
        { role: 'paste' },
        { role: 'selectAll' },
      ],
    },
    {
      label: '&View',
      submenu: [
        { label: 'Toggle Light/Dark Theme', click: command('toggleTheme') },
        {
          label: 'Language',
          submenu: [
            { label: 'English', click: command('setLanguage', 'en') },
            { label: '한국어 (Korean)', click: command('setLanguage', 'ko') },
          ],
        },
        { type: 'separator' },
        { role: 'resetZoom' },
        { role: 'zoomIn' },
        { role: 'zoomOut' },
        { type: 'separator' },
        { role: 'togglefullscreen' },
        ...(app.isPackaged ? [] : [{ role: 'toggleDevTools' as const }]),
      ],
    },
    {
      label: '&Help',
      submenu: [{ label: 'About PacketLab', click: () => deps.showAbout() }],
    },
  ];
  return Menu.buildFromTemplate(template);
}
