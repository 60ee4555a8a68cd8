import type { Frontend, LbState } from '../api/types';

export type Health = 'unknown' | 'bug-buckets' | 'primary-drained' | 'degraded' | 'ok';

export const ICONS: Record<Health, string> = {
  unknown: '❓',
  'bug-buckets': '‼️',
  'primary-drained': '❗',
  degraded: '⚠️',
  ok: '✅',
};

export const MEANINGS: Record<Health, string> = {
  unknown:
    "unknown: maglevd unreachable, frontend state unknown, no VPP state yet, or the VIP is held by maglevd's startup warm-up",
  'bug-buckets': "VPP's buckets contradict the effective weights",
  'primary-drained': 'the primary pool has no usable backend',
  degraded: 'a backend of the active pool is not up',
  ok: 'all well',
};

export interface HealthInput {
  frontend: Frontend;
  /** The maglevd answers and its state is current. */
  reachable: boolean;
  lbState: LbState | null;
  /** A change is on its way to VPP: bucket checks wait for the next lb state. */
  settling: boolean;
  /** maglevd's startup warm-up has not written this frontend's VIP yet: VPP keeps what it had. */
  held?: boolean;
}

/** The per-frontend health icon of design.md §5: the first rule that matches wins. */
export function health(input: HealthInput): Health {
  const { frontend, reachable, lbState, settling, held = false } = input;
  if (!reachable || frontend.state === 'unknown' || lbState === null) {
    return 'unknown';
  }
  if (held && !lbState.vips.some((v) => v.frontend === frontend.name)) {
    return 'unknown'; // not written yet, by design: no lb state for this VIP yet
  }
  if (!settling && !held && bucketsContradict(frontend, lbState)) {
    return 'bug-buckets';
  }
  const primary = frontend.pools[0];
  if (!primary || !primary.backends.some((b) => b.effective_weight > 0)) {
    return 'primary-drained';
  }
  const active = frontend.pools[frontend.active_pool] ?? primary;
  if (active.backends.some((b) => b.state !== 'up')) {
    return 'degraded';
  }
  return 'ok';
}

/**
 * Whether VPP's table disagrees with what maglevd intends for this frontend: its VIP is missing,
 * a backend that should carry traffic owns no bucket, or one that should carry none owns some.
 */
export function bucketsContradict(frontend: Frontend, lbState: LbState): boolean {
  const vip = lbState.vips.find((v) => v.frontend === frontend.name);
  if (!vip) {
    return true;
  }
  const buckets = new Map<string, number>();
  for (const as of vip.ases) {
    buckets.set(as.backend, (buckets.get(as.backend) ?? 0) + as.buckets);
  }
  const intended = new Map<string, number>();
  for (const pool of frontend.pools) {
    for (const b of pool.backends) {
      intended.set(b.name, Math.max(intended.get(b.name) ?? 0, b.effective_weight));
    }
  }
  for (const [name, weight] of intended) {
    const owned = buckets.get(name) ?? 0;
    if ((weight > 0) !== (owned > 0)) {
      return true;
    }
  }
  return false;
}

/** The buckets VPP gives a backend in a frontend's VIP, or null when VPP has no such VIP. */
export function bucketsOf(lbState: LbState | null, frontend: string, backend: string): number | null {
  const vip = lbState?.vips.find((v) => v.frontend === frontend);
  if (!vip) {
    return null;
  }
  return vip.ases.filter((a) => a.backend === backend).reduce((n, a) => n + a.buckets, 0);
}
