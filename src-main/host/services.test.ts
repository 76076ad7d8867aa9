import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createDispatcher } from './dispatch';
import { createHostServices } from './services';
import { serveServices, tempDir } from './test-support';

let tmp: ReturnType<typeof tempDir>;
beforeEach(() => {
  tmp = tempDir();
  mkdirSync(path.join(tmp.dir, 'labs'), { recursive: true });
});
afterEach(() => tmp.remove());

describe('host services (serve mode)', () => {
  it('saves atomically into the lab folder and opens the same text again', async () => {
    const services = serveServices(tmp.dir);
    const saved = await services['lab.save']({ suggestedName: 'Week 1', text: '{"version":1}' });
    expect(saved).toEqual({ path: 'Week 1.lab.json', name: 'Week 1.lab.json' });
    expect(readdirSync(path.join(tmp.dir, 'labs'))).toEqual(['Week 1.lab.json']); // no temp file left behind
    const opened = await services['lab.open']({ path: 'Week 1.lab.json' });
    expect(opened?.text).toBe('{"version":1}');
    expect(await services['lab.recent']({})).toEqual([{ path: 'Week 1.lab.json', name: 'Week 1.lab.json' }]);
    expect((await services['lab.list']({})).map((e) => e.path)).toEqual(['Week 1.lab.json']);
  });

  it('refuses paths that leave the lab folder or are not lab files', async () => {
    writeFileSync(path.join(tmp.dir, 'secret.lab.json'), 'x');
    const dispatch = createDispatcher(serveServices(tmp.dir));
    for (const bad of ['../secret.lab.json', '/etc/passwd', 'sub/../../secret.lab.json', 'notes.txt']) {
      const outcome = await dispatch('lab.open', { path: bad });
      expect(outcome).toMatchObject({ ok: false, error: { code: 'forbidden' } });
    }
    const write = await dispatch('lab.save', { path: '../evil.lab.json', text: 'x' });
    expect(write).toMatchObject({ ok: false, error: { code: 'forbidden' } });
    expect(existsSync(path.join(tmp.dir, 'evil.lab.json'))).toBe(false);
  });

  it('keeps an autosave until it is discarded', async () => {
    const services = serveServices(tmp.dir);
    expect(await services['lab.recover']({})).toBeNull();
    await services['lab.autosave']({ path: 'a.lab.json', text: 'draft' });
    expect(await services['lab.recover']({})).toMatchObject({ path: 'a.lab.json', text: 'draft' });
    expect(await services['lab.discardAutosave']({})).toEqual({ discarded: true });
    expect(await services['lab.recover']({})).toBeNull();
  });

  it('lists templates with their titles and opens one as an unsaved lab', async () => {
    const templates = path.join(tmp.dir, 'templates');
    mkdirSync(templates);
    writeFileSync(path.join(templates, 'two-lans.lab.json'), JSON.stringify({ title: 'Two LANs', description: 'routed' }));
    writeFileSync(path.join(templates, 'broken.lab.json'), '{');
    const services = serveServices(tmp.dir);
    expect(await services['lab.templates']({})).toEqual([
      { id: 'broken', title: 'broken', description: 'This template does not parse as JSON.' },
      { id: 'two-lans', title: 'Two LANs', description: 'routed' },
    ]);
    expect(await services['lab.openTemplate']({ id: 'two-lans' })).toMatchObject({ path: null, name: 'two-lans.lab.json' });
    const dispatch = createDispatcher(services);
    expect(await dispatch('lab.openTemplate', { id: '../x' })).toMatchObject({ ok: false, error: { code: 'bad-request' } });
  });
});

describe('host services (desktop)', () => {
  it('opens only files the user chose in a dialog', async () => {
    const file = path.join(tmp.dir, 'chosen.lab.json');
    const other = path.join(tmp.dir, 'other.lab.json');
    writeFileSync(file, 'chosen');
    writeFileSync(other, 'other');
    const services = createHostServices({
      mode: 'electron',
      dataDir: path.join(tmp.dir, 'data'),
      labFolder: tmp.dir,
      templatesDir: tmp.dir,
      initialLab: null,
      dialogs: { openLab: async () => file, saveLab: async () => null, saveCapture: async () => null },
    });
    const dispatch = createDispatcher(services);
    expect(await dispatch('lab.open', { path: other })).toMatchObject({ ok: false, error: { code: 'forbidden' } });
    expect(await services['lab.open']({})).toMatchObject({ path: file, text: 'chosen' });
    // Once chosen, it may be reopened (e.g. from Open Recent) and saved in place.
    expect(await services['lab.save']({ path: file, text: 'changed' })).toMatchObject({ path: file });
    expect(readFileSync(file, 'utf8')).toBe('changed');
    expect(readFileSync(other, 'utf8')).toBe('other');
  });

  it('returns null when a dialog is cancelled', async () => {
    const services = createHostServices({
      mode: 'electron',
      dataDir: tmp.dir,
      labFolder: tmp.dir,
      templatesDir: tmp.dir,
      initialLab: null,
      dialogs: { openLab: async () => null, saveLab: async () => null, saveCapture: async () => null },
    });
    expect(await services['lab.open']({})).toBeNull();
    expect(await services['lab.save']({ text: 'x', suggestedName: 'a' })).toBeNull();
  });
});
