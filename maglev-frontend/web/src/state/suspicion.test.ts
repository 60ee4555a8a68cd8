import { describe, expect, it } from 'vitest';
import { suspicionText } from './suspicion';
import { suspect } from './testdata';

const utc = (ms: number) => new Date(ms).toISOString().slice(11, 16);

describe('suspicionText', () => {
  it('is null when maglevd suspects nothing', () => {
    expect(suspicionText(null, utc)).toBeNull();
    expect(suspicionText(undefined, utc)).toBeNull();
    expect(suspicionText(suspect({ suspected: false }), utc)).toBeNull();
  });
  it('a storm: since when, how many, where, and who is frozen', () => {
    expect(suspicionText(suspect(), utc)).toBe(
      'maglevd suspects its own probes since 11:02 (storm: 20 of 20 backends went down together, in 4 frontends and 3 address ranges): weight decreases are frozen for 5 backends (a, b, c and 2 more). Operator actions still apply.',
    );
  });
  it('a stall: how late the probes started', () => {
    expect(suspicionText(suspect({ cause: 'stall', max_lateness_ns: '4200000000', frozen: ['a'], since_ns: '0' }), utc)).toBe(
      'maglevd suspects its own probes (stall: a probe started 4.2 s behind its schedule): weight decreases are frozen for 1 backend (a). Operator actions still apply.',
    );
  });
  it('says so when nothing is frozen yet, and counts in the singular', () => {
    expect(suspicionText(suspect({ frozen: [], frontends: ['web'], ranges: 1 }), utc)).toBe(
      'maglevd suspects its own probes since 11:02 (storm: 20 of 20 backends went down together, in 1 frontend and 1 address range): no weight is frozen yet. Operator actions still apply.',
    );
  });
});
