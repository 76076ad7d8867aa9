// Quoted strings in display filters against tshark 4.0: escapes ("\\.", "\x41", "\101", "\n"),
// escapes tshark refuses ("\." "\d" "\q"), and raw strings (r"\.txt", where backslashes stay, as
// regular expressions want). Each filter must be refused by both or select the same frames.
// tshark runs at test time; a missing tshark fails the test.
import { describe, it, expect } from 'vitest';
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { readCapture } from '../../capture';
import { createPacket, createSession, lookupField } from '../dissect';
import { compileFilter } from './compile';

const FILE = fileURLToPath(new URL('../dissect/fixtures/http-keepalive-3req.pcapng', import.meta.url));

const FILTERS = [
  'frame matches "\\.txt"',
  'frame matches "\\\\.txt"',
  'frame matches r"\\.txt"',
  'frame matches R"/[ab]\\.txt"',
  'frame matches r"\\d\\.txt"',
  'frame matches "\\d+"',
  'frame contains r"\\x47ET"',
  'frame contains "\\x47ET"',
  'frame contains "\\107ET"',
  'frame contains "\\x4"',
  'frame contains "\\q"',
  'http.request.uri == r"/a.txt"',
  'frame contains r"a\\"b"',
  'frame contains "\\\\"',
  'frame matches r"unterminated',
];

function tshark(filter: string): { ok: boolean; frames: number[]; stderr: string } {
  const r = spawnSync('tshark', ['-r', FILE, '-Y', filter, '-T', 'fields', '-e', 'frame.number'], { encoding: 'utf8' });
  if (r.error) throw r.error; // tshark missing: the test fails, as it must
  return { ok: r.status === 0, frames: r.stdout.split('\n').filter((l) => l !== '').map(Number), stderr: r.stderr };
}

describe('display filter strings vs tshark 4.0', () => {
  const capture = readCapture(new Uint8Array(readFileSync(FILE)));
  for (const text of FILTERS) {
    it(text, () => {
      const expected = tshark(text);
      const compiled = compileFilter(text, lookupField);
      expect(compiled.ok, compiled.ok ? '' : compiled.error.message).toBe(expected.ok);
      if (!compiled.ok) {
        // tshark's own words where it has them ("\q is not a valid character escape sequence")
        if (/escape sequence/.test(expected.stderr)) expect(expected.stderr).toContain(compiled.error.message);
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
});
