package ch.ipng.maglev.daemon.health;

import java.net.InetAddress;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import org.jspecify.annotations.Nullable;

/**
 * The checker's suspicion of its own vantage point: a pure rule over the backend transitions and
 * probe lateness the checker sees (docs/healthchecks.md states it). Immutable; every input makes a
 * new value.
 *
 * <p>Suspect when, within {@code window}, (storm) at least {@code minBackends} backends went from
 * up to down, being at least {@code share} percent of the backends with a verdict (up or down), in
 * at least two frontends and two address ranges (a /24 for IPv4, a /64 for IPv6; fewer when the
 * config has fewer), or (stall) a probe started more than {@code maxLateness} behind its schedule:
 * maglevd itself did not run, and the timeouts of that moment are not evidence.
 *
 * <p>While suspected, every backend that goes from up to down, and those that went down within the
 * window before the suspicion, are frozen: their weights are computed as if still up. A frozen
 * backend that comes up again, or that an operator pauses, disables or removes, leaves the frozen
 * set. The suspicion lifts (thaws) when nothing is frozen any more and no evidence arrived for a
 * window (the probes agree again), when {@code hold} has passed since it began (the backends still
 * down are then believed, and drained), or when an operator releases it.
 */
public final class SelfSuspicion {
  /**
   * The rule's thresholds.
   *
   * @param enabled off: never suspects (and thaws at once)
   * @param minBackends backends that must go down within the window (at least 1)
   * @param share percent (1-100) of the backends with a verdict that must go down within the window
   * @param window how far back transitions count, and how long a stall's suspicion lasts at least
   * @param maxLateness a probe starting later than this behind its schedule means a stall
   * @param hold the longest a suspicion lasts before the backends still down are believed
   */
  public record Settings(
      boolean enabled,
      int minBackends,
      int share,
      Duration window,
      Duration maxLateness,
      Duration hold) {
    public static final int DEFAULT_MIN_BACKENDS = 5;
    public static final int DEFAULT_SHARE = 50;
    public static final Duration DEFAULT_HOLD = Duration.ofSeconds(60);
    public static final Duration MIN_MAX_LATENESS = Duration.ofMillis(500);

    public Settings {
      Objects.requireNonNull(window, "window");
      Objects.requireNonNull(maxLateness, "maxLateness");
      Objects.requireNonNull(hold, "hold");
      if (minBackends < 1) {
        throw new IllegalArgumentException("min-backends: " + minBackends + " (expected: >= 1)");
      }
      if (share < 1 || share > 100) {
        throw new IllegalArgumentException("share: " + share + " (expected: 1-100)");
      }
      if (!window.isPositive() || !maxLateness.isPositive() || !hold.isPositive()) {
        throw new IllegalArgumentException("window, max-lateness and hold must be above 0");
      }
    }

    /**
     * The defaults for a config: window 3 × the shortest probe interval, max-lateness 2 × the
     * shortest probe timeout (at least 500 ms), min-backends 5, share 50 %, hold 60 s.
     */
    public static Settings defaults(Duration shortestInterval, Duration shortestTimeout) {
      Duration late = shortestTimeout.multipliedBy(2);
      return new Settings(
          true,
          DEFAULT_MIN_BACKENDS,
          DEFAULT_SHARE,
          shortestInterval.multipliedBy(3),
          late.compareTo(MIN_MAX_LATENESS) < 0 ? MIN_MAX_LATENESS : late,
          DEFAULT_HOLD);
    }
  }

  /**
   * One backend state change the checker saw.
   *
   * @param frontends the frontends the backend serves
   */
  public record Change(
      Instant time,
      String backend,
      BackendState from,
      BackendState to,
      Set<String> frontends,
      InetAddress address) {
    public Change {
      frontends = Set.copyOf(frontends);
    }
  }

  /**
   * What a storm is measured against, now.
   *
   * @param withVerdict backends up or down
   * @param frontends frontends in the config
   * @param ranges address ranges (/24, /64) of the config's backends
   */
  public record Population(int withVerdict, int frontends, int ranges) {}

  /** Why maglevd suspects itself. */
  public enum Cause {
    /** Many backends in several frontends and ranges went down together. */
    STORM,
    /** A probe started far behind its schedule: maglevd itself stalled. */
    STALL,
    /** Backends went down while the canaries failed too. */
    CANARY;

    public String label() {
      return name().toLowerCase(Locale.ROOT);
    }
  }

  /** How the last suspicion ended. */
  public enum Thaw {
    /** Nothing frozen is down any more and no new evidence arrived for a window. */
    AGREED,
    /** Hold passed: the backends still down are believed. */
    HELD,
    /** An operator released it (or the rule was disabled). */
    RELEASED,
    /** The canaries answered after it began: the vantage point works, the failures are real. */
    BELIEVED;

    public String label() {
      return name().toLowerCase(Locale.ROOT);
    }
  }

  /**
   * What the suspicion rests on.
   *
   * @param since when it began
   * @param down backends that went down within the window when it began
   * @param withVerdict backends up or down then
   * @param frontends the frontends of those backends, sorted
   * @param ranges distinct address ranges of those backends
   * @param maxLateness the largest probe lateness seen within the window
   */
  public record Evidence(
      Cause cause,
      Instant since,
      int down,
      int withVerdict,
      List<String> frontends,
      int ranges,
      Duration maxLateness) {
    public Evidence {
      frontends = List.copyOf(frontends);
    }
  }

  /** What a round of canary probes found. */
  public enum CanaryVerdict {
    /** Every canary answered. */
    ANSWERED,
    /** No canary answered. */
    FAILED,
    /** Some did, some did not: no evidence either way. */
    MIXED
  }

  /**
   * One round of probes of every canary.
   *
   * @param started when the round's probes started (a round that started before a failure says
   *     nothing about it)
   */
  public record CanaryRound(Instant started, CanaryVerdict verdict) {
    public CanaryRound {
      Objects.requireNonNull(started, "started");
      Objects.requireNonNull(verdict, "verdict");
    }
  }

  private final Settings settings;
  // backends that went from up to down within the window, by name, in order
  private final Map<String, StormRule.Down> recent;
  private final Set<String> frozen;
  private final @Nullable Evidence evidence;
  private final @Nullable Instant lastEvidence;
  private final Duration maxLate;
  private final @Nullable Instant maxLateAt;
  private final @Nullable Thaw lastThaw;
  private final @Nullable CanaryRound lastRound;

  private SelfSuspicion(
      Settings settings,
      Map<String, StormRule.Down> recent,
      Set<String> frozen,
      @Nullable Evidence evidence,
      @Nullable Instant lastEvidence,
      Duration maxLate,
      @Nullable Instant maxLateAt,
      @Nullable Thaw lastThaw,
      @Nullable CanaryRound lastRound) {
    this.settings = settings;
    this.recent = recent;
    this.frozen = frozen;
    this.evidence = evidence;
    this.lastEvidence = lastEvidence;
    this.maxLate = maxLate;
    this.maxLateAt = maxLateAt;
    this.lastThaw = lastThaw;
    this.lastRound = lastRound;
  }

  /** No suspicion, nothing seen. */
  public static SelfSuspicion of(Settings settings) {
    return new SelfSuspicion(
        Objects.requireNonNull(settings, "settings"),
        Map.of(),
        Set.of(),
        null,
        null,
        Duration.ZERO,
        null,
        null,
        null);
  }

  public Settings settings() {
    return settings;
  }

  public boolean suspected() {
    return evidence != null;
  }

  /** The backends whose weight decrease is frozen (empty unless suspected). */
  public Set<String> frozen() {
    return frozen;
  }

  public Optional<Evidence> evidence() {
    return Optional.ofNullable(evidence);
  }

  /** How the last suspicion ended, if one did. */
  public Optional<Thaw> lastThaw() {
    return Optional.ofNullable(lastThaw);
  }

  /** When {@link #tick} can next change something while suspected, else empty. */
  public Optional<Instant> nextDeadline() {
    if (evidence == null) {
      return Optional.empty();
    }
    Instant held = evidence.since().plus(settings.hold());
    Instant quiet = Objects.requireNonNull(lastEvidence).plus(settings.window());
    return Optional.of(frozen.isEmpty() && quiet.isBefore(held) ? quiet : held);
  }

  /** The same state under new thresholds; disabling releases a suspicion. */
  public SelfSuspicion withSettings(Settings next) {
    SelfSuspicion s =
        new SelfSuspicion(
            Objects.requireNonNull(next, "settings"),
            recent,
            frozen,
            evidence,
            lastEvidence,
            maxLate,
            maxLateAt,
            lastThaw,
            lastRound);
    return next.enabled() ? s : s.thaw(Thaw.RELEASED);
  }

  /** An operator's release: the backends still down are believed. */
  public SelfSuspicion release() {
    return evidence == null ? this : thaw(Thaw.RELEASED);
  }

  /**
   * Whether nothing can come of observing: the rule is off and holds nothing (no suspicion, no
   * recent downs, nothing frozen). Callers skip the bookkeeping then, which would otherwise run for
   * every probe and transition.
   */
  public boolean inert() {
    return !settings.enabled() && evidence == null && recent.isEmpty() && frozen.isEmpty();
  }

  /** Time passed: a suspicion may thaw. */
  public SelfSuspicion tick(Instant now) {
    return thawIfDue(now);
  }

  /** A probe started {@code lateness} behind its schedule. */
  public SelfSuspicion late(Instant now, Duration lateness, Population population) {
    Objects.requireNonNull(lateness, "lateness");
    Duration m = maxLate;
    Instant at = maxLateAt;
    boolean current = at != null && !at.plus(settings.window()).isBefore(now);
    if (!current || lateness.compareTo(m) > 0) {
      m = lateness;
      at = now;
    }
    SelfSuspicion s =
        new SelfSuspicion(
            settings, recent, frozen, evidence, lastEvidence, m, at, lastThaw, lastRound);
    if (!settings.enabled() || lateness.compareTo(settings.maxLateness()) <= 0) {
      return s.thawIfDue(now);
    }
    if (s.evidence != null) {
      return new SelfSuspicion(settings, recent, frozen, evidence, now, m, at, lastThaw, lastRound);
    }
    Map<String, StormRule.Down> r = s.recentAt(now);
    Set<String> fs = new TreeSet<>();
    Set<String> ranges = new HashSet<>();
    StormRule.spread(r.values(), fs, ranges);
    Evidence e =
        new Evidence(
            Cause.STALL,
            now,
            r.size(),
            population.withVerdict(),
            List.copyOf(fs),
            ranges.size(),
            m);
    return new SelfSuspicion(
        settings, r, Set.copyOf(r.keySet()), e, now, m, at, lastThaw, lastRound);
  }

  /** Backends changed state; {@code population} is counted after the changes. */
  public SelfSuspicion observe(Instant now, List<Change> changes, Population population) {
    if (inert()) {
      return this;
    }
    Map<String, StormRule.Down> r = new LinkedHashMap<>(recentAt(now));
    Set<String> f = new HashSet<>(frozen);
    for (Change c : changes) {
      if (c.from() == BackendState.UP && c.to() == BackendState.DOWN) {
        r.remove(c.backend());
        r.put(c.backend(), new StormRule.Down(c.time(), c.frontends(), range(c.address())));
        if (evidence != null) {
          f.add(c.backend());
        }
      } else if (c.to() != BackendState.DOWN) {
        // up again, or the operator took it: not a down, nothing to freeze
        r.remove(c.backend());
        f.remove(c.backend());
      }
    }
    if (evidence != null || !settings.enabled()) {
      return new SelfSuspicion(
              settings,
              Map.copyOf(r),
              Set.copyOf(f),
              evidence,
              lastEvidence,
              maxLate,
              maxLateAt,
              lastThaw,
              lastRound)
          .thawIfDue(now);
    }
    Set<String> fs = new TreeSet<>();
    Set<String> ranges = new HashSet<>();
    StormRule.spread(r.values(), fs, ranges);
    int down = r.size();
    Cause cause =
        StormRule.cause(settings, lastRound, now, r, fs.size(), ranges.size(), population);
    if (cause == null) {
      return new SelfSuspicion(
          settings,
          Map.copyOf(r),
          Set.of(),
          null,
          lastEvidence,
          maxLate,
          maxLateAt,
          lastThaw,
          lastRound);
    }
    Evidence e =
        new Evidence(
            cause,
            now,
            down,
            population.withVerdict(),
            List.copyOf(fs),
            ranges.size(),
            lateAt(now));
    return new SelfSuspicion(
        settings,
        Map.copyOf(r),
        Set.copyOf(r.keySet()),
        e,
        now,
        maxLate,
        maxLateAt,
        lastThaw,
        lastRound);
  }

  /**
   * A round of canary probes ended. Canaries that fail while backends are down within the window
   * make a suspicion of cause {@link Cause#CANARY} at once; canaries that answer in a round started
   * after a storm or canary suspicion began lift it ({@link Thaw#BELIEVED}): the backends still
   * down are believed. A stall's suspicion stays: its timeouts are not evidence either way.
   */
  public SelfSuspicion canaries(Instant now, CanaryRound round, Population population) {
    Objects.requireNonNull(round, "round");
    SelfSuspicion s =
        new SelfSuspicion(
            settings, recent, frozen, evidence, lastEvidence, maxLate, maxLateAt, lastThaw, round);
    if (!settings.enabled()) {
      return s.thawIfDue(now);
    }
    if (evidence != null) {
      if (evidence.cause() != Cause.STALL
          && round.verdict() == CanaryVerdict.ANSWERED
          && !round.started().isBefore(evidence.since())) {
        return s.thaw(Thaw.BELIEVED);
      }
      return s.thawIfDue(now);
    }
    if (round.verdict() == CanaryVerdict.FAILED) {
      return s.observe(now, List.of(), population);
    }
    return s;
  }

  /** The latest canary round, if any. */
  public Optional<CanaryRound> lastCanaryRound() {
    return Optional.ofNullable(lastRound);
  }

  /** The downs still within the window at {@code now}. */
  private Map<String, StormRule.Down> recentAt(Instant now) {
    return StormRule.since(recent, now.minus(settings.window()));
  }

  private Duration lateAt(Instant now) {
    return maxLateAt == null || maxLateAt.plus(settings.window()).isBefore(now)
        ? Duration.ZERO
        : maxLate;
  }

  private SelfSuspicion thawIfDue(Instant now) {
    if (evidence == null) {
      return this;
    }
    if (!settings.enabled()) {
      return thaw(Thaw.RELEASED);
    }
    if (!now.isBefore(evidence.since().plus(settings.hold()))) {
      return thaw(Thaw.HELD);
    }
    if (frozen.isEmpty()
        && !now.isBefore(Objects.requireNonNull(lastEvidence).plus(settings.window()))) {
      return thaw(Thaw.AGREED);
    }
    return this;
  }

  private SelfSuspicion thaw(Thaw how) {
    if (evidence == null) {
      return this;
    }
    // what was seen is spent: the downs it held are believed, not counted again
    return new SelfSuspicion(
        settings, Map.of(), Set.of(), null, null, maxLate, maxLateAt, how, lastRound);
  }

  /** The /24 (IPv4) or /64 (IPv6) an address lies in. */
  public static String range(InetAddress address) {
    return StormRule.range(address);
  }

  /** The number of distinct ranges among addresses. */
  public static int ranges(Iterable<InetAddress> addresses) {
    return StormRule.ranges(addresses);
  }

  @Override
  public String toString() {
    return "SelfSuspicion[suspected=" + suspected() + ", frozen=" + new ArrayList<>(frozen) + "]";
  }
}
