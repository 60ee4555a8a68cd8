package ch.ipng.maglev.frontend.http;

import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.HttpHeaderNames;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Base64;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * Who may use /admin/: basic auth against the one configured user, compared in constant time, and
 * no mutation from another site (a logged-in browser must not be made to drain a backend by a page
 * elsewhere): a POST needs the {@code X-Maglev-Admin} header, which a cross-site form cannot send
 * and a cross-site script cannot send without a preflight this server never grants, and an Origin,
 * when sent, must be this server.
 */
public final class AdminGate {
  public static final String HEADER = "X-Maglev-Admin";
  static final String REALM = "maglevd-frontend admin";

  private final byte[] userDigest;
  private final byte[] passwordDigest;

  private AdminGate(String user, String password) {
    this.userDigest = sha256(user);
    this.passwordDigest = sha256(password);
  }

  /** The gate, or empty (and /admin/ answers 404) unless both are set and not empty. */
  public static Optional<AdminGate> of(@Nullable String user, @Nullable String password) {
    if (user == null || user.isEmpty() || password == null || password.isEmpty()) {
      return Optional.empty();
    }
    return Optional.of(new AdminGate(user, password));
  }

  /** The authenticated user, or empty. */
  Optional<String> user(FullHttpRequest req) {
    String h = req.headers().get(HttpHeaderNames.AUTHORIZATION);
    if (h == null || !h.regionMatches(true, 0, "Basic ", 0, 6)) {
      return Optional.empty();
    }
    String decoded;
    try {
      decoded =
          new String(Base64.getDecoder().decode(h.substring(6).strip()), StandardCharsets.UTF_8);
    } catch (IllegalArgumentException e) {
      return Optional.empty();
    }
    int colon = decoded.indexOf(':');
    if (colon < 0) {
      return Optional.empty();
    }
    String user = decoded.substring(0, colon);
    // both compared, always: the time taken does not say which one was wrong
    boolean userOk = MessageDigest.isEqual(userDigest, sha256(user));
    boolean passwordOk =
        MessageDigest.isEqual(passwordDigest, sha256(decoded.substring(colon + 1)));
    return userOk && passwordOk ? Optional.of(user) : Optional.empty();
  }

  /** Why a mutation is refused as cross-site, or empty when it may go ahead. */
  static Optional<String> crossSite(FullHttpRequest req) {
    String origin = req.headers().get(HttpHeaderNames.ORIGIN);
    String host = req.headers().get(HttpHeaderNames.HOST);
    if (origin != null) {
      String o = origin.replaceFirst("^https?://", "");
      if (host == null || !o.equalsIgnoreCase(host)) {
        return Optional.of("cross-site request refused: Origin " + origin + " is not this server");
      }
    }
    String site = req.headers().get("Sec-Fetch-Site");
    if (site != null && !site.equals("same-origin") && !site.equals("none")) {
      return Optional.of("cross-site request refused: Sec-Fetch-Site " + site);
    }
    if (!"1".equals(req.headers().get(HEADER))) {
      return Optional.of("admin requests need the header " + HEADER + ": 1");
    }
    return Optional.empty();
  }

  private static byte[] sha256(String s) {
    try {
      return MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every JDK has SHA-256", e);
    }
  }
}
