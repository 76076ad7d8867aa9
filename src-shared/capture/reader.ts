// Streaming reader for pcap and pcapng: feed it chunks as they arrive (file reads, fetch bodies)
// and it hands back the packets each chunk completes. Only the unfinished tail of the input is
// kept between chunks, and a block is assembled only once all its bytes are there, so memory stays
// bounded by the largest block (16 MiB by default) however large the file.

import { CaptureDecoder, STEP_ERROR, STEP_NEED_MORE, STEP_PACKET, type DecoderOptions } from './decoder';
import type { CaptureError, CaptureFormat, CaptureInterface, CapturePacket, CaptureSection, DecryptionSecrets } from './types';

/** Collects chunks and runs a decoder over them; shared by the packet reader and the indexer. */
export abstract class ChunkedDecoding {
  protected readonly decoder: CaptureDecoder;
  private pending: Uint8Array[] = [];
  private pendingBytes = 0;
  /** Absolute file offset of the first pending byte. */
  private base = 0;
  private ended = false;

  constructor(options: DecoderOptions) {
    this.decoder = new CaptureDecoder(options);
  }

  get format(): CaptureFormat | undefined {
    return this.decoder.format;
  }
  get interfaces(): readonly CaptureInterface[] {
    return this.decoder.interfaces;
  }
  get sections(): readonly CaptureSection[] {
    return this.decoder.sections;
  }
  get secrets(): readonly DecryptionSecrets[] {
    return this.decoder.secrets;
  }
  /** The first problem found; reading stops there, everything before it was delivered. */
  get error(): CaptureError | undefined {
    return this.decoder.error;
  }
  /** Bytes fully decoded so far. */
  get offset(): number {
    return this.base;
  }

  /**
   * Called for each packet: `buf[d.pktDataStart …]` holds its bytes, `at` is its record's file
   * offset and `bufBase` the file offset of buf[0].
   */
  protected abstract onPacket(buf: Uint8Array, at: number, bufBase: number): void;

  protected feed(chunk: Uint8Array): void {
    if (this.ended || this.decoder.error || chunk.length === 0) return;
    this.pending.push(chunk);
    this.pendingBytes += chunk.length;
    if (this.pendingBytes < this.decoder.need) return;
    const buf = this.pending.length === 1 ? this.pending[0] : concat(this.pending, this.pendingBytes);
    const view = new DataView(buf.buffer, buf.byteOffset, buf.byteLength);
    const d = this.decoder;
    let pos = 0;
    for (;;) {
      const step = d.step(buf, view, pos, this.base + pos);
      if (step === STEP_NEED_MORE || step === STEP_ERROR) break;
      if (step === STEP_PACKET) this.onPacket(buf, this.base + pos, this.base);
      pos += d.consumed;
    }
    this.base += pos;
    if (d.error || pos === buf.length) {
      this.pending = [];
      this.pendingBytes = 0;
    } else {
      this.pending = [buf.subarray(pos)];
      this.pendingBytes = buf.length - pos;
    }
  }

  /** Marks the end of input; a partial record or block left over becomes a truncation error. */
  protected finish(): void {
    if (this.ended) return;
    this.ended = true;
    if (!this.decoder.error && (this.pendingBytes > 0 || this.decoder.format === undefined)) {
      this.decoder.error = this.decoder.truncation(this.base, this.pendingBytes);
    }
    this.pending = [];
    this.pendingBytes = 0;
  }
}

export interface ReaderOptions {
  /** Largest pcapng block accepted (bytes); default 16 MiB. */
  maxBlockSize?: number;
}

export class CaptureStreamReader extends ChunkedDecoding {
  private out: CapturePacket[] = [];

  constructor(options: ReaderOptions = {}) {
    super({ packetOptions: true, maxBlockSize: options.maxBlockSize });
  }

  /** Feeds the next piece of the file; returns the packets it completed (possibly none). */
  push(chunk: Uint8Array): CapturePacket[] {
    this.feed(chunk);
    return this.take();
  }

  /** Signals the end of the file. Returns nothing new for well-formed files; check `error` afterwards. */
  end(): CapturePacket[] {
    this.finish();
    return this.take();
  }

  protected onPacket(buf: Uint8Array, at: number): void {
    const d = this.decoder;
    const packet: CapturePacket = {
      interfaceId: d.pktInterface,
      timestamp: { seconds: d.tsSec, nanoseconds: d.tsNsec },
      data: buf.subarray(d.pktDataStart, d.pktDataStart + d.pktCapLen),
      originalLength: d.pktOrigLen,
      fileOffset: at,
    };
    if (d.pktComments) packet.comments = d.pktComments;
    if (d.pktFlags !== undefined) packet.flags = d.pktFlags;
    this.out.push(packet);
  }

  private take(): CapturePacket[] {
    const out = this.out;
    this.out = [];
    return out;
  }
}

export interface CaptureFile {
  format: CaptureFormat | undefined;
  sections: CaptureSection[];
  interfaces: CaptureInterface[];
  packets: CapturePacket[];
  secrets: DecryptionSecrets[];
  /** Set when the file is damaged or truncated; `packets` holds every packet before the problem. */
  error?: CaptureError;
}

/** Reads a whole pcap or pcapng file held in memory. Packet data are views into `bytes`. */
export function readCapture(bytes: Uint8Array, options: ReaderOptions = {}): CaptureFile {
  const reader = new CaptureStreamReader(options);
  const packets = reader.push(bytes);
  for (const p of reader.end()) packets.push(p);
  return result(reader, packets);
}

/** Reads a capture from an async source of chunks (a Node read stream, a fetch body reader …). */
export async function* readCaptureStream(
  source: AsyncIterable<Uint8Array>,
  options: ReaderOptions = {},
): AsyncGenerator<CapturePacket, CaptureFile, void> {
  const reader = new CaptureStreamReader(options);
  for await (const chunk of source) {
    yield* reader.push(chunk);
    if (reader.error) break;
  }
  yield* reader.end();
  return result(reader, []);
}

function result(reader: CaptureStreamReader, packets: CapturePacket[]): CaptureFile {
  const file: CaptureFile = {
    format: reader.format,
    sections: [...reader.sections],
    interfaces: [...reader.interfaces],
    packets,
    secrets: [...reader.secrets],
  };
  if (reader.error) file.error = reader.error;
  return file;
}

function concat(parts: Uint8Array[], total: number): Uint8Array {
  const out = new Uint8Array(total);
  let off = 0;
  for (const p of parts) {
    out.set(p, off);
    off += p.length;
  }
  return out;
}
