// Named edits of the lab document. Each runs inside one RecordStore transaction, so undo and redo
// come from the recorded diffs; none of these knows how to reverse itself.
import type { Transaction } from './history';
import { copyName, devicesOf, newDevice, nextInterfaceName, nextMac, allMacs } from './devices';
import type { DeviceKind, DeviceRecord, LabInterface, LabRecord, LinkEnd, LinkRecord, Position, TableKind } from './types';
import { isDevice, isLink } from './types';

export class CommandError extends Error {}

function device(tx: Transaction, id: string): DeviceRecord {
  const d = tx.get(id);
  if (!isDevice(d)) throw new CommandError(`no device ${id}`);
  return d;
}

export function linksOf(records: Iterable<LabRecord>): LinkRecord[] {
  const out: LinkRecord[] = [];
  for (const r of records) if (isLink(r)) out.push(r);
  return out;
}

export function addDevice(tx: Transaction, kind: DeviceKind, position: Position, id: string): DeviceRecord {
  const d = newDevice(kind, id, position, tx.all());
  tx.put(d);
  return d;
}

export function moveDevices(tx: Transaction, moves: { id: string; position: Position }[]): void {
  for (const m of moves) {
    const d = device(tx, m.id);
    if (d.position.x !== m.position.x || d.position.y !== m.position.y) tx.put({ ...d, position: { x: m.position.x, y: m.position.y } });
  }
}

/** Names appear in routes (`dev`), zone files and link ends: keep them simple tokens. */
export function checkDeviceName(name: string): string | null {
  if (!name.trim()) return 'nameEmpty';
  if (!/^[A-Za-z][A-Za-z0-9_.-]{0,31}$/.test(name)) return 'nameInvalid';
  return null;
}

export function renameDevice(tx: Transaction, id: string, name: string): void {
  const d = device(tx, id);
  const problem = checkDeviceName(name);
  if (problem) throw new CommandError(problem);
  if (devicesOf(tx.all()).some((o) => o.id !== id && o.name === name)) throw new CommandError('nameTaken');
  if (d.name !== name) tx.put({ ...d, name });
}

export function updateDevice(tx: Transaction, id: string, patch: Partial<Pick<DeviceRecord, 'interfaces' | 'tables' | 'position'>>): void {
  tx.put({ ...device(tx, id), ...patch });
}

export function setTable(tx: Transaction, id: string, table: TableKind, text: string): void {
  const d = device(tx, id);
  if (d.tables[table] !== text) tx.put({ ...d, tables: { ...d.tables, [table]: text } });
}

export function updateInterface(tx: Transaction, deviceId: string, name: string, patch: Partial<LabInterface>): void {
  const d = device(tx, deviceId);
  const index = d.interfaces.findIndex((i) => i.name === name);
  if (index < 0) throw new CommandError(`no interface ${name}`);
  const next: LabInterface = { ...d.interfaces[index], ...patch };
  for (const k of ['ipv4', 'mac'] as const) if (next[k] === '') delete next[k];
  const interfaces = d.interfaces.slice();
  interfaces[index] = next;
  tx.put({ ...d, interfaces });
}

export function addInterface(tx: Transaction, deviceId: string): string {
  const d = device(tx, deviceId);
  const name = nextInterfaceName(d);
  tx.put({ ...d, interfaces: [...d.interfaces, { name, mac: nextMac(allMacs(tx.all())) }] });
  return name;
}

export function removeInterface(tx: Transaction, deviceId: string, name: string): void {
  const d = device(tx, deviceId);
  for (const l of linksOf(tx.all())) if (endIs(l.a, deviceId, name) || endIs(l.b, deviceId, name)) tx.remove(l.id);
  tx.put({ ...d, interfaces: d.interfaces.filter((i) => i.name !== name) });
}

const endIs = (e: LinkEnd, deviceId: string, iface: string) => e.device === deviceId && e.interface === iface;

/** Interfaces of a device that no link uses yet. */
export function freeInterfaces(records: Iterable<LabRecord>, d: DeviceRecord): string[] {
  const used = new Set<string>();
  for (const l of linksOf(records)) {
    if (l.a.device === d.id) used.add(l.a.interface);
    if (l.b.device === d.id) used.add(l.b.interface);
  }
  return d.interfaces.map((i) => i.name).filter((n) => !used.has(n));
}

/**
 * Links two interfaces. An interface name the device does not have yet is created (the "new
 * interface" choice); an interface already in use is refused.
 */
export function addLink(tx: Transaction, a: LinkEnd, b: LinkEnd, id: string, options: Partial<Pick<LinkRecord, 'latencyMs' | 'lossPercent'>> = {}): LinkRecord {
  if (a.device === b.device) throw new CommandError('linkSameDevice');
  for (const end of [a, b]) {
    let d = device(tx, end.device);
    if (!d.interfaces.some((i) => i.name === end.interface)) {
      d = { ...d, interfaces: [...d.interfaces, { name: end.interface, mac: nextMac(allMacs(tx.all())) }] };
      tx.put(d);
    }
    if (!freeInterfaces(tx.all(), d).includes(end.interface)) throw new CommandError('linkInterfaceInUse');
  }
  const link: LinkRecord = { typeName: 'link', id, a: { ...a }, b: { ...b }, up: true, latencyMs: options.latencyMs ?? 1, lossPercent: options.lossPercent ?? 0 };
  tx.put(link);
  return link;
}

export function updateLink(tx: Transaction, id: string, patch: Partial<Pick<LinkRecord, 'latencyMs' | 'lossPercent' | 'up'>>): void {
  const l = tx.get(id);
  if (!isLink(l)) throw new CommandError(`no link ${id}`);
  tx.put({ ...l, ...patch });
}

/** Removes devices (with their links) and links. */
export function removeElements(tx: Transaction, ids: Iterable<string>): void {
  const gone = new Set(ids);
  for (const l of linksOf(tx.all())) if (gone.has(l.id) || gone.has(l.a.device) || gone.has(l.b.device)) tx.remove(l.id);
  for (const id of gone) if (isDevice(tx.get(id))) tx.remove(id);
}

export interface Clipboard {
  kind: 'packetlab/clipboard';
  devices: DeviceRecord[];
  links: LinkRecord[];
}

/** The selected devices and the links between them. */
export function copyElements(records: Iterable<LabRecord>, ids: Iterable<string>): Clipboard {
  const list = [...records];
  const chosen = new Set(ids);
  const devices = devicesOf(list).filter((d) => chosen.has(d.id));
  const inside = new Set(devices.map((d) => d.id));
  const links = linksOf(list).filter((l) => inside.has(l.a.device) && inside.has(l.b.device));
  return { kind: 'packetlab/clipboard', devices: structuredClone(devices), links: structuredClone(links) };
}

/** Pastes copies with fresh ids, names and MACs, shifted by `offset`. Returns the new device ids. */
export function pasteElements(tx: Transaction, clip: Clipboard, offset: Position, newId: () => string): string[] {
  const names = new Set(devicesOf(tx.all()).map((d) => d.name));
  const macs = allMacs(tx.all());
  const idMap = new Map<string, string>();
  for (const d of clip.devices) {
    const id = newId();
    idMap.set(d.id, id);
    const name = copyName(d.name, names);
    names.add(name);
    const interfaces = d.interfaces.map((i) => {
      const mac = nextMac(macs);
      macs.push(mac);
      // Copies keep their addresses' shape but not the address itself: duplicates break labs.
      const { ipv4: _ipv4, ...restOfInterface } = i;
      return { ...restOfInterface, mac };
    });
    tx.put({ ...structuredClone(d), id, name, interfaces, position: { x: d.position.x + offset.x, y: d.position.y + offset.y } });
  }
  for (const l of clip.links) {
    tx.put({ ...structuredClone(l), id: newId(), a: { ...l.a, device: idMap.get(l.a.device)! }, b: { ...l.b, device: idMap.get(l.b.device)! } });
  }
  return [...idMap.values()];
}
