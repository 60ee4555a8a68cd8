import type { BucketPreview } from '../api/client';

/** What each admin action does, said before anything is sent. */
export type Verb = 'pause' | 'resume' | 'disable' | 'enable';

/**
 * What {@code verb} does to {@code backend}; {@code until} ("until 18:30", from untilText) is how
 * long it holds when the dialog's "for" field is filled in, "" for until changed.
 */
export function consequence(verb: Verb, backend: string, until = ''): string {
  switch (verb) {
    case 'pause':
      return `Health checks of ${backend} stop and it counts as not serving: new connections stop going to it; existing ones continue until they end. ${
        until
          ? `It stays paused ${until}, also across restarts of maglevd; then maglevd resumes it by itself.`
          : 'It stays paused until you resume it, also across restarts of maglevd (its state file keeps the pause).'
      }`;
    case 'resume':
      return `Health checks of ${backend} start again from "unknown": it receives new connections once it has passed its rise checks.`;
    case 'disable':
      return `${backend} is taken out of service in every frontend that uses it: probing stops, its weight goes to 0 and its existing connections are flushed (they break).${
        until ? ` It stays disabled ${until}; then maglevd puts it back as the config says.` : ''
      }`;
    case 'enable':
      return `${backend} is put back into service: probing restarts from "unknown", and it receives traffic once it is up.${
        until ? ` It stays enabled ${until}; then maglevd puts it back as the config says.` : ''
      }`;
  }
}

export function weightConsequence(
  frontend: string,
  pool: string,
  backend: string,
  weight: number,
  flush: boolean,
  until = '',
): string {
  const what =
    weight === 0
      ? `${backend} gets no new connections in pool ${pool} of ${frontend}`
      : `${backend} gets weight ${weight} in pool ${pool} of ${frontend}`;
  const holds = until ? ` The weight holds ${until}; then maglevd goes back to the config's weight.` : '';
  return `${what}; VPP is re-programmed at once. ${flush ? `Its existing connections are flushed (they break).` : 'Existing connections continue until they end.'}${holds}`;
}

/**
 * The optional body of an action sent from the dialog: the reason and the "for" field, each left
 * out when empty (a resume takes no ttl: maglevd refuses one).
 */
export function overrideBody(verb: Verb | 'weight', reason: string, ttl: string): { reason?: string; ttl?: string } {
  const body: { reason?: string; ttl?: string } = {};
  if (reason.trim() !== '') {
    body.reason = reason.trim();
  }
  if (ttl.trim() !== '' && verb !== 'resume') {
    body.ttl = ttl.trim();
  }
  return body;
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
