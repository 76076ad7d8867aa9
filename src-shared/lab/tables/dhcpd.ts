// The ISC dhcpd.conf subset a lab DHCP server reads:
//   authoritative;  default-lease-time 600;  max-lease-time 7200;  option NAME VALUE;
//   subnet 192.168.1.0 netmask 255.255.255.0 { range A [B]; option …; default-lease-time N; … }
//   host NAME { hardware ethernet MAC; fixed-address IP; option …; }
// '#' comments. Errors carry line:col; the checks follow `dhcpd -t` (bad subnet number/mask
// combination, range outside its subnet, overlapping ranges, duplicate hosts, unknown options).
import { formatIpv4, formatMac, maskToPrefix, parseIpv4, type Ipv4Address, type MacAddress } from '../../net/addr';
import type { DhcpOptionValues } from '../../net/wire/dhcp';
import type { TableError } from './tokens';

/** Options a lab server can hand out; the names are those of the DHCP codec's typed options. */
export type DhcpdOptions = Pick<DhcpOptionValues, 'subnetMask' | 'routers' | 'dnsServers' | 'domainName' | 'broadcast' | 'hostname'>;

interface Located {
  line: number;
  col: number;
}

export interface DhcpdRange extends Located {
  start: Ipv4Address;
  end: Ipv4Address;
}

export interface DhcpdHost extends Located {
  name: string;
  hardwareEthernet?: MacAddress;
  fixedAddresses: Ipv4Address[];
  options: DhcpdOptions;
}

export interface DhcpdSubnet extends Located {
  network: Ipv4Address;
  netmask: Ipv4Address;
  prefixLength: number;
  ranges: DhcpdRange[];
  options: DhcpdOptions;
  defaultLeaseTime?: number;
  maxLeaseTime?: number;
  authoritative?: boolean;
  /** Hosts declared inside this subnet's braces (dhcpd treats them as global). */
  hosts: DhcpdHost[];
}

export interface DhcpdConfig {
  authoritative: boolean;
  /** Seconds; dhcpd's defaults are 43200 and 86400 when the file says nothing. */
  defaultLeaseTime?: number;
  maxLeaseTime?: number;
  options: DhcpdOptions;
  subnets: DhcpdSubnet[];
  /** Every host declaration, global or inside a subnet, in file order. */
  hosts: DhcpdHost[];
}

export type DhcpdResult = { ok: true; value: DhcpdConfig } | { ok: false; errors: TableError[] };

export const DHCPD_DEFAULT_LEASE_TIME = 43200;
export const DHCPD_MAX_LEASE_TIME = 86400;

// ---------------------------------------------------------------------------------------------
// Tokens

type Kind = 'word' | 'string' | ';' | ',' | '{' | '}' | 'eof';
interface Tok extends Located {
  kind: Kind;
  text: string;
}

class ConfError extends Error {
  constructor(
    message: string,
    readonly line: number,
    readonly col: number,
  ) {
    super(message);
  }
}
const at = (t: Located, message: string): ConfError => new ConfError(message, t.line, t.col);

// Characters that end a bare word: blanks, punctuation, quotes and comments.
const WORD_END = new Set([...' \t\r\n\f\v;,{}"#'].map((c) => c.charCodeAt(0)));

function tokenize(text: string, errors: TableError[]): Tok[] {
  const toks: Tok[] = [];
  let line = 1;
  let lineStart = 0;
  let i = 0;
  const n = text.length;
  while (i < n) {
    const ch = text[i];
    const col = i - lineStart + 1;
    if (ch === '\n') {
      line++;
      lineStart = ++i;
    } else if (ch === ' ' || ch === '\t' || ch === '\r') i++;
    else if (ch === '#') {
      while (i < n && text[i] !== '\n') i++;
    } else if (ch === ';' || ch === ',' || ch === '{' || ch === '}') {
      toks.push({ kind: ch, text: ch, line, col });
      i++;
    } else if (ch === '"') {
      let j = i + 1;
      let s = '';
      while (j < n && text[j] !== '"' && text[j] !== '\n') {
        if (text[j] === '\\' && j + 1 < n) j++;
        s += text[j++];
      }
      if (text[j] !== '"') {
        errors.push({ line, col, message: 'unterminated string' });
        i = j;
        continue;
      }
      toks.push({ kind: 'string', text: s, line, col });
      i = j + 1;
    } else {
      let j = i;
      while (j < n && !WORD_END.has(text.charCodeAt(j))) j++;
      toks.push({ kind: 'word', text: text.slice(i, j), line, col });
      i = j;
    }
  }
  toks.push({ kind: 'eof', text: '', line, col: i - lineStart + 1 });
  return toks;
}

// ---------------------------------------------------------------------------------------------
// Parser

interface OptionSpec {
  key: keyof DhcpdOptions;
  value: 'ip' | 'ip-list' | 'string';
}
const OPTIONS: Record<string, OptionSpec> = {
  'subnet-mask': { key: 'subnetMask', value: 'ip' },
  routers: { key: 'routers', value: 'ip-list' },
  'domain-name-servers': { key: 'dnsServers', value: 'ip-list' },
  'domain-name': { key: 'domainName', value: 'string' },
  'broadcast-address': { key: 'broadcast', value: 'ip' },
  'host-name': { key: 'hostname', value: 'string' },
};

class Parser {
  private i = 0;
  private readonly hostNames = new Set<string>();
  readonly errors: TableError[] = [];
  constructor(private readonly toks: Tok[]) {}

  private peek(): Tok {
    return this.toks[this.i];
  }
  private next(): Tok {
    const t = this.toks[this.i];
    if (t.kind !== 'eof') this.i++;
    return t;
  }
  private word(what: string): Tok {
    const t = this.next();
    if (t.kind !== 'word') throw at(t, t.kind === 'eof' ? `unexpected end of file: expected ${what}` : `expected ${what}, found '${t.text}'`);
    return t;
  }
  private semicolon(): void {
    const t = this.peek();
    if (t.kind !== ';') {
      // dhcpd points past the previous token; we point at what we found instead.
      throw at(t, t.kind === 'eof' ? 'semicolon expected before end of file' : `semicolon expected before '${t.text}'`);
    }
    this.next();
  }
  private ip(what: string): Ipv4Address {
    const t = this.word(what);
    const r = parseIpv4(t.text);
    if (!r.ok) throw new ConfError(`bad ${what} '${t.text}': ${r.error.message}`, t.line, t.col + r.error.offset);
    return r.value;
  }
  private seconds(kw: Tok): number {
    const t = this.word('a number of seconds');
    if (!/^\d{1,10}$/.test(t.text) || Number(t.text) > 0xffffffff) throw at(t, `bad ${kw.text} '${t.text}': expected a number of seconds`);
    return Number(t.text);
  }

  /** Skips the rest of a broken statement: up to its ';' or over its '{…}' block. */
  private recover(): void {
    let depth = 0;
    for (;;) {
      const t = this.peek();
      if (t.kind === 'eof') return;
      if (t.kind === '}' && depth === 0) return;
      this.next();
      if (t.kind === '{') depth++;
      else if (t.kind === '}') {
        depth--;
        if (depth === 0) return;
      } else if (t.kind === ';' && depth === 0) return;
    }
  }

  parse(): DhcpdConfig {
    const config: DhcpdConfig = { authoritative: false, options: {}, subnets: [], hosts: [] };
    while (this.peek().kind !== 'eof') {
      if (this.peek().kind === '}') {
        const t = this.next();
        this.errors.push({ line: t.line, col: t.col, message: "unexpected '}': no block is open" });
        continue;
      }
      this.statement(config, 'global', config);
    }
    return config;
  }

  /** One statement in `scope`; `target` receives lease times, options and authoritative. */
  private statement(config: DhcpdConfig, scope: 'global' | 'subnet' | 'host', target: DhcpdConfig | DhcpdSubnet | DhcpdHost): void {
    const start = this.i;
    try {
      const kw = this.word('a parameter or declaration');
      switch (kw.text) {
        case 'authoritative':
          if (scope === 'host') throw at(kw, "'authoritative' is not allowed in a host declaration");
          (target as DhcpdConfig | DhcpdSubnet).authoritative = true;
          return this.semicolon();
        case 'not': {
          const a = this.word("'authoritative'");
          if (a.text !== 'authoritative' || scope === 'host') throw at(a, "expected 'not authoritative;'");
          (target as DhcpdConfig | DhcpdSubnet).authoritative = false;
          return this.semicolon();
        }
        case 'default-lease-time':
        case 'max-lease-time': {
          if (scope === 'host') throw at(kw, `'${kw.text}' in a host declaration is not supported in lab configs`);
          const v = this.seconds(kw);
          const t = target as DhcpdConfig | DhcpdSubnet;
          if (kw.text === 'default-lease-time') t.defaultLeaseTime = v;
          else t.maxLeaseTime = v;
          return this.semicolon();
        }
        case 'ddns-update-style': {
          // Debian's stock dhcpd.conf starts with this; the lab has no dynamic DNS, so only 'none'.
          const v = this.word("'none'");
          if (v.text !== 'none') throw at(v, `ddns-update-style '${v.text}' is not supported in labs (only 'none')`);
          return this.semicolon();
        }
        case 'option':
          this.option(target.options);
          return this.semicolon();
        case 'subnet':
          if (scope !== 'global') throw at(kw, 'a subnet declaration must be at the top level');
          return this.subnet(config, kw);
        case 'host':
          if (scope === 'host') throw at(kw, 'a host declaration cannot contain another host');
          return this.host(config, kw, scope === 'subnet' ? (target as DhcpdSubnet) : undefined);
        case 'range':
          if (scope !== 'subnet') throw at(kw, "'range' is only allowed inside a subnet declaration");
          return this.range(target as DhcpdSubnet, kw);
        case 'hardware':
        case 'fixed-address':
          if (scope !== 'host') throw at(kw, `'${kw.text}' is only allowed inside a host declaration`);
          return this.hostParam(target as DhcpdHost, kw);
        default:
          throw at(kw, `unknown statement '${kw.text}' (lab configs support authoritative, default-lease-time, max-lease-time, option, subnet, range, host, hardware ethernet, fixed-address)`);
      }
    } catch (e) {
      if (!(e instanceof ConfError)) throw e;
      this.errors.push({ line: e.line, col: e.col, message: e.message });
      if (this.i === start) this.next();
      this.recover();
    }
  }

  private option(into: DhcpdOptions): void {
    const name = this.word('an option name');
    const spec = OPTIONS[name.text];
    if (!spec) throw at(name, `unknown option dhcp.${name.text} (lab configs support ${Object.keys(OPTIONS).join(', ')})`);
    if (spec.value === 'string') {
      const t = this.next();
      if (t.kind !== 'string') throw at(t, `option ${name.text} needs a quoted string, e.g. option ${name.text} "home.lab";`);
      (into as Record<string, unknown>)[spec.key] = t.text;
    } else if (spec.value === 'ip') {
      (into as Record<string, unknown>)[spec.key] = this.ip(`${name.text} address`);
    } else {
      const list = [this.ip(`${name.text} address`)];
      while (this.peek().kind === ',') {
        this.next();
        list.push(this.ip(`${name.text} address`));
      }
      (into as Record<string, unknown>)[spec.key] = list;
    }
  }

  private openBrace(): void {
    const t = this.next();
    if (t.kind !== '{') throw at(t, t.kind === 'eof' ? "unexpected end of file: expected '{'" : `expected '{', found '${t.text}'`);
  }

  /** Parses statements until the matching '}'. */
  private block(config: DhcpdConfig, scope: 'subnet' | 'host', target: DhcpdSubnet | DhcpdHost, open: Tok): void {
    for (;;) {
      const t = this.peek();
      if (t.kind === '}') {
        this.next();
        return;
      }
      if (t.kind === 'eof') {
        this.errors.push({ line: t.line, col: t.col, message: `unexpected end of file: the block opened at line ${open.line}:${open.col} is not closed` });
        return;
      }
      this.statement(config, scope, target);
    }
  }

  private subnet(config: DhcpdConfig, kw: Tok): void {
    const network = this.ip('subnet number');
    const nm = this.word("'netmask'");
    if (nm.text !== 'netmask') throw at(nm, `expected 'netmask', found '${nm.text}'`);
    const maskTok = this.peek();
    const netmask = this.ip('netmask');
    const prefixLength = maskToPrefix(netmask);
    if (prefixLength < 0 || (network & ~netmask) >>> 0 !== 0) {
      throw at(maskTok, `subnet ${formatIpv4(network)} netmask ${formatIpv4(netmask)}: bad subnet number/mask combination`);
    }
    const open = this.peek();
    this.openBrace();
    const subnet: DhcpdSubnet = { network, netmask, prefixLength, ranges: [], options: {}, hosts: [], line: kw.line, col: kw.col };
    config.subnets.push(subnet);
    this.block(config, 'subnet', subnet, open);
  }

  private range(subnet: DhcpdSubnet, kw: Tok): void {
    if (this.peek().text === 'dynamic-bootp') this.next();
    const startTok = this.peek();
    const a = this.ip('range start');
    let b = a;
    let endTok = startTok;
    if (this.peek().kind === 'word') {
      endTok = this.peek();
      b = this.ip('range end');
    }
    for (const [addr, t] of [[a, startTok], [b, endTok]] as const) {
      if (((addr & subnet.netmask) >>> 0) !== subnet.network) {
        throw at(t, `bad range, address ${formatIpv4(addr)} not in subnet ${formatIpv4(subnet.network)} netmask ${formatIpv4(subnet.netmask)}`);
      }
    }
    // dhcpd accepts the ends in either order.
    subnet.ranges.push({ start: Math.min(a, b), end: Math.max(a, b), line: kw.line, col: kw.col });
    this.semicolon();
  }

  private host(config: DhcpdConfig, kw: Tok, subnet: DhcpdSubnet | undefined): void {
    const nameTok = this.next();
    if (nameTok.kind !== 'word' && nameTok.kind !== 'string') throw at(nameTok, 'expected a host name');
    const open = this.peek();
    this.openBrace();
    const host: DhcpdHost = { name: nameTok.text, fixedAddresses: [], options: {}, line: kw.line, col: kw.col };
    this.block(config, 'host', host, open);
    if (this.hostNames.has(host.name)) {
      this.errors.push({ line: nameTok.line, col: nameTok.col, message: `host ${host.name}: already exists` });
      return;
    }
    this.hostNames.add(host.name);
    config.hosts.push(host);
    subnet?.hosts.push(host);
  }

  private hostParam(host: DhcpdHost, kw: Tok): void {
    if (kw.text === 'hardware') {
      const type = this.word("'ethernet'");
      if (type.text !== 'ethernet') throw at(type, `hardware type '${type.text}' is not supported in labs (only ethernet)`);
      const t = this.word('a MAC address');
      // dhcpd accepts one-digit octets (2:0:0:0:0:1); a lab NIC always has 6 octets.
      const parts = t.text.split(':');
      if (parts.length !== 6 || parts.some((x) => !/^[0-9A-Fa-f]{1,2}$/.test(x))) {
        throw at(t, `bad hardware address '${t.text}': expected 6 hex octets separated by ':' like 02:00:00:aa:bb:cc`);
      }
      host.hardwareEthernet = Uint8Array.from(parts, (x) => parseInt(x, 16));
    } else {
      host.fixedAddresses.push(this.ip('fixed address'));
      while (this.peek().kind === ',') {
        this.next();
        host.fixedAddresses.push(this.ip('fixed address'));
      }
    }
    this.semicolon();
  }
}

/** What dhcpd -t refuses beyond syntax: overlapping ranges ("lease … is declared twice!"). */
function check(config: DhcpdConfig, errors: TableError[]): void {
  const all = config.subnets.flatMap((s) => s.ranges).sort((x, y) => x.start - y.start);
  for (let k = 1; k < all.length; k++) {
    const prev = all[k - 1];
    const cur = all[k];
    if (cur.start <= prev.end) {
      const later = prev.line > cur.line || (prev.line === cur.line && prev.col > cur.col) ? prev : cur;
      const first = later === cur ? prev : cur;
      errors.push({ line: later.line, col: later.col, message: `lease ${formatIpv4(Math.max(cur.start, prev.start))} is declared twice! (this range overlaps the one at line ${first.line})` });
    }
  }
}

export function parseDhcpdConf(text: string): DhcpdResult {
  const errors: TableError[] = [];
  const p = new Parser(tokenize(text, errors));
  const config = p.parse();
  errors.push(...p.errors);
  if (errors.length === 0) check(config, errors);
  errors.sort((a, b) => a.line - b.line || a.col - b.col);
  return errors.length ? { ok: false, errors } : { ok: true, value: config };
}

// ---------------------------------------------------------------------------------------------
// Lookups for the DHCP server

/** The subnet an address belongs to (a relay's giaddr or the server's interface address). */
export function subnetFor(config: DhcpdConfig, address: Ipv4Address): DhcpdSubnet | undefined {
  return config.subnets.find((s) => ((address & s.netmask) >>> 0) === s.network);
}

/** The host declaration for a client's MAC address. */
export function hostFor(config: DhcpdConfig, hw: MacAddress): DhcpdHost | undefined {
  return config.hosts.find((h) => h.hardwareEthernet !== undefined && h.hardwareEthernet.every((b, i) => b === hw[i]));
}

/** Options and lease times in force for `subnet` (and `host`): host over subnet over global. */
export function effectiveParameters(config: DhcpdConfig, subnet: DhcpdSubnet, host?: DhcpdHost): { options: DhcpdOptions; defaultLeaseTime: number; maxLeaseTime: number; authoritative: boolean } {
  const options: DhcpdOptions = { ...config.options, ...subnet.options, ...(host?.options ?? {}) };
  if (options.subnetMask === undefined) options.subnetMask = subnet.netmask;
  return {
    options,
    defaultLeaseTime: subnet.defaultLeaseTime ?? config.defaultLeaseTime ?? DHCPD_DEFAULT_LEASE_TIME,
    maxLeaseTime: subnet.maxLeaseTime ?? config.maxLeaseTime ?? DHCPD_MAX_LEASE_TIME,
    authoritative: subnet.authoritative ?? config.authoritative,
  };
}

// ---------------------------------------------------------------------------------------------
// Printer

function formatOptions(o: DhcpdOptions, indent: string): string[] {
  const out: string[] = [];
  const ips = (a: Ipv4Address[]) => a.map(formatIpv4).join(', ');
  if (o.subnetMask !== undefined) out.push(`${indent}option subnet-mask ${formatIpv4(o.subnetMask)};`);
  if (o.broadcast !== undefined) out.push(`${indent}option broadcast-address ${formatIpv4(o.broadcast)};`);
  if (o.routers) out.push(`${indent}option routers ${ips(o.routers)};`);
  if (o.dnsServers) out.push(`${indent}option domain-name-servers ${ips(o.dnsServers)};`);
  if (o.domainName !== undefined) out.push(`${indent}option domain-name ${quote(o.domainName)};`);
  if (o.hostname !== undefined) out.push(`${indent}option host-name ${quote(o.hostname)};`);
  return out;
}

const quote = (s: string) => `"${s.replace(/["\\]/g, (c) => '\\' + c)}"`;

function formatHost(h: DhcpdHost, indent: string): string[] {
  const out = [`${indent}host ${/^[A-Za-z0-9_.-]+$/.test(h.name) ? h.name : quote(h.name)} {`];
  if (h.hardwareEthernet) out.push(`${indent}  hardware ethernet ${formatMac(h.hardwareEthernet)};`);
  if (h.fixedAddresses.length) out.push(`${indent}  fixed-address ${h.fixedAddresses.map(formatIpv4).join(', ')};`);
  out.push(...formatOptions(h.options, indent + '  '), `${indent}}`);
  return out;
}

/** The configuration as a dhcpd.conf that `dhcpd -t` accepts and that parses back to the same value. */
export function formatDhcpdConf(c: DhcpdConfig): string {
  const out: string[] = [];
  if (c.authoritative) out.push('authoritative;');
  if (c.defaultLeaseTime !== undefined) out.push(`default-lease-time ${c.defaultLeaseTime};`);
  if (c.maxLeaseTime !== undefined) out.push(`max-lease-time ${c.maxLeaseTime};`);
  out.push(...formatOptions(c.options, ''));
  for (const s of c.subnets) {
    out.push('', `subnet ${formatIpv4(s.network)} netmask ${formatIpv4(s.netmask)} {`);
    if (s.authoritative !== undefined) out.push(s.authoritative ? '  authoritative;' : '  not authoritative;');
    for (const r of s.ranges) out.push(r.start === r.end ? `  range ${formatIpv4(r.start)};` : `  range ${formatIpv4(r.start)} ${formatIpv4(r.end)};`);
    if (s.defaultLeaseTime !== undefined) out.push(`  default-lease-time ${s.defaultLeaseTime};`);
    if (s.maxLeaseTime !== undefined) out.push(`  max-lease-time ${s.maxLeaseTime};`);
    out.push(...formatOptions(s.options, '  '));
    for (const h of s.hosts) out.push(...formatHost(h, '  '));
    out.push('}');
  }
  const inSubnet = new Set(c.subnets.flatMap((s) => s.hosts));
  for (const h of c.hosts) if (!inSubnet.has(h)) out.push('', ...formatHost(h, ''));
  return out.join('\n') + '\n';
}
