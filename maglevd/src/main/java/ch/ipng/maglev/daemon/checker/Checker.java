package ch.ipng.maglev.daemon.checker;

import ch.ipng.maglev.config.Backend;
import ch.ipng.maglev.config.Config;
import ch.ipng.maglev.config.HealthCheck;
import ch.ipng.maglev.config.SelfSuspicionSettings;
import ch.ipng.maglev.daemon.checker.BackendWorker.Action;
import ch.ipng.maglev.daemon.checker.CheckerException.Reason;
import ch.ipng.maglev.daemon.events.EventBus;
import ch.ipng.maglev.daemon.events.MaglevEvent;
import ch.ipng.maglev.daemon.health.BackendState;
import ch.ipng.maglev.daemon.health.EffectiveWeights;
import ch.ipng.maglev.daemon.health.FrontendState;
import ch.ipng.maglev.daemon.health.Jitter;
import ch.ipng.maglev.daemon.health.RemovalBudget;
import ch.ipng.maglev.daemon.health.SelfSuspicion;
import ch.ipng.maglev.daemon.model.FrontendStatus;
import ch.ipng.maglev.daemon.model.LiveModel;
import ch.ipng.maglev.daemon.model.ModelChange;
import ch.ipng.maglev.daemon.model.ModelException;
import ch.ipng.maglev.daemon.model.ModelHub;
import ch.ipng.maglev.daemon.model.RemovalBudgets;
import ch.ipng.maglev.daemon.model.WeightKey;
import ch.ipng.maglev.daemon.probe.ProbeNamespace;
import ch.ipng.maglev.daemon.probe.ProbeResult;
import ch.ipng.maglev.daemon.probe.Probers;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Queue;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Function;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.event.Level;

/**
 * Runs one probe loop per backend of the current config, applies reloads by diffing (unchanged
 * backends keep probing undisturbed) and carries out operator actions. What it learns it writes
 * into the live model ({@link ModelHub}): readers (dataplane, gRPC, metrics) read that, never the
 * checker. Backend transitions also go out on the {@link EventBus}.
 */
public final class Checker implements AutoCloseable {
  private static final Logger logger = LoggerFactory.getLogger(Checker.class);

  private final EventBus bus;
  private final Jitter jitter;
  private final ProbeListener listener;
  private final Function<ProbeNamespace, Probers> probersFactory;
  private final ModelHub models;

  private final Map<String, BackendWorker> workers = new ConcurrentHashMap<>();
  private final Queue<Pending> pendingTransitions = new ConcurrentLinkedQueue<>();
  // Models whose frontend transitions are still to be worked out and told, in model order; one
  // thread at a time tells them, after the model lock is left.
  private final Queue<Published> toAnnounce = new ConcurrentLinkedQueue<>();
  private final ReentrantLock announcing = new ReentrantLock();

  // written under this object's lock
  private @Nullable Config config;
  private @Nullable Probers probers;
  private @Nullable String netns;
  private @Nullable SelfSuspicion suspicion;
  private int ranges;
  private RemovalBudgets budgets = RemovalBudgets.none();
  private @Nullable Config budgetsConfig;
  private boolean budgetsOn;
  // the canary rounds, and what they were started with (restarted only when that changes)
  private @Nullable CanaryLoop canaryLoop;
  private @Nullable List<Object> canaryKey;

  // read by every probe start without the lock: a late start, or a deadline passed, takes it
  private volatile long maxLatenessNanos = Long.MAX_VALUE;
  private volatile @Nullable Instant suspicionDeadline;
  // when a removal budget's window may let a held backend go (read by every probe start)
  private volatile @Nullable Instant budgetDeadline;
  // up backends whose last probe failed: the first failure of each is early evidence for the rule
  private final Set<String> failing = ConcurrentHashMap.newKeySet();

  private Checker(
      EventBus bus,
      Jitter jitter,
      ProbeListener listener,
      Function<ProbeNamespace, Probers> probersFactory,
      ModelHub models) {
    this.bus = bus;
    this.jitter = jitter;
    this.listener = new Listening(listener);
    this.probersFactory = probersFactory;
    this.models = models;
  }

  /**
   * A checker with nothing to probe until {@link #apply} gives it a config.
   *
   * @param probersFactory makes the probers for a network namespace; probe loops run on their event
   *     loops
   * @param models where the checker publishes the live model
   */
  public static Checker of(
      EventBus bus,
      Jitter jitter,
      ProbeListener listener,
      Function<ProbeNamespace, Probers> probersFactory,
      ModelHub models) {
    return new Checker(
        Objects.requireNonNull(bus, "bus"),
        Objects.requireNonNull(jitter, "jitter"),
        Objects.requireNonNull(listener, "listener"),
        Objects.requireNonNull(probersFactory, "probersFactory"),
        Objects.requireNonNull(models, "models"));
  }

  /**
   * Applies a validated config: the first one starts everything; later ones add, restart and remove
   * only what changed. Publishes the new model once the workers follow the config.
   */
  public synchronized void apply(Config next) {
    Config prev = config;
    String nextNetns = next.healthchecker().netns();
    boolean newNamespace = probers == null || !Objects.equals(netns, nextNetns);
    Probers oldProbers = null;
    if (newNamespace) {
      oldProbers = probers;
      netns = nextNetns;
      probers =
          probersFactory.apply(
              nextNetns == null ? ProbeNamespace.host() : ProbeNamespace.named(nextNetns));
    }
    Probers p = Objects.requireNonNull(probers);
    int history = next.healthchecker().transitionHistory();
    config = next;

    for (Backend b : next.backends().values()) {
      HealthCheck hc = next.healthchecks().get(b.healthcheck());
      BackendWorker w = workers.get(b.name());
      if (w == null) {
        w = new BackendWorker(b, hc, p.forCheck(hc), history, jitter, listener, this::transitioned);
        workers.put(b.name(), w);
        w.start(firstDelay(hc));
        continue;
      }
      BackendStatus s = w.status();
      boolean sameDefinition = s.backend().address().equals(b.address()) && s.check().sameProbe(hc);
      if (newNamespace || !sameDefinition) {
        w.restart(b, hc, p.forCheck(hc), history);
      } else {
        w.update(b, hc, history);
      }
      // Only a change of the config's enabled flag acts; runtime enable/disable otherwise stays.
      Backend before = prev == null ? null : prev.backends().get(b.name());
      if (before != null && before.enabled() != b.enabled()) {
        try {
          w.act(b.enabled() ? Action.ENABLE : Action.DISABLE, Duration.ZERO);
        } catch (IllegalStateException e) {
          logger.warn("backend {}: {}", b.name(), e.getMessage());
        }
      }
    }
    for (String name : List.copyOf(workers.keySet())) {
      if (!next.backends().containsKey(name)) {
        BackendWorker w = workers.remove(name);
        if (w != null) {
          w.remove();
        }
      }
    }
    canaries(next, p);
    if (oldProbers != null) {
      oldProbers.close();
    }
    Map<String, BackendState> states = new HashMap<>();
    workers.forEach((name, w) -> states.put(name, w.state()));
    SelfSuspicion.Settings settings = suspicionSettings(next);
    SelfSuspicion before = suspicion;
    suspicion = before == null ? SelfSuspicion.of(settings) : before.withSettings(settings);
    ranges = SelfSuspicion.ranges(next.backends().values().stream().map(Backend::address).toList());
    maxLatenessNanos = settings.enabled() ? settings.maxLateness().toNanos() : Long.MAX_VALUE;
    suspicionChanged(before, suspicion);
    LiveModel.Suspect suspect = suspect(suspicion);
    publish(
        m ->
            (m == null ? LiveModel.of(next, states) : m.withConfig(next, states))
                .withSuspect(suspect),
        new ModelChange.ConfigApplied(prev == null));
    announceAndWait();
  }

  /**
   * (Re)starts the canary rounds when the canaries, their interval and timeout (the shortest of the
   * config's checks) or the probers changed; with the lock held. Backends' probes are not touched.
   */
  private void canaries(Config next, Probers p) {
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
      canaryLoop = CanaryLoop.start(k.canaries(), p, interval, timeout, this::canaryRound);
    }
  }

  /** A round of canary probes ended: the rule hears it. */
  private void canaryRound(SelfSuspicion.CanaryRound round) {
    synchronized (this) {
      SelfSuspicion s = suspicion;
      if (s == null || canaryLoop == null) {
        return;
      }
      advance(s.canaries(Instant.now(), round, population()), Map.of(), Map.of());
    }
    announce();
  }

  private Duration firstDelay(HealthCheck hc) {
    long bound = Math.min(hc.fastInterval().toNanos(), Duration.ofSeconds(1).toNanos());
    return Duration.ofNanos(ThreadLocalRandom.current().nextLong(Math.max(1, bound)));
  }

  /**
   * The self-suspicion thresholds of a config: its {@code self-suspicion} keys, with window and
   * max-lateness derived from the shortest interval and timeout when not set.
   */
  static SelfSuspicion.Settings suspicionSettings(Config c) {
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

  private static LiveModel.@Nullable Suspect suspect(SelfSuspicion s) {
    return s.evidence().map(e -> new LiveModel.Suspect(s.frozen(), e)).orElse(null);
  }

  /** What is measured against: backends with a verdict now, frontends and ranges. Locked. */
  private SelfSuspicion.Population population() {
    int withVerdict = 0;
    for (BackendWorker w : workers.values()) {
      BackendState st = w.state();
      if (st == BackendState.UP || st == BackendState.DOWN) {
        withVerdict++;
      }
    }
    Config c = config;
    return new SelfSuspicion.Population(withVerdict, c == null ? 0 : c.frontends().size(), ranges);
  }

  /** Logs a suspicion that begins or ends, and tells the listener. With the lock held. */
  private void suspicionChanged(@Nullable SelfSuspicion before, SelfSuspicion after) {
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
   * Moves the suspicion on (with the lock held) and publishes a model when the frozen set or the
   * suspicion changed; {@code states} and {@code batch} are the backend changes to publish with it.
   */
  private void advance(
      SelfSuspicion next, Map<String, BackendState> states, Map<String, Instant> batch) {
    SelfSuspicion before = Objects.requireNonNull(suspicion);
    suspicion = next;
    if (before != next) {
      suspicionChanged(before, next);
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
      publish(
          m -> m == null ? null : m.withStates(states).withSuspect(suspect),
          new ModelChange.BackendsChanged(all));
    }
  }

  /**
   * The first failed probe of an up backend (to = down), or its first success after it (to = up),
   * before any transition: with fall above 1, a storm is recognised from these before any weight
   * drops. A suspicion that begins here freezes the backends before they go down.
   */
  private void firstFailure(String backend, BackendState to) {
    synchronized (this) {
      SelfSuspicion s = suspicion;
      Config c = config;
      Backend b = c == null ? null : c.backends().get(backend);
      LiveModel now = models.currentOrNull();
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
    announce();
  }

  /** A probe started late, or a suspicion's deadline passed: moves the suspicion on. */
  private void lateOrDue(long latenessNanos) {
    synchronized (this) {
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
    announce();
  }

  /**
   * Releases the checker's suspicion of its own probes: the backends it froze that are still down
   * are believed (and drained). Returns the evidence released, or empty when there was none.
   */
  public Optional<SelfSuspicion.Evidence> releaseSuspicion() {
    Optional<SelfSuspicion.Evidence> released;
    synchronized (this) {
      SelfSuspicion s = suspicion;
      if (s == null || !s.suspected()) {
        return Optional.empty();
      }
      released = s.evidence();
      logger.atInfo().setMessage("checker-suspect-release").log();
      advance(s.release(), Map.of(), Map.of());
    }
    announceAndWait();
    return released;
  }

  /** The checker's suspicion now (as the model shows it). */
  public synchronized Optional<SelfSuspicion> suspicion() {
    return Optional.ofNullable(suspicion);
  }

  /** The listener the workers are given: the caller's, plus late starts and deadlines. */
  private final class Listening implements ProbeListener {
    private final ProbeListener outer;

    Listening(ProbeListener outer) {
      this.outer = outer;
    }

    @Override
    public void probed(String backend, HealthCheck check, ProbeResult result) {
      outer.probed(backend, check, result);
      if (maxLatenessNanos == Long.MAX_VALUE) {
        return; // self-suspicion is off
      }
      if (!result.ok()) {
        if (!failing.contains(backend)) {
          BackendWorker w = workers.get(backend);
          if (w != null && w.state() == BackendState.UP && failing.add(backend)) {
            firstFailure(backend, BackendState.DOWN);
          }
        }
      } else if (failing.remove(backend)) {
        // answered again before going down: the model's state, not the worker's, which may be
        // up already with its transition not yet in the model (unfreezing it then would drain it)
        LiveModel m = models.currentOrNull();
        if (m != null && m.state(backend) == BackendState.UP) {
          firstFailure(backend, BackendState.UP);
        }
      }
    }

    @Override
    public void counted(String backend, int counter) {
      outer.counted(backend, counter);
    }

    @Override
    public void started(long latenessNanos) {
      outer.started(latenessNanos);
      Instant due = suspicionDeadline;
      if (latenessNanos > maxLatenessNanos || (due != null && !Instant.now().isBefore(due))) {
        lateOrDue(latenessNanos);
      }
      Instant budgetDue = budgetDeadline;
      if (budgetDue != null && !Instant.now().isBefore(budgetDue)) {
        budgetDue();
      }
    }

    @Override
    public void suspected(SelfSuspicion.Evidence evidence) {
      outer.suspected(evidence);
    }

    @Override
    public void drainHeld(String frontend, String backend) {
      outer.drainHeld(frontend, backend);
    }
  }

  private void transitioned(String backend, Transition t) {
    // queued first: whatever a bus listener does, the state reaches the model
    pendingTransitions.add(new Pending(backend, t));
    bus.publish(
        new MaglevEvent.BackendTransition(
            t.time(), backend, t.from(), t.to(), t.code(), t.detail()));
    synchronized (this) {
      // Whoever holds the lock applies every transition queued meanwhile as one model: a burst
      // of 1,000 transitions from the probe loops costs a few models, not 1,000.
      Map<String, Instant> batch = new LinkedHashMap<>();
      Map<String, BackendState> states = new HashMap<>();
      List<SelfSuspicion.Change> changes = new ArrayList<>();
      LiveModel now = models.currentOrNull();
      for (Pending p = pendingTransitions.poll(); p != null; p = pendingTransitions.poll()) {
        BackendWorker w = workers.get(p.backend());
        Backend b = config == null ? null : config.backends().get(p.backend());
        if (w == null || b == null) {
          continue; // removed: the reload's model has it gone already
        }
        batch.putIfAbsent(p.backend(), p.t().time());
        Set<String> fs = new HashSet<>();
        if (now != null) {
          now.index().frontendsOf(p.backend()).forEach(f -> fs.add(f.name()));
        }
        changes.add(
            new SelfSuspicion.Change(
                p.t().time(), p.backend(), p.t().from(), p.t().to(), fs, b.address()));
        // The worker's state now, not the transition's: two transitions reported from two
        // threads may arrive out of order, and the model must end at the last one.
        states.put(p.backend(), w.state());
      }
      // A backend whose last reported change is not down but that is down now (it flapped, and
      // its down transition is still to come or was taken by another batch) is down for the rule.
      Map<String, BackendState> last = new HashMap<>();
      for (SelfSuspicion.Change c : changes) {
        last.put(c.backend(), c.to());
      }
      for (Map.Entry<String, BackendState> e : last.entrySet()) {
        if (e.getValue() != BackendState.DOWN && states.get(e.getKey()) == BackendState.DOWN) {
          Backend b = Objects.requireNonNull(config).backends().get(e.getKey());
          Set<String> fs = new HashSet<>();
          if (now != null) {
            now.index().frontendsOf(e.getKey()).forEach(f -> fs.add(f.name()));
          }
          changes.add(
              new SelfSuspicion.Change(
                  Instant.now(),
                  e.getKey(),
                  BackendState.UP,
                  BackendState.DOWN,
                  fs,
                  Objects.requireNonNull(b).address()));
        }
      }
      SelfSuspicion s = suspicion;
      if (s != null && !s.inert() && !changes.isEmpty()) {
        advance(s.observe(Instant.now(), changes, population()), states, batch);
      } else if (!batch.isEmpty()) {
        publish(
            m -> m == null ? null : m.withStates(states), new ModelChange.BackendsChanged(batch));
      }
    }
    announce();
  }

  /** A transition reported, not yet in the model. */
  private record Pending(String backend, Transition t) {}

  /** A new model, the one before it and what changed, still to be announced. */
  private record Published(@Nullable LiveModel before, LiveModel model, ModelChange change) {}

  /**
   * Publishes the next model (with this object's lock held) and queues its announcement; returns
   * the model now current. The frontend transitions are worked out and told later, outside the lock
   * ({@link #announce}), so a burst of transitions reaches the dataplane without waiting for them.
   */
  private @Nullable LiveModel publish(
      java.util.function.UnaryOperator<@Nullable LiveModel> update, ModelChange change) {
    LiveModel before = models.currentOrNull();
    LiveModel after;
    if (!budgeted(before)) {
      after = models.update(update, change);
    } else {
      // The checker is the model's only writer and publishes with its lock held, so the budgets
      // step from the model current now to the next one, which is published with their holds
      // (never a model without them: the dataplane would drain a held backend for a moment).
      LiveModel next = update.apply(before);
      if (next == null || !budgeted(next)) {
        after = models.update(m -> next, change);
      } else {
        Instant now = Instant.now();
        RemovalBudgets.Result r =
            budgets.apply(
                now,
                before,
                next,
                change instanceof ModelChange.WeightSet w ? w.key().frontend() : null);
        ModelChange c = widened(change, r.events(), now);
        after = models.update(m -> r.model(), c);
        budgetsStepped(r);
        change = c;
      }
    }
    if (after != null && after != before) {
      toAnnounce.add(new Published(before, after, change));
    }
    return after;
  }

  /** Whether any frontend of the model has a removal budget, or a budget remembers anything. */
  private boolean budgeted(@Nullable LiveModel m) {
    if (m == null) {
      return false;
    }
    if (m.config() != budgetsConfig) {
      budgetsConfig = m.config();
      budgetsOn = m.config().frontends().values().stream().anyMatch(f -> f.maxDrain() > 0);
    }
    return budgetsOn || budgets != RemovalBudgets.none();
  }

  /**
   * The change, with the backends a budget held or released added when it names backends (the
   * dataplane syncs their frontends); a config change syncs everything, an operator weight its
   * frontend, which is the only one a weight change steps.
   */
  private static ModelChange widened(
      ModelChange change, List<RemovalBudgets.Event> events, Instant now) {
    if (events.isEmpty() || !(change instanceof ModelChange.BackendsChanged b)) {
      return change;
    }
    Map<String, Instant> all = new LinkedHashMap<>(b.backends());
    for (RemovalBudgets.Event e : events) {
      all.putIfAbsent(e.event().backend(), now);
    }
    return new ModelChange.BackendsChanged(all);
  }

  /** Keeps the budgets a publish stepped to, and logs and tells what they did. Locked. */
  private void budgetsStepped(RemovalBudgets.Result r) {
    budgets = r.budgets();
    budgetDeadline = budgets.nextDeadline().orElse(null);
    for (RemovalBudgets.Event e : r.events()) {
      RemovalBudget.Event ev = e.event();
      RemovalBudget.Settings s =
          budgets.of(e.frontend()).map(RemovalBudget::settings).orElse(RemovalBudget.Settings.OFF);
      if (ev.held()) {
        logger
            .atWarn()
            .setMessage("drain-held")
            .addKeyValue("frontend", e.frontend())
            .addKeyValue("backend", ev.backend())
            .addKeyValue("weight", ev.weight())
            .addKeyValue("drained", ev.drained())
            .addKeyValue("capacity", ev.capacity())
            .addKeyValue("max_drain", s.maxDrain() + "%")
            .addKeyValue("window", s.window().toMillis() + "ms")
            .log();
        try {
          listener.drainHeld(e.frontend(), ev.backend());
        } catch (RuntimeException ex) {
          logger.warn("probe listener failed", ex);
        }
      } else {
        logger
            .atInfo()
            .setMessage("drain-released")
            .addKeyValue("frontend", e.frontend())
            .addKeyValue("backend", ev.backend())
            .addKeyValue(
                "how",
                ev.release() == null ? "cleared" : Objects.requireNonNull(ev.release()).label())
            .log();
      }
    }
  }

  /** A budget's window may let a held backend go: steps the budgets with nothing else changed. */
  private void budgetDue() {
    synchronized (this) {
      Instant due = budgetDeadline;
      if (due == null || Instant.now().isBefore(due)) {
        return; // another probe start took it
      }
      budgetDeadline = null;
      publish(m -> m, new ModelChange.BackendsChanged(Map.of()));
    }
    announce();
  }

  /**
   * Releases what the removal budget of one frontend holds (or of every frontend: {@code frontend}
   * null): the held backends drain at once, are not counted, and are not held again while they stay
   * down. Returns the released backends by frontend.
   *
   * @throws CheckerException NOT_FOUND for a frontend not in the config
   */
  public Map<String, List<String>> releaseHolds(@Nullable String frontend) throws CheckerException {
    Map<String, List<String>> released = new java.util.TreeMap<>();
    synchronized (this) {
      LiveModel now = models.currentOrNull();
      if (frontend != null && (now == null || !now.config().frontends().containsKey(frontend))) {
        throw new CheckerException(Reason.NOT_FOUND, "frontend \"" + frontend + "\" not found");
      }
      if (now == null) {
        return released;
      }
      Instant t = Instant.now();
      RemovalBudgets.Result r = budgets.release(t, frontend, now);
      for (RemovalBudgets.Event e : r.events()) {
        if (e.event().release() == RemovalBudget.Release.OPERATOR) {
          released.computeIfAbsent(e.frontend(), k -> new ArrayList<>()).add(e.event().backend());
        }
      }
      logger
          .atInfo()
          .setMessage("drain-release")
          .addKeyValue("frontend", frontend == null ? "all" : frontend)
          .addKeyValue("released", released.values().stream().mapToInt(List::size).sum())
          .log();
      ModelChange c = widened(new ModelChange.BackendsChanged(Map.of()), r.events(), t);
      LiveModel after = models.update(m -> r.model(), c);
      budgetsStepped(r);
      if (after != null && after != now) {
        toAnnounce.add(new Published(now, after, c));
      }
    }
    announceAndWait();
    return released;
  }

  /** The removal budget of a frontend, when it holds or remembers anything. */
  public synchronized Optional<RemovalBudget> removalBudget(String frontend) {
    return budgets.of(frontend);
  }

  /**
   * Tells what is queued, unless another thread is telling it already (it will tell ours too): a
   * probe loop never waits here.
   */
  private void announce() {
    while (!toAnnounce.isEmpty() && announcing.tryLock()) {
      announceQueuedAndUnlock();
    }
  }

  /** Tells what is queued and waits until it is told: an operator's call returns after it. */
  private void announceAndWait() {
    announcing.lock();
    announceQueuedAndUnlock();
    announce(); // what another thread queued meanwhile
  }

  /** With {@link #announcing} held: tells everything queued, then lets the next teller go. */
  private void announceQueuedAndUnlock() {
    try {
      for (Published p = toAnnounce.poll(); p != null; p = toAnnounce.poll()) {
        announce(p);
      }
    } finally {
      announcing.unlock();
    }
  }

  /** Works out, logs and publishes the frontend transitions one model brings. */
  private void announce(Published p) {
    Instant time = Instant.now();
    for (String name : changedFrontends(p.change(), p.model())) {
      FrontendState from =
          p.before() == null ? FrontendState.UNKNOWN : p.before().frontendState(name);
      FrontendState to = p.model().frontendState(name);
      announceMode(name, p);
      if (from == to) {
        continue;
      }
      logger
          .atInfo()
          .setMessage("frontend-transition")
          .addKeyValue("frontend", name)
          .addKeyValue("from", from.label())
          .addKeyValue("to", to.label())
          .log();
      bus.publish(new MaglevEvent.FrontendTransition(time, name, from, to));
    }
  }

  /**
   * Logs a frontend entering or leaving panic or kept-last (WARN in, INFO out): the guards that
   * keep a VIP serving when too few backends are up say so when they act.
   */
  private static void announceMode(String name, Published p) {
    EffectiveWeights.Mode from =
        p.before() == null ? EffectiveWeights.Mode.NORMAL : p.before().frontendMode(name);
    EffectiveWeights.Mode to = p.model().frontendMode(name);
    if (from == to) {
      return;
    }
    logger
        .atLevel(to == EffectiveWeights.Mode.NORMAL ? Level.INFO : Level.WARN)
        .setMessage("frontend-mode")
        .addKeyValue("frontend", name)
        .addKeyValue("from", from.label())
        .addKeyValue("to", to.label())
        .log();
  }

  /** The frontends a change can move: those of the backend, the one weighted, or all. */
  private static List<String> changedFrontends(ModelChange change, LiveModel model) {
    return switch (change) {
      case ModelChange.BackendsChanged b -> {
        Set<String> names = new LinkedHashSet<>();
        for (String backend : b.backends().keySet()) {
          model.index().frontendsOf(backend).forEach(f -> names.add(f.name()));
        }
        yield List.copyOf(names);
      }
      case ModelChange.WeightSet w -> List.of(w.key().frontend());
      case ModelChange.ConfigApplied c -> List.copyOf(model.config().frontends().keySet());
    };
  }

  /** Every backend with its probe and transition history, in name order. */
  public List<BackendStatus> backends() {
    return new TreeMap<>(workers).values().stream().map(BackendWorker::status).toList();
  }

  /** One backend with its probe and transition history. */
  public Optional<BackendStatus> backend(String name) {
    BackendWorker w = workers.get(name);
    return w == null ? Optional.empty() : Optional.of(w.status());
  }

  public BackendStatus pause(String name) throws CheckerException {
    return act(name, Action.PAUSE);
  }

  public BackendStatus resume(String name) throws CheckerException {
    return act(name, Action.RESUME);
  }

  public BackendStatus disable(String name) throws CheckerException {
    return act(name, Action.DISABLE);
  }

  public BackendStatus enable(String name) throws CheckerException {
    return act(name, Action.ENABLE);
  }

  /** Pauses with {@code detail} in the transition (who paused it and why). */
  public BackendStatus pause(String name, String detail) throws CheckerException {
    return act(name, Action.PAUSE, detail);
  }

  /** Resumes with {@code detail} in the transition. */
  public BackendStatus resume(String name, String detail) throws CheckerException {
    return act(name, Action.RESUME, detail);
  }

  /** Disables with {@code detail} in the transition. */
  public BackendStatus disable(String name, String detail) throws CheckerException {
    return act(name, Action.DISABLE, detail);
  }

  /** Enables with {@code detail} in the transition. */
  public BackendStatus enable(String name, String detail) throws CheckerException {
    return act(name, Action.ENABLE, detail);
  }

  private BackendStatus act(String name, Action action) throws CheckerException {
    return act(name, action, "operator " + action.verb());
  }

  private BackendStatus act(String name, Action action, String detail) throws CheckerException {
    BackendWorker w = worker(name);
    try {
      BackendStatus s = w.act(action, Duration.ZERO, detail);
      announceAndWait(); // the frontend transitions it caused are told before the call returns
      return s;
    } catch (IllegalStateException e) {
      throw new CheckerException(
          Reason.FAILED_PRECONDITION, "backend \"" + name + "\": " + e.getMessage());
    }
  }

  /**
   * Sets the operator weight of one backend in one pool of one frontend.
   *
   * @throws CheckerException NOT_FOUND for unknown names, INVALID_ARGUMENT for a weight outside
   *     0–100
   */
  public FrontendStatus setWeight(String frontend, String pool, String backend, int weight)
      throws CheckerException {
    WeightKey key = new WeightKey(frontend, pool, backend);
    LiveModel after;
    synchronized (this) {
      try {
        after =
            publish(
                m -> Objects.requireNonNull(m, "no config applied yet").withWeight(key, weight),
                new ModelChange.WeightSet(key, weight));
      } catch (ModelException e) {
        throw new CheckerException(
            e.reason() == ModelException.Reason.NOT_FOUND
                ? Reason.NOT_FOUND
                : Reason.INVALID_ARGUMENT,
            e.getMessage());
      }
    }
    announceAndWait();
    logger
        .atInfo()
        .setMessage("frontend-weight")
        .addKeyValue("frontend", frontend)
        .addKeyValue("pool", pool)
        .addKeyValue("backend", backend)
        .addKeyValue("weight", weight)
        .log();
    return Objects.requireNonNull(after).frontend(frontend).orElseThrow();
  }

  /**
   * Drops the operator weight of one pool entry: the config's weight applies again. Nothing changes
   * when the entry has no operator weight.
   *
   * @throws CheckerException NOT_FOUND for unknown names
   */
  public FrontendStatus clearWeight(String frontend, String pool, String backend)
      throws CheckerException {
    WeightKey key = new WeightKey(frontend, pool, backend);
    LiveModel after;
    synchronized (this) {
      try {
        LiveModel now = Objects.requireNonNull(models.currentOrNull(), "no config applied yet");
        int configured = now.configuredWeight(key);
        after =
            publish(
                m -> Objects.requireNonNull(m, "no config applied yet").withoutWeight(key),
                new ModelChange.WeightSet(key, configured));
      } catch (ModelException e) {
        throw new CheckerException(Reason.NOT_FOUND, e.getMessage());
      }
    }
    announceAndWait();
    return Objects.requireNonNull(after).frontend(frontend).orElseThrow();
  }

  private BackendWorker worker(String name) throws CheckerException {
    BackendWorker w = workers.get(name);
    if (w == null) {
      throw new CheckerException(Reason.NOT_FOUND, "backend \"" + name + "\" not found");
    }
    return w;
  }

  @Override
  public synchronized void close() {
    if (canaryLoop != null) {
      canaryLoop.close();
      canaryLoop = null;
    }
    for (BackendWorker w : workers.values()) {
      w.retireForShutdown();
    }
    if (probers != null) {
      probers.close();
      probers = null;
    }
  }
}
