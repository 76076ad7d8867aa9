// Summary lines (`tshark -r`) without trees or field values: Ethernet → IPv4 → UDP/DNS or TCP
// (with whatever runs above TCP) written straight into output bytes. Frames it does not know
// (other link types, ARP, IPv6, ICMP, fragments, snaplen cuts, malformed headers, DHCP…) are left
// to the full dissector — before any state is touched, so the session stays the same either way.
// `fast-columns.test.ts` checks frame by frame that both give the same line.
import type { DatagramProtocol, DissectSession } from './session';
import type { Packet } from './packet';
import { TextWriter, decimalDigits, encodeAscii, ipv4TextLength, putArrow, putFraction, putIpv4, putUint, putWords } from './text-writer';
import { tcpColumnsFast, tcpFastState, type FramePacketSource, type TcpFastState } from './proto/tcp';
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
  /** The session's TCP state, fetched on the first segment. */
  private tcp: TcpFastState | null = null;
  /** The UDP port table as an array: index + 1 into udpApps by port, 0 for none. */
  private readonly udpAppOf = new Uint8Array(65536);
  private readonly udpApps: DatagramProtocol[] = [];
  /** Fewer than 255 protocols in the table, so udpAppOf holds it all. */
  private readonly udpPortsComplete: boolean;
  /** 1 for the TCP ports whose table entry is DNS (the session's tables do not change). */
  private readonly tcpDnsPorts = new Uint8Array(65536);
  /** The last frame number's text, right-aligned before NUM_END, spaces before it, a space after. */
  private readonly numText = new Uint8Array(NUM_END + 8).fill(32);
  private readonly numView = new DataView(this.numText.buffer);
  private numLen = 0;
  private numLast = 0;
  /** Address pair texts (see `addresses`): two slots of PAIR_BYTES. */
  private readonly pairText = new Uint8Array(2 * PAIR_BYTES);
  private readonly pairView = new DataView(this.pairText.buffer);
  private readonly pairLen = new Int32Array(2);
  // (both slots hold a real pair's text from the start: any int32 is an address)
  private pairSrc0 = 0;
  private pairDst0 = 0;
  private pairSrc1 = 0;
  private pairDst1 = 0;
  private pairNext = 0;
  /**
   * Lines are printed far apart (a filter picks frames): the number and address texts of the last
   * line are not kept (see numberColumn, addresses), whose upkeep would then cost more than it saves.
   */
  private readonly sparse: boolean;
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
    this.pairFill(0, 0, 0);
    this.pairFill(1, 0, 0);
    this.dnsFast = !dnsTracking(p);
    this.tcpSkippable = required !== null && required.size > 0 && [...required].every((name) => NOT_IN_TCP.has(name));
    this.sparse = required !== null;
    this.tcpDnsMatters = required !== null && required.has('dns');
    for (const [port, proto] of s.tcpPort) if (proto.name === 'dns') this.tcpDnsPorts[port] = 1;
    for (const [port, proto] of s.udpPort) {
      let i = this.udpApps.indexOf(proto);
      if (i < 0) i = this.udpApps.push(proto) - 1;
      if (i < 255) this.udpAppOf[port] = i + 1;
    }
    this.udpPortsComplete = this.udpApps.length < 255;
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
    // (one function with the checks above: split in two, V8 inlined the checks into the CLI's
    // frame loop and compiled more, which cost `-Y dns` ~10 ms)
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
    // int32: a uint32 above 2^31 passed to a call would be boxed
    const src = (b[ip + 12] << 24) | (b[ip + 13] << 16) | (b[ip + 14] << 8) | b[ip + 15];
    const dst = (b[ip + 16] << 24) | (b[ip + 17] << 16) | (b[ip + 18] << 8) | b[ip + 19];
    const net = s.net;
    net.reset();
    net.ipVersion = 4;
    net.ipDepth = 1;
    net.src4 = src >>> 0;
    net.dst4 = dst >>> 0;
    net.ipTtl = b[ip + 8];
    net.l3End = ip + totalLen < frameEnd ? ip + totalLen - start : 0;

    const w = this.w;
    w.begin();
    // `    1 0.000000000    127.0.0.1 → 127.0.0.1    ` (tshark's column widths): a bounded run of
    // bytes, written unchecked (LINE_ROOM after begin()).
    const o = w.buf;
    let p = w.pos;
    if (this.sparse) {
      // lines far apart (a filter): nothing to reuse from the last one
      const numLen = decimalDigits(number);
      for (let i = numLen; i < 5; i++) o[p++] = 32;
      p = putUint(o, p, number);
      o[p++] = 32;
    } else p = this.numberColumn(w, p, number);
    p = this.relTime(o, p, tsSec - s.firstSec, tsNs - s.firstNs, timeDigits);
    o[p++] = 32;
    if (this.sparse) {
      const srcLen = ipv4TextLength(src);
      for (let i = srcLen; i < 12; i++) o[p++] = 32;
      p = putIpv4(o, p, src);
      p = putArrow(o, p);
      p = putIpv4(o, p, dst);
      const dstLen = ipv4TextLength(dst);
      for (let i = dstLen; i < 12; i++) o[p++] = 32;
      o[p++] = 32;
      w.pos = p;
    } else w.pos = this.addresses(w, p, src, dst);

    let ok: boolean;
    if (proto === 6) ok = tcpColumnsFast(s, (this.tcp ??= tcpFastState(s)), this, w, b, l4, ipEnd, origLen, number, tsSec, tsNs);
    else ok = this.udp(b, l4, l4 + udpLen, origLen);
    if (!ok) {
      w.rollback();
      return false;
    }
    w.byte(10);
    return true;
  }

  /**
   * The frame number right-aligned in 5 and a space, at w.buf[p]; returns the end. The text is
   * kept and counted up in place from one frame to the next.
   */
  private numberColumn(w: TextWriter, p: number, number: number): number {
    const t = this.numText;
    if (number === this.numLast + 1) {
      let i = NUM_END - 1;
      while (t[i] === 57) t[i--] = 48;
      if (t[i] === 32) {
        t[i] = 49;
        this.numLen++;
      } else t[i]++;
    } else {
      const len = decimalDigits(number);
      for (let i = NUM_END - len - 1; i >= 0 && t[i] !== 32; i--) t[i] = 32; // a longer number before
      putUint(t, NUM_END - len, number);
      this.numLen = len;
    }
    this.numLast = number;
    const width = this.numLen < 5 ? 5 : this.numLen;
    return putWords(w.view, p, this.numView, NUM_END - width, width + 1);
  }

  /**
   * `   src → dst   ` (Source right-aligned, Destination left-aligned in 12, a space after) at
   * w.buf[p]; returns the end. The text of the last two address pairs is kept (a conversation's
   * segments come in runs, both ways) and copied four bytes at a time. Addresses come as int32
   * (a uint32 above 2^31 passed to a call would be boxed).
   */
  private addresses(w: TextWriter, p: number, src: number, dst: number): number {
    let slot: number;
    if (src === this.pairSrc0 && dst === this.pairDst0) slot = 0;
    else if (src === this.pairSrc1 && dst === this.pairDst1) slot = 1;
    else slot = this.pairFill(this.pairNext, src, dst);
    return putWords(w.view, p, this.pairView, slot * PAIR_BYTES, this.pairLen[slot]);
  }

  /** Writes the text of the pair into cache slot `slot` (the other one is replaced next). */
  private pairFill(slot: number, src: number, dst: number): number {
    this.pairNext = slot ^ 1;
    const t = this.pairText;
    let q = slot * PAIR_BYTES;
    const srcLen = ipv4TextLength(src);
    for (let i = srcLen; i < 12; i++) t[q++] = 32;
    q = putIpv4(t, q, src);
    q = putArrow(t, q);
    q = putIpv4(t, q, dst);
    const dstLen = ipv4TextLength(dst);
    for (let i = dstLen; i < 12; i++) t[q++] = 32;
    t[q++] = 32;
    this.pairLen[slot] = q - slot * PAIR_BYTES;
    if (slot === 0) {
      this.pairSrc0 = src;
      this.pairDst0 = dst;
    } else {
      this.pairSrc1 = src;
      this.pairDst1 = dst;
    }
    return slot;
  }

  /**
   * The time column (seconds since the first frame, `digits` fraction digits, right-aligned in
   * 10) at o[p]; returns the end.
   */
  private relTime(o: Uint8Array, p: number, sec: number, ns: number, digits: number): number {
    // a negative ns borrows a second, without a branch (one taken first late in the run sent
    // the optimized code back for recompilation)
    const borrow = ns >> 31;
    ns += borrow & 1000000000;
    sec += borrow;
    const secLen = decimalDigits(sec);
    const len = digits <= 0 ? secLen : secLen + 1 + digits;
    for (let i = len; i < 10; i++) o[p++] = 32;
    p = putUint(o, p, sec);
    if (digits <= 0) return p;
    o[p++] = 46;
    return putFraction(o, p, digits >= 9 ? ns : Math.floor(ns / DIVISORS[digits]), digits);
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
      let app: DatagramProtocol | undefined;
      if (this.udpPortsComplete) {
        // the port table as an array (a Map lookup per datagram costs more)
        const i = low ? this.udpAppOf[low] : 0;
        const j = i === 0 && high ? this.udpAppOf[high] : 0;
        app = i ? this.udpApps[i - 1] : j ? this.udpApps[j - 1] : undefined;
      } else {
        app = low ? s.udpPort.get(low) : undefined;
        if (!app && high) app = s.udpPort.get(high);
      }
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

/** End of the frame number's digits in FastColumns.numText (numbers below 2^53 have ≤ 16). */
const NUM_END = 20;

/** Room for one address pair's text: 15 + 5 + 15 + 1 bytes, rounded up to whole words. */
const PAIR_BYTES = 40;

const UDP_ = encodeAscii('UDP ');
const LEN_EQ = encodeAscii(' Len=');

const PRESENT: readonly FieldValue[] = [true];
const NONE: readonly FieldValue[] = [];

/** 10^(9 - digits): nanoseconds to the file's precision. */
const DIVISORS = [1e9, 1e8, 1e7, 1e6, 1e5, 1e4, 1e3, 1e2, 10, 1];
