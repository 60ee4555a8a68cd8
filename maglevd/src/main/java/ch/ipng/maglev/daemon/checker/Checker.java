package ch.ipng.maglev.daemon.checker;

import ch.ipng.maglev.config.Backend;
import ch.ipng.maglev.config.BackendIndex;
import ch.ipng.maglev.config.Config;
import ch.ipng.maglev.config.Frontend;
import ch.ipng.maglev.config.HealthCheck;
import ch.ipng.maglev.daemon.checker.BackendWorker.Action;
import ch.ipng.maglev.daemon.checker.CheckerException.Reason;
import ch.ipng.maglev.daemon.events.EventBus;
import ch.ipng.maglev.daemon.events.MaglevEvent;
import ch.ipng.maglev.daemon.health.BackendState;
import ch.ipng.maglev.daemon.health.EffectiveWeights;
import ch.ipng.maglev.daemon.health.FrontendState;
import ch.ipng.maglev.daemon.health.Jitter;
import ch.ipng.maglev.daemon.probe.ProbeNamespace;
import ch.ipng.maglev.daemon.probe.Probers;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.Function;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs one probe loop per backend of the current config, applies reloads by diffing (unchanged
 * backends keep probing undisturbed), carries out operator actions, and keeps the frontends'
 * effective weights and states. Everything it learns goes out on the {@link EventBus}: the
 * dataplane consumes that and {@link #frontend}, and never reaches inside.
 */
public final class Checker implements AutoCloseable {
  private static final Logger logger = LoggerFactory.getLogger(Checker.class);

  private final EventBus bus;
  private final Jitter jitter;
  private final ProbeListener listener;
  private final Function<ProbeNamespace, Probers> probersFactory;

  private final Map<String, BackendWorker> workers = new ConcurrentHashMap<>();

  /** (frontend, pool, backend) → runtime weight set by the operator. */
  private final Map<WeightKey, Integer> runtimeWeights = new ConcurrentHashMap<>();

  private final Map<String, FrontendState> frontendStates = new HashMap<>();
  private volatile @Nullable Config config;
  // written under this object's lock, with config
  private @Nullable BackendIndex backendIndex;
  private @Nullable Probers probers;
  private @Nullable String netns;

  private record WeightKey(String frontend, String pool, String backend) {}

  private Checker(
      EventBus bus,
      Jitter jitter,
      ProbeListener listener,
      Function<ProbeNamespace, Probers> probersFactory) {
    this.bus = bus;
    this.jitter = jitter;
    this.listener = listener;
    this.probersFactory = probersFactory;
  }

  /**
   * @param probersFactory makes the probers for a network namespace; probe loops run on their event
   *     loops
   */
  public static Checker of(
      EventBus bus,
      Jitter jitter,
      ProbeListener listener,
      Function<ProbeNamespace, Probers> probersFactory) {
    return new Checker(
        Objects.requireNonNull(bus, "bus"),
        Objects.requireNonNull(jitter, "jitter"),
        Objects.requireNonNull(listener, "listener"),
        Objects.requireNonNull(probersFactory, "probersFactory"));
  }

  /** The running config. */
  public Config config() {
    Config c = config;
    if (c == null) {
      throw new IllegalStateException("no config applied yet");
    }
    return c;
  }

  /**
   * Applies a validated config: the first one starts everything; later ones add, restart and remove
   * only what changed.
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
    backendIndex = BackendIndex.of(next);

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
    // Runtime weights survive a reload unless the config's own weight for that entry changed.
    if (prev != null) {
      runtimeWeights
          .keySet()
          .removeIf(k -> !Objects.equals(configuredWeight(prev, k), configuredWeight(next, k)));
    }
    if (oldProbers != null) {
      oldProbers.close();
    }
    updateFrontends();
  }

  private static @Nullable Integer configuredWeight(Config c, WeightKey k) {
    Frontend f = c.frontends().get(k.frontend());
    if (f == null) {
      return null;
    }
    for (Frontend.Pool pool : f.pools()) {
      if (pool.name().equals(k.pool())) {
        return pool.backends().get(k.backend());
      }
    }
    return null;
  }

  private Duration firstDelay(HealthCheck hc) {
    long bound = Math.min(hc.fastInterval().toNanos(), Duration.ofSeconds(1).toNanos());
    return Duration.ofNanos(ThreadLocalRandom.current().nextLong(Math.max(1, bound)));
  }

  private void transitioned(String backend, Transition t) {
    bus.publish(
        new MaglevEvent.BackendTransition(
            t.time(), backend, t.from(), t.to(), t.code(), t.detail()));
    updateFrontends(backend);
  }

  /** Recomputes every frontend's state and publishes the changes. */
  private void updateFrontends() {
    updateFrontends(null);
  }

  /**
   * Recomputes the state of the frontends that reference {@code backend} (all of them when null)
   * and publishes the changes. Only those can change on a transition, and recomputing all of them
   * made a burst of transitions cost frontends × transitions.
   */
  private void updateFrontends(@Nullable String backend) {
    List<MaglevEvent.FrontendTransition> changes = new ArrayList<>();
    synchronized (this) {
      Config c = config;
      if (c == null) {
        return;
      }
      Collection<Frontend> which =
          backend == null
              ? c.frontends().values()
              : Objects.requireNonNull(backendIndex).frontendsOf(backend);
      Map<String, FrontendState> now = new LinkedHashMap<>();
      for (Frontend f : which) {
        now.put(f.name(), frontend(f).view().state());
      }
      Instant time = Instant.now();
      for (Map.Entry<String, FrontendState> e : now.entrySet()) {
        FrontendState before = frontendStates.getOrDefault(e.getKey(), FrontendState.UNKNOWN);
        if (before != e.getValue()) {
          changes.add(new MaglevEvent.FrontendTransition(time, e.getKey(), before, e.getValue()));
        }
      }
      if (backend == null) {
        frontendStates.clear(); // frontends gone from the config go with it
      }
      frontendStates.putAll(now);
      // Publish under the lock so subscribers see frontend changes in the order they happen.
      for (MaglevEvent.FrontendTransition t : changes) {
        logger
            .atInfo()
            .setMessage("frontend-transition")
            .addKeyValue("frontend", t.frontend())
            .addKeyValue("from", t.from().label())
            .addKeyValue("to", t.to().label())
            .log();
        bus.publish(t);
      }
    }
  }

  /** Every backend, in name order. */
  public List<BackendStatus> backends() {
    return new TreeMap<>(workers).values().stream().map(BackendWorker::status).toList();
  }

  public Optional<BackendStatus> backend(String name) {
    BackendWorker w = workers.get(name);
    return w == null ? Optional.empty() : Optional.of(w.status());
  }

  /** The rise/fall counter of a backend, 0 if unknown; cheap enough for every scrape. */
  public int counter(String backend) {
    BackendWorker w = workers.get(backend);
    return w == null ? 0 : w.counter();
  }

  public BackendState state(String backend) {
    BackendWorker w = workers.get(backend);
    return w == null ? BackendState.REMOVED : w.state();
  }

  /** Every frontend in config order with its live weights. */
  public List<FrontendStatus> frontends() {
    Config c = config();
    return c.frontends().values().stream().map(this::frontend).toList();
  }

  public Optional<FrontendStatus> frontend(String name) {
    Config c = config();
    Frontend f = c.frontends().get(name);
    return f == null ? Optional.empty() : Optional.of(frontend(f));
  }

  /** Current frontend states, by name, as last published. */
  public synchronized Map<String, FrontendState> frontendStates() {
    return Map.copyOf(frontendStates);
  }

  private FrontendStatus frontend(Frontend f) {
    List<Map<String, Integer>> weights = new ArrayList<>();
    Map<String, BackendState> states = new LinkedHashMap<>();
    for (Frontend.Pool pool : f.pools()) {
      Map<String, Integer> w = new LinkedHashMap<>();
      for (Map.Entry<String, Integer> b : pool.backends().entrySet()) {
        Integer runtime = runtimeWeights.get(new WeightKey(f.name(), pool.name(), b.getKey()));
        w.put(b.getKey(), runtime != null ? runtime : b.getValue());
        states.put(b.getKey(), state(b.getKey()));
      }
      weights.add(w);
    }
    EffectiveWeights.View view = EffectiveWeights.compute(weights, states::get, f.flushOnDown());
    return new FrontendStatus(f, weights, states, view);
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

  private BackendStatus act(String name, Action action) throws CheckerException {
    BackendWorker w = worker(name);
    try {
      return w.act(action, Duration.ZERO);
    } catch (IllegalStateException e) {
      throw new CheckerException(
          Reason.FAILED_PRECONDITION, "backend \"" + name + "\": " + e.getMessage());
    }
  }

  /**
   * Sets the runtime weight of one backend in one pool of one frontend.
   *
   * @throws CheckerException NOT_FOUND for unknown names, INVALID_ARGUMENT for a weight outside
   *     0–100
   */
  public FrontendStatus setWeight(String frontend, String pool, String backend, int weight)
      throws CheckerException {
    Config c = config();
    Frontend f = c.frontends().get(frontend);
    if (f == null) {
      throw new CheckerException(Reason.NOT_FOUND, "frontend \"" + frontend + "\" not found");
    }
    Frontend.Pool p =
        f.pools().stream()
            .filter(x -> x.name().equals(pool))
            .findFirst()
            .orElseThrow(
                () ->
                    new CheckerException(
                        Reason.NOT_FOUND,
                        "pool \"" + pool + "\" not found in frontend \"" + frontend + "\""));
    if (!p.backends().containsKey(backend)) {
      throw new CheckerException(
          Reason.NOT_FOUND,
          "backend \""
              + backend
              + "\" not found in pool \""
              + pool
              + "\" of frontend \""
              + frontend
              + "\"");
    }
    if (weight < 0 || weight > 100) {
      throw new CheckerException(
          Reason.INVALID_ARGUMENT, "weight: " + weight + " (expected: 0-100)");
    }
    runtimeWeights.put(new WeightKey(frontend, pool, backend), weight);
    logger
        .atInfo()
        .setMessage("frontend-weight")
        .addKeyValue("frontend", frontend)
        .addKeyValue("pool", pool)
        .addKeyValue("backend", backend)
        .addKeyValue("weight", weight)
        .log();
    updateFrontends();
    return frontend(f);
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
    for (BackendWorker w : workers.values()) {
      w.retireForShutdown();
    }
    if (probers != null) {
      probers.close();
      probers = null;
    }
  }
}
