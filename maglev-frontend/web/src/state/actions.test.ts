import { describe, expect, it } from 'vitest';
import { allowed, consequence, overrideBody, previewSummary, weightConsequence } from './actions';

describe('admin actions', () => {
  it('say their consequence in plain words', () => {
    expect(consequence('pause', 'nginx0-ams')).toContain('new connections stop going to it; existing ones continue');
    expect(consequence('disable', 'nginx0-ams')).toContain('flushed (they break)');
    expect(weightConsequence('web', 'primary', 'nginx0', 0, false)).toContain('gets no new connections');
    expect(weightConsequence('web', 'primary', 'nginx0', 40, true)).toContain('flushed');
  });
  it('offer only what maglevd accepts', () => {
    expect(allowed('pause', 'disabled')).toBe(false);
    expect(allowed('resume', 'disabled')).toBe(false);
    expect(allowed('resume', 'paused')).toBe(true);
    expect(allowed('enable', 'up')).toBe(false);
    expect(allowed('disable', 'down')).toBe(true);
  });
  it('sum up maglevd\'s bucket preview, with why a weight would not reach VPP', () => {
    const p = { table_length: 1024, moved: 407, reaches_vpp: true, reason: '', pending: false, ases: [] };
    expect(previewSummary(p)).toBe('407 of 1024 buckets would move.');
    expect(
      previewSummary({
        ...p,
        moved: 0,
        reaches_vpp: false,
        reason: 'backend "b" is down: a pool weight reaches VPP only while the backend is up',
      }),
    ).toBe(
      '0 of 1024 buckets would move. The weight does not reach VPP now: backend "b" is down: a pool weight reaches VPP only while the backend is up.',
    );
    expect(previewSummary({ ...p, pending: true })).toContain('that is written too');
  });
});

describe('reason and ttl in the dialog', () => {
  it('say until when the action holds', () => {
    expect(consequence('pause', 'nginx0', 'until 18:30')).toContain('It stays paused until 18:30, also across restarts of maglevd; then maglevd resumes it by itself.');
    expect(consequence('pause', 'nginx0')).toContain('until you resume it');
    expect(consequence('disable', 'nginx0', 'until 18:30')).toContain('It stays disabled until 18:30');
    expect(weightConsequence('web', 'primary', 'nginx0', 20, false, 'until 18:30')).toContain('The weight holds until 18:30');
    expect(weightConsequence('web', 'primary', 'nginx0', 20, false)).not.toContain('holds');
  });
  it('send only what was filled in, and no ttl with a resume', () => {
    expect(overrideBody('pause', ' kernel upgrade ', '2h')).toEqual({ reason: 'kernel upgrade', ttl: '2h' });
    expect(overrideBody('pause', '', '')).toEqual({});
    expect(overrideBody('resume', 'done', '2h')).toEqual({ reason: 'done' });
    expect(overrideBody('weight', '', '30m')).toEqual({ ttl: '30m' });
  });
});
