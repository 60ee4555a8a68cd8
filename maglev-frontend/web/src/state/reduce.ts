import type { MaglevdState, ServerEvent } from '../api/types';

/** Everything the page shows about one maglevd: its last state and what is settling. */
export interface Scope {
  state: MaglevdState;
  /** Frontends whose buckets are being re-programmed: ‼️ waits for the next lb state. */
  settling: string[];
}

/**
 * Applies one live event to one maglevd's scope and returns the new scope (the old one is not
 * touched). Events of other maglevds, and kinds that change nothing shown, return it unchanged.
 */
export function reduce(scope: Scope, ev: ServerEvent): Scope {
  if (ev.kind === 'resync' || ev.maglevd !== scope.state.name) {
    return scope;
  }
  const s = scope.state;
  switch (ev.kind) {
    case 'backend-transition': {
      const { name, transition } = ev.backend;
      const touched = s.frontends
        .filter((f) => f.pools.some((p) => p.backends.some((b) => b.name === name)))
        .map((f) => f.name);
      return {
        settling: union(scope.settling, touched),
        state: {
          ...s,
          backends: s.backends.map((b) =>
            b.name === name ? { ...b, state: transition.to, last_transition_ns: transition.time_ns } : b,
          ),
          frontends: s.frontends.map((f) =>
            touched.includes(f.name)
              ? {
                  ...f,
                  pools: f.pools.map((p) => ({
                    ...p,
                    backends: p.backends.map((b) => (b.name === name ? { ...b, state: transition.to } : b)),
                  })),
                }
              : f,
          ),
        },
      };
    }
    case 'frontend-transition':
      return {
        ...scope,
        state: {
          ...s,
          frontends: s.frontends.map((f) => (f.name === ev.frontend.name ? { ...f, state: ev.frontend.to } : f)),
        },
      };
    case 'frontends': {
      // weights may have moved without a transition (an operator's set weight)
      const changed = ev.frontends
        .filter((f) => JSON.stringify(f) !== JSON.stringify(s.frontends.find((o) => o.name === f.name)))
        .map((f) => f.name);
      return {
        settling: union(scope.settling, changed),
        state: {
          ...s,
          frontends: ev.frontends,
          checker_suspicion: ev.checker_suspicion ?? null,
          // a pause's who, why and until, which no transition event carries
          backends: ev.overrides
            ? s.backends.map((b) => ({ ...b, overrides: ev.overrides?.[b.name] ?? [] }))
            : s.backends,
        },
      };
    }
    case 'lb-state':
      // a fresh read of VPP: whatever was settling has settled
      return { settling: [], state: { ...s, lb_state: ev.lb_state } };
    case 'maglevd-status':
      return {
        ...scope,
        state: { ...s, connected: ev.connected, last_error: ev.last_error, stale: s.stale || !ev.connected },
      };
    case 'log':
      return logRecord(scope, ev.log.msg);
    case 'audit':
      // a record of a call; what it changed comes as its own events
      return scope;
  }
}

function logRecord(scope: Scope, msg: string): Scope {
  if (msg === 'vpp-disconnect') {
    return { ...scope, state: { ...scope.state, vpp_state: 'disconnected', lb_state: null } };
  }
  if (msg === 'vpp-connect') {
    return { ...scope, state: { ...scope.state, vpp_state: 'connected' } };
  }
  return scope;
}

function union(a: string[], b: string[]): string[] {
  return b.every((x) => a.includes(x)) ? a : [...new Set([...a, ...b])];
}
