import { describe, it, expect } from 'vitest';
import { diffRows, markNewLines, timerReset } from './state-diff';

describe('markNewLines', () => {
  it('marks nothing on a first look', () => {
    expect(markNewLines(null, 'a\nb\n')).toEqual([{ text: 'a', fresh: false }, { text: 'b', fresh: false }]);
  });
  it('marks lines that were not there before, counting repeats', () => {
    expect(markNewLines('a\nb', 'a\nc\nb\nb')).toEqual([
      { text: 'a', fresh: false },
      { text: 'c', fresh: true },
      { text: 'b', fresh: false },
      { text: 'b', fresh: true },
    ]);
  });
  it('marks a changed line (an ARP entry going from INCOMPLETE to REACHABLE)', () => {
    const before = '192.0.2.1 dev eth0 INCOMPLETE';
    const after = '192.0.2.1 dev eth0 lladdr 02:00:00:00:00:01 REACHABLE';
    expect(markNewLines(before, after)).toEqual([{ text: after, fresh: true }]);
  });
});

describe('diffRows', () => {
  type Entry = { name: string; data: string; ttl: number };
  const key = (e: Entry) => e.name;
  const facts = (e: Entry) => e.data;
  const refreshed = (a: Entry, b: Entry) => timerReset(a.ttl, b.ttl);

  it('marks nothing on a first look', () => {
    const d = diffRows(null, [{ name: 'a', data: '1', ttl: 5 }], key, facts, refreshed);
    expect(d.rows.map((r) => r.change)).toEqual(['same']);
    expect(d.removed).toEqual([]);
  });

  it('tells new, changed, reset and removed rows apart; a timer counting down is no change', () => {
    const before: Entry[] = [
      { name: 'a', data: '1', ttl: 300 },
      { name: 'b', data: '2', ttl: 300 },
      { name: 'c', data: '3', ttl: 10 },
      { name: 'd', data: '4', ttl: 10 },
    ];
    const after: Entry[] = [
      { name: 'a', data: '1', ttl: 299.2 }, // counting down
      { name: 'b', data: '9', ttl: 299 }, // new data
      { name: 'c', data: '3', ttl: 300 }, // cached again
      { name: 'e', data: '5', ttl: 60 }, // new
    ];
    const d = diffRows(before, after, key, facts, refreshed);
    expect(d.rows.map((r) => [r.row.name, r.change])).toEqual([
      ['a', 'same'],
      ['b', 'changed'],
      ['c', 'changed'],
      ['e', 'new'],
    ]);
    expect(d.removed.map((r) => r.name)).toEqual(['d']);
  });

  it('matches repeated keys one to one (two A records of one name)', () => {
    const before = [{ name: 'x', data: '1', ttl: 5 }];
    const after = [
      { name: 'x', data: '1', ttl: 4 },
      { name: 'x', data: '1', ttl: 4 },
    ];
    expect(diffRows(before, after, key, facts, refreshed).rows.map((r) => r.change)).toEqual(['same', 'new']);
  });

  it('treats a timer appearing or disappearing as a reset', () => {
    expect(timerReset(null, 30)).toBe(true);
    expect(timerReset(30, null)).toBe(true);
    expect(timerReset(null, null)).toBe(false);
    expect(timerReset(30, 29)).toBe(false);
  });
});
