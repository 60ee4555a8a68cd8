package ch.ipng.maglev.frontend.http;

import java.net.InetAddress;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * Failed admin logins, and how long a client address must wait before its next try, counted two
 * ways at once:
 *
 * <ul>
 *   <li>per address and the user name it claimed: the first four failures in a row cost nothing,
 *       the {@link #FREE_FAILURES}th (fifth) makes the next try at that name wait {@link
 *       #FIRST_DELAY}, and each further one doubles the wait up to {@link #MAX_DELAY}. A success
 *       clears only that name's failures, so logging in as oneself does not buy more guesses at
 *       someone else's password;
 *   <li>per address, all names together: after {@link #ADDRESS_FREE_FAILURES} failures the address
 *       waits as above whatever name it tries, so cycling through names does not escape the wait
 *       either. A success does not clear this count.
 * </ul>
 *
 * <p>A password's check is reserved before it starts ({@link #reserve}): an address has at most one
 * check pending, and another try while it runs waits {@link #PENDING_WAIT}, so concurrent tries
 * cannot get past the count. Failures are forgotten {@link #FORGET_AFTER} after the last one. At
 * most {@link #MAX_ENTRIES} addresses and as many (address, name) pairs are remembered (the one
 * whose last failure is oldest makes room). Thread-safe.
 */
final class LoginThrottle {
  static final int FREE_FAILURES = 5;
  static final int ADDRESS_FREE_FAILURES = 20;
  static final Duration FIRST_DELAY = Duration.ofSeconds(1);
  static final Duration MAX_DELAY = Duration.ofSeconds(60);
  static final Duration FORGET_AFTER = Duration.ofMinutes(15);
  static final Duration PENDING_WAIT = Duration.ofSeconds(1);
  static final int MAX_ENTRIES = 10_000;

  /** The longest claimed name kept as it is; a longer one is kept as its SHA-256. */
  static final int KEPT_NAME_MAX = 128;

  private record Failures(int count, Instant last) {}

  private record Claim(InetAddress address, String user) {}

  private final Clock clock;
  // both in order of last failure, oldest first
  private final LinkedHashMap<InetAddress, Failures> byAddress = new LinkedHashMap<>();
  private final LinkedHashMap<Claim, Failures> byClaim = new LinkedHashMap<>();
  // addresses with a password check running or queued
  private final Set<InetAddress> pending = new HashSet<>();

  LoginThrottle(Clock clock) {
    this.clock = clock;
  }

  /** How long to wait after the {@code failures}-th failure in a row at one name. */
  static Duration delay(int failures) {
    if (failures < FREE_FAILURES) {
      return Duration.ZERO;
    }
    int doublings = failures - FREE_FAILURES;
    if (doublings >= 31) {
      return MAX_DELAY;
    }
    Duration d = FIRST_DELAY.multipliedBy(1L << doublings);
    return d.compareTo(MAX_DELAY) > 0 ? MAX_DELAY : d;
  }

  /** How long to wait after an address's {@code failures}-th failure at any names. */
  static Duration addressDelay(int failures) {
    return failures < ADDRESS_FREE_FAILURES
        ? Duration.ZERO
        : delay(failures - ADDRESS_FREE_FAILURES + FREE_FAILURES);
  }

  /**
   * How long {@code client} must still wait before it tries {@code user} again, or empty when it
   * may try now (a pending check of the address is not looked at: see {@link #reserve}).
   */
  synchronized Optional<Duration> retryAfter(InetAddress client, String user) {
    InetAddress address = keyOf(client);
    Instant now = clock.instant();
    Duration left = Duration.ZERO;
    Failures a = current(byAddress, address);
    if (a != null) {
      left = max(left, Duration.between(now, a.last().plus(addressDelay(a.count()))));
    }
    Failures c = current(byClaim, new Claim(address, kept(user)));
    if (c != null) {
      left = max(left, Duration.between(now, c.last().plus(delay(c.count()))));
    }
    return left.isPositive() ? Optional.of(left) : Optional.empty();
  }

  /**
   * Reserves a password check of {@code user} for {@code client} when it may try now and has no
   * check pending: returns empty, and the caller must end the reservation with {@link #resolved} or
   * {@link #released}. Otherwise returns how long to wait ({@link #PENDING_WAIT} when a check is
   * pending) and reserves nothing.
   */
  synchronized Optional<Duration> reserve(InetAddress client, String user) {
    Optional<Duration> wait = retryAfter(client, user);
    if (wait.isPresent()) {
      return wait;
    }
    if (!pending.add(keyOf(client))) {
      return Optional.of(PENDING_WAIT);
    }
    return Optional.empty();
  }

  /**
   * Ends {@code client}'s reservation with the check's result: a wrong password counts as a failure
   * (as {@link #failed}), a right one clears that name's failures (as {@link #succeeded}). Returns
   * the name's failures in a row.
   */
  synchronized int resolved(InetAddress client, String user, boolean right) {
    pending.remove(keyOf(client));
    if (right) {
      succeeded(client, user);
      return 0;
    }
    return failed(client, user);
  }

  /** Ends {@code client}'s reservation without a check (none could be queued). */
  synchronized void released(InetAddress client) {
    pending.remove(keyOf(client));
  }

  /** Counts a failure of {@code client} at {@code user}; returns the name's failures in a row. */
  synchronized int failed(InetAddress client, String user) {
    InetAddress address = keyOf(client);
    Instant now = clock.instant();
    count(byAddress, address, now);
    return count(byClaim, new Claim(address, kept(user)), now);
  }

  /** {@code client} logged in as {@code user}: that name's failures are forgotten. */
  synchronized void succeeded(InetAddress client, String user) {
    byClaim.remove(new Claim(keyOf(client), kept(user)));
  }

  /**
   * What failures are counted by: the address itself for IPv4, its /64 for IPv6, where one client
   * commonly holds a whole /64 and could otherwise try a fresh address each time.
   */
  static InetAddress keyOf(InetAddress client) {
    if (!(client instanceof java.net.Inet6Address)) {
      return client;
    }
    byte[] b = client.getAddress();
    java.util.Arrays.fill(b, 8, 16, (byte) 0);
    try {
      return InetAddress.getByAddress(b);
    } catch (java.net.UnknownHostException e) {
      throw new AssertionError("16 bytes are an IPv6 address", e);
    }
  }

  synchronized int addresses() {
    return byAddress.size();
  }

  synchronized int claims() {
    return byClaim.size();
  }

  synchronized boolean pending(InetAddress client) {
    return pending.contains(keyOf(client));
  }

  private static String kept(String user) {
    if (user.length() <= KEPT_NAME_MAX) {
      return user;
    }
    return "sha256:" + HexFormat.of().formatHex(PasswordHash.sha256(user));
  }

  private static Duration max(Duration a, Duration b) {
    return a.compareTo(b) >= 0 ? a : b;
  }

  private <K> int count(LinkedHashMap<K, Failures> map, K key, Instant now) {
    Failures f = current(map, key);
    int count = f == null ? 1 : f.count() + 1;
    map.remove(key);
    if (map.size() >= MAX_ENTRIES) {
      Iterator<Map.Entry<K, Failures>> oldest = map.entrySet().iterator();
      oldest.next();
      oldest.remove();
    }
    map.put(key, new Failures(count, now));
    return count;
  }

  private <K> @Nullable Failures current(Map<K, Failures> map, K key) {
    Failures f = map.get(key);
    if (f != null && !clock.instant().isBefore(f.last().plus(FORGET_AFTER))) {
      map.remove(key);
      return null;
    }
    return f;
  }
}
