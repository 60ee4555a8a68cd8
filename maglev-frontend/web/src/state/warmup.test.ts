import { describe, expect, it } from 'vitest';
import { warmUpText } from './warmup';

const now = 1_780_000_000_000;
const endsIn = (ms: number) => String(BigInt(now + ms) * 1_000_000n);

describe("maglevd's warm-up in words", () => {
  it('names the held frontends and when they are written at the latest', () => {
    expect(warmUpText({ active: true, hands_off_until_ns: endsIn(-1_000), ends_ns: endsIn(24_000), held_frontends: ['anycast', 'web'] }, now)).toBe(
      'anycast, web not written to VPP yet: once their backends are known, at the latest in 24s',
    );
  });
  it('says so while nothing may be written at all (startup-min-delay)', () => {
    const w = { active: true, hands_off_until_ns: endsIn(3_000), ends_ns: endsIn(28_000), held_frontends: ['web'] };
    expect(warmUpText(w, now)).toBe(
      'web not written to VPP yet: nothing is written for 3s more, then each once its backends are known, all at the latest in 28s',
    );
  });
  it('says when nothing is held any more', () => {
    expect(warmUpText({ active: true, hands_off_until_ns: endsIn(-1_000), ends_ns: endsIn(90_500), held_frontends: [] }, now)).toBe(
      'every VIP written; the warm-up ends in 1m30s',
    );
  });
  it('an end already passed (clocks apart, a refresh not yet in) reads "now"', () => {
    expect(warmUpText({ active: true, hands_off_until_ns: endsIn(-1_000), ends_ns: endsIn(-2_000), held_frontends: ['web'] }, now)).toBe(
      'web not written to VPP yet: once their backends are known, at the latest now',
    );
  });
});
