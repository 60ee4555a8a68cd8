import { describe, expect, it } from 'vitest';
import type { PoolBackend } from '../api/types';
import { weightCell } from './ramp';

const NOW = 1_795_600_800_000; // ms
const base: PoolBackend = { name: 'a', weight: 100, effective_weight: 100, flush: false, state: 'up' };

function ramping(weight: number, sinceMs: number, durationMs: number): PoolBackend {
  return {
    ...base,
    effective_weight: weight,
    slow_start: {
      frontend: 'web',
      weight,
      target_weight: 100,
      left_ns: '0',
      since_ns: String(BigInt(sinceMs) * 1_000_000n),
      duration_ns: String(BigInt(durationMs) * 1_000_000n),
    },
  };
}

describe('weightCell', () => {
  it('is the effective weight when the backend does not ramp', () => {
    expect(weightCell(base, NOW)).toBe('100');
    expect(weightCell({ ...base, effective_weight: 0 }, NOW)).toBe('0');
  });
  it('shows the ramp as maglevc does, the time left rounded up', () => {
    expect(weightCell(ramping(40, NOW - 8_000, 20_000), NOW)).toBe('40 → 100, 12 s left');
    expect(weightCell(ramping(40, NOW - 8_000, 20_000), NOW + 11_500)).toBe('40 → 100, 1 s left');
  });
  it('says when the churn bound holds a ramp past slow-start', () => {
    expect(weightCell(ramping(90, NOW - 30_000, 20_000), NOW)).toBe(
      '90 → 100, past slow-start (churn bound)',
    );
  });
  it('ignores an empty ramp message', () => {
    const b = ramping(40, NOW, 20_000);
    expect(weightCell({ ...b, slow_start: { ...b.slow_start!, target_weight: 0 } }, NOW)).toBe('40');
  });
});
