// Property tests for the readers: random bytes, mutated and truncated real captures, random
// chunkings. Never a throw or a hang; packets handed out before an error are intact.
import { describe, it, expect } from 'vitest';
import fc from 'fast-check';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { readCapture, CaptureStreamReader, type CaptureFile } from './reader';
import { indexCapture } from './capture-index';
import type { CapturePacket } from './types';

const FIXTURES = join(__dirname, 'fixtures');
const load = (name: string) => new Uint8Array(readFileSync(join(FIXTURES, name)));
const SAMPLES = ['dhcp-arp-icmp.pcapng', 'dns-udp-queries.pcapng', 'https-tls13-dsb.pcapng', 'two-sections.pcapng', 'dhcp-arp-icmp.pcap', 'routing-icmp-errors-ns.pcap'];
const files = SAMPLES.map(load);
const originals = files.map((f) => readCapture(f));

function same(a: CapturePacket, b: CapturePacket): boolean {
  if (a.fileOffset !== b.fileOffset || a.originalLength !== b.originalLength || a.interfaceId !== b.interfaceId) return false;
  if (a.timestamp.seconds !== b.timestamp.seconds || a.timestamp.nanoseconds !== b.timestamp.nanoseconds) return false;
  if (a.data.length !== b.data.length) return false;
  return a.data.every((x, i) => x === b.data[i]);
}

/** Reads with a time limit; checks the invariants every result must satisfy. */
function readChecked(bytes: Uint8Array): CaptureFile {
  const t0 = Date.now();
  const r = readCapture(bytes);
  expect(Date.now() - t0).toBeLessThan(1000);
  for (const p of r.packets) {
    expect(p.fileOffset).toBeGreaterThanOrEqual(0);
    expect(p.data.byteOffset - bytes.byteOffset + p.data.length).toBeLessThanOrEqual(bytes.length);
    expect(r.interfaces[p.interfaceId]).toBeDefined();
  }
  if (r.error) {
    expect(r.error.offset).toBeGreaterThanOrEqual(0);
    expect(r.error.offset).toBeLessThanOrEqual(bytes.length);
    expect(r.error.message).toMatch(/^(pcap|pcapng|capture): .* at offset \d+: /);
    for (const p of r.packets) expect(p.fileOffset).toBeLessThan(r.error.offset);
  }
  const index = indexCapture(bytes);
  expect(index.count).toBe(r.packets.length);
  expect(index.error?.message).toBe(r.error?.message);
  return r;
}

describe('capture reader properties', () => {
  it('random bytes (with and without a valid magic) never throw or hang', () => {
    const magics = [[], [0xd4, 0xc3, 0xb2, 0xa1], [0xa1, 0xb2, 0x3c, 0x4d], [0x0a, 0x0d, 0x0d, 0x0a], [0x0a, 0x0d, 0x0d, 0x0a, 0, 0, 0, 0x1c, 0x1a, 0x2b, 0x3c, 0x4d]];
    fc.assert(
      fc.property(fc.constantFrom(...magics), fc.uint8Array({ maxLength: 600 }), (magic, rest) => {
        readChecked(new Uint8Array([...magic, ...rest]));
      }),
      { numRuns: 3000 },
    );
  });

  it('mutated real captures: no throw; packets wholly before the first changed byte are unchanged', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: files.length - 1 }),
        fc.array(fc.tuple(fc.nat(), fc.integer({ min: 0, max: 255 })), { minLength: 1, maxLength: 8 }),
        (k, edits) => {
          const bytes = files[k].slice();
          let first = bytes.length;
          for (const [pos, value] of edits) {
            const at = pos % bytes.length;
            if (bytes[at] !== value) first = Math.min(first, at);
            bytes[at] = value;
          }
          const r = readChecked(bytes);
          const orig = originals[k].packets;
          r.packets.forEach((p, i) => {
            const end = p.data.byteOffset - bytes.byteOffset + p.data.length;
            if (end + 16 <= first && i < orig.length) expect(same(p, orig[i])).toBe(true);
          });
        },
      ),
      { numRuns: 1500 },
    );
  });

  it('truncated at any length: exactly the packets that fit, then a truncation error', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: files.length - 1 }), fc.nat(), (k, n) => {
        const whole = files[k];
        const cut = n % (whole.length + 1);
        const r = readChecked(whole.subarray(0, cut));
        const orig = originals[k].packets;
        expect(r.packets.length).toBeLessThanOrEqual(orig.length);
        r.packets.forEach((p, i) => expect(same(p, orig[i])).toBe(true));
        if (cut < whole.length && r.packets.length < orig.length) {
          // The next packet did not fit; unless the cut fell exactly between records, it is reported.
          expect(r.error === undefined || r.error.truncated).toBe(true);
        }
        if (cut === whole.length) expect(r.error).toBeUndefined();
      }),
      { numRuns: 1500 },
    );
  });

  it('every truncation point of a capture, exhaustively', () => {
    const whole = load('dns-tcp.pcapng');
    const orig = readCapture(whole).packets;
    const ends = orig.map((p) => p.data.byteOffset - whole.byteOffset + p.data.length);
    for (let cut = 0; cut <= whole.length; cut++) {
      const r = readCapture(whole.subarray(0, cut));
      const fits = ends.filter((e) => e + 4 <= cut).length;
      // EPB options and trailers follow the data; a packet counts once its whole block is there.
      expect(r.packets.length).toBeLessThanOrEqual(fits);
      r.packets.forEach((p, i) => expect(same(p, orig[i])).toBe(true));
      if (r.error) expect(r.error.truncated).toBe(true);
    }
  });

  it('any chunking gives the same packets and the same error as one buffer', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: files.length - 1 }),
        fc.array(fc.integer({ min: 1, max: 700 }), { minLength: 1, maxLength: 40 }),
        fc.nat(),
        (k, sizes, cutSeed) => {
          const cut = cutSeed % (files[k].length + 1);
          const bytes = files[k].subarray(0, cut);
          const whole = readCapture(bytes);
          const reader = new CaptureStreamReader();
          const got: CapturePacket[] = [];
          let pos = 0;
          let s = 0;
          while (pos < bytes.length) {
            const size = sizes[s++ % sizes.length];
            got.push(...reader.push(bytes.slice(pos, pos + size)));
            pos += size;
          }
          got.push(...reader.end());
          expect(got.length).toBe(whole.packets.length);
          got.forEach((p, i) => {
            expect(Array.from(p.data)).toEqual(Array.from(whole.packets[i].data));
            expect(p.timestamp).toEqual(whole.packets[i].timestamp);
          });
          expect(reader.error?.message).toBe(whole.error?.message);
        },
      ),
      { numRuns: 500 },
    );
  });
});
