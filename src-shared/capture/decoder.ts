// The one state machine behind every reader: it looks at a buffer position, decides whether a
// whole pcap record / pcapng block is there, and decodes it into scratch fields (no allocation
// for packets, so the indexer can run at millions of frames per second). Callers own buffering.
// Never throws on file data: problems become `error` with the absolute byte offset.

import type { CaptureError, CaptureFormat, CaptureInterface, CaptureSection, DecryptionSecrets } from './types';
import { decodeTsresol, unitsToTime, type Resolution } from './timestamp';

export const STEP_NEED_MORE = 0;
export const STEP_PACKET = 1;
export const STEP_META = 2;
export const STEP_ERROR = 3;

export const PCAP_MAGIC_US = 0xa1b2c3d4;
export const PCAP_MAGIC_NS = 0xa1b23c4d;
export const PCAPNG_SHB = 0x0a0d0d0a;
export const PCAPNG_BYTE_ORDER_MAGIC = 0x1a2b3c4d;
export const BLOCK_IDB = 1;
export const BLOCK_PB = 2; // obsolete Packet Block
export const BLOCK_SPB = 3;
export const BLOCK_NRB = 4;
export const BLOCK_ISB = 5;
export const BLOCK_EPB = 6;
export const BLOCK_DSB = 0x0a;

/** Wireshark's limit for ordinary packets (WTAP_MAX_PACKET_SIZE_STANDARD). */
export const MAX_PCAP_RECORD = 262144;
/** Largest pcapng block we buffer; bigger claims are reported as errors (bounded memory). */
export const DEFAULT_MAX_BLOCK = 16 * 1024 * 1024;

const BLOCK_NAMES: Readonly<Record<number, string>> = {
  [PCAPNG_SHB]: 'section header block',
  [BLOCK_IDB]: 'interface description block',
  [BLOCK_PB]: 'packet block',
  [BLOCK_SPB]: 'simple packet block',
  [BLOCK_NRB]: 'name resolution block',
  [BLOCK_ISB]: 'interface statistics block',
  [BLOCK_EPB]: 'enhanced packet block',
  [BLOCK_DSB]: 'decryption secrets block',
};

const utf8 = new TextDecoder('utf-8');

interface InterfaceState {
  info: CaptureInterface;
  res: Resolution;
}

export interface DecoderOptions {
  /** Decode packet options (comments, flags). Off for the indexer. Default true. */
  packetOptions?: boolean;
  maxBlockSize?: number;
}

export class CaptureDecoder {
  format: CaptureFormat | undefined;
  littleEndian = true;
  readonly interfaces: CaptureInterface[] = [];
  readonly sections: CaptureSection[] = [];
  readonly secrets: DecryptionSecrets[] = [];
  error: CaptureError | undefined;

  // Scratch fields describing the packet of the last STEP_PACKET.
  pktInterface = 0;
  tsSec = 0;
  tsNsec = 0;
  pktCapLen = 0;
  pktOrigLen = 0;
  /** Offset of the packet bytes in the buffer passed to step(). */
  pktDataStart = 0;
  pktComments: string[] | undefined;
  pktFlags: number | undefined;

  /** Bytes consumed by the last STEP_PACKET / STEP_META. */
  consumed = 0;
  /** After STEP_NEED_MORE: how many bytes from `pos` the next step needs. */
  need = 4;
  /** After STEP_NEED_MORE: what we are waiting for, for the truncation message. */
  private needWhat = '';

  private readonly packetOptions: boolean;
  private readonly maxBlock: number;
  private sectionIfaces: InterfaceState[] = [];
  private pcapIface: InterfaceState | undefined;
  private pcapNs = false;

  constructor(options: DecoderOptions = {}) {
    this.packetOptions = options.packetOptions ?? true;
    this.maxBlock = options.maxBlockSize ?? DEFAULT_MAX_BLOCK;
  }

  /**
   * Decodes what starts at buf[pos]; `at` is the absolute file offset of buf[pos].
   * Returns STEP_PACKET / STEP_META (then `consumed` is set), STEP_NEED_MORE (then `need` is set) or STEP_ERROR.
   */
  step(buf: Uint8Array, view: DataView, pos: number, at: number): number {
    if (this.error) return STEP_ERROR;
    const avail = buf.length - pos;
    if (this.format === undefined) {
      if (avail < 4) return this.wait(4, 'file header');
      const be = view.getUint32(pos, false);
      const le = view.getUint32(pos, true);
      if (be === PCAPNG_SHB) this.format = 'pcapng';
      else if (be === PCAP_MAGIC_US || le === PCAP_MAGIC_US || be === PCAP_MAGIC_NS || le === PCAP_MAGIC_NS) this.format = 'pcap';
      else return this.fail(at, `capture: file at offset ${at}: not a pcap or pcapng file (magic 0x${hex32(be)})`);
      if (this.format === 'pcap') return this.pcapHeader(buf, view, pos, at);
    }
    if (this.format === 'pcap') {
      return this.pcapIface ? this.pcapRecord(buf, view, pos, at) : this.pcapHeader(buf, view, pos, at);
    }
    return this.pcapngBlock(buf, view, pos, at);
  }

  /** The error to report when the input ends with `remaining` undecoded bytes at offset `at`. */
  truncation(at: number, remaining: number): CaptureError {
    if (this.format === undefined && remaining === 0) {
      return { message: 'capture: file at offset 0: empty file', offset: 0, truncated: true };
    }
    return {
      message: `${this.format ?? 'capture'}: ${this.needWhat} at offset ${at}: truncated: needs ${this.need} bytes, but the file ends after ${remaining}`,
      offset: at,
      truncated: true,
    };
  }

  private wait(need: number, what: string): number {
    this.need = need;
    this.needWhat = what;
    return STEP_NEED_MORE;
  }

  private fail(offset: number, message: string): number {
    this.error = { message, offset, truncated: false };
    return STEP_ERROR;
  }

  // ---- classic pcap ----

  private pcapHeader(buf: Uint8Array, view: DataView, pos: number, at: number): number {
    if (buf.length - pos < 24) return this.wait(24, 'file header');
    const be = view.getUint32(pos, false);
    this.littleEndian = be !== PCAP_MAGIC_US && be !== PCAP_MAGIC_NS;
    const le = this.littleEndian;
    const magic = view.getUint32(pos, le);
    this.pcapNs = magic === PCAP_MAGIC_NS;
    const major = view.getUint16(pos + 4, le);
    const minor = view.getUint16(pos + 6, le);
    if (major !== 2) return this.fail(at, `pcap: file header at offset ${at}: unsupported version ${major}.${minor}`);
    const snaplen = view.getUint32(pos + 16, le);
    const linkType = view.getUint32(pos + 20, le) & 0x03ffffff;
    const tsresol = this.pcapNs ? 9 : 6;
    const info: CaptureInterface = {
      id: 0,
      section: 0,
      linkType,
      snaplen,
      tsUnitsPerSecond: this.pcapNs ? 1e9 : 1e6,
      tsresol,
      tsOffset: 0,
    };
    this.pcapIface = { info, res: decodeTsresol(tsresol) };
    this.interfaces.push(info);
    this.sections.push({ index: 0, offset: at, littleEndian: le, versionMajor: major, versionMinor: minor });
    this.consumed = 24;
    return STEP_META;
  }

  private pcapRecord(buf: Uint8Array, view: DataView, pos: number, at: number): number {
    const avail = buf.length - pos;
    if (avail < 16) return this.wait(16, 'record');
    const le = this.littleEndian;
    const capLen = view.getUint32(pos + 8, le);
    if (capLen > MAX_PCAP_RECORD) {
      return this.fail(at, `pcap: record at offset ${at}: captured length ${capLen} is larger than the maximum ${MAX_PCAP_RECORD}`);
    }
    if (avail < 16 + capLen) return this.wait(16 + capLen, 'record');
    const frac = view.getUint32(pos + 4, le);
    this.tsSec = view.getUint32(pos, le);
    this.tsNsec = this.pcapNs ? frac : frac * 1000;
    this.pktInterface = 0;
    this.pktCapLen = capLen;
    this.pktOrigLen = view.getUint32(pos + 12, le);
    this.pktDataStart = pos + 16;
    this.pktComments = undefined;
    this.pktFlags = undefined;
    this.consumed = 16 + capLen;
    return STEP_PACKET;
  }

  // ---- pcapng ----

  private pcapngBlock(buf: Uint8Array, view: DataView, pos: number, at: number): number {
    const avail = buf.length - pos;
    if (avail < 12) return this.wait(12, 'block');
    let le = this.littleEndian;
    let type = view.getUint32(pos, le);
    if (view.getUint32(pos, false) === PCAPNG_SHB) {
      type = PCAPNG_SHB;
      const bom = view.getUint32(pos + 8, true);
      if (bom === PCAPNG_BYTE_ORDER_MAGIC) le = true;
      else if (view.getUint32(pos + 8, false) === PCAPNG_BYTE_ORDER_MAGIC) le = false;
      else return this.fail(at, `pcapng: block at offset ${at}: section header has an unknown byte-order magic 0x${hex32(view.getUint32(pos + 8, false))}`);
    } else if (this.sections.length === 0) {
      return this.fail(at, `pcapng: block at offset ${at}: the file does not start with a section header block`);
    }
    const len = view.getUint32(pos + 4, le);
    const where = `pcapng: block at offset ${at}`;
    if (len % 4 !== 0) return this.fail(at, `${where}: block total length ${len} is not a multiple of 4`);
    if (len < 12) return this.fail(at, `${where}: block total length ${len} is less than the minimum 12`);
    if (len > this.maxBlock) return this.fail(at, `${where}: block total length ${len} is larger than the maximum ${this.maxBlock}`);
    if (avail < len) return this.wait(len, 'block');
    const trailer = view.getUint32(pos + len - 4, le);
    if (trailer !== len) return this.fail(at, `${where}: block total length ${len} does not match the trailing length ${trailer}`);
    this.consumed = len;
    switch (type) {
      case PCAPNG_SHB:
        return this.sectionHeader(buf, view, pos, at, len, le);
      case BLOCK_EPB:
        return this.enhancedPacket(buf, view, pos, at, len);
      case BLOCK_SPB:
        return this.simplePacket(view, pos, at, len);
      case BLOCK_PB:
        return this.obsoletePacket(buf, view, pos, at, len);
      case BLOCK_IDB:
        return this.interfaceDescription(buf, view, pos, at, len);
      case BLOCK_DSB:
        return this.decryptionSecrets(buf, view, pos, at, len);
      default:
        // NRB, ISB, custom and unknown blocks: well-formed framing is all we need to skip them.
        return STEP_META;
    }
  }

  private tooShort(at: number, type: number, len: number, min: number): number {
    return this.fail(at, `pcapng: block at offset ${at}: ${BLOCK_NAMES[type] ?? 'block'} total length ${len} is less than the minimum ${min}`);
  }

  private sectionHeader(buf: Uint8Array, view: DataView, pos: number, at: number, len: number, le: boolean): number {
    if (len < 28) return this.tooShort(at, PCAPNG_SHB, len, 28);
    const major = view.getUint16(pos + 12, le);
    const minor = view.getUint16(pos + 14, le);
    if (major !== 1) return this.fail(at, `pcapng: block at offset ${at}: unsupported section version ${major}.${minor}`);
    this.littleEndian = le;
    const section: CaptureSection = { index: this.sections.length, offset: at, littleEndian: le, versionMajor: major, versionMinor: minor };
    const ok = this.options(buf, view, pos + 24, pos + len - 4, at, pos, (code, start, end) => {
      if (code === 2) section.hardware = text(buf, start, end);
      else if (code === 3) section.os = text(buf, start, end);
      else if (code === 4) section.userAppl = text(buf, start, end);
      else if (code === 1) (section.comments ??= []).push(text(buf, start, end));
    });
    if (!ok) return STEP_ERROR;
    this.sections.push(section);
    this.sectionIfaces = [];
    return STEP_META;
  }

  private interfaceDescription(buf: Uint8Array, view: DataView, pos: number, at: number, len: number): number {
    if (len < 20) return this.tooShort(at, BLOCK_IDB, len, 20);
    const le = this.littleEndian;
    let tsresol = 6;
    const info: CaptureInterface = {
      id: this.interfaces.length,
      section: this.sections.length - 1,
      linkType: view.getUint16(pos + 8, le),
      snaplen: view.getUint32(pos + 12, le),
      tsUnitsPerSecond: 1e6,
      tsresol: 6,
      tsOffset: 0,
    };
    let badResol = -1;
    const ok = this.options(buf, view, pos + 16, pos + len - 4, at, pos, (code, start, end) => {
      const size = end - start;
      if (code === 2) info.name = text(buf, start, end);
      else if (code === 3) info.description = text(buf, start, end);
      else if (code === 11 && size >= 1) info.filter = text(buf, start + 1, end);
      else if (code === 12) info.os = text(buf, start, end);
      else if (code === 15) info.hardware = text(buf, start, end);
      else if (code === 1) (info.comments ??= []).push(text(buf, start, end));
      else if (code === 9 && size >= 1) {
        tsresol = buf[start];
        const v = tsresol & 0x7f;
        if (tsresol & 0x80 ? v > 63 : v > 19) badResol = tsresol;
      } else if (code === 14 && size >= 8) {
        info.tsOffset = Number(view.getBigInt64(start, le));
      }
    });
    if (!ok) return STEP_ERROR;
    if (badResol >= 0) return this.fail(at, `pcapng: block at offset ${at}: if_tsresol 0x${badResol.toString(16)} is out of range`);
    const res = decodeTsresol(tsresol);
    info.tsresol = tsresol;
    info.tsUnitsPerSecond = res.unitsPerSecond;
    this.interfaces.push(info);
    this.sectionIfaces.push({ info, res });
    return STEP_META;
  }

  private iface(at: number, kind: string, id: number): InterfaceState | undefined {
    const state = this.sectionIfaces[id];
    if (!state) {
      this.fail(at, `pcapng: block at offset ${at}: ${kind} refers to interface ${id}, but the section has ${this.sectionIfaces.length} interface(s)`);
    }
    return state;
  }

  private setTime(state: InterfaceState, hi: number, lo: number): void {
    unitsToTime(hi, lo, state.res, this);
    if (state.info.tsOffset !== 0) this.tsSec += state.info.tsOffset;
  }

  private enhancedPacket(buf: Uint8Array, view: DataView, pos: number, at: number, len: number): number {
    return this.packetWithInterface(buf, view, pos, at, len, BLOCK_EPB, 'enhanced packet block', view.getUint32(pos + 8, this.littleEndian));
  }

  /** The obsolete Packet Block: an EPB whose interface id is 16 bits (followed by a drops count). */
  private obsoletePacket(buf: Uint8Array, view: DataView, pos: number, at: number, len: number): number {
    return this.packetWithInterface(buf, view, pos, at, len, BLOCK_PB, 'packet block', view.getUint16(pos + 8, this.littleEndian));
  }

  /** EPB and PB share their layout after the interface id: timestamp, captured and original lengths, data, options. */
  private packetWithInterface(buf: Uint8Array, view: DataView, pos: number, at: number, len: number, type: number, kind: string, interfaceId: number): number {
    if (len < 32) return this.tooShort(at, type, len, 32);
    const le = this.littleEndian;
    const state = this.iface(at, kind, interfaceId);
    if (!state) return STEP_ERROR;
    const capLen = view.getUint32(pos + 20, le);
    if (capLen > len - 32) {
      return this.fail(at, `pcapng: block at offset ${at}: captured length ${capLen} does not fit in block total length ${len}`);
    }
    this.setTime(state, view.getUint32(pos + 12, le), view.getUint32(pos + 16, le));
    this.pktInterface = state.info.id;
    this.pktCapLen = capLen;
    this.pktOrigLen = view.getUint32(pos + 24, le);
    this.pktDataStart = pos + 28;
    return this.packetOptionsOf(buf, view, pos + 28 + pad4(capLen), pos + len - 4, at, pos);
  }

  private simplePacket(view: DataView, pos: number, at: number, len: number): number {
    if (len < 16) return this.tooShort(at, BLOCK_SPB, len, 16);
    const state = this.iface(at, 'simple packet block', 0);
    if (!state) return STEP_ERROR;
    const origLen = view.getUint32(pos + 8, this.littleEndian);
    let capLen = Math.min(origLen, len - 16);
    if (state.info.snaplen !== 0 && capLen > state.info.snaplen) capLen = state.info.snaplen;
    // Simple packets carry no timestamp (Wireshark shows them at time 0).
    this.tsSec = 0;
    this.tsNsec = 0;
    this.pktInterface = state.info.id;
    this.pktCapLen = capLen;
    this.pktOrigLen = origLen;
    this.pktDataStart = pos + 12;
    this.pktComments = undefined;
    this.pktFlags = undefined;
    return STEP_PACKET;
  }

  private packetOptionsOf(buf: Uint8Array, view: DataView, start: number, end: number, at: number, pos: number): number {
    this.pktComments = undefined;
    this.pktFlags = undefined;
    if (start >= end) return STEP_PACKET;
    if (!this.packetOptions) {
      // Index mode: no values needed, but the same framing checks so both modes agree on errors.
      return this.options(buf, view, start, end, at, pos, ignoreOption) ? STEP_PACKET : STEP_ERROR;
    }
    const ok = this.options(buf, view, start, end, at, pos, (code, s, e) => {
      if (code === 1) (this.pktComments ??= []).push(text(buf, s, e));
      else if (code === 2 && e - s >= 4) this.pktFlags = view.getUint32(s, this.littleEndian);
    });
    return ok ? STEP_PACKET : STEP_ERROR;
  }

  private decryptionSecrets(buf: Uint8Array, view: DataView, pos: number, at: number, len: number): number {
    if (len < 20) return this.tooShort(at, BLOCK_DSB, len, 20);
    const le = this.littleEndian;
    const type = view.getUint32(pos + 8, le);
    const size = view.getUint32(pos + 12, le);
    if (size > len - 20) {
      return this.fail(at, `pcapng: block at offset ${at}: secrets length ${size} does not fit in block total length ${len}`);
    }
    this.secrets.push({ type, data: buf.slice(pos + 16, pos + 16 + size), section: this.sections.length - 1, offset: at });
    return STEP_META;
  }

  /** Walks the options in [start, end); false (and error set) if one overruns the block. */
  private options(
    buf: Uint8Array,
    view: DataView,
    start: number,
    end: number,
    at: number,
    blockPos: number,
    onOption: (code: number, start: number, end: number) => void,
  ): boolean {
    const le = this.littleEndian;
    let p = start;
    while (p + 4 <= end) {
      const code = view.getUint16(p, le);
      const size = view.getUint16(p + 2, le);
      if (code === 0) return true; // opt_endofopt
      if (p + 4 + size > end) {
        this.fail(at, `pcapng: block at offset ${at}: option ${code} at offset ${at + (p - blockPos)} has length ${size}, which runs past the end of the block`);
        return false;
      }
      onOption(code, p + 4, p + 4 + size);
      p += 4 + pad4(size);
    }
    return true;
  }
}

function ignoreOption(): void {}

function pad4(n: number): number {
  return (n + 3) & ~3;
}

function hex32(n: number): string {
  return (n >>> 0).toString(16).padStart(8, '0');
}

function text(buf: Uint8Array, start: number, end: number): string {
  // Strings in options may carry a trailing NUL (older writers); Wireshark drops it.
  let e = end;
  while (e > start && buf[e - 1] === 0) e--;
  return utf8.decode(buf.subarray(start, e));
}
