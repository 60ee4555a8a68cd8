package ch.ipng.maglev.frontend.http;

import ch.ipng.maglev.frontend.sse.SseBroker;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.QueryStringDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/** Answers one connection's requests; an event-stream request turns it into an SSE stream. */
final class Router extends SimpleChannelInboundHandler<FullHttpRequest> {
  private static final StaticFiles FILES = new StaticFiles("web/");
  private final Api api;
  private final SseBroker broker;
  private final Optional<AdminGate> gate;
  private final AdminApi admin;
  private @Nullable SseStream stream;

  Router(Api api, SseBroker broker, Optional<AdminGate> gate, AdminApi admin) {
    this.api = api;
    this.broker = broker;
    this.gate = gate;
    this.admin = admin;
  }

  @Override
  protected void channelRead0(ChannelHandlerContext ctx, FullHttpRequest req) {
    if (stream != null) {
      return; // nothing more is read on an event stream
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
      case "/view" -> reply(ctx, req, redirect("/view/"));
      case "/view/" -> reply(ctx, req, file(FILES.index(), path));
      case "/favicon.ico" -> reply(ctx, req, file(FILES.favicon(), path));
      case "/view/api/version" -> reply(ctx, req, json(api.versionJson()));
      case "/view/api/maglevds" -> reply(ctx, req, json(api.maglevdsJson()));
      case "/view/api/events" ->
          stream = SseStream.open(ctx.channel(), broker, req.headers().get("Last-Event-ID"));
      case "/view/api/state" -> reply(ctx, req, json(api.stateJson()));
      default -> {
        if (path.startsWith("/view/assets/")) {
          reply(ctx, req, file(FILES.asset(path.substring("/view/assets/".length())), path));
        } else if (path.startsWith("/view/api/state/")) {
          String name =
              QueryStringDecoder.decodeComponent(path.substring("/view/api/state/".length()));
          reply(
              ctx,
              req,
              api.stateJson(name)
                  .map(Router::json)
                  .orElseGet(
                      () ->
                          error(
                              HttpResponseStatus.NOT_FOUND,
                              "no maglevd \""
                                  + name
                                  + "\" (known: "
                                  + String.join(", ", api.names())
                                  + ")")));
        } else {
          reply(ctx, req, error(HttpResponseStatus.NOT_FOUND, "no such page: " + path));
        }
      }
    }
  }

  /** /admin/: hidden unless configured, then basic auth, then POST actions only. */
  private void admin(ChannelHandlerContext ctx, FullHttpRequest req, String path) {
    if (gate.isEmpty()) {
      reply(ctx, req, error(HttpResponseStatus.NOT_FOUND, "no such page: " + path));
      return;
    }
    Optional<String> user = gate.get().user(req);
    if (user.isEmpty()) {
      FullHttpResponse r = error(HttpResponseStatus.UNAUTHORIZED, "authentication required");
      r.headers()
          .set(
              HttpHeaderNames.WWW_AUTHENTICATE,
              "Basic realm=\"" + AdminGate.REALM + "\", charset=\"UTF-8\"");
      reply(ctx, req, r);
      return;
    }
    if (!path.startsWith("/admin/api/")) {
      boolean get = req.method().equals(HttpMethod.GET) || req.method().equals(HttpMethod.HEAD);
      if (!get) {
        reply(ctx, req, error(HttpResponseStatus.METHOD_NOT_ALLOWED, "use GET for " + path));
      } else if (path.equals("/admin")) {
        reply(ctx, req, redirect("/admin/"));
      } else if (path.equals("/admin/")) {
        reply(ctx, req, file(FILES.index(), path));
      } else if (path.startsWith("/admin/assets/")) {
        reply(ctx, req, file(FILES.asset(path.substring("/admin/assets/".length())), path));
      } else {
        reply(ctx, req, error(HttpResponseStatus.NOT_FOUND, "no such page: " + path));
      }
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
      parts.add(QueryStringDecoder.decodeComponent(p));
    }
    AdminAction.Parsed parsed =
        AdminAction.parse(parts, req.content().toString(StandardCharsets.UTF_8));
    if (parsed.action() == null) {
      reply(ctx, req, error(HttpResponseStatus.BAD_REQUEST, parsed.error()));
      return;
    }
    boolean keepAlive = HttpUtil.isKeepAlive(req);
    String remote = String.valueOf(ctx.channel().remoteAddress());
    admin
        .perform(parsed.action(), user.get(), remote)
        .thenAccept(
            r -> {
              FullHttpResponse resp =
                  body(HttpResponseStatus.valueOf(r.status()), r.json(), "application/json");
              resp.headers().setInt(HttpHeaderNames.CONTENT_LENGTH, resp.content().readableBytes());
              send(ctx, resp, keepAlive);
            });
  }

  @Override
  public void channelWritabilityChanged(ChannelHandlerContext ctx) {
    if (stream != null && ctx.channel().isWritable()) {
      stream.writable();
    }
    ctx.fireChannelWritabilityChanged();
  }

  @Override
  public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
    ctx.close();
  }

  private static void reply(ChannelHandlerContext ctx, FullHttpRequest req, FullHttpResponse r) {
    r.headers().setInt(HttpHeaderNames.CONTENT_LENGTH, r.content().readableBytes());
    if (req.method().equals(HttpMethod.HEAD)) {
      r.content().clear();
    }
    send(ctx, r, HttpUtil.isKeepAlive(req));
  }

  private static void send(ChannelHandlerContext ctx, FullHttpResponse r, boolean keepAlive) {
    HttpUtil.setKeepAlive(r, keepAlive);
    var f = ctx.writeAndFlush(r);
    if (!keepAlive) {
      f.addListener(ChannelFutureListener.CLOSE);
    }
  }

  private static FullHttpResponse json(String json) {
    FullHttpResponse r = body(HttpResponseStatus.OK, json, "application/json");
    r.headers().set(HttpHeaderNames.CACHE_CONTROL, "no-cache");
    return r;
  }

  private static FullHttpResponse error(HttpResponseStatus status, String message) {
    return body(status, "{\"error\":" + quote(message) + "}", "application/json");
  }

  static String quote(String s) {
    return new com.google.gson.JsonPrimitive(s).toString();
  }

  private static FullHttpResponse redirect(String location) {
    FullHttpResponse r =
        new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.FOUND);
    r.headers().set(HttpHeaderNames.LOCATION, location);
    return r;
  }

  /** A file of the page, or 404 when this build has none (the SPA is built by make). */
  private static FullHttpResponse file(Optional<StaticFiles.File> f, String path) {
    if (f.isEmpty()) {
      return error(
          HttpResponseStatus.NOT_FOUND,
          path.endsWith("/")
              ? "the dashboard page is not in this build (make builds it): " + path
              : "no such file: " + path);
    }
    FullHttpResponse r =
        new DefaultFullHttpResponse(
            HttpVersion.HTTP_1_1, HttpResponseStatus.OK, Unpooled.wrappedBuffer(f.get().bytes()));
    r.headers()
        .set(HttpHeaderNames.CONTENT_TYPE, f.get().type())
        .set(HttpHeaderNames.CACHE_CONTROL, f.get().cacheControl())
        .set("X-Content-Type-Options", "nosniff")
        // nothing but this server's own files, and no framing (the admin page has buttons)
        .set("Content-Security-Policy", "default-src 'self'; frame-ancestors 'none'")
        .set("Referrer-Policy", "same-origin");
    return r;
  }

  private static FullHttpResponse body(HttpResponseStatus status, String body, String type) {
    FullHttpResponse r =
        new DefaultFullHttpResponse(
            HttpVersion.HTTP_1_1, status, Unpooled.copiedBuffer(body, StandardCharsets.UTF_8));
    r.headers().set(HttpHeaderNames.CONTENT_TYPE, type + "; charset=utf-8");
    return r;
  }
}
