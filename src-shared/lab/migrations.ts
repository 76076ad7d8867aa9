// Versioned `up` migrations of lab files (tldraw-style): each step takes a document of version N
// and returns version N+1. Steps work on untrusted JSON, so they change only what has the expected
// shape and leave the rest for validation to report.
import { LAB_VERSION } from './schema';

export interface Migration {
  from: number;
  description: string;
  up(doc: Record<string, unknown>): Record<string, unknown>;
}

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);

/**
 * Version 1 was the prototype format: devices had `kind`, `x`/`y`, interfaces `ip` + `prefix`,
 * routes as JSON objects; links joined "device:interface" strings with `delayMs` and `loss`.
 * Version 2 stores routes as iproute2 text and endpoints as objects.
 */
const v1ToV2: Migration = {
  from: 1,
  description: 'kind→type, x/y→position, ip+prefix→ipv4 CIDR, route objects→iproute2 text, link endpoints→objects',
  up(doc) {
    const out: Obj = { ...doc, version: 2 };
    if (Array.isArray(doc.devices)) out.devices = doc.devices.map((d) => (isObj(d) ? upDevice(d) : d));
    if (Array.isArray(doc.links)) out.links = doc.links.map((l) => (isObj(l) ? upLink(l) : l));
    return out;
  },
};

function upDevice(d: Obj): Obj {
  const { kind, x, y, routes, ...rest } = d;
  const out: Obj = { ...rest };
  if (kind !== undefined && out.type === undefined) out.type = kind;
  if (typeof x === 'number' && typeof y === 'number' && out.position === undefined) out.position = { x, y };
  else {
    if (x !== undefined) out.x = x;
    if (y !== undefined) out.y = y;
  }
  if (Array.isArray(d.interfaces)) {
    out.interfaces = d.interfaces.map((i) => {
      if (!isObj(i)) return i;
      const { ip, prefix, ...iface } = i;
      if (typeof ip === 'string') iface.ipv4 = `${ip}/${typeof prefix === 'number' ? prefix : 24}`;
      else if (prefix !== undefined) iface.prefix = prefix;
      return iface;
    });
  }
  if (Array.isArray(routes)) {
    const lines = routes.map((r) => {
      if (!isObj(r)) return String(r);
      const parts = [String(r.to ?? 'default')];
      if (r.via !== undefined) parts.push('via', String(r.via));
      if (r.dev !== undefined) parts.push('dev', String(r.dev));
      if (r.metric !== undefined) parts.push('metric', String(r.metric));
      return parts.join(' ');
    });
    const tables = isObj(out.tables) ? { ...out.tables } : {};
    tables.routes = lines;
    out.tables = tables;
  } else if (routes !== undefined) out.routes = routes;
  return out;
}

function upEndpoint(v: unknown): unknown {
  if (typeof v !== 'string') return v;
  const colon = v.indexOf(':');
  return colon < 0 ? { device: v, interface: '' } : { device: v.slice(0, colon), interface: v.slice(colon + 1) };
}

function upLink(l: Obj): Obj {
  const { from, to, delayMs, loss, ...rest } = l;
  const out: Obj = { ...rest };
  if (from !== undefined) out.a = upEndpoint(from);
  if (to !== undefined) out.b = upEndpoint(to);
  if (delayMs !== undefined) out.latencyMs = delayMs;
  if (loss !== undefined) out.lossPercent = loss;
  return out;
}

export const MIGRATIONS: readonly Migration[] = [v1ToV2];

export type MigrateResult = { ok: true; doc: Obj; from: number } | { ok: false; message: string; path: (string | number)[] };

/** Brings a parsed lab document up to LAB_VERSION. */
export function migrate(doc: unknown, migrations: readonly Migration[] = MIGRATIONS, target = LAB_VERSION): MigrateResult {
  if (!isObj(doc)) return { ok: false, message: 'a lab file must be a JSON object', path: [] };
  const version = doc.version;
  if (version === undefined) return { ok: false, message: `missing "version" (the current version is ${target})`, path: [] };
  if (typeof version !== 'number' || !Number.isInteger(version) || version < 1) {
    return { ok: false, message: `"version" must be a positive integer, got ${JSON.stringify(version)}`, path: ['version'] };
  }
  if (version > target) {
    return { ok: false, message: `lab version ${version} is newer than this PacketLab understands (${target}); update PacketLab`, path: ['version'] };
  }
  let current: Obj = doc;
  for (let v = version; v < target; v++) {
    const step = migrations.find((m) => m.from === v);
    if (!step) return { ok: false, message: `no migration from lab version ${v}`, path: ['version'] };
    current = step.up(current);
    current.version = v + 1;
  }
  return { ok: true, doc: current, from: version };
}
