package ch.ipng.maglev.daemon.grpc;

import static java.util.Objects.requireNonNull;

import ch.ipng.maglev.config.GrpcAccess;
import io.grpc.Server;
import io.grpc.ServerInterceptor;
import io.grpc.ServerInterceptors;
import io.grpc.ServerServiceDefinition;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import io.grpc.netty.shaded.io.netty.channel.EventLoopGroup;
import io.grpc.netty.shaded.io.netty.channel.MultiThreadIoEventLoopGroup;
import io.grpc.netty.shaded.io.netty.channel.ServerChannel;
import io.grpc.netty.shaded.io.netty.channel.nio.NioIoHandler;
import io.grpc.netty.shaded.io.netty.channel.socket.nio.NioServerSocketChannel;
import io.grpc.protobuf.services.HealthStatusManager;
import io.grpc.protobuf.services.ProtoReflectionServiceV1;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.jspecify.annotations.Nullable;

/**
 * The gRPC listener: the Maglev service, optional reflection and the standard health service,
 * behind the listener's bounds ({@link Limits}): connections, idle time, handshake time, message
 * and metadata sizes, calls per connection; every request is parsed safely ({@link SafeParsing})
 * and every error description bounded ({@link CallGuard}).
 */
public final class GrpcServer implements AutoCloseable {
  /** Request messages are small (names, a weight): anything bigger is refused unread. */
  public static final int MAX_INBOUND_MESSAGE_BYTES = 64 * 1024;

  /** Request headers (metadata) a client may send. */
  public static final int MAX_INBOUND_METADATA_BYTES = 16 * 1024;

  /** Concurrent calls on one connection (HTTP/2 MAX_CONCURRENT_STREAMS). */
  public static final int MAX_CALLS_PER_CONNECTION = 128;

  /** The longest a connection may take to finish the HTTP/2 handshake (or the idle time). */
  public static final Duration HANDSHAKE_TIMEOUT = Duration.ofSeconds(10);

  /** Keep-alive pings to clients on a connection quiet for this long; they must answer in 20 s. */
  public static final Duration KEEP_ALIVE_TIME = Duration.ofMinutes(1);

  public static final Duration KEEP_ALIVE_TIMEOUT = Duration.ofSeconds(20);

  /**
   * The listener's bounds.
   *
   * @param maxConnections connections open at once; more are closed as they are accepted
   * @param idleTimeout a connection without calls for this long is closed (GOAWAY)
   */
  public record Limits(int maxConnections, Duration idleTimeout) {
    public static final Limits DEFAULT = new Limits(1024, Duration.ofMinutes(1));

    public Limits {
      requireNonNull(idleTimeout, "idleTimeout");
      if (maxConnections < 1) {
        throw new IllegalArgumentException(
            "--grpc-max-connections: " + maxConnections + " (expected: >= 1)");
      }
      if (idleTimeout.isNegative() || idleTimeout.isZero()) {
        throw new IllegalArgumentException(
            "--grpc-idle-timeout: " + idleTimeout + " (expected: > 0)");
      }
    }
  }

  private final Server server;
  private final MaglevService service;
  private final HealthStatusManager health;
  private final EventLoopGroup boss;
  private final EventLoopGroup workers;

  private GrpcServer(
      Server server,
      MaglevService service,
      HealthStatusManager health,
      EventLoopGroup boss,
      EventLoopGroup workers) {
    this.server = server;
    this.service = service;
    this.health = health;
    this.boss = boss;
    this.workers = workers;
  }

  /** Starts with the default limits and no metrics. */
  public static GrpcServer start(
      InetSocketAddress address, MaglevService service, boolean reflection) throws IOException {
    return start(address, service, reflection, Limits.DEFAULT, GrpcObserver.NONE);
  }

  public static GrpcServer start(
      InetSocketAddress address,
      MaglevService service,
      boolean reflection,
      Limits limits,
      GrpcObserver observer)
      throws IOException {
    return start(address, service, reflection, limits, observer, Security.PLAINTEXT);
  }

  /**
   * Who may connect and call: TLS (or plaintext when {@code tls} is null) and the interceptor that
   * decides per call ({@link AccessInterceptor}); health and reflection answer any client that
   * completes the handshake.
   */
  public record Security(@Nullable ServerTls tls, ServerInterceptor access) {
    /** Plaintext, every caller admin, nothing audited. */
    public static final Security PLAINTEXT =
        new Security(null, AccessInterceptor.of(false, GrpcAccess::defaults, Audit.NONE));

    public Security {
      requireNonNull(access, "access");
    }
  }

  public static GrpcServer start(
      InetSocketAddress address,
      MaglevService service,
      boolean reflection,
      Limits limits,
      GrpcObserver observer,
      Security security)
      throws IOException {
    HealthStatusManager health = new HealthStatusManager();
    ConnectionLimit connections =
        new ConnectionLimit(limits.maxConnections(), observer::connectionRefused);
    EventLoopGroup boss = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
    EventLoopGroup workers = new MultiThreadIoEventLoopGroup(0, NioIoHandler.newFactory());
    long idleNanos = limits.idleTimeout().toNanos();
    NettyServerBuilder b =
        NettyServerBuilder.forAddress(address)
            .channelFactory(
                () -> {
                  ServerChannel ch = new NioServerSocketChannel();
                  ch.pipeline().addLast("connection-limit", connections);
                  return ch;
                })
            .bossEventLoopGroup(boss)
            .workerEventLoopGroup(workers)
            .addService(guarded(service.bindService(), security.access()))
            .addService(guarded(health.getHealthService().bindService()))
            .maxInboundMessageSize(MAX_INBOUND_MESSAGE_BYTES)
            .maxInboundMetadataSize(MAX_INBOUND_METADATA_BYTES)
            .maxConcurrentCallsPerConnection(MAX_CALLS_PER_CONNECTION)
            .maxConnectionIdle(idleNanos, TimeUnit.NANOSECONDS)
            .handshakeTimeout(
                Math.min(HANDSHAKE_TIMEOUT.toNanos(), idleNanos), TimeUnit.NANOSECONDS)
            .keepAliveTime(KEEP_ALIVE_TIME.toNanos(), TimeUnit.NANOSECONDS)
            .keepAliveTimeout(KEEP_ALIVE_TIMEOUT.toNanos(), TimeUnit.NANOSECONDS)
            .permitKeepAliveTime(10, TimeUnit.SECONDS)
            .permitKeepAliveWithoutCalls(true);
    if (security.tls() != null) {
      b.sslContext(security.tls().sslContext());
    }
    if (reflection) {
      b.addService(guarded(ProtoReflectionServiceV1.newInstance().bindService()));
    }
    try {
      Server s = b.build().start();
      return new GrpcServer(s, service, health, boss, workers);
    } catch (IOException | RuntimeException e) {
      var unused = boss.shutdownGracefully(0, 0, TimeUnit.SECONDS);
      unused = workers.shutdownGracefully(0, 0, TimeUnit.SECONDS);
      throw e;
    }
  }

  private static ServerServiceDefinition guarded(ServerServiceDefinition service) {
    return ServerInterceptors.intercept(
        SafeParsing.wrap(service), new CallGuard(), Actors.interceptor());
  }

  /**
   * The access interceptor runs after the guard, so its refusals are bounded too, and inside safe
   * parsing, so it sees the request message (for the audit).
   */
  private static ServerServiceDefinition guarded(
      ServerServiceDefinition service, ServerInterceptor access) {
    return ServerInterceptors.intercept(
        SafeParsing.wrap(ServerInterceptors.intercept(service, access)), new CallGuard());
  }

  public int port() {
    return server.getPort();
  }

  /** Ends streams, drains calls for up to 5 s, then stops. */
  @Override
  public void close() {
    health.enterTerminalState();
    service.shutdown();
    server.shutdown();
    try {
      if (!server.awaitTermination(5, TimeUnit.SECONDS)) {
        server.shutdownNow().awaitTermination(2, TimeUnit.SECONDS);
      }
    } catch (InterruptedException e) {
      server.shutdownNow();
      Thread.currentThread().interrupt();
    } finally {
      boss.shutdownGracefully(0, 1, TimeUnit.SECONDS).awaitUninterruptibly(2, TimeUnit.SECONDS);
      workers.shutdownGracefully(0, 1, TimeUnit.SECONDS).awaitUninterruptibly(2, TimeUnit.SECONDS);
    }
  }
}
