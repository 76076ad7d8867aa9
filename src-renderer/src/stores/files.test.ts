import { describe, it, expect, beforeEach, afterEach, vi } from 'vitest';
import { createPinia, setActivePinia } from 'pinia';
import { HostClient, type HostTransport } from '../../../src-shared/ipc/client';
import type { RequestName } from '../../../src-shared/ipc/channels';
import { setHostClient } from '../host';
import { useFilesStore, fileNameFor, AUTOSAVE_DELAY_MS } from './files';
import { useLabStore } from './lab';
import { useUiStore } from './ui';

/** A host that records calls and answers from a table, as serve mode would. */
function fakeHost(answers: Partial<Record<RequestName, (params: never) => unknown>>) {
  const calls: { name: RequestName; params: unknown }[] = [];
  const transport: HostTransport = {
    async request(name, params) {
      calls.push({ name, params });
      const answer = answers[name];
      if (!answer) throw new Error(`unexpected ${name}`);
      return answer(params as never);
    },
    subscribe: () => () => undefined,
  };
  setHostClient(new HostClient(transport));
  return calls;
}

const base = {
  'app.info': () => ({ name: 'PacketLab', version: '0.1.0', mode: 'serve', platform: 'linux', initialLab: null }),
  'lab.recover': () => null,
  'lab.templates': () => [],
  'lab.list': () => [],
  'lab.recent': () => [],
  'lab.discardAutosave': () => ({ discarded: true }),
};

describe('files store', () => {
  beforeEach(() => setActivePinia(createPinia()));
  afterEach(() => {
    setHostClient(null);
    vi.useRealTimers();
  });

  it('derives file names from lab titles', () => {
    expect(fileNameFor('Two LANs!')).toBe('two-lans.lab.json');
    expect(fileNameFor('   ')).toBe('untitled.lab.json');
    expect(fileNameFor('x.lab.json')).toBe('x.lab.json');
  });

  it('in serve mode, saving a lab never saved asks for a name, then saves it in the lab folder', async () => {
    const calls = fakeHost({ ...base, 'lab.save': (p: { suggestedName: string }) => ({ path: p.suggestedName, name: p.suggestedName }) });
    const files = useFilesStore();
    const lab = useLabStore();
    const ui = useUiStore();
    await files.start();
    lab.addDevice('host', { x: 0, y: 0 });
    expect(await files.save()).toBe(false);
    expect(ui.dialog).toBe('save');
    expect(await files.saveAs('lan.lab.json')).toBe(true);
    const save = calls.find((c) => c.name === 'lab.save')!;
    expect(save.params).toMatchObject({ suggestedName: 'lan.lab.json' });
    expect(JSON.parse((save.params as { text: string }).text).devices[0].name).toBe('PC1');
    expect(lab.file).toEqual({ path: 'lan.lab.json', name: 'lan.lab.json' });
    expect(lab.dirty).toBe(false);
    // The next save goes straight to the same file.
    lab.addDevice('router', { x: 0, y: 0 });
    expect(await files.save()).toBe(true);
    expect(calls.filter((c) => c.name === 'lab.save').at(-1)!.params).toMatchObject({ path: 'lan.lab.json' });
  });

  it('autosaves a while after an edit, only while there are unsaved changes', async () => {
    vi.useFakeTimers();
    const calls = fakeHost({ ...base, 'lab.autosave': () => ({ savedAt: 1234 }) });
    const files = useFilesStore();
    const lab = useLabStore();
    await files.start();
    lab.addDevice('host', { x: 0, y: 0 });
    await vi.advanceTimersByTimeAsync(AUTOSAVE_DELAY_MS - 100);
    expect(calls.some((c) => c.name === 'lab.autosave')).toBe(false);
    await vi.advanceTimersByTimeAsync(200);
    const autosave = calls.filter((c) => c.name === 'lab.autosave');
    expect(autosave).toHaveLength(1);
    expect(autosave[0].params).toMatchObject({ path: null });
    expect(files.lastAutosave).toBe(1234);
  });

  it('offers recovery at start and recovers the autosaved lab as unsaved work', async () => {
    const text = JSON.stringify({ version: 2, devices: [{ name: 'pc9', type: 'host', position: { x: 0, y: 0 }, interfaces: [] }], links: [] });
    fakeHost({ ...base, 'lab.recover': () => ({ path: 'mine.lab.json', text, savedAt: 99 }) });
    const files = useFilesStore();
    const lab = useLabStore();
    const ui = useUiStore();
    await files.start();
    expect(ui.dialog).toBe('recover');
    await files.recover();
    expect(ui.dialog).toBeNull();
    expect(lab.devices.map((d) => d.name)).toEqual(['pc9']);
    expect(lab.file).toEqual({ path: 'mine.lab.json', name: 'mine.lab.json' });
    expect(lab.dirty).toBe(true);
  });

  it('opens the initial lab given on the command line', async () => {
    const text = JSON.stringify({ version: 2, devices: [], links: [], name: 'Start' });
    const calls = fakeHost({
      ...base,
      'app.info': () => ({ name: 'PacketLab', version: '0.1.0', mode: 'serve', platform: 'linux', initialLab: 'start.lab.json' }),
      'lab.open': (p: { path: string }) => ({ path: p.path, name: p.path, text }),
    });
    const files = useFilesStore();
    const lab = useLabStore();
    await files.start();
    expect(calls.find((c) => c.name === 'lab.open')!.params).toEqual({ path: 'start.lab.json' });
    expect(lab.meta?.title).toBe('Start');
  });
});
