package ch.ipng.maglev.daemon.grpc;

import io.grpc.Context;
import io.grpc.Contexts;
import io.grpc.Grpc;
import io.grpc.Metadata;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.util.Objects;

/**
 * Who the current call acts as, for the overrides it makes: the one seam between the gRPC layer and
 * whatever identifies callers. The {@link AccessInterceptor}'s caller identity decides: the
 * dashboard user a trusted dashboard names, the client certificate's identity, or the peer's
 * address ("peer 192.0.2.1:40312") without client certificates.
 */
public final class Actors {
  private Actors() {}

  /** Who acted, as shown with an override: "peer 192.0.2.1:40312", "maglevd". */
  public record Actor(String name) {
    public Actor {
      Objects.requireNonNull(name, "name");
    }

    @Override
    public String toString() {
      return name;
    }
  }

  /** maglevd itself: an expiry, a restore from the state file. */
  public static final Actor MAGLEVD = new Actor("maglevd");

  private static final Context.Key<Actor> ACTOR =
      Context.keyWithDefault("maglev-actor", new Actor("peer unknown"));

  /**
   * The actor of the call this thread serves: its {@link CallerIdentity}'s (the acting user, the
   * certificate identity or the peer), else the peer this seam's own interceptor saw ("peer
   * unknown" outside a call).
   */
  public static Actor current() {
    return CallerIdentity.current().map(c -> new Actor(c.actor())).orElseGet(ACTOR::get);
  }

  /** The actor a call from {@code remote} has. */
  static Actor ofPeer(@org.jspecify.annotations.Nullable SocketAddress remote) {
    if (remote instanceof InetSocketAddress a && a.getAddress() != null) {
      String host = a.getAddress().getHostAddress();
      return new Actor(
          "peer " + (host.indexOf(':') >= 0 ? "[" + host + "]" : host) + ":" + a.getPort());
    }
    return new Actor(remote == null ? "peer unknown" : "peer " + remote);
  }

  /** Puts each call's actor into its {@link Context}. */
  static ServerInterceptor interceptor() {
    return new ServerInterceptor() {
      @Override
      public <Q, R> ServerCall.Listener<Q> interceptCall(
          ServerCall<Q, R> call, Metadata headers, ServerCallHandler<Q, R> next) {
        Actor a = ofPeer(call.getAttributes().get(Grpc.TRANSPORT_ATTR_REMOTE_ADDR));
        return Contexts.interceptCall(Context.current().withValue(ACTOR, a), call, headers, next);
      }
    };
  }
}
