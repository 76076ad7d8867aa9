import { describe, it, expect } from 'vitest';
import { markNewLines } from './state-diff';

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
