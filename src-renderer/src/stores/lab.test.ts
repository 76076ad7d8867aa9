import { describe, it, expect, beforeEach, vi } from 'vitest';
import { createPinia, setActivePinia } from 'pinia';
import { useLabStore } from './lab';
import { useSelectionStore } from './selection';

describe('lab store', () => {
  beforeEach(() => setActivePinia(createPinia()));

  it('starts empty and clean, becomes dirty on an edit and clean again when undone to the saved state', () => {
    const lab = useLabStore();
    lab.newLab();
    expect(lab.isEmpty).toBe(true);
    expect(lab.dirty).toBe(false);
    const pc = lab.addDevice('host', { x: 10, y: 20 })!;
    expect(lab.devices.map((d) => d.name)).toEqual(['PC1']);
    expect(lab.dirty).toBe(true);
    lab.markSaved({ path: 'a.lab.json', name: 'a.lab.json' });
    expect(lab.dirty).toBe(false);
    lab.moveDevices([{ id: pc.id, position: { x: 50, y: 60 } }]);
    expect(lab.dirty).toBe(true);
    lab.undo();
    expect(lab.dirty).toBe(false);
    expect(lab.device(pc.id)!.position).toEqual({ x: 10, y: 20 });
    lab.redo();
    expect(lab.device(pc.id)!.position).toEqual({ x: 50, y: 60 });
  });

  it('merges consecutive edits of one table into one undo step', () => {
    const lab = useLabStore();
    lab.newLab();
    const pc = lab.addDevice('host', { x: 0, y: 0 })!;
    for (const text of ['d', 'de', 'default via 10.0.0.1 dev eth0']) lab.setTable(pc.id, 'routes', text);
    expect(lab.device(pc.id)!.tables.routes).toBe('default via 10.0.0.1 dev eth0');
    lab.undo();
    expect(lab.device(pc.id)!.tables.routes).toBe('');
    expect(lab.devices).toHaveLength(1);
  });

  it('reports a refused edit instead of throwing', () => {
    const lab = useLabStore();
    lab.newLab();
    const a = lab.addDevice('host', { x: 0, y: 0 })!;
    lab.addDevice('host', { x: 0, y: 0 });
    expect(lab.renameDevice(a.id, 'PC2')).toBe(false);
    expect(lab.commandError).toBe('nameTaken');
    expect(lab.renameDevice(a.id, 'alice')).toBe(true);
    expect(lab.commandError).toBeNull();
  });

  it('loads a lab with problems, keeps everything and serializes it back', () => {
    const lab = useLabStore();
    const text = JSON.stringify({
      version: 2,
      name: 'Broken',
      devices: [{ name: 'pc1', type: 'firewall', position: { x: 1, y: 2 }, interfaces: [{ name: 'eth0' }] }],
      links: [],
    }, null, 2);
    expect(lab.load(text, { path: 'broken.lab.json', name: 'broken.lab.json' })).toBe(true);
    expect(lab.problems.length).toBeGreaterThan(0);
    expect(lab.problems[0].line).toBeGreaterThan(1);
    expect(lab.devices[0].type).toBe('firewall');
    expect(JSON.parse(lab.serialize())).toEqual(JSON.parse(text));
    expect(lab.dirty).toBe(false);
    expect(lab.canUndo).toBe(false);
  });

  it('refuses text that is not JSON, leaving the open lab alone', () => {
    const lab = useLabStore();
    lab.newLab();
    lab.addDevice('router', { x: 0, y: 0 });
    expect(lab.load('{ nope', { path: null, name: 'x.lab.json' })).toBe(false);
    expect(lab.devices.map((d) => d.name)).toEqual(['R1']);
    expect(lab.problems[0]).toMatchObject({ line: 1, col: 3 });
  });

  it('selection forgets devices that an undo removed', () => {
    const lab = useLabStore();
    const selection = useSelectionStore();
    lab.newLab();
    const pc = lab.addDevice('host', { x: 0, y: 0 })!;
    selection.set([pc.id]);
    expect(selection.device?.name).toBe('PC1');
    lab.undo();
    expect(selection.ids).toEqual([]);
    expect(selection.device).toBeUndefined();
  });
});

describe('live validation', () => {
  beforeEach(() => setActivePinia(createPinia()));

  it('re-checks the document a moment after edits and clears once fixed', async () => {
    vi.useFakeTimers();
    try {
      const lab = useLabStore();
      lab.newLab();
      const a = lab.addDevice('host', { x: 0, y: 0 })!;
      lab.updateInterface(a.id, 'eth0', { ipv4: '10.0.0.1/24' });
      await vi.advanceTimersByTimeAsync(500);
      expect(lab.liveProblems).toEqual([]);
      // An address the lab format refuses is reported, with its place in the file.
      lab.updateInterface(a.id, 'eth0', { ipv4: '10.0.0.1/31' });
      await vi.advanceTimersByTimeAsync(500);
      expect(lab.liveProblems.map((p) => p.path)).toContain('devices[0].interfaces[0].ipv4');
      lab.undo();
      await vi.advanceTimersByTimeAsync(500);
      expect(lab.liveProblems).toEqual([]);
    } finally {
      vi.useRealTimers();
    }
  });
});
