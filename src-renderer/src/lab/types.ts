// The renderer's typed view of a lab document. Fields the UI does not know are kept in each record
// as they came (`extra`), so opening and saving a lab never drops anything silently.

export const DEVICE_KINDS = ['host', 'switch', 'router', 'dhcp-server', 'dns-server', 'web-server', 'proxy-cache'] as const;
export type DeviceKind = (typeof DEVICE_KINDS)[number];

/** Device tables stored as text in the formats people already know. */
export const TABLE_KINDS = ['routes', 'arp', 'hosts', 'zone', 'dhcpd'] as const;
export type TableKind = (typeof TABLE_KINDS)[number];

export interface Position {
  x: number;
  y: number;
}

export interface LabInterface {
  name: string;
  mac?: string;
  /** IPv4 address with prefix length, e.g. `192.168.1.10/24`. */
  ipv4?: string;
  extra?: Record<string, unknown>;
}

export interface DeviceRecord {
  typeName: 'device';
  id: string;
  /** A known kind or, for labs from newer versions, an unknown one kept as is. */
  type: DeviceKind | string;
  name: string;
  position: Position;
  interfaces: LabInterface[];
  tables: Partial<Record<TableKind, string>>;
  extra?: Record<string, unknown>;
}

export interface LinkEnd {
  device: string;
  interface: string;
}

export interface LinkRecord {
  typeName: 'link';
  id: string;
  a: LinkEnd;
  b: LinkEnd;
  latencyMs?: number;
  lossPercent?: number;
  up: boolean;
  extra?: Record<string, unknown>;
}

/** Everything about the lab that is not a device or a link (name, version, seed, scenarios, …). */
export interface MetaRecord {
  typeName: 'meta';
  id: 'meta';
  version: number;
  title: string;
  extra?: Record<string, unknown>;
}

export type LabRecord = DeviceRecord | LinkRecord | MetaRecord;

export function isDevice(r: LabRecord | undefined): r is DeviceRecord {
  return r?.typeName === 'device';
}
export function isLink(r: LabRecord | undefined): r is LinkRecord {
  return r?.typeName === 'link';
}
