import { describe, it, expect } from 'vitest';
import * as fc from 'fast-check';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { TlsKeyLog } from './tls-keylog';

const KEYS = fileURLToPath(new URL('../fixtures-tls/https-tls13.keys', import.meta.url));
const hex = (s: string): Uint8Array => Uint8Array.from(s.match(/../g) ?? [], (h) => parseInt(h, 16));

describe('NSS key log parsing', () => {
  it('reads curl\'s TLS 1.3 key log: five secrets of one connection', () => {
    const log = new TlsKeyLog();
    expect(log.add(readFileSync(KEYS, 'utf8'), 'https-tls13.keys')).toBe(5);
    expect(log.errors).toEqual([]);
    const s = log.get(hex('43f9f1b92c68cdc1c20f86194fc47954cb7d25d186da94d16edd3b7c6bb8bdcd'))!;
    expect(Object.keys(s).sort()).toEqual(['CLIENT_HANDSHAKE_TRAFFIC_SECRET', 'CLIENT_TRAFFIC_SECRET_0', 'EXPORTER_SECRET', 'SERVER_HANDSHAKE_TRAFFIC_SECRET', 'SERVER_TRAFFIC_SECRET_0']);
    expect(s.SERVER_TRAFFIC_SECRET_0![0]).toBe(0xe1);
    expect(s.SERVER_TRAFFIC_SECRET_0!.length).toBe(48);
  });

  it('lists every bad line with its number and reason, skips comments, blank lines, CRLF and RSA lines', () => {
    const random = 'ab'.repeat(32);
    const text = [
      '# SSL/TLS secrets log file',
      '',
      `CLIENT_RANDOM ${random} ${'11'.repeat(48)}\r`,
      `CLIENT_RANDOM ${random} ${'11'.repeat(47)}`,
      `SERVER_TRAFFIC_SECRET_0 ${random.slice(2)} ${'22'.repeat(32)}`,
      `CLIENT_TRAFFIC_SECRET_0 ${random} ${'zz'.repeat(32)}`,
      `CLIENT_TRAFFIC_SECRET_0 ${random}`,
      `NOT_A_LABEL ${random} ${'22'.repeat(32)}`,
      `RSA 0011223344556677 ${'00'.repeat(48)}`,
      `client_traffic_secret_0 ${random} ${'22'.repeat(32)}`,
      `SERVER_TRAFFIC_SECRET_0 ${random.toUpperCase()} ${'33'.repeat(32)}`,
    ].join('\n');
    const log = new TlsKeyLog();
    expect(log.add(text, 'test.keys')).toBe(2);
    expect(log.errors.map((e) => [e.line, e.source])).toEqual([
      [4, 'test.keys'],
      [5, 'test.keys'],
      [6, 'test.keys'],
      [7, 'test.keys'],
      [8, 'test.keys'],
      [10, 'test.keys'],
    ]);
    expect(log.errors[0].message).toContain('96 hex digits');
    expect(log.errors[1].message).toContain('client random');
    expect(log.errors[4].message).toContain('unknown label');
    // upper-case hex finds the same connection
    const s = log.get(hex(random))!;
    expect(s.CLIENT_RANDOM!.length).toBe(48);
    expect(s.SERVER_TRAFFIC_SECRET_0![0]).toBe(0x33);
  });

  it('grows: a later key log adds to the same connection and bumps the version', () => {
    const log = new TlsKeyLog();
    const random = '01'.repeat(32);
    log.add(`CLIENT_HANDSHAKE_TRAFFIC_SECRET ${random} ${'aa'.repeat(32)}`);
    const v = log.version;
    log.add('# nothing new');
    expect(log.version).toBe(v);
    log.add(`SERVER_HANDSHAKE_TRAFFIC_SECRET ${random} ${'bb'.repeat(32)}`);
    expect(log.version).toBe(v + 1);
    expect(Object.keys(log.get(hex(random))!)).toHaveLength(2);
  });

  it('never throws on arbitrary text, and bounds the error list', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 400 }), (text) => {
        const log = new TlsKeyLog();
        expect(() => log.add(text)).not.toThrow();
      }),
      { numRuns: 300 },
    );
    const log = new TlsKeyLog();
    log.add('garbage\n'.repeat(5000));
    expect(log.errors.length).toBe(1000);
  });
});
