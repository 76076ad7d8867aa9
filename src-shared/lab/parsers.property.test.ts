// Text parsers never throw and never hang on arbitrary input; every error has a position inside
// the text.
import { describe, it, expect } from 'vitest';
import fc from 'fast-check';
import { parseHosts, parseNeighbours, parseRoutes } from './tables';
import { parseJsonSource } from './json-source';
import { loadLabText } from './validate';

const tokens = ['default', 'via', 'dev', 'eth0', 'metric', '10', 'proto', 'kernel', 'scope', 'link', 'src', 'blackhole', 'lladdr', '02:00:00:00:00:01', 'PERMANENT', '192.0.2.1', '10.0.0.0/8', '/', '#', '\n', ' ', '\t', '\r', '::1', 'localhost', '.', '-', '999'];
const tableText = fc.oneof(fc.string({ maxLength: 80 }), fc.array(fc.constantFrom(...tokens), { maxLength: 30 }).map((t) => t.join(' ')), fc.array(fc.constantFrom(...tokens), { maxLength: 30 }).map((t) => t.join('')));

function checkPositions(text: string, r: { ok: true } | { ok: false; errors: { line: number; col: number; message: string }[] }): void {
  if (r.ok) return;
  const lines = text.split('\n');
  for (const e of r.errors) {
    expect(e.line).toBeGreaterThanOrEqual(1);
    expect(e.line).toBeLessThanOrEqual(lines.length);
    expect(e.col).toBeGreaterThanOrEqual(1);
    expect(e.col).toBeLessThanOrEqual(lines[e.line - 1].length + 1);
    expect(e.message.length).toBeGreaterThan(0);
  }
}

describe('table parsers on arbitrary text', () => {
  it('routes, neighbours and hosts report errors inside the text and never throw', () => {
    fc.assert(
      fc.property(tableText, (text) => {
        checkPositions(text, parseRoutes(text));
        checkPositions(text, parseNeighbours(text));
        checkPositions(text, parseHosts(text));
      }),
      { numRuns: 2000, seed: 77 },
    );
  });

  it('the JSON reader reports syntax errors inside the text and never throws', () => {
    const jsonish = fc.oneof(fc.string({ maxLength: 60 }), fc.json().map((j) => j.slice(0, Math.max(0, j.length - 1))), fc.array(fc.constantFrom('{', '}', '[', ']', '"', ':', ',', '1', 'true', 'null', '\\', 'u', '\n', ' '), { maxLength: 40 }).map((t) => t.join('')));
    fc.assert(
      fc.property(jsonish, (text) => {
        const r = parseJsonSource(text);
        if (r.ok) expect(r.source.value).toEqual(JSON.parse(text));
        else {
          expect(r.error.offset).toBeGreaterThanOrEqual(0);
          expect(r.error.offset).toBeLessThanOrEqual(text.length);
          expect(() => JSON.parse(text)).toThrow();
        }
        const lab = loadLabText(text);
        expect(lab.ok).toBe(false);
      }),
      { numRuns: 2000, seed: 78 },
    );
  });
});
