package ch.ipng.maglev.daemon.grpc;

import static java.util.Objects.requireNonNull;

import ch.ipng.maglev.common.Text;
import ch.ipng.maglev.config.ClientRole;
import ch.ipng.maglev.config.GrpcAccess;
import com.google.protobuf.Descriptors.FieldDescriptor;
import com.google.protobuf.MessageOrBuilder;
import com.google.protobuf.TextFormat;
import io.grpc.Context;
import io.grpc.Contexts;
import io.grpc.ForwardingServerCall;
import io.grpc.ForwardingServerCallListener;
import io.grpc.Grpc;
import io.grpc.Metadata;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.grpc.Status;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Supplier;
import javax.net.ssl.SSLPeerUnverifiedException;
import javax.net.ssl.SSLSession;
import org.jspecify.annotations.Nullable;

/**
 * Who calls and whether they may: finds the caller's {@link CallerIdentity} (its certificate's name
 * with a role in {@code maglev.grpc.clients}, when maglevd asks for client certificates), refuses a
 * call above the caller's role with PERMISSION_DENIED naming the role it needs ({@link
 * MethodRoles}), trusts an acting user named in the {@value #ACTOR_HEADER} metadata only from an
 * operator or admin, and audits every call that may change something, allowed or refused.
 */
public final class AccessInterceptor implements ServerInterceptor {
  /** The metadata in which a trusted client (maglevd-frontend) names the user acting through it. */
  public static final String ACTOR_HEADER = "maglev-actor";

  /** The longest acting user name accepted. */
  static final int MAX_ACTOR = 128;

  private static final Metadata.Key<String> ACTOR =
      Metadata.Key.of(ACTOR_HEADER, Metadata.ASCII_STRING_MARSHALLER);

  private final boolean clientCertificates;
  private final Supplier<GrpcAccess> access;
  private final Audit audit;

  private AccessInterceptor(boolean clientCertificates, Supplier<GrpcAccess> access, Audit audit) {
    this.clientCertificates = clientCertificates;
    this.access = requireNonNull(access, "access");
    this.audit = requireNonNull(audit, "audit");
  }

  /**
   * @param clientCertificates whether maglevd asks for client certificates; without, every caller
   *     is admin
   * @param access the running config's roles, read on every call (a reload applies at once)
   */
  public static AccessInterceptor of(
      boolean clientCertificates, Supplier<GrpcAccess> access, Audit audit) {
    return new AccessInterceptor(clientCertificates, access, audit);
  }

  @Override
  public <Q, R> ServerCall.Listener<Q> interceptCall(
      ServerCall<Q, R> call, Metadata headers, ServerCallHandler<Q, R> next) {
    String rpc = call.getMethodDescriptor().getBareMethodName();
    ClientRole needed = MethodRoles.required(call.getMethodDescriptor());
    boolean audited = needed != ClientRole.VIEWER;
    String peer = peer(call.getAttributes().get(Grpc.TRANSPORT_ATTR_REMOTE_ADDR));
    @Nullable String identity = null;
    @Nullable ClientRole role = ClientRole.ADMIN;
    String refusal = null;
    Status.Code code = Status.Code.PERMISSION_DENIED;
    if (clientCertificates) {
      Named named =
          identify(call.getAttributes().get(Grpc.TRANSPORT_ATTR_SSL_SESSION), access.get());
      identity = named.identity;
      role = named.role;
      if (role == null) {
        refusal =
            rpc
                + " needs role "
                + needed.label()
                + "; "
                + (named.names.isEmpty()
                    ? "the client presented no certificate"
                    : "no name of the client's certificate ("
                        + named.names
                        + ") has a role in"
                        + " maglev.grpc.clients");
      }
    }
    if (refusal == null && !role.includes(needed)) {
      refusal =
          rpc
              + " needs role "
              + needed.label()
              + "; "
              + who(identity, peer)
              + " has role "
              + role.label();
    }
    String user = headers.get(ACTOR);
    if (refusal == null && user != null) {
      if (!role.includes(ClientRole.OPERATOR)) {
        refusal =
            "naming an acting user ("
                + ACTOR_HEADER
                + ") needs role operator; "
                + who(identity, peer)
                + " has role "
                + role.label();
      } else if (!validUser(user)) {
        refusal =
            ACTOR_HEADER
                + ": invalid user name (expected: 1-"
                + MAX_ACTOR
                + " printable characters)";
        code = Status.Code.INVALID_ARGUMENT;
      }
    }
    String roleLabel = role == null ? "none" : role.label();
    final String id = identity;
    if (refusal != null) {
      Status status = Status.fromCode(code).withDescription(refusal);
      if (!audited) {
        call.close(status, new Metadata());
        return new ServerCall.Listener<>() {};
      }
      // a name in maglev-actor is the actor only from a client trusted to give one; from any
      // other it is recorded as what it is, a claim
      boolean trustedUser =
          user != null && role != null && role.includes(ClientRole.OPERATOR) && validUser(user);
      String actor = trustedUser ? user : id != null ? id : peer;
      String claimed = user != null && !trustedUser ? Text.cut(user, MAX_ACTOR) : null;
      call.request(1);
      return new Refused<>(
          call,
          status,
          args -> {
            Map<String, String> recorded = args;
            if (claimed != null) {
              recorded = new LinkedHashMap<>(args);
              recorded.put("claimed_actor", claimed);
            }
            audit.record(new Audit.Entry(actor, id, peer, roleLabel, rpc, recorded, status));
          });
    }
    CallerIdentity caller = new CallerIdentity(identity, role, peer, user);
    Context context = Context.current().withValue(CallerIdentity.KEY, caller);
    if (!audited) {
      return Contexts.interceptCall(context, call, headers, next);
    }
    Map<String, String>[] request = newArgs();
    ServerCall<Q, R> recorded =
        new ForwardingServerCall.SimpleForwardingServerCall<>(call) {
          @Override
          public void close(Status status, Metadata trailers) {
            audit.record(
                new Audit.Entry(caller.actor(), id, peer, roleLabel, rpc, request[0], status));
            super.close(status, trailers);
          }
        };
    ServerCall.Listener<Q> listener = Contexts.interceptCall(context, recorded, headers, next);
    return new ForwardingServerCallListener.SimpleForwardingServerCallListener<>(listener) {
      @Override
      public void onMessage(Q message) {
        request[0] = args(message);
        super.onMessage(message);
      }
    };
  }

  @SuppressWarnings("unchecked")
  private static Map<String, String>[] newArgs() {
    Map<String, String>[] a = new Map[1];
    a[0] = Map.of();
    return a;
  }

  /** A refused mutating call: reads the request (for the audit), then ends with the refusal. */
  private static final class Refused<Q, R> extends ServerCall.Listener<Q> {
    private final ServerCall<Q, R> call;
    private final Status status;
    private final java.util.function.Consumer<Map<String, String>> audit;
    private Map<String, String> args = Map.of();
    private boolean closed;

    Refused(
        ServerCall<Q, R> call,
        Status status,
        java.util.function.Consumer<Map<String, String>> audit) {
      this.call = call;
      this.status = status;
      this.audit = audit;
    }

    @Override
    public void onMessage(Q message) {
      args = args(message);
    }

    @Override
    public void onHalfClose() {
      end();
    }

    @Override
    public void onCancel() {
      end();
    }

    private void end() {
      if (closed) {
        return;
      }
      closed = true;
      audit.accept(args);
      try {
        call.close(status, new Metadata());
      } catch (IllegalStateException e) {
        // already cancelled by the client
      }
    }
  }

  /** The set fields of a request, by name; a nested message in short text form. */
  static Map<String, String> args(Object message) {
    if (!(message instanceof MessageOrBuilder m)) {
      return Map.of();
    }
    Map<String, String> out = new LinkedHashMap<>();
    for (Map.Entry<FieldDescriptor, Object> f : m.getAllFields().entrySet()) {
      Object v = f.getValue();
      out.put(
          f.getKey().getName(),
          v instanceof MessageOrBuilder nested
              ? TextFormat.printer().emittingSingleLine(true).printToString(nested)
              : String.valueOf(v));
    }
    return out;
  }

  private static boolean validUser(String user) {
    if (user.isEmpty() || user.length() > MAX_ACTOR || !user.equals(user.strip())) {
      return false;
    }
    return user.chars().allMatch(c -> c >= 0x20 && c < 0x7f);
  }

  private static String who(@Nullable String identity, String peer) {
    return identity == null ? peer : identity;
  }

  private static String peer(@Nullable SocketAddress remote) {
    if (remote instanceof InetSocketAddress a && a.getAddress() != null) {
      String host = a.getAddress().getHostAddress();
      return (host.indexOf(':') >= 0 ? "[" + host + "]" : host) + ":" + a.getPort();
    }
    return remote == null ? "unknown" : remote.toString();
  }

  /** The first name of the client's certificate with a role, that role, and every name seen. */
  private record Named(
      @Nullable String identity, @Nullable ClientRole role, java.util.List<String> names) {}

  private static Named identify(@Nullable SSLSession session, GrpcAccess access) {
    if (session == null) {
      return new Named(null, null, java.util.List.of());
    }
    Certificate[] chain;
    try {
      chain = session.getPeerCertificates();
    } catch (SSLPeerUnverifiedException e) {
      return new Named(null, null, java.util.List.of());
    }
    if (chain.length == 0 || !(chain[0] instanceof X509Certificate leaf)) {
      return new Named(null, null, java.util.List.of());
    }
    java.util.List<String> names = CertificateNames.of(leaf);
    for (String n : names) {
      var r = access.role(n);
      if (r.isPresent()) {
        return new Named(n, r.get(), names);
      }
    }
    return new Named(null, null, names);
  }
}
