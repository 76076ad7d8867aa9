import { describe, it, expect } from 'vitest';
import { JOURNEY } from './journey.fixture';
import { axisTicks, formatBytes, formatMs, layoutWaterfall, requestName } from './waterfall';

describe('timing waterfall layout', () => {
  it('puts every request of the first visit on one axis, phases in order', () => {
    const wf = layoutWaterfall(JOURNEY.loads[0]);
    expect(wf.rows.map((r) => r.offsetMs)).toEqual([0, 13.9, 34.6, 37.7]);
    const first = wf.rows[0];
    expect(first.segments.map((s) => s.phase)).toEqual(['dns', 'connect', 'request', 'ttfb', 'download']); // no TLS on http
    expect(first.segments[1].startMs).toBeCloseTo(7.5);
    expect(first.totalMs).toBeCloseTo(13.9);
    const https = wf.rows[1];
    expect(https.segments.map((s) => [s.phase, s.startMs])).toEqual([
      ['dns', 13.9],
      ['connect', expect.closeTo(22.1, 6)],
      ['tls', expect.closeTo(25, 6)],
      ['request', expect.closeTo(31.1, 6)],
      ['ttfb', expect.closeTo(31.2, 6)],
      ['download', expect.closeTo(34.1, 6)],
    ]);
    expect(wf.finishMs).toBeCloseTo(41.8);
    expect(wf.spanMs).toBe(50);
    expect(wf.ticks).toEqual([0, 10, 20, 30, 40, 50]);
    expect(wf.transferredBytes).toBe(162 + 1256 + 412 + 68);
    expect(wf.resourceBytes).toBe(wf.transferredBytes);
  });

  it('counts bytes served from the cache as resources, not as transferred', () => {
    const wf = layoutWaterfall(JOURNEY.loads[1]);
    expect(wf.transferredBytes).toBe(1256);
    expect(wf.resourceBytes).toBe(1256 + 412 + 68);
    expect(wf.rows[1].segments).toEqual([]);
    expect(wf.rows[1].offsetMs).toBeCloseTo(3.3);
  });

  it('never draws backwards for odd numbers (negative or NaN phases, a request before the load)', () => {
    const load = { ...JOURNEY.loads[0], requests: [{ ...JOURNEY.loads[0].requests[0], startUs: 1_000, dns: -3, ttfb: Number.NaN }] };
    const wf = layoutWaterfall(load);
    expect(wf.rows[0].offsetMs).toBe(0);
    expect(wf.rows[0].segments.every((s) => s.ms > 0 && s.startMs >= 0)).toBe(true);
  });

  it('chooses round ticks', () => {
    expect(axisTicks(1)).toEqual([0, 0.2, 0.4, 0.6, 0.8, 1]);
    expect(axisTicks(250)).toEqual([0, 50, 100, 150, 200, 250]);
    expect(axisTicks(3000)).toEqual([0, 1000, 2000, 3000]);
  });

  it('formats times, sizes and names as devtools does', () => {
    expect(formatMs(0.42)).toBe('0.42 ms');
    expect(formatMs(12.34)).toBe('12.3 ms');
    expect(formatMs(340.4)).toBe('340 ms');
    expect(formatMs(1250)).toBe('1.25 s');
    expect(formatBytes(68)).toBe('68 B');
    expect(formatBytes(1256)).toBe('1.3 kB');
    expect(formatBytes(2_500_000)).toBe('2.5 MB');
    expect(requestName('https://www.example.com/style.css')).toBe('style.css');
    expect(requestName('https://www.example.com/')).toBe('www.example.com');
    expect(requestName('https://a.test/x/y?z=1')).toBe('y?z=1');
    expect(requestName('not a url')).toBe('not a url');
  });
});
