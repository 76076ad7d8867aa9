// What each kind of device starts with: name prefix, interfaces and the tables it edits.
import type { DeviceKind, DeviceRecord, LabRecord, TableKind } from './types';
import { isDevice } from './types';

export interface DeviceSpec {
  kind: DeviceKind;
  namePrefix: string;
  interfaces: string[];
  tables: TableKind[];
  /** Whether more interfaces can be added (a host has one NIC by default but may get more). */
  canAddInterfaces: boolean;
}

export const DEVICE_SPECS: Record<DeviceKind, DeviceSpec> = {
  host: { kind: 'host', namePrefix: 'PC', interfaces: ['eth0'], tables: ['routes', 'hosts'], canAddInterfaces: true },
  switch: { kind: 'switch', namePrefix: 'SW', interfaces: ['eth0', 'eth1', 'eth2', 'eth3', 'eth4', 'eth5', 'eth6', 'eth7'], tables: [], canAddInterfaces: true },
  router: { kind: 'router', namePrefix: 'R', interfaces: ['eth0', 'eth1', 'eth2'], tables: ['routes'], canAddInterfaces: true },
  'dhcp-server': { kind: 'dhcp-server', namePrefix: 'DHCP', interfaces: ['eth0'], tables: ['dhcpd', 'routes'], canAddInterfaces: true },
  'dns-server': { kind: 'dns-server', namePrefix: 'DNS', interfaces: ['eth0'], tables: ['zone', 'routes', 'hosts'], canAddInterfaces: true },
  'web-server': { kind: 'web-server', namePrefix: 'WEB', interfaces: ['eth0'], tables: ['routes', 'hosts'], canAddInterfaces: true },
  'proxy-cache': { kind: 'proxy-cache', namePrefix: 'PROXY', interfaces: ['eth0', 'eth1'], tables: ['routes', 'hosts'], canAddInterfaces: true },
};

export function specOf(type: string): DeviceSpec | undefined {
  return (DEVICE_SPECS as Record<string, DeviceSpec>)[type];
}

export function devicesOf(records: Iterable<LabRecord>): DeviceRecord[] {
  const out: DeviceRecord[] = [];
  for (const r of records) if (isDevice(r)) out.push(r);
  return out;
}

/** `PC3` when PC1 and PC2 exist: the first free number for the prefix. */
export function nextDeviceName(prefix: string, taken: Iterable<string>): string {
  const used = new Set(taken);
  for (let n = 1; ; n++) if (!used.has(`${prefix}${n}`)) return `${prefix}${n}`;
}

/** A name for a copy: `PC1` → `PC1-copy`, then `PC1-copy2`, … */
export function copyName(name: string, taken: Set<string>): string {
  let candidate = `${name}-copy`;
  for (let n = 2; taken.has(candidate); n++) candidate = `${name}-copy${n}`;
  return candidate;
}

/** Locally administered, unicast MACs numbered from 02:00:00:00:00:01, skipping those in use. */
export function nextMac(taken: Iterable<string>): string {
  let max = 0;
  for (const mac of taken) {
    const m = /^02:00:([0-9a-f]{2}):([0-9a-f]{2}):([0-9a-f]{2}):([0-9a-f]{2})$/i.exec(mac);
    if (m) max = Math.max(max, parseInt(m.slice(1).join(''), 16));
  }
  const n = max + 1;
  const hex = n.toString(16).padStart(8, '0');
  return `02:00:${hex.slice(0, 2)}:${hex.slice(2, 4)}:${hex.slice(4, 6)}:${hex.slice(6, 8)}`;
}

export function allMacs(records: Iterable<LabRecord>): string[] {
  const macs: string[] = [];
  for (const d of devicesOf(records)) for (const i of d.interfaces) if (i.mac) macs.push(i.mac);
  return macs;
}

/** The next interface name of a device (`eth3` after eth0..eth2). */
export function nextInterfaceName(device: DeviceRecord): string {
  const used = new Set(device.interfaces.map((i) => i.name));
  for (let n = 0; ; n++) if (!used.has(`eth${n}`)) return `eth${n}`;
}

export function newDevice(kind: DeviceKind, id: string, position: { x: number; y: number }, records: Iterable<LabRecord>): DeviceRecord {
  const spec = DEVICE_SPECS[kind];
  const list = [...records];
  const names = devicesOf(list).map((d) => d.name);
  const macs = allMacs(list);
  const interfaces = spec.interfaces.map((name) => {
    const mac = nextMac(macs);
    macs.push(mac);
    return { name, mac };
  });
  const tables: DeviceRecord['tables'] = {};
  for (const t of spec.tables) tables[t] = '';
  return { typeName: 'device', id, type: kind, name: nextDeviceName(spec.namePrefix, names), position: { ...position }, interfaces, tables };
}

/** `192.168.1.10/24` → `192.168.1.10`; anything else → undefined. */
export function addressOf(cidr: string | undefined): string | undefined {
  if (!cidr) return undefined;
  const m = /^(\d{1,3}(?:\.\d{1,3}){3})(?:\/(\d{1,2}))?$/.exec(cidr.trim());
  return m ? m[1] : undefined;
}

/** Checks `a.b.c.d/len` (or a bare address); returns an error message or null. */
export function checkCidr(text: string): string | null {
  const m = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})(?:\/(\d{1,2}))?$/.exec(text.trim());
  if (!m) return 'expected an IPv4 address with prefix length, like 192.168.1.10/24';
  for (let i = 1; i <= 4; i++) if (Number(m[i]) > 255) return `octet ${m[i]} is larger than 255`;
  if (m[5] !== undefined && Number(m[5]) > 32) return `prefix length ${m[5]} is larger than 32`;
  return null;
}

export function checkMac(text: string): string | null {
  return /^[0-9a-f]{2}(:[0-9a-f]{2}){5}$/i.test(text.trim()) ? null : 'expected a MAC address like 02:00:00:00:00:01';
}
