import type { Backend, Override, PoolBackend } from '../api/types';

/** Go's duration units in milliseconds (what maglevd and maglevc accept as a ttl). */
const UNIT_MS: Record<string, number> = { ns: 1e-6, us: 1e-3, 'µs': 1e-3, ms: 1, s: 1000, m: 60_000, h: 3_600_000 };

/** The longest ttl maglevd accepts: 366 days. */
export const MAX_TTL_MS = 366 * 24 * 3_600_000;

/**
 * A "for" field's Go duration ("2h", "1h30m", "90s") in milliseconds: 0 when empty (no ttl),
 * null when it is not a positive duration of at most 366 days.
 */
export function parseTtl(text: string): number | null {
  const s = text.trim();
  if (s === '') {
    return 0;
  }
  const part = /(\d+(?:\.\d*)?|\.\d+)(ns|us|µs|ms|s|m|h)/y;
  let ms = 0;
  let at = 0;
  while (at < s.length) {
    part.lastIndex = at;
    const m = part.exec(s);
    if (!m) {
      return null;
    }
    ms += Number(m[1]) * UNIT_MS[m[2]];
    at = part.lastIndex;
  }
  return ms > 0 && ms <= MAX_TTL_MS ? ms : null;
}

/** A wall-clock time as HH:MM (24 h), with the date in front when it is not within a day of now. */
export function clockTime(ms: number, now: number, timeZone?: string): string {
  const hhmm = new Intl.DateTimeFormat('en-GB', { hour: '2-digit', minute: '2-digit', hour12: false, timeZone }).format(ms);
  if (Math.abs(ms - now) < 24 * 3_600_000) {
    return hhmm;
  }
  const day = new Intl.DateTimeFormat('en-GB', { day: 'numeric', month: 'short', timeZone }).format(ms);
  return `${day} ${hhmm}`;
}

/** "until 18:30" for a ttl given in a dialog, "" without one. */
export function untilText(ttlMs: number, now: number, timeZone?: string): string {
  return ttlMs > 0 ? `until ${clockTime(now + ttlMs, now, timeZone)}` : '';
}

const DONE: Record<string, string> = { pause: 'paused', disable: 'disabled', enable: 'enabled' };

/** One override as the row shows it: `paused by ops "kernel upgrade" until 18:30`. */
export function overrideText(o: Override, now: number, timeZone?: string): string {
  const what = o.kind === 'weight' ? `weight ${o.weight}` : (DONE[o.kind] ?? o.kind);
  const who = o.actor ? ` by ${o.actor}` : '';
  const why = o.reason ? ` "${o.reason}"` : '';
  const untilMs = Number(BigInt(o.until_ns || '0') / 1_000_000n);
  const until = untilMs > 0 ? ` until ${clockTime(untilMs, now, timeZone)}` : '';
  return what + who + why + until;
}

/**
 * The overrides a pool row shows: the backend's pause, disable or enable (from backends[].overrides),
 * and the weight override of this very pool entry (the entry's own, or the backend's list's).
 */
export function rowOverrides(
  backend: Backend | undefined,
  entry: PoolBackend,
  frontend: string,
  pool: string,
): Override[] {
  const all = backend?.overrides ?? [];
  const lifecycle = all.filter((o) => o.kind !== 'weight');
  const weight =
    entry.override ?? all.find((o) => o.kind === 'weight' && o.frontend === frontend && o.pool === pool);
  return weight ? [...lifecycle, weight] : lifecycle;
}
