package ch.ipng.maglev.frontend.upstream;

import ch.ipng.maglev.common.Tasks;
import ch.ipng.maglev.frontend.http.AdminAction;
import ch.ipng.maglev.frontend.http.AdminApi;
import ch.ipng.maglev.frontend.http.FlowQuery;
import ch.ipng.maglev.frontend.sse.SseBroker;
import com.google.gson.JsonObject;
import io.grpc.ConnectivityState;
import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.health.v1.HealthCheckRequest;
import io.grpc.health.v1.HealthCheckResponse;
import io.grpc.health.v1.HealthGrpc;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
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
 *
 * <p>This class follows the channel and runs the health check; the stream is {@link EventWatch},
 * the snapshot {@link SnapshotRefresher}, what the page is told {@link ConnectionStatus} and {@link
 * StateJson}, the admin actions {@link AdminCalls}.
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

  private final String name;
  private final String address;
  private final ManagedChannel channel;
  private final ScheduledExecutorService loops;
  private final ConnectionStatus status;
  private final SnapshotRefresher refresher;
  private final EventWatch watch;
  private final AdminCalls admin;
  private final FlowCalls flows;
  private final StateJson state;
  private volatile boolean closed;

  private MaglevdClient(
      String name,
      String address,
      SseBroker broker,
      ScheduledExecutorService loops,
      io.grpc.ChannelCredentials credentials) {
    this.name = name;
    this.address = address;
    this.loops = loops;
    this.channel = NettyChannelBuilder.forTarget(address, credentials).build();
    this.status = new ConnectionStatus(name, address, broker, this::requestRefresh);
    this.refresher = new SnapshotRefresher(name, channel, broker, loops, status);
    this.watch = new EventWatch(name, channel, broker, loops, status, refresher::requestRefresh);
    this.admin = new AdminCalls(name, channel, refresher::requestRefresh);
    this.flows = new FlowCalls(name, channel, CALL_TIMEOUT);
    this.state = new StateJson(name, address);
  }

  /** Starts the loops of one maglevd; {@code loops} is shared by all clients. */
  public static MaglevdClient start(
      String name, String address, SseBroker broker, ScheduledExecutorService loops) {
    return start(name, address, broker, loops, io.grpc.InsecureChannelCredentials.create());
  }

  /** As above, the channel made with {@code credentials} (TLS towards maglevd, or plaintext). */
  public static MaglevdClient start(
      String name,
      String address,
      SseBroker broker,
      ScheduledExecutorService loops,
      io.grpc.ChannelCredentials credentials) {
    MaglevdClient c = new MaglevdClient(name, address, broker, loops, credentials);
    c.watch.start();
    c.followChannel();
    loops.scheduleWithFixedDelay(
        surviving(name, c::checkHealth), 0, HEALTH_INTERVAL.toMillis(), TimeUnit.MILLISECONDS);
    loops.scheduleWithFixedDelay(
        surviving(name, c::requestRefresh), 0, REFRESH_INTERVAL.toMillis(), TimeUnit.MILLISECONDS);
    return c;
  }

  public String name() {
    return name;
  }

  public String address() {
    return address;
  }

  public boolean connected() {
    return status.connected();
  }

  /** Why the last call or stream failed, "" when none has. */
  public String lastError() {
    return status.lastError();
  }

  /** The last refresh, or empty before the first one succeeded. */
  public Optional<Snapshot> snapshot() {
    return Optional.ofNullable(refresher.snapshot());
  }

  /**
   * Asks for a refresh of the snapshot: at once when the last one is older than a second, else once
   * at the end of that second, so a burst of transitions costs two refreshes, not one each.
   */
  public void requestRefresh() {
    refresher.requestRefresh();
  }

  /**
   * Carries out an admin action on this maglevd and answers with its result as JSON, or with the
   * maglevd's error (without gRPC's boilerplate) and a matching HTTP status. Each action is logged
   * with who asked for it and from where.
   */
  public CompletableFuture<AdminApi.Reply> perform(AdminAction action, String user, String remote) {
    return admin.perform(action, user, remote);
  }

  /** Which VIP, bucket and AS this maglevd says VPP gives a new flow (see {@link FlowCalls}). */
  public CompletableFuture<AdminApi.Reply> lookupFlow(FlowQuery query) {
    return flows.lookup(query);
  }

  /** {@code task} for a shared loop: a failure is logged, and the next run comes all the same. */
  static Runnable surviving(String maglevd, Runnable task) {
    return Tasks.surviving(
        task,
        e ->
            logger
                .atWarn()
                .setMessage("maglevd-loop-failed")
                .addKeyValue("maglevd", maglevd)
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
      status.set(r.getStatus() == HealthCheckResponse.ServingStatus.SERVING, "not serving");
    } catch (StatusRuntimeException e) {
      status.set(false, describe(e.getStatus()));
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
    if (now == ConnectivityState.READY && !status.connected()) {
      try {
        loops.execute(surviving(name, this::checkHealth));
        loops.execute(surviving(name, watch::watchNow));
      } catch (RejectedExecutionException e) {
        return; // shutting down
      }
    }
    channel.notifyWhenStateChanged(now, this::followChannel);
  }

  static String describe(Status s) {
    String d = s.getDescription();
    return s.getCode() + (d == null || d.isEmpty() ? "" : ": " + d);
  }

  @Override
  public void close() {
    closed = true;
    watch.close();
    refresher.close();
    channel.shutdownNow();
  }

  /** This maglevd's state for /view/api/state as JSON (see {@link StateJson}). */
  String stateJson() {
    Snapshot s = refresher.snapshot();
    boolean c = status.connected();
    String e = status.lastError();
    return state.render(s, c, e);
  }

  /** The status of every client, for /view/api/maglevds. */
  static JsonObject status(MaglevdClient c) {
    return StateJson.status(c.name(), c.address(), c.connected(), c.lastError());
  }

  /** The host of a --server address (brackets taken off), or null when it has none. */
  public static @Nullable String hostOf(String address) {
    int colon = address.lastIndexOf(':');
    String host = colon < 0 ? address : address.substring(0, colon);
    if (host.startsWith("[") && host.endsWith("]")) {
      host = host.substring(1, host.length() - 1);
    }
    return host.isEmpty() ? null : host;
  }
}
