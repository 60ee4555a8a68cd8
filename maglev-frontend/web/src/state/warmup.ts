import { formatAge, sinceNs } from './age';
import type { WarmUp } from '../api/types';

/**
 * What maglevd's startup warm-up still holds back from VPP, in words: a held frontend is written
 * once every backend of it is known (not before startup-min-delay), all of them at the end.
 */
export function warmUpText(w: WarmUp, nowMs: number): string {
  const left = -(sinceNs(w.ends_ns, nowMs) ?? 0);
  const end = left >= 1000 ? `in ${formatAge(left)}` : 'now';
  if (w.held_frontends.length === 0) {
    return `every VIP written; the warm-up ends ${end}`;
  }
  const held = `${w.held_frontends.join(', ')} not written to VPP yet`;
  const handsOff = -(sinceNs(w.hands_off_until_ns, nowMs) ?? 0);
  if (handsOff >= 1000) {
    return `${held}: nothing is written for ${formatAge(handsOff)} more, then each once its backends are known, all at the latest ${end}`;
  }
  return `${held}: once their backends are known, at the latest ${end}`;
}
