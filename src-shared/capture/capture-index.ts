// Index-building mode: one pass over a capture that records, per packet, where its bytes are in
// the file, its lengths and its timestamp, in typed-array columns (24 bytes per frame; 26 when the
// file has more than one interface). No packet objects are built, so a 1M-frame file indexes in a
// fraction of a second and the UI can fetch any frame's bytes later by offset.

import { ChunkedDecoding, type ReaderOptions } from './reader';
import type { CaptureError, CaptureFormat, CaptureInterface, CaptureSection, DecryptionSecrets } from './types';

export interface CaptureIndex {
  format: CaptureFormat | undefined;
  count: number;
  /** Absolute file offset of each packet's first byte (not of its record header). */
  dataOffset: Float64Array;
  capturedLength: Uint32Array;
  originalLength: Uint32Array;
  /** Seconds since the epoch (unsigned 32-bit, like classic pcap; larger values are clamped). */
  seconds: Uint32Array;
  nanoseconds: Uint32Array;
  /** Global interface id per packet; undefined when every packet is on interface 0. */
  interfaceId: Uint16Array | undefined;
  interfaces: CaptureInterface[];
  sections: CaptureSection[];
  secrets: DecryptionSecrets[];
  error?: CaptureError;
}

export interface IndexerOptions extends ReaderOptions {
  /** Expected number of packets, to size the columns once (they grow by doubling otherwise). */
  capacityHint?: number;
}

export class CaptureIndexer extends ChunkedDecoding {
  private count = 0;
  private capacity: number;
  private dataOffset: Float64Array;
  private capturedLength: Uint32Array;
  private originalLength: Uint32Array;
  private seconds: Uint32Array;
  private nanoseconds: Uint32Array;
  private interfaceId: Uint16Array | undefined;

  constructor(options: IndexerOptions = {}) {
    super({ packetOptions: false, maxBlockSize: options.maxBlockSize });
    this.capacity = Math.max(16, options.capacityHint ?? 1024);
    this.dataOffset = new Float64Array(this.capacity);
    this.capturedLength = new Uint32Array(this.capacity);
    this.originalLength = new Uint32Array(this.capacity);
    this.seconds = new Uint32Array(this.capacity);
    this.nanoseconds = new Uint32Array(this.capacity);
  }

  push(chunk: Uint8Array): void {
    this.feed(chunk);
  }

  /** Ends the input and returns the index, its columns trimmed to `count`. */
  end(): CaptureIndex {
    this.finish();
    const n = this.count;
    const index: CaptureIndex = {
      format: this.format,
      count: n,
      dataOffset: trim(this.dataOffset, n),
      capturedLength: trim(this.capturedLength, n),
      originalLength: trim(this.originalLength, n),
      seconds: trim(this.seconds, n),
      nanoseconds: trim(this.nanoseconds, n),
      interfaceId: this.interfaceId && trim(this.interfaceId, n),
      interfaces: [...this.interfaces],
      sections: [...this.sections],
      secrets: [...this.secrets],
    };
    if (this.error) index.error = this.error;
    return index;
  }

  protected onPacket(_buf: Uint8Array, _at: number, bufBase: number): void {
    const d = this.decoder;
    const i = this.count;
    if (i === this.capacity) this.grow();
    this.dataOffset[i] = bufBase + d.pktDataStart;
    this.capturedLength[i] = d.pktCapLen;
    this.originalLength[i] = d.pktOrigLen;
    this.seconds[i] = d.tsSec > 0xffffffff ? 0xffffffff : d.tsSec;
    this.nanoseconds[i] = d.tsNsec;
    if (d.pktInterface !== 0) {
      this.interfaceId ??= new Uint16Array(this.capacity);
      this.interfaceId[i] = d.pktInterface;
    }
    this.count = i + 1;
  }

  private grow(): void {
    const cap = this.capacity * 2;
    this.dataOffset = resize(this.dataOffset, cap);
    this.capturedLength = resize(this.capturedLength, cap);
    this.originalLength = resize(this.originalLength, cap);
    this.seconds = resize(this.seconds, cap);
    this.nanoseconds = resize(this.nanoseconds, cap);
    if (this.interfaceId) this.interfaceId = resize(this.interfaceId, cap);
    this.capacity = cap;
  }
}

/** Indexes a whole capture held in memory. */
export function indexCapture(bytes: Uint8Array, options: IndexerOptions = {}): CaptureIndex {
  const indexer = new CaptureIndexer(options);
  indexer.push(bytes);
  return indexer.end();
}

type Column = Float64Array | Uint32Array | Uint16Array;

function resize<T extends Column>(a: T, size: number): T {
  const b = new (a.constructor as new (n: number) => T)(size);
  b.set(a);
  return b;
}

function trim<T extends Column>(a: T, n: number): T {
  return (a.length === n ? a : a.slice(0, n)) as T;
}
