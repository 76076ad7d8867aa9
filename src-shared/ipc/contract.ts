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

const endpoint = z.object({ device: z.string(), interface: z.string() });

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
  'sim.run': {
    /** Runs a scenario of the given lab text to its end (or `untilMs`) in the main process. */
    params: z
      .object({
        labText: z.string().max(64 * 1024 * 1024),
        scenario: z.string().min(1).max(200).optional(),
        seed: z.number().int().min(0).max(0xffffffff).optional(),
        untilMs: z.number().min(0).max(86_400_000).optional(),
      })
      .strict(),
    result: z.discriminatedUnion('ok', [
      z.object({
        ok: z.literal(true),
        sessionId: z.string(),
        scenario: z.string().nullable(),
        frameCount: z.number().int(),
        endedAtUs: z.number(),
        reason: z.string(),
        diagnostic: z.string().nullable(),
        /** Links as the engine named them (lab `id`, or L1, L2, … by position). */
        links: z.array(z.object({ id: z.string(), a: endpoint, b: endpoint })),
        output: z.array(z.object({ timeUs: z.number(), device: z.string(), text: z.string() })),
        log: z.array(z.object({ timeUs: z.number(), level: z.string(), source: z.string(), message: z.string() })),
      }),
      z.object({ ok: z.literal(false), errors: z.array(z.object({ message: z.string(), line: z.number().optional(), col: z.number().optional() })) }),
    ]),
  },
  'sim.frames': {
    /** A batch of captured frames with their bytes (base64), 1-based `start`. */
    params: z.object({ sessionId: z.string().max(64), start: z.number().int().min(1), count: z.number().int().min(1).max(5000) }).strict(),
    result: z.array(
      z.object({
        no: z.number().int(),
        timeUs: z.number(),
        arrivalUs: z.number(),
        linkId: z.string(),
        device: z.string(),
        iface: z.string(),
        cause: z.string(),
        lost: z.boolean(),
        /** The URL-journey step the frame belongs to (dhcp, arp, dns, tcp, tls, http, routing). */
        step: z.string(),
        base64: z.string(),
      }),
    ),
  },
  'sim.stateAt': {
    /** A device's tables as they were when frame `frame` crossed the wire, as text in the tools' formats. */
    params: z.object({ sessionId: z.string().max(64), device: z.string().min(1).max(64), frame: z.number().int().min(0) }).strict(),
    result: z.object({
      device: z.string(),
      timeUs: z.number(),
      routes: z.string(),
      arp: z.string(),
      mac: z.string(),
      nat: z.string(),
      /** TCP connections as `ss -tan` lists them, with why each is in its state. */
      tcp: z.string(),
      /** DHCP leases and client state, DNS caches: live state at the end of the run (not replayed per frame). */
      servicesAtEnd: z.record(z.string(), z.unknown()).nullable(),
      /** Link-state routes: how SPF derived each one. */
      derivations: z.array(z.object({ route: z.string(), steps: z.array(z.string()) })),
    }),
  },
  'sim.pcapng': {
    /** The session's capture as pcapng (base64), one interface per capture point. */
    params: z.object({ sessionId: z.string().max(64) }).strict(),
    result: z.object({ base64: z.string(), frames: z.number().int() }),
  },
  'sim.close': {
    params: z.object({ sessionId: z.string().max(64) }).strict(),
    result: z.object({ closed: z.boolean() }),
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
