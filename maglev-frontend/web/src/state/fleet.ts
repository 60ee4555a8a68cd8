import type { LbState, LbVip } from '../api/types';
import { maglevTable } from './maglev';

/**
 * Whether the routers (maglevds) the dashboard follows hold the same new-flow table for a
 * frontend's VIP, and where they do not: the tables are compared by their digests (maglevd reads
 * VPP's back), the routers in the majority are the reference, and each other one is explained by
 * the ASes whose weight differs and the buckets whose AS differs (the tables recomputed from the
 * ASes as VPP builds them). Pure.
 */

/** One router's view: its name and its VPP's lb state (null while it is unknown). */
export interface RouterTables {
  maglevd: string;
  lbState: LbState | null;
}

/** One AS whose weight on a router differs from the reference's; 0 also for an absent AS. */
export interface AsDiff {
  address: string;
  backend: string;
  weight: number;
  reference: number;
}

/** A router whose table differs from the reference's. */
export interface RouterDiff {
  maglevd: string;
  ases: AsDiff[];
  /** Buckets whose AS differs from the reference's table. */
  buckets: number;
}

export interface Agreement {
  /** Routers whose VPP holds the VIP (and said so). */
  routers: number;
  /** Of those, the ones with the reference's table. */
  identical: number;
  differing: RouterDiff[];
  /** Routers that hold no VIP for the frontend, or whose state is unknown. */
  missing: string[];
}

function vipOf(s: LbState | null, frontend: string): LbVip | undefined {
  return s?.vips.find((v) => v.frontend === frontend);
}

/** AS address to weight, active ASes of weight > 0 only (the others take no buckets). */
function weights(v: LbVip): Map<string, { weight: number; backend: string }> {
  const m = new Map<string, { weight: number; backend: string }>();
  for (const a of v.ases) {
    if ((a.flags & 1) === 1 && a.weight > 0) m.set(a.address, { weight: a.weight, backend: a.backend });
  }
  return m;
}

/** A table's identity: maglevd's digest, or, from an older maglevd, its weights and length. */
function identity(v: LbVip): string {
  if (v.table_digest) return v.table_digest;
  const w = [...weights(v).entries()].map(([a, x]) => `${a}=${x.weight}`).sort();
  return `${v.flow_table_length ?? 1024}:${w.join(',')}`;
}

function table(v: LbVip): string[] {
  const w = weights(v);
  return maglevTable(
    v.flow_table_length ?? 1024,
    [...w.entries()].map(([address, x]) => ({ address, weight: x.weight, active: true })),
  );
}

/**
 * Compares the routers' tables for {@code frontend}; null when fewer than two routers are
 * followed (there is nothing to compare).
 */
export function compareTables(frontend: string, routers: RouterTables[]): Agreement | null {
  if (routers.length < 2) return null;
  const held: { maglevd: string; vip: LbVip; id: string }[] = [];
  const missing: string[] = [];
  for (const r of routers) {
    const v = vipOf(r.lbState, frontend);
    if (v === undefined) missing.push(r.maglevd);
    else held.push({ maglevd: r.maglevd, vip: v, id: identity(v) });
  }
  if (held.length === 0) return { routers: 0, identical: 0, differing: [], missing };
  // the reference: the table most routers hold; on a tie, the first such router's
  const count = new Map<string, number>();
  held.forEach((h) => count.set(h.id, (count.get(h.id) ?? 0) + 1));
  let ref = held[0];
  for (const h of held) {
    if ((count.get(h.id) ?? 0) > (count.get(ref.id) ?? 0)) ref = h;
  }
  const refWeights = weights(ref.vip);
  let refTable: string[] | null = null;
  const differing: RouterDiff[] = [];
  for (const h of held) {
    if (h.id === ref.id) continue;
    const w = weights(h.vip);
    const ases: AsDiff[] = [];
    for (const address of new Set([...refWeights.keys(), ...w.keys()])) {
      const mine = w.get(address)?.weight ?? 0;
      const theirs = refWeights.get(address)?.weight ?? 0;
      if (mine !== theirs) {
        const backend = w.get(address)?.backend || refWeights.get(address)?.backend || '';
        ases.push({ address, backend, weight: mine, reference: theirs });
      }
    }
    ases.sort((x, y) => (x.address < y.address ? -1 : x.address > y.address ? 1 : 0));
    refTable ??= table(ref.vip);
    const t = table(h.vip);
    let buckets = t.length === refTable.length ? 0 : Math.max(t.length, refTable.length);
    if (buckets === 0) t.forEach((a, i) => (buckets += a === refTable![i] ? 0 : 1));
    differing.push({ maglevd: h.maglevd, ases, buckets });
  }
  return { routers: held.length, identical: held.length - differing.length, differing, missing };
}

/** The agreement in words, for a frontend card. */
export function agreementText(a: Agreement): string {
  const total = a.routers + a.missing.length;
  if (a.routers === 0) return `no VIP on any of ${total} maglevds`;
  const parts = [`identical on ${a.identical} of ${total}`];
  for (const d of a.differing) {
    const why = d.ases.map((x) => {
      const name = x.backend ? `${x.backend} (${x.address})` : x.address;
      return `${name} weight ${x.weight} (others ${x.reference})`;
    });
    const detail = why.length > 0 ? why.join(', ') : 'same weights, another table length';
    parts.push(`${d.maglevd} differs: ${detail}; ${d.buckets} bucket${d.buckets === 1 ? '' : 's'} differ`);
  }
  if (a.missing.length > 0) parts.push(`no VIP on ${a.missing.join(', ')}`);
  return parts.join('; ');
}
