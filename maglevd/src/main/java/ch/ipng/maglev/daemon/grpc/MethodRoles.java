package ch.ipng.maglev.daemon.grpc;

import static ch.ipng.maglev.config.ClientRole.ADMIN;
import static ch.ipng.maglev.config.ClientRole.OPERATOR;
import static ch.ipng.maglev.config.ClientRole.VIEWER;
import static java.util.Map.entry;

import ch.ipng.maglev.config.ClientRole;
import ch.ipng.maglev.proto.MaglevGrpc;
import io.grpc.MethodDescriptor;
import java.util.Map;

/**
 * The one table of which role each Maglev RPC needs. A test holds it to maglev.proto: every RPC of
 * the service has a row, and exactly the RPCs marked {@code NO_SIDE_EFFECTS} need only {@code
 * viewer}; an RPC missing here needs {@code admin}.
 */
public final class MethodRoles {
  /** By the RPC's name in service {@code maglev.Maglev}. */
  static final Map<String, ClientRole> REQUIRED =
      Map.ofEntries(
          entry("ListFrontends", VIEWER),
          entry("GetFrontend", VIEWER),
          entry("ListBackends", VIEWER),
          entry("GetBackend", VIEWER),
          entry("PauseBackend", OPERATOR),
          entry("ResumeBackend", OPERATOR),
          entry("EnableBackend", OPERATOR),
          entry("DisableBackend", OPERATOR),
          entry("ListHealthChecks", VIEWER),
          entry("GetHealthCheck", VIEWER),
          entry("SetFrontendPoolBackendWeight", OPERATOR),
          entry("PreviewFrontendPoolBackendWeight", VIEWER),
          entry("WatchEvents", VIEWER),
          entry("CheckConfig", VIEWER),
          entry("ReloadConfig", ADMIN),
          entry("GetVPPInfo", VIEWER),
          entry("GetVPPLBState", VIEWER),
          entry("SyncVPPLBState", OPERATOR),
          entry("GetCheckerSuspicion", VIEWER),
          entry("ReleaseCheckerSuspicion", OPERATOR),
          entry("ReleaseDrainHold", OPERATOR),
          entry("LookupVPPLBFlow", VIEWER),
          entry("GetVPPLBCounters", VIEWER));

  private MethodRoles() {}

  /** The role a call of {@code method} needs: its row, or admin for anything else. */
  public static ClientRole required(MethodDescriptor<?, ?> method) {
    if (!MaglevGrpc.SERVICE_NAME.equals(method.getServiceName())) {
      return ADMIN;
    }
    ClientRole r = REQUIRED.get(method.getBareMethodName());
    return r == null ? ADMIN : r;
  }

  /** Whether a call of {@code method} may change something (and so is audited). */
  public static boolean mutating(MethodDescriptor<?, ?> method) {
    return required(method) != VIEWER;
  }
}
