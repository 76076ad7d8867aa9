// Serves the built renderer (out/renderer) to the Electron app:// protocol and to serve mode, with
// one path-safety check and one Content-Security-Policy.
import { promises as fs } from 'node:fs';
import path from 'node:path';

/**
 * What the renderer may load: only its own files; inline styles because Monaco needs them; workers
 * from blob: for Monaco's workers; WebSocket only back to the serving host in serve mode.
 */
export function contentSecurityPolicy(mode: 'electron' | 'serve', wsOrigin?: string): string {
  const connect = mode === 'serve' && wsOrigin ? `'self' ${wsOrigin}` : `'self'`;
  return [
    "default-src 'self'",
    "script-src 'self'",
    "style-src 'self' 'unsafe-inline'",
    "img-src 'self' data: blob:",
    "font-src 'self' data:",
    "worker-src 'self' blob:",
    `connect-src ${connect}`,
    "frame-src 'self' blob:",
    "object-src 'none'",
    "base-uri 'none'",
    "form-action 'none'",
    "frame-ancestors 'none'",
  ].join('; ');
}

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.ttf': 'font/ttf',
  '.woff': 'font/woff',
  '.woff2': 'font/woff2',
  '.wasm': 'application/wasm',
  '.map': 'application/json; charset=utf-8',
};

export function contentType(file: string): string {
  return TYPES[path.extname(file).toLowerCase()] ?? 'application/octet-stream';
}

/** Maps a URL path to a file inside `root`, or null when it would leave it. */
export function resolveStatic(root: string, urlPath: string): string | null {
  let decoded: string;
  try {
    decoded = decodeURIComponent(urlPath.split('?')[0].split('#')[0]);
  } catch {
    return null;
  }
  if (decoded.includes('\0')) return null;
  const relative = decoded === '/' || decoded === '' ? 'index.html' : decoded.replace(/^\/+/, '');
  const file = path.resolve(root, relative);
  const inside = path.relative(root, file);
  if (inside.startsWith('..') || path.isAbsolute(inside)) return null;
  return file;
}

export async function readStatic(root: string, urlPath: string): Promise<{ body: Uint8Array; type: string } | null> {
  const file = resolveStatic(root, urlPath);
  if (!file) return null;
  try {
    const stat = await fs.stat(file);
    if (!stat.isFile()) return null;
    return { body: await fs.readFile(file), type: contentType(file) };
  } catch {
    return null;
  }
}
