// Colouring rules: every rule compiles, and the byte-level Broadcast rule (Wireshark's `eth[0] & 1`)
// agrees with tshark on real frames.
import { describe, it, expect } from 'vitest';
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { indexCapture } from '../../../src-shared/capture';
import { createPacket, createSession } from '../../../src-shared/net/dissect';
import { colorOf, compileColorRules, DEFAULT_COLOR_RULES } from './color-rules';

describe('colouring rules', () => {
  it('compiles the default rules with our field registry', () => {
    const compiled = compileColorRules();
    expect(compiled.filters.length).toBe(DEFAULT_COLOR_RULES.length);
    expect(compiled.fields.has('tcp.flags.reset')).toBe(true);
  });

  it('tests eth[0] & 1 like tshark', () => {
    const file = path.join(__dirname, 'fixtures/dhcp-arp-icmp.pcapng');
    const bytes = new Uint8Array(readFileSync(file));
    const ix = indexCapture(bytes);
    const broadcast = compileColorRules(DEFAULT_COLOR_RULES.filter((r) => r.name === 'Broadcast'));
    const session = createSession();
    const p = createPacket({ tree: false, columns: true, wanted: broadcast.fields });
    const ours: number[] = [];
    for (let i = 0; i < ix.count; i++) {
      session.dissect(p, bytes.subarray(ix.dataOffset[i], ix.dataOffset[i] + ix.capturedLength[i]), i + 1, ix.originalLength[i], ix.seconds[i], ix.nanoseconds[i], 1);
      if (colorOf(broadcast, p) === 0) ours.push(i + 1);
    }
    const theirs = execFileSync('tshark', ['-r', file, '-Y', 'eth[0] & 1', '-T', 'fields', '-e', 'frame.number'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] })
      .split('\n')
      .filter(Boolean)
      .map(Number);
    expect(theirs.length).toBeGreaterThan(0);
    expect(ours).toEqual(theirs);
  });
});
