import { describe, it, expect } from 'vitest';
import { JOURNEY } from './journey.fixture';
import { axisTicks, formatBytes, formatMs, layoutWaterfall, requestName } from './waterfall';

describe('timing waterfall layout', () => {
  it('puts every request of the first visit on one axis, phases in order', () => {
    const wf = layoutWaterfall(JOURNEY.loads[0]);
    expect(wf.rows.map((r) => r.timing.url)).toEqual(['http://example.com/', 'https://example.com/', 'https://www.example.com/', 'https://www.example.com/style.css', 'https://www.example.com/logo.png']);
    expect(wf.rows.map((r) => r.offsetMs)).toEqual([0, 181.374, 292.498, 505.459, 547.122]);
    // http: no TLS; https: a new connection with TLS; the subresources reuse it (no DNS, connect, TLS).
    expect(wf.rows.map((r) => r.segments.map((s) => s.phase))).toEqual([['dns', 'connect', 'ttfb'], ['connect', 'tls', 'ttfb'], ['dns', 'connect', 'tls', 'ttfb'], ['ttfb'], ['ttfb']]);
    const www = wf.rows[2];
    expect(www.segments.map((s) => s.startMs)).toEqual([292.498, expect.closeTo(377.891, 6), expect.closeTo(416.831, 6), expect.closeTo(454.272, 6)]);
    expect(www.totalMs).toBeCloseTo(85.393 + 38.94 + 37.441 + 51.187, 6);
    expect(wf.finishMs).toBeCloseTo(588.756, 6);
    expect(wf.spanMs).toBe(600);
    expect(wf.ticks).toEqual([0, 200, 400, 600]);
    expect(wf.transferredBytes).toBe(40 + 44 + 249 + 89 + 73);
    expect(wf.resourceBytes).toBe(wf.transferredBytes);
  });

  it('counts bytes served from the cache as resources, not as transferred', () => {
    const wf = layoutWaterfall(JOURNEY.loads[1]);
    expect(wf.rows.map((r) => r.timing.source)).toEqual(['network', 'cache', 'cache', 'cache']);
    expect(wf.transferredBytes).toBe(44);
    expect(wf.resourceBytes).toBe(44 + 249 + 89 + 73);
    expect(wf.rows[1].segments).toEqual([]);
    expect(wf.rows[1].offsetMs).toBeCloseTo(36.943, 6);
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
