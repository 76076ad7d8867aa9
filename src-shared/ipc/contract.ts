// The one contract between the renderer and the host services (Electron IPC or the serve-mode
// WebSocket): every request's params and result as zod schemas. Main validates params on arrival;
// the renderer's client may validate results in tests.
import { z } from 'zod';
import type { EventName, RequestName } from './channels';

const labFile = z.object({
  /** Where the lab lives: an absolute path (desktop) or a name inside the lab folder (serve). */
  path: z.string().min(1).max(4096).nullable(),
  /** Display name (file name without folders). */
  name: z.string(),
  text: z.string(),
});

const menuCommand = z.enum([
  'new', 'open', 'openRecent', 'save', 'saveAs', 'exportCapture', 'undo', 'redo', 'toggleTheme', 'about', 'setLanguage',
]);

export const contract = {
  'app.info': {
    params: z.object({}).strict(),
    result: z.object({
      name: z.string(),
      version: z.string(),
      mode: z.enum(['electron', 'serve']),
      platform: z.string(),
      /** A lab to open at start (serve `--lab FILE`, or a file the desktop app was launched with). */
      initialLab: z.string().nullable(),
    }),
  },
  'lab.templates': {
    params: z.object({}).strict(),
    result: z.array(z.object({ id: z.string(), title: z.string(), description: z.string() })),
  },
  'lab.openTemplate': {
    params: z.object({ id: z.string().min(1).max(200) }).strict(),
    result: labFile,
  },
  'lab.list': {
    params: z.object({}).strict(),
    result: z.array(z.object({ path: z.string(), name: z.string(), modified: z.number(), size: z.number() })),
  },
  'lab.open': {
    /** Without `path` the desktop app shows the native Open dialog; `null` result means cancelled. */
    params: z.object({ path: z.string().min(1).max(4096).optional() }).strict(),
    result: labFile.nullable(),
  },
  'lab.save': {
    /** Without `path` (Save As, or a lab never saved) the desktop app asks where; serve mode needs `suggestedName`. */
    params: z
      .object({
        path: z.string().min(1).max(4096).optional(),
        suggestedName: z.string().min(1).max(255).optional(),
        text: z.string().max(64 * 1024 * 1024),
      })
      .strict(),
    result: z.object({ path: z.string(), name: z.string() }).nullable(),
  },
  'lab.recent': {
    params: z.object({}).strict(),
    result: z.array(z.object({ path: z.string(), name: z.string() })),
  },
  'lab.autosave': {
    params: z
      .object({ path: z.string().max(4096).nullable(), text: z.string().max(64 * 1024 * 1024) })
      .strict(),
    result: z.object({ savedAt: z.number() }),
  },
  'lab.recover': {
    params: z.object({}).strict(),
    result: z
      .object({ path: z.string().nullable(), text: z.string(), savedAt: z.number() })
      .nullable(),
  },
  'lab.discardAutosave': {
    params: z.object({}).strict(),
    result: z.object({ discarded: z.boolean() }),
  },
  'capture.export': {
    /** pcapng bytes as base64 (the renderer has no file system); desktop asks where to save. */
    params: z
      .object({ base64: z.string().max(512 * 1024 * 1024), suggestedName: z.string().min(1).max(255) })
      .strict(),
    result: z.object({ path: z.string() }).nullable(),
  },
} satisfies Record<RequestName, { params: z.ZodType; result: z.ZodType }>;

export const events = {
  'menu.command': z.object({ command: menuCommand, arg: z.string().optional() }),
} satisfies Record<EventName, z.ZodType>;

export type Params<N extends RequestName> = z.input<(typeof contract)[N]['params']>;
export type Result<N extends RequestName> = z.output<(typeof contract)[N]['result']>;
export type EventPayload<N extends EventName> = z.output<(typeof events)[N]>;
export type MenuCommand = z.output<typeof menuCommand>;

/** A host call failed: validation, refusal or a service error. `code` lets the UI react. */
export interface HostErrorShape {
  code: 'bad-request' | 'forbidden' | 'not-found' | 'io' | 'internal';
  message: string;
}
