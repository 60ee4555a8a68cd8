// The server's JSON (docs/frontend.md): protobuf JSON with snake_case names, every field present,
// 64-bit integers as strings.

export interface Transition {
  from: string;
  to: string;
  time_ns: string;
  code: string;
  detail: string;
}

/** A backend's slow-start ramp in one frontend (absent when it does not ramp). */
export interface SlowStart {
  frontend: string;
  weight: number;
  target_weight: number;
  left_ns: string;
  since_ns: string;
  duration_ns: string;
}

/** An operator override in force (proto OverrideInfo): a pause, a disable or enable, a pool weight. */
export interface Override {
  /** "pause", "disable", "enable" or "weight". */
  kind: string;
  backend: string;
  /** For "weight": the frontend and pool of the entry, and the weight set. */
  frontend: string;
  pool: string;
  weight: number;
  /** Who set it: the dashboard's user, a client certificate's name, or "peer 192.0.2.1:40312". */
  actor: string;
  reason: string;
  since_ns: string;
  /** When maglevd reverts it by itself; "0" = never. */
  until_ns: string;
}

export interface PoolBackend {
  name: string;
  weight: number;
  effective_weight: number;
  flush: boolean;
  state: string;
  /** Why effective_weight is what it is (proto WeightReason name); absent from an older maglevd. */
  reason?: string;
  slow_start?: SlowStart;
  /** The operator override that set weight (absent when none, and from an older maglevd). */
  override?: Override;
}

export interface Pool {
  name: string;
  backends: PoolBackend[];
}

export interface Frontend {
  name: string;
  address: string;
  protocol: string;
  port: number;
  pools: Pool[];
  description: string;
  src_ip_sticky: boolean;
  flush_on_down: boolean;
  state: string;
  active_pool: number;
  /** "normal", "panic" (fewer up than min-healthy) or "kept-last"; absent from an older maglevd. */
  mode?: string;
}

export interface Backend {
  name: string;
  address: string;
  state: string;
  enabled: boolean;
  healthcheck: string;
  description: string;
  last_transition_ns: string;
  /** The backend's overrides in force (absent from an older maglevd). */
  overrides?: Override[];
}

export interface VppInfo {
  version: string;
  build_date: string;
  build_directory: string;
  pid: number;
  boottime_ns: string;
  connecttime_ns: string;
  /** maglevd's startup warm-up; absent from a maglevd that predates it. */
  warm_up?: WarmUp;
}

export interface WarmUp {
  active: boolean;
  /** Nothing is written to VPP before this (startup-min-delay). */
  hands_off_until_ns: string;
  ends_ns: string;
  /** Frontends whose VIP maglevd has not written to VPP yet. */
  held_frontends: string[];
}

export interface LbAs {
  address: string;
  weight: number;
  flags: number;
  buckets: number;
  backend: string;
}

export interface LbVip {
  prefix: string;
  protocol: string;
  port: number;
  frontend: string;
  ases: LbAs[];
  /** New-flow table length (1024 when absent). */
  flow_table_length?: number;
  /** Digest of the table VPP builds from its ASes (equal digests: equal tables on two routers). */
  table_digest?: string;
  /** Digest of the table maglevd wants. */
  desired_table_digest?: string;
}

export interface LbState {
  vips: LbVip[];
}

export interface MaglevdState {
  name: string;
  address: string;
  connected: boolean;
  last_error: string;
  stale: boolean;
  last_refresh_unix_ns: string;
  vpp_state: string;
  vpp_error: string;
  frontends: Frontend[];
  backends: Backend[];
  vpp_info: VppInfo | null;
  lb_state: LbState | null;
  /** maglevd suspects its own probes (null, or absent from an older frontend, when it does not). */
  checker_suspicion?: CheckerSuspicion | null;
}

/** maglevd's suspicion of its own vantage point (proto CheckerSuspicion). */
export interface CheckerSuspicion {
  suspected: boolean;
  /** "storm" (many backends down together) or "stall" (probes started far behind schedule). */
  cause: string;
  since_ns: string;
  down: number;
  with_verdict: number;
  frontends: string[];
  ranges: number;
  max_lateness_ns: string;
  frozen: string[];
}

/** One event of /view/api/events, by its SSE event name. */
export type ServerEvent =
  | { kind: 'backend-transition'; maglevd: string; backend: { name: string; transition: Transition } }
  | { kind: 'frontend-transition'; maglevd: string; frontend: { name: string; from: string; to: string } }
  | { kind: 'log'; maglevd: string; time_ns: string; log: { level: string; msg: string; attrs: Record<string, string> } }
  | { kind: 'maglevd-status'; maglevd: string; connected: boolean; last_error: string }
  | { kind: 'lb-state'; maglevd: string; lb_state: LbState | null }
  | {
      kind: 'frontends';
      maglevd: string;
      frontends: Frontend[];
      checker_suspicion?: CheckerSuspicion | null;
      /** Each backend's overrides in force, by name (absent from an older frontend). */
      overrides?: Record<string, Override[]>;
    }
  | { kind: 'audit'; maglevd: string; time_ns: string; audit: Audit }
  | { kind: 'resync' };

/**
 * A call to maglevd that may change something, allowed or refused (proto AuditEvent): who acted
 * (the dashboard user maglevd trusted, else the certificate's name, else the address), the RPC,
 * its arguments and its gRPC status.
 */
export interface Audit {
  actor: string;
  identity: string;
  peer: string;
  role: string;
  rpc: string;
  args: Record<string, string>;
  result: string;
  detail: string;
}

/** GET /admin/api/whoami: the logged-in dashboard user, its role, and the actions it may take. */
export interface WhoAmI {
  user: string;
  role: 'viewer' | 'operator' | 'admin';
  allowed: string[];
}
