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

/**
 * Journey steps (issue 5), in the order a URL load goes through them; then `story`, the engine's own
 * last entry when it cuts a very long story (facts.kind 'truncated').
 */
export const JOURNEY_STEP_NAMES = ['url', 'cache', 'dhcp', 'arp', 'dns', 'routing', 'tcp', 'tls', 'http', 'render', 'story'] as const;
const journeyStep = z.enum(JOURNEY_STEP_NAMES);

/** One entry of the journey's story: consecutive work of one step, with its frames and causes. */
const storyEntry = z.object({
  step: journeyStep,
  /** The device the step happens on (the host for url/cache/render). */
  device: z.string(),
  startUs: z.number(),
  endUs: z.number(),
  /** Frames of this entry (1-based, inclusive); null for steps without frames (url, cache, render). */
  firstFrame: z.number().int().nullable(),
  lastFrame: z.number().int().nullable(),
  frameCount: z.number().int(),
  /** One English sentence made by the engine ("pc got 192.168.1.100 from 192.168.1.1 (DHCP DORA)"). */
  summary: z.string(),
  /** Distinct causes of its frames or events, first ones first (at most 12). */
  causes: z.array(z.string()),
  /** Facts for the renderer's localized sentences (name, server, address, status, url, …). */
  facts: z.record(z.string(), z.string()),
});

/** One request of a page load, as a browser's network panel shows it (times in ms). */
const requestTiming = z.object({
  url: z.string(),
  status: z.number().int(),
  contentType: z.string(),
  bytes: z.number().int(),
  /** Virtual time the request started (µs). */
  startUs: z.number(),
  dns: z.number(),
  connect: z.number(),
  tls: z.number(),
  request: z.number(),
  ttfb: z.number(),
  download: z.number(),
  reused: z.boolean(),
  source: z.enum(['network', 'cache', 'revalidated']),
});

/** A node of the parsed DOM in document order; `depth` 0 is the root element. */
const domNode = z.object({
  depth: z.number().int().min(0),
  kind: z.enum(['element', 'text', 'comment']),
  /** Tag name for elements, the text for text and comment nodes. */
  name: z.string(),
  attributes: z.record(z.string(), z.string()),
});

const renderRecord = z.object({
  url: z.string(),
  title: z.string().nullable(),
  /** The HTML as received (at most 1 MiB); the renderer shows it sandboxed, with no scripts. */
  html: z.string(),
  dom: z.array(domNode),
  stylesheets: z.array(z.object({ url: z.string(), rules: z.number().int(), css: z.string() })),
  /** Images with their bytes (base64, at most 256 KiB each; empty when larger or missing). */
  images: z.array(z.object({ url: z.string(), bytes: z.number().int(), contentType: z.string(), base64: z.string() })),
  /** What is painted, in words ("heading 'Example Domain'"). */
  painted: z.array(z.string()),
});

const pageLoad = z.object({
  device: z.string(),
  url: z.string(),
  startUs: z.number(),
  endUs: z.number(),
  ok: z.boolean(),
  error: z.string().nullable(),
  requests: z.array(requestTiming),
  render: renderRecord.nullable(),
});

/** Services of a device as they were at a frame; TTLs and timers are what was left then (seconds). */
const servicesState = z.object({
  dhcpLeases: z.array(z.object({ address: z.string(), mac: z.string(), hostname: z.string().nullable(), state: z.string(), expiresInS: z.number() })),
  dhcpClients: z.array(
    z.object({ iface: z.string(), state: z.string(), address: z.string().nullable(), server: z.string().nullable(), renewInS: z.number().nullable(), rebindInS: z.number().nullable(), expiresInS: z.number().nullable() }),
  ),
  dnsCaches: z.array(
    z.object({
      /** browser, os (stub resolver), hosts file, forwarder (home router), resolver (recursive). */
      tier: z.enum(['browser', 'os', 'hosts', 'forwarder', 'resolver']),
      entries: z.array(z.object({ name: z.string(), type: z.string(), data: z.string(), ttlLeftS: z.number(), negative: z.boolean() })),
    }),
  ),
  httpCaches: z.array(
    z.object({
      tier: z.enum(['browser', 'shared']),
      entries: z.array(
        z.object({ url: z.string(), status: z.number().int(), bytes: z.number().int(), ageS: z.number(), freshForS: z.number(), etag: z.string().nullable(), lastModified: z.string().nullable() }),
      ),
    }),
  ),
  hsts: z.array(z.object({ host: z.string(), includeSubDomains: z.boolean(), preloaded: z.boolean(), expiresInS: z.number().nullable() })),
  /** A router's DHCP relay agent: the servers it relays to, requests relayed, replies returned to clients. */
  dhcpRelay: z.object({ servers: z.array(z.string()), relayed: z.number().int(), returned: z.number().int() }).optional(),
});
export type ServicesState = z.infer<typeof servicesState>;
export type JourneyRecord = z.infer<(typeof contract)['sim.journey']['result']>;

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
      /** DHCP leases and clients, DNS caches of every tier, HTTP caches and HSTS, as they were at the frame. */
      services: servicesState.nullable(),
      /** Link-state routes: how SPF derived each one. */
      derivations: z.array(z.object({ route: z.string(), steps: z.array(z.string()) })),
    }),
  },
  'sim.pcapng': {
    /** The session's capture as pcapng (base64), one interface per capture point. */
    params: z.object({ sessionId: z.string().max(64) }).strict(),
    result: z.object({ base64: z.string(), frames: z.number().int() }),
  },
  'sim.journey': {
    /** The URL journey of the run: its story (steps, frames, causes) and every page load with timings and rendering. */
    params: z.object({ sessionId: z.string().max(64) }).strict(),
    result: z.object({ story: z.array(storyEntry), loads: z.array(pageLoad) }),
  },
  'sim.secrets': {
    /** The run's TLS secrets as an NSS key log, so the inspector can decrypt TLS records. */
    params: z.object({ sessionId: z.string().max(64) }).strict(),
    result: z.object({ keyLog: z.string() }),
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
