// The lab document: records in a RecordStore with undo/redo, plus where the file lives and whether
// it has unsaved changes. Components read it; every edit goes through a named command here.
import { defineStore } from 'pinia';
import { computed, ref, shallowRef, watch } from 'vue';
import { RecordStore, type TransactOptions, type Transaction } from '../lab/history';
import { decodeLab, encodeLab, LAB_VERSION, type LabProblem } from '../lab/codec';
import * as commands from '../lab/commands';
import { devicesOf } from '../lab/devices';
import type { DeviceKind, DeviceRecord, LabInterface, LabRecord, LinkEnd, LinkRecord, MetaRecord, Position, TableKind } from '../lab/types';
import { isDevice } from '../lab/types';

let idCounter = 0;
const newId = () => `r${(++idCounter).toString(36)}`;

export const UNTITLED = 'untitled.lab.json';
export const LIVE_VALIDATION_DELAY_MS = 400;

export interface LabFile {
  /** Absolute path (desktop) or a name in the lab folder (serve); null until first saved. */
  path: string | null;
  name: string;
}

export const useLabStore = defineStore('lab', () => {
  const doc = new RecordStore();
  const records = shallowRef<LabRecord[]>([]);
  const revision = ref(0);
  doc.onChange(() => {
    records.value = [...doc.all()];
    revision.value++;
  });

  const devices = computed(() => devicesOf(records.value));
  const links = computed(() => commands.linksOf(records.value));
  const meta = computed(() => records.value.find((r): r is MetaRecord => r.typeName === 'meta'));
  const deviceById = computed(() => new Map(devices.value.map((d) => [d.id, d])));
  const isEmpty = computed(() => devices.value.length === 0);

  const file = ref<LabFile>({ path: null, name: UNTITLED });
  const savedSerial = ref(doc.stateSerial);
  const dirty = computed(() => (revision.value, doc.stateSerial !== savedSerial.value));
  const canUndo = computed(() => (revision.value, doc.canUndo));
  const canRedo = computed(() => (revision.value, doc.canRedo));
  /** Problems found when the lab was opened (validation), shown until the user dismisses them. */
  const problems = ref<LabProblem[]>([]);
  /** Whether `problems` came from opening the file or from checking the lab as edited. */
  const problemsSource = ref<'open' | 'live'>('open');
  /**
   * The document checked again after edits (debounced), with the shared validator: positions refer
   * to the file as it would be saved now. Shown in the status bar; `problems` is what was opened.
   */
  const liveProblems = ref<LabProblem[]>([]);
  let validateTimer: ReturnType<typeof setTimeout> | null = null;
  function validateNow(): void {
    validateTimer = null;
    const result = decodeLab(encodeLab(doc.all()), () => 'x');
    liveProblems.value = result.problems;
  }
  watch(revision, () => {
    if (validateTimer) clearTimeout(validateTimer);
    validateTimer = setTimeout(validateNow, LIVE_VALIDATION_DELAY_MS);
  });
  /** The last refused edit, as an i18n key or message. */
  const commandError = ref<string | null>(null);

  function run<T>(name: string, fn: (tx: Transaction) => T, options?: TransactOptions): T | undefined {
    try {
      commandError.value = null;
      return doc.transact(name, fn, options);
    } catch (error) {
      if (error instanceof commands.CommandError) {
        commandError.value = error.message;
        return undefined;
      }
      throw error;
    }
  }

  function emptyRecords(): LabRecord[] {
    return [{ typeName: 'meta', id: 'meta', version: LAB_VERSION, title: '' }];
  }

  function newLab(): void {
    doc.reset(emptyRecords());
    file.value = { path: null, name: UNTITLED };
    problems.value = [];
    markSaved();
  }

  /**
   * Loads lab text. A lab with problems still opens with everything that could be read; a file that
   * is not JSON at all is refused (returns false) with its problem listed.
   */
  function load(text: string, where: LabFile, options: { dirty?: boolean } = {}): boolean {
    const result = decodeLab(text, newId);
    problems.value = result.problems;
    problemsSource.value = 'open';
    if (!result.ok) return false;
    doc.reset(result.records);
    file.value = { ...where };
    if (options.dirty) savedSerial.value = -1;
    else markSaved();
    return true;
  }

  function serialize(): string {
    return encodeLab(doc.all());
  }

  function markSaved(where?: LabFile): void {
    if (where) file.value = { ...where };
    savedSerial.value = doc.stateSerial;
  }

  function undo(): void {
    doc.undo();
  }
  function redo(): void {
    doc.redo();
  }

  const device = (id: string): DeviceRecord | undefined => {
    const r = doc.get(id);
    return isDevice(r) ? r : undefined;
  };

  return {
    records,
    revision,
    devices,
    links,
    meta,
    deviceById,
    isEmpty,
    file,
    dirty,
    canUndo,
    canRedo,
    problems,
    liveProblems,
    validateNow,
    problemsSource,
    showLiveProblems: () => {
      validateNow();
      problems.value = liveProblems.value;
      problemsSource.value = 'live';
    },
    commandError,
    newLab,
    load,
    serialize,
    markSaved,
    undo,
    redo,
    device,
    breakSquash: () => doc.breakSquash(),
    addDevice: (kind: DeviceKind, position: Position) => run('add device', (tx) => commands.addDevice(tx, kind, position, newId())),
    moveDevices: (moves: { id: string; position: Position }[]) => run('move', (tx) => commands.moveDevices(tx, moves)),
    renameDevice: (id: string, name: string): boolean => {
      run('rename', (tx) => commands.renameDevice(tx, id, name));
      return commandError.value === null;
    },
    setTable: (id: string, table: TableKind, text: string) =>
      run('edit table', (tx) => commands.setTable(tx, id, table, text), { squashKey: `table:${id}:${table}` }),
    updateInterface: (id: string, name: string, patch: Partial<LabInterface>) =>
      run('edit interface', (tx) => commands.updateInterface(tx, id, name, patch)),
    addInterface: (id: string) => run('add interface', (tx) => commands.addInterface(tx, id)),
    removeInterface: (id: string, name: string) => run('remove interface', (tx) => commands.removeInterface(tx, id, name)),
    addLink: (a: LinkEnd, b: LinkEnd) => run('add link', (tx) => commands.addLink(tx, a, b, newId())),
    updateLink: (id: string, patch: Partial<Pick<LinkRecord, 'latencyMs' | 'lossPercent' | 'up'>>) =>
      run('edit link', (tx) => commands.updateLink(tx, id, patch)),
    removeElements: (ids: string[]) => run('delete', (tx) => commands.removeElements(tx, ids)),
    copy: (ids: string[]) => commands.copyElements(doc.all(), ids),
    paste: (clip: commands.Clipboard, offset: Position) => run('paste', (tx) => commands.pasteElements(tx, clip, offset, newId)) ?? [],
    setTitle: (title: string) => run('rename lab', (tx) => tx.put({ ...(tx.get('meta') as MetaRecord), title })),
    freeInterfaces: (d: DeviceRecord) => commands.freeInterfaces(doc.all(), d),
  };
});
