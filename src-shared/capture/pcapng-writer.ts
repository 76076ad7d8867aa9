// pcapng writer: a Section Header Block, one Interface Description Block per capture point,
// Enhanced Packet Blocks with comments and flags, Simple Packet Blocks and Decryption Secrets
// Blocks. Blocks are produced as separate buffers so a long capture can be streamed to a file
// (`flush()`), or collected into one file (`toBytes()`).

import { BLOCK_DSB, BLOCK_EPB, BLOCK_IDB, BLOCK_SPB, PCAPNG_BYTE_ORDER_MAGIC, PCAPNG_SHB } from './decoder';
import { concatBytes } from '../bytes';
import type { WritablePacket } from './pcap-writer';
import { timeToHiLo, type HiLo } from './timestamp';
import { SECRETS_TLS_KEY_LOG } from './types';

const utf8 = new TextEncoder();
const EMPTY: readonly string[] = [];

export interface SectionOptions {
  hardware?: string;
  os?: string;
  userAppl?: string;
  comment?: string;
  /** Default true. */
  littleEndian?: boolean;
}

export interface InterfaceOptions {
  linkType: number;
  /** 0 = no limit; default 262144. Longer packets are cut to it. */
  snaplen?: number;
  name?: string;
  description?: string;
  /** Decimal exponent of the timestamp resolution: 9 = ns (default), 6 = µs. */
  tsresol?: number;
  filter?: string;
  os?: string;
}

export interface EnhancedPacket extends WritablePacket {
  interfaceId: number;
  comment?: string | readonly string[];
  /** epb_flags, e.g. direction: 1 inbound, 2 outbound. */
  flags?: number;
}

/** Accumulates option TLVs for one block. */
class Options {
  readonly parts: Uint8Array[] = [];
  length = 0;
  constructor(private readonly le: boolean) {}

  add(code: number, value: Uint8Array): void {
    const padded = (value.length + 3) & ~3;
    const out = new Uint8Array(4 + padded);
    const v = new DataView(out.buffer);
    v.setUint16(0, code, this.le);
    v.setUint16(2, value.length, this.le);
    out.set(value, 4);
    this.parts.push(out);
    this.length += out.length;
  }

  text(code: number, value: string | undefined): void {
    if (value !== undefined) this.add(code, utf8.encode(value));
  }

  u32(code: number, value: number): void {
    const b = new Uint8Array(4);
    new DataView(b.buffer).setUint32(0, value >>> 0, this.le);
    this.add(code, b);
  }

  /** Options plus opt_endofopt, or nothing when there are none. */
  bytes(): Uint8Array {
    if (this.length === 0) return new Uint8Array(0);
    return concatBytes([...this.parts, new Uint8Array(4)]);
  }
}

interface WrittenInterface {
  snaplen: number;
  tsresol: number;
}

export class PcapngWriter {
  private readonly le: boolean;
  private blocks: Uint8Array[] = [];
  private readonly ifaces: WrittenInterface[] = [];
  private readonly hiLo: HiLo = { hi: 0, lo: 0 };

  constructor(section: SectionOptions = {}) {
    this.le = section.littleEndian ?? true;
    const opts = new Options(this.le);
    opts.text(1, section.comment);
    opts.text(2, section.hardware);
    opts.text(3, section.os);
    opts.text(4, section.userAppl);
    const body = new Uint8Array(16);
    const v = new DataView(body.buffer);
    v.setUint32(0, PCAPNG_BYTE_ORDER_MAGIC, this.le);
    v.setUint16(4, 1, this.le);
    v.setUint16(6, 0, this.le);
    // Section length unknown (-1): lets us stream.
    v.setInt32(8, -1, this.le);
    v.setInt32(12, -1, this.le);
    this.block(PCAPNG_SHB, body, opts.bytes());
  }

  /** Adds an Interface Description Block; returns the interface id to use in packets. */
  addInterface(iface: InterfaceOptions): number {
    const tsresol = iface.tsresol ?? 9;
    if (!Number.isInteger(tsresol) || tsresol < 0 || tsresol > 9) throw new RangeError(`tsresol must be 0..9, got ${tsresol}`);
    const snaplen = iface.snaplen ?? 262144;
    const opts = new Options(this.le);
    opts.text(2, iface.name);
    opts.text(3, iface.description);
    if (tsresol !== 6) opts.add(9, Uint8Array.of(tsresol));
    if (iface.filter !== undefined) opts.add(11, concatBytes([Uint8Array.of(0), utf8.encode(iface.filter)]));
    opts.text(12, iface.os);
    const body = new Uint8Array(8);
    const v = new DataView(body.buffer);
    v.setUint16(0, iface.linkType, this.le);
    v.setUint32(4, snaplen, this.le);
    this.block(BLOCK_IDB, body, opts.bytes());
    this.ifaces.push({ snaplen, tsresol });
    return this.ifaces.length - 1;
  }

  addPacket(packet: EnhancedPacket): void {
    const iface = this.ifaces[packet.interfaceId];
    if (!iface) throw new RangeError(`pcapng writer: interface ${packet.interfaceId} was not added`);
    const le = this.le;
    const data = packet.data;
    const capLen = iface.snaplen !== 0 ? Math.min(data.length, iface.snaplen) : data.length;
    timeToHiLo(packet.timestamp, iface.tsresol, this.hiLo);
    const comments = packet.comment === undefined ? EMPTY : typeof packet.comment === 'string' ? [packet.comment] : packet.comment;
    // One buffer per block: header, data, options, trailer (this is the export hot path).
    const encoded = comments.map((c) => utf8.encode(c));
    let optLen = 0;
    for (const c of encoded) optLen += 4 + ((c.length + 3) & ~3);
    if (packet.flags !== undefined) optLen += 8;
    if (optLen > 0) optLen += 4;
    const dataPadded = (capLen + 3) & ~3;
    const total = 32 + dataPadded + optLen;
    const out = new Uint8Array(total);
    const v = new DataView(out.buffer);
    v.setUint32(0, BLOCK_EPB, le);
    v.setUint32(4, total, le);
    v.setUint32(8, packet.interfaceId, le);
    v.setUint32(12, this.hiLo.hi, le);
    v.setUint32(16, this.hiLo.lo, le);
    v.setUint32(20, capLen, le);
    v.setUint32(24, packet.originalLength ?? data.length, le);
    out.set(capLen === data.length ? data : data.subarray(0, capLen), 28);
    let p = 28 + dataPadded;
    for (const c of encoded) {
      v.setUint16(p, 1, le);
      v.setUint16(p + 2, c.length, le);
      out.set(c, p + 4);
      p += 4 + ((c.length + 3) & ~3);
    }
    if (packet.flags !== undefined) {
      v.setUint16(p, 2, le);
      v.setUint16(p + 2, 4, le);
      v.setUint32(p + 4, packet.flags >>> 0, le);
      p += 8;
    }
    // opt_endofopt is the zero-filled word already there.
    v.setUint32(total - 4, total, le);
    this.blocks.push(out);
  }

  /** A Simple Packet Block (no timestamp, always interface 0). */
  addSimplePacket(data: Uint8Array, originalLength = data.length): void {
    const iface = this.ifaces[0];
    if (!iface) throw new RangeError('pcapng writer: simple packets need interface 0');
    const capLen = iface.snaplen !== 0 ? Math.min(data.length, iface.snaplen) : data.length;
    const head = new Uint8Array(4);
    new DataView(head.buffer).setUint32(0, originalLength, this.le);
    this.block(BLOCK_SPB, head, data.subarray(0, capLen));
  }

  /** A Decryption Secrets Block; by default a TLS key log (NSS SSLKEYLOGFILE text). */
  addSecrets(secrets: string | Uint8Array, type = SECRETS_TLS_KEY_LOG): void {
    const data = typeof secrets === 'string' ? utf8.encode(secrets) : secrets;
    const head = new Uint8Array(8);
    const v = new DataView(head.buffer);
    v.setUint32(0, type, this.le);
    v.setUint32(4, data.length, this.le);
    this.block(BLOCK_DSB, head, data);
  }

  /** Blocks written since the last flush (for streaming to a file). */
  flush(): Uint8Array {
    const out = concatBytes(this.blocks);
    this.blocks = [];
    return out;
  }

  /** Same as flush(): the (rest of the) file as one buffer. */
  toBytes(): Uint8Array {
    return this.flush();
  }

  /** Frames a block: type, total length, fixed part, variable data padded to 4, options, total length. */
  private block(type: number, fixed: Uint8Array, data: Uint8Array, options: Uint8Array = new Uint8Array(0)): void {
    const dataPadded = (data.length + 3) & ~3;
    const total = 12 + fixed.length + dataPadded + options.length;
    const out = new Uint8Array(total);
    const v = new DataView(out.buffer);
    v.setUint32(0, type, this.le);
    v.setUint32(4, total, this.le);
    out.set(fixed, 8);
    out.set(data, 8 + fixed.length);
    out.set(options, 8 + fixed.length + dataPadded);
    v.setUint32(total - 4, total, this.le);
    this.blocks.push(out);
  }
}
