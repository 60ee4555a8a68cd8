import type { CheckerSuspicion, Frontend, LbState, MaglevdState } from '../api/types';

/** A frontend with a primary pool (a, b) and a fallback pool (c), all up, a and b carrying. */
export function frontend(over: Partial<Frontend> = {}): Frontend {
  return {
    name: 'web',
    address: '192.0.2.1',
    protocol: 'tcp',
    port: 80,
    description: '',
    src_ip_sticky: false,
    flush_on_down: true,
    state: 'up',
    active_pool: 0,
    pools: [
      {
        name: 'primary',
        backends: [
          { name: 'a', weight: 100, effective_weight: 100, flush: false, state: 'up' },
          { name: 'b', weight: 100, effective_weight: 100, flush: false, state: 'up' },
        ],
      },
      { name: 'fallback', backends: [{ name: 'c', weight: 100, effective_weight: 0, flush: false, state: 'up' }] },
    ],
    ...over,
  };
}

export function lb(buckets: Record<string, number>, frontendName = 'web'): LbState {
  return {
    vips: [
      {
        prefix: '192.0.2.1/32',
        protocol: 'tcp',
        port: 80,
        frontend: frontendName,
        ases: Object.entries(buckets).map(([backend, n], i) => ({
          address: `10.0.0.${i + 1}`,
          weight: 100,
          flags: 1,
          buckets: n,
          backend,
        })),
      },
    ],
  };
}

export function maglevd(over: Partial<MaglevdState> = {}): MaglevdState {
  return {
    name: 'lb0',
    address: 'lb0:9090',
    connected: true,
    last_error: '',
    stale: false,
    last_refresh_unix_ns: '0',
    vpp_state: 'connected',
    vpp_error: '',
    frontends: [frontend()],
    backends: [
      { name: 'a', address: '10.0.0.1', state: 'up', enabled: true, healthcheck: 'http', description: '', last_transition_ns: '0' },
      { name: 'b', address: '10.0.0.2', state: 'up', enabled: true, healthcheck: 'http', description: '', last_transition_ns: '0' },
      { name: 'c', address: '10.0.0.3', state: 'up', enabled: true, healthcheck: 'http', description: '', last_transition_ns: '0' },
    ],
    vpp_info: null,
    lb_state: lb({ a: 512, b: 512, c: 0 }),
    ...over,
  };
}

/** A storm suspicion since 2026-12-06 11:02 UTC: 20 of 20 backends in 4 frontends, 5 frozen. */
export function suspect(over: Partial<CheckerSuspicion> = {}): CheckerSuspicion {
  return {
    suspected: true,
    cause: 'storm',
    since_ns: (BigInt(Date.UTC(2026, 11, 6, 11, 2)) * 1_000_000n).toString(),
    down: 20,
    with_verdict: 20,
    frontends: ['web', 'api', 'dns', 'mail'],
    ranges: 3,
    max_lateness_ns: '1500000',
    frozen: ['a', 'b', 'c', 'd', 'e'],
    ...over,
  };
}
