package ch.ipng.maglev.frontend.http;

import static ch.ipng.maglev.frontend.http.Responses.body;
import static ch.ipng.maglev.frontend.http.Responses.decoded;
import static ch.ipng.maglev.frontend.http.Responses.error;
import static ch.ipng.maglev.frontend.http.Responses.file;
import static ch.ipng.maglev.frontend.http.Responses.json;
import static ch.ipng.maglev.frontend.http.Responses.noStore;
import static ch.ipng.maglev.frontend.http.Responses.redirect;
import static ch.ipng.maglev.frontend.http.Responses.undecodable;

import ch.ipng.maglev.common.FailFast;
import ch.ipng.maglev.common.Text;
import ch.ipng.maglev.frontend.sse.SseBroker;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.handler.codec.PrematureChannelClosureException;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.TooLongHttpHeaderException;
import io.netty.handler.codec.http.TooLongHttpLineException;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Answers one connection's requests; an event-stream request turns it into an SSE stream. */
final class Router extends SimpleChannelInboundHandler<FullHttpRequest> {
  private static final Logger logger = LoggerFactory.getLogger(Router.class);

  /** The most characters of a client's input echoed in an error message. */
  static final int ECHO_MAX = 200;

  private final Api api;
  private final SseBroker broker;
  private final Optional<AdminGate> gate;
  private final AdminApi admin;
  private final StaticFiles files;
  private final ConnectionTimeouts timeouts;
  private final HttpLimits limits;
  private final HttpCounters counters;
  private @Nullable SseStream stream;

  /**
   * Answers being worked out off the event loop (a password check, an admin action, a flow lookup).
   * While there are any, pipelined requests wait in {@link #held}, so answers leave in the order
   * the requests came.
   */
  private int awaiting;

  private final java.util.ArrayDeque<FullHttpRequest> held = new java.util.ArrayDeque<>();

  /** The most pipelined requests held behind an answer being worked out; more closes. */
  static final int MAX_HELD = 16;

  Router(
      Api api,
      SseBroker broker,
      Optional<AdminGate> gate,
      AdminApi admin,
      StaticFiles files,
      ConnectionTimeouts timeouts,
      HttpLimits limits,
      HttpCounters counters) {
    this.api = api;
    this.broker = broker;
    this.gate = gate;
    this.admin = admin;
    this.files = files;
    this.timeouts = timeouts;
    this.limits = limits;
    this.counters = counters;
  }

  @Override
  protected void channelRead0(ChannelHandlerContext ctx, FullHttpRequest req) {
    if (stream != null) {
      return; // nothing more is read on an event stream
    }
    if (awaiting > 0) {
      if (held.size() >= MAX_HELD) {
        counters.backedUpClients.incrementAndGet();
        var unused = ctx.close();
        return;
      }
      held.add(req.retain());
      ctx.channel().config().setAutoRead(false);
      return;
    }
    handle(ctx, req);
  }

  /** One request, in its turn. */
  private void handle(ChannelHandlerContext ctx, FullHttpRequest req) {
    if (stream != null) {
      return;
    }
    if (!ctx.channel().isWritable()) {
      // requests pipelined faster than the answers are read: each would queue another answer
      counters.backedUpClients.incrementAndGet();
      var unused = ctx.close();
      return;
    }
    timeouts.requestReceived();
    if (req.decoderResult().isFailure()) {
      malformed(ctx, req.decoderResult().cause());
      return;
    }
    if (req.uri().length() > limits.maxUriLength()) {
      malformed(ctx, new TooLongHttpLineException("request target over the limit"));
      return;
    }
    String path = req.uri().split("\\?", 2)[0];
    if (path.equals("/admin") || path.startsWith("/admin/")) {
      admin(ctx, req, path);
      return;
    }
    boolean get = req.method().equals(HttpMethod.GET) || req.method().equals(HttpMethod.HEAD);
    if (!get) {
      reply(ctx, req, error(HttpResponseStatus.METHOD_NOT_ALLOWED, "use GET for " + path));
      return;
    }
    switch (path) {
      case "/" -> reply(ctx, req, redirect("/view/"));
      case "/healthz" -> reply(ctx, req, body(HttpResponseStatus.OK, "ok\n", "text/plain"));
      case "/metrics" ->
          reply(
              ctx,
              req,
              body(
                  HttpResponseStatus.OK,
                  counters.exposition(broker.clientCount()),
                  "text/plain; version=0.0.4"));
      case "/view" -> reply(ctx, req, redirect("/view/"));
      case "/view/" -> reply(ctx, req, file(files.index(), path));
      case "/favicon.ico" -> reply(ctx, req, file(files.favicon(), path));
      case "/view/api/version" -> reply(ctx, req, json(api.versionJson()));
      case "/view/api/maglevds" -> reply(ctx, req, json(api.maglevdsJson()));
      case "/view/api/events" -> {
        timeouts.streaming();
        stream = SseStream.open(ctx.channel(), broker, req.headers().get("Last-Event-ID"));
      }
      case "/view/api/state" -> reply(ctx, req, json(api.stateJson()));
      default -> {
        if (path.startsWith("/view/assets/")) {
          reply(ctx, req, file(files.asset(path.substring("/view/assets/".length())), path));
        } else if (path.startsWith("/view/api/flow/")) {
          flow(ctx, req, path.substring("/view/api/flow/".length()));
        } else if (path.startsWith("/view/api/state/")) {
          String raw = path.substring("/view/api/state/".length());
          String name = decoded(raw);
          if (name == null) {
            reply(ctx, req, undecodable("maglevd", raw));
            return;
          }
          reply(
              ctx,
              req,
              api.stateJson(name)
                  .map(Responses::json)
                  .orElseGet(
                      () ->
                          error(
                              HttpResponseStatus.NOT_FOUND,
                              Api.unknownMaglevd(name, api.names()))));
        } else {
          reply(ctx, req, error(HttpResponseStatus.NOT_FOUND, "no such page: " + echo(path)));
        }
      }
    }
  }

  /**
   * A request the decoder could not read: 414 for a target over the limit, 431 for header fields
   * over it, 400 for anything else (a bad request line, bare-LF line ends, Content-Length with
   * Transfer-Encoding); the connection is closed, as what follows cannot be trusted.
   */
  private void malformed(ChannelHandlerContext ctx, Throwable cause) {
    counters.malformedRequests.incrementAndGet();
    FullHttpResponse r;
    if (cause instanceof TooLongHttpLineException) {
      r =
          error(
              HttpResponseStatus.REQUEST_URI_TOO_LONG,
              "request line too long (expected: a target of at most "
                  + limits.maxUriLength()
                  + " bytes)");
    } else if (cause instanceof TooLongHttpHeaderException) {
      r =
          error(
              HttpResponseStatus.REQUEST_HEADER_FIELDS_TOO_LARGE,
              "header fields too large (expected: at most " + limits.maxHeaderSize() + " bytes)");
    } else {
      r =
          error(
              HttpResponseStatus.BAD_REQUEST,
              "malformed request: " + echo(String.valueOf(cause.getMessage())));
    }
    r.headers().setInt(HttpHeaderNames.CONTENT_LENGTH, r.content().readableBytes());
    send(ctx, r, false);
  }

  /**
   * Sends {@code reply} when it completes, on the event loop, never stored; until then the requests
   * after this one wait ({@link #started}).
   */
  private void answerLater(
      ChannelHandlerContext ctx,
      java.util.concurrent.CompletableFuture<AdminApi.Reply> reply,
      boolean keepAlive,
      boolean head,
      String what) {
    started();
    reply.whenComplete(
        (r, failure) ->
            ctx.executor()
                .execute(
                    () -> {
                      try {
                        FullHttpResponse resp =
                            r != null
                                ? noStore(
                                    body(
                                        HttpResponseStatus.valueOf(r.status()),
                                        r.json(),
                                        "application/json"))
                                : error(
                                    HttpResponseStatus.BAD_GATEWAY, what + " failed: " + failure);
                        resp.headers()
                            .setInt(HttpHeaderNames.CONTENT_LENGTH, resp.content().readableBytes());
                        if (head) {
                          resp.content().clear();
                        }
                        send(ctx, resp, keepAlive);
                      } finally {
                        finished(ctx);
                      }
                    }));
  }

  /** An answer is now worked out off the event loop: requests after it wait. */
  private void started() {
    awaiting++;
  }

  /**
   * An answer worked out off the event loop was sent (on the event loop): the requests held behind
   * it are handled in order, until one of them must wait in turn.
   */
  private void finished(ChannelHandlerContext ctx) {
    awaiting--;
    while (awaiting == 0 && !held.isEmpty() && ctx.channel().isActive()) {
      FullHttpRequest next = held.poll();
      try {
        handle(ctx, next);
      } finally {
        next.release();
      }
    }
    if (awaiting == 0 && held.isEmpty() && stream == null && ctx.channel().isWritable()) {
      ctx.channel().config().setAutoRead(true);
    }
  }

  @Override
  public void channelInactive(ChannelHandlerContext ctx) throws Exception {
    held.forEach(FullHttpRequest::release);
    held.clear();
    super.channelInactive(ctx);
  }

  /** A client's input in a message: at most {@link #ECHO_MAX} characters, then its length. */
  static String echo(String s) {
    return Text.cut(s, ECHO_MAX);
  }

  /** /admin/: hidden unless configured, then basic auth, then POST actions only. */
  private void admin(ChannelHandlerContext ctx, FullHttpRequest req, String path) {
    if (gate.isEmpty()) {
      reply(ctx, req, error(HttpResponseStatus.NOT_FOUND, "no such page: " + echo(path)));
      return;
    }
    var login = gate.get().login(req, clientAddress(ctx));
    if (login.isDone()) {
      admin(ctx, req, path, login.join());
      return;
    }
    req.retain(); // until the password's check is done, on its own thread
    started();
    login.whenComplete(
        (l, failure) ->
            ctx.executor()
                .execute(
                    () -> {
                      try {
                        admin(ctx, req, path, l != null ? l : new AdminGate.Login.Busy());
                      } finally {
                        req.release();
                        finished(ctx);
                      }
                    }));
  }

  /** /admin/ once the credentials are checked. */
  private void admin(
      ChannelHandlerContext ctx, FullHttpRequest req, String path, AdminGate.Login login) {
    if (login instanceof AdminGate.Login.Busy) {
      FullHttpResponse r =
          error(
              HttpResponseStatus.SERVICE_UNAVAILABLE,
              "too many logins are being checked: try again in a moment");
      r.headers().set(HttpHeaderNames.RETRY_AFTER, 1);
      reply(ctx, req, r);
      return;
    }
    if (login instanceof AdminGate.Login.Throttled t) {
      counters.throttledLogins.incrementAndGet();
      long seconds = Math.max(1, (t.retryAfter().toMillis() + 999) / 1000);
      FullHttpResponse r =
          error(
              HttpResponseStatus.TOO_MANY_REQUESTS,
              "too many failed logins from this address: try again in " + seconds + " s");
      r.headers().set(HttpHeaderNames.RETRY_AFTER, seconds);
      reply(ctx, req, r);
      return;
    }
    if (!(login instanceof AdminGate.Login.Allowed allowed)) {
      if (login instanceof AdminGate.Login.Refused) {
        counters.failedLogins.incrementAndGet(); // a browser's first, bare request is no failure
      }
      FullHttpResponse r = error(HttpResponseStatus.UNAUTHORIZED, "authentication required");
      r.headers()
          .set(
              HttpHeaderNames.WWW_AUTHENTICATE,
              "Basic realm=\"" + AdminGate.REALM + "\", charset=\"UTF-8\"");
      reply(ctx, req, r);
      return;
    }
    String user = allowed.user();
    if (!path.startsWith("/admin/api/")) {
      boolean get = req.method().equals(HttpMethod.GET) || req.method().equals(HttpMethod.HEAD);
      if (!get) {
        reply(ctx, req, error(HttpResponseStatus.METHOD_NOT_ALLOWED, "use GET for " + path));
      } else if (path.equals("/admin")) {
        reply(ctx, req, redirect("/admin/"));
      } else if (path.equals("/admin/")) {
        reply(ctx, req, file(files.adminIndex(), path));
      } else if (path.startsWith("/admin/assets/")) {
        reply(ctx, req, file(files.asset(path.substring("/admin/assets/".length())), path));
      } else {
        reply(ctx, req, error(HttpResponseStatus.NOT_FOUND, "no such page: " + echo(path)));
      }
      return;
    }
    if (path.equals("/admin/api/whoami")) {
      boolean get = req.method().equals(HttpMethod.GET) || req.method().equals(HttpMethod.HEAD);
      reply(
          ctx,
          req,
          get
              ? noStore(json(ActionRoles.whoamiJson(allowed.who())))
              : error(HttpResponseStatus.METHOD_NOT_ALLOWED, "use GET for " + path));
      return;
    }
    if (path.startsWith("/admin/api/flow/") && !req.method().equals(HttpMethod.POST)) {
      flow(ctx, req, path.substring("/admin/api/flow/".length())); // a read, as under /view/api/
      return;
    }
    if (!req.method().equals(HttpMethod.POST)) {
      reply(ctx, req, error(HttpResponseStatus.METHOD_NOT_ALLOWED, "use POST for admin actions"));
      return;
    }
    Optional<String> crossSite = AdminGate.crossSite(req);
    if (crossSite.isPresent()) {
      reply(ctx, req, error(HttpResponseStatus.FORBIDDEN, crossSite.get()));
      return;
    }
    List<String> parts = new ArrayList<>();
    for (String p : path.substring("/admin/api/".length()).split("/", -1)) {
      String part = decoded(p);
      if (part == null) {
        reply(ctx, req, undecodable("path segment", p));
        return;
      }
      parts.add(part);
    }
    AdminAction.Parsed parsed =
        AdminAction.parse(parts, req.content().toString(StandardCharsets.UTF_8));
    if (parsed.action() == null) {
      reply(ctx, req, error(HttpResponseStatus.BAD_REQUEST, parsed.error()));
      return;
    }
    String refusal = ActionRoles.refusal(allowed.who(), parsed.action());
    if (refusal != null) {
      reply(ctx, req, noStore(body(HttpResponseStatus.FORBIDDEN, refusal, "application/json")));
      return;
    }
    boolean keepAlive = HttpUtil.isKeepAlive(req);
    String remote = String.valueOf(ctx.channel().remoteAddress());
    answerLater(
        ctx, admin.perform(parsed.action(), user, remote), keepAlive, false, "the admin action");
  }

  /**
   * A flow lookup (GET or HEAD): the query checked here (400 naming the parameter), then maglevd's
   * answer, or its error with the HTTP status the admin actions map it to.
   */
  private void flow(ChannelHandlerContext ctx, FullHttpRequest req, String rawName) {
    boolean get = req.method().equals(HttpMethod.GET) || req.method().equals(HttpMethod.HEAD);
    if (!get) {
      reply(ctx, req, error(HttpResponseStatus.METHOD_NOT_ALLOWED, "use GET for a flow lookup"));
      return;
    }
    String name = decoded(rawName);
    if (name == null) {
      reply(ctx, req, undecodable("maglevd", rawName));
      return;
    }
    FlowQuery.Parsed parsed = FlowQuery.fromTarget(req.uri());
    if (parsed.query() == null) {
      reply(
          ctx,
          req,
          noStore(body(HttpResponseStatus.BAD_REQUEST, parsed.errorJson(), "application/json")));
      return;
    }
    // the request is released when this returns: what the answer needs of it is read now
    boolean keepAlive = HttpUtil.isKeepAlive(req);
    boolean head = req.method().equals(HttpMethod.HEAD);
    answerLater(ctx, api.lookupFlow(name, parsed.query()), keepAlive, head, "the flow lookup");
  }

  private static InetAddress clientAddress(ChannelHandlerContext ctx) {
    if (ctx.channel().remoteAddress() instanceof InetSocketAddress a && a.getAddress() != null) {
      return a.getAddress();
    }
    return InetAddress.getLoopbackAddress();
  }

  @Override
  public void channelWritabilityChanged(ChannelHandlerContext ctx) {
    if (stream != null && ctx.channel().isWritable()) {
      stream.writable();
    } else if (stream == null && awaiting == 0 && ctx.channel().isWritable()) {
      ctx.channel().config().setAutoRead(true); // the answers drained: read the next request
    }
    ctx.fireChannelWritabilityChanged();
  }

  @Override
  public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
    FailFast.check(cause); // an Error thrown in a handler ends the process, as anywhere else
    if (!(cause instanceof IOException) && !(cause instanceof PrematureChannelClosureException)) {
      // a client that goes away, even mid-request, is routine; anything else is a bug here
      counters.unexpectedErrors.incrementAndGet();
      logger
          .atWarn()
          .setMessage("http-error")
          .addKeyValue("remote", String.valueOf(ctx.channel().remoteAddress()))
          .addKeyValue("error", String.valueOf(cause))
          .setCause(cause)
          .log();
    }
    ctx.close();
  }

  private void reply(ChannelHandlerContext ctx, FullHttpRequest req, FullHttpResponse r) {
    r.headers().setInt(HttpHeaderNames.CONTENT_LENGTH, r.content().readableBytes());
    if (req.method().equals(HttpMethod.HEAD)) {
      r.content().clear();
    }
    send(ctx, r, HttpUtil.isKeepAlive(req));
  }

  private void send(ChannelHandlerContext ctx, FullHttpResponse r, boolean keepAlive) {
    HttpUtil.setKeepAlive(r, keepAlive);
    var f = ctx.writeAndFlush(r);
    timeouts.responseSent();
    if (!keepAlive) {
      f.addListener(ChannelFutureListener.CLOSE);
    } else if (!ctx.channel().isWritable()) {
      ctx.channel().config().setAutoRead(false); // no next request until this answer drains
    }
  }

  static String quote(String s) {
    return new com.google.gson.JsonPrimitive(s).toString();
  }
}
