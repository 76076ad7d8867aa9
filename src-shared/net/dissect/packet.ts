// Per-frame dissection context: what dissectors write into. One Packet object is reused for every
// frame of a capture, so the fast path (few wanted fields, no tree) allocates almost nothing.
import type { ExpertGroup, ExpertSeverity, FieldValue, ProtoNode } from './types';
import { fieldLabel } from './registry';
import { etherToString } from './format';

/** MAC address as the Source/Destination columns show it. */
export function macColumn(b: Uint8Array, o: number): string {
  if ((b[o] & b[o + 1] & b[o + 2] & b[o + 3] & b[o + 4] & b[o + 5]) === 255) return 'Broadcast';
  return etherToString(b, o);
}

/** A byte buffer other than the frame that tree nodes can point into (Wireshark's extra tabs). */
export interface DataSource {
  /** Tab name as Wireshark shows it, e.g. "Decrypted TLS (25 bytes)". */
  label: string;
  data: Uint8Array;
}

/** Protocols carried inside TLS: asking for them means TLS must run (to decrypt). */
const INSIDE_TLS = ['http', 'http2', 'data-text-lines', 'json', 'x509af', 'x509sat', 'x509ce', 'pkcs-1'];

export interface PacketMode {
  /** Build ProtoNode trees (details pane, --json). Implies collecting every field. */
  tree: boolean;
  /** Compute Protocol/Info/Source/Destination columns. */
  columns: boolean;
  /** Fields (and protocols) whose values are collected; null = all of them. */
  wanted: ReadonlySet<string> | null;
  /**
   * Keep the bytes of every reassembled PDU even where this Packet reads none of them (an HTTP
   * body of known length): needed when the same session later dissects frames with a Packet that
   * does read them (a columns-only warm-up before a details-pane tree).
   */
  keepBodies?: boolean;
  /**
   * Wanted names whose values nobody reads, only whether they are there (a filter's `http`, not
   * `http contains "x"`: CompiledFilter.valueFields): recorded as present, without their bytes, so
   * a protocol whose value would be a message body need not keep it.
   */
  presenceOnly?: ReadonlySet<string>;
}

const EMPTY: readonly FieldValue[] = [];

/** Wireshark's PI_* severity and group codes, as `_ws.expert.severity/group` carry them. */
export const SEVERITY_CODES: Record<ExpertSeverity, number> = { comment: 0x00100000, chat: 0x00200000, note: 0x00400000, warn: 0x00600000, error: 0x00800000 };
export const GROUP_CODES: Record<ExpertGroup, number> = {
  checksum: 0x01000000,
  sequence: 0x02000000,
  'response-code': 0x03000000,
  'request-code': 0x04000000,
  undecoded: 0x05000000,
  reassemble: 0x06000000,
  malformed: 0x07000000,
  protocol: 0x09000000,
  comment: 0x0b000000,
};

/** Layer of each protocol prefix, for the fast path's cut-off (applications are 4). */
const LAYER_RANK: Record<string, number> = { frame: 0, eth: 1, vlan: 1, arp: 2, ip: 2, ipv6: 2, icmp: 3, icmpv6: 3, udp: 3, tcp: 3 };

export class Packet {
  data: Uint8Array = new Uint8Array(0);
  number = 0;
  /** Original (wire) length of the frame. */
  length = 0;
  /** Relative time in seconds and nanoseconds (kept apart to keep ns precision). */
  relSec = 0;
  relNs = 0;
  absSec = 0;
  absNs = 0;

  readonly tree: boolean;
  readonly columns: boolean;
  private readonly all: boolean;
  private readonly wanted: ReadonlySet<string> | null;
  private readonly presence: ReadonlySet<string> | null;

  /** Top-level nodes of the tree (one per protocol layer). */
  roots: ProtoNode[] = [];
  private stack: ProtoNode[] = [];

  /** Values per field, valid only when `stamp` is the current frame's (no clearing between frames). */
  private readonly store = new Map<string, { stamp: number; list: FieldValue[] }>();
  private stamp = 0;

  protocol = '';
  info = '';
  src = '';
  dst = '';
  /** Offset of the Ethernet header whose addresses are the columns when no IP layer sets them. */
  macOff = -1;
  /** frame.protocols, colon-joined at the end. */
  layers: string[] = [];
  malformed = false;
  /** Set by a TCP-carried dissector that needs more bytes (Wireshark's desegment_len). */
  desegmentLen = 0;
  /**
   * With `desegmentLen`: the dissector will not read the `desegmentSkip` bytes starting at buffer
   * offset `desegmentSkipAt` (an HTTP body nobody looks at), so TCP keeps only which of them
   * arrived, not the bytes. They must run to the end of the PDU.
   */
  desegmentSkipAt = -1;
  desegmentSkip = 0;
  /**
   * Set by TCP while it hands over a reassembled PDU whose skipped bytes were not kept: `elidedLen`
   * bytes belong at buffer offset `elidedAt` (the buffer goes on with what followed them). The
   * dissector sets `elidedAt` to -1 once it has counted them as read.
   */
  elidedAt = -1;
  elidedLen = 0;
  /**
   * What a TCP-carried dissector knows of a message it asked more bytes for (its own object, null:
   * nothing): TCP hands it back with the grown PDU, which starts with the same bytes, so the
   * dissector goes on from where it stopped (HTTP's chunk parser) instead of reading it all again.
   */
  resume: unknown = null;
  /** PacketMode.keepBodies. */
  readonly keepBodies: boolean;

  /**
   * Deepest layer anything asked for (1 link, 2 network, 3 transport, 4 application) and the
   * protocols named by wanted fields: the fast path stops dissecting where nobody looks.
   */
  readonly maxLayer: number;
  private readonly protos: ReadonlySet<string> | null;

  constructor(mode: PacketMode) {
    this.tree = mode.tree;
    this.columns = mode.columns || mode.tree;
    this.wanted = mode.wanted;
    this.keepBodies = mode.keepBodies === true;
    this.all = mode.tree || mode.wanted === null;
    this.presence = this.all || !mode.presenceOnly || mode.presenceOnly.size === 0 ? null : mode.presenceOnly;
    if (this.all || this.columns) {
      this.maxLayer = 4;
      this.protos = null;
    } else {
      const protos = new Set<string>();
      let max = 0;
      let everyProto = false;
      for (const f of mode.wanted!) {
        if (f === 'frame.protocols' || f === '_ws.expert' || f === '_ws.malformed') everyProto = true;
        const proto = f.split('.')[0];
        protos.add(proto);
        // (reassembled PDUs end where the protocol above says: it must run)
        max = Math.max(max, f.startsWith('tcp.reassembled') ? 4 : LAYER_RANK[proto] ?? 4);
      }
      if (INSIDE_TLS.some((name) => protos.has(name))) protos.add('tls');
      this.maxLayer = everyProto ? 4 : max;
      this.protos = everyProto ? null : protos;
    }
  }

  /** Whether an application protocol's dissection can matter (fast path skips the others). */
  needProto(name: string): boolean {
    return this.protos === null || this.protos.has(name) || this.protos.has('_ws') || this.protos.has('data');
  }

  reset(data: Uint8Array, number: number, length: number): void {
    this.data = data;
    this.number = number;
    this.length = length;
    if (this.tree) {
      this.roots = [];
      this.stack.length = 0;
    }
    this.stamp++;
    this.protocol = '';
    this.info = '';
    this.src = '';
    this.dst = '';
    this.macOff = -1;
    if (this.layers.length) this.layers = []; // cheaper than truncating (a V8 slow path)
    this.malformed = false;
    this.limited = false;
    this.fence = '';
    this.segmentSuffix = true;
    this.desegmentLen = 0;
    this.desegmentSkip = 0;
    this.elidedAt = -1;
    this.resume = null;
    this.reassembled = false;
    if (this.dataSources.length) this.dataSources = [];
    this.sourceIndex = -1;
  }

  /** True when the value of `field` is needed (tree, all fields, or in the wanted set). */
  want(field: string): boolean {
    return this.all || this.wanted!.has(field);
  }

  /** True when the value of `field` is read, not only its presence (see PacketMode.presenceOnly). */
  wantValue(field: string): boolean {
    return this.all || (this.wanted!.has(field) && (this.presence === null || !this.presence.has(field)));
  }

  /** True when the value of `prefix` or of any field under it is read (wantAny, presence-only names aside). */
  wantAnyValue(prefix: string): boolean {
    if (this.all) return true;
    for (const f of this.wanted!) if ((f === prefix && (this.presence === null || !this.presence.has(f))) || f.startsWith(prefix + '.')) return true;
    return false;
  }

  private readonly prefixCache = new Map<string, boolean>();

  /** True when any field under `prefix` (e.g. `dns.flags`) is needed: guards a group of items. */
  wantAny(prefix: string): boolean {
    if (this.all) return true;
    let hit = this.prefixCache.get(prefix);
    if (hit === undefined) {
      hit = false;
      for (const f of this.wanted!) if (f === prefix || f.startsWith(prefix + '.')) hit = true;
      this.prefixCache.set(prefix, hit);
    }
    return hit;
  }

  /** Values collected for `field` in this frame, in tree order. */
  values(field: string): readonly FieldValue[] {
    const e = this.store.get(field);
    return e !== undefined && e.stamp === this.stamp ? e.list : EMPTY;
  }

  private record(field: string, value: FieldValue): void {
    const e = this.store.get(field);
    if (e === undefined) this.store.set(field, { stamp: this.stamp, list: [value] });
    else if (e.stamp !== this.stamp) {
      e.stamp = this.stamp;
      // Reuse a one-value list in place (the common case); otherwise a fresh array is cheaper
      // than truncating the old one (length = 0 is a slow path in V8).
      if (e.list.length === 1) e.list[0] = value;
      else e.list = [value];
    } else e.list.push(value);
  }

  /** A leaf item. `value` undefined for FT_NONE items. */
  add(field: string, offset: number, length: number, value?: FieldValue, label?: string, generated?: boolean): void {
    if (!(this.all || this.wanted!.has(field))) return;
    this.record(field, value === undefined ? true : value);
    if (this.tree) {
      const node: ProtoNode = { field, label: label ?? fieldLabel(field, value), offset, length };
      if (value !== undefined) node.value = value;
      if (generated) node.generated = true;
      this.attach(node);
    }
  }

  /**
   * Takes back the last value of `field` recorded in this frame, and its node when it is the last
   * one added under the open subtree (TCP's reassembled length for a PDU that grew again instead).
   */
  retract(field: string): void {
    const e = this.store.get(field);
    if (e !== undefined && e.stamp === this.stamp && e.list.length > 0) {
      e.list.pop();
      if (e.list.length === 0) e.stamp = -1;
    }
    if (this.tree) {
      const parent = this.stack[this.stack.length - 1];
      const siblings = parent ? parent.children! : this.roots;
      if (siblings.length > 0 && siblings[siblings.length - 1].field === field) siblings.pop();
    }
  }

  /** A generated item (computed, not on the wire): stream index, relative numbers, status. */
  gen(field: string, value: FieldValue, label?: string, offset = 0, length = 0): void {
    this.add(field, offset, length, value, label, true);
  }

  /** Opens a subtree (a protocol layer or a header group); close() ends it. */
  open(field: string, offset: number, length: number, label?: string, value?: FieldValue): void {
    if (this.all || this.wanted!.has(field)) {
      this.record(field, value === undefined ? true : value);
    }
    if (this.tree) {
      const node: ProtoNode = { field, label: label ?? fieldLabel(field, value), offset, length, children: [] };
      if (value !== undefined) node.value = value;
      this.attach(node);
      this.stack.push(node);
    }
  }

  /** The buffer being dissected (the frame, or reassembled data): protocol values are its bytes. */
  buf: Uint8Array = new Uint8Array(0);

  /**
   * Opens a protocol layer: recorded in frame.protocols. Its value (for `contains`, `matches`) is its
   * bytes up to `valueEnd`: as in Wireshark, a protocol's value is its whole data (TCP's includes the
   * payload) even where its tree item covers only the header.
   */
  proto(name: string, offset: number, length: number, label?: string, valueEnd?: number): void {
    this.layers.push(name);
    const wanted = this.all || (this.wanted!.has(name) && (this.presence === null || !this.presence.has(name)));
    const end = valueEnd ?? offset + Math.max(0, length || this.buf.length - offset);
    this.open(name, offset, length, label, wanted ? this.buf.subarray(offset, Math.min(end, this.buf.length)) : undefined);
  }

  close(length?: number): void {
    if (!this.tree) return;
    const node = this.stack.pop();
    if (node && length !== undefined) node.length = length;
  }

  /** Ends every open subtree (used after a guarded dissector failed midway). */
  closeTo(depth: number): void {
    if (this.tree) this.stack.length = Math.min(depth, this.stack.length);
  }

  get depth(): number {
    return this.stack.length;
  }

  /** Expert info: a node named `field` (e.g. tcp.analysis.retransmission) carrying severity + message. */
  expert(field: string, offset: number, length: number, severity: ExpertSeverity, group: ExpertGroup, message: string): void {
    if (this.all || this.wanted!.has(field)) this.record(field, true);
    if (this.all || this.wanted!.has('_ws.expert')) this.record('_ws.expert', true);
    if (this.all || this.wanted!.has('_ws.expert.message')) this.record('_ws.expert.message', message);
    if (this.all || this.wanted!.has('_ws.expert.severity')) this.record('_ws.expert.severity', SEVERITY_CODES[severity]);
    if (this.all || this.wanted!.has('_ws.expert.group')) this.record('_ws.expert.group', GROUP_CODES[group]);
    if (this.tree) {
      this.attach({ field, label: message, offset, length, generated: true, expert: { severity, group, message } });
    }
  }

  /** Wireshark's "[Malformed Packet]": a node under the frame, never an exception. */
  malformedAt(protocol: string, offset: number): void {
    if (this.malformed) return;
    this.malformed = true;
    this.closeTo(0);
    this.layers.push('_ws.malformed');
    this.expert('_ws.malformed', offset, 0, 'error', 'malformed', `[Malformed Packet: ${protocol}]`);
    if (this.columns) this.info += ` [Malformed Packet]`;
  }

  /** Source column text (network addresses, else the Ethernet source). */
  source(): string {
    if (this.src === '' && this.macOff >= 0) return macColumn(this.data, this.macOff + 6);
    return this.src;
  }

  destination(): string {
    if (this.dst === '' && this.macOff >= 0) return macColumn(this.data, this.macOff);
    return this.dst;
  }

  /** Wireshark's "[Packet size limited during capture]": the snaplen cut the frame short. */
  limitedAt(protocol: string, offset: number): void {
    if (this.limited) return;
    this.limited = true;
    this.closeTo(0);
    if (this.tree) this.attach({ field: '_ws.short', label: `[Packet size limited during capture: ${protocol} truncated]`, offset, length: 0, generated: true });
    if (this.columns) this.info += '[Packet size limited during capture]';
  }

  limited = false;

  setProtocol(name: string): void {
    this.protocol = name;
  }

  /** False when a protocol inside TLS wrote Info that tshark keeps as is (HTTP/2): TCP adds no "[TCP segment…]". */
  segmentSuffix = true;

  /** Info text kept in front of whatever upper layers write (tshark's column fence): TCP analysis flags. */
  fence = '';

  setInfo(text: string): void {
    this.info = this.fence + text;
  }

  appendInfo(text: string): void {
    this.info += text;
  }

  /** While true, new nodes point into a reassembled buffer rather than the frame. */
  reassembled = false;

  /**
   * Byte sources besides the frame (tree mode; fresh per frame): nodes with `dataSource: i`
   * have offsets into `dataSources[i].data` (and `source: 'reassembled'`: not frame offsets).
   */
  dataSources: DataSource[] = [];
  private sourceIndex = -1;

  /** Registers a data source for this frame; returns its index (-1 when no tree is built). */
  addSource(label: string, data: Uint8Array): number {
    if (!this.tree) return -1;
    this.dataSources.push({ label, data });
    return this.dataSources.length - 1;
  }

  /** Nodes added from now on point into data source `index` (-1: back to the frame/reassembled flag). Returns the previous index. */
  enterSource(index: number): number {
    const prev = this.sourceIndex;
    this.sourceIndex = index;
    return prev;
  }

  private attach(node: ProtoNode): void {
    if (this.sourceIndex >= 0) {
      node.source = 'reassembled';
      node.dataSource = this.sourceIndex;
    } else if (this.reassembled) node.source = 'reassembled';
    const parent = this.stack[this.stack.length - 1];
    if (parent) parent.children!.push(node);
    else this.roots.push(node);
  }
}
