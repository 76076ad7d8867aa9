// Lab files through the host services: new, open, save, save as, templates, recent labs,
// upload/download in serve mode, autosave while dirty and recovery at start.
import { defineStore } from 'pinia';
import { ref, watch } from 'vue';
import { host } from '../host';
import type { Result } from '../../../src-shared/ipc/contract';
import { useLabStore, UNTITLED } from './lab';
import { useUiStore } from './ui';
import { useSelectionStore } from './selection';
import { i18n } from '../i18n';

export const AUTOSAVE_DELAY_MS = 2000;

const t = (key: string, named: Record<string, unknown> = {}) => i18n.global.t(key, named);
const errorText = (e: unknown) => (e instanceof Error ? e.message : String(e));

/** `Two LANs!` → `two-lans`: a file name from a lab title. */
export function fileNameFor(title: string, fallback = 'untitled'): string {
  const stem = title.trim().toLowerCase().replace(/\.lab\.json$/, '');
  const base = stem.replace(/[^a-z0-9가-힣_-]+/g, '-').replace(/^-+|-+$/g, '') || fallback;
  return `${base}.lab.json`;
}

export const useFilesStore = defineStore('files', () => {
  const lab = useLabStore();
  const ui = useUiStore();
  const selection = useSelectionStore();
  const mode = ref<'electron' | 'serve'>('serve');
  const version = ref('');
  const templates = ref<Result<'lab.templates'>>([]);
  const labList = ref<Result<'lab.list'>>([]);
  const recent = ref<Result<'lab.recent'>>([]);
  const recovery = ref<Result<'lab.recover'>>(null);
  const lastAutosave = ref<number | null>(null);
  const busy = ref(false);

  function confirmDiscard(): boolean {
    if (!lab.dirty) return true;
    return window.confirm(t('files.confirmDiscard', { name: lab.file.name }));
  }

  async function start(): Promise<void> {
    lab.newLab();
    try {
      const info = await host().call('app.info', {});
      mode.value = info.mode;
      version.value = info.version;
      const saved = await host().call('lab.recover', {});
      if (saved) {
        recovery.value = saved;
        ui.dialog = 'recover';
      } else if (info.initialLab) {
        await openPath(info.initialLab);
      }
    } catch (e) {
      ui.notify('error', errorText(e));
    }
    void refreshLists();
  }

  async function refreshLists(): Promise<void> {
    try {
      const [tpl, list, rec] = await Promise.all([
        host().call('lab.templates', {}),
        host().call('lab.list', {}),
        host().call('lab.recent', {}),
      ]);
      templates.value = tpl;
      labList.value = list;
      recent.value = rec;
    } catch {
      /* lists stay as they were; the dialogs show what is known */
    }
  }

  function afterOpen(ok: boolean, name: string): void {
    selection.clear();
    if (!ok) ui.notify('error', t('files.openFailed', { error: t('problems.notALab') + ' ' + name }));
  }

  function newLab(): void {
    if (!confirmDiscard()) return;
    lab.newLab();
    selection.clear();
    void discardAutosave();
  }

  /** Desktop: the native Open dialog; serve: our dialog listing the lab folder. */
  async function open(): Promise<void> {
    if (mode.value === 'serve') {
      await refreshLists();
      ui.dialog = 'open';
      return;
    }
    if (!confirmDiscard()) return;
    try {
      const file = await host().call('lab.open', {});
      if (file) afterOpen(lab.load(file.text, { path: file.path, name: file.name }), file.name);
    } catch (e) {
      ui.notify('error', t('files.openFailed', { error: errorText(e) }));
    }
  }

  async function openPath(path: string): Promise<void> {
    if (!confirmDiscard()) return;
    try {
      const file = await host().call('lab.open', { path });
      if (file) afterOpen(lab.load(file.text, { path: file.path, name: file.name }), file.name);
      ui.dialog = null;
      void discardAutosave();
    } catch (e) {
      ui.notify('error', t('files.openFailed', { error: errorText(e) }));
    }
  }

  async function openTemplate(id: string): Promise<void> {
    if (!confirmDiscard()) return;
    try {
      const file = await host().call('lab.openTemplate', { id });
      afterOpen(lab.load(file.text, { path: null, name: file.name }), file.name);
      ui.dialog = null;
    } catch (e) {
      ui.notify('error', t('files.openFailed', { error: errorText(e) }));
    }
  }

  /** A file the user picked in the browser (serve mode upload): opens as an unsaved lab. */
  function openText(text: string, name: string): void {
    if (!confirmDiscard()) return;
    afterOpen(lab.load(text, { path: null, name }, { dirty: true }), name);
    ui.dialog = null;
  }

  async function save(): Promise<boolean> {
    if (lab.file.path === null) {
      if (mode.value === 'serve') {
        ui.dialog = 'save';
        return false;
      }
      return saveAs();
    }
    return write({ path: lab.file.path });
  }

  /** Desktop: native Save As dialog; serve: our dialog asks for a name (or `name` given). */
  async function saveAs(name?: string): Promise<boolean> {
    if (mode.value === 'serve' && name === undefined) {
      ui.dialog = 'save';
      return false;
    }
    const suggestedName = name ?? (lab.file.path ? lab.file.name : fileNameFor(lab.meta?.title ?? '', lab.file.name.replace(/\.lab\.json$/, '')));
    return write({ suggestedName });
  }

  async function write(target: { path?: string; suggestedName?: string }): Promise<boolean> {
    busy.value = true;
    try {
      const text = lab.serialize();
      const where = await host().call('lab.save', { ...target, text });
      if (!where) return false;
      lab.markSaved({ path: where.path, name: where.name });
      ui.dialog = null;
      ui.notify('success', t('files.saved', { name: where.name }), 2500);
      void discardAutosave();
      void refreshLists();
      return true;
    } catch (e) {
      ui.notify('error', t('files.saveFailed', { error: errorText(e) }));
      return false;
    } finally {
      busy.value = false;
    }
  }

  function download(): void {
    const blob = new Blob([lab.serialize()], { type: 'application/json' });
    const a = document.createElement('a');
    a.href = URL.createObjectURL(blob);
    a.download = lab.file.path ? lab.file.name : fileNameFor(lab.meta?.title ?? '');
    a.click();
    setTimeout(() => URL.revokeObjectURL(a.href), 1000);
  }

  async function discardAutosave(): Promise<void> {
    try {
      await host().call('lab.discardAutosave', {});
    } catch {
      /* nothing to discard, or the host is away: the next save replaces it */
    }
  }

  async function recover(): Promise<void> {
    const saved = recovery.value;
    recovery.value = null;
    ui.dialog = null;
    if (!saved) return;
    const name = saved.path ? saved.path.split(/[\\/]/).pop()! : UNTITLED;
    const ok = lab.load(saved.text, { path: saved.path, name }, { dirty: true });
    afterOpen(ok, name);
    if (ok) ui.notify('success', t('files.recovered'), 3000);
  }

  async function dismissRecovery(): Promise<void> {
    recovery.value = null;
    ui.dialog = null;
    await discardAutosave();
  }

  // Autosave: a short while after the last edit, while there are unsaved changes. Failures are
  // retried on the next edit or tick (the host may be restarting).
  let timer: ReturnType<typeof setTimeout> | null = null;
  async function autosaveNow(): Promise<void> {
    timer = null;
    if (!lab.dirty || recovery.value) return;
    try {
      const { savedAt } = await host().call('lab.autosave', { path: lab.file.path, text: lab.serialize() });
      lastAutosave.value = savedAt;
    } catch {
      schedule(AUTOSAVE_DELAY_MS * 2);
    }
  }
  function schedule(delay = AUTOSAVE_DELAY_MS): void {
    if (timer) clearTimeout(timer);
    timer = setTimeout(() => void autosaveNow(), delay);
  }
  watch(
    () => lab.revision,
    () => {
      if (lab.dirty) schedule();
    },
  );

  function warnBeforeUnload(event: BeforeUnloadEvent): void {
    if (!lab.dirty) return;
    event.preventDefault();
    // Older browsers show the dialog only when returnValue is set.
    event.returnValue = '';
  }

  return {
    mode,
    version,
    templates,
    labList,
    recent,
    recovery,
    lastAutosave,
    busy,
    start,
    refreshLists,
    newLab,
    open,
    openPath,
    openTemplate,
    openText,
    save,
    saveAs,
    download,
    recover,
    dismissRecovery,
    autosaveNow,
    warnBeforeUnload,
  };
});
