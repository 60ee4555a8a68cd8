package ch.ipng.maglev.daemon.probe;

import ch.ipng.maglev.config.HealthCheck;
import ch.ipng.maglev.config.ProbeType;
import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoop;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.epoll.EpollSocketChannel;
import io.netty.channel.socket.SocketProtocolFamily;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.handler.codec.DecoderResult;
import io.netty.handler.codec.http.DefaultFullHttpRequest;
import io.netty.handler.codec.http.HttpClientCodec;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpObject;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.handler.ssl.SslHandler;
import io.netty.util.concurrent.ScheduledFuture;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.StandardProtocolFamily;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLParameters;
import org.jspecify.annotations.Nullable;

/**
 * TCP, TLS and HTTP(S) probes on Netty: one fresh connection per probe, one deadline for the whole
 * probe, and the failure code of the phase the deadline or error hit (L4, L6 or L7).
 */
final class NettyProber implements Prober {
  /** When the peer's (leaf) certificate of a TLS session expires, unix seconds; 0 if unknown. */
  static long notAfter(javax.net.ssl.SSLSession session) {
    try {
      java.security.cert.Certificate[] chain = session.getPeerCertificates();
      if (chain.length > 0 && chain[0] instanceof java.security.cert.X509Certificate x) {
        return x.getNotAfter().toInstant().getEpochSecond();
      }
    } catch (javax.net.ssl.SSLPeerUnverifiedException e) {
      // no certificate: nothing to record
    }
    return 0;
  }

  /** How much of an HTTP body is read and matched. */
  static final int BODY_LIMIT = 64 * 1024;

  private static final String UNHANDLED = "unhandled";

  private final HealthCheck check;
  private final EventLoop loop;
  private final boolean epoll;
  // why the loop's thread is not in the probes' namespace (with epoll), or null
  private final @Nullable String outside;
  private final ProbeNamespace namespace;
  private final TlsContexts tls;
  private final String userAgent;

  NettyProber(
      HealthCheck check,
      EventLoop loop,
      boolean epoll,
      @Nullable String outside,
      ProbeNamespace namespace,
      TlsContexts tls,
      String userAgent) {
    this.check = check;
    this.loop = loop;
    this.epoll = epoll;
    this.outside = outside;
    this.namespace = namespace;
    this.tls = tls;
    this.userAgent = userAgent;
    if (usesTls()) {
      // Built here, on the caller's thread: the first build loads trust stores and ciphers,
      // which on the event loop held other probes past short timeouts once after start.
      try {
        tls.get(tlsVerify(), tlsCaFile());
      } catch (IOException e) {
        // the probe reports it, with the backend's name attached
      }
    }
  }

  private boolean tlsVerify() {
    HealthCheck.HttpParams http = check.http();
    HealthCheck.TcpParams tcp = check.tcp();
    return http != null ? http.tlsVerify() : tcp != null && tcp.tlsVerify();
  }

  private java.nio.file.@Nullable Path tlsCaFile() {
    HealthCheck.HttpParams http = check.http();
    HealthCheck.TcpParams tcp = check.tcp();
    return http != null ? http.caFile() : tcp == null ? null : tcp.caFile();
  }

  private boolean usesTls() {
    return check.type() == ProbeType.HTTPS || (check.tcp() != null && check.tcp().tls());
  }

  private boolean usesHttp() {
    return check.type() == ProbeType.HTTP || check.type() == ProbeType.HTTPS;
  }

  @Override
  public java.util.concurrent.ScheduledExecutorService executor() {
    return loop;
  }

  @Override
  public CompletableFuture<ProbeResult> probe(InetAddress target) {
    Instant start = Instant.now();
    Attempt attempt = new Attempt(start, target);
    if (loop.inEventLoop()) {
      attempt.launch();
    } else {
      // with epoll the channel's socket is made by the calling thread: the loop's own, which
      // is inside the probes' namespace
      try {
        loop.execute(attempt::launch);
      } catch (RuntimeException e) {
        attempt.finish(ProbeResult.fail(start, ProbeCode.L4CON, "prober closed"));
      }
    }
    return attempt.result;
  }

  private static String detail(Throwable e) {
    return e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
  }

  /** One probe's phases and its single deadline. */
  private final class Attempt {
    final Instant start;
    final InetAddress target;
    final CompletableFuture<ProbeResult> result = new CompletableFuture<>();
    volatile ProbeCode timeoutCode = ProbeCode.L4TOUT;
    volatile @Nullable Channel channel;
    volatile @Nullable ScheduledFuture<?> deadline;

    Attempt(Instant start, InetAddress target) {
      this.start = start;
      this.target = target;
    }

    void launch() {
      try {
        begin();
      } catch (IOException | RuntimeException e) {
        finish(ProbeResult.fail(start, ProbeCode.L4CON, detail(e)));
      }
    }

    void begin() throws IOException {
      if (outside != null) {
        throw new IOException(outside);
      }
      boolean v6 = target instanceof Inet6Address;
      InetAddress source = v6 ? check.probeIpv6Src() : check.probeIpv4Src();
      long timeoutMs = Math.max(1, check.timeout().toMillis());
      Bootstrap b = new Bootstrap().group(loop);
      if (epoll) {
        SocketProtocolFamily family = v6 ? SocketProtocolFamily.INET6 : SocketProtocolFamily.INET;
        b.channelFactory(() -> new EpollSocketChannel(family));
      } else {
        // Made by the namespace's thread, so the socket lives in that namespace.
        SocketChannel javaChannel =
            namespace.openTcp(v6 ? StandardProtocolFamily.INET6 : StandardProtocolFamily.INET);
        b.channelFactory(() -> new NioSocketChannel(javaChannel));
      }
      b.option(ChannelOption.CONNECT_TIMEOUT_MILLIS, (int) Math.min(timeoutMs, Integer.MAX_VALUE))
          // RST on close: no TIME_WAIT per probe, as HAProxy's checks do.
          .option(ChannelOption.SO_LINGER, 0)
          .handler(
              new ChannelInitializer<Channel>() {
                @Override
                protected void initChannel(Channel ch) {
                  channel = ch;
                  ch.pipeline().addLast(UNHANDLED, DecidedElsewhere.INSTANCE);
                  deadline =
                      ch.eventLoop()
                          .schedule(
                              () ->
                                  finish(
                                      ProbeResult.fail(
                                          start,
                                          timeoutCode,
                                          Errors.timeout(timeoutCode, timeoutMs))),
                              timeoutMs,
                              TimeUnit.MILLISECONDS);
                }
              });
      InetSocketAddress remote = new InetSocketAddress(target, check.port());
      ChannelFuture f =
          source == null ? b.connect(remote) : b.connect(remote, new InetSocketAddress(source, 0));
      f.addListener(
          (ChannelFuture cf) -> {
            if (!cf.isSuccess()) {
              Throwable c = cf.cause();
              boolean timedOut = c instanceof io.netty.channel.ConnectTimeoutException;
              finish(
                  ProbeResult.fail(
                      start, timedOut ? ProbeCode.L4TOUT : ProbeCode.L4CON, Errors.connect(c)));
              return;
            }
            connected(cf.channel());
          });
    }

    void connected(Channel ch) {
      if (usesTls()) {
        timeoutCode = ProbeCode.L6TOUT;
        HealthCheck.HttpParams http = check.http();
        HealthCheck.TcpParams tcp = check.tcp();
        String serverName =
            http != null
                ? (http.serverName() != null ? http.serverName() : http.host())
                : tcp == null ? null : tcp.serverName();
        boolean verify = tlsVerify();
        java.nio.file.Path ca = tlsCaFile();
        SslHandler ssl;
        try {
          SSLEngine engine =
              serverName == null
                  ? tls.get(verify, ca).newEngine(ch.alloc())
                  : tls.get(verify, ca).newEngine(ch.alloc(), serverName, check.port());
          if (verify) {
            SSLParameters p = engine.getSSLParameters();
            p.setEndpointIdentificationAlgorithm("HTTPS");
            engine.setSSLParameters(p);
          }
          ssl = new SslHandler(engine);
        } catch (IOException e) {
          finish(ProbeResult.fail(start, ProbeCode.L6RSP, detail(e)));
          return;
        }
        ch.pipeline().addFirst("tls", ssl);
        SslHandler handshaking = ssl;
        handshaking
            .handshakeFuture()
            .addListener(
                hf -> {
                  if (hf.isSuccess()) {
                    certNotAfter = notAfter(handshaking.engine().getSession());
                  }
                  if (!hf.isSuccess()) {
                    finish(ProbeResult.fail(start, ProbeCode.L6RSP, Errors.tls(hf.cause())));
                  } else if (usesHttp()) {
                    request(ch);
                  } else {
                    finish(ProbeResult.pass(start, ProbeCode.L6OK, "TLS handshake done"));
                  }
                });
      } else if (usesHttp()) {
        request(ch);
      } else {
        finish(ProbeResult.pass(start, ProbeCode.L4OK, "connected"));
      }
    }

    void request(Channel ch) {
      timeoutCode = ProbeCode.L7TOUT;
      HealthCheck.HttpParams http = java.util.Objects.requireNonNull(check.http());
      if (http.regexp() == null) {
        // Judged on the status line alone: the request's bytes are written as they are and
        // only that line is parsed, without Netty's HTTP codec.
        ch.pipeline().addBefore(UNHANDLED, "probe", new StatusLineHandler(http));
        send(
            ch, Unpooled.wrappedBuffer(StatusLines.request(http, target, check.port(), userAgent)));
        return;
      }
      String host =
          http.host() != null ? http.host() : StatusLines.hostHeader(target, check.port());
      ch.pipeline().addBefore(UNHANDLED, "http", new HttpClientCodec());
      ch.pipeline().addBefore(UNHANDLED, "probe", new ResponseHandler(http));
      DefaultFullHttpRequest req =
          new DefaultFullHttpRequest(HttpVersion.HTTP_1_1, HttpMethod.GET, http.path());
      req.headers()
          .set(HttpHeaderNames.HOST, host)
          .set(HttpHeaderNames.USER_AGENT, userAgent)
          .set(HttpHeaderNames.ACCEPT, "*/*")
          .set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
      send(ch, req);
    }

    private void send(Channel ch, Object request) {
      ch.writeAndFlush(request)
          .addListener(
              (ChannelFuture wf) -> {
                if (!wf.isSuccess()) {
                  finish(
                      ProbeResult.fail(
                          start, ProbeCode.L7RSP, "send request: " + detail(wf.cause())));
                }
              });
      ch.closeFuture()
          .addListener(
              cf ->
                  finish(
                      ProbeResult.fail(
                          start, ProbeCode.L7RSP, "connection closed before a complete response")));
    }

    /** The expiry of the backend's certificate, unix seconds, once a handshake succeeded. */
    private volatile long certNotAfter;

    void finish(ProbeResult outcome) {
      long notAfter = certNotAfter;
      ProbeResult r = notAfter == 0 ? outcome : outcome.withTlsNotAfter(notAfter);
      if (!result.complete(r)) {
        return;
      }
      ScheduledFuture<?> d = deadline;
      if (d != null) {
        d.cancel(false);
      }
      Channel ch = channel;
      if (ch != null) {
        ch.close();
      }
    }

    /** Reads the status line ("HTTP/1.1 200 OK") and judges the code. */
    private final class StatusLineHandler extends ChannelInboundHandlerAdapter {
      private final HealthCheck.HttpParams http;
      private final ByteArrayOutputStream line = new ByteArrayOutputStream(64);

      StatusLineHandler(HealthCheck.HttpParams http) {
        this.http = http;
      }

      @Override
      public void channelRead(ChannelHandlerContext ctx, Object msg) {
        ByteBuf buf = (ByteBuf) msg;
        try {
          if (result.isDone()) {
            return;
          }
          int end = buf.indexOf(buf.readerIndex(), buf.writerIndex(), (byte) '\n');
          int take = (end < 0 ? buf.writerIndex() : end) - buf.readerIndex();
          if (line.size() + take > StatusLines.LIMIT) {
            finish(StatusLines.tooLong(start));
            return;
          }
          byte[] bytes = new byte[take];
          buf.getBytes(buf.readerIndex(), bytes);
          line.write(bytes, 0, take);
          if (end >= 0) {
            finish(
                StatusLines.judge(start, http, line.toString(StandardCharsets.ISO_8859_1).strip()));
          }
        } finally {
          buf.release();
        }
      }

      @Override
      public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        finish(ProbeResult.fail(start, ProbeCode.L7RSP, "read response: " + Errors.reason(cause)));
      }
    }

    /** Reads the status and up to 64 KiB of body, then judges. */
    private final class ResponseHandler extends SimpleChannelInboundHandler<HttpObject> {
      private final HealthCheck.HttpParams http;
      private int status = -1;
      private final ByteArrayOutputStream body = new ByteArrayOutputStream();

      ResponseHandler(HealthCheck.HttpParams http) {
        this.http = http;
      }

      @Override
      protected void channelRead0(ChannelHandlerContext ctx, HttpObject msg) {
        if (result.isDone()) {
          // judged on the status line already: the rest of the response is not read
          return;
        }
        DecoderResult dr = msg.decoderResult();
        if (dr.isFailure()) {
          finish(
              ProbeResult.fail(
                  start, ProbeCode.L7RSP, "invalid HTTP response: " + detail(dr.cause())));
          return;
        }
        if (msg instanceof HttpResponse resp) {
          status = resp.status().code();
          if (!http.responseCodes().matches(status)) {
            finish(
                ProbeResult.fail(
                    start,
                    ProbeCode.L7STS,
                    "status " + status + ", expected " + http.responseCodes().text()));
            return;
          }
          if (http.regexp() == null) {
            finish(ProbeResult.pass(start, ProbeCode.L7OK, StatusLines.detail(status)));
            return;
          }
        }
        if (msg instanceof HttpContent content) {
          ByteBuf buf = content.content();
          int take = Math.min(buf.readableBytes(), BODY_LIMIT - body.size());
          if (take > 0) {
            byte[] bytes = new byte[take];
            buf.getBytes(buf.readerIndex(), bytes);
            body.write(bytes, 0, take);
          }
          if (msg instanceof LastHttpContent || body.size() >= BODY_LIMIT) {
            judgeBody();
          }
        }
      }

      private void judgeBody() {
        String text = body.toString(StandardCharsets.UTF_8);
        java.util.regex.Pattern re = java.util.Objects.requireNonNull(http.regexp());
        if (re.matcher(text).find()) {
          finish(ProbeResult.pass(start, ProbeCode.L7OK, "status " + status + ", body matches"));
        } else {
          finish(
              ProbeResult.fail(
                  start,
                  ProbeCode.L7RSP,
                  "status " + status + ", body does not match \"" + re.pattern() + "\""));
        }
      }

      @Override
      public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        finish(ProbeResult.fail(start, ProbeCode.L7RSP, "read response: " + Errors.reason(cause)));
      }
    }
  }

  /**
   * The pipeline's last handler: errors no probe handler took (a failed TLS handshake, which its
   * handshake future reports) end here instead of in Netty's warning with a stack trace, one per
   * probe, in maglevd's log.
   */
  @io.netty.channel.ChannelHandler.Sharable
  private static final class DecidedElsewhere extends ChannelInboundHandlerAdapter {
    static final DecidedElsewhere INSTANCE = new DecidedElsewhere();

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
      ctx.close(); // the handshake, close or deadline listener has given or gives the verdict
    }
  }
}
