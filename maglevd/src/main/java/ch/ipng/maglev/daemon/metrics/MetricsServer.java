package ch.ipng.maglev.daemon.metrics;

import static java.util.Objects.requireNonNull;

import ch.ipng.maglev.common.FailFast;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelDuplexHandler;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.util.concurrent.ScheduledFuture;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import org.jspecify.annotations.Nullable;

/**
 * Serves GET /metrics (Prometheus text format) over HTTP/1.1 on one Netty event loop, within {@link
 * Limits}: connections over the limit are closed as they are accepted (and counted), a connection
 * without a request for the idle time is closed, and so is one whose request has not arrived
 * complete within {@link #HEADER_TIMEOUT} of its first byte (or the idle time if shorter).
 */
public final class MetricsServer implements AutoCloseable {
  /** The longest a request may take to arrive, from its first byte. */
  public static final Duration HEADER_TIMEOUT = Duration.ofSeconds(10);

  /**
   * The listener's bounds.
   *
   * @param maxConnections connections open at once
   * @param idleTimeout a connection between requests for this long is closed
   */
  public record Limits(int maxConnections, Duration idleTimeout) {
    public static final Limits DEFAULT = new Limits(64, Duration.ofSeconds(30));

    public Limits {
      requireNonNull(idleTimeout, "idleTimeout");
      if (maxConnections < 1) {
        throw new IllegalArgumentException(
            "--metrics-max-connections: " + maxConnections + " (expected: >= 1)");
      }
      if (idleTimeout.isNegative() || idleTimeout.isZero()) {
        throw new IllegalArgumentException(
            "--metrics-idle-timeout: " + idleTimeout + " (expected: > 0)");
      }
    }
  }

  private final EventLoopGroup group;
  private final Channel channel;

  private MetricsServer(EventLoopGroup group, Channel channel) {
    this.group = group;
    this.channel = channel;
  }

  /** Binds and starts serving with the default limits. */
  public static MetricsServer start(InetSocketAddress address, Supplier<String> scrape)
      throws InterruptedException {
    return start(address, scrape, Limits.DEFAULT, () -> {});
  }

  /**
   * Binds and starts serving; {@code scrape} is called per request, {@code refused} per connection
   * closed for being over the limit.
   */
  public static MetricsServer start(
      InetSocketAddress address, Supplier<String> scrape, Limits limits, Runnable refused)
      throws InterruptedException {
    AtomicInteger open = new AtomicInteger();
    long idleNanos = limits.idleTimeout().toNanos();
    long headerNanos = Math.min(HEADER_TIMEOUT.toNanos(), idleNanos);
    EventLoopGroup group = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
    try {
      Channel ch =
          new ServerBootstrap()
              .group(group)
              .channel(NioServerSocketChannel.class)
              .childHandler(
                  new ChannelInitializer<Channel>() {
                    @Override
                    protected void initChannel(Channel c) {
                      if (open.incrementAndGet() > limits.maxConnections()) {
                        open.decrementAndGet();
                        refused.run();
                        var unused = c.close();
                        return;
                      }
                      c.closeFuture().addListener(f -> open.decrementAndGet());
                      c.pipeline()
                          .addLast("deadline", new Deadline(idleNanos, headerNanos))
                          .addLast("http", new HttpServerCodec())
                          .addLast("aggregate", new HttpObjectAggregator(8192))
                          .addLast("metrics", new Handler(scrape));
                    }
                  })
              .bind(address)
              .sync()
              .channel();
      return new MetricsServer(group, ch);
    } catch (RuntimeException | InterruptedException e) {
      group.shutdownGracefully(0, 0, TimeUnit.SECONDS);
      throw e;
    }
  }

  public InetSocketAddress address() {
    return (InetSocketAddress) channel.localAddress();
  }

  @Override
  public void close() {
    channel.close().awaitUninterruptibly(2, TimeUnit.SECONDS);
    group.shutdownGracefully(0, 1, TimeUnit.SECONDS).awaitUninterruptibly(2, TimeUnit.SECONDS);
  }

  private static final class Handler extends SimpleChannelInboundHandler<FullHttpRequest> {
    private final Supplier<String> scrape;

    Handler(Supplier<String> scrape) {
      this.scrape = scrape;
    }

    @Override
    protected void channelRead0(ChannelHandlerContext ctx, FullHttpRequest req) {
      if (!ctx.channel().isWritable()) {
        // requests pipelined faster than the answers are read: each would queue a whole scrape
        var unused = ctx.close();
        return;
      }
      ctx.pipeline().get(Deadline.class).requestRead();
      String path = req.uri().split("\\?", 2)[0];
      FullHttpResponse resp;
      if (req.decoderResult().isFailure()) {
        resp = text(HttpResponseStatus.BAD_REQUEST, "malformed request\n", "text/plain");
        HttpUtil.setKeepAlive(req, false);
      } else if (!path.equals("/metrics")) {
        resp =
            text(
                HttpResponseStatus.NOT_FOUND, "not found; metrics are at /metrics\n", "text/plain");
      } else if (!req.method().equals(HttpMethod.GET) && !req.method().equals(HttpMethod.HEAD)) {
        resp = text(HttpResponseStatus.METHOD_NOT_ALLOWED, "use GET\n", "text/plain");
      } else {
        resp = text(HttpResponseStatus.OK, scrape.get(), "text/plain; version=0.0.4");
      }
      boolean keepAlive = HttpUtil.isKeepAlive(req);
      HttpUtil.setKeepAlive(resp, keepAlive);
      var f = ctx.writeAndFlush(resp);
      if (!keepAlive) {
        f.addListener(ChannelFutureListener.CLOSE);
      } else {
        // the idle timer runs from the answer's writing, not its delivery: a client that never
        // reads is closed after the idle timeout too; and no more requests are read until this
        // answer has drained
        ctx.pipeline().get(Deadline.class).idle(ctx.channel());
        if (!ctx.channel().isWritable()) {
          ctx.channel().config().setAutoRead(false);
        }
      }
    }

    @Override
    public void channelWritabilityChanged(ChannelHandlerContext ctx) {
      if (ctx.channel().isWritable()) {
        ctx.channel().config().setAutoRead(true);
      }
      ctx.fireChannelWritabilityChanged();
    }

    private static FullHttpResponse text(HttpResponseStatus status, String body, String type) {
      FullHttpResponse r =
          new DefaultFullHttpResponse(
              HttpVersion.HTTP_1_1, status, Unpooled.copiedBuffer(body, StandardCharsets.UTF_8));
      r.headers()
          .set(HttpHeaderNames.CONTENT_TYPE, type + "; charset=utf-8")
          .setInt(HttpHeaderNames.CONTENT_LENGTH, r.content().readableBytes());
      return r;
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
      FailFast.check(cause); // an Error thrown in a handler ends the process, as anywhere else
      ctx.close();
    }
  }

  /**
   * One timer per connection: while waiting for a request, the idle timeout; from a request's first
   * byte until it is read whole, the header timeout; either closes the connection. The metrics
   * handler re-arms the idle timer after each response.
   */
  private static final class Deadline extends ChannelDuplexHandler {
    private final long idleNanos;
    private final long headerNanos;
    private boolean reading;
    private @Nullable ScheduledFuture<?> timer;

    Deadline(long idleNanos, long headerNanos) {
      this.idleNanos = idleNanos;
      this.headerNanos = headerNanos;
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) {
      idle(ctx.channel());
      ctx.fireChannelActive();
    }

    /** Waits for the next request (the idle timeout). */
    void idle(Channel c) {
      reading = false;
      arm(c, idleNanos);
    }

    private void arm(Channel c, long nanos) {
      if (timer != null) {
        timer.cancel(false);
      }
      timer = c.eventLoop().schedule(() -> (Object) c.close(), nanos, TimeUnit.NANOSECONDS);
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
      if (!reading) {
        reading = true; // a request begins: it has the header timeout to arrive whole
        arm(ctx.channel(), headerNanos);
      }
      ctx.fireChannelRead(msg);
    }

    /** A whole request arrived: no timer while it is answered. */
    void requestRead() {
      if (timer != null) {
        timer.cancel(false);
      }
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
      if (timer != null) {
        timer.cancel(false);
      }
      ctx.fireChannelInactive();
    }
  }
}
