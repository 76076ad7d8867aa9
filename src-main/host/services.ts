// The host services the renderer calls: lab files, templates, autosave, recent files, capture export.
// Transport-agnostic: Electron IPC and the serve-mode WebSocket both reach them through dispatch.ts.
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { APP_NAME, APP_VERSION } from '../../src-shared/app-info';
import { HostError } from '../../src-shared/ipc/client';
import type { Result } from '../../src-shared/ipc/contract';
import { writeFileAtomic } from './atomic-file';
import { createSimulationServices } from './simulation';
import { createSimulationProxy, spawnSimulationWorker } from './simulation-proxy';
import { GrantedPaths, LAB_EXTENSION, labFileName, resolveInFolder } from './lab-access';
import type { HostServices } from './dispatch';

/** Native dialogs, provided by the Electron wiring; serve mode has none. */
export interface DialogAdapter {
  openLab(): Promise<string | null>;
  saveLab(suggestedName: string): Promise<string | null>;
  saveCapture(suggestedName: string): Promise<string | null>;
}

export interface HostOptions {
  mode: 'electron' | 'serve';
  /** Per-user state: autosave and the recent list. */
  dataDir: string;
  /** Serve mode: the folder whose labs the browser may list, open and save. */
  labFolder: string;
  /** Sample labs offered as templates (topologies/). */
  templatesDir: string;
  /** Serve: a name inside labFolder; desktop: an absolute path. */
  initialLab: string | null;
  dialogs?: DialogAdapter;
  platform?: string;
  /** The bundled simulation worker script: runs go to a worker thread. Without it (tests), in-process. */
  simulationWorker?: string;
}

const MAX_RECENT = 10;
const MAX_LAB_BYTES = 64 * 1024 * 1024;

export function createHostServices(options: HostOptions): HostServices & { grantPath(file: string): void; dispose(): Promise<void> } {
  const granted = new GrantedPaths();
  if (options.mode === 'electron' && options.initialLab) granted.grant(options.initialLab);
  const recentFile = path.join(options.dataDir, 'recent.json');
  const autosaveFile = path.join(options.dataDir, 'autosave.json');

  /** Maps a renderer-supplied path to a file on disk, refusing anything it may not touch. */
  function resolveLab(file: string): string {
    return options.mode === 'serve' ? resolveInFolder(options.labFolder, file) : granted.check(file);
  }

  function displayPath(absolute: string): string {
    return options.mode === 'serve' ? path.relative(options.labFolder, absolute).split(path.sep).join('/') : absolute;
  }

  async function readRecent(): Promise<{ path: string; name: string }[]> {
    try {
      const list: unknown = JSON.parse(await fs.readFile(recentFile, 'utf8'));
      return Array.isArray(list)
        ? list.filter((e): e is { path: string; name: string } => typeof e?.path === 'string' && typeof e?.name === 'string')
        : [];
    } catch {
      return [];
    }
  }

  async function remember(absolute: string): Promise<void> {
    const entry = { path: displayPath(absolute), name: path.basename(absolute) };
    const list = [entry, ...(await readRecent()).filter((e) => e.path !== entry.path)].slice(0, MAX_RECENT);
    await fs.mkdir(options.dataDir, { recursive: true });
    await writeFileAtomic(recentFile, JSON.stringify(list, null, 2));
  }

  async function readLab(absolute: string): Promise<Result<'lab.open'>> {
    let stat;
    try {
      stat = await fs.stat(absolute);
    } catch {
      throw new HostError('not-found', `no lab file at ${displayPath(absolute)}`);
    }
    if (stat.size > MAX_LAB_BYTES) throw new HostError('io', `${displayPath(absolute)} is larger than 64 MiB`);
    const text = await fs.readFile(absolute, 'utf8');
    await remember(absolute);
    return { path: displayPath(absolute), name: path.basename(absolute), text };
  }

  const worker = options.simulationWorker ? createSimulationProxy(() => spawnSimulationWorker(options.simulationWorker!)) : null;
  const simulation = worker ?? createSimulationServices();

  return {
    grantPath: (file) => granted.grant(file),
    ...simulation,
    /** Stops the simulation worker (quit): its thread must not outlive the app. */
    dispose: async () => {
      await worker?.close();
    },

    async 'app.info'() {
      return {
        name: APP_NAME,
        version: APP_VERSION,
        mode: options.mode,
        platform: options.platform ?? process.platform,
        initialLab: options.initialLab,
      };
    },

    async 'lab.templates'() {
      const entries = await fs.readdir(options.templatesDir).catch(() => [] as string[]);
      const templates = [];
      for (const file of entries.filter((f) => f.endsWith(LAB_EXTENSION)).sort()) {
        const id = file.slice(0, -LAB_EXTENSION.length);
        let title = id;
        let description = '';
        try {
          const doc = JSON.parse(await fs.readFile(path.join(options.templatesDir, file), 'utf8'));
          if (typeof doc?.title === 'string') title = doc.title;
          else if (typeof doc?.name === 'string') title = doc.name;
          if (typeof doc?.description === 'string') description = doc.description;
        } catch {
          description = 'This template does not parse as JSON.';
        }
        templates.push({ id, title, description });
      }
      return templates;
    },

    async 'lab.openTemplate'({ id }) {
      if (!/^[\w.-]+$/.test(id)) throw new HostError('bad-request', `template id ${JSON.stringify(id)} is not valid`);
      const file = path.join(options.templatesDir, id + LAB_EXTENSION);
      const text = await fs.readFile(file, 'utf8').catch(() => {
        throw new HostError('not-found', `no template named ${id}`);
      });
      // A template opens as a new, unsaved lab: saving asks where.
      return { path: null, name: id + LAB_EXTENSION, text };
    },

    async 'lab.list'() {
      if (options.mode !== 'serve') return [];
      const out: Result<'lab.list'> = [];
      async function walk(dir: string, depth: number): Promise<void> {
        const entries = await fs.readdir(dir, { withFileTypes: true }).catch(() => []);
        for (const entry of entries) {
          if (entry.name.startsWith('.')) continue;
          const full = path.join(dir, entry.name);
          if (entry.isDirectory() && depth < 3) await walk(full, depth + 1);
          else if (entry.isFile() && entry.name.endsWith(LAB_EXTENSION)) {
            const stat = await fs.stat(full);
            out.push({ path: displayPath(full), name: entry.name, modified: stat.mtimeMs, size: stat.size });
          }
        }
      }
      await walk(options.labFolder, 0);
      return out.sort((a, b) => a.path.localeCompare(b.path));
    },

    async 'lab.open'({ path: file }) {
      if (file === undefined) {
        if (!options.dialogs) throw new HostError('bad-request', 'lab.open needs a path in serve mode');
        const chosen = await options.dialogs.openLab();
        if (!chosen) return null;
        granted.grant(chosen);
        return readLab(path.resolve(chosen));
      }
      return readLab(resolveLab(file));
    },

    async 'lab.save'({ path: file, suggestedName, text }) {
      let target: string;
      if (file !== undefined) {
        target = resolveLab(file);
      } else if (options.dialogs) {
        const chosen = await options.dialogs.saveLab(labFileName(suggestedName ?? 'untitled'));
        if (!chosen) return null;
        granted.grant(chosen);
        target = path.resolve(chosen);
      } else {
        if (!suggestedName) throw new HostError('bad-request', 'lab.save needs a path or a suggestedName');
        target = resolveInFolder(options.labFolder, labFileName(suggestedName));
      }
      await fs.mkdir(path.dirname(target), { recursive: true });
      await writeFileAtomic(target, text);
      await remember(target);
      return { path: displayPath(target), name: path.basename(target) };
    },

    async 'lab.recent'() {
      return readRecent();
    },

    async 'lab.autosave'({ path: file, text }) {
      const savedAt = Date.now();
      await fs.mkdir(options.dataDir, { recursive: true });
      await writeFileAtomic(autosaveFile, JSON.stringify({ path: file, text, savedAt }));
      return { savedAt };
    },

    async 'lab.recover'() {
      try {
        const saved = JSON.parse(await fs.readFile(autosaveFile, 'utf8'));
        if (typeof saved?.text !== 'string' || typeof saved?.savedAt !== 'number') return null;
        return { path: typeof saved.path === 'string' ? saved.path : null, text: saved.text, savedAt: saved.savedAt };
      } catch {
        return null;
      }
    },

    async 'lab.discardAutosave'() {
      try {
        await fs.rm(autosaveFile);
        return { discarded: true };
      } catch {
        return { discarded: false };
      }
    },

    async 'capture.export'({ base64, suggestedName }) {
      const name = path.basename(suggestedName).replace(/[\\/:*?"<>|\u0000-\u001f]/g, '_') || 'capture.pcapng';
      let target: string;
      if (options.dialogs) {
        const chosen = await options.dialogs.saveCapture(name);
        if (!chosen) return null;
        target = chosen;
      } else {
        target = path.join(options.labFolder, name.endsWith('.pcapng') ? name : name + '.pcapng');
      }
      await writeFileAtomic(target, Uint8Array.from(Buffer.from(base64, 'base64')));
      return { path: displayPath(target) };
    },
  };
}
