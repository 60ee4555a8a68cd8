package ch.ipng.maglev.frontend.http;

import ch.ipng.maglev.frontend.sse.SseBroker;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpServerCodec;
import java.net.InetSocketAddress;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/** The dashboard's HTTP server: setup and teardown only; {@link Router} answers. */
public final class FrontendServer implements AutoCloseable {
  private final EventLoopGroup boss;
  private final EventLoopGroup workers;
  private final Channel channel;

  private FrontendServer(EventLoopGroup boss, EventLoopGroup workers, Channel channel) {
    this.boss = boss;
    this.workers = workers;
    this.channel = channel;
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
    EventLoopGroup boss = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
    EventLoopGroup workers = new MultiThreadIoEventLoopGroup(2, NioIoHandler.newFactory());
    try {
      Channel ch =
          new ServerBootstrap()
              .group(boss, workers)
              .channel(NioServerSocketChannel.class)
              .childHandler(new Initializer(api, broker, gate, admin))
              .bind(address)
              .sync()
              .channel();
      return new FrontendServer(boss, workers, ch);
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

    Initializer(Api api, SseBroker broker, Optional<AdminGate> gate, AdminApi admin) {
      this.api = api;
      this.broker = broker;
      this.gate = gate;
      this.admin = admin;
    }

    @Override
    protected void initChannel(Channel c) {
      c.pipeline()
          .addLast("http", new HttpServerCodec())
          .addLast("aggregate", new HttpObjectAggregator(64 * 1024))
          .addLast("router", new Router(api, broker, gate, admin));
    }
  }
}
