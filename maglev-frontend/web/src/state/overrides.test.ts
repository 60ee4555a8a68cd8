import { describe, expect, it } from 'vitest';
import type { Backend, Override, PoolBackend } from '../api/types';
import { clockTime, overrideText, parseTtl, rowOverrides, untilText } from './overrides';

// 2026-12-06 16:30:00 UTC
const NOW = Date.UTC(2026, 11, 6, 16, 30);
const ns = (ms: number) => String(BigInt(ms) * 1_000_000n);

const pause: Override = {
  kind: 'pause',
  backend: 'nginx0',
  frontend: '',
  pool: '',
  weight: 0,
  actor: 'ops',
  reason: 'kernel upgrade',
  since_ns: ns(NOW),
  until_ns: ns(NOW + 2 * 3_600_000),
};
const weight: Override = { ...pause, kind: 'weight', frontend: 'web', pool: 'primary', weight: 20, reason: 'canary', until_ns: '0' };

describe('parseTtl', () => {
  it('reads Go durations as maglevd does, empty meaning no ttl', () => {
    expect(parseTtl('')).toBe(0);
    expect(parseTtl('  ')).toBe(0);
    expect(parseTtl('2h')).toBe(7_200_000);
    expect(parseTtl(' 1h30m ')).toBe(5_400_000);
    expect(parseTtl('1.5h')).toBe(5_400_000);
    expect(parseTtl('90s')).toBe(90_000);
    expect(parseTtl('250ms')).toBe(250);
    expect(parseTtl('8784h')).toBe(366 * 24 * 3_600_000);
  });
  it('refuses what is not a positive duration of at most 366 days', () => {
    for (const bad of ['2', 'two hours', '-5m', '0s', '0', '2 h', '2d', 'h', '1h-5m', '8785h', '.']) {
      expect(parseTtl(bad), bad).toBeNull();
    }
  });
});

describe('clockTime and untilText', () => {
  it('say HH:MM within a day, with the date beyond', () => {
    expect(clockTime(NOW + 2 * 3_600_000, NOW, 'UTC')).toBe('18:30');
    expect(clockTime(NOW + 5 * 60_000, NOW, 'Europe/Zurich')).toBe('17:35');
    expect(clockTime(NOW + 3 * 24 * 3_600_000, NOW, 'UTC')).toBe('9 Dec 16:30');
    expect(untilText(7_200_000, NOW, 'UTC')).toBe('until 18:30');
    expect(untilText(0, NOW, 'UTC')).toBe('');
  });
});

describe('overrideText', () => {
  it('says what, who, why and until when', () => {
    expect(overrideText(pause, NOW, 'UTC')).toBe('paused by ops "kernel upgrade" until 18:30');
    expect(overrideText(weight, NOW, 'UTC')).toBe('weight 20 by ops "canary"');
    expect(overrideText({ ...pause, kind: 'disable', reason: '', until_ns: '0' }, NOW, 'UTC')).toBe('disabled by ops');
    expect(overrideText({ ...pause, kind: 'enable', actor: '' }, NOW, 'UTC')).toBe('enabled "kernel upgrade" until 18:30');
  });
});

describe('rowOverrides', () => {
  const backend: Backend = {
    name: 'nginx0',
    address: '192.0.2.10',
    state: 'paused',
    enabled: true,
    healthcheck: 'http',
    description: '',
    last_transition_ns: '0',
  };
  const entry: PoolBackend = { name: 'nginx0', weight: 100, effective_weight: 0, flush: false, state: 'paused' };
  it('shows the backend\'s pause, and only this pool entry\'s weight', () => {
    const b = { ...backend, overrides: [pause, weight, { ...weight, pool: 'fallback', weight: 5 }] };
    expect(rowOverrides(b, entry, 'web', 'primary')).toEqual([pause, weight]);
    expect(rowOverrides(b, entry, 'web', 'fallback')).toEqual([pause, { ...weight, pool: 'fallback', weight: 5 }]);
    expect(rowOverrides(b, entry, 'api', 'primary')).toEqual([pause]);
  });
  it('prefers the pool entry\'s own override, and copes with an older maglevd', () => {
    expect(rowOverrides({ ...backend, overrides: [] }, { ...entry, override: weight }, 'web', 'primary')).toEqual([weight]);
    expect(rowOverrides(backend, entry, 'web', 'primary')).toEqual([]);
    expect(rowOverrides(undefined, entry, 'web', 'primary')).toEqual([]);
  });
});
