// Benchmark: index and stream-read a generated 1M-frame capture (pcapng and pcap), in memory.
// Run: npx esbuild src-shared/capture/bench-index.ts --bundle --platform=node --format=esm \
//        --outfile=/tmp/bench-index.mjs && node --expose-gc /tmp/bench-index.mjs [frames]
// Not a test: prints figures. Uses only globals every runtime has (declared below), so it
// type-checks with src-shared's no-Node settings.

import { CaptureIndexer, indexCapture } from './capture-index';
import { CaptureStreamReader } from './reader';
import { PcapngWriter } from './pcapng-writer';
import { writePcap } from './pcap-writer';
import { LINKTYPE_ETHERNET } from './linktypes';
import type { Timestamp } from './types';
import { concatBytes } from '../bytes';

declare const performance: { now(): number };
declare const console: { log(...args: unknown[]): void };
const g = globalThis as unknown as {
  gc?: () => void;
  process?: { argv: string[]; memoryUsage(): { heapUsed: number; arrayBuffers: number } };
};

const frames = Number(g.process?.argv[2] ?? 1_000_000);

/** Frame sizes of a DNS/HTTP mix: mostly small queries/ACKs, some full segments (mean ≈ 280 B). */
function frameSize(i: number): number {
  const r = (i * 2654435761) >>> 0;
  const k = r % 20;
  if (k < 9) return 60 + (r % 40); // ACKs, small DNS
  if (k < 17) return 90 + (r % 200); // DNS answers, HTTP requests
  return 600 + (r % 914); // HTTP bodies
}

function packets(): Iterable<{ timestamp: Timestamp; data: Uint8Array; interfaceId: number }> {
  const payload = new Uint8Array(1514).map((_, i) => i & 0xff);
  let n = 0;
  return {
    [Symbol.iterator]() {
      return {
        next() {
          if (n >= frames) return { done: true, value: undefined };
          const i = n++;
          return {
            done: false,
            value: { timestamp: { seconds: 1795345188 + Math.floor(i / 1000), nanoseconds: (i % 1000) * 1000 + 7 }, data: payload.subarray(0, frameSize(i)), interfaceId: 0 },
          };
        },
      };
    },
  };
}

function time<T>(label: string, fn: () => T): T {
  const t0 = performance.now();
  const r = fn();
  const ms = performance.now() - t0;
  console.log(`${label}: ${ms.toFixed(0)} ms (${((frames / ms) * 1000 / 1e6).toFixed(2)} M frames/s)`);
  return r;
}

function memory(): number {
  g.gc?.();
  const m = g.process?.memoryUsage();
  return m ? m.heapUsed + m.arrayBuffers : 0;
}

const pcapng = time('generate pcapng (PcapngWriter)', () => {
  const w = new PcapngWriter();
  w.addInterface({ linkType: LINKTYPE_ETHERNET, name: 'bench0' });
  const parts: Uint8Array[] = [w.flush()];
  let k = 0;
  for (const p of packets()) {
    w.addPacket(p);
    if (++k % 10000 === 0) parts.push(w.flush());
  }
  parts.push(w.flush());
  return concatBytes(parts);
});
const pcap = time('generate pcap (writePcap)', () => writePcap({ linkType: LINKTYPE_ETHERNET, nanoseconds: true }, packets()));
console.log(`files: pcapng ${(pcapng.length / 1e6).toFixed(1)} MB, pcap ${(pcap.length / 1e6).toFixed(1)} MB, ${frames} frames`);

for (const [name, bytes] of [
  ['pcapng', pcapng],
  ['pcap', pcap],
] as const) {
  const before = memory();
  const index = time(`index ${name} (whole buffer)`, () => indexCapture(bytes, { capacityHint: 1024 }));
  const after = memory();
  if (index.count !== frames || index.error) throw new Error(`index ${name}: ${index.count} frames, ${index.error?.message}`);
  const columns = index.dataOffset.byteLength + index.capturedLength.byteLength + index.originalLength.byteLength + index.seconds.byteLength + index.nanoseconds.byteLength + (index.interfaceId?.byteLength ?? 0);
  console.log(`  index columns: ${(columns / frames).toFixed(1)} B/frame; heap+buffers growth after GC: ${((after - before) / frames).toFixed(1)} B/frame`);
  time(`index ${name} (64 KiB chunks, copied like file reads)`, () => {
    const indexer = new CaptureIndexer();
    for (let i = 0; i < bytes.length; i += 65536) indexer.push(bytes.slice(i, i + 65536));
    const chunked = indexer.end();
    if (chunked.count !== frames) throw new Error(`chunked index ${name}: ${chunked.count}`);
  });
  time(`stream-read ${name} (packet objects, 64 KiB chunks, discarded)`, () => {
    const reader = new CaptureStreamReader();
    let n = 0;
    for (let i = 0; i < bytes.length; i += 65536) n += reader.push(bytes.subarray(i, i + 65536)).length;
    n += reader.end().length;
    if (n !== frames) throw new Error(`stream ${name}: ${n}`);
  });
}
