// Keyboard shortcuts that work anywhere in the window, and the desktop menu's commands.
import { onBeforeUnmount, onMounted } from 'vue';
import { host } from '../host';
import type { MenuCommand } from '../../../src-shared/ipc/contract';
import { useLabStore } from '../stores/lab';
import { useFilesStore } from '../stores/files';
import { useUiStore } from '../stores/ui';

/** Inside a text field or Monaco, undo/redo belong to the field. */
function inTextField(target: EventTarget | null): boolean {
  const el = target as HTMLElement | null;
  if (!el || typeof el.closest !== 'function') return false;
  return !!el.closest('input, textarea, select, [contenteditable="true"], .monaco-editor');
}

export function useAppCommands(): void {
  const lab = useLabStore();
  const files = useFilesStore();
  const ui = useUiStore();

  function run(command: MenuCommand, arg?: string): void {
    switch (command) {
      case 'new':
        files.newLab();
        break;
      case 'open':
        void files.open();
        break;
      case 'openRecent':
        if (arg) void files.openPath(arg);
        else void files.open();
        break;
      case 'save':
        void files.save();
        break;
      case 'saveAs':
        void files.saveAs();
        break;
      case 'undo':
        lab.undo();
        break;
      case 'redo':
        lab.redo();
        break;
      case 'toggleTheme':
        ui.toggleTheme();
        break;
      case 'about':
        ui.dialog = 'about';
        break;
      case 'setLanguage':
        if (arg) ui.setLocale(arg);
        break;
      case 'exportCapture':
        // Captures come with the simulation (issue 7).
        break;
    }
  }

  function onKeyDown(event: KeyboardEvent): void {
    const mod = event.ctrlKey || event.metaKey;
    if (!mod || event.altKey) return;
    const key = event.key.toLowerCase();
    let command: MenuCommand | null = null;
    if (key === 's') command = event.shiftKey ? 'saveAs' : 'save';
    else if (key === 'o') command = 'open';
    else if (key === 'n' && !event.shiftKey) command = 'new';
    else if (!inTextField(event.target) && !ui.dialog) {
      if (key === 'z') command = event.shiftKey ? 'redo' : 'undo';
      else if (key === 'y') command = 'redo';
    }
    if (!command) return;
    event.preventDefault();
    run(command);
  }

  let unsubscribe: (() => void) | null = null;
  onMounted(() => {
    window.addEventListener('keydown', onKeyDown);
    window.addEventListener('beforeunload', files.warnBeforeUnload);
    unsubscribe = host().on('menu.command', ({ command, arg }) => run(command, arg));
  });
  onBeforeUnmount(() => {
    window.removeEventListener('keydown', onKeyDown);
    window.removeEventListener('beforeunload', files.warnBeforeUnload);
    unsubscribe?.();
  });
}
