package ch.ipng.maglev.daemon.checker;

import ch.ipng.maglev.config.Backend;
import ch.ipng.maglev.config.Config;
import ch.ipng.maglev.config.HealthCheck;
import ch.ipng.maglev.config.SelfSuspicionSettings;
import ch.ipng.maglev.daemon.health.BackendState;
import ch.ipng.maglev.daemon.health.SelfSuspicion;
import ch.ipng.maglev.daemon.model.LiveModel;
import ch.ipng.maglev.daemon.model.ModelChange;
import ch.ipng.maglev.daemon.probe.Probers;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.function.Consumer;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Owns the checker's self-suspicion: the rule's state and its thresholds from the config, the
 * canary rounds, and the lateness bound and deadline every probe start checks. Called with the
 * checker's lock held, except {@link #maxLatenessNanos} and {@link #deadline}.
 */
final class CheckerSuspicion {
  // the checker's logger: its log lines keep their logger name
  private static final Logger logger = LoggerFactory.getLogger(Checker.class);

  private final Map<String, BackendWorker> workers;
  private final ModelPublisher publisher;
  private final ProbeListener listener;
  private final Consumer<SelfSuspicion.CanaryRound> onRound;

  private @Nullable SelfSuspicion suspicion;
  private int ranges;
  private int frontends;
  // the canary rounds, and what they were started with (restarted only when that changes)
  private @Nullable CanaryLoop canaryLoop;
  private @Nullable List<Object> canaryKey;

  // read by every probe start without the lock: a late start, or a deadline passed, takes it
  private volatile long maxLatenessNanos = Long.MAX_VALUE;
  private volatile @Nullable Instant suspicionDeadline;

  CheckerSuspicion(
      Map<String, BackendWorker> workers,
      ModelPublisher publisher,
      ProbeListener listener,
      Consumer<SelfSuspicion.CanaryRound> onRound) {
    this.workers = workers;
    this.publisher = publisher;
    this.listener = listener;
    this.onRound = onRound;
  }

  /** How late a probe may start before it is evidence; {@code Long.MAX_VALUE} when off. */
  long maxLatenessNanos() {
    return maxLatenessNanos;
  }

  /** When the suspicion must next move on by itself, or null. */
  @Nullable Instant deadline() {
    return suspicionDeadline;
  }

  /** The suspicion now, if a config was applied. */
  Optional<SelfSuspicion> current() {
    return Optional.ofNullable(suspicion);
  }

  /** Whether transitions are evidence for the rule now. */
  boolean observing() {
    SelfSuspicion s = suspicion;
    return s != null && !s.inert();
  }

  /**
   * (Re)starts the canary rounds when the canaries, their interval and timeout (the shortest of the
   * config's checks) or the probers changed. Backends' probes are not touched.
   */
  void canaries(Config next, Probers p) {
    SelfSuspicionSettings k = next.healthchecker().selfSuspicion();
    Duration interval = HealthCheck.DEFAULT_INTERVAL;
    Duration timeout = HealthCheck.DEFAULT_TIMEOUT;
    boolean first = true;
    for (HealthCheck hc : next.healthchecks().values()) {
      interval = first || hc.interval().compareTo(interval) < 0 ? hc.interval() : interval;
      timeout = first || hc.timeout().compareTo(timeout) < 0 ? hc.timeout() : timeout;
      first = false;
    }
    List<Object> key =
        k.enabled() && !k.canaries().isEmpty()
            ? List.of(k.canaries(), interval, timeout, p)
            : List.of();
    if (key.equals(canaryKey)) {
      return;
    }
    if (canaryLoop != null) {
      canaryLoop.close();
      canaryLoop = null;
    }
    canaryKey = key;
    if (!key.isEmpty()) {
      canaryLoop = CanaryLoop.start(k.canaries(), p, interval, timeout, onRound);
    }
  }

  /** Takes a config's thresholds, frontends and ranges; returns the suspect for its model. */
  LiveModel.@Nullable Suspect configure(Config next) {
    SelfSuspicion.Settings settings = settings(next);
    SelfSuspicion before = suspicion;
    SelfSuspicion after =
        before == null ? SelfSuspicion.of(settings) : before.withSettings(settings);
    suspicion = after;
    ranges = SelfSuspicion.ranges(next.backends().values().stream().map(Backend::address).toList());
    frontends = next.frontends().size();
    maxLatenessNanos = settings.enabled() ? settings.maxLateness().toNanos() : Long.MAX_VALUE;
    changed(before, after);
    return suspect(after);
  }

  /**
   * The self-suspicion thresholds of a config: its {@code self-suspicion} keys, with window and
   * max-lateness derived from the shortest interval and timeout when not set.
   */
  static SelfSuspicion.Settings settings(Config c) {
    Duration interval = null;
    Duration timeout = null;
    for (HealthCheck hc : c.healthchecks().values()) {
      interval =
          interval == null || hc.interval().compareTo(interval) < 0 ? hc.interval() : interval;
      timeout = timeout == null || hc.timeout().compareTo(timeout) < 0 ? hc.timeout() : timeout;
    }
    SelfSuspicion.Settings d =
        SelfSuspicion.Settings.defaults(
            interval == null ? HealthCheck.DEFAULT_INTERVAL : interval,
            timeout == null ? HealthCheck.DEFAULT_TIMEOUT : timeout);
    SelfSuspicionSettings k = c.healthchecker().selfSuspicion();
    Duration window = k.window();
    Duration late = k.maxLateness();
    return new SelfSuspicion.Settings(
        k.enabled(),
        k.minBackends(),
        k.share(),
        window == null ? d.window() : window,
        late == null ? d.maxLateness() : late,
        k.hold());
  }

  /** A round of canary probes ended: the rule hears it (unless the rounds were stopped). */
  void canaryRound(SelfSuspicion.CanaryRound round) {
    SelfSuspicion s = suspicion;
    if (s == null || canaryLoop == null) {
      return;
    }
    advance(s.canaries(Instant.now(), round, population()), Map.of(), Map.of());
  }

  /** Backend transitions, published with the suspicion they move ({@link #observing} is true). */
  void observe(
      List<SelfSuspicion.Change> changes,
      Map<String, BackendState> states,
      Map<String, Instant> batch) {
    SelfSuspicion s = Objects.requireNonNull(suspicion);
    advance(s.observe(Instant.now(), changes, population()), states, batch);
  }

  /**
   * The first failed probe of an up backend (to = down), or its first success after it (to = up),
   * before any transition: with fall above 1, a storm is recognised from these before any weight
   * drops. A suspicion that begins here freezes the backends before they go down.
   */
  void firstFailure(String backend, BackendState to, @Nullable Config c) {
    SelfSuspicion s = suspicion;
    Backend b = c == null ? null : c.backends().get(backend);
    LiveModel now = publisher.current();
    if (s == null || s.inert() || b == null || now == null) {
      return;
    }
    if (to == BackendState.UP && now.state(backend) != BackendState.UP) {
      return; // went down meanwhile: its transitions decide
    }
    Set<String> fs = new HashSet<>();
    now.index().frontendsOf(backend).forEach(f -> fs.add(f.name()));
    Instant t = Instant.now();
    SelfSuspicion next =
        s.observe(
            t,
            List.of(new SelfSuspicion.Change(t, backend, BackendState.UP, to, fs, b.address())),
            population());
    advance(next, Map.of(), Map.of());
  }

  /** A probe started late, or a suspicion's deadline passed: moves the suspicion on. */
  void lateOrDue(long latenessNanos) {
    SelfSuspicion s = suspicion;
    if (s == null || s.inert()) {
      return;
    }
    Instant now = Instant.now();
    SelfSuspicion next =
        latenessNanos > maxLatenessNanos
            ? s.late(now, Duration.ofNanos(latenessNanos), population())
            : s.tick(now);
    if (next != s) {
      advance(next, Map.of(), Map.of());
    }
  }

  /**
   * Releases the suspicion: the backends it froze that are still down are believed (and drained).
   * Returns the evidence released, or empty when there was none.
   */
  Optional<SelfSuspicion.Evidence> release() {
    SelfSuspicion s = suspicion;
    if (s == null || !s.suspected()) {
      return Optional.empty();
    }
    Optional<SelfSuspicion.Evidence> released = s.evidence();
    logger.atInfo().setMessage("checker-suspect-release").log();
    advance(s.release(), Map.of(), Map.of());
    return released;
  }

  /** Stops the canary rounds. */
  void close() {
    if (canaryLoop != null) {
      canaryLoop.close();
      canaryLoop = null;
    }
  }

  /**
   * Adds to a batch's changes a backend whose last reported change is not down but that is down now
   * (it flapped, and its down transition is still to come or was taken by another batch): it is
   * down for the rule.
   */
  static void addFlapped(
      List<SelfSuspicion.Change> changes,
      Map<String, BackendState> states,
      @Nullable Config config,
      @Nullable LiveModel now) {
    Map<String, BackendState> last = new HashMap<>();
    for (SelfSuspicion.Change c : changes) {
      last.put(c.backend(), c.to());
    }
    for (Map.Entry<String, BackendState> e : last.entrySet()) {
      if (e.getValue() != BackendState.DOWN && states.get(e.getKey()) == BackendState.DOWN) {
        Backend b = Objects.requireNonNull(config).backends().get(e.getKey());
        changes.add(
            new SelfSuspicion.Change(
                Instant.now(),
                e.getKey(),
                BackendState.UP,
                BackendState.DOWN,
                frontendsOf(now, e.getKey()),
                Objects.requireNonNull(b).address()));
      }
    }
  }

  /** The names of the frontends a backend serves in the model (none without a model). */
  static Set<String> frontendsOf(@Nullable LiveModel now, String backend) {
    Set<String> fs = new HashSet<>();
    if (now != null) {
      now.index().frontendsOf(backend).forEach(f -> fs.add(f.name()));
    }
    return fs;
  }

  private static LiveModel.@Nullable Suspect suspect(SelfSuspicion s) {
    return s.evidence().map(e -> new LiveModel.Suspect(s.frozen(), e)).orElse(null);
  }

  /** What is measured against: backends with a verdict now, frontends and ranges. */
  private SelfSuspicion.Population population() {
    int withVerdict = 0;
    for (BackendWorker w : workers.values()) {
      BackendState st = w.state();
      if (st == BackendState.UP || st == BackendState.DOWN) {
        withVerdict++;
      }
    }
    return new SelfSuspicion.Population(withVerdict, frontends, ranges);
  }

  /** Logs a suspicion that begins or ends, and tells the listener. */
  private void changed(@Nullable SelfSuspicion before, SelfSuspicion after) {
    suspicionDeadline = after.nextDeadline().orElse(null);
    boolean was = before != null && before.suspected();
    if (!was && after.suspected()) {
      SelfSuspicion.Evidence e = after.evidence().orElseThrow();
      logger
          .atWarn()
          .setMessage("checker-suspect")
          .addKeyValue("cause", e.cause().label())
          .addKeyValue("down", e.down())
          .addKeyValue("with_verdict", e.withVerdict())
          .addKeyValue("frontends", String.join(",", e.frontends()))
          .addKeyValue("ranges", e.ranges())
          .addKeyValue("max_lateness", e.maxLateness().toMillis() + "ms")
          .addKeyValue("frozen", after.frozen().size())
          .log();
      try {
        listener.suspected(e);
      } catch (RuntimeException ex) {
        logger.warn("probe listener failed", ex);
      }
    } else if (was && !after.suspected()) {
      logger
          .atInfo()
          .setMessage("checker-suspect-lifted")
          .addKeyValue("how", after.lastThaw().map(SelfSuspicion.Thaw::label).orElse("released"))
          .addKeyValue("believed", before.frozen().size())
          .log();
    }
  }

  /**
   * Moves the suspicion on and publishes a model when the frozen set or the suspicion changed;
   * {@code states} and {@code batch} are the backend changes to publish with it.
   */
  private void advance(
      SelfSuspicion next, Map<String, BackendState> states, Map<String, Instant> batch) {
    SelfSuspicion before = Objects.requireNonNull(suspicion);
    suspicion = next;
    if (before != next) {
      changed(before, next);
    }
    Set<String> moved = new HashSet<>(before.frozen());
    moved.addAll(next.frozen());
    Set<String> both = new HashSet<>(before.frozen());
    both.retainAll(next.frozen());
    moved.removeAll(both);
    Instant now = Instant.now();
    Map<String, Instant> all = new LinkedHashMap<>(batch);
    for (String b : moved) {
      all.putIfAbsent(b, now);
    }
    LiveModel.Suspect suspect = suspect(next);
    if (!all.isEmpty() || before.suspected() != next.suspected()) {
      publisher.publish(
          m -> m == null ? null : m.withStates(states).withSuspect(suspect),
          new ModelChange.BackendsChanged(all));
    }
  }
}
