package ch.ipng.maglev.frontend.http;

import ch.ipng.maglev.frontend.sse.SseBroker;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.CombinedChannelDuplexHandler;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpResponseEncoder;
import java.net.InetSocketAddress;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * The dashboard's HTTP server: setup and teardown only; {@link Router} answers. Every connection is
 * bounded by {@link HttpLimits}: counted against a limit, timed out when idle or when its request
 * trickles in, and its request line and header fields limited in size.
 */
public final class FrontendServer implements AutoCloseable {
  private final EventLoopGroup boss;
  private final EventLoopGroup workers;
  private final Channel channel;
  private final Initializer initializer;

  private FrontendServer(
      EventLoopGroup boss, EventLoopGroup workers, Channel channel, Initializer initializer) {
    this.boss = boss;
    this.workers = workers;
    this.channel = channel;
    this.initializer = initializer;
  }

  /** Binds {@code address} and serves {@code api} and the broker's event stream. */
  public static FrontendServer start(InetSocketAddress address, Api api, SseBroker broker)
      throws InterruptedException {
    return start(address, api, broker, Optional.empty(), (a, u, r) -> notEnabled());
  }

  /** As above, with /admin/ behind {@code gate}. */
  public static FrontendServer start(
      InetSocketAddress address,
      Api api,
      SseBroker broker,
      Optional<AdminGate> gate,
      AdminApi admin)
      throws InterruptedException {
    return start(address, api, broker, gate, admin, HttpLimits.DEFAULTS);
  }

  /** As above, within {@code limits}. */
  public static FrontendServer start(
      InetSocketAddress address,
      Api api,
      SseBroker broker,
      Optional<AdminGate> gate,
      AdminApi admin,
      HttpLimits limits)
      throws InterruptedException {
    Initializer initializer = new Initializer(api, broker, gate, admin, limits);
    EventLoopGroup boss = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
    EventLoopGroup workers = new MultiThreadIoEventLoopGroup(2, NioIoHandler.newFactory());
    try {
      Channel ch =
          new ServerBootstrap()
              .group(boss, workers)
              .channel(NioServerSocketChannel.class)
              .childHandler(initializer)
              .bind(address)
              .sync()
              .channel();
      return new FrontendServer(boss, workers, ch, initializer);
    } catch (RuntimeException | InterruptedException e) {
      boss.shutdownGracefully(0, 0, TimeUnit.SECONDS);
      workers.shutdownGracefully(0, 0, TimeUnit.SECONDS);
      throw e;
    }
  }

  private static CompletableFuture<AdminApi.Reply> notEnabled() {
    return CompletableFuture.completedFuture(
        new AdminApi.Reply(404, "{\"error\":\"admin is not enabled\"}"));
  }

  public InetSocketAddress address() {
    return (InetSocketAddress) channel.localAddress();
  }

  /** Connections open now, refused ones included until they are closed. */
  public int openConnections() {
    return initializer.counters.open.get();
  }

  /** Connections refused for being over the limit, since the start. */
  public long refusedConnections() {
    return initializer.counters.refusedConnections.get();
  }

  /** Exceptions a connection's handlers did not expect (not I/O errors), since the start. */
  public long unexpectedErrors() {
    return initializer.counters.unexpectedErrors.get();
  }

  /** How many of the page's files the server keeps in memory. */
  int cachedFiles() {
    return initializer.files.cachedCount();
  }

  /** Stops listening and closes every connection, event streams included. */
  @Override
  public void close() {
    channel.close().awaitUninterruptibly(2, TimeUnit.SECONDS);
    boss.shutdownGracefully(0, 1, TimeUnit.SECONDS).awaitUninterruptibly(2, TimeUnit.SECONDS);
    workers.shutdownGracefully(0, 1, TimeUnit.SECONDS).awaitUninterruptibly(2, TimeUnit.SECONDS);
  }

  /** Assembles the named handlers of one connection. */
  private static final class Initializer extends ChannelInitializer<Channel> {
    private final Api api;
    private final SseBroker broker;
    private final Optional<AdminGate> gate;
    private final AdminApi admin;
    private final HttpLimits limits;
    private final StaticFiles files = new StaticFiles("web/");
    private final HttpCounters counters = new HttpCounters();

    Initializer(
        Api api, SseBroker broker, Optional<AdminGate> gate, AdminApi admin, HttpLimits limits) {
      this.api = api;
      this.broker = broker;
      this.gate = gate;
      this.admin = admin;
      this.limits = limits;
    }

    @Override
    protected void initChannel(Channel c) {
      ConnectionTimeouts timeouts = new ConnectionTimeouts(limits, counters.requestTimeouts);
      c.pipeline()
          .addLast(
              "limit",
              new ConnectionLimit(
                  limits.maxConnections(), counters.open, counters.refusedConnections))
          .addLast("timeouts", timeouts)
          .addLast(
              "http",
              new CombinedChannelDuplexHandler<>(
                  new RequestDecoder(limits), new HttpResponseEncoder()))
          .addLast("aggregate", new HttpObjectAggregator(HttpLimits.MAX_BODY))
          .addLast(
              "router", new Router(api, broker, gate, admin, files, timeouts, limits, counters));
    }
  }
}
