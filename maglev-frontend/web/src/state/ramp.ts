import type { PoolBackend } from '../api/types';

/**
 * The weight cell of a backend: its effective weight, and while it ramps (slow start) the target
 * and the time left as maglevd's and maglevc's columns say it: "40 → 100, 12 s left". The time
 * left counts down on the page's clock from the ramp's start and length; once slow-start has
 * passed and the churn bound still holds the ramp back, it says so.
 */
export function weightCell(b: PoolBackend, nowMs: number): string {
  return `${b.effective_weight}${rampSuffix(b, nowMs)}`;
}

/** What follows the effective weight while the backend ramps: " → 100, 12 s left"; else "". */
export function rampSuffix(b: PoolBackend, nowMs: number): string {
  const r = b.slow_start;
  if (!r || !(r.target_weight > 0)) {
    return '';
  }
  const endMs = Number((BigInt(r.since_ns) + BigInt(r.duration_ns)) / 1_000_000n);
  const leftMs = endMs - nowMs;
  const when = leftMs > 0 ? `${Math.ceil(leftMs / 1000)} s left` : 'past slow-start (churn bound)';
  return ` → ${r.target_weight}, ${when}`;
}
