// Loading and validating lab files: JSON syntax → migrations → structure (zod) → cross-record
// rules. Every problem carries its JSON path and, when the text is known, its line and column.
import type { z } from 'zod';
import { parseIpv4, parseIpv4Cidr, parseMac } from '../net/addr';
import { displayPath, lineColAt, locate, parseJsonSource, rawOffsetInString, pointer, type JsonPath, type JsonSource } from './json-source';
import { migrate } from './migrations';
import { LabSchema, tableText, type Lab, type LabDevice, type TableText } from './schema';
import { parseDhcpdConf, parseHosts, parseNeighbours, parseRoutes, parseZone, type DhcpdConfig, type HostsEntry, type NeighbourEntry, type RouteEntry, type TableError, type TableResult, type Zone } from './tables';

export interface LabIssue {
  path: JsonPath;
  message: string;
  /** 1-based; present when the lab was loaded from text. */
  line?: number;
  col?: number;
}

export type LabLoadResult = { ok: true; lab: Lab; migratedFrom?: number } | { ok: false; errors: LabIssue[] };

/** `file:line:col: message (at path)` — the format editors and terminals link to. */
export function formatIssue(file: string, issue: LabIssue): string {
  const where = issue.line !== undefined ? `${file}:${issue.line}:${issue.col ?? 1}` : file;
  const path = issue.path.length ? ` (at ${displayPath(issue.path)})` : '';
  return `${where}: ${issue.message}${path}`;
}

export function loadLabText(text: string): LabLoadResult {
  const parsed = parseJsonSource(text);
  if (!parsed.ok) {
    const e = parsed.error;
    return { ok: false, errors: [{ path: [], message: `JSON syntax: ${e.message}`, line: e.line, col: e.col }] };
  }
  return validateLabDocument(parsed.source.value, parsed.source);
}

/** Validates a parsed document (any version). `source` adds line:col to the issues. */
export function validateLabDocument(doc: unknown, source?: JsonSource): LabLoadResult {
  const place = (issue: LabIssue): LabIssue => (source && issue.line === undefined ? { ...issue, ...locate(source, issue.path) } : issue);
  const migrated = migrate(doc);
  if (!migrated.ok) return { ok: false, errors: [place({ path: migrated.path, message: migrated.message })] };
  const result = LabSchema.safeParse(migrated.doc);
  if (!result.success) {
    return { ok: false, errors: sortIssues(result.error.issues.flatMap((i) => zodIssue(i)).map(place)) };
  }
  const lab = result.data;
  const errors = checkCrossReferences(lab, source).map(place);
  if (errors.length) return { ok: false, errors: sortIssues(errors) };
  return migrated.from !== undefined && migrated.from < lab.version ? { ok: true, lab, migratedFrom: migrated.from } : { ok: true, lab };
}

function sortIssues(issues: LabIssue[]): LabIssue[] {
  return issues.sort((a, b) => (a.line ?? 0) - (b.line ?? 0) || (a.col ?? 0) - (b.col ?? 0));
}

function zodIssue(issue: z.core.$ZodIssue): LabIssue[] {
  const path = issue.path.filter((p): p is string | number => typeof p !== 'symbol');
  switch (issue.code) {
    case 'unrecognized_keys':
      return issue.keys.map((k) => ({ path: [...path, k], message: `unknown property "${k}"` }));
    case 'invalid_union': {
      if ('note' in issue && issue.note === 'No matching discriminator') {
        return [{ path, message: 'unknown action type (expected ping, traceroute, udp-echo, link, lookup, nslookup, dhcp, flush or browse)' }];
      }
      return [{ path, message: issue.message === 'Invalid input' ? 'expected a string or an array of lines' : issue.message }];
    }
    case 'invalid_type':
      if (issue.message.includes('received undefined')) return [{ path, message: `missing required property "${String(path[path.length - 1])}"` }];
      return [{ path, message: issue.message.replace(/^Invalid input: /, '') }];
    case 'invalid_value':
      return [{ path, message: issue.message.replace(/^Invalid (input|option): /, '') }];
    default:
      return [{ path, message: issue.message.replace(/^Invalid input: /, '') }];
  }
}

export interface DeviceTables {
  routes: RouteEntry[];
  arp: NeighbourEntry[];
  hosts: HostsEntry[];
  zone: Zone | null;
  /** Further zones of the same server (`tables.zones`), in order. */
  zones: Zone[];
  dhcpd: DhcpdConfig | null;
}

type TableName = 'routes' | 'arp' | 'hosts' | 'zone' | 'zones' | 'dhcpd';

/** The zone a zone table describes: its first `$ORIGIN` directive, or the root. */
export function zoneOrigin(text: string): string {
  const m = /^\s*\$ORIGIN\s+(\S+)/im.exec(text);
  return m ? m[1] : '.';
}

/** Parses a device's table texts; errors are reported per table with line/col inside the text. */
export function parseDeviceTables(device: LabDevice): { tables: DeviceTables; errors: { table: TableName; index?: number; error: TableError }[] } {
  const errors: { table: TableName; index?: number; error: TableError }[] = [];
  const take = <T>(table: TableName, r: TableResult<T>): T[] => {
    if (r.ok) return r.value;
    for (const error of r.errors) errors.push({ table, error });
    return [];
  };
  const single = <T>(table: TableName, r: { ok: true; value: T } | { ok: false; errors: TableError[] }): T | null => {
    if (r.ok) return r.value;
    for (const error of r.errors) errors.push({ table, error });
    return null;
  };
  const t = device.tables ?? {};
  return {
    tables: {
      routes: take('routes', parseRoutes(tableText(t.routes))),
      arp: take('arp', parseNeighbours(tableText(t.arp))),
      hosts: take('hosts', parseHosts(tableText(t.hosts))),
      zone: t.zone === undefined ? null : single('zone', parseZone(tableText(t.zone), zoneOrigin(tableText(t.zone)))),
      zones: (t.zones ?? []).flatMap((text, index) => {
        const r = parseZone(tableText(text), zoneOrigin(tableText(text)));
        if (r.ok) return [r.value];
        for (const error of r.errors) errors.push({ table: 'zones', index, error });
        return [];
      }),
      dhcpd: t.dhcpd === undefined ? null : single('dhcpd', parseDhcpdConf(tableText(t.dhcpd))),
    },
    errors,
  };
}

/** Maps line/col inside a table text to a path and file position. */
function tableIssue(text: TableText, basePath: JsonPath, e: TableError, source?: JsonSource): LabIssue {
  const lines = typeof text === 'string' ? text.split('\n') : text.flatMap((l) => l.split('\n'));
  let index = 0;
  for (let i = 0; i < e.line - 1 && i < lines.length; i++) index += lines[i].length + 1;
  index += e.col - 1;
  const message = `line ${e.line}, column ${e.col}: ${e.message}`;
  if (typeof text === 'string') {
    const quote = source?.valueOffsets.get(pointer(basePath));
    if (source && quote !== undefined) return { path: basePath, message, ...lineColAt(source.text, rawOffsetInString(source.text, quote, index)) };
    return { path: basePath, message };
  }
  // Array form: find the element holding `index` of the joined text.
  let start = 0;
  for (let k = 0; k < text.length; k++) {
    const end = start + text[k].length;
    if (index <= end || k === text.length - 1) {
      const path = [...basePath, k];
      const quote = source?.valueOffsets.get(pointer(path));
      if (source && quote !== undefined) return { path, message, ...lineColAt(source.text, rawOffsetInString(source.text, quote, Math.min(index - start, text[k].length))) };
      return { path, message };
    }
    start = end + 1;
  }
  return { path: basePath, message };
}

function checkCrossReferences(lab: Lab, source?: JsonSource): LabIssue[] {
  const issues: LabIssue[] = [];
  const add = (path: JsonPath, message: string): void => void issues.push({ path, message });
  const devices = new Map<string, LabDevice>();
  const macs = new Map<string, string>();

  lab.devices.forEach((d, di) => {
    const at = ['devices', di];
    if (devices.has(d.name)) add([...at, 'name'], `duplicate device name "${d.name}"`);
    devices.set(d.name, d);
    const ifNames = new Set<string>();
    d.interfaces.forEach((iface, ii) => {
      const ip = [...at, 'interfaces', ii];
      if (ifNames.has(iface.name)) add([...ip, 'name'], `duplicate interface name "${iface.name}" on ${d.name}`);
      ifNames.add(iface.name);
      if (iface.mac !== undefined) {
        const m = parseMac(iface.mac);
        if (m.ok && (m.value[0] & 1) === 1) add([...ip, 'mac'], `${iface.mac} is a multicast address; an interface needs a unicast MAC`);
        const key = iface.mac.toLowerCase();
        const other = macs.get(key);
        if (other) add([...ip, 'mac'], `MAC ${iface.mac} is already used by ${other}`);
        macs.set(key, `${d.name} ${iface.name}`);
      }
      if (iface.ipv4 !== undefined) {
        if (d.type === 'switch') add([...ip, 'ipv4'], 'switch ports have no IPv4 address');
        const r = parseIpv4Cidr(iface.ipv4);
        if (!r.ok) add([...ip, 'ipv4'], `bad address "${iface.ipv4}": ${r.error.message}`);
        else if (r.value.prefixLength < 1 || r.value.prefixLength > 30) add([...ip, 'ipv4'], `prefix length /${r.value.prefixLength} leaves no room for hosts on a link (use /1 … /30)`);
      }
    });
    if (d.type === 'switch') {
      for (const key of ['tables', 'services', 'linkState', 'nat'] as const) if (d[key] !== undefined) add([...at, key], `a switch has no "${key}"`);
    } else if (d.macAgingSeconds !== undefined) add([...at, 'macAgingSeconds'], 'only switches have a MAC aging time');
    if (d.type !== 'router' && d.type !== 'switch') {
      for (const key of ['linkState', 'nat'] as const) if (d[key] !== undefined) add([...at, key], `"${key}" is for routers`);
    }
    if (d.hstsPreload !== undefined && (d.type === 'router' || d.type === 'switch')) add([...at, 'hstsPreload'], '"hstsPreload" is for hosts (it is the browser\'s preload list)');
    if (d.dhcpRelay !== undefined && d.type !== 'router') add([...at, 'dhcpRelay'], '"dhcpRelay" is for routers');
    if (d.type === 'switch') for (const key of ['dns', 'nameservers', 'dhcpRelay'] as const) if (d[key] !== undefined) add([...at, key], `a switch has no "${key}"`);
    if (d.dns?.mode === 'recursive' && !d.dns.rootHints) add([...at, 'dns', 'rootHints'], 'a recursive resolver needs root hints');
    if (d.dns?.mode === 'forwarding' && !d.dns.forwarders) add([...at, 'dns', 'forwarders'], 'a forwarding resolver needs forwarders');
    if (d.proxy && d.web) add([...at, 'proxy'], 'a device is either a web server ("web") or a proxy ("proxy"): both listen on ports 80 and 443');
    for (const [key, list] of [['nameservers', d.nameservers ?? []], ['proxy', d.proxy ? [d.proxy.origin] : []], ['dhcpRelay', d.dhcpRelay?.servers ?? []], ['dns', [...(d.dns?.forwarders ?? []), ...(d.dns?.rootHints ?? []).map((h) => h.address)]]] as const) {
      for (const text of list) if (!parseIpv4(text).ok) add([...at, key], `bad IPv4 address "${text}"`);
    }
    if (d.nat && !ifNames.has(d.nat.outside)) add([...at, 'nat', 'outside'], `${d.name} has no interface "${d.nat.outside}"`);

    const { tables, errors } = parseDeviceTables(d);
    for (const { table, index, error } of errors) {
      if (table === 'zones') issues.push(tableIssue(d.tables!.zones![index!], [...at, 'tables', 'zones', index!], error, source));
      else issues.push(tableIssue(d.tables![table]!, [...at, 'tables', table], error, source));
    }
    const tablePath = (table: 'routes' | 'arp'): JsonPath => [...at, 'tables', table];
    tables.routes.forEach((r) => {
      if (r.dev !== undefined && !ifNames.has(r.dev)) add(tablePath('routes'), `route to ${routeName(r)} uses unknown interface "${r.dev}" on ${d.name}`);
    });
    tables.arp.forEach((n) => {
      if (!ifNames.has(n.dev)) add(tablePath('arp'), `ARP entry uses unknown interface "${n.dev}" on ${d.name}`);
    });
  });

  const linkIds = new Set<string>();
  const used = new Map<string, number>();
  lab.links.forEach((l, li) => {
    const at = ['links', li];
    const id = l.id ?? `L${li + 1}`;
    if (linkIds.has(id)) add([...at, 'id'], `duplicate link id "${id}"`);
    linkIds.add(id);
    for (const end of ['a', 'b'] as const) {
      const ep = l[end];
      const d = devices.get(ep.device);
      if (!d) {
        add([...at, end, 'device'], `unknown device "${ep.device}"`);
        continue;
      }
      if (!d.interfaces.some((i) => i.name === ep.interface)) {
        add([...at, end, 'interface'], `${ep.device} has no interface "${ep.interface}" (it has ${d.interfaces.map((i) => i.name).join(', ') || 'none'})`);
        continue;
      }
      const key = `${ep.device}\u0000${ep.interface}`;
      const prev = used.get(key);
      if (prev !== undefined) add([...at, end], `${ep.device} ${ep.interface} is already connected by link ${prev + 1}`);
      else used.set(key, li);
    }
    if (l.a.device === l.b.device && l.a.interface === l.b.interface) add([...at, 'b'], 'a link cannot connect an interface to itself');
  });

  const scenarioNames = new Set<string>();
  (lab.scenarios ?? []).forEach((s, si) => {
    const at = ['scenarios', si];
    if (scenarioNames.has(s.name)) add([...at, 'name'], `duplicate scenario name "${s.name}"`);
    scenarioNames.add(s.name);
    s.actions.forEach((a, ai) => {
      const ap = [...at, 'actions', ai];
      if (a.type === 'link') {
        if (!linkIds.has(a.link)) add([...ap, 'link'], `unknown link "${a.link}"`);
        return;
      }
      const d = devices.get(a.from);
      if (!d) add([...ap, 'from'], `unknown device "${a.from}"`);
      else if (d.type === 'switch') add([...ap, 'from'], `${a.from} is a switch; actions run on hosts and routers`);
      if (a.type === 'dhcp' && d && a.interface !== undefined && !d.interfaces.some((i) => i.name === a.interface)) add([...ap, 'interface'], `${a.from} has no interface "${a.interface}"`);
      if ('to' in a && /^[\d.]+$/.test(a.to)) {
        const r = parseIpv4(a.to);
        if (!r.ok) add([...ap, 'to'], `bad IPv4 address "${a.to}": ${r.error.message}`);
      }
    });
  });
  return issues;
}

function routeName(r: RouteEntry): string {
  return r.prefixLength === 0 ? 'default' : `${(r.dst >>> 24) & 255}.${(r.dst >>> 16) & 255}.${(r.dst >>> 8) & 255}.${r.dst & 255}/${r.prefixLength}`;
}
