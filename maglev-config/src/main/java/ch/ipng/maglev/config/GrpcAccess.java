package ch.ipng.maglev.config;

import java.util.Collections;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * {@code maglev.grpc}: the role of each gRPC client, by the identity in its certificate (the
 * subject's CN or a subject alternative name). Used only when maglevd requires client certificates
 * ({@code --grpc-client-ca}); a certificate whose names have no role here may only ask for health.
 */
public record GrpcAccess(Map<String, ClientRole> clients) {
  public GrpcAccess {
    clients = Collections.unmodifiableMap(new TreeMap<>(clients));
  }

  public static GrpcAccess defaults() {
    return new GrpcAccess(Map.of());
  }

  /** The role of one identity, or empty when it has none. */
  public Optional<ClientRole> role(String identity) {
    return Optional.ofNullable(clients.get(identity));
  }
}
