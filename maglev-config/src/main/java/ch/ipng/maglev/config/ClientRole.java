package ch.ipng.maglev.config;

import java.util.Locale;
import java.util.Optional;

/**
 * What a gRPC client may do, each role including the ones before it: {@code viewer} reads (lists,
 * gets, watches, VPP reads), {@code operator} also changes backends and weights and syncs VPP,
 * {@code admin} also reloads the config.
 */
public enum ClientRole {
  VIEWER,
  OPERATOR,
  ADMIN;

  /** The name in maglev.yaml and in messages: "viewer", "operator", "admin". */
  public String label() {
    return name().toLowerCase(Locale.ROOT);
  }

  /** Whether this role includes {@code other}. */
  public boolean includes(ClientRole other) {
    return compareTo(other) >= 0;
  }

  /** The role of a name as maglev.yaml writes it, or empty. */
  public static Optional<ClientRole> of(String label) {
    for (ClientRole r : values()) {
      if (r.label().equals(label)) {
        return Optional.of(r);
      }
    }
    return Optional.empty();
  }
}
