import { describe, expect, it } from 'vitest';
import type { Backend } from '../api/types';
import { reasonWord, summarize } from './summary';
import { frontend, maglevd } from './testdata';

/** "HH:MM" in UTC, so the cases do not depend on the machine's time zone. */
const utc = (ms: number) => new Date(ms).toISOString().slice(11, 16);

/** 2026-12-06 11:02:00 UTC in Unix nanoseconds. */
const AT_1102 = (BigInt(Date.UTC(2026, 11, 6, 11, 2)) * 1_000_000n).toString();

const backends = (): Backend[] => maglevd().backends.map((b) => ({ ...b }));

describe('reasonWord', () => {
  it('turns proto enum names into the user guide words', () => {
    expect(reasonWord('WEIGHT_REASON_KEPT_LAST')).toBe('kept-last');
    expect(reasonWord('WEIGHT_REASON_FROZEN')).toBe('frozen');
    expect(reasonWord('WEIGHT_REASON_SLOW_START')).toBe('slow-start');
  });
  it('is empty for an older maglevd or an unset reason', () => {
    expect(reasonWord(undefined)).toBe('');
    expect(reasonWord('WEIGHT_REASON_UNSPECIFIED')).toBe('');
  });
});

describe('summarize: one line for a collapsed frontend card', () => {
  it('all well: counts the active pool only', () => {
    expect(summarize(frontend(), backends(), utc)).toBe('2 of 2 serving');
  });

  it('names a down backend and since when, and a disabled spare', () => {
    const f = frontend();
    f.pools[0].backends[1] = { ...f.pools[0].backends[1], state: 'down', effective_weight: 0 };
    f.pools[1].backends[0] = { ...f.pools[1].backends[0], state: 'disabled' };
    const bs = backends();
    bs[1] = { ...bs[1], state: 'down', last_transition_ns: AT_1102 };
    bs[2] = { ...bs[2], state: 'disabled', enabled: false };
    expect(summarize(f, bs, utc)).toBe('1 of 2 serving; b down since 11:02; c disabled');
  });

  it('leaves out "since" when maglevd gives no transition time', () => {
    const f = frontend();
    f.pools[0].backends[0] = { ...f.pools[0].backends[0], state: 'unknown', effective_weight: 0 };
    const bs = backends();
    bs[0] = { ...bs[0], state: 'unknown' };
    expect(summarize(f, bs, utc)).toBe('1 of 2 serving; a unknown');
  });

  it('says the frontend failed over and counts the pool that serves', () => {
    const f = frontend({ active_pool: 1 });
    f.pools[0].backends = f.pools[0].backends.map((b) => ({ ...b, state: 'down', effective_weight: 0 }));
    f.pools[1].backends[0] = { ...f.pools[1].backends[0], effective_weight: 100 };
    const bs = backends().map((b) => (b.name === 'c' ? b : { ...b, state: 'down' }));
    expect(summarize(f, bs, utc)).toBe('1 of 1 serving; failed over to fallback; a down; b down');
  });

  it('says panic and kept-last', () => {
    const down = frontend();
    down.pools[0].backends = down.pools[0].backends.map((b) => ({ ...b, state: 'down', reason: 'WEIGHT_REASON_PANIC' }));
    const bs = backends().map((b) => (b.name === 'c' ? b : { ...b, state: 'down' }));
    expect(summarize({ ...down, mode: 'panic' }, bs, utc)).toBe(
      '2 of 2 serving; panic: too few up, every backend gets traffic; a down; b down',
    );
    expect(summarize({ ...down, mode: 'kept-last' }, bs, utc)).toBe(
      '2 of 2 serving; nothing up: last weights kept; a down; b down',
    );
  });

  it('names weights that self-suspicion, the drain budget or slow start decide', () => {
    const f = frontend();
    f.pools[0].backends[0] = { ...f.pools[0].backends[0], state: 'down', reason: 'WEIGHT_REASON_FROZEN' };
    f.pools[0].backends[1] = { ...f.pools[0].backends[1], state: 'down', reason: 'WEIGHT_REASON_HELD' };
    f.pools[1].backends[0] = { ...f.pools[1].backends[0], reason: 'WEIGHT_REASON_SLOW_START' };
    const bs = backends().map((b) => (b.name === 'c' ? b : { ...b, state: 'down' }));
    expect(summarize(f, bs, utc)).toBe(
      '2 of 2 serving; a down but frozen (checker suspect); b down but held (drain budget); c ramping up',
    );
  });

  it('names three backends and counts the rest', () => {
    const names = ['a', 'b', 'c', 'd', 'e'];
    const f = frontend({
      pools: [
        {
          name: 'primary',
          backends: names.map((name) => ({ name, weight: 100, effective_weight: 0, flush: false, state: 'paused' })),
        },
      ],
    });
    expect(summarize(f, [], utc)).toBe('0 of 5 serving; a paused; b paused; c paused; 2 more');
  });

  it('mentions a backend in two pools once', () => {
    const f = frontend();
    f.pools[1].backends = [{ ...f.pools[0].backends[0], state: 'paused', effective_weight: 0 }];
    f.pools[0].backends[0] = { ...f.pools[0].backends[0], state: 'paused', effective_weight: 0 };
    expect(summarize(f, [], utc)).toBe('1 of 2 serving; a paused');
  });

  it('says something sensible for a frontend without pools', () => {
    expect(summarize(frontend({ pools: [] }), [], utc)).toBe('0 of 0 serving');
  });
});
