import { describe, expect, it } from 'vitest';
import { allowed, consequence, weightConsequence } from './actions';

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
});
