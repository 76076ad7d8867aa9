import { describe, it, expect } from 'vitest';
import { Scheduler } from './scheduler';
import { ms } from './time';

describe('Scheduler', () => {
  it('runs events in (time, sequence) order and advances the clock', () => {
    const s = new Scheduler();
    const seen: string[] = [];
    s.at(ms(20), 'b', () => seen.push(`b@${s.now}`));
    s.at(ms(10), 'a', () => seen.push(`a@${s.now}`));
    s.at(ms(20), 'c', () => seen.push(`c@${s.now}`));
    s.at(ms(10), 'a2', () => seen.push(`a2@${s.now}`));
    const r = s.run();
    expect(seen).toEqual(['a@10000', 'a2@10000', 'b@20000', 'c@20000']);
    expect(r).toMatchObject({ reason: 'idle', processed: 4, now: 20000 });
  });

  it('keeps ordering on many random insertions', () => {
    const s = new Scheduler();
    const times: number[] = [];
    let x = 12345;
    for (let i = 0; i < 2000; i++) {
      x = (Math.imul(x, 1103515245) + 12345) >>> 0;
      const t = x % 5000;
      s.at(t, 'e', () => times.push(s.now));
    }
    s.run();
    expect(times).toHaveLength(2000);
    for (let i = 1; i < times.length; i++) expect(times[i]).toBeGreaterThanOrEqual(times[i - 1]);
  });

  it('skips cancelled events (lazy cancel) and lets events schedule more', () => {
    const s = new Scheduler();
    const seen: number[] = [];
    const timer = s.at(ms(5), 'timeout', () => seen.push(-1));
    s.at(ms(1), 'reply', () => {
      s.cancel(timer);
      s.after(ms(2), 'follow-up', () => seen.push(s.now));
    });
    expect(s.run().processed).toBe(2);
    expect(seen).toEqual([3000]);
  });

  it('stops at an end time with the clock advanced to it', () => {
    const s = new Scheduler();
    const seen: number[] = [];
    for (let t = 0; t <= 10; t++) s.at(ms(t), 'tick', () => seen.push(t));
    const r = s.run({ until: ms(4.5) });
    expect(r).toMatchObject({ reason: 'until', now: 4500 });
    expect(seen).toEqual([0, 1, 2, 3, 4]);
    expect(s.run({ until: ms(100) })).toMatchObject({ reason: 'until', now: 100000, processed: 6 });
  });

  it('ends a runaway with a budget diagnostic naming the culprit', () => {
    const s = new Scheduler();
    const loop = (): void => {
      s.after(1, 'ping-pong', loop);
    };
    s.at(0, 'ping-pong', loop);
    const r = s.run({ budget: 50_000 });
    expect(r.reason).toBe('budget');
    expect(r.processed).toBe(50_000);
    expect(r.diagnostic).toMatch(/event budget of 50000 events exhausted at t=0\.049999 s/);
    expect(r.diagnostic).toContain('"ping-pong"');
  });

  it('stops on request after the current event', () => {
    const s = new Scheduler();
    let after = false;
    s.at(1, 'storm', () => s.stop('broadcast storm on switch sw1'));
    s.at(2, 'later', () => (after = true));
    expect(s.run()).toMatchObject({ reason: 'stopped', diagnostic: 'broadcast storm on switch sw1', now: 1 });
    expect(after).toBe(false);
  });

  it('rejects times in the past and non-integer times', () => {
    const s = new Scheduler();
    s.at(10, 'x', () => {});
    s.run();
    expect(() => s.at(5, 'past', () => {})).toThrow(/past/);
    expect(() => s.at(10.5, 'frac', () => {})).toThrow(/integer/);
  });
});
