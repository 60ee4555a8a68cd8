package ch.ipng.maglev.daemon.checker;

import ch.ipng.maglev.config.Backend;
import ch.ipng.maglev.config.Config;
import ch.ipng.maglev.config.HealthCheck;
import ch.ipng.maglev.daemon.checker.BackendWorker.Action;
import ch.ipng.maglev.daemon.checker.CheckerException.Reason;
import ch.ipng.maglev.daemon.events.EventBus;
import ch.ipng.maglev.daemon.events.MaglevEvent;
import ch.ipng.maglev.daemon.health.BackendState;
import ch.ipng.maglev.daemon.health.Jitter;
import ch.ipng.maglev.daemon.health.RemovalBudget;
import ch.ipng.maglev.daemon.health.SelfSuspicion;
import ch.ipng.maglev.daemon.model.FrontendStatus;
import ch.ipng.maglev.daemon.model.LiveModel;
import ch.ipng.maglev.daemon.model.ModelChange;
import ch.ipng.maglev.daemon.model.ModelHub;
import ch.ipng.maglev.daemon.model.WeightKey;
import ch.ipng.maglev.daemon.probe.ProbeNamespace;
import ch.ipng.maglev.daemon.probe.ProbeResult;
import ch.ipng.maglev.daemon.probe.Probers;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
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
import java.util.function.Function;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

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
  private final FrontendAnnouncer announcer;
  private final ModelPublisher publisher;
  private final CheckerSuspicion suspicion;

  private final Map<String, BackendWorker> workers = new ConcurrentHashMap<>();
  private final Queue<Pending> pendingTransitions = new ConcurrentLinkedQueue<>();

  // written under this object's lock
  private @Nullable Config config;
  private @Nullable Probers probers;
  private @Nullable String netns;

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
    this.announcer = new FrontendAnnouncer(bus);
    this.publisher = new ModelPublisher(models, announcer, this.listener);
    this.suspicion = new CheckerSuspicion(workers, publisher, this.listener, this::canaryRound);
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
    suspicion.canaries(next, p);
    if (oldProbers != null) {
      oldProbers.close();
    }
    Map<String, BackendState> states = new HashMap<>();
    workers.forEach((name, w) -> states.put(name, w.state()));
    LiveModel.Suspect suspect = suspicion.configure(next);
    publisher.publish(
        m ->
            (m == null ? LiveModel.of(next, states) : m.withConfig(next, states))
                .withSuspect(suspect),
        new ModelChange.ConfigApplied(prev == null));
    announcer.announceAndWait();
  }

  /** A round of canary probes ended: the rule hears it. */
  private void canaryRound(SelfSuspicion.CanaryRound round) {
    synchronized (this) {
      suspicion.canaryRound(round);
    }
    announcer.announce();
  }

  private Duration firstDelay(HealthCheck hc) {
    long bound = Math.min(hc.fastInterval().toNanos(), Duration.ofSeconds(1).toNanos());
    return Duration.ofNanos(ThreadLocalRandom.current().nextLong(Math.max(1, bound)));
  }

  /** The first failed probe of an up backend, or its first success after it: see the rule. */
  private void firstFailure(String backend, BackendState to) {
    synchronized (this) {
      suspicion.firstFailure(backend, to, config);
    }
    announcer.announce();
  }

  /** A probe started late, or a suspicion's deadline passed: moves the suspicion on. */
  private void lateOrDue(long latenessNanos) {
    synchronized (this) {
      suspicion.lateOrDue(latenessNanos);
    }
    announcer.announce();
  }

  /**
   * Releases the checker's suspicion of its own probes: the backends it froze that are still down
   * are believed (and drained). Returns the evidence released, or empty when there was none.
   */
  public Optional<SelfSuspicion.Evidence> releaseSuspicion() {
    Optional<SelfSuspicion.Evidence> released;
    synchronized (this) {
      released = suspicion.release();
    }
    if (released.isEmpty()) {
      return released;
    }
    announcer.announceAndWait();
    return released;
  }

  /** The checker's suspicion now (as the model shows it). */
  public synchronized Optional<SelfSuspicion> suspicion() {
    return suspicion.current();
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
      if (suspicion.maxLatenessNanos() == Long.MAX_VALUE) {
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
        LiveModel m = publisher.current();
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
      Instant due = suspicion.deadline();
      if (latenessNanos > suspicion.maxLatenessNanos()
          || (due != null && !Instant.now().isBefore(due))) {
        lateOrDue(latenessNanos);
      }
      Instant budgetDue = publisher.budgetDeadline();
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
      LiveModel now = publisher.current();
      for (Pending p = pendingTransitions.poll(); p != null; p = pendingTransitions.poll()) {
        BackendWorker w = workers.get(p.backend());
        Backend b = config == null ? null : config.backends().get(p.backend());
        if (w == null || b == null) {
          continue; // removed: the reload's model has it gone already
        }
        batch.putIfAbsent(p.backend(), p.t().time());
        Set<String> fs = CheckerSuspicion.frontendsOf(now, p.backend());
        changes.add(
            new SelfSuspicion.Change(
                p.t().time(), p.backend(), p.t().from(), p.t().to(), fs, b.address()));
        // The worker's state now, not the transition's: two transitions reported from two
        // threads may arrive out of order, and the model must end at the last one.
        states.put(p.backend(), w.state());
      }
      CheckerSuspicion.addFlapped(changes, states, config, now);
      if (suspicion.observing() && !changes.isEmpty()) {
        suspicion.observe(changes, states, batch);
      } else if (!batch.isEmpty()) {
        publisher.publish(
            m -> m == null ? null : m.withStates(states), new ModelChange.BackendsChanged(batch));
      }
    }
    announcer.announce();
  }

  /** A transition reported, not yet in the model. */
  private record Pending(String backend, Transition t) {}

  /** A budget's window may let a held backend go: steps the budgets with nothing else changed. */
  private void budgetDue() {
    synchronized (this) {
      publisher.budgetDue();
    }
    announcer.announce();
  }

  /**
   * Releases what the removal budget of one frontend holds (or of every frontend: {@code frontend}
   * null): the held backends drain at once, are not counted, and are not held again while they stay
   * down. Returns the released backends by frontend.
   *
   * @throws CheckerException NOT_FOUND for a frontend not in the config
   */
  public Map<String, List<String>> releaseHolds(@Nullable String frontend) throws CheckerException {
    Map<String, List<String>> released;
    synchronized (this) {
      released = publisher.releaseHolds(frontend);
    }
    announcer.announceAndWait();
    return released;
  }

  /** The removal budget of a frontend, when it holds or remembers anything. */
  public synchronized Optional<RemovalBudget> removalBudget(String frontend) {
    return publisher.removalBudget(frontend);
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
      announcer.announceAndWait(); // its frontend transitions are told before the call returns
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
    LiveModel after;
    synchronized (this) {
      after = publisher.setWeight(new WeightKey(frontend, pool, backend), weight);
    }
    announcer.announceAndWait();
    logger
        .atInfo()
        .setMessage("frontend-weight")
        .addKeyValue("frontend", frontend)
        .addKeyValue("pool", pool)
        .addKeyValue("backend", backend)
        .addKeyValue("weight", weight)
        .log();
    return after.frontend(frontend).orElseThrow();
  }

  /**
   * Drops the operator weight of one pool entry: the config's weight applies again. Nothing changes
   * when the entry has no operator weight.
   *
   * @throws CheckerException NOT_FOUND for unknown names
   */
  public FrontendStatus clearWeight(String frontend, String pool, String backend)
      throws CheckerException {
    LiveModel after;
    synchronized (this) {
      after = publisher.clearWeight(new WeightKey(frontend, pool, backend));
    }
    announcer.announceAndWait();
    return after.frontend(frontend).orElseThrow();
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
    suspicion.close();
    for (BackendWorker w : workers.values()) {
      w.retireForShutdown();
    }
    if (probers != null) {
      probers.close();
      probers = null;
    }
  }
}
