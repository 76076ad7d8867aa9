// Byte-string literals in display filters against tshark 4.0: with and without separators, lone
// digits, mixed group lengths, Ethernet addresses written as plain hex, and what tshark refuses
// ("0x0101", too many bytes). Each filter must be refused by both or select the same frames.
// tshark runs at test time; a missing tshark fails the test.
import { describe, it, expect } from 'vitest';
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { readCapture } from '../../capture';
import { createPacket, createSession, lookupField } from '../dissect';
import { compileFilter } from './compile';

const FILE = fileURLToPath(new URL('../dissect/fixtures/dhcp-arp-icmp.pcapng', import.meta.url));

const FILTERS = [
  'udp.payload[0:3] == 010106',
  'udp.payload[0:3] == 010107',
  'udp.payload[0:3] == 01016',
  'udp.payload[0:3] == 10106',
  'udp.payload[0:4] == 01010600',
  'udp.payload[0:4] == 0101.0600',
  'udp.payload[0:3] == 01.0106',
  'udp.payload[0:3] == 010.106',
  'udp.payload[0:3] == 1.1.6',
  'udp.payload[0:3] == 1-1-6',
  'udp.payload[0:3] == 01-0106',
  'udp.payload[0:3] == 01:01:06',
  'udp.payload[0:1] == 1',
  'udp.payload == 010106',
  'udp.payload contains 0106',
  'udp.payload contains 63825363',
  'frame contains 0a0b',
  'eth.src == 02005ea00001',
  'eth.src == 0200000a0001',
  'eth.dst == ffffffffffff',
  'eth.src == 02000000000a0001',
  'eth.src == 0200.5ea0.0099',
  'udp.payload == 0x0101',
  'udp.payload[0:3] == 0x010106',
];

function tshark(filter: string): { ok: boolean; frames: number[]; stderr: string } {
  const r = spawnSync('tshark', ['-r', FILE, '-Y', filter, '-T', 'fields', '-e', 'frame.number'], { encoding: 'utf8' });
  if (r.error) throw r.error; // tshark missing: the test fails, as it must
  return { ok: r.status === 0, frames: r.stdout.split('\n').filter((l) => l !== '').map(Number), stderr: r.stderr };
}

describe('display filter byte strings vs tshark 4.0', () => {
  const capture = readCapture(new Uint8Array(readFileSync(FILE)));
  for (const text of FILTERS) {
    it(text, () => {
      const expected = tshark(text);
      const compiled = compileFilter(text, lookupField);
      expect(compiled.ok, compiled.ok ? expected.stderr : compiled.error.message).toBe(expected.ok);
      if (!compiled.ok) {
        // tshark's own message ("… is not a valid byte string.")
        expect(expected.stderr).toContain(compiled.error.message);
        return;
      }
      const session = createSession();
      const packet = createPacket({ tree: false, columns: false, wanted: new Set(compiled.filter.fields) });
      const frames: number[] = [];
      capture.packets.forEach((pk, i) => {
        session.dissect(packet, pk.data, i + 1, pk.originalLength, pk.timestamp.seconds, pk.timestamp.nanoseconds, 1);
        if (compiled.filter.matches(packet)) frames.push(i + 1);
      });
      expect(frames).toEqual(expected.frames);
    });
  }
  it('some of these filters select frames (the comparison is not vacuous)', () => {
    expect(tshark('udp.payload[0:3] == 01016').frames.length).toBeGreaterThan(0);
    expect(tshark('eth.src == 02005ea00001').frames.length).toBeGreaterThan(0);
  });
});
