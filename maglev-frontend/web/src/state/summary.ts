import type { Backend, Frontend, PoolBackend } from '../api/types';

/** At most this many backends are named in a summary; the rest are counted. */
const NAMED = 3;

/**
 * The short word for a WeightReason (proto enum name, "WEIGHT_REASON_KEPT_LAST" -> "kept-last"),
 * or "" when maglevd sent none (an older maglevd).
 */
export function reasonWord(reason: string | undefined): string {
  if (!reason || reason === 'WEIGHT_REASON_UNSPECIFIED') {
    return '';
  }
  return reason.replace(/^WEIGHT_REASON_/, '').toLowerCase().replaceAll('_', '-');
}

/** A time of day as the operator reads it: "11:02" in the browser's time zone. */
export const localTime = (ms: number): string =>
  new Intl.DateTimeFormat(undefined, { hour: '2-digit', minute: '2-digit', hourCycle: 'h23' }).format(ms);

/** Why a backend carries no traffic it otherwise would, in words; null when it needs no mention. */
function problem(b: PoolBackend, backend: Backend | undefined, time: (ms: number) => string): string | null {
  const reason = reasonWord(b.reason);
  const state = backend?.state ?? b.state;
  if (reason === 'frozen') {
    return `${b.name} ${state} but frozen (checker suspect)`;
  }
  if (reason === 'held') {
    return `${b.name} ${state} but held (drain budget)`;
  }
  if (reason === 'slow-start') {
    return `${b.name} ramping up`;
  }
  if (state === 'up') {
    return null;
  }
  if (state === 'paused' || state === 'disabled' || state === 'removed') {
    return `${b.name} ${state}`;
  }
  const ns = backend?.last_transition_ns;
  const since = ns && ns !== '0' ? ` since ${time(Number(BigInt(ns) / 1_000_000n))}` : '';
  return `${b.name} ${state}${since}`;
}

/**
 * One line that says why a frontend's card shows the icon it does, readable with the card
 * collapsed: "2 of 3 serving; nginx0-fra down since 11:02; spare disabled". It counts the
 * backends of the active pool that carry traffic, then names the frontend's mode (panic,
 * kept-last) and pool failover, then the backends, in pool order, that are not up or whose
 * weight something other than health decides (frozen, held, slow start): at most three by
 * name, the rest counted.
 */
export function summarize(
  frontend: Frontend,
  backends: Backend[],
  time: (ms: number) => string = localTime,
): string {
  const active = frontend.pools[frontend.active_pool] ?? frontend.pools[0];
  const inActive = active ? active.backends : [];
  const serving = inActive.filter((b) => b.effective_weight > 0).length;
  const parts = [`${serving} of ${inActive.length} serving`];
  if (frontend.mode === 'panic') {
    parts.push('panic: too few up, every backend gets traffic');
  } else if (frontend.mode === 'kept-last') {
    parts.push('nothing up: last weights kept');
  }
  if (active && frontend.active_pool > 0) {
    parts.push(`failed over to ${active.name}`);
  }
  const byName = new Map(backends.map((b) => [b.name, b]));
  const seen = new Set<string>();
  const problems: string[] = [];
  for (const pool of frontend.pools) {
    for (const b of pool.backends) {
      if (seen.has(b.name)) {
        continue;
      }
      seen.add(b.name);
      const p = problem(b, byName.get(b.name), time);
      if (p !== null) {
        problems.push(p);
      }
    }
  }
  parts.push(...problems.slice(0, NAMED));
  if (problems.length > NAMED) {
    parts.push(`${problems.length - NAMED} more`);
  }
  return parts.join('; ');
}
