// Classic pcap writer (libpcap format 2.4), microsecond or nanosecond timestamps, either byte order.

import { PCAP_MAGIC_NS, PCAP_MAGIC_US } from './decoder';
import type { Timestamp } from './types';
import { concatBytes } from '../bytes';

export interface WritablePacket {
  timestamp: Timestamp;
  data: Uint8Array;
  /** Length on the wire; defaults to data.length. */
  originalLength?: number;
}

export interface PcapWriterOptions {
  linkType: number;
  /** Default 262144 (Wireshark's standard maximum). Longer packets are cut to it. */
  snaplen?: number;
  /** Nanosecond timestamps (magic a1b23c4d) instead of microseconds. */
  nanoseconds?: boolean;
  /** Default true (what every modern machine writes). */
  littleEndian?: boolean;
}

export class PcapWriter {
  private readonly le: boolean;
  private readonly ns: boolean;
  private readonly snaplen: number;

  constructor(private readonly options: PcapWriterOptions) {
    this.le = options.littleEndian ?? true;
    this.ns = options.nanoseconds ?? false;
    this.snaplen = options.snaplen ?? 262144;
  }

  /** The 24-byte global header. */
  header(): Uint8Array {
    const out = new Uint8Array(24);
    const v = new DataView(out.buffer);
    v.setUint32(0, this.ns ? PCAP_MAGIC_NS : PCAP_MAGIC_US, this.le);
    v.setUint16(4, 2, this.le);
    v.setUint16(6, 4, this.le);
    v.setUint32(16, this.snaplen, this.le);
    v.setUint32(20, this.options.linkType, this.le);
    return out;
  }

  /** One record: 16-byte header plus the (possibly snaplen-cut) packet bytes. */
  record(packet: WritablePacket): Uint8Array {
    const capLen = Math.min(packet.data.length, this.snaplen);
    const out = new Uint8Array(16 + capLen);
    const v = new DataView(out.buffer);
    const frac = this.ns ? packet.timestamp.nanoseconds : Math.floor(packet.timestamp.nanoseconds / 1000);
    v.setUint32(0, packet.timestamp.seconds >>> 0, this.le);
    v.setUint32(4, frac, this.le);
    v.setUint32(8, capLen, this.le);
    v.setUint32(12, packet.originalLength ?? packet.data.length, this.le);
    out.set(capLen === packet.data.length ? packet.data : packet.data.subarray(0, capLen), 16);
    return out;
  }
}

/** A whole pcap file in one buffer. */
export function writePcap(options: PcapWriterOptions, packets: Iterable<WritablePacket>): Uint8Array {
  const writer = new PcapWriter(options);
  const parts = [writer.header()];
  for (const p of packets) parts.push(writer.record(p));
  return concatBytes(parts);
}

