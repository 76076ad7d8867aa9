import { describe, it, expect } from 'vitest';
import { endpointLabel, formatVirtualTime } from './format';

describe('simulation format', () => {
  it('shows virtual time in seconds with microseconds', () => {
    expect(formatVirtualTime(0)).toBe('0.000000 s');
    expect(formatVirtualTime(1_000_250)).toBe('1.000250 s');
    expect(formatVirtualTime(42)).toBe('0.000042 s');
  });
  it('names an interface after its device', () => {
    expect(endpointLabel('r1', 'eth1')).toBe('r1 eth1');
  });
});
