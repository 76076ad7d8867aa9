import { describe, it, expect } from 'vitest';
import { endpointLabel, formatSize, formatTimer, formatVirtualTime } from './format';

describe('simulation format', () => {
  it('shows virtual time in seconds with microseconds', () => {
    expect(formatVirtualTime(0)).toBe('0.000000 s');
    expect(formatVirtualTime(1_000_250)).toBe('1.000250 s');
    expect(formatVirtualTime(42)).toBe('0.000042 s');
  });
  it('names an interface after its device', () => {
    expect(endpointLabel('r1', 'eth1')).toBe('r1 eth1');
  });
  it('shows timers compactly, cutting fractions, never negative', () => {
    expect(formatTimer(59.8)).toBe('59s');
    expect(formatTimer(-3)).toBe('0s');
    expect(formatTimer(60)).toBe('1m 00s');
    expect(formatTimer(303)).toBe('5m 03s');
    expect(formatTimer(7500)).toBe('2h 05m');
    expect(formatTimer(86400 * 3 + 3600 * 4 + 59)).toBe('3d 4h');
    expect(formatTimer(null)).toBe('—');
  });
  it('shows sizes in decimal units', () => {
    expect(formatSize(512)).toBe('512 B');
    expect(formatSize(1500)).toBe('1.5 kB');
    expect(formatSize(2_345_678)).toBe('2.3 MB');
  });
});
