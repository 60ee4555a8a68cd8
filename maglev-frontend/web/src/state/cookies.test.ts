import { describe, expect, it } from 'vitest';
import { cookie, readCookie } from './cookies';

describe('cookies', () => {
  it('round-trips names with commas', () => {
    const c = cookie('maglev_zippy_open', 'lb0/web,lb0/dns');
    expect(c).toContain('Path=/');
    const value = c.split(';')[0];
    expect(readCookie(`other=1; ${value}`, 'maglev_zippy_open')).toBe('lb0/web,lb0/dns');
    expect(readCookie('other=1', 'maglev_scope')).toBeNull();
  });
});
