import { describe, expect, it } from 'vitest';
import type { WhoAmI } from '../api/types';
import { badge, may } from './access';

const viewer: WhoAmI = { user: 'vera', role: 'viewer', allowed: ['weight-preview'] };
const operator: WhoAmI = {
  user: 'olga',
  role: 'operator',
  allowed: ['pause', 'resume', 'enable', 'disable', 'weight', 'weight-preview', 'sync-vpp', 'release-checker'],
};

describe('what the logged-in user may do', () => {
  it('is only what the server allows', () => {
    expect(may(viewer, 'pause')).toBe(false);
    expect(may(viewer, 'release-checker')).toBe(false);
    expect(may(viewer, 'weight-preview')).toBe(true);
    expect(may(operator, 'pause')).toBe(true);
    expect(may(operator, 'release-checker')).toBe(true);
    expect(may(operator, 'reload-config')).toBe(false);
  });
  it('is nothing before the server answered', () => {
    expect(may(null, 'pause')).toBe(false);
    expect(badge(null)).toBe('');
  });
  it('names the user and role in the header', () => {
    expect(badge(operator)).toBe('olga · operator');
  });
});
