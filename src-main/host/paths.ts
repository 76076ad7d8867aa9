// Where PacketLab's own files are when running from a checkout or an npm install (not packaged Electron).
import { existsSync, readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

/** The folder holding PacketLab's package.json, found upward from `start`. */
export function packageRoot(start: string = __dirname): string {
  let dir = start;
  for (;;) {
    const manifest = path.join(dir, 'package.json');
    if (existsSync(manifest)) {
      try {
        if (JSON.parse(readFileSync(manifest, 'utf8')).name === 'packetlab') return dir;
      } catch {
        /* keep looking upward */
      }
    }
    const parent = path.dirname(dir);
    if (parent === dir) throw new Error(`cannot find PacketLab's package.json above ${start}`);
    dir = parent;
  }
}

/** Per-user state folder for serve mode and the CLI (the desktop app uses Electron's userData). */
export function userDataDir(): string {
  const base = process.env.XDG_CONFIG_HOME || (process.platform === 'win32' ? process.env.APPDATA : undefined) || path.join(os.homedir(), '.config');
  return path.join(base!, 'packetlab');
}

export function defaultLabFolder(): string {
  return path.join(os.homedir(), 'PacketLab');
}
