package ch.ipng.maglev.frontend.http;

import static ch.ipng.maglev.frontend.http.Router.echo;
import static ch.ipng.maglev.frontend.http.Router.quote;

import io.netty.buffer.Unpooled;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.QueryStringDecoder;
import java.nio.charset.StandardCharsets;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/** The dashboard's HTTP answers as {@link Router} sends them: JSON, errors, files, redirects. */
final class Responses {
  private Responses() {}

  /** A %-escaped path segment decoded, or null when its escapes are not valid. */
  static @Nullable String decoded(String raw) {
    try {
      return QueryStringDecoder.decodeComponent(raw);
    } catch (IllegalArgumentException e) {
      return null;
    }
  }

  /** 400 for a path segment whose %-escapes cannot be decoded. */
  static FullHttpResponse undecodable(String what, String raw) {
    return error(
        HttpResponseStatus.BAD_REQUEST,
        what
            + ": \""
            + echo(raw)
            + "\" cannot be decoded (expected: %XX escapes of two hex digits, UTF-8)");
  }

  static FullHttpResponse json(String json) {
    FullHttpResponse r = body(HttpResponseStatus.OK, json, "application/json");
    r.headers()
        .set(HttpHeaderNames.CACHE_CONTROL, "no-cache")
        .set("X-Content-Type-Options", "nosniff");
    return r;
  }

  /** An error: never stored, never sniffed as anything but JSON. */
  static FullHttpResponse error(HttpResponseStatus status, String message) {
    return noStore(body(status, "{\"error\":" + quote(message) + "}", "application/json"));
  }

  static FullHttpResponse noStore(FullHttpResponse r) {
    r.headers()
        .set(HttpHeaderNames.CACHE_CONTROL, StaticFiles.NO_STORE)
        .set("X-Content-Type-Options", "nosniff");
    return r;
  }

  static FullHttpResponse redirect(String location) {
    FullHttpResponse r =
        new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.FOUND);
    r.headers().set(HttpHeaderNames.LOCATION, location);
    return r;
  }

  /** A file of the page, or 404 when this build has none (the SPA is built by make). */
  static FullHttpResponse file(Optional<StaticFiles.File> f, String path) {
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

  static FullHttpResponse body(HttpResponseStatus status, String body, String type) {
    FullHttpResponse r =
        new DefaultFullHttpResponse(
            HttpVersion.HTTP_1_1, status, Unpooled.copiedBuffer(body, StandardCharsets.UTF_8));
    r.headers().set(HttpHeaderNames.CONTENT_TYPE, type + "; charset=utf-8");
    return r;
  }
}
