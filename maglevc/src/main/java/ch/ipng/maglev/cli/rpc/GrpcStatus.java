package ch.ipng.maglev.cli.rpc;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.jspecify.annotations.Nullable;

/** How a call ended: from its stream's reset code, HTTP status and grpc-status trailers. */
final class GrpcStatus {
  private GrpcStatus() {}

  /** The outcome of {@code method}'s ended stream; null for OK. */
  static @Nullable RpcException of(Http2Stream s, String method) {
    if (s.resetCode >= 0) {
      return reset(s.resetCode);
    }
    List<Hpack.Field> trailers = s.trailers;
    String grpcStatus = trailers == null ? null : value(trailers, "grpc-status");
    if (grpcStatus == null) {
      String http = s.headers == null ? null : value(s.headers, ":status");
      if (http != null && !http.equals("200")) {
        return new RpcException(httpCode(http), "HTTP status " + http + " from the server");
      }
      return new RpcException(
          RpcException.Code.INTERNAL, "the call to " + method + " ended without a status");
    }
    int code;
    try {
      code = Integer.parseInt(grpcStatus);
    } catch (NumberFormatException e) {
      return new RpcException(RpcException.Code.UNKNOWN, "grpc-status \"" + grpcStatus + "\"");
    }
    if (code == 0) {
      return null;
    }
    String message = value(trailers, "grpc-message");
    return new RpcException(
        RpcException.Code.of(code), message == null ? null : percentDecode(message));
  }

  private static RpcException reset(int resetCode) {
    return switch (resetCode) {
      case Frames.REFUSED_STREAM -> {
        // REFUSED_STREAM, or beyond a GOAWAY's last stream: HTTP/2 says it was not processed
        RpcException e =
            new RpcException(RpcException.Code.UNAVAILABLE, "the server refused the call");
        e.notProcessed = true;
        yield e;
      }
      case 8 -> new RpcException(RpcException.Code.CANCELLED, "the server cancelled the call");
      default ->
          new RpcException(
              RpcException.Code.INTERNAL, "the server reset the call (code " + resetCode + ")");
    };
  }

  /** The gRPC code for an HTTP status without grpc-status (gRPC's http-grpc-status-mapping). */
  private static RpcException.Code httpCode(String status) {
    return switch (status) {
      case "400" -> RpcException.Code.INTERNAL;
      case "401" -> RpcException.Code.UNAUTHENTICATED;
      case "403" -> RpcException.Code.PERMISSION_DENIED;
      case "404" -> RpcException.Code.UNIMPLEMENTED;
      case "429", "502", "503", "504" -> RpcException.Code.UNAVAILABLE;
      default -> RpcException.Code.UNKNOWN;
    };
  }

  private static @Nullable String value(List<Hpack.Field> fields, String name) {
    for (Hpack.Field f : fields) {
      if (f.name().equals(name)) {
        return f.value();
      }
    }
    return null;
  }

  /** grpc-message is UTF-8 with %XX escapes; malformed escapes are kept as they are. */
  static String percentDecode(String s) {
    ByteArrayOutputStream b = new ByteArrayOutputStream(s.length());
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c == '%'
          && i + 2 < s.length()
          && hex(s.charAt(i + 1)) >= 0
          && hex(s.charAt(i + 2)) >= 0) {
        b.write(hex(s.charAt(i + 1)) << 4 | hex(s.charAt(i + 2)));
        i += 2;
      } else {
        b.write(c);
      }
    }
    return b.toString(StandardCharsets.UTF_8);
  }

  private static int hex(char c) {
    return Character.digit(c, 16);
  }
}
