// DHCPv4 / BOOTP messages (RFC 951, 2131, 2132, 3046 relay agent, 3396 long options): bytes <->
// typed records. Options are kept as raw TLVs in wire order (unknown ones too); typed accessors
// decode the common ones. Addresses are ../addr's Ipv4Address (uint32). Parsing never throws.

import type { ParseError, ParseResult } from '../addr/result';
import { readIpv4, writeIpv4, type Ipv4Address } from '../addr/ipv4';

export type DhcpResult<T> = ParseResult<T>;
type Fail = { ok: false; error: ParseError };
const fail = (message: string, offset: number): Fail => ({ ok: false, error: { message, offset } });

/** Byte offsets of the fixed BOOTP header. */
export const BOOTP = {
  OP: 0, HTYPE: 1, HLEN: 2, HOPS: 3, XID: 4, SECS: 8, FLAGS: 10, CIADDR: 12, YIADDR: 16, SIADDR: 20, GIADDR: 24,
  CHADDR: 28, SNAME: 44, FILE: 108, COOKIE: 236, OPTIONS: 240,
} as const;
export const CHADDR_LEN = 16;
export const SNAME_LEN = 64;
export const FILE_LEN = 128;
/** RFC 1542 §3.1.1 minimum BOOTP message; clients pad to it. */
export const BOOTP_MIN_LENGTH = 300;
export const DHCP_MAGIC_COOKIE = 0x63825363;
export const BOOTP_BROADCAST_FLAG = 0x8000;
export const BootpOp = { REQUEST: 1, REPLY: 2 } as const;

export const DhcpOptionCode = {
  PAD: 0, SUBNET_MASK: 1, ROUTER: 3, DNS_SERVERS: 6, HOSTNAME: 12, DOMAIN_NAME: 15, BROADCAST: 28, NTP_SERVERS: 42,
  REQUESTED_IP: 50, LEASE_TIME: 51, OVERLOAD: 52, MESSAGE_TYPE: 53, SERVER_ID: 54, PARAMETER_REQUEST_LIST: 55,
  MESSAGE: 56, MAX_SIZE: 57, RENEWAL_TIME: 58, REBINDING_TIME: 59, VENDOR_CLASS: 60, CLIENT_ID: 61,
  RELAY_AGENT_INFO: 82, END: 255,
} as const;

/** Option names as Wireshark shows them ("Option: (53) DHCP Message Type"). */
export const DHCP_OPTION_NAMES: Readonly<Record<number, string>> = {
  0: 'Padding', 1: 'Subnet Mask', 2: 'Time Offset', 3: 'Router', 4: 'Time Server', 5: 'Name Server',
  6: 'Domain Name Server', 7: 'Log Server', 12: 'Host Name', 15: 'Domain Name', 26: 'Interface MTU',
  28: 'Broadcast Address', 42: 'Network Time Protocol Servers', 43: 'Vendor-Specific Information',
  50: 'Requested IP Address', 51: 'IP Address Lease Time', 52: 'Option Overload', 53: 'DHCP Message Type',
  54: 'DHCP Server Identifier', 55: 'Parameter Request List', 56: 'Message', 57: 'Maximum DHCP Message Size',
  58: 'Renewal Time Value', 59: 'Rebinding Time Value', 60: 'Vendor class identifier', 61: 'Client identifier',
  66: 'TFTP Server Name', 67: 'Bootfile name', 81: 'Client Fully Qualified Domain Name',
  82: 'Agent Information Option', 119: 'Domain Search', 121: 'Classless Static Route', 255: 'End',
};

export const DhcpMessageType = {
  DISCOVER: 1, OFFER: 2, REQUEST: 3, DECLINE: 4, ACK: 5, NAK: 6, RELEASE: 7, INFORM: 8,
} as const;

/** Wireshark's names for option 53 values. */
export const DHCP_MESSAGE_TYPE_NAMES: Readonly<Record<number, string>> = {
  1: 'Discover', 2: 'Offer', 3: 'Request', 4: 'Decline', 5: 'ACK', 6: 'NAK', 7: 'Release', 8: 'Inform',
  9: 'Force Renew', 10: 'Lease query', 11: 'Lease Unassigned', 12: 'Lease Unknown', 13: 'Lease Active',
  14: 'Bulk Lease Query', 15: 'Lease Query Done', 16: 'Active LeaseQuery', 17: 'Lease Query Status', 18: 'TLS',
};

export function dhcpOptionName(code: number): string {
  return DHCP_OPTION_NAMES[code] ?? 'Unknown';
}

export function dhcpMessageTypeName(type: number): string {
  return DHCP_MESSAGE_TYPE_NAMES[type] ?? 'Unknown';
}

export interface DhcpOption {
  code: number;
  data: Uint8Array;
}

export interface DhcpRepr {
  op: number;
  htype: number;
  hlen: number;
  hops: number;
  xid: number;
  secs: number;
  broadcast: boolean;
  /** The 15 reserved flag bits, kept as seen. */
  reservedFlags: number;
  ciaddr: Ipv4Address;
  yiaddr: Ipv4Address;
  siaddr: Ipv4Address;
  giaddr: Ipv4Address;
  /** The first min(hlen,16) bytes of chaddr (the MAC for Ethernet). */
  chaddr: Uint8Array;
  /** Server host name and boot file name (NUL-terminated latin1 text). */
  sname: string;
  file: string;
  /** false for plain BOOTP (no magic cookie, no options). */
  dhcp: boolean;
  /** Options in wire order without pad/end; from sname/file too when option 52 says so. */
  options: DhcpOption[];
}

export interface ParsedDhcp {
  repr: DhcpRepr;
  /** Whether the options ended with End (255); Wireshark flags a missing End. */
  endSeen: boolean;
  /** Option 52 value if present (1 = file, 2 = sname, 3 = both hold options). */
  overload: number;
  /** Offset of each option TLV in `repr.options` (into the message, -1 if it came from sname/file). */
  optionOffsets: number[];
  /** Plain BOOTP only: the bytes after the header (no magic cookie there). */
  vendorArea?: Uint8Array;
}

// ---------------------------------------------------------------------------------------------

const ipv4At = readIpv4;

function cString(b: Uint8Array, start: number, len: number): string {
  let s = '';
  for (let i = start; i < start + len && b[i] !== 0; i++) s += String.fromCharCode(b[i]);
  return s;
}

/** Reads TLVs from [start, end). Returns the position after End, or an error. */
function readOptions(b: Uint8Array, start: number, end: number, out: DhcpOption[], offsets: number[], recordOffsets: boolean):
  { endSeen: boolean } | Fail {
  let o = start;
  while (o < end) {
    const code = b[o];
    if (code === DhcpOptionCode.PAD) { o++; continue; }
    if (code === DhcpOptionCode.END) return { endSeen: true };
    if (o + 1 >= end) return fail(`option ${code} has no length byte`, o);
    const len = b[o + 1];
    if (o + 2 + len > end) return fail(`option ${code} (length ${len}) runs past the end`, o);
    out.push({ code, data: b.slice(o + 2, o + 2 + len) });
    offsets.push(recordOffsets ? o : -1);
    o += 2 + len;
  }
  return { endSeen: false };
}

export function parseDhcp(b: Uint8Array): DhcpResult<ParsedDhcp> {
  if (b.length < BOOTP.COOKIE) return fail(`message of ${b.length} bytes is shorter than the 236-byte BOOTP header`, 0);
  const u16 = (o: number) => (b[o] << 8) | b[o + 1];
  const flags = u16(BOOTP.FLAGS);
  const hlen = b[BOOTP.HLEN];
  const repr: DhcpRepr = {
    op: b[BOOTP.OP], htype: b[BOOTP.HTYPE], hlen, hops: b[BOOTP.HOPS],
    xid: ((b[4] << 24) | (b[5] << 16) | (b[6] << 8) | b[7]) >>> 0,
    secs: u16(BOOTP.SECS), broadcast: (flags & BOOTP_BROADCAST_FLAG) !== 0, reservedFlags: flags & 0x7fff,
    ciaddr: ipv4At(b, BOOTP.CIADDR), yiaddr: ipv4At(b, BOOTP.YIADDR), siaddr: ipv4At(b, BOOTP.SIADDR), giaddr: ipv4At(b, BOOTP.GIADDR),
    chaddr: b.slice(BOOTP.CHADDR, BOOTP.CHADDR + Math.min(hlen, CHADDR_LEN)),
    sname: '', file: '', dhcp: false, options: [],
  };
  const result: ParsedDhcp = { repr, endSeen: false, overload: 0, optionOffsets: [] };
  const cookie = b.length >= BOOTP.OPTIONS ? ((b[236] << 24) | (b[237] << 16) | (b[238] << 8) | b[239]) >>> 0 : 0;
  if (cookie === DHCP_MAGIC_COOKIE) {
    repr.dhcp = true;
    const r = readOptions(b, BOOTP.OPTIONS, b.length, repr.options, result.optionOffsets, true);
    if ('ok' in r) return r;
    result.endSeen = r.endSeen;
    const ov = repr.options.find((o) => o.code === DhcpOptionCode.OVERLOAD);
    if (ov) {
      if (ov.data.length !== 1) return fail('option 52 (overload) must be 1 byte', BOOTP.OPTIONS);
      result.overload = ov.data[0];
    }
  } else if (b.length > BOOTP.COOKIE) {
    // No cookie: plain BOOTP, whose 64-byte vendor area is opaque (RFC 951).
    result.vendorArea = b.slice(BOOTP.COOKIE);
  }
  // RFC 2131 §4.1: with overload, file is read before sname.
  if (result.overload & 1) {
    const r = readOptions(b, BOOTP.FILE, BOOTP.FILE + FILE_LEN, repr.options, result.optionOffsets, false);
    if ('ok' in r) return r;
  } else repr.file = cString(b, BOOTP.FILE, FILE_LEN);
  if (result.overload & 2) {
    const r = readOptions(b, BOOTP.SNAME, BOOTP.SNAME + SNAME_LEN, repr.options, result.optionOffsets, false);
    if ('ok' in r) return r;
  } else repr.sname = cString(b, BOOTP.SNAME, SNAME_LEN);
  return { ok: true, value: result };
}

export class DhcpEmitError extends Error {}

export interface DhcpEmitOptions {
  /** Pad with zeros after End up to this length (default 300, the BOOTP minimum). */
  minLength?: number;
}

/** Emits a message; options longer than 255 bytes are split (RFC 3396). */
export function emitDhcp(repr: DhcpRepr, opts: DhcpEmitOptions = {}): Uint8Array {
  let optLen = 0;
  if (repr.dhcp) {
    for (const o of repr.options) optLen += 2 * Math.max(1, Math.ceil(o.data.length / 255)) + o.data.length;
    optLen += 1; // End
  }
  const bodyLen = (repr.dhcp ? BOOTP.OPTIONS : BOOTP.COOKIE) + optLen;
  const b = new Uint8Array(Math.max(bodyLen, opts.minLength ?? BOOTP_MIN_LENGTH));
  b[0] = repr.op; b[1] = repr.htype; b[2] = repr.hlen; b[3] = repr.hops;
  b[4] = repr.xid >>> 24; b[5] = repr.xid >>> 16; b[6] = repr.xid >>> 8; b[7] = repr.xid;
  b[8] = repr.secs >> 8; b[9] = repr.secs;
  const flags = (repr.broadcast ? BOOTP_BROADCAST_FLAG : 0) | (repr.reservedFlags & 0x7fff);
  b[10] = flags >> 8; b[11] = flags;
  writeIpv4(b, BOOTP.CIADDR, repr.ciaddr); writeIpv4(b, BOOTP.YIADDR, repr.yiaddr);
  writeIpv4(b, BOOTP.SIADDR, repr.siaddr); writeIpv4(b, BOOTP.GIADDR, repr.giaddr);
  if (repr.chaddr.length > CHADDR_LEN) throw new DhcpEmitError('chaddr longer than 16 bytes');
  b.set(repr.chaddr, BOOTP.CHADDR);
  const text = (o: number, s: string, max: number, what: string) => {
    if (s.length >= max) throw new DhcpEmitError(`${what} longer than ${max - 1} characters`);
    for (let i = 0; i < s.length; i++) b[o + i] = s.charCodeAt(i);
  };
  text(BOOTP.SNAME, repr.sname, SNAME_LEN, 'sname');
  text(BOOTP.FILE, repr.file, FILE_LEN, 'file');
  if (repr.dhcp) {
    b[236] = 0x63; b[237] = 0x82; b[238] = 0x53; b[239] = 0x63;
    let o: number = BOOTP.OPTIONS;
    for (const opt of repr.options) {
      let at = 0;
      do {
        const n = Math.min(255, opt.data.length - at);
        b[o] = opt.code; b[o + 1] = n;
        b.set(opt.data.subarray(at, at + n), o + 2);
        o += 2 + n;
        at += n;
      } while (at < opt.data.length);
    }
    b[o] = DhcpOptionCode.END;
  }
  return b;
}

// ---------------------------------------------------------------------------------------------
// Typed option values

export interface RelaySubOption {
  code: number;
  data: Uint8Array;
}

export interface DhcpOptionValues {
  messageType?: number;
  subnetMask?: Ipv4Address;
  routers?: Ipv4Address[];
  dnsServers?: Ipv4Address[];
  hostname?: string;
  domainName?: string;
  broadcast?: Ipv4Address;
  requestedIp?: Ipv4Address;
  leaseTime?: number;
  overload?: number;
  serverId?: Ipv4Address;
  parameterRequestList?: number[];
  message?: string;
  maxSize?: number;
  renewalTime?: number;
  rebindingTime?: number;
  vendorClass?: string;
  /** Option 61: hardware type byte (1 = Ethernet, 255 = RFC 4361 IAID+DUID) and the rest. */
  clientId?: { type: number; id: Uint8Array };
  relayAgentInfo?: RelaySubOption[];
}

/** All data of one option code, concatenated across instances (RFC 3396); undefined if absent. */
export function getDhcpOption(options: readonly DhcpOption[], code: number): Uint8Array | undefined {
  let found: Uint8Array | undefined;
  for (const o of options) {
    if (o.code !== code) continue;
    if (!found) found = o.data;
    else {
      const joined = new Uint8Array(found.length + o.data.length);
      joined.set(found);
      joined.set(o.data, found.length);
      found = joined;
    }
  }
  return found;
}

const latin1 = (d: Uint8Array) => { let s = ''; for (let i = 0; i < d.length; i++) s += String.fromCharCode(d[i]); return s; };
const u32 = (d: Uint8Array) => ((d[0] << 24) | (d[1] << 16) | (d[2] << 8) | d[3]) >>> 0;

/** Decodes the common options; a known option with a wrong length is an error naming it. */
export function decodeDhcpOptions(options: readonly DhcpOption[]): DhcpResult<DhcpOptionValues> {
  const v: DhcpOptionValues = {};
  const C = DhcpOptionCode;
  const seen = new Set<number>();
  for (let i = 0; i < options.length; i++) {
    const code = options[i].code;
    if (seen.has(code)) continue;
    seen.add(code);
    const d = getDhcpOption(options, code)!;
    const need = (ok: boolean, what: string): string | null => (ok ? null : `option ${code} (${dhcpOptionName(code)}) ${what}, got ${d.length} bytes`);
    let err: string | null = null;
    switch (code) {
      case C.MESSAGE_TYPE: err = need(d.length === 1, 'must be 1 byte'); v.messageType = d[0]; break;
      case C.OVERLOAD: err = need(d.length === 1, 'must be 1 byte'); v.overload = d[0]; break;
      case C.SUBNET_MASK: err = need(d.length === 4, 'must be 4 bytes'); v.subnetMask = ipv4At(d, 0); break;
      case C.BROADCAST: err = need(d.length === 4, 'must be 4 bytes'); v.broadcast = ipv4At(d, 0); break;
      case C.REQUESTED_IP: err = need(d.length === 4, 'must be 4 bytes'); v.requestedIp = ipv4At(d, 0); break;
      case C.SERVER_ID: err = need(d.length === 4, 'must be 4 bytes'); v.serverId = ipv4At(d, 0); break;
      case C.ROUTER: case C.DNS_SERVERS: {
        err = need(d.length > 0 && d.length % 4 === 0, 'must be a non-empty multiple of 4 bytes');
        const list: Ipv4Address[] = [];
        for (let o = 0; o + 4 <= d.length; o += 4) list.push(ipv4At(d, o));
        if (code === C.ROUTER) v.routers = list; else v.dnsServers = list;
        break;
      }
      case C.LEASE_TIME: err = need(d.length === 4, 'must be 4 bytes'); v.leaseTime = u32(d); break;
      case C.RENEWAL_TIME: err = need(d.length === 4, 'must be 4 bytes'); v.renewalTime = u32(d); break;
      case C.REBINDING_TIME: err = need(d.length === 4, 'must be 4 bytes'); v.rebindingTime = u32(d); break;
      case C.MAX_SIZE: err = need(d.length === 2, 'must be 2 bytes'); v.maxSize = (d[0] << 8) | d[1]; break;
      case C.HOSTNAME: v.hostname = latin1(d); break;
      case C.DOMAIN_NAME: v.domainName = latin1(d); break;
      case C.MESSAGE: v.message = latin1(d); break;
      case C.VENDOR_CLASS: v.vendorClass = latin1(d); break;
      case C.PARAMETER_REQUEST_LIST: v.parameterRequestList = Array.from(d); break;
      case C.CLIENT_ID: err = need(d.length >= 2, 'must be at least 2 bytes'); v.clientId = { type: d[0], id: d.slice(1) }; break;
      case C.RELAY_AGENT_INFO: {
        const subs: RelaySubOption[] = [];
        let o = 0;
        while (o < d.length) {
          if (o + 2 > d.length || o + 2 + d[o + 1] > d.length) { err = `option 82 sub-option at ${o} runs past the option`; break; }
          subs.push({ code: d[o], data: d.slice(o + 2, o + 2 + d[o + 1]) });
          o += 2 + d[o + 1];
        }
        v.relayAgentInfo = subs;
        break;
      }
    }
    if (err) return fail(err, i);
  }
  return { ok: true, value: v };
}

/** Order in which encodeDhcpOptions writes options (message type first, as dnsmasq and dhclient do). */
const ENCODE_ORDER: (keyof DhcpOptionValues)[] = [
  'messageType', 'serverId', 'requestedIp', 'leaseTime', 'renewalTime', 'rebindingTime', 'overload', 'subnetMask',
  'broadcast', 'routers', 'dnsServers', 'domainName', 'hostname', 'message', 'maxSize', 'vendorClass', 'clientId',
  'parameterRequestList', 'relayAgentInfo',
];

const KEY_CODES: Record<keyof DhcpOptionValues, number> = {
  messageType: 53, subnetMask: 1, routers: 3, dnsServers: 6, hostname: 12, domainName: 15, broadcast: 28, requestedIp: 50,
  leaseTime: 51, overload: 52, serverId: 54, parameterRequestList: 55, message: 56, maxSize: 57, renewalTime: 58,
  rebindingTime: 59, vendorClass: 60, clientId: 61, relayAgentInfo: 82,
};

/** Typed values -> option TLVs. `order` overrides the default order (keys not listed follow). */
export function encodeDhcpOptions(v: DhcpOptionValues, order: (keyof DhcpOptionValues)[] = ENCODE_ORDER): DhcpOption[] {
  const out: DhcpOption[] = [];
  const keys = [...order, ...ENCODE_ORDER.filter((k) => !order.includes(k))];
  const ip = (a: Ipv4Address) => Uint8Array.of(a >>> 24, a >>> 16, a >>> 8, a);
  const be32 = (n: number) => Uint8Array.of(n >>> 24, n >>> 16, n >>> 8, n);
  const text = (s: string) => Uint8Array.from(s, (c) => c.charCodeAt(0) & 0xff);
  for (const k of keys) {
    const val = v[k];
    if (val === undefined) continue;
    let data: Uint8Array;
    switch (k) {
      case 'messageType': case 'overload': data = Uint8Array.of(val as number); break;
      case 'subnetMask': case 'broadcast': case 'requestedIp': case 'serverId': data = ip(val as Ipv4Address); break;
      case 'routers': case 'dnsServers': {
        const list = val as Ipv4Address[];
        data = new Uint8Array(list.length * 4);
        list.forEach((a, i) => data.set(ip(a), i * 4));
        break;
      }
      case 'leaseTime': case 'renewalTime': case 'rebindingTime': data = be32(val as number); break;
      case 'maxSize': data = Uint8Array.of((val as number) >> 8, val as number); break;
      case 'hostname': case 'domainName': case 'message': case 'vendorClass': data = text(val as string); break;
      case 'parameterRequestList': data = Uint8Array.from(val as number[]); break;
      case 'clientId': {
        const c = val as { type: number; id: Uint8Array };
        data = new Uint8Array(1 + c.id.length);
        data[0] = c.type;
        data.set(c.id, 1);
        break;
      }
      case 'relayAgentInfo': {
        const subs = val as RelaySubOption[];
        data = new Uint8Array(subs.reduce((n, s) => n + 2 + s.data.length, 0));
        let o = 0;
        for (const s of subs) { data[o] = s.code; data[o + 1] = s.data.length; data.set(s.data, o + 2); o += 2 + s.data.length; }
        break;
      }
      default: continue;
    }
    out.push({ code: KEY_CODES[k], data });
  }
  return out;
}

/** The DHCP message type (option 53) or undefined for BOOTP / a missing or bad option. */
export function dhcpMessageTypeOf(repr: DhcpRepr): number | undefined {
  const d = getDhcpOption(repr.options, DhcpOptionCode.MESSAGE_TYPE);
  return d && d.length === 1 ? d[0] : undefined;
}

/** MAC text (aa:bb:…) of chaddr for display. */
export function chaddrText(repr: DhcpRepr): string {
  return Array.from(repr.chaddr, (x) => x.toString(16).padStart(2, '0')).join(':');
}
