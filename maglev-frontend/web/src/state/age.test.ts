import { describe, expect, it } from 'vitest';
import { ageOf, formatAge, sinceNs } from './age';

describe('formatAge', () => {
  it('says now under a second and for a clock slightly ahead', () => {
    expect(formatAge(0)).toBe('now');
    expect(formatAge(999)).toBe('now');
    expect(formatAge(-5000)).toBe('now');
    expect(formatAge(Number.NaN)).toBe('now');
  });
  it('uses the two most significant units', () => {
    expect(formatAge(42_000)).toBe('42s');
    expect(formatAge(630_000)).toBe('10m30s');
    expect(formatAge(4_320_000)).toBe('1h12m');
    expect(formatAge(144_000_000)).toBe('1d16h');
    expect(formatAge(60_000)).toBe('1m');
    expect(formatAge(3_600_000 + 30_000)).toBe('1h');
    expect(formatAge(86_400_000 * 3 + 5 * 60_000)).toBe('3d');
  });
});

describe('sinceNs', () => {
  it('reads Unix nanoseconds as strings', () => {
    expect(sinceNs('1795600800000000000', 1795600810000)).toBe(10_000);
    expect(sinceNs('0', 5)).toBeNull();
    expect(sinceNs(undefined, 5)).toBeNull();
  });
});

describe('ageOf', () => {
  it('shows a dash for no time at all', () => {
    expect(ageOf('0', 5)).toBe('—');
    expect(ageOf('1795600800000000000', 1795600810000)).toBe('10s');
  });
});
