// Generated from maglev.proto by maglevc's MethodTableGenerator (in its tests): do not edit.
// MaglevMethodTest fails when it is out of date; -Dmaglevc.regenerate rewrites it.
package ch.ipng.maglev.cli.rpc;

/**
 * The RPCs of {@code maglev.Maglev}, from the proto's descriptor: each one's path, whether it
 * streams, and whether the proto marks it {@code idempotency_level = NO_SIDE_EFFECTS}.
 */
enum MaglevMethod {
  LIST_FRONTENDS("/maglev.Maglev/ListFrontends", false, true),
  GET_FRONTEND("/maglev.Maglev/GetFrontend", false, true),
  LIST_BACKENDS("/maglev.Maglev/ListBackends", false, true),
  GET_BACKEND("/maglev.Maglev/GetBackend", false, true),
  PAUSE_BACKEND("/maglev.Maglev/PauseBackend", false, false),
  RESUME_BACKEND("/maglev.Maglev/ResumeBackend", false, false),
  ENABLE_BACKEND("/maglev.Maglev/EnableBackend", false, false),
  DISABLE_BACKEND("/maglev.Maglev/DisableBackend", false, false),
  LIST_HEALTH_CHECKS("/maglev.Maglev/ListHealthChecks", false, true),
  GET_HEALTH_CHECK("/maglev.Maglev/GetHealthCheck", false, true),
  SET_FRONTEND_POOL_BACKEND_WEIGHT("/maglev.Maglev/SetFrontendPoolBackendWeight", false, false),
  PREVIEW_FRONTEND_POOL_BACKEND_WEIGHT(
      "/maglev.Maglev/PreviewFrontendPoolBackendWeight", false, true),
  WATCH_EVENTS("/maglev.Maglev/WatchEvents", true, true),
  CHECK_CONFIG("/maglev.Maglev/CheckConfig", false, true),
  RELOAD_CONFIG("/maglev.Maglev/ReloadConfig", false, false),
  GET_VPP_INFO("/maglev.Maglev/GetVPPInfo", false, true),
  GET_VPPLB_STATE("/maglev.Maglev/GetVPPLBState", false, true),
  LOOKUP_VPPLB_FLOW("/maglev.Maglev/LookupVPPLBFlow", false, true),
  SYNC_VPPLB_STATE("/maglev.Maglev/SyncVPPLBState", false, false),
  GET_CHECKER_SUSPICION("/maglev.Maglev/GetCheckerSuspicion", false, true),
  RELEASE_CHECKER_SUSPICION("/maglev.Maglev/ReleaseCheckerSuspicion", false, false),
  RELEASE_DRAIN_HOLD("/maglev.Maglev/ReleaseDrainHold", false, false),
  GET_VPPLB_COUNTERS("/maglev.Maglev/GetVPPLBCounters", false, true),
  ;

  private final String path;
  private final boolean serverStreaming;
  private final boolean noSideEffects;

  MaglevMethod(String path, boolean serverStreaming, boolean noSideEffects) {
    this.path = path;
    this.serverStreaming = serverStreaming;
    this.noSideEffects = noSideEffects;
  }

  /** "/maglev.Maglev/Method", the call's HTTP/2 path. */
  String path() {
    return path;
  }

  /** Whether the server answers with a stream of messages. */
  boolean serverStreaming() {
    return serverStreaming;
  }

  /** Whether the proto marks it idempotency_level = NO_SIDE_EFFECTS. */
  boolean noSideEffects() {
    return noSideEffects;
  }
}
