// Lab file text <-> records. Decoding is lenient: whatever can be kept is kept (unknown fields ride
// along in `extra`), and every problem is reported with its line and column instead of being dropped.
import { displayPath, locate, parseJsonSource, type JsonPath } from '../../../src-shared/lab/json-source';
import { migrate } from '../../../src-shared/lab/migrations';
import { LAB_VERSION } from '../../../src-shared/lab/schema';
import { validateLabDocument } from '../../../src-shared/lab/validate';
import type { DeviceRecord, LabInterface, LabRecord, LinkRecord, MetaRecord, TableKind } from './types';
import { TABLE_KINDS } from './types';

export { LAB_VERSION };
/** Key in the meta record's extra for entries kept verbatim (never written as such). */
const KEPT = '$unreadable';

export interface LabProblem {
  message: string;
  line: number;
  col: number;
  /** `devices[2].interfaces[0].ipv4` */
  path: string;
  severity: 'error' | 'warning';
}

export type DecodeResult =
  | { ok: true; records: LabRecord[]; problems: LabProblem[] }
  | { ok: false; problems: LabProblem[] };

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);

function rest(obj: Obj, known: readonly string[]): Record<string, unknown> | undefined {
  const out: Obj = {};
  let any = false;
  for (const [k, v] of Object.entries(obj)) {
    if (!known.includes(k)) {
      out[k] = v;
      any = true;
    }
  }
  return any ? out : undefined;
}

export function decodeLab(text: string, newId: () => string): DecodeResult {
  const parsed = parseJsonSource(text);
  if (!parsed.ok) {
    const e = parsed.error;
    return { ok: false, problems: [{ message: e.message, line: e.line, col: e.col, path: '', severity: 'error' }] };
  }
  const source = parsed.source;
  const problems: LabProblem[] = [];
  // The shared validator speaks first; a note of ours at a place it already reported is left out.
  const reported = new Set<string>();
  const problem = (path: JsonPath, message: string, severity: LabProblem['severity'] = 'error') => {
    const at = locate(source, path);
    if (!reported.has(`${at.line}:${at.col}`)) problems.push({ message, path: displayPath(path), severity, ...at });
  };

  if (!isObj(source.value)) {
    problem([], 'a lab file is a JSON object with "devices" and "links"');
    return { ok: false, problems };
  }
  // Older versions are migrated first (the same `up` steps the engine uses); then the shared
  // validator reports every problem with its position, and the lenient mapping below keeps the rest.
  const migrated = migrate(source.value);
  const root = migrated.ok ? migrated.doc : source.value;
  const checked = validateLabDocument(source.value, source);
  if (!checked.ok) {
    for (const issue of checked.errors) {
      problems.push({ message: issue.message, path: displayPath(issue.path), severity: 'error', line: issue.line ?? 1, col: issue.col ?? 1 });
      reported.add(`${issue.line ?? 1}:${issue.col ?? 1}`);
    }
  }
  const version = LAB_VERSION;
  const title = typeof root.name === 'string' ? root.name : '';
  const meta: MetaRecord = { typeName: 'meta', id: 'meta', version, title, extra: rest(root, ['version', 'name', 'devices', 'links']) };
  const records: LabRecord[] = [meta];

  const idsByName = new Map<string, string>();
  const devices = Array.isArray(root.devices) ? root.devices : [];
  if (!Array.isArray(root.devices)) problem(['devices'], '"devices" should be a list');
  // Entries that cannot become records are kept verbatim and written back on save.
  const keptDevices: unknown[] = [];
  const keptLinks: unknown[] = [];
  devices.forEach((raw, i) => {
    const device = decodeDevice(raw, ['devices', i], newId(), problem);
    if (!device) {
      keptDevices.push(raw);
      return;
    }
    if (idsByName.has(device.name)) problem(['devices', i, 'name'], `two devices are named ${device.name}`);
    else idsByName.set(device.name, device.id);
    records.push(device);
  });

  const links = root.links === undefined ? [] : Array.isArray(root.links) ? root.links : [];
  if (root.links !== undefined && !Array.isArray(root.links)) problem(['links'], '"links" should be a list');
  links.forEach((raw, i) => {
    const link = decodeLink(raw, ['links', i], newId(), idsByName, problem);
    if (link) records.push(link);
    else keptLinks.push(raw);
  });
  if (keptDevices.length || keptLinks.length) meta.extra = { ...meta.extra, [KEPT]: { devices: keptDevices, links: keptLinks } };
  return { ok: true, records, problems };
}

type Report = (path: JsonPath, message: string, severity?: LabProblem['severity']) => void;

function decodeDevice(raw: unknown, path: JsonPath, id: string, problem: Report): DeviceRecord | null {
  if (!isObj(raw)) {
    problem(path, 'a device is an object with "name" and "type"; this entry cannot be shown');
    return null;
  }
  const name = typeof raw.name === 'string' && raw.name ? raw.name : `device${String(path[1])}`;
  if (typeof raw.name !== 'string' || !raw.name) problem([...path, 'name'], `device has no name; shown as ${name}`);
  const type = typeof raw.type === 'string' ? raw.type : 'host';
  if (typeof raw.type !== 'string') problem([...path, 'type'], 'device has no type; shown as a host');
  const pos = isObj(raw.position) ? raw.position : {};
  const position = { x: Number.isFinite(pos.x) ? Number(pos.x) : 0, y: Number.isFinite(pos.y) ? Number(pos.y) : 0 };
  const interfaces: LabInterface[] = [];
  if (raw.interfaces !== undefined && !Array.isArray(raw.interfaces)) problem([...path, 'interfaces'], '"interfaces" should be a list');
  (Array.isArray(raw.interfaces) ? raw.interfaces : []).forEach((ri, j) => {
    if (!isObj(ri) || typeof ri.name !== 'string') {
      problem([...path, 'interfaces', j], 'an interface needs a "name"');
      return;
    }
    const iface: LabInterface = { name: ri.name };
    if (typeof ri.mac === 'string') iface.mac = ri.mac;
    if (typeof ri.ipv4 === 'string') iface.ipv4 = ri.ipv4;
    const extra = rest(ri, ['name', 'mac', 'ipv4']);
    if (extra) iface.extra = extra;
    interfaces.push(iface);
  });
  const tables: DeviceRecord['tables'] = {};
  const asLines: string[] = [];
  const extraTables: Obj = {};
  if (isObj(raw.tables)) {
    for (const [k, v] of Object.entries(raw.tables)) {
      const known = (TABLE_KINDS as readonly string[]).includes(k);
      if (known && typeof v === 'string') tables[k as TableKind] = v;
      else if (known && Array.isArray(v) && v.every((line) => typeof line === 'string')) {
        tables[k as TableKind] = v.join('\n');
        asLines.push(k);
      } else extraTables[k] = v;
    }
  }
  const extra = rest(raw, ['name', 'type', 'position', 'interfaces', 'tables']);
  const device: DeviceRecord = { typeName: 'device', id, type, name, position, interfaces, tables };
  const hidden: Obj = {};
  if (Object.keys(extraTables).length) hidden.$tables = extraTables;
  if (asLines.length) hidden.$tablesAsLines = asLines;
  if (extra || Object.keys(hidden).length) device.extra = { ...extra, ...hidden };
  return device;
}

function decodeLink(raw: unknown, path: JsonPath, id: string, idsByName: Map<string, string>, problem: Report): LinkRecord | null {
  if (!isObj(raw)) {
    problem(path, 'a link is an object with ends "a" and "b"');
    return null;
  }
  const end = (key: 'a' | 'b') => {
    const e = raw[key];
    if (!isObj(e) || typeof e.device !== 'string' || typeof e.interface !== 'string') {
      problem([...path, key], `link end "${key}" needs "device" and "interface"`);
      return null;
    }
    const deviceId = idsByName.get(e.device);
    if (!deviceId) {
      problem([...path, key, 'device'], `no device named ${e.device}`);
      return null;
    }
    return { device: deviceId, interface: e.interface };
  };
  const a = end('a');
  const b = end('b');
  if (!a || !b) return null;
  const link: LinkRecord = { typeName: 'link', id, a, b, up: raw.up !== false };
  if (typeof raw.latencyMs === 'number') link.latencyMs = raw.latencyMs;
  if (typeof raw.lossPercent === 'number') link.lossPercent = raw.lossPercent;
  const extra = rest(raw, ['a', 'b', 'up', 'latencyMs', 'lossPercent']);
  if (extra) link.extra = extra;
  return link;
}

/** Records → lab file text: stable key order and two-space indentation for readable diffs. */
export function encodeLab(records: Iterable<LabRecord>): string {
  let meta: MetaRecord = { typeName: 'meta', id: 'meta', version: LAB_VERSION, title: '' };
  const devices: DeviceRecord[] = [];
  const links: LinkRecord[] = [];
  for (const r of records) {
    if (r.typeName === 'meta') meta = r;
    else if (r.typeName === 'device') devices.push(r);
    else links.push(r);
  }
  const names = new Map(devices.map((d) => [d.id, d.name]));
  const { [KEPT]: kept, ...metaExtra } = (meta.extra ?? {}) as Obj;
  const unreadable = (isObj(kept) ? kept : { devices: [], links: [] }) as { devices: unknown[]; links: unknown[] };
  const doc: Obj = { version: meta.version, ...(meta.title ? { name: meta.title } : {}), ...metaExtra };
  doc.devices = devices.map((d) => {
    const { $tables, $tablesAsLines, ...extra } = (d.extra ?? {}) as Obj;
    const asLines = Array.isArray($tablesAsLines) ? ($tablesAsLines as string[]) : [];
    const out: Obj = {
      name: d.name,
      type: d.type,
      position: { x: Math.round(d.position.x), y: Math.round(d.position.y) },
      interfaces: d.interfaces.map((i) => ({ name: i.name, ...(i.mac ? { mac: i.mac } : {}), ...(i.ipv4 ? { ipv4: i.ipv4 } : {}), ...i.extra })),
    };
    const tables: Obj = { ...(isObj($tables) ? $tables : {}) };
    for (const t of TABLE_KINDS) {
      const text = d.tables[t];
      // Tables written as arrays of lines stay arrays (they diff better); empty ones are left out.
      if (text === undefined || (text === '' && !asLines.includes(t))) continue;
      tables[t] = asLines.includes(t) ? text.split('\n') : text;
    }
    if (Object.keys(tables).length) out.tables = tables;
    return { ...out, ...extra };
  });
  doc.links = links.map((l) => ({
    a: { device: names.get(l.a.device) ?? l.a.device, interface: l.a.interface },
    b: { device: names.get(l.b.device) ?? l.b.device, interface: l.b.interface },
    ...(l.latencyMs !== undefined ? { latencyMs: l.latencyMs } : {}),
    ...(l.lossPercent !== undefined ? { lossPercent: l.lossPercent } : {}),
    up: l.up,
    ...l.extra,
  }));
  (doc.devices as unknown[]).push(...unreadable.devices);
  (doc.links as unknown[]).push(...unreadable.links);
  return JSON.stringify(doc, null, 2) + '\n';
}

