// A capture-level dissection session: dispatch tables (ethertype, ip.proto, udp.port, tcp.port,
// heuristics), Decode As, and the state carried across frames (TCP conversations, reassembly,
// DNS transactions). Frames must be fed in order; frame N only depends on frames 1..N-1.
import { Packet } from './packet';
import { CaptureLimited } from './bytes';

/** Network/transport facts of the frame being dissected, shared by the layers above. */
export class NetInfo {
  /** 4 or 6; 0 when no IP layer yet. */
  ipVersion = 0;
  /** IPv4 addresses (uint32) or offsets of IPv6 addresses in `addrBuf`. */
  src4 = 0;
  dst4 = 0;
  addrBuf: Uint8Array = new Uint8Array(0);
  src6Off = 0;
  dst6Off = 0;
  ipTtl = 0;
  srcPort = 0;
  dstPort = 0;
  /** Depth of IP headers seen (ICMP quotes a datagram: inner ones are > 1). */
  ipDepth = 0;
  /** End offset of the outermost network-layer datagram (IP total length), for padding. */
  l3End = 0;
  /** Inside the datagram quoted by an ICMP error: no conversation state, no column updates. */
  inError = false;

  reset(): void {
    this.inError = false;
    this.ipVersion = 0;
    this.ipDepth = 0;
    this.srcPort = 0;
    this.dstPort = 0;
  }

  /** A compact key for the address pair, in this direction. */
  addrKey(): string {
    if (this.ipVersion === 4) return `${this.src4}>${this.dst4}`;
    let s = '';
    const b = this.addrBuf;
    for (let i = 0; i < 16; i += 2) s += ((b[this.src6Off + i] << 8) | b[this.src6Off + i + 1]).toString(16) + ':';
    s += '>';
    for (let i = 0; i < 16; i += 2) s += ((b[this.dst6Off + i] << 8) | b[this.dst6Off + i + 1]).toString(16) + ':';
    return s;
  }
}

/** Dissects bytes [off, end) of `buf` (the frame, or a reassembled buffer). Never throws on data. */
export type Dissector = (p: Packet, s: DissectSession, buf: Uint8Array, off: number, end: number) => void;

/**
 * A protocol carried over TCP. Returns the number of bytes it consumed from `off`, or -1 when
 * the bytes are not its own (heuristic rejected). To ask for more bytes (a PDU spanning
 * segments) it sets p.desegmentLen and returns the offset of the unfinished PDU minus `off`.
 */
export type StreamDissector = (p: Packet, s: DissectSession, buf: Uint8Array, off: number, end: number, reassembled: boolean) => number;

export interface StreamProtocol {
  name: string;
  dissect: StreamDissector;
  /** A cheap first-bytes test for heuristic dispatch (non-standard ports). */
  heuristic?: (buf: Uint8Array, off: number, end: number) => boolean;
}

export interface DatagramProtocol {
  name: string;
  dissect: Dissector;
  heuristic?: (buf: Uint8Array, off: number, end: number) => boolean;
}

export interface DecodeAsEntry {
  table: 'tcp.port' | 'udp.port';
  port: number;
  protocol: string;
}

export interface SessionOptions {
  decodeAs?: readonly DecodeAsEntry[];
  /** Verify IP/UDP/TCP checksums (tshark: -o ip.check_checksum:TRUE …). Off by default, like tshark. */
  checkChecksums?: boolean;
  /**
   * Keep the per-segment state behind tcp.analysis.acks_frame, ack_rtt, initial_rtt,
   * bytes_in_flight and push_bytes_sent (default true). Each value builds on every earlier
   * segment, so this holds for the whole session: turn it off only when no frame's tree, field
   * or filter will read `tcp.analysis` (summary lines, `-e` of other fields).
   */
  ackAnalysis?: boolean;
}

export interface Registries {
  ethertype: Map<number, Dissector>;
  ipProto: Map<number, Dissector>;
  udpPort: Map<number, DatagramProtocol>;
  tcpPort: Map<number, StreamProtocol>;
  udpHeuristics: DatagramProtocol[];
  tcpHeuristics: StreamProtocol[];
  /** By name, for Decode As. */
  streamByName: Map<string, StreamProtocol>;
  datagramByName: Map<string, DatagramProtocol>;
  frame: Dissector;
  /** Link-layer types of capture files (1 = Ethernet, 101 = raw IP). */
  linkType: Map<number, Dissector>;
}

export class DissectSession {
  readonly net = new NetInfo();
  readonly checkChecksums: boolean;
  readonly ackAnalysis: boolean;
  readonly ethertype: Map<number, Dissector>;
  readonly ipProto: Map<number, Dissector>;
  readonly udpPort: Map<number, DatagramProtocol>;
  readonly tcpPort: Map<number, StreamProtocol>;
  readonly udpHeuristics: DatagramProtocol[];
  readonly tcpHeuristics: StreamProtocol[];
  readonly linkType: Map<number, Dissector>;
  private readonly frame: Dissector;
  /** Per-protocol state across frames (TCP conversations, DNS transactions, IP fragments…). */
  readonly state = new Map<string, unknown>();
  /** Timestamp of the first frame (relative times count from it); -1 before any frame. */
  firstSec = -1;
  firstNs = 0;

  constructor(reg: Registries, options: SessionOptions = {}) {
    this.checkChecksums = options.checkChecksums ?? false;
    this.ackAnalysis = options.ackAnalysis ?? true;
    this.ethertype = reg.ethertype;
    this.ipProto = reg.ipProto;
    this.linkType = reg.linkType;
    this.frame = reg.frame;
    this.udpPort = new Map(reg.udpPort);
    this.tcpPort = new Map(reg.tcpPort);
    this.udpHeuristics = reg.udpHeuristics;
    this.tcpHeuristics = reg.tcpHeuristics;
    for (const d of options.decodeAs ?? []) {
      if (d.table === 'tcp.port') {
        const proto = reg.streamByName.get(d.protocol);
        if (proto) this.tcpPort.set(d.port, proto);
      } else {
        const proto = reg.datagramByName.get(d.protocol);
        if (proto) this.udpPort.set(d.port, proto);
      }
    }
  }

  /** Per-protocol state object, created on first use. */
  get<T>(key: string, create: () => T): T {
    let v = this.state.get(key) as T | undefined;
    if (v === undefined) {
      v = create();
      this.state.set(key, v);
    }
    return v;
  }

  /**
   * Dissects one frame into `p` (reset first). `tsSec`/`tsNs` is the capture timestamp;
   * `linkType` the file's link-layer type.
   */
  dissect(p: Packet, data: Uint8Array, number: number, origLen: number, tsSec: number, tsNs: number, linkType = 1): void {
    p.reset(data, number, origLen);
    this.net.reset();
    if (this.firstSec < 0) {
      this.firstSec = tsSec;
      this.firstNs = tsNs;
    }
    let rs = tsSec - this.firstSec;
    let rn = tsNs - this.firstNs;
    if (rn < 0) {
      rn += 1e9;
      rs -= 1;
    }
    p.relSec = rs;
    p.relNs = rn;
    p.absSec = tsSec;
    p.absNs = tsNs;
    const link = this.linkType.get(linkType);
    p.buf = data;
    this.frame(p, this, data, 0, data.length);
    // Layers see the reported (wire) length: bytes beyond the captured ones are "limited", not missing.
    if (link) this.guard('eth', p, data, 0, Math.max(data.length, origLen), link);
    if (p.want('frame.protocols')) p.gen('frame.protocols', p.layers.join(':'));
  }

  /** Runs a dissector; an exception (a bug, or bytes we failed to bound) becomes a malformed node. */
  guard(name: string, p: Packet, buf: Uint8Array, off: number, end: number, d: Dissector): void {
    const depth = p.depth;
    const outer = p.buf;
    p.buf = buf;
    try {
      d(p, this, buf, off, end);
    } catch (e) {
      p.closeTo(depth);
      if (e instanceof CaptureLimited) p.limitedAt(name, off);
      else p.malformedAt(name, off);
    }
    p.buf = outer;
  }
}
