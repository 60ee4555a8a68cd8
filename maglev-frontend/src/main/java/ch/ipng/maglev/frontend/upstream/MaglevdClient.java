package ch.ipng.maglev.frontend.upstream;

import ch.ipng.maglev.common.Tasks;
import ch.ipng.maglev.frontend.http.AdminAction;
import ch.ipng.maglev.frontend.http.AdminApi;
import ch.ipng.maglev.frontend.sse.SseBroker;
import ch.ipng.maglev.proto.BackendRequest;
import ch.ipng.maglev.proto.Event;
import ch.ipng.maglev.proto.GetVPPInfoRequest;
import ch.ipng.maglev.proto.GetVPPLBStateRequest;
import ch.ipng.maglev.proto.ListBackendsRequest;
import ch.ipng.maglev.proto.ListFrontendsRequest;
import ch.ipng.maglev.proto.ListHealthChecksRequest;
import ch.ipng.maglev.proto.MaglevGrpc;
import ch.ipng.maglev.proto.PreviewWeightRequest;
import ch.ipng.maglev.proto.PreviewWeightResponse;
import ch.ipng.maglev.proto.ReloadConfigRequest;
import ch.ipng.maglev.proto.SetWeightRequest;
import ch.ipng.maglev.proto.SyncVPPLBStateRequest;
import ch.ipng.maglev.proto.VPPInfo;
import ch.ipng.maglev.proto.VPPLBState;
import ch.ipng.maglev.proto.WatchRequest;
import com.google.common.util.concurrent.FutureCallback;
import com.google.common.util.concurrent.Futures;
import com.google.common.util.concurrent.ListenableFuture;
import com.google.common.util.concurrent.MoreExecutors;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.util.JsonFormat;
import io.grpc.ConnectivityState;
import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.health.v1.HealthCheckRequest;
import io.grpc.health.v1.HealthCheckResponse;
import io.grpc.health.v1.HealthGrpc;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.grpc.stub.StreamObserver;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One maglevd: a plaintext gRPC channel, a WatchEvents stream at debug whose events go to the
 * broker, and a 5 s health check that notices a lost maglevd quickly. A dropped stream is
 * re-subscribed with a backoff from 1 s to 30 s; the loops outlive any failure.
 *
 * <p>gRPC's own reconnect backoff grows to two minutes, so after a long outage a returning maglevd
 * would go unnoticed for up to that long: a failed health check resets it, and the channel turning
 * ready runs the health check and the stream's subscription at once.
 */
public final class MaglevdClient implements AutoCloseable {
  static final Duration HEALTH_INTERVAL = Duration.ofSeconds(5);
  static final Duration HEALTH_TIMEOUT = Duration.ofSeconds(2);
  static final Duration MIN_BACKOFF = Duration.ofSeconds(1);
  static final Duration MAX_BACKOFF = Duration.ofSeconds(30);
  static final Duration REFRESH_INTERVAL = Duration.ofSeconds(30);
  static final Duration REFRESH_SPACING = Duration.ofSeconds(1);
  static final Duration CALL_TIMEOUT = Duration.ofSeconds(5);

  private static final Logger logger = LoggerFactory.getLogger(MaglevdClient.class);
  private static final JsonFormat.Printer JSON =
      JsonFormat.printer()
          .omittingInsignificantWhitespace()
          .preservingProtoFieldNames()
          .alwaysPrintFieldsWithNoPresence();

  private final String name;
  private final String address;
  private final ManagedChannel channel;
  private final SseBroker broker;
  private final ScheduledExecutorService loops;
  // answers its health check or streams events
  private volatile boolean reachable;
  // reachable, and the snapshot has been refreshed since: what the page is told
  private volatile boolean connected;
  private volatile String lastError = "";
  private volatile boolean closed;
  private volatile Duration backoff = MIN_BACKOFF;
  // the stream's next subscription while it waits out its backoff; guarded by this
  private @Nullable ScheduledFuture<?> pendingWatch;
  private volatile @Nullable Snapshot snapshot;
  private volatile @Nullable String lbStateJson;
  private volatile @Nullable String frontendsJson;
  // the refresh debounce: at most one refresh per REFRESH_SPACING, leading and trailing edge
  private final Object refreshLock = new Object();
  private boolean refreshScheduled;
  private long lastRefreshNanos = Long.MIN_VALUE / 2;

  private MaglevdClient(
      String name, String address, SseBroker broker, ScheduledExecutorService loops) {
    this.name = name;
    this.address = address;
    this.broker = broker;
    this.loops = loops;
    this.channel = NettyChannelBuilder.forTarget(address).usePlaintext().build();
  }

  /** Starts the loops of one maglevd; {@code loops} is shared by all clients. */
  public static MaglevdClient start(
      String name, String address, SseBroker broker, ScheduledExecutorService loops) {
    MaglevdClient c = new MaglevdClient(name, address, broker, loops);
    loops.execute(c::watch);
    c.followChannel();
    loops.scheduleWithFixedDelay(
        c.surviving(c::checkHealth), 0, HEALTH_INTERVAL.toMillis(), TimeUnit.MILLISECONDS);
    loops.scheduleWithFixedDelay(
        c.surviving(c::requestRefresh), 0, REFRESH_INTERVAL.toMillis(), TimeUnit.MILLISECONDS);
    return c;
  }

  public String name() {
    return name;
  }

  public String address() {
    return address;
  }

  public boolean connected() {
    return connected;
  }

  /** Why the last call or stream failed, "" when none has. */
  public String lastError() {
    return lastError;
  }

  /** The last refresh, or empty before the first one succeeded. */
  public java.util.Optional<Snapshot> snapshot() {
    return java.util.Optional.ofNullable(snapshot);
  }

  /**
   * Asks for a refresh of the snapshot: at once when the last one is older than a second, else once
   * at the end of that second, so a burst of transitions costs two refreshes, not one each.
   */
  public void requestRefresh() {
    synchronized (refreshLock) {
      if (refreshScheduled || closed) {
        return;
      }
      refreshScheduled = true;
      long wait = lastRefreshNanos + REFRESH_SPACING.toNanos() - System.nanoTime();
      try {
        loops.schedule(surviving(this::refresh), Math.max(0, wait), TimeUnit.NANOSECONDS);
      } catch (java.util.concurrent.RejectedExecutionException e) {
        refreshScheduled = false; // shutting down
      }
    }
  }

  private void refresh() {
    synchronized (refreshLock) {
      refreshScheduled = false;
      lastRefreshNanos = System.nanoTime();
    }
    if (closed) {
      return;
    }
    MaglevGrpc.MaglevBlockingStub stub =
        MaglevGrpc.newBlockingStub(channel)
            .withDeadlineAfter(CALL_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
    Snapshot s;
    try {
      var frontends = stub.listFrontends(ListFrontendsRequest.getDefaultInstance());
      var backends = stub.listBackends(ListBackendsRequest.getDefaultInstance());
      var healthchecks = stub.listHealthChecks(ListHealthChecksRequest.getDefaultInstance());
      VPPInfo info = null;
      VPPLBState lb = null;
      String vppError = "";
      try {
        info = stub.getVPPInfo(GetVPPInfoRequest.getDefaultInstance());
        lb = stub.getVPPLBState(GetVPPLBStateRequest.getDefaultInstance());
      } catch (io.grpc.StatusRuntimeException e) {
        vppError = describe(e.getStatus()); // VPP disabled or not connected: shown as such
      }
      s = new Snapshot(Instant.now(), frontends, backends, healthchecks, info, lb, vppError);
    } catch (io.grpc.StatusRuntimeException e) {
      setConnected(false, describe(e.getStatus()));
      return;
    }
    snapshot = s;
    // effective weights and frontend states change with transitions and weight calls: the
    // page gets them when they change
    String fJson = list(s.frontends(), "frontends").toString();
    if (!fJson.equals(frontendsJson)) {
      frontendsJson = fJson;
      JsonObject o = new JsonObject();
      o.addProperty("maglevd", name);
      o.add("frontends", JsonParser.parseString(fJson));
      broker.publish("frontends", o.toString());
    }
    String lbJson = s.lbState() == null ? "null" : print(s.lbState());
    if (!lbJson.equals(lbStateJson)) {
      lbStateJson = lbJson;
      JsonObject o = new JsonObject();
      o.addProperty("maglevd", name);
      o.add("lb_state", JsonParser.parseString(lbJson));
      broker.publish("lb-state", o.toString());
    }
    announceIfBack();
  }

  static String print(com.google.protobuf.MessageOrBuilder m) {
    try {
      return JSON.print(m);
    } catch (InvalidProtocolBufferException e) {
      throw new IllegalStateException("cannot print " + m.getClass().getSimpleName(), e);
    }
  }

  private Runnable surviving(Runnable task) {
    return Tasks.surviving(
        task,
        e ->
            logger
                .atWarn()
                .setMessage("maglevd-loop-failed")
                .addKeyValue("maglevd", name)
                .addKeyValue("error", e.toString())
                .log());
  }

  private void checkHealth() {
    if (closed) {
      return;
    }
    try {
      HealthCheckResponse r =
          HealthGrpc.newBlockingStub(channel)
              .withDeadlineAfter(HEALTH_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)
              .check(HealthCheckRequest.getDefaultInstance());
      setConnected(r.getStatus() == HealthCheckResponse.ServingStatus.SERVING, "not serving");
    } catch (io.grpc.StatusRuntimeException e) {
      setConnected(false, describe(e.getStatus()));
      channel.resetConnectBackoff(); // the next attempt now, not after gRPC's growing backoff
    }
  }

  /**
   * Follows the channel's connectivity: when it becomes ready while maglevd is counted as lost, the
   * health check runs now (not at its next turn) and a stream waiting out its backoff subscribes.
   */
  private void followChannel() {
    ConnectivityState now = channel.getState(false);
    if (now == ConnectivityState.SHUTDOWN || closed) {
      return;
    }
    if (now == ConnectivityState.READY && !connected) {
      try {
        loops.execute(surviving(this::checkHealth));
        loops.execute(surviving(this::watchNow));
      } catch (java.util.concurrent.RejectedExecutionException e) {
        return; // shutting down
      }
    }
    channel.notifyWhenStateChanged(now, this::followChannel);
  }

  /** Subscribes at once if the stream is waiting out its backoff. */
  private void watchNow() {
    synchronized (this) {
      if (pendingWatch == null) {
        return; // subscribed, or subscribing
      }
      pendingWatch.cancel(false);
      pendingWatch = null;
      backoff = MIN_BACKOFF;
    }
    watch();
  }

  /** The stream's subscription after its backoff, unless {@link #watchNow} took its place. */
  private void watchAfterBackoff() {
    synchronized (this) {
      if (pendingWatch == null) {
        return;
      }
      pendingWatch = null;
    }
    watch();
  }

  /**
   * Notes whether maglevd answers. A lost maglevd is announced at once; a found one only after the
   * snapshot has been refreshed ({@link #announceIfBack}), so a page that refetches the state on
   * the announcement never gets the snapshot from before the outage as current.
   */
  private synchronized void setConnected(boolean now, String error) {
    if (!now) {
      lastError = error;
    }
    if (reachable == now) {
      return;
    }
    reachable = now;
    if (now) {
      requestRefresh(); // what was missed while away
    } else if (connected) {
      announce(false);
    }
  }

  /** After a successful refresh: announces a maglevd that came back. */
  private synchronized void announceIfBack() {
    if (reachable && !connected) {
      announce(true);
    }
  }

  private void announce(boolean now) {
    connected = now;
    logger
        .atInfo()
        .setMessage(now ? "maglevd-connect" : "maglevd-disconnect")
        .addKeyValue("maglevd", name)
        .addKeyValue("address", address)
        .addKeyValue("error", now ? "" : lastError)
        .log();
    JsonObject o = new JsonObject();
    o.addProperty("maglevd", name);
    o.addProperty("connected", now);
    o.addProperty("last_error", lastError);
    broker.publish("maglevd-status", o.toString());
  }

  private void watch() {
    if (closed) {
      return;
    }
    WatchRequest req =
        WatchRequest.newBuilder()
            .setLog(true)
            .setLogLevel("debug")
            .setBackend(true)
            .setFrontend(true)
            .build();
    MaglevGrpc.newStub(channel)
        .watchEvents(
            req,
            new StreamObserver<>() {
              @Override
              public void onNext(Event e) {
                backoff = MIN_BACKOFF;
                setConnected(true, "");
                publish(e);
                if (e.hasBackend() || e.hasFrontend() || isVppRecord(e)) {
                  requestRefresh();
                }
              }

              @Override
              public void onError(Throwable t) {
                ended(describe(Status.fromThrowable(t)));
              }

              @Override
              public void onCompleted() {
                ended("maglevd ended the event stream");
              }
            });
  }

  private synchronized void ended(String why) {
    if (closed) {
      return;
    }
    lastError = why;
    Duration wait = backoff;
    backoff =
        backoff.multipliedBy(2).compareTo(MAX_BACKOFF) > 0 ? MAX_BACKOFF : backoff.multipliedBy(2);
    logger
        .atDebug()
        .setMessage("maglevd-watch-ended")
        .addKeyValue("maglevd", name)
        .addKeyValue("error", why)
        .addKeyValue("retry_ms", wait.toMillis())
        .log();
    try {
      pendingWatch =
          loops.schedule(
              surviving(this::watchAfterBackoff), wait.toMillis(), TimeUnit.MILLISECONDS);
    } catch (java.util.concurrent.RejectedExecutionException e) {
      // shutting down
    }
  }

  /** One maglevd event as the browser gets it: the proto's JSON plus the maglevd's name. */
  private void publish(Event e) {
    String kind =
        switch (e.getEventCase()) {
          case BACKEND -> "backend-transition";
          case FRONTEND -> "frontend-transition";
          case LOG -> "log";
          case EVENT_NOT_SET -> null;
        };
    if (kind == null) {
      return;
    }
    JsonObject o = new JsonObject();
    o.addProperty("maglevd", name);
    try {
      JsonObject body = JsonParser.parseString(JSON.print(e)).getAsJsonObject();
      body.entrySet().forEach(en -> o.add(en.getKey(), en.getValue()));
    } catch (InvalidProtocolBufferException ex) {
      return; // a message JsonFormat cannot print has no place on the page
    }
    broker.publish(kind, o.toString());
  }

  /**
   * Carries out an admin action on this maglevd and answers with its result as JSON, or with the
   * maglevd's error (without gRPC's boilerplate) and a matching HTTP status. Each action is logged
   * with who asked for it and from where.
   */
  public CompletableFuture<AdminApi.Reply> perform(AdminAction action, String user, String remote) {
    if (action instanceof AdminAction.WeightPreview p) {
      return preview(p);
    }
    MaglevGrpc.MaglevFutureStub stub = futureStub();
    ListenableFuture<? extends com.google.protobuf.Message> call =
        switch (action) {
          case AdminAction.Lifecycle l -> {
            BackendRequest r = BackendRequest.newBuilder().setName(l.backend()).build();
            yield switch (l.verb()) {
              case "pause" -> stub.pauseBackend(r);
              case "resume" -> stub.resumeBackend(r);
              case "enable" -> stub.enableBackend(r);
              default -> stub.disableBackend(r);
            };
          }
          case AdminAction.SetWeight w ->
              stub.setFrontendPoolBackendWeight(
                  SetWeightRequest.newBuilder()
                      .setFrontend(w.frontend())
                      .setPool(w.pool())
                      .setBackend(w.backend())
                      .setWeight(w.weight())
                      .setFlush(w.flush())
                      .build());
          case AdminAction.SyncVpp v ->
              stub.syncVPPLBState(
                  SyncVPPLBStateRequest.newBuilder().setFrontend(v.frontend()).build());
          case AdminAction.ReloadConfig r ->
              stub.reloadConfig(ReloadConfigRequest.getDefaultInstance());
          case AdminAction.WeightPreview p -> throw new AssertionError("answered above");
        };
    CompletableFuture<AdminApi.Reply> out = new CompletableFuture<>();
    Futures.addCallback(
        call,
        new FutureCallback<com.google.protobuf.Message>() {
          @Override
          public void onSuccess(com.google.protobuf.Message m) {
            audit(action, user, remote, "ok");
            // a weight change makes no transition event: refresh for the buckets' sake
            requestRefresh();
            out.complete(new AdminApi.Reply(200, print(m)));
          }

          @Override
          public void onFailure(Throwable t) {
            Status s = Status.fromThrowable(t);
            audit(action, user, remote, describe(s));
            out.complete(errorReply(s));
          }
        },
        MoreExecutors.directExecutor());
    return out;
  }

  private MaglevGrpc.MaglevFutureStub futureStub() {
    return MaglevGrpc.newFutureStub(channel)
        .withDeadlineAfter(CALL_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
  }

  /** maglevd's error (without gRPC's boilerplate) with the HTTP status that matches it. */
  private static AdminApi.Reply errorReply(Status s) {
    String message = s.getDescription() != null ? s.getDescription() : s.getCode().toString();
    return replyError(httpStatus(s.getCode()), message);
  }

  /**
   * What a weight change would do to VPP's buckets, as maglevd computes it (the proto's JSON). A
   * read, asked again as the weight is typed: not audited, and no refresh follows.
   */
  private CompletableFuture<AdminApi.Reply> preview(AdminAction.WeightPreview p) {
    ListenableFuture<PreviewWeightResponse> call =
        futureStub()
            .previewFrontendPoolBackendWeight(
                PreviewWeightRequest.newBuilder()
                    .setFrontend(p.frontend())
                    .setPool(p.pool())
                    .setBackend(p.backend())
                    .setWeight(p.weight())
                    .build());
    CompletableFuture<AdminApi.Reply> out = new CompletableFuture<>();
    Futures.addCallback(
        call,
        new FutureCallback<PreviewWeightResponse>() {
          @Override
          public void onSuccess(PreviewWeightResponse r) {
            out.complete(new AdminApi.Reply(200, print(r)));
          }

          @Override
          public void onFailure(Throwable t) {
            out.complete(errorReply(Status.fromThrowable(t)));
          }
        },
        MoreExecutors.directExecutor());
    return out;
  }

  private static AdminApi.Reply replyError(int status, String message) {
    JsonObject o = new JsonObject();
    o.addProperty("error", message);
    return new AdminApi.Reply(status, o.toString());
  }

  private void audit(AdminAction action, String user, String remote, String result) {
    logger
        .atInfo()
        .setMessage("admin-action")
        .addKeyValue("maglevd", name)
        .addKeyValue("action", action.toString())
        .addKeyValue("user", user)
        .addKeyValue("remote", remote)
        .addKeyValue("result", result)
        .log();
  }

  /** The HTTP status that says what a maglevd's gRPC status says. */
  static int httpStatus(Status.Code code) {
    return switch (code) {
      case NOT_FOUND -> 404;
      case INVALID_ARGUMENT -> 400;
      case FAILED_PRECONDITION -> 409;
      case UNAVAILABLE -> 503;
      case DEADLINE_EXCEEDED -> 504;
      default -> 502;
    };
  }

  /** VPP (dis)connects and lb writes change what GetVPPInfo and GetVPPLBState say. */
  private static boolean isVppRecord(Event e) {
    if (!e.hasLog()) {
      return false;
    }
    String msg = e.getLog().getMsg();
    return msg.equals("vpp-connect")
        || msg.equals("vpp-disconnect")
        || msg.equals("vpp-lb-sync-done")
        || msg.equals("vpp-warm-up-done");
  }

  static String describe(Status s) {
    String d = s.getDescription();
    return s.getCode() + (d == null || d.isEmpty() ? "" : ": " + d);
  }

  @Override
  public void close() {
    closed = true;
    channel.shutdownNow();
  }

  /** What {@link #stateJson} rendered last, and from what. */
  private record Rendered(
      @Nullable Snapshot snapshot, boolean connected, String lastError, String json) {}

  private volatile @Nullable Rendered rendered;

  /**
   * This maglevd's state for /view/api/state as JSON, rendered once per snapshot and connection
   * state: a crowd of pages reloading at once (after a network blip, say) costs one rendering.
   */
  String stateJson() {
    Snapshot s = snapshot;
    boolean c = connected;
    String e = lastError;
    Rendered r = rendered;
    if (r != null && r.snapshot() == s && r.connected() == c && r.lastError().equals(e)) {
      return r.json();
    }
    String json = state(this, s, c, e).toString();
    rendered = new Rendered(s, c, e, json);
    return json;
  }

  /**
   * This maglevd's state: its status, then the snapshot {@code s}, which is marked stale while the
   * maglevd is not connected so the page never passes it off as current.
   */
  private static JsonObject state(
      MaglevdClient client, @Nullable Snapshot s, boolean connected, String lastError) {
    JsonObject o = status(client, connected, lastError);
    o.addProperty("stale", s == null || !connected);
    o.addProperty(
        "last_refresh_unix_ns",
        // a string, as protobuf JSON writes 64-bit integers: JavaScript numbers lose the digits
        String.valueOf(
            s == null ? 0 : s.at().getEpochSecond() * 1_000_000_000L + s.at().getNano()));
    String vppState = s == null ? "" : s.vppInfo() != null ? "connected" : "disconnected";
    o.addProperty("vpp_state", vppState);
    o.addProperty("vpp_error", s == null ? "" : s.vppError());
    o.add(
        "frontends",
        s == null ? new com.google.gson.JsonArray() : list(s.frontends(), "frontends"));
    o.add("backends", s == null ? new com.google.gson.JsonArray() : list(s.backends(), "backends"));
    o.add(
        "healthchecks",
        s == null ? new com.google.gson.JsonArray() : list(s.healthchecks(), "healthchecks"));
    o.add(
        "vpp_info",
        s == null || s.vppInfo() == null
            ? com.google.gson.JsonNull.INSTANCE
            : JsonParser.parseString(print(s.vppInfo())));
    o.add(
        "lb_state",
        s == null || s.lbState() == null
            ? com.google.gson.JsonNull.INSTANCE
            : JsonParser.parseString(print(s.lbState())));
    return o;
  }

  private static com.google.gson.JsonArray list(
      com.google.protobuf.MessageOrBuilder m, String field) {
    JsonObject o = JsonParser.parseString(print(m)).getAsJsonObject();
    return o.has(field) ? o.getAsJsonArray(field) : new com.google.gson.JsonArray();
  }

  /** The status of every client, for /view/api/maglevds. */
  static JsonObject status(MaglevdClient c) {
    return status(c, c.connected(), c.lastError());
  }

  private static JsonObject status(MaglevdClient c, boolean connected, String lastError) {
    JsonObject o = new JsonObject();
    o.addProperty("name", c.name());
    o.addProperty("address", c.address());
    o.addProperty("connected", connected);
    o.addProperty("last_error", lastError);
    return o;
  }

  static @Nullable String hostOf(String address) {
    int colon = address.lastIndexOf(':');
    String host = colon < 0 ? address : address.substring(0, colon);
    if (host.startsWith("[") && host.endsWith("]")) {
      host = host.substring(1, host.length() - 1);
    }
    return host.isEmpty() ? null : host;
  }
}
