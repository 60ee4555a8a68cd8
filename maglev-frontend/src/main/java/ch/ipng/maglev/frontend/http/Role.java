package ch.ipng.maglev.frontend.http;

import java.util.Locale;
import java.util.Optional;

/**
 * A dashboard user's role, the same three as maglevd's client roles: a {@code viewer} looks, an
 * {@code operator} also pauses, resumes, enables, disables, sets weights, syncs VPP and ends the
 * checker's suspicion, an {@code admin} also reloads maglevd's config.
 */
public enum Role {
  VIEWER,
  OPERATOR,
  ADMIN;

  /** Whether this role may do what {@code needed} may. */
  public boolean atLeast(Role needed) {
    return compareTo(needed) >= 0;
  }

  /** The name as in the users file and in answers: "viewer", "operator" or "admin". */
  public String label() {
    return name().toLowerCase(Locale.ROOT);
  }

  /** The role named {@code text} (any case), or empty. */
  public static Optional<Role> parse(String text) {
    for (Role r : values()) {
      if (r.label().equalsIgnoreCase(text.strip())) {
        return Optional.of(r);
      }
    }
    return Optional.empty();
  }
}
