import type { WhoAmI } from '../api/types';

/**
 * Whether the logged-in user may take the action of this kind ("pause", "weight", "sync-vpp", …):
 * only what the server said it allows. Before the answer (null) nothing is allowed, so a viewer
 * never sees a button flash up; the server refuses above the role anyway.
 */
export function may(me: WhoAmI | null, kind: string): boolean {
  return me !== null && me.allowed.includes(kind);
}

/** What the header says about the user: "olga · operator", "" before the answer. */
export function badge(me: WhoAmI | null): string {
  return me === null ? '' : `${me.user} · ${me.role}`;
}
