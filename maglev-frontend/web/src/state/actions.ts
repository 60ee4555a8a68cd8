import type { BucketPreview } from '../api/client';

/** What each admin action does, said before anything is sent. */
export type Verb = 'pause' | 'resume' | 'disable' | 'enable';

export function consequence(verb: Verb, backend: string): string {
  switch (verb) {
    case 'pause':
      return `Health checks of ${backend} stop and it counts as not serving: new connections stop going to it; existing ones continue until they end. It stays paused until you resume it, also across restarts of maglevd (its state file keeps the pause).`;
    case 'resume':
      return `Health checks of ${backend} start again from "unknown": it receives new connections once it has passed its rise checks.`;
    case 'disable':
      return `${backend} is taken out of service in every frontend that uses it: probing stops, its weight goes to 0 and its existing connections are flushed (they break).`;
    case 'enable':
      return `${backend} is put back into service: probing restarts from "unknown", and it receives traffic once it is up.`;
  }
}

export function weightConsequence(frontend: string, pool: string, backend: string, weight: number, flush: boolean): string {
  const what =
    weight === 0
      ? `${backend} gets no new connections in pool ${pool} of ${frontend}`
      : `${backend} gets weight ${weight} in pool ${pool} of ${frontend}`;
  return `${what}; VPP is re-programmed at once. ${flush ? `Its existing connections are flushed (they break).` : 'Existing connections continue until they end.'}`;
}

/** Pause and resume are refused by maglevd for a disabled backend: not offered then. */
export function allowed(verb: Verb, state: string): boolean {
  switch (verb) {
    case 'pause':
      return state !== 'paused' && state !== 'disabled';
    case 'resume':
      return state === 'paused';
    case 'disable':
      return state !== 'disabled';
    case 'enable':
      return state === 'disabled';
  }
}

/** The preview's headline: the buckets that would move, and why the weight would not reach VPP. */
export function previewSummary(p: BucketPreview): string {
  const moved = `${p.moved} of ${p.table_length} buckets would move.`;
  const why = p.reaches_vpp ? '' : ` The weight does not reach VPP now: ${p.reason}.`;
  const pending = p.pending ? ' VPP differs from what maglevd wants already: that is written too.' : '';
  return moved + why + pending;
}
