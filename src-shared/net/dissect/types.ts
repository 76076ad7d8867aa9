// Shared vocabulary of dissection: field declarations (Wireshark's header_field_info as data),
// protocol trees with byte ranges, expert info. Display filters and the inspector build on these.

/** Wireshark's field types (FT_*), reduced to what PacketLab's filters can compare. */
export type FieldType =
  | 'protocol' // presence of a protocol; its value is the protocol's bytes (for `contains`)
  | 'none' // a label or subtree with no value (FT_NONE)
  | 'bool'
  | 'uint'
  | 'int'
  | 'float'
  | 'string'
  | 'bytes'
  | 'ipv4'
  | 'ipv6'
  | 'ether'
  | 'time' // absolute time, seconds since the epoch (float)
  | 'reltime' // relative time in seconds (float)
  | 'framenum';

/**
 * In-memory representation of a field value, by FieldType:
 * uint/int/framenum/float/time/reltime → number; bool → boolean; ipv4 → number (uint32, host order);
 * ipv6 → Uint8Array(16); ether → Uint8Array(6); string → string; bytes/protocol → Uint8Array.
 */
export type FieldValue = number | boolean | string | Uint8Array;

export type DisplayBase = 'dec' | 'hex' | 'oct' | 'dec_hex' | 'hex_dec' | 'none';

export interface FieldInfo {
  /** Filter name, e.g. `udp.srcport`. */
  name: string;
  /** Display name, e.g. `Source Port`. */
  label: string;
  type: FieldType;
  base?: DisplayBase;
  /** Value strings (Wireshark's VALS) for integer fields. */
  valueNames?: Readonly<Record<number, string>>;
  /** For bit fields: the mask within the containing integer. */
  bitmask?: number;
  /** Size in bits of integer fields (8, 16, 24, 32), for hex formatting. */
  bits?: number;
}

export type ExpertSeverity = 'comment' | 'chat' | 'note' | 'warn' | 'error';
export type ExpertGroup = 'checksum' | 'sequence' | 'malformed' | 'protocol' | 'undecoded' | 'reassemble' | 'response-code' | 'request-code' | 'comment';

export interface ExpertInfo {
  severity: ExpertSeverity;
  group: ExpertGroup;
  message: string;
}

/** One row of the details tree. `offset`/`length` are byte ranges in the frame (for the hex pane). */
export interface ProtoNode {
  field: string;
  label: string;
  offset: number;
  length: number;
  value?: FieldValue;
  generated?: boolean;
  expert?: ExpertInfo;
  children?: ProtoNode[];
  /** Set when offset/length point into reassembled data (a PDU built from several TCP segments), not the frame. */
  source?: 'reassembled';
  /** Index into the packet's `dataSources` when the offsets point into one (e.g. decrypted TLS). */
  dataSource?: number;
}
