// Summary lines (`tshark -r`) without trees or field values: Ethernet → IPv4 → UDP/DNS or TCP
// (with whatever runs above TCP) written straight into output bytes. Frames it does not know
// (other link types, ARP, IPv6, ICMP, fragments, snaplen cuts, malformed headers, DHCP…) are left
// to the full dissector — before any state is touched, so the session stays the same either way.
// `fast-columns.test.ts` checks frame by frame that both give the same line.
import type { DissectSession } from './session';
import type { Packet } from './packet';
import { TextWriter, decimalDigits, encodeAscii, ipv4TextLength } from './text-writer';
import { tcpColumnsFast, type FramePacketSource } from './proto/tcp';
import { dnsColumnsFast, dnsTracking } from './proto/dns';
import { u16, u32 } from './bytes';
import { parse as parseFilter, type FilterNode, type LookupField, type Operand } from '../filter';
import type { FieldValue } from './types';

export class FastColumns implements FramePacketSource {
  frameStart = 0;
  private b: Uint8Array = new Uint8Array(0);
  private capLen = 0;
  private number = 0;
  tsSec = 0;
  tsNs = 0;
  /** What the last frame written held, for presence-only filters (see `has`). */
  private transport = 0;
  private dns = false;
  private data = false;
  private usedPacket = false;
  private readonly enabled: boolean;
  private readonly dnsFast: boolean;
  /** A filter needs one of `required`, none of which a TCP segment can hold (except DNS on its ports). */
  private readonly tcpSkippable: boolean;
  private readonly tcpDnsMatters: boolean;
  /** 1 for the TCP ports whose table entry is DNS (the session's tables do not change). */
  private readonly tcpDnsPorts = new Uint8Array(65536);
  /** Set by line(): the frame cannot match the filter and was passed over (nothing written). */
  skipped = false;

  constructor(
    private readonly s: DissectSession,
    /** The Packet the full dissector uses (columns on); the fast path runs protocols above TCP in it. */
    private readonly p: Packet,
    private readonly w: TextWriter,
    /**
     * With a presence-only filter: protocols of which a matching frame holds at least one (null:
     * no such knowledge). TCP segments that cannot hold any are skipped without their bookkeeping:
     * it only ever shows in the columns of its own conversation, which no printed frame is part of.
     */
    required: ReadonlySet<string> | null = null,
  ) {
    // Checksum verification shows in columns only through the full dissector.
    this.enabled = p.columns && !p.tree && !s.checkChecksums;
    this.dnsFast = !dnsTracking(p);
    this.tcpSkippable = required !== null && required.size > 0 && [...required].every((name) => NOT_IN_TCP.has(name));
    this.tcpDnsMatters = required !== null && required.has('dns');
    for (const [port, proto] of s.tcpPort) if (proto.name === 'dns') this.tcpDnsPorts[port] = 1;
  }

  framePacket(): Packet {
    const p = this.p;
    p.reset(this.b.subarray(this.frameStart, this.frameStart + this.capLen), this.number, this.capLen);
    p.absSec = this.tsSec;
    p.absNs = this.tsNs;
    let rs = this.tsSec - this.s.firstSec;
    let rn = this.tsNs - this.s.firstNs;
    if (rn < 0) {
      rn += 1e9;
      rs -= 1;
    }
    p.relSec = rs;
    p.relNs = rn;
    this.usedPacket = true;
    return p;
  }

  /**
   * Writes the summary line of the frame at b[start, start + capLen) and returns true, or returns
   * false having written and changed nothing: then the full dissector must handle the frame.
   */
  line(b: Uint8Array, start: number, capLen: number, origLen: number, number: number, tsSec: number, tsNs: number, linkType: number, timeDigits: number): boolean {
    if (!this.enabled || linkType !== 1 || capLen !== origLen || capLen < 34) return false;
    if (b[start + 12] !== 8 || b[start + 13] !== 0) return false; // IPv4 only
    const ip = start + 14;
    const frameEnd = start + capLen;
    const vhl = b[ip];
    const hl = (vhl & 15) * 4;
    if (vhl >> 4 !== 4 || hl < 20 || ip + hl > frameEnd) return false;
    const totalLen = u16(b, ip + 2);
    if (totalLen < hl || (u16(b, ip + 6) & 0x3fff) !== 0) return false; // fragments: full path
    const proto = b[ip + 9];
    if (proto !== 6 && proto !== 17) return false;
    const l4 = ip + hl;
    const ipEnd = ip + totalLen < frameEnd ? ip + totalLen : frameEnd;
    let udpLen = 0;
    if (proto === 17) {
      if (ipEnd - l4 < 8) return false;
      udpLen = u16(b, l4 + 4);
      if (udpLen < 8 || l4 + udpLen > ipEnd) return false; // bad length: full path (expert)
    }
    const s = this.s;
    if (s.firstSec < 0) {
      s.firstSec = tsSec;
      s.firstNs = tsNs;
    }
    if (tsSec < s.firstSec || (tsSec === s.firstSec && tsNs < s.firstNs)) return false; // negative times: full path
    if (proto === 6 && this.tcpSkippable && ipEnd - l4 >= 4 && !(this.tcpDnsMatters && this.dnsPort(b, l4))) {
      this.skipped = true;
      return true;
    }
    this.skipped = false;
    this.b = b;
    this.frameStart = start;
    this.capLen = capLen;
    this.number = number;
    this.tsSec = tsSec;
    this.tsNs = tsNs;
    this.transport = proto;
    this.dns = false;
    this.data = false;
    this.usedPacket = false;
    const src = u32(b, ip + 12);
    const dst = u32(b, ip + 16);
    const net = s.net;
    net.reset();
    net.ipVersion = 4;
    net.ipDepth = 1;
    net.src4 = src;
    net.dst4 = dst;
    net.ipTtl = b[ip + 8];
    net.l3End = ip + totalLen < frameEnd ? ip + totalLen - start : 0;

    const w = this.w;
    w.begin();
    // `    1 0.000000000    127.0.0.1 → 127.0.0.1    ` (tshark's column widths)
    const numLen = decimalDigits(number);
    if (numLen < 5) w.spaces(5 - numLen);
    w.uint(number);
    w.byte(32);
    writeRelTime(w, tsSec - s.firstSec, tsNs - s.firstNs, timeDigits);
    w.byte(32);
    const srcLen = ipv4TextLength(src);
    if (srcLen < 12) w.spaces(12 - srcLen);
    w.ipv4(src);
    w.arrow();
    w.ipv4(dst);
    const dstLen = ipv4TextLength(dst);
    if (dstLen < 12) w.spaces(12 - dstLen);
    w.byte(32);

    let ok: boolean;
    if (proto === 6) ok = tcpColumnsFast(s, this, w, b, l4, ipEnd, origLen, number, tsSec + tsNs / 1e9);
    else ok = this.udp(b, l4, l4 + udpLen, origLen);
    if (!ok) {
      w.rollback();
      return false;
    }
    w.byte(10);
    return true;
  }

  /** Does TCP carry DNS on one of these ports (port 53 or Decode As)? TCP has no DNS heuristic. */
  private dnsPort(b: Uint8Array, l4: number): boolean {
    return this.tcpDnsPorts[u16(b, l4)] === 1 || this.tcpDnsPorts[u16(b, l4 + 2)] === 1;
  }

  private udp(b: Uint8Array, off: number, end: number, frameLen: number): boolean {
    const s = this.s;
    const sport = u16(b, off);
    const dport = u16(b, off + 2);
    const start = off + 8;
    if (start < end) {
      const low = sport < dport ? sport : dport;
      const high = sport < dport ? dport : sport;
      let app = low ? s.udpPort.get(low) : undefined;
      if (!app && high) app = s.udpPort.get(high);
      if (!app) {
        for (const h of s.udpHeuristics) {
          if (h.heuristic && h.heuristic(b, start, end)) {
            app = h;
            break;
          }
        }
      }
      if (app) {
        if (app.name !== 'dns' || !this.dnsFast) return false;
        const w = this.w;
        const at = w.pos;
        if (dnsColumnsFast(w, b, start, end, frameLen)) {
          this.dns = true;
          return true;
        }
        w.pos = at;
        return false;
      }
      this.data = true;
    }
    const w = this.w;
    w.ascii(UDP_);
    w.uint(frameLen);
    w.byte(32);
    w.uint(sport);
    w.arrow();
    w.uint(dport);
    w.ascii(LEN_EQ);
    w.uint(end - start);
    return true;
  }

  /**
   * Values of field `name` in the last frame written, as the full dissector records them, for
   * the filters `presenceOnly` accepts: header fields (one value each, two for the either-side
   * ones) and protocol presence.
   */
  values(name: string): readonly FieldValue[] {
    const b = this.b;
    const f = this.frameStart;
    const ip = f + 14;
    const l4 = ip + (b[ip] & 15) * 4;
    const tcp = this.transport === 6;
    const udp = this.transport === 17;
    switch (name) {
      case 'frame.number':
        return [this.number];
      case 'frame.len':
      case 'frame.cap_len':
        return [this.capLen];
      case 'eth.dst':
        return [b.slice(f, f + 6)];
      case 'eth.src':
        return [b.slice(f + 6, f + 12)];
      case 'eth.addr':
        return [b.slice(f, f + 6), b.slice(f + 6, f + 12)];
      case 'eth.type':
        return [u16(b, f + 12)];
      case 'ip.version':
        return [b[ip] >> 4];
      case 'ip.hdr_len':
        return [(b[ip] & 15) * 4];
      case 'ip.len':
        return [u16(b, ip + 2)];
      case 'ip.id':
        return [u16(b, ip + 4)];
      case 'ip.ttl':
        return [b[ip + 8]];
      case 'ip.proto':
        return [b[ip + 9]];
      case 'ip.src':
        return [u32(b, ip + 12)];
      case 'ip.dst':
        return [u32(b, ip + 16)];
      case 'ip.addr':
        return [u32(b, ip + 12), u32(b, ip + 16)];
      case 'tcp.srcport':
        return tcp ? [u16(b, l4)] : NONE;
      case 'tcp.dstport':
        return tcp ? [u16(b, l4 + 2)] : NONE;
      case 'tcp.port':
        return tcp ? [u16(b, l4), u16(b, l4 + 2)] : NONE;
      case 'udp.srcport':
        return udp ? [u16(b, l4)] : NONE;
      case 'udp.dstport':
        return udp ? [u16(b, l4 + 2)] : NONE;
      case 'udp.port':
        return udp ? [u16(b, l4), u16(b, l4 + 2)] : NONE;
      case 'udp.length':
        return udp ? [u16(b, l4 + 4)] : NONE;
    }
    return this.has(name) ? PRESENT : NONE;
  }

  /**
   * Whether the last frame written holds protocol `name` (a layer of frame.protocols), for
   * filters that test only protocol presence.
   */
  has(name: string): boolean {
    switch (name) {
      case 'frame':
      case 'eth':
      case 'ip':
        return true;
      case 'udp':
        return this.transport === 17;
      case 'tcp':
        return this.transport === 6;
      case 'dns':
        if (this.dns) return true;
        break;
      case 'data':
        if (this.data) return true;
        break;
    }
    return this.usedPacket && this.p.layers.includes(name);
  }
}

/** Protocols never found in a TCP segment over IPv4 (DNS only on its ports: see dnsPort). */
const NOT_IN_TCP = new Set(['udp', 'dhcp', 'icmp', 'icmpv6', 'arp', 'ipv6', 'dns']);

/**
 * Does the filter only test whether protocols are present (`dns`, `tcp && !http`)? Then also the
 * protocols of which a matching frame must hold one (null when it cannot be told, e.g. `!dns`).
 */
export function presenceOnly(text: string, lookupField: LookupField): { required: Set<string> | null } | null {
  const parsed = parseFilter(text);
  if (!parsed.ok || !parsed.tree) return null;
  let ok = true;
  /** A field the fast path has values for, or a literal (anything that is not another field). */
  const operandOk = (op: Operand): boolean => {
    if (op.slice) return false;
    if (op.kind === 'string') return true;
    return HEADER_FIELDS.has(op.text) || lookupField(op.text) === undefined;
  };
  const required = (n: FilterNode): Set<string> | null => {
    if (n.kind === 'and' || n.kind === 'or') {
      const a = required(n.left);
      const b = required(n.right);
      if (n.kind === 'and') return a ?? b;
      return a && b ? new Set([...a, ...b]) : null;
    }
    if (n.kind === 'not') {
      required(n.operand);
      return null;
    }
    if (n.kind === 'relation') {
      if (n.left.kind !== 'word' || !HEADER_FIELDS.has(n.left.text) || !operandOk(n.left) || !operandOk(n.right)) ok = false;
      return null;
    }
    if (n.kind === 'in') {
      if (n.left.kind !== 'word' || !HEADER_FIELDS.has(n.left.text) || !operandOk(n.left)) ok = false;
      for (const e of n.elements) if (!operandOk(e.low) || (e.high && !operandOk(e.high))) ok = false;
      return null;
    }
    if (n.kind !== 'exists' || n.operand.kind !== 'word' || n.operand.slice) {
      ok = false;
      return null;
    }
    if (HEADER_FIELDS.has(n.operand.text)) return null;
    const info = lookupField(n.operand.text);
    // layers of frame.protocols only (not ip.options-like groups nor _ws.* pseudo-protocols)
    if (!info || info.type !== 'protocol' || !/^[a-z0-9-]+$/.test(info.name)) ok = false;
    return info ? new Set([info.name]) : null;
  };
  const r = required(parsed.tree);
  return ok ? { required: r } : null;
}

/** Header fields whose values the fast path gives filters (see FastColumns.values). */
const HEADER_FIELDS = new Set([
  'frame.number', 'frame.len', 'frame.cap_len', 'eth.src', 'eth.dst', 'eth.addr', 'eth.type',
  'ip.version', 'ip.hdr_len', 'ip.len', 'ip.id', 'ip.ttl', 'ip.proto', 'ip.src', 'ip.dst', 'ip.addr',
  'tcp.srcport', 'tcp.dstport', 'tcp.port', 'udp.srcport', 'udp.dstport', 'udp.port', 'udp.length',
]);

const UDP_ = encodeAscii('UDP ');
const LEN_EQ = encodeAscii(' Len=');

const PRESENT: readonly FieldValue[] = [true];
const NONE: readonly FieldValue[] = [];

function writeRelTime(w: TextWriter, sec: number, ns: number, digits: number): void {
  if (ns < 0) {
    ns += 1e9;
    sec -= 1;
  }
  const secLen = decimalDigits(sec);
  const len = digits <= 0 ? secLen : secLen + 1 + digits;
  if (len < 10) w.spaces(10 - len);
  w.uint(sec);
  if (digits > 0) {
    w.byte(46);
    w.uintPadded(digits >= 9 ? ns : Math.floor(ns / DIVISORS[digits]), digits);
  }
}

/** 10^(9 - digits): nanoseconds to the file's precision. */
const DIVISORS = [1e9, 1e8, 1e7, 1e6, 1e5, 1e4, 1e3, 1e2, 10, 1];
