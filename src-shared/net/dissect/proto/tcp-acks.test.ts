// The SEQ/ACK analysis state must not depend on which path a frame took: the renderer and the CLI
// mix the summary-line fast path (tcpColumnsFast) with the full dissector. Every reference
// capture is dissected twice — once by the full dissector alone, once with every other frame
// through the fast path — and the analysis values of the frames the full dissector saw in both
// runs must be equal. (The values themselves are checked against tshark in dissect.tshark.test.ts.)
import { describe, it, expect } from 'vitest';
import { readFileSync, readdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import path from 'node:path';
import { readCapture } from '../../../capture';
import { createPacket, createSession, type Packet } from '../index';
import { FastColumns } from '../fast-columns';
import { TextWriter } from '../text-writer';

const DIRS = ['../fixtures', '../fixtures-tls'].map((d) => fileURLToPath(new URL(d, import.meta.url)));
const FIELDS = ['tcp.analysis', 'tcp.analysis.acks_frame', 'tcp.analysis.ack_rtt', 'tcp.analysis.initial_rtt', 'tcp.analysis.bytes_in_flight', 'tcp.analysis.push_bytes_sent', 'tcp.analysis.rto', 'tcp.analysis.rto_frame'];

const row = (p: Packet) => FIELDS.map((f) => p.values(f).join(',')).join('\t');

describe('SEQ/ACK analysis state is the same through the fast path and the full dissector', () => {
  const files = DIRS.flatMap((dir) => readdirSync(dir).filter((n) => /\.pcap(ng)?$/.test(n)).map((n) => path.join(dir, n)));
  it('on every reference capture, with every other frame through the fast path', () => {
    let compared = 0;
    let fastFrames = 0;
    for (const file of files) {
      const capture = readCapture(new Uint8Array(readFileSync(file)));
      const link = (i: number) => capture.interfaces[capture.packets[i].interfaceId]?.linkType ?? 1;
      const full = createSession();
      const fp = createPacket({ tree: false, columns: true, wanted: new Set(FIELDS) });
      const expected = capture.packets.map((pk, i) => {
        full.dissect(fp, pk.data, i + 1, pk.originalLength, pk.timestamp.seconds, pk.timestamp.nanoseconds, link(i));
        return row(fp);
      });
      const mixed = createSession();
      const colsPacket = createPacket({ tree: false, columns: true, wanted: new Set() });
      const fast = new FastColumns(mixed, colsPacket, new TextWriter(() => {}, 4096));
      const mp = createPacket({ tree: false, columns: true, wanted: new Set(FIELDS) });
      capture.packets.forEach((pk, i) => {
        const { seconds, nanoseconds } = pk.timestamp;
        if (i % 2 === 0 && fast.line(pk.data, 0, pk.data.length, pk.originalLength, i + 1, seconds, nanoseconds, link(i), 9)) {
          fastFrames++;
          return;
        }
        if (i % 2 === 0) mixed.dissect(colsPacket, pk.data, i + 1, pk.originalLength, seconds, nanoseconds, link(i));
        else {
          mixed.dissect(mp, pk.data, i + 1, pk.originalLength, seconds, nanoseconds, link(i));
          expect(row(mp), `${path.basename(file)} frame ${i + 1}`).toBe(expected[i]);
          compared++;
        }
      });
    }
    expect(fastFrames).toBeGreaterThan(50);
    expect(compared).toBeGreaterThan(200);
  });
});
