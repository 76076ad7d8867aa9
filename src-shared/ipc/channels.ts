// Names of every request and event between the renderer and the host services. Kept apart from the
// zod schemas (contract.ts) so the sandboxed preload can import the names without bundling zod.

export const REQUEST_NAMES = [
  'app.info',
  'lab.templates',
  'lab.openTemplate',
  'lab.list',
  'lab.open',
  'lab.save',
  'lab.recent',
  'lab.autosave',
  'lab.recover',
  'lab.discardAutosave',
  'capture.export',
  'sim.run',
  'sim.frames',
  'sim.stateAt',
  'sim.pcapng',
  'sim.journey',
  'sim.secrets',
  'sim.close',
] as const;

export type RequestName = (typeof REQUEST_NAMES)[number];

export const EVENT_NAMES = ['menu.command'] as const;
export type EventName = (typeof EVENT_NAMES)[number];

/** Electron IPC channel of a request: a fixed prefix so main ignores anything else. */
export const requestChannel = (name: RequestName): string => `packetlab:${name}`;
export const eventChannel = (name: EventName): string => `packetlab-event:${name}`;

/** `lab.openTemplate` → `labOpenTemplate`: the preload method name of a request. */
export function methodName(name: RequestName): string {
  return name.replace(/\.(\w)/g, (_, c: string) => c.toUpperCase());
}

export function isRequestName(value: unknown): value is RequestName {
  return typeof value === 'string' && (REQUEST_NAMES as readonly string[]).includes(value);
}
