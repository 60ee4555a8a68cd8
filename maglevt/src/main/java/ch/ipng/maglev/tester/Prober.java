package ch.ipng.maglev.tester;

import io.netty.bootstrap.Bootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.ConnectTimeoutException;
import io.netty.channel.EventLoop;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.epoll.EpollSocketChannel;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.handler.codec.http.DefaultFullHttpRequest;
import io.netty.handler.codec.http.HttpClientCodec;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpObject;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.SslHandler;
import io.netty.handler.ssl.util.InsecureTrustManagerFactory;
import io.netty.util.concurrent.ScheduledFuture;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReferenceArray;
import java.util.function.LongSupplier;
import javax.net.ssl.SSLException;
import org.jspecify.annotations.Nullable;

/**
 * Probes on Netty's event loops, no thread per probe: a TCP connect, or an HTTP(S) GET of {@code
 * --uri} read to its end. One deadline covers the whole probe. Without keep-alive every probe is a
 * fresh connection (closed with a reset, so no TIME_WAIT piles up at hundreds of probes a second);
 * with it, a VIP's connection is reused while the server keeps it open. Native epoll where Linux
 * has it (fewer system calls per connection, which is most of a probe's cost at thousands a
 * second), Java's NIO elsewhere.
 */
public final class Prober implements AutoCloseable {
  /** What every probe shares. */
  public record Settings(
      Duration timeout,
      @Nullable String host,
      String uri,
      String header,
      boolean insecure,
      boolean keepalive,
      String userAgent) {}

  private final Settings settings;
  private final EventLoopGroup group;
  private final Class<? extends Channel> channelType;
  private final @Nullable SslContext tls;
  private final List<Target> targets;
  private final AtomicReferenceArray<@Nullable Channel> idle;
  private final LongSupplier wallMillis;

  public Prober(Settings settings, List<Target> targets, int threads, LongSupplier wallMillis) {
    this.settings = settings;
    this.targets = List.copyOf(targets);
    this.idle = new AtomicReferenceArray<>(targets.size());
    this.wallMillis = wallMillis;
    boolean epoll = Epoll.isAvailable();
    this.group =
        new MultiThreadIoEventLoopGroup(
            threads, epoll ? EpollIoHandler.newFactory() : NioIoHandler.newFactory());
    this.channelType = epoll ? EpollSocketChannel.class : NioSocketChannel.class;
    SslContext ctx = null;
    if (targets.stream().anyMatch(t -> t.kind() == Kind.HTTPS)) {
      SslContextBuilder b = SslContextBuilder.forClient();
      if (settings.insecure()) {
        b.trustManager(InsecureTrustManagerFactory.INSTANCE);
      }
      try {
        ctx = b.build();
      } catch (SSLException e) {
        throw new IllegalStateException("TLS setup: " + e.getMessage(), e);
      }
    }
    this.tls = ctx;
  }

  /** Which Netty transport the probes use: {@code epoll} (Linux, native) or {@code nio}. */
  public String transport() {
    return channelType == EpollSocketChannel.class ? "epoll" : "nio";
  }

  /** The loop a target's probes run on. */
  public EventLoop loop() {
    return group.next();
  }

  /** Probes target {@code index} on {@code loop}; the future always completes, never fails. */
  public CompletableFuture<Sample> probe(int index, EventLoop loop) {
    Attempt a = new Attempt(index, loop);
    if (loop.inEventLoop()) {
      a.launch();
    } else {
      try {
        loop.execute(a::launch);
      } catch (RuntimeException e) {
        a.finish(Outcome.NET_ERR, 0, null, "prober closed");
      }
    }
    return a.result;
  }

  @Override
  public void close() {
    group.shutdownGracefully(0, 0, TimeUnit.MILLISECONDS).awaitUninterruptibly(2000);
  }

  private static String detail(Throwable e) {
    Throwable c = e;
    while (c.getCause() != null && c.getMessage() == null) {
      c = c.getCause();
    }
    String m = c.getMessage();
    if (m == null) {
      return c.getClass().getSimpleName();
    }
    // Netty's "connect(..) failed: Connection refused: /127.0.0.1:80" and the JDK's "Connection
    // refused" alike become "connection refused"
    int colon = m.indexOf(": /");
    return (colon > 0 ? m.substring(0, colon) : m).toLowerCase(java.util.Locale.ROOT);
  }

  private static java.net.@Nullable InetSocketAddress sourceOf(Channel ch) {
    return ch.localAddress() instanceof java.net.InetSocketAddress a ? a : null;
  }

  /** One probe. Every callback runs on {@code loop}. */
  private final class Attempt {
    final int index;
    final Target target;
    final EventLoop loop;
    final long start = System.nanoTime();
    final CompletableFuture<Sample> result = new CompletableFuture<>();
    @Nullable Channel channel;
    @Nullable ScheduledFuture<?> deadline;
    int status;
    @Nullable String headerValue;
    java.net.@Nullable InetSocketAddress source;
    boolean reusable;
    boolean finished;

    Attempt(int index, EventLoop loop) {
      this.index = index;
      this.target = targets.get(index);
      this.loop = loop;
    }

    void launch() {
      long timeoutMs = Math.max(1, settings.timeout().toMillis());
      deadline =
          loop.schedule(
              () ->
                  finish(
                      Outcome.TIMEOUT,
                      0,
                      null,
                      "no answer within " + Format.duration(settings.timeout())),
              timeoutMs,
              TimeUnit.MILLISECONDS);
      Channel reuse = settings.keepalive() ? idle.getAndSet(index, null) : null;
      if (reuse != null && reuse.isActive()) {
        channel = reuse;
        source = sourceOf(reuse);
        reuse.pipeline().get(ResponseHandler.class).attempt = this;
        request(reuse);
        return;
      }
      Bootstrap b =
          new Bootstrap()
              .group(loop)
              .channel(channelType)
              .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, (int) Math.min(timeoutMs, 1 << 30))
              .option(ChannelOption.TCP_NODELAY, true)
              .handler(
                  new ChannelInitializer<Channel>() {
                    @Override
                    protected void initChannel(Channel ch) {
                      channel = ch;
                      if (!settings.keepalive()) {
                        ch.config().setOption(ChannelOption.SO_LINGER, 0);
                      }
                    }
                  });
      b.connect(new InetSocketAddress(target.address(), target.port()))
          .addListener(
              (ChannelFuture cf) -> {
                if (!cf.isSuccess()) {
                  Throwable c = cf.cause();
                  if (c instanceof ConnectTimeoutException) {
                    finish(Outcome.TIMEOUT, 0, null, "connect: " + detail(c));
                  } else {
                    finish(Outcome.NET_ERR, 0, null, "connect: " + detail(c));
                  }
                  return;
                }
                connected(cf.channel());
              });
    }

    void connected(Channel ch) {
      if (result.isDone()) {
        ch.close();
        return;
      }
      source = sourceOf(ch);
      ch.closeFuture()
          .addListener(
              f -> {
                ResponseHandler h = ch.pipeline().get(ResponseHandler.class);
                Attempt current = h == null ? this : h.attempt;
                if (current != null) {
                  current.finish(
                      Outcome.NET_ERR, 0, null, "connection closed before a complete response");
                }
              });
      if (!target.kind().http()) {
        finish(Outcome.OK, 0, null, "connected");
        return;
      }
      ResponseHandler handler = new ResponseHandler(this);
      if (target.kind() == Kind.HTTPS) {
        SslContext ctx = java.util.Objects.requireNonNull(tls);
        String host = settings.host();
        SslHandler ssl =
            host == null
                ? ctx.newHandler(ch.alloc())
                : ctx.newHandler(ch.alloc(), host, target.port());
        ch.pipeline().addLast("tls", ssl);
        ch.pipeline().addLast("http", new HttpClientCodec());
        ch.pipeline().addLast("probe", handler);
        ssl.handshakeFuture()
            .addListener(
                hf -> {
                  if (!hf.isSuccess()) {
                    finish(Outcome.NET_ERR, 0, null, "TLS: " + detail(hf.cause()));
                  } else {
                    request(ch);
                  }
                });
        return;
      }
      ch.pipeline().addLast("http", new HttpClientCodec());
      ch.pipeline().addLast("probe", handler);
      request(ch);
    }

    void request(Channel ch) {
      String host = settings.host() != null ? settings.host() : target.defaultHost();
      DefaultFullHttpRequest req =
          new DefaultFullHttpRequest(HttpVersion.HTTP_1_1, HttpMethod.GET, settings.uri());
      req.headers()
          .set(HttpHeaderNames.HOST, host)
          .set(HttpHeaderNames.USER_AGENT, settings.userAgent())
          .set(HttpHeaderNames.ACCEPT, "*/*")
          .set(
              HttpHeaderNames.CONNECTION,
              settings.keepalive() ? HttpHeaderValues.KEEP_ALIVE : HttpHeaderValues.CLOSE);
      ch.writeAndFlush(req)
          .addListener(
              (ChannelFuture wf) -> {
                if (!wf.isSuccess()) {
                  finish(Outcome.NET_ERR, 0, null, "send: " + detail(wf.cause()));
                }
              });
    }

    void response(HttpResponse r) {
      status = r.status().code();
      String v = r.headers().get(settings.header());
      headerValue = v == null ? Sample.NO_HEADER : v;
      reusable = settings.keepalive() && HttpUtil.isKeepAlive(r);
    }

    void complete() {
      boolean good = status >= 200 && status < 400;
      String line = "HTTP " + status;
      finish(good ? Outcome.OK : Outcome.HTTP_ERR, status, headerValue, line);
    }

    void finish(Outcome outcome, int code, @Nullable String header, String detail) {
      long latency = System.nanoTime() - start;
      if (finished) {
        return;
      }
      finished = true; // before the close below, whose listener calls back here
      ScheduledFuture<?> d = deadline;
      if (d != null) {
        d.cancel(false);
      }
      Channel ch = channel;
      if (ch != null) {
        ResponseHandler h = ch.pipeline().get(ResponseHandler.class);
        if (h != null) {
          h.attempt = null;
        }
        if (outcome != Outcome.TIMEOUT && outcome != Outcome.NET_ERR && reusable && ch.isActive()) {
          idle.set(index, ch);
        } else {
          ch.close();
        }
      }
      result.complete(
          new Sample(
              index, wallMillis.getAsLong(), latency, outcome, code, header, detail, source));
    }
  }

  /** Reads a response to its end, for the attempt that is current on the channel. */
  private static final class ResponseHandler extends SimpleChannelInboundHandler<HttpObject> {
    @Nullable Attempt attempt;

    ResponseHandler(Attempt attempt) {
      this.attempt = attempt;
    }

    @Override
    protected void channelRead0(ChannelHandlerContext ctx, HttpObject msg) {
      Attempt a = attempt;
      if (a == null) {
        return;
      }
      if (msg.decoderResult().isFailure()) {
        a.finish(Outcome.NET_ERR, 0, null, "bad response: " + detail(msg.decoderResult().cause()));
        return;
      }
      if (msg instanceof HttpResponse r) {
        a.response(r);
      }
      if (msg instanceof LastHttpContent) {
        a.complete();
      }
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
      Attempt a = attempt;
      if (a != null) {
        a.finish(Outcome.NET_ERR, 0, null, detail(cause));
      }
      ctx.close();
    }
  }
}
