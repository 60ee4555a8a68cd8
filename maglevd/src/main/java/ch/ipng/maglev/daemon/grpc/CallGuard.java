package ch.ipng.maglev.daemon.grpc;

import io.grpc.Context;
import io.grpc.Contexts;
import io.grpc.ForwardingServerCall;
import io.grpc.Grpc;
import io.grpc.Metadata;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.grpc.Status;
import java.net.InetSocketAddress;
import java.net.SocketAddress;

/**
 * Every call: the client's address goes into the {@link Context} (for per-address limits), and the
 * status description it ends with is bounded ({@link Echo#description}), whichever code wrote it.
 */
final class CallGuard implements ServerInterceptor {
  /** The client's IP address as text, or "unknown" (in-process transports). */
  static final Context.Key<String> CLIENT = Context.keyWithDefault("maglev-client", "unknown");

  @Override
  public <Q, R> ServerCall.Listener<Q> interceptCall(
      ServerCall<Q, R> call, Metadata headers, ServerCallHandler<Q, R> next) {
    SocketAddress remote = call.getAttributes().get(Grpc.TRANSPORT_ATTR_REMOTE_ADDR);
    String client =
        remote instanceof InetSocketAddress a && a.getAddress() != null
            ? a.getAddress().getHostAddress()
            : "unknown";
    ServerCall<Q, R> bounded =
        new ForwardingServerCall.SimpleForwardingServerCall<>(call) {
          @Override
          public void close(Status status, Metadata trailers) {
            String d = status.getDescription();
            super.close(d == null ? status : status.withDescription(Echo.description(d)), trailers);
          }
        };
    return Contexts.interceptCall(
        Context.current().withValue(CLIENT, client), bounded, headers, next);
  }
}
