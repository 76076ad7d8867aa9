// The lab file, current version: zod schemas (the single source of the JSON Schema in
// lab.schema.json) and the TypeScript types inferred from them. Structural rules live here;
// rules across records (names that must exist, tables that must parse) live in validate.ts.
import { z } from 'zod';

export const LAB_VERSION = 2;

const NAME = /^[A-Za-z][A-Za-z0-9_.-]{0,31}$/;
const MAC = /^[0-9A-Fa-f]{2}(:[0-9A-Fa-f]{2}){5}$/;
const CIDR = /^\d{1,3}(\.\d{1,3}){3}\/\d{1,2}$/;
const IPV4 = /^\d{1,3}(\.\d{1,3}){3}$/;
/** A DNS host name (RFC 1123 labels: letters, digits and inner hyphens, 1–63 characters each), no trailing dot. */
export const DNS_HOST_NAME = /^(?=.{1,253}$)[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?)*$/;
const ipv4Address = (what: string) => z.string().regex(IPV4, `${what} must be an IPv4 address like 192.0.2.53`);

const name = (what: string) =>
  z.string().regex(NAME, `${what} must start with a letter and use only letters, digits, '_', '.' or '-' (at most 32 characters)`);

/** A device table as text: one string with new lines, or an array with one string per line (diffs read better). */
export const TableTextSchema = z
  .union([z.string(), z.array(z.string())])
  .describe('Table text: a string with \\n between lines, or an array of lines');

export const InterfaceSchema = z.strictObject({
  name: name('interface name'),
  mac: z.string().regex(MAC, 'expected a MAC address like 02:00:00:00:00:01').optional().describe('Defaults to a locally administered address derived from device and interface names'),
  ipv4: z.string().regex(CIDR, 'expected an address with prefix length, like 192.0.2.10/24').optional(),
  mtu: z.number().int().min(68).max(9216).optional().describe('Default 1500'),
  dhcp: z.boolean().optional().describe('Configure this interface by DHCP (default: hosts do so when the interface has no ipv4)'),
});

export const TablesSchema = z.strictObject({
  routes: TableTextSchema.optional().describe('iproute2 syntax, e.g. "default via 192.0.2.1 dev eth0"'),
  arp: TableTextSchema.optional().describe('ip neigh syntax, e.g. "192.0.2.1 lladdr 02:00:00:00:00:01 dev eth0 PERMANENT"'),
  hosts: TableTextSchema.optional().describe('/etc/hosts syntax'),
  zone: TableTextSchema.optional().describe('BIND zone file (RFC 1035 master format) starting with "$ORIGIN name."'),
  zones: z.array(TableTextSchema).max(16).optional().describe('More zone files served by the same DNS server (a TLD server with several TLDs)'),
  dhcpd: TableTextSchema.optional().describe('ISC dhcpd.conf subset: subnet, range, options, host reservations'),
});

export const WebFileSchema = z.strictObject({
  contentType: z.string().min(1).max(200),
  body: TableTextSchema.optional().describe('Text content (a string or an array of lines)'),
  base64: z.string().max(1_000_000).optional().describe('Binary content (an image), base64'),
  cacheControl: z.string().max(500).optional(),
});

export const WebSiteSchema = z.strictObject({
  files: z.record(z.string().regex(/^\//, 'paths start with /'), WebFileSchema).optional(),
  redirects: z
    .record(z.string(), z.strictObject({ status: z.union([z.literal(301), z.literal(302), z.literal(307), z.literal(308)]), location: z.string().min(1) }))
    .optional()
    .describe("Path (or '*') → redirect"),
  httpsOnly: z.boolean().optional().describe('Redirect http requests to https (301)'),
  hsts: z.string().max(200).optional().describe('Strict-Transport-Security value sent over https'),
});

/** Device kinds. Servers are hosts that run a service; the palette offers each kind by name. */
export const DEVICE_TYPES = ['host', 'router', 'switch', 'dhcp-server', 'dns-server', 'web-server', 'proxy-cache'] as const;
export type DeviceType = (typeof DEVICE_TYPES)[number];

export const PositionSchema = z.strictObject({ x: z.number(), y: z.number() });

export const DeviceSchema = z.strictObject({
  name: name('device name'),
  type: z.enum(DEVICE_TYPES),
  position: PositionSchema,
  interfaces: z.array(InterfaceSchema),
  tables: TablesSchema.optional(),
  services: z.array(z.enum(['udp-echo'])).optional().describe('Servers the device runs: udp-echo answers on UDP port 7'),
  linkState: z
    .strictObject({ domain: name('routing domain') })
    .optional()
    .describe('Routers only: take part in link-state routing within this domain'),
  nat: z
    .strictObject({ outside: name('interface name') })
    .optional()
    .describe('Routers only: masquerade traffic leaving this interface'),
  macAgingSeconds: z.number().int().min(1).max(1_000_000).optional().describe('Switches only: MAC table aging time, default 300'),
  web: z
    .strictObject({
      tls: z.boolean().optional().describe('Also serve https on port 443 with a certificate from the lab CA for every site name'),
      sites: z.record(z.string().min(1).max(253), WebSiteSchema).describe('Virtual hosts by name'),
    })
    .optional()
    .describe('An HTTP/1.1 server on port 80 (web-server devices)'),
  proxy: z
    .strictObject({
      origin: ipv4Address('origin'),
      sites: z.array(z.string().min(1).max(253)).min(1).describe('Site names the edge answers for (and has a certificate for)'),
      tls: z.boolean().optional().describe('Serve https on 443 (default true)'),
      originTls: z.boolean().optional().describe('Reach the origin over https (default true)'),
    })
    .optional()
    .describe('A reverse proxy / CDN edge with a shared HTTP cache (proxy-cache devices)'),
  nameservers: z
    .array(ipv4Address('name server'))
    .max(3)
    .optional()
    .describe('resolv.conf: name servers of the stub resolver (DHCP option 6 replaces them)'),
  hstsPreload: z
    .array(z.string().regex(DNS_HOST_NAME, 'expected a DNS host name like example.com (labels of letters, digits and inner hyphens, at most 63 characters each, no trailing dot)'))
    .max(1000)
    .optional()
    .describe("Hosts only: the browser's HSTS preload list (host names always upgraded to https)"),
  dhcpRelay: z
    .strictObject({ servers: z.array(ipv4Address('DHCP server')).min(1).max(4) })
    .optional()
    .describe('Routers only: relay DHCP requests heard on every addressed interface to these servers (giaddr)'),
  dns: z
    .strictObject({
      mode: z.enum(['recursive', 'forwarding']),
      rootHints: z
        .array(z.strictObject({ name: z.string().min(1).max(253), address: ipv4Address('root server') }))
        .min(1)
        .optional()
        .describe('recursive: the root servers to start from'),
      forwarders: z.array(ipv4Address('forwarder')).min(1).optional().describe('forwarding: upstream resolvers, in order'),
    })
    .optional()
    .describe('A caching DNS resolver on port 53: recursive (from the root hints) or forwarding (dnsmasq-like)'),
});

export const EndpointSchema = z.strictObject({ device: name('device name'), interface: name('interface name') });

export const LinkSchema = z.strictObject({
  id: name('link id').optional().describe('Defaults to L1, L2, … by position'),
  a: EndpointSchema,
  b: EndpointSchema,
  latencyMs: z.number().min(0).max(60_000).optional().describe('One-way propagation delay, default 1'),
  bandwidthMbps: z.number().gt(0).max(100_000).optional().describe('Default 100'),
  lossPercent: z.number().min(0).max(100).optional().describe('Random loss per frame, default 0'),
  up: z.boolean().optional().describe('Default true'),
  cost: z.number().int().min(1).max(65535).optional().describe('Link-state cost, default 10'),
});

const at = z.number().min(0).max(86_400_000).describe('Start time in milliseconds');
const target = z.string().min(1).max(253).describe('IPv4 address or a host name from the device hosts table');

export const PingActionSchema = z.strictObject({
  type: z.literal('ping'),
  atMs: at,
  from: name('device name'),
  to: target,
  count: z.number().int().min(1).max(10_000).optional().describe('Default 4'),
  intervalMs: z.number().int().min(1).max(3_600_000).optional().describe('Default 1000'),
  ttl: z.number().int().min(1).max(255).optional().describe('Default 64'),
  size: z.number().int().min(0).max(65507 - 8).optional().describe('ICMP payload bytes, default 56'),
});

export const TracerouteActionSchema = z.strictObject({
  type: z.literal('traceroute'),
  atMs: at,
  from: name('device name'),
  to: target,
  maxHops: z.number().int().min(1).max(64).optional().describe('Default 30'),
  probes: z.number().int().min(1).max(10).optional().describe('Probes per hop, default 3'),
  waitMs: z.number().int().min(1).max(60_000).optional().describe('Wait for each probe, default 3000'),
  port: z.number().int().min(1).max(65535).optional().describe('First destination port, default 33434'),
});

export const UdpEchoActionSchema = z.strictObject({
  type: z.literal('udp-echo'),
  atMs: at,
  from: name('device name'),
  to: target,
  port: z.number().int().min(1).max(65535).optional().describe('Default 7'),
  message: z.string().max(1400).optional().describe('Default "hello"'),
  count: z.number().int().min(1).max(10_000).optional().describe('Default 1'),
  intervalMs: z.number().int().min(1).max(3_600_000).optional().describe('Default 1000'),
});

export const LinkStateActionSchema = z.strictObject({
  type: z.literal('link'),
  atMs: at,
  link: name('link id'),
  up: z.boolean(),
});

export const LookupActionSchema = z.strictObject({
  type: z.literal('lookup'),
  atMs: at,
  from: name('device name'),
  name: z.string().min(1).max(253).describe('Name to look up'),
  qtype: z.enum(['A', 'AAAA', 'NS', 'CNAME', 'SOA', 'MX', 'TXT', 'PTR', 'SRV']).optional().describe('Default A'),
  server: ipv4Address('server').optional().describe('dig @server; default: the first name server of the device'),
  via: z.enum(['dig', 'getaddrinfo']).optional().describe('dig asks the server directly; getaddrinfo goes through hosts file, OS cache and stub (default dig)'),
});

export const NslookupActionSchema = z.strictObject({
  type: z.literal('nslookup'),
  atMs: at,
  from: name('device name'),
  name: z.string().min(1).max(253).describe('Name to look up'),
  qtype: z.enum(['A', 'AAAA', 'NS', 'CNAME', 'SOA', 'MX', 'TXT', 'PTR', 'SRV']).optional().describe('nslookup -type=…; default A'),
  server: ipv4Address('server').optional().describe('nslookup NAME SERVER; default: the first name server of the device'),
});

export const DhcpActionSchema = z.strictObject({
  type: z.literal('dhcp'),
  atMs: at,
  from: name('device name'),
  action: z.enum(['renew', 'release', 'start']),
  interface: name('interface name').optional().describe('Default: every DHCP interface of the device'),
});

export const FLUSH_TIERS = ['os', 'resolver', 'arp', 'browser-dns', 'http', 'all'] as const;

export const FlushActionSchema = z.strictObject({
  type: z.literal('flush'),
  atMs: at,
  from: name('device name'),
  cache: z.enum(FLUSH_TIERS).describe('os: the stub resolver cache; resolver: the DNS resolver of the device; arp: learned neighbours; browser-dns: the browser DNS cache; http: the browser HTTP cache; all'),
});

export const BrowseActionSchema = z.strictObject({
  type: z.literal('browse'),
  atMs: at,
  from: name('device name'),
  url: z.string().min(1).max(2000).describe('What is typed into the address bar: a URL, a host name or a search term'),
});

export const ActionSchema = z.discriminatedUnion('type', [PingActionSchema, TracerouteActionSchema, UdpEchoActionSchema, LinkStateActionSchema, LookupActionSchema, NslookupActionSchema, DhcpActionSchema, FlushActionSchema, BrowseActionSchema]);

export const ScenarioSchema = z.strictObject({
  name: z.string().min(1).max(64),
  description: z.string().optional(),
  durationMs: z.number().min(0).max(864_000_000).optional().describe('How long to run; default until nothing is left to do (labs with DHCP clients never idle: their leases renew)'),
  actions: z.array(ActionSchema),
});

export const LabSchema = z.strictObject({
  $schema: z.string().optional(),
  version: z.literal(LAB_VERSION),
  name: z.string().max(200).optional(),
  description: z.string().optional(),
  seed: z.number().int().min(0).max(0xffffffff).optional().describe('PRNG seed, default 1'),
  devices: z.array(DeviceSchema),
  links: z.array(LinkSchema),
  scenarios: z.array(ScenarioSchema).optional(),
});

export type Lab = z.infer<typeof LabSchema>;
export type LabDevice = z.infer<typeof DeviceSchema>;
export type LabInterface = z.infer<typeof InterfaceSchema>;
export type LabLink = z.infer<typeof LinkSchema>;
export type LabScenario = z.infer<typeof ScenarioSchema>;
export type LabAction = z.infer<typeof ActionSchema>;
export type TableText = z.infer<typeof TableTextSchema>;

export function labJsonSchema(): Record<string, unknown> {
  const schema = z.toJSONSchema(LabSchema, { target: 'draft-2020-12' }) as Record<string, unknown>;
  return { ...schema, $id: 'https://packetlab.dev/schema/lab-v2.json', title: 'PacketLab lab file (version 2)' };
}

/** Joins table text stored either way into one string. */
export function tableText(t: TableText | undefined): string {
  if (t === undefined) return '';
  return typeof t === 'string' ? t : t.join('\n');
}
