// Property tests: whatever the text, compiling never throws and never hangs, errors point inside
// the text, and compiled filters never throw on any frame.
import { describe, it, expect } from 'vitest';
import fc from 'fast-check';
import { compileFilter } from './compile';
import type { FieldInfo, FieldValue } from '../dissect/types';

// A small, realistic field table (test-only).
const FIELDS: FieldInfo[] = [
  { name: 'frame', label: 'Frame', type: 'protocol' },
  { name: 'frame.len', label: 'Frame length', type: 'uint', bits: 32 },
  { name: 'frame.time_relative', label: 'Time', type: 'reltime' },
  { name: 'eth.addr', label: 'Address', type: 'ether' },
  { name: 'eth.type', label: 'Type', type: 'uint', bits: 16, base: 'hex' },
  { name: 'ip', label: 'IPv4', type: 'protocol' },
  { name: 'ip.addr', label: 'Source or Destination Address', type: 'ipv4' },
  { name: 'ip.proto', label: 'Protocol', type: 'uint', bits: 8, valueNames: { 1: 'ICMP', 6: 'TCP', 17: 'UDP' } },
  { name: 'ip.ttl', label: 'Time to Live', type: 'uint', bits: 8 },
  { name: 'ipv6.addr', label: 'Address', type: 'ipv6' },
  { name: 'tcp', label: 'TCP', type: 'protocol' },
  { name: 'tcp.port', label: 'Port', type: 'uint', bits: 16 },
  { name: 'tcp.flags.syn', label: 'Syn', type: 'bool' },
  { name: 'tcp.analysis', label: 'SEQ/ACK analysis', type: 'none' },
  { name: 'tcp.payload', label: 'TCP payload', type: 'bytes' },
  { name: 'dns.qry.name', label: 'Name', type: 'string' },
  { name: 'icmp.ident', label: 'Identifier', type: 'int', bits: 16 },
  { name: 'dns.time', label: 'Time', type: 'float' },
];
const TABLE = new Map(FIELDS.map((f) => [f.name, f]));
const lookup = (name: string) => TABLE.get(name);

const VOCAB = [
  ...FIELDS.map((f) => f.name), 'foo', '==', '!=', '===', '~=', '<', '>', '<=', '>=', '~', '&', 'eq', 'ne', 'contains', 'matches', 'in',
  'not', 'and', 'or', '&&', '||', '!', '(', ')', '{', '}', ',', '..', '[0:3]', '[-1]', '[1-2]', '[x]', '"abc"', '"a\\x41"', '"(("', '"\\q',
  '0', '1', '80', '0x1f', '017', '-5', '1.5', '99999999999', 'true', 'False', 'TCP', '10.0.0.0/8', '1.2.3.4', '1.2.3.4/40', '::1', 'fe80::/10',
  '02:00:5e:a0:00:01', '02-00-5e', '0200.5ea0.0001', 'zz', '"', '\\', '@', '[', ']',
];

const anyValue: fc.Arbitrary<FieldValue> = fc.oneof(
  fc.integer({ min: -1000, max: 70000 }),
  fc.double({ noNaN: false }),
  fc.boolean(),
  fc.string({ maxLength: 20 }),
  fc.uint8Array({ maxLength: 20 }),
);

/** Frames whose fields hold values of any type at all (even the "wrong" one): predicates must not throw. */
const frameArb = fc.dictionary(fc.constantFrom(...FIELDS.map((f) => f.name)), fc.array(anyValue, { maxLength: 3 }));

function check(text: string): void {
  const t0 = Date.now();
  const r = compileFilter(text, lookup);
  expect(Date.now() - t0).toBeLessThan(1000);
  if (!r.ok) {
    expect(r.error.message.length).toBeGreaterThan(0);
    expect(r.error.start).toBeGreaterThanOrEqual(0);
    expect(r.error.start).toBeLessThanOrEqual(r.error.end);
    expect(r.error.end).toBeLessThanOrEqual(text.length);
    expect(r.error.message).not.toMatch(/^Internal filter error/);
  }
}

describe('filter compiler properties', () => {
  it('random strings: no throw, no hang, errors inside the text', () => {
    fc.assert(fc.property(fc.string({ maxLength: 80 }), (s) => check(s)), { numRuns: 3000 });
  });

  it('random token soups: no throw, no hang; compiled predicates never throw', () => {
    fc.assert(
      fc.property(fc.array(fc.constantFrom(...VOCAB), { maxLength: 14 }), fc.array(frameArb, { maxLength: 3 }), (tokens, frames) => {
        const text = tokens.join(' ');
        check(text);
        const r = compileFilter(text, lookup);
        if (r.ok) {
          for (const values of frames) {
            const result = r.filter.matches({ values: (n) => values[n] ?? [] });
            expect(typeof result).toBe('boolean');
          }
        }
      }),
      { numRuns: 3000 },
    );
  });

  it('deep nesting is refused with a positioned error, not a stack overflow', () => {
    const text = '('.repeat(5000) + 'tcp' + ')'.repeat(5000);
    const r = compileFilter(text, lookup);
    expect(r).toEqual({ ok: false, error: { message: 'The filter is nested too deeply.', start: 200, end: 201 } });
    check('!'.repeat(100000) + 'tcp');
    expect(compileFilter('tcp and '.repeat(20000) + 'tcp', lookup).ok).toBe(true);
  });

  it('a huge filter compiles in bounded time', () => {
    const text = Array.from({ length: 5000 }, (_, i) => `tcp.port == ${i}`).join(' || ');
    const t0 = Date.now();
    const r = compileFilter(text, lookup);
    expect(r.ok).toBe(true);
    expect(Date.now() - t0).toBeLessThan(2000);
    expect(r.ok && r.filter.matches({ values: (n) => (n === 'tcp.port' ? [4999] : []) })).toBe(true);
  });
});
