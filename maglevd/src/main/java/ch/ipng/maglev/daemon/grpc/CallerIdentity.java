package ch.ipng.maglev.daemon.grpc;

import static java.util.Objects.requireNonNull;

import ch.ipng.maglev.config.ClientRole;
import io.grpc.Context;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * Who makes the current gRPC call, as {@link AccessInterceptor} found it, in the call's {@link
 * Context}: {@link #current()}.
 *
 * @param identity the name in the client's certificate that has a role, or null when maglevd does
 *     not ask for client certificates
 * @param role what the caller may do (admin when maglevd does not ask for client certificates)
 * @param peer the client's address, "ip:port"
 * @param user the acting user a trusted client (operator or above, e.g. maglevd-frontend) named in
 *     the {@value AccessInterceptor#ACTOR_HEADER} metadata, or null
 */
public record CallerIdentity(
    @Nullable String identity, ClientRole role, String peer, @Nullable String user) {
  static final Context.Key<CallerIdentity> KEY = Context.key("maglev-caller");

  public CallerIdentity {
    requireNonNull(role, "role");
    requireNonNull(peer, "peer");
  }

  /** The caller of the gRPC call this thread serves, or empty outside one. */
  public static Optional<CallerIdentity> current() {
    return Optional.ofNullable(KEY.get());
  }

  /**
   * Who acts, for overrides and the audit: the acting user when a trusted client named one, else
   * the certificate identity, else the peer address ("peer 192.0.2.1:40312").
   */
  public String actor() {
    return user != null ? user : identity != null ? identity : "peer " + peer;
  }
}
