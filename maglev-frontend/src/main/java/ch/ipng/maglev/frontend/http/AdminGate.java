package ch.ipng.maglev.frontend.http;

import ch.ipng.maglev.common.Text;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.HttpHeaderNames;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.Base64;
import java.util.Optional;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Who may use /admin/: basic auth against the dashboard's {@link Users} (each with a {@link Role}),
 * compared in constant time, and no mutation from another site (a logged-in browser must not be
 * made to drain a backend by a page elsewhere): a POST needs the {@code X-Maglev-Admin} header,
 * which a cross-site form cannot send and a cross-site script cannot send without a preflight this
 * server never grants, and an Origin, when sent, must be this server.
 *
 * <p>Failed logins are logged ({@code admin-login-failed}) and slowed down by a {@link
 * LoginThrottle}, per client address and claimed user name and per address in all: a try that must
 * wait is answered 429 with Retry-After, without its password being looked at. An address has at
 * most one password check running or queued; another unremembered login from it meanwhile is
 * answered 429 with Retry-After: 1.
 */
public final class AdminGate {
  public static final String HEADER = "X-Maglev-Admin";
  static final String REALM = "maglevd-frontend admin";

  /** The most characters of a failed user name that are logged. */
  static final int LOGGED_USER_MAX = 64;

  private static final Logger logger = LoggerFactory.getLogger(AdminGate.class);

  /** What a request's credentials come to. */
  sealed interface Login {
    /** A configured user, with the right password, and its role. */
    record Allowed(Users.Identity who) implements Login {
      String user() {
        return who.user();
      }
    }

    /** No basic credentials at all: ask for them (a browser's first request); not a failure. */
    record Missing() implements Login {}

    /** Wrong or malformed credentials: counted against the client's address and the name. */
    record Refused() implements Login {}

    /**
     * The client's address failed too often at this name or in all, or has a check running: it must
     * wait {@code retryAfter}.
     */
    record Throttled(Duration retryAfter) implements Login {}

    /** Too many passwords are waiting to be checked: try again in a moment. */
    record Busy() implements Login {}
  }

  /** Passwords waiting for their check at most; more are answered {@link Login.Busy}. */
  static final int MAX_WAITING = 64;

  private final Users users;
  private final LoginThrottle throttle;
  // the slow password checks, one at a time, off the event loops: a burst of wrong passwords
  // costs one core at most and never holds up another connection's answer
  private final Executor checker;

  private AdminGate(Users users, Clock clock) {
    this(
        users,
        clock,
        new ThreadPoolExecutor(
            1,
            1,
            0,
            TimeUnit.MILLISECONDS,
            new ArrayBlockingQueue<>(MAX_WAITING),
            r -> Thread.ofPlatform().daemon().name("admin-login").unstarted(r)));
  }

  /** With the executor the password checks run on (tests hold them back). */
  AdminGate(Users users, Clock clock, Executor checker) {
    this.users = users;
    this.throttle = new LoginThrottle(clock);
    this.checker = checker;
  }

  /** The gate, or empty (and /admin/ answers 404) when there are no users. */
  public static Optional<AdminGate> of(Users users, Clock clock) {
    return users.isEmpty() ? Optional.empty() : Optional.of(new AdminGate(users, clock));
  }

  /** One admin user; empty (and /admin/ answers 404) unless both are set and not empty. */
  public static Optional<AdminGate> of(@Nullable String user, @Nullable String password) {
    return of(user, password, Clock.systemUTC());
  }

  /** As above, with the clock the login throttle reads. */
  public static Optional<AdminGate> of(
      @Nullable String user, @Nullable String password, Clock clock) {
    if (user == null || user.isEmpty() || password == null || password.isEmpty()) {
      return Optional.empty();
    }
    return of(Users.of("--users", null, user, password), clock);
  }

  /**
   * Checks the request's credentials, coming from {@code client}: done at once when they are
   * missing, malformed, throttled or were right before; otherwise the password's check (PBKDF2,
   * slow on purpose) runs on a thread of its own and the answer comes when it is done.
   */
  CompletableFuture<Login> login(FullHttpRequest req, InetAddress client) {
    String h = req.headers().get(HttpHeaderNames.AUTHORIZATION);
    if (h == null) {
      return CompletableFuture.completedFuture(new Login.Missing());
    }
    Optional<String> decoded = decode(h).filter(d -> d.indexOf(':') >= 0);
    String user = decoded.map(d -> d.substring(0, d.indexOf(':'))).orElse("");
    Optional<Duration> wait = throttle.retryAfter(client, user);
    if (wait.isPresent()) {
      return CompletableFuture.completedFuture(throttled(client, user, wait.get()));
    }
    if (decoded.isEmpty()) {
      return CompletableFuture.completedFuture(
          refused(user, client, throttle.failed(client, user)));
    }
    String password = decoded.get().substring(user.length() + 1);
    Optional<Users.Identity> known = users.remembered(user, password);
    if (known.isPresent()) {
      throttle.succeeded(client, user);
      return CompletableFuture.completedFuture(new Login.Allowed(known.get()));
    }
    // checked and reserved in one step: a check running counts against the address until it is
    // done, and the address gets no second one meanwhile
    wait = throttle.reserve(client, user);
    if (wait.isPresent()) {
      return CompletableFuture.completedFuture(throttled(client, user, wait.get()));
    }
    try {
      return CompletableFuture.supplyAsync(() -> users.check(user, password), checker)
          .handle(
              (who, err) -> {
                if (err != null) {
                  throttle.released(client);
                  throw new CompletionException(err);
                }
                if (who.isEmpty()) {
                  return refused(user, client, throttle.resolved(client, user, false));
                }
                throttle.resolved(client, user, true);
                return new Login.Allowed(who.get());
              });
    } catch (RejectedExecutionException e) {
      throttle.released(client);
      return CompletableFuture.completedFuture(new Login.Busy());
    }
  }

  private static Login throttled(InetAddress client, String user, Duration wait) {
    logger
        .atDebug()
        .setMessage("admin-login-throttled")
        .addKeyValue("user", loggable(user))
        .addKeyValue("remote", client.getHostAddress())
        .addKeyValue("retry_after_ms", wait.toMillis())
        .log();
    return new Login.Throttled(wait);
  }

  /** A failed login, the {@code failures}-th in a row of {@code client} at {@code user}: logged. */
  private Login refused(String user, InetAddress client, int failures) {
    logger
        .atWarn()
        .setMessage("admin-login-failed")
        .addKeyValue("user", loggable(user))
        .addKeyValue("remote", client.getHostAddress())
        .addKeyValue("failures", failures)
        .addKeyValue(
            "retry_after_ms", throttle.retryAfter(client, user).orElse(Duration.ZERO).toMillis())
        .log();
    return new Login.Refused();
  }

  private static Optional<String> decode(String authorization) {
    if (!authorization.regionMatches(true, 0, "Basic ", 0, 6)) {
      return Optional.empty();
    }
    try {
      return Optional.of(
          new String(
              Base64.getDecoder().decode(authorization.substring(6).strip()),
              StandardCharsets.UTF_8));
    } catch (IllegalArgumentException e) {
      return Optional.empty();
    }
  }

  /** At most {@link #LOGGED_USER_MAX} characters and its length, control characters as '?'. */
  static String loggable(String s) {
    return Text.cut(s, LOGGED_USER_MAX)
        .codePoints()
        .map(c -> Character.isISOControl(c) ? '?' : c)
        .collect(StringBuilder::new, StringBuilder::appendCodePoint, StringBuilder::append)
        .toString();
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
}
