const UNITS: [string, number][] = [
  ['d', 86_400_000],
  ['h', 3_600_000],
  ['m', 60_000],
  ['s', 1_000],
];

/**
 * An age in its two most significant units: "10m30s", "1h12m", "1d16h", "42s". Anything under a
 * second, or negative (clocks a little apart), is "now".
 */
export function formatAge(ms: number): string {
  if (!(ms >= 1000)) {
    return 'now';
  }
  const parts: string[] = [];
  let rest = Math.floor(ms);
  for (const [unit, size] of UNITS) {
    if (parts.length === 2) {
      break;
    }
    const n = Math.floor(rest / size);
    rest -= n * size;
    if (n > 0 || parts.length > 0) {
      parts.push(`${n}${unit}`);
    }
  }
  // "1h0m" reads worse than "1h"
  return parts.length === 2 && parts[1].startsWith('0') ? parts[0] : parts.join('');
}

/** Milliseconds since a Unix-nanosecond time given as a string, or null for none. */
export function sinceNs(ns: string | undefined, nowMs: number): number | null {
  if (!ns || ns === '0') {
    return null;
  }
  return nowMs - Number(BigInt(ns) / 1_000_000n);
}

/** The age of a Unix-nanosecond time, or "—" when there is none. */
export function ageOf(ns: string | undefined, nowMs: number): string {
  const ms = sinceNs(ns, nowMs);
  return ms === null ? '—' : formatAge(ms);
}
