// Quoted strings in display filters against tshark 4.0: escapes ("\\.", "\x41", "\101", "\n"),
// escapes tshark refuses ("\." "\d" "\q"), and raw strings (r"\.txt", where backslashes stay, as
// regular expressions want). Each filter must be refused by both or select the same frames.
// tshark runs at test time; a missing tshark fails the test.
import { describe, it, expect } from 'vitest';
import { fileURLToPath } from 'node:url';
import { filterParity } from './test-support/tshark-parity';

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

describe('display filter strings vs tshark 4.0', () => {
  const check = filterParity(FILE, (ours, theirs) => {
    // tshark's own words where it has them ("\\q is not a valid character escape sequence")
    if (/escape sequence/.test(theirs.stderr)) expect(theirs.stderr).toContain(ours);
  });
  for (const text of FILTERS) it(text, () => check(text));
});
