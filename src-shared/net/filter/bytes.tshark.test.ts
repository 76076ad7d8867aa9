// Byte-string literals in display filters against tshark 4.0: with and without separators, lone
// digits, mixed group lengths, Ethernet addresses written as plain hex, and what tshark refuses
// ("0x0101", too many bytes). Each filter must be refused by both or select the same frames.
// tshark runs at test time; a missing tshark fails the test.
import { describe, it, expect } from 'vitest';
import { fileURLToPath } from 'node:url';
import { filterParity, tsharkFilter } from './test-support/tshark-parity';

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

describe('display filter byte strings vs tshark 4.0', () => {
  const check = filterParity(FILE, (ours, theirs) => expect(theirs.stderr).toContain(ours));
  for (const text of FILTERS) it(text, () => check(text));
  it('some of these filters select frames (the comparison is not vacuous)', () => {
    expect(tsharkFilter(FILE, 'udp.payload[0:3] == 01016').frames.length).toBeGreaterThan(0);
    expect(tsharkFilter(FILE, 'eth.src == 02005ea00001').frames.length).toBeGreaterThan(0);
  });
});
