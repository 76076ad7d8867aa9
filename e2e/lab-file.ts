// What the end-to-end tests need to know about a lab, read from its file rather than hard-coded:
// the servers' addresses and which device sits at the other end of a link.
import { readFileSync } from 'node:fs';
import path from 'node:path';

interface LabInterface {
  name: string;
  ipv4?: string;
}
interface LabDevice {
  name: string;
  type: string;
  interfaces: LabInterface[];
  tables?: { zone?: string[]; zones?: string[][] };
  dns?: { mode?: string; rootHints?: { name: string; address: string }[] };
  web?: { sites?: Record<string, { redirects?: Record<string, { status: number; location: string }>; files?: Record<string, { body?: string[] }> }> };
}
interface LabEnd {
  device: string;
  interface: string;
}
export interface LabFile {
  name: string;
  devices: LabDevice[];
  links: { id: string; a: LabEnd; b: LabEnd }[];
  scenarios: { name: string; actions: { type: string; from?: string; url?: string }[] }[];
}

export function readLab(file: string): LabFile {
  return JSON.parse(readFileSync(path.resolve(__dirname, '..', file), 'utf8')) as LabFile;
}

const address = (cidr: string) => cidr.split('/')[0];

/** The lab's recursive resolver: the device that walks DNS down from the root. */
export function recursiveResolver(lab: LabFile): LabDevice {
  const resolver = lab.devices.find((d) => d.dns?.mode === 'recursive' && d.dns.rootHints?.length);
  if (!resolver) throw new Error(`${lab.name}: no recursive resolver with root hints`);
  return resolver;
}

/** The root server the lab's recursive resolver starts from (its first root hint). */
export function rootServer(lab: LabFile): string {
  return recursiveResolver(lab).dns!.rootHints![0].address;
}

/** The address of the DNS server whose zone file starts with `$ORIGIN origin` (e.g. `com.`). */
export function zoneServer(lab: LabFile, origin: string): string {
  for (const d of lab.devices) {
    if (d.type !== 'dns-server') continue;
    const zones = [d.tables?.zone ?? [], ...(d.tables?.zones ?? [])];
    if (zones.some((z) => z.some((line) => line.trim() === `$ORIGIN ${origin}`))) {
      const ipv4 = d.interfaces.find((i) => i.ipv4)?.ipv4;
      if (ipv4) return address(ipv4);
    }
  }
  throw new Error(`${lab.name}: no DNS server holds the zone ${origin}`);
}

/** The device at the other end of link `linkId` from `device`. */
export function linkPeer(lab: LabFile, linkId: string, device: string): string {
  const link = lab.links.find((l) => l.id === linkId);
  if (!link) throw new Error(`${lab.name}: no link ${linkId}`);
  return link.a.device === device ? link.b.device : link.a.device;
}

/** Where a web server in the lab sends requests for `host` (its `*` redirect), if anywhere. */
export function redirectOf(lab: LabFile, host: string): string | null {
  for (const d of lab.devices) {
    const location = d.web?.sites?.[host]?.redirects?.['*']?.location;
    if (location) return location;
  }
  return null;
}

/** The text of a file a web server in the lab serves for `url`. */
export function servedText(lab: LabFile, url: URL): string {
  for (const d of lab.devices) {
    const body = d.web?.sites?.[url.hostname]?.files?.[url.pathname]?.body;
    if (body) return body.join('\n');
  }
  throw new Error(`${lab.name}: no web server serves ${url.href}`);
}
