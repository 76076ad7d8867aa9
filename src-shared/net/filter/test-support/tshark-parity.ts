// Test support: runs display filters through tshark 4.0 and through our filter over the same capture,
// so each filter must be refused by both or select the same frames. Used by the *.tshark.test.ts files
// here; a missing tshark fails those tests.
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { expect } from 'vitest';
import { readCapture } from '../../../capture';
import { createPacket, createSession, lookupField } from '../../dissect';
import { compileFilter } from '../compile';

export interface TsharkOutcome {
  ok: boolean;
  frames: number[];
  stderr: string;
}

export function tsharkFilter(file: string, filter: string): TsharkOutcome {
  const r = spawnSync('tshark', ['-r', file, '-Y', filter, '-T', 'fields', '-e', 'frame.number'], { encoding: 'utf8' });
  if (r.error) throw r.error; // tshark missing: the test fails, as it must
  return { ok: r.status === 0, frames: r.stdout.split('\n').filter((l) => l !== '').map(Number), stderr: r.stderr };
}

/** A checker for one capture: compares our verdict and frames with tshark's; `onRefused` checks the error text. */
export function filterParity(file: string, onRefused: (ours: string, tshark: TsharkOutcome) => void) {
  const capture = readCapture(new Uint8Array(readFileSync(file)));
  return (text: string): void => {
    const expected = tsharkFilter(file, text);
    const compiled = compileFilter(text, lookupField);
    expect(compiled.ok, compiled.ok ? expected.stderr : compiled.error.message).toBe(expected.ok);
    if (!compiled.ok) {
      onRefused(compiled.error.message, expected);
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
  };
}
