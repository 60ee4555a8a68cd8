import type { CheckerSuspicion } from '../api/types';
import { localTime } from './summary';

/** At most this many frozen backends are named; the rest are counted. */
const NAMED = 3;

const plural = (n: number, one: string, many: string) => `${n} ${n === 1 ? one : many}`;

/**
 * What maglevd's self-suspicion means, in one sentence for the banner above the frontends, or
 * null when maglevd suspects nothing: since when, the evidence, and what is frozen.
 */
export function suspicionText(
  s: CheckerSuspicion | null | undefined,
  time: (ms: number) => string = localTime,
): string | null {
  if (!s?.suspected) {
    return null;
  }
  const since = s.since_ns && s.since_ns !== '0' ? ` since ${time(Number(BigInt(s.since_ns) / 1_000_000n))}` : '';
  const evidence =
    s.cause === 'stall'
      ? `stall: a probe started ${(Number(s.max_lateness_ns) / 1e9).toFixed(1)} s behind its schedule`
      : `storm: ${s.down} of ${s.with_verdict} backends went down together, in ${plural(s.frontends.length, 'frontend', 'frontends')} and ${plural(s.ranges, 'address range', 'address ranges')}`;
  const named = s.frozen.slice(0, NAMED).join(', ');
  const more = s.frozen.length > NAMED ? ` and ${s.frozen.length - NAMED} more` : '';
  const frozen =
    s.frozen.length === 0
      ? 'no weight is frozen yet'
      : `weight decreases are frozen for ${plural(s.frozen.length, 'backend', 'backends')} (${named}${more})`;
  return `maglevd suspects its own probes${since} (${evidence}): ${frozen}. Operator actions still apply.`;
}
