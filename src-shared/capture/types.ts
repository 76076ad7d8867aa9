// Shared shapes of the capture readers and writers (classic pcap and pcapng).

/** A timestamp as integer seconds since the epoch plus integer nanoseconds (0..999 999 999). */
export interface Timestamp {
  seconds: number;
  nanoseconds: number;
}

export type CaptureFormat = 'pcap' | 'pcapng';

/** One capture point. pcap files have exactly one; pcapng has one per Interface Description Block. */
export interface CaptureInterface {
  /** Global index over the whole file (pcapng interface ids restart at 0 in each section). */
  id: number;
  /** Index of the section this interface belongs to (always 0 for pcap). */
  section: number;
  /** LINKTYPE_* value (1 Ethernet, 101 raw IP, 113 Linux SLL, 228 raw IPv4, 229 raw IPv6, …). */
  linkType: number;
  /** 0 means "no limit". */
  snaplen: number;
  name?: string;
  description?: string;
  os?: string;
  hardware?: string;
  filter?: string;
  comments?: string[];
  /** Timestamp units per second: 1e6 for µs, 1e9 for ns, 2^k for binary resolutions. */
  tsUnitsPerSecond: number;
  /** The raw if_tsresol byte (pcapng) or 6 / 9 for classic pcap µs / ns files. */
  tsresol: number;
  /** if_tsoffset in seconds, already added to packet timestamps. */
  tsOffset: number;
}

export interface CaptureSection {
  index: number;
  /** Absolute file offset of the Section Header Block (0 for pcap). */
  offset: number;
  littleEndian: boolean;
  /** pcap: 2.4; pcapng: 1.0. */
  versionMajor: number;
  versionMinor: number;
  hardware?: string;
  os?: string;
  userAppl?: string;
  comments?: string[];
}

/** Secrets type of a TLS key log (NSS SSLKEYLOGFILE format) in a Decryption Secrets Block. */
export const SECRETS_TLS_KEY_LOG = 0x544c534b;

export interface DecryptionSecrets {
  /** Secrets type, e.g. SECRETS_TLS_KEY_LOG. */
  type: number;
  data: Uint8Array;
  section: number;
  /** Absolute file offset of the block. */
  offset: number;
}

export interface CapturePacket {
  /** Global interface index (see CaptureInterface.id). */
  interfaceId: number;
  timestamp: Timestamp;
  /** The captured bytes (captured length = data.length). A view into the input: copy it if the input buffer gets reused. */
  data: Uint8Array;
  /** Length of the packet on the wire; greater than data.length when the capture was truncated by a snaplen. */
  originalLength: number;
  /** Absolute file offset of the record or block that holds the packet. */
  fileOffset: number;
  /** opt_comment values (pcapng). */
  comments?: string[];
  /** epb_flags (pcapng): direction in bits 0-1, reception type in 2-4, FCS length in 5-8, link-layer errors in 16-31. */
  flags?: number;
}

/** A problem in a capture file, located by absolute byte offset. Reading stops at the first one. */
export interface CaptureError {
  /** Full message, e.g. `pcapng: block at offset 1234: block total length 7 is not a multiple of 4`. */
  message: string;
  offset: number;
  /** True when the file simply ended in the middle of a header, record or block. */
  truncated: boolean;
}
