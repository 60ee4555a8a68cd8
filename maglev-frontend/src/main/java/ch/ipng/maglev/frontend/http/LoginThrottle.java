package ch.ipng.maglev.frontend.http;

import java.net.InetAddress;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * Failed admin logins per client address, and how long that address must wait before its next try:
 * the first four failures in a row cost nothing, the {@link #FREE_FAILURES}th (fifth) makes it wait
 * {@link #FIRST_DELAY}, and each further one doubles the wait up to {@link #MAX_DELAY}. A success
 * clears the address; so does {@link #FORGET_AFTER} without a failure. At most {@link
 * #MAX_ADDRESSES} addresses are remembered (the one whose last failure is oldest makes room).
 * Thread-safe.
 */
final class LoginThrottle {
  static final int FREE_FAILURES = 5;
  static final Duration FIRST_DELAY = Duration.ofSeconds(1);
  static final Duration MAX_DELAY = Duration.ofSeconds(60);
  static final Duration FORGET_AFTER = Duration.ofMinutes(15);
  static final int MAX_ADDRESSES = 10_000;

  private record Failures(int count, Instant last) {}

  private final Clock clock;
  // in order of last failure, oldest first
  private final LinkedHashMap<InetAddress, Failures> byAddress = new LinkedHashMap<>();

  LoginThrottle(Clock clock) {
    this.clock = clock;
  }

  /** How long to wait after the {@code failures}-th failure in a row before the next try. */
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

  /** How long {@code address} must still wait, or empty when it may try now. */
  synchronized Optional<Duration> retryAfter(InetAddress client) {
    InetAddress address = keyOf(client);
    Failures f = current(address);
    if (f == null) {
      return Optional.empty();
    }
    Duration left = Duration.between(clock.instant(), f.last().plus(delay(f.count())));
    return left.isPositive() ? Optional.of(left) : Optional.empty();
  }

  /** Counts a failure of {@code address}; returns its failures in a row. */
  synchronized int failed(InetAddress client) {
    InetAddress address = keyOf(client);
    Failures f = current(address);
    int count = f == null ? 1 : f.count() + 1;
    byAddress.remove(address);
    if (byAddress.size() >= MAX_ADDRESSES) {
      Iterator<Map.Entry<InetAddress, Failures>> oldest = byAddress.entrySet().iterator();
      oldest.next();
      oldest.remove();
    }
    byAddress.put(address, new Failures(count, clock.instant()));
    return count;
  }

  /** {@code address} logged in: its failures are forgotten. */
  synchronized void succeeded(InetAddress client) {
    InetAddress address = keyOf(client);
    byAddress.remove(address);
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

  private @Nullable Failures current(InetAddress address) {
    Failures f = byAddress.get(address);
    if (f != null && !clock.instant().isBefore(f.last().plus(FORGET_AFTER))) {
      byAddress.remove(address);
      return null;
    }
    return f;
  }
}
