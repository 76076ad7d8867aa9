// Which lab files the renderer may read or write. The renderer is untrusted: in serve mode it may
// only name files inside the lab folder; on the desktop only files the user picked in a native dialog,
// files from the recent list, or the file the app was launched with.
import path from 'node:path';
import { HostError } from '../../src-shared/ipc/client';

export const LAB_EXTENSION = '.lab.json';

/** Resolves a serve-mode lab name (e.g. `two-lans.lab.json` or `class/week1.lab.json`) inside `root`. */
export function resolveInFolder(root: string, name: string): string {
  if (name.includes('\0')) throw new HostError('forbidden', 'lab name contains a NUL character');
  if (path.isAbsolute(name) || /^[a-zA-Z]:/.test(name)) {
    throw new HostError('forbidden', `lab path must be relative to the lab folder, got ${JSON.stringify(name)}`);
  }
  const resolved = path.resolve(root, name);
  const relative = path.relative(root, resolved);
  if (relative === '' || relative.startsWith('..') || path.isAbsolute(relative)) {
    throw new HostError('forbidden', `lab path ${JSON.stringify(name)} leaves the lab folder`);
  }
  if (!resolved.endsWith(LAB_EXTENSION) && !resolved.endsWith('.json')) {
    throw new HostError('forbidden', `lab files end in ${LAB_EXTENSION}, got ${JSON.stringify(name)}`);
  }
  return resolved;
}

/** Turns a user-supplied file name into a safe lab file name (`My lab` → `My lab.lab.json`). */
export function labFileName(suggested: string): string {
  const base = path.basename(suggested).replace(/[\\/:*?"<>|\u0000-\u001f]/g, '_').trim() || 'untitled';
  if (base.endsWith(LAB_EXTENSION)) return base;
  return (base.endsWith('.json') ? base.slice(0, -5) : base) + LAB_EXTENSION;
}

/** Desktop allow-list of absolute paths the user has chosen. */
export class GrantedPaths {
  private readonly granted = new Set<string>();
  grant(file: string): void {
    this.granted.add(path.resolve(file));
  }
  check(file: string): string {
    const resolved = path.resolve(file);
    if (!this.granted.has(resolved)) {
      throw new HostError('forbidden', `${file} was not chosen by the user; open it with File › Open…`);
    }
    return resolved;
  }
}
