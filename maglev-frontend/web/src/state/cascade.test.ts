import { describe, expect, it } from 'vitest';
import { bucketsOf, health } from './cascade';
import { frontend, lb } from './testdata';

const base = { frontend: frontend(), reachable: true, lbState: lb({ a: 512, b: 512, c: 0 }), settling: false };

describe('health cascade (design.md §5), first match wins', () => {
  it('❓ unknown: maglevd unreachable', () => {
    expect(health({ ...base, reachable: false })).toBe('unknown');
  });
  it('❓ unknown: frontend state unknown', () => {
    expect(health({ ...base, frontend: frontend({ state: 'unknown' }) })).toBe('unknown');
  });
  it('❓ unknown: no lb state yet (VPP not connected)', () => {
    expect(health({ ...base, lbState: null })).toBe('unknown');
  });
  it('‼️ bug-buckets: the VIP is missing in VPP', () => {
    expect(health({ ...base, lbState: lb({ a: 512 }, 'other') })).toBe('bug-buckets');
  });
  it('‼️ bug-buckets: a backend that should carry owns no bucket', () => {
    expect(health({ ...base, lbState: lb({ a: 1024, b: 0, c: 0 }) })).toBe('bug-buckets');
  });
  it('‼️ bug-buckets: a backend that should carry nothing owns buckets', () => {
    expect(health({ ...base, lbState: lb({ a: 400, b: 400, c: 224 }) })).toBe('bug-buckets');
  });
  it("❓ unknown: the VIP is missing because maglevd's warm-up holds it", () => {
    expect(health({ ...base, lbState: lb({ a: 512 }, 'other'), held: true })).toBe('unknown');
  });
  it("‼️ is suppressed while the warm-up holds a VIP VPP still has from before", () => {
    expect(health({ ...base, lbState: lb({ a: 1024, b: 0, c: 0 }), held: true })).toBe('ok');
  });
  it('‼️ is suppressed while settling, and the next rules apply', () => {
    expect(health({ ...base, lbState: lb({ a: 1024, b: 0, c: 0 }), settling: true })).toBe('ok');
  });
  it('❗ primary-drained: no primary backend carries weight', () => {
    const f = frontend();
    f.pools[0].backends.forEach((b) => {
      b.state = 'down';
      b.effective_weight = 0;
    });
    f.pools[1].backends[0].effective_weight = 100;
    f.active_pool = 1;
    expect(health({ ...base, frontend: f, lbState: lb({ a: 0, b: 0, c: 1024 }) })).toBe('primary-drained');
  });
  it('⚠️ degraded: a backend of the active pool is not up', () => {
    const f = frontend();
    f.pools[0].backends[1].state = 'down';
    f.pools[0].backends[1].effective_weight = 0;
    expect(health({ ...base, frontend: f, lbState: lb({ a: 1024, b: 0, c: 0 }) })).toBe('degraded');
  });
  it('⚠️ is not about the standby pool', () => {
    const f = frontend();
    f.pools[1].backends[0].state = 'down';
    expect(health({ ...base, frontend: f })).toBe('ok');
  });
  it('✅ ok', () => {
    expect(health(base)).toBe('ok');
  });
});

describe('bucketsOf', () => {
  it('reads a backend’s buckets in its frontend’s VIP', () => {
    expect(bucketsOf(lb({ a: 600, b: 424 }), 'web', 'b')).toBe(424);
    expect(bucketsOf(lb({ a: 600 }), 'web', 'zz')).toBe(0);
    expect(bucketsOf(lb({ a: 600 }), 'other', 'a')).toBeNull();
    expect(bucketsOf(null, 'web', 'a')).toBeNull();
  });
});
