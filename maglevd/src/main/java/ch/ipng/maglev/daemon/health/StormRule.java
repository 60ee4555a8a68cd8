package ch.ipng.maglev.daemon.health;

import java.net.Inet4Address;
import java.net.InetAddress;
import java.time.Instant;
import java.util.Arrays;
import java.util.Collection;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * The evidence side of {@link SelfSuspicion}: the backends that went down within the window, their
 * spread over frontends and address ranges, and whether (with the canaries' last round) they make a
 * suspicion.
 */
final class StormRule {
  private StormRule() {}

  /** A backend that went from up to down: when, in which frontends, in which address range. */
  record Down(Instant time, Set<String> frontends, String range) {}

  /** The downs of {@code recent} at or after {@code from}; {@code recent} itself when all are. */
  static Map<String, Down> since(Map<String, Down> recent, Instant from) {
    boolean stale = false;
    for (Down d : recent.values()) {
      stale |= d.time().isBefore(from);
    }
    if (!stale) {
      return recent;
    }
    Map<String, Down> out = new LinkedHashMap<>();
    recent.forEach(
        (b, d) -> {
          if (!d.time().isBefore(from)) {
            out.put(b, d);
          }
        });
    return Map.copyOf(out);
  }

  /** Adds the frontends and the address ranges of {@code downs} to the two sets given. */
  static void spread(Collection<Down> downs, Set<String> frontends, Set<String> ranges) {
    for (Down d : downs) {
      frontends.addAll(d.frontends());
      ranges.add(d.range());
    }
  }

  /**
   * Whether the downs within the window make a suspicion, and of which cause (null: they do not).
   * With canaries, their latest round decides first: failing within the window, any down is suspect
   * (it is us); answering in a round that started after the first of these downs, none is (the
   * failures are real). Otherwise (no canaries, no round yet, a mixed or an old round) the storm
   * thresholds decide.
   */
  static SelfSuspicion.@Nullable Cause cause(
      SelfSuspicion.Settings settings,
      SelfSuspicion.@Nullable CanaryRound lastRound,
      Instant now,
      Map<String, Down> downs,
      int frontends,
      int ranges,
      SelfSuspicion.Population population) {
    int down = downs.size();
    if (down == 0) {
      return null;
    }
    SelfSuspicion.CanaryRound c = lastRound;
    if (c != null) {
      if (c.verdict() == SelfSuspicion.CanaryVerdict.FAILED
          && !c.started().isBefore(now.minus(settings.window()))) {
        return SelfSuspicion.Cause.CANARY;
      }
      Instant first = null;
      for (Down d : downs.values()) {
        first = first == null || d.time().isBefore(first) ? d.time() : first;
      }
      if (c.verdict() == SelfSuspicion.CanaryVerdict.ANSWERED && !c.started().isBefore(first)) {
        return null;
      }
    }
    boolean storm =
        down >= settings.minBackends()
            && (long) down * 100 >= (long) settings.share() * population.withVerdict()
            && frontends >= Math.min(2, population.frontends())
            && ranges >= Math.min(2, population.ranges());
    return storm ? SelfSuspicion.Cause.STORM : null;
  }

  /** The /24 (IPv4) or /64 (IPv6) an address lies in. */
  static String range(InetAddress address) {
    byte[] b = address.getAddress();
    int keep = address instanceof Inet4Address ? 3 : 8;
    return Arrays.toString(Arrays.copyOf(b, Math.min(keep, b.length))) + "/" + keep * 8;
  }

  /** The number of distinct ranges among addresses. */
  static int ranges(Iterable<InetAddress> addresses) {
    Set<String> out = new HashSet<>();
    for (InetAddress a : addresses) {
      out.add(range(a));
    }
    return out.size();
  }
}
