import { describe, it, expect } from 'vitest';
import { HstsStore, parseStsHeader } from './hsts';

const S = 1_000_000;

describe('HSTS (RFC 6797)', () => {
  it('parses the header examples of RFC 6797 §6.2', () => {
    expect(parseStsHeader('max-age=31536000')).toEqual({ ok: true, value: { maxAge: 31536000, includeSubDomains: false } });
    expect(parseStsHeader('max-age=15768000 ; includeSubDomains')).toEqual({ ok: true, value: { maxAge: 15768000, includeSubDomains: true } });
    expect(parseStsHeader('max-age="31536000"')).toEqual({ ok: true, value: { maxAge: 31536000, includeSubDomains: false } });
    expect(parseStsHeader('max-age=0')).toEqual({ ok: true, value: { maxAge: 0, includeSubDomains: false } });
    expect(parseStsHeader('max-age=0; includeSubDomains')).toEqual({ ok: true, value: { maxAge: 0, includeSubDomains: true } });
    expect(parseStsHeader('MAX-AGE=10; preload; future-directive="x"')).toEqual({ ok: true, value: { maxAge: 10, includeSubDomains: false } });
  });

  it('rejects invalid headers (§6.1: missing max-age, duplicates)', () => {
    expect(parseStsHeader('includeSubDomains')).toMatchObject({ ok: false, error: { message: /max-age is required/ } });
    expect(parseStsHeader('max-age=1; max-age=2')).toMatchObject({ ok: false, error: { message: /more than once/ } });
    expect(parseStsHeader('max-age=abc')).toMatchObject({ ok: false });
  });

  it('learns over https only, matches congruently or via includeSubDomains, and expires in virtual time', () => {
    const store = new HstsStore();
    expect(store.noteHeader('example.com', 'max-age=60', 0, { secure: false }).action).toBe('ignored');
    expect(store.noteHeader('192.0.2.1', 'max-age=60', 0, { secure: true }).action).toBe('ignored');
    expect(store.noteHeader('example.com', 'max-age=60', 10 * S, { secure: true })).toEqual({ action: 'stored', explanation: 'learned HSTS for example.com for 60 s' });
    expect(store.match('EXAMPLE.com.', 20 * S)?.explanation).toBe('example.com sent Strict-Transport-Security (expires in 50 s)');
    expect(store.match('www.example.com', 20 * S)).toBeUndefined();
    expect(store.match('example.com', 70 * S)).toBeUndefined();
    expect(store.entries(70 * S)).toEqual([]);

    store.noteHeader('example.com', 'max-age=3600; includeSubDomains', 100 * S, { secure: true });
    expect(store.match('a.b.example.com', 200 * S)).toMatchObject({ how: 'superdomain', entry: { host: 'example.com' } });
    expect(store.noteHeader('example.com', 'max-age=0', 300 * S, { secure: true }).action).toBe('removed');
    expect(store.match('example.com', 300 * S)).toBeUndefined();
  });

  it('keeps preloaded hosts forever and lets a learned entry override them', () => {
    const store = new HstsStore([{ host: 'bank.lab', includeSubDomains: false }]);
    expect(store.match('bank.lab', 1e15)?.how).toBe('congruent');
    expect(store.match('www.bank.lab', 0)).toBeUndefined();
    store.noteHeader('bank.lab', 'max-age=100; includeSubDomains', 0, { secure: true });
    expect(store.match('www.bank.lab', 50 * S)?.how).toBe('superdomain');
    expect(store.match('www.bank.lab', 150 * S)).toBeUndefined();
    expect(store.match('bank.lab', 150 * S)?.entry.source).toBe('preload');
  });
});
