package ch.ipng.maglev.frontend.upstream;

import ch.ipng.maglev.frontend.sse.SseBroker;
import ch.ipng.maglev.proto.GetVPPInfoRequest;
import ch.ipng.maglev.proto.GetVPPLBStateRequest;
import ch.ipng.maglev.proto.ListBackendsRequest;
import ch.ipng.maglev.proto.ListFrontendsRequest;
import ch.ipng.maglev.proto.ListHealthChecksRequest;
import ch.ipng.maglev.proto.MaglevGrpc;
import ch.ipng.maglev.proto.VPPInfo;
import ch.ipng.maglev.proto.VPPLBState;
import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import io.grpc.ManagedChannel;
import io.grpc.StatusRuntimeException;
import java.time.Instant;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.jspecify.annotations.Nullable;

/**
 * One maglevd's snapshot, refreshed through its List and GetVPP* calls, debounced to at most one
 * refresh per {@link MaglevdClient#REFRESH_SPACING} (leading and trailing edge). The frontends and
 * VPP's lb state go to the page whenever they change: effective weights and frontend states change
 * with transitions and weight calls, which the event stream does not carry.
 */
final class SnapshotRefresher {
  private final String name;
  private final ManagedChannel channel;
  private final SseBroker broker;
  private final ScheduledExecutorService loops;
  private final ConnectionStatus status;
  private volatile boolean closed;
  private volatile @Nullable Snapshot snapshot;
  private volatile @Nullable String lbStateJson;
  private volatile @Nullable String frontendsJson;
  // the debounce's state
  private final Object refreshLock = new Object();
  private boolean refreshScheduled;
  private long lastRefreshNanos = Long.MIN_VALUE / 2;

  SnapshotRefresher(
      String name,
      ManagedChannel channel,
      SseBroker broker,
      ScheduledExecutorService loops,
      ConnectionStatus status) {
    this.name = name;
    this.channel = channel;
    this.broker = broker;
    this.loops = loops;
    this.status = status;
  }

  /** The last refresh, or null before the first one succeeded. */
  @Nullable Snapshot snapshot() {
    return snapshot;
  }

  /**
   * Asks for a refresh: at once when the last one is older than a second, else once at the end of
   * that second, so a burst of transitions costs two refreshes, not one each.
   */
  void requestRefresh() {
    synchronized (refreshLock) {
      if (refreshScheduled || closed) {
        return;
      }
      refreshScheduled = true;
      long wait = lastRefreshNanos + MaglevdClient.REFRESH_SPACING.toNanos() - System.nanoTime();
      try {
        loops.schedule(
            MaglevdClient.surviving(name, this::refresh), Math.max(0, wait), TimeUnit.NANOSECONDS);
      } catch (RejectedExecutionException e) {
        refreshScheduled = false; // shutting down
      }
    }
  }

  void close() {
    closed = true;
  }

  private void refresh() {
    synchronized (refreshLock) {
      refreshScheduled = false;
      lastRefreshNanos = System.nanoTime();
    }
    if (closed) {
      return;
    }
    Snapshot s;
    try {
      s = fetch();
    } catch (StatusRuntimeException e) {
      status.set(false, MaglevdClient.describe(e.getStatus()));
      return;
    }
    snapshot = s;
    publishChanges(s);
    status.announceIfBack();
    if (ramping(s.frontends())) {
      requestRefresh(); // slow-start steps carry no event: follow them once a second
    }
  }

  /** Whether some backend of some frontend is in a slow-start ramp. */
  static boolean ramping(ch.ipng.maglev.proto.ListFrontendsResponse frontends) {
    for (var f : frontends.getFrontendsList()) {
      for (var p : f.getPoolsList()) {
        for (var b : p.getBackendsList()) {
          if (b.hasSlowStart() && b.getSlowStart().getTargetWeight() > 0) {
            return true;
          }
        }
      }
    }
    return false;
  }

  /** Asks maglevd for everything the page shows; VPP's part may fail alone. */
  private Snapshot fetch() {
    MaglevGrpc.MaglevBlockingStub stub =
        MaglevGrpc.newBlockingStub(channel)
            .withDeadlineAfter(MaglevdClient.CALL_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
    var frontends = stub.listFrontends(ListFrontendsRequest.getDefaultInstance());
    var backends = stub.listBackends(ListBackendsRequest.getDefaultInstance());
    var healthchecks = stub.listHealthChecks(ListHealthChecksRequest.getDefaultInstance());
    VPPInfo info = null;
    VPPLBState lb = null;
    String vppError = "";
    try {
      info = stub.getVPPInfo(GetVPPInfoRequest.getDefaultInstance());
      lb = stub.getVPPLBState(GetVPPLBStateRequest.getDefaultInstance());
    } catch (StatusRuntimeException e) {
      vppError = MaglevdClient.describe(e.getStatus()); // VPP disabled or not connected
    }
    return new Snapshot(Instant.now(), frontends, backends, healthchecks, info, lb, vppError);
  }

  /** Each backend's overrides in force, by name (every backend, an empty list when it has none). */
  static JsonObject overrides(Snapshot s) {
    JsonObject o = new JsonObject();
    for (JsonElement b : ProtoJson.list(s.backends(), "backends")) {
      JsonObject bo = b.getAsJsonObject();
      o.add(
          bo.get("name").getAsString(),
          bo.has("overrides") ? bo.get("overrides") : new JsonArray());
    }
    return o;
  }

  private void publishChanges(Snapshot s) {
    // the checker's suspicion comes with the frontends (ListFrontends), and so goes out with them
    // and so do the backends' overrides (ListBackends): a pause's reason, a weight's expiry
    JsonObject overrides = overrides(s);
    String fJson =
        ProtoJson.list(s.frontends(), "frontends")
            + (s.frontends().hasCheckerSuspicion()
                ? ProtoJson.print(s.frontends().getCheckerSuspicion())
                : "null")
            + overrides;
    if (!fJson.equals(frontendsJson)) {
      frontendsJson = fJson;
      JsonObject o = new JsonObject();
      o.addProperty("maglevd", name);
      o.add("frontends", ProtoJson.list(s.frontends(), "frontends"));
      o.add("checker_suspicion", StateJson.suspicion(s));
      o.add("overrides", overrides);
      broker.publish("frontends", o.toString());
    }
    String lbJson = s.lbState() == null ? "null" : ProtoJson.print(s.lbState());
    if (!lbJson.equals(lbStateJson)) {
      lbStateJson = lbJson;
      JsonObject o = new JsonObject();
      o.addProperty("maglevd", name);
      o.add("lb_state", JsonParser.parseString(lbJson));
      broker.publish("lb-state", o.toString());
    }
  }
}
