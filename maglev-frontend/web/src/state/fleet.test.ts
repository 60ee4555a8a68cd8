import { describe, expect, it } from 'vitest';
import type { LbState } from '../api/types';
import { agreementText, compareTables, type RouterTables } from './fleet';
import { maglevTable } from './maglev';

const ADDRESS: Record<string, string> = { a: '10.0.0.1', b: '10.0.0.2', c: '10.0.0.3' };

/** A router's lb state for web: backend to VPP weight, and the digest maglevd read back. */
function router(maglevd: string, weights: Record<string, number>, digest: string, length = 1024): RouterTables {
  const lbState: LbState = {
    vips: [
      {
        prefix: '192.0.2.1/32',
        protocol: 'tcp',
        port: 80,
        frontend: 'web',
        flow_table_length: length,
        table_digest: digest,
        desired_table_digest: digest,
        ases: Object.entries(weights).map(([backend, weight]) => ({
          address: ADDRESS[backend],
          weight,
          flags: 1,
          buckets: 0,
          backend,
        })),
      },
    ],
  };
  return { maglevd, lbState };
}

const ALL = { a: 100, b: 100, c: 50 };
const C_PAUSED = { a: 100, b: 100, c: 0 };

/** Buckets whose AS differs between two weight sets' tables, computed here on its own. */
function moved(x: Record<string, number>, y: Record<string, number>): number {
  const t = (w: Record<string, number>) =>
    maglevTable(
      1024,
      Object.entries(w).map(([b, weight]) => ({ address: ADDRESS[b], weight, active: true })),
    );
  const tx = t(x);
  const ty = t(y);
  return tx.filter((a, i) => a !== ty[i]).length;
}

describe("the routers' tables for a frontend", () => {
  it('agree: identical on 4 of 4', () => {
    const a = compareTables('web', ['r1', 'r2', 'r3', 'r4'].map((r) => router(r, ALL, '3a8650d08beb7')));
    expect(a).toEqual({ routers: 4, identical: 4, differing: [], missing: [] });
    expect(agreementText(a!)).toBe('identical on 4 of 4');
  });

  it('a backend paused on one router: names the router, the backend, its weight and the buckets', () => {
    const a = compareTables('web', [
      router('r1', ALL, '3a8650d08beb7'),
      router('r2', ALL, '3a8650d08beb7'),
      router('r3', C_PAUSED, '1111111111111'),
      router('r4', ALL, '3a8650d08beb7'),
    ])!;
    expect(a.identical).toBe(3);
    expect(a.differing).toHaveLength(1);
    const d = a.differing[0];
    expect(d.maglevd).toBe('r3');
    expect(d.ases).toEqual([{ address: '10.0.0.3', backend: 'c', weight: 0, reference: 50 }]);
    // c held 208 buckets of the real VPP's table; they all move, and 61 others with them
    expect(d.buckets).toBe(moved(ALL, C_PAUSED));
    expect(d.buckets).toBe(269);
    expect(agreementText(a)).toBe(
      `identical on 3 of 4; r3 differs: c (10.0.0.3) weight 0 (others 50); ${d.buckets} buckets differ`,
    );
  });

  it('the majority is the reference, whichever router comes first', () => {
    const a = compareTables('web', [
      router('r1', C_PAUSED, '1111111111111'),
      router('r2', ALL, '3a8650d08beb7'),
      router('r3', ALL, '3a8650d08beb7'),
    ])!;
    expect(a.differing.map((d) => d.maglevd)).toEqual(['r1']);
    expect(a.differing[0].ases).toEqual([{ address: '10.0.0.3', backend: 'c', weight: 0, reference: 50 }]);
  });

  it('on a tie, the first router is the reference; a weight and an extra AS both show', () => {
    const a = compareTables('web', [router('r1', { a: 100, b: 100 }, 'x'), router('r2', { a: 100, b: 60, c: 50 }, 'y')])!;
    expect(a.identical).toBe(1);
    expect(a.differing[0].maglevd).toBe('r2');
    expect(a.differing[0].ases).toEqual([
      { address: '10.0.0.2', backend: 'b', weight: 60, reference: 100 },
      { address: '10.0.0.3', backend: 'c', weight: 50, reference: 0 },
    ]);
    expect(a.differing[0].buckets).toBe(moved({ a: 100, b: 100 }, { a: 100, b: 60, c: 50 }));
  });

  it('another table length with the same weights differs in every bucket', () => {
    const a = compareTables('web', [router('r1', ALL, 'x'), router('r2', ALL, 'y', 512), router('r3', ALL, 'x')])!;
    expect(a.differing).toEqual([{ maglevd: 'r2', ases: [], buckets: 1024 }]);
    expect(agreementText(a)).toBe('identical on 2 of 3; r2 differs: same weights, another table length; 1024 buckets differ');
  });

  it('a router without the VIP, or not answering, is named apart', () => {
    const a = compareTables('web', [
      router('r1', ALL, 'x'),
      router('r2', ALL, 'x'),
      { maglevd: 'r3', lbState: null },
      { maglevd: 'r4', lbState: { vips: [] } },
    ])!;
    expect(a).toEqual({ routers: 2, identical: 2, differing: [], missing: ['r3', 'r4'] });
    expect(agreementText(a)).toBe('identical on 2 of 4; no VIP on r3, r4');
    const none = compareTables('dns', [router('r1', ALL, 'x'), router('r2', ALL, 'x')])!;
    expect(agreementText(none)).toBe('no VIP on any of 2 maglevds');
  });

  it('one router: nothing to compare', () => {
    expect(compareTables('web', [router('r1', ALL, 'x')])).toBeNull();
  });

  it('without digests (an older maglevd), the weights decide; inactive and weight-0 ASes take no part', () => {
    const old = (maglevd: string, w: Record<string, number>): RouterTables => {
      const r = router(maglevd, w, '');
      r.lbState!.vips[0].table_digest = undefined;
      return r;
    };
    const withInactive = old('r2', ALL);
    withInactive.lbState!.vips[0].ases.push({ address: '10.0.0.9', weight: 100, flags: 0, buckets: 0, backend: 'gone' });
    const a = compareTables('web', [old('r1', ALL), withInactive, old('r3', { ...ALL, d: 0 })])!;
    expect(agreementText(a)).toBe('identical on 3 of 3');
  });
});
