package ch.ipng.maglev.daemon.checker;

import ch.ipng.maglev.config.Config;
import ch.ipng.maglev.config.Frontend;
import ch.ipng.maglev.config.HealthCheck;
import ch.ipng.maglev.daemon.dataplane.VipTables;
import ch.ipng.maglev.daemon.health.SlowStart;
import ch.ipng.maglev.daemon.model.FrontendStatus;
import ch.ipng.maglev.daemon.model.LiveModel;
import ch.ipng.maglev.daemon.model.ModelChange;
import ch.ipng.maglev.daemon.model.ModelHub;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.BiFunction;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs slow start ({@link SlowStart}) on the live model: starts and ends ramps in the same model as
 * the change that causes them (a {@link ModelHub.Amender}, so a backend that comes up never reaches
 * VPP at its full weight first), and takes each step at its time on its own timer, publishing the
 * stepped model as a change of the ramping backends, which the dataplane writes like a transition.
 * The timer loop cannot die: a failed step is logged and retried after {@link #RETRY}.
 */
public final class SlowStarter implements AutoCloseable {
  private static final Logger logger = LoggerFactory.getLogger(SlowStarter.class);

  /** How soon a step that failed (or lost a race with other changes too often) is tried again. */
  static final Duration RETRY = Duration.ofSeconds(1);

  private static final int ATTEMPTS = 5;

  /** The loop's state: it runs until closed. */
  enum State {
    RUNNING,
    CLOSED
  }

  private final ModelHub models;
  private final ScheduledExecutorService timer;
  private final boolean ownsTimer;
  private final Clock clock;
  private final BiFunction<Config, Frontend, SlowStart.Table> tables;
  private volatile State state = State.RUNNING;

  // guarded by this
  private @Nullable ScheduledFuture<?> wake;
  private @Nullable Instant wakeAt;

  // whether a config has slow start anywhere, for the last config seen
  private volatile @Nullable Config known;
  private volatile boolean knownOn;

  private SlowStarter(
      ModelHub models,
      ScheduledExecutorService timer,
      boolean ownsTimer,
      Clock clock,
      BiFunction<Config, Frontend, SlowStart.Table> tables) {
    this.models = models;
    this.timer = timer;
    this.ownsTimer = ownsTimer;
    this.clock = clock;
    this.tables = tables;
  }

  /** Slow start on its own timer thread, measuring steps with the lb plugin's tables. */
  public static SlowStarter start(ModelHub models, Clock clock) {
    ScheduledExecutorService timer =
        Executors.newSingleThreadScheduledExecutor(
            r -> {
              Thread t = new Thread(r, "slow-start");
              t.setDaemon(true);
              return t;
            });
    return start(models, timer, true, clock, VipTables::of);
  }

  /** Slow start on a given timer (tests: a manual one) and table function. */
  static SlowStarter start(
      ModelHub models,
      ScheduledExecutorService timer,
      boolean ownsTimer,
      Clock clock,
      BiFunction<Config, Frontend, SlowStart.Table> tables) {
    SlowStarter s =
        new SlowStarter(
            Objects.requireNonNull(models, "models"),
            Objects.requireNonNull(timer, "timer"),
            ownsTimer,
            Objects.requireNonNull(clock, "clock"),
            Objects.requireNonNull(tables, "tables"));
    models.amendWith(s::amend);
    models.listen((model, change) -> s.wakeFor(model.slowStart()));
    return s;
  }

  /** Starts and ends ramps for what {@code change} touched: runs inside the model update. */
  LiveModel amend(@Nullable LiveModel before, LiveModel next, ModelChange change) {
    if (!on(next.config()) && !next.slowStart().ramping()) {
      return next;
    }
    Instant now = clock.instant();
    Set<String> names = new LinkedHashSet<>();
    switch (change) {
      case ModelChange.ConfigApplied c -> names.addAll(next.config().frontends().keySet());
      case ModelChange.BackendsChanged b -> {
        for (String backend : b.backends().keySet()) {
          next.index().frontendsOf(backend).forEach(f -> names.add(f.name()));
        }
      }
      case ModelChange.WeightSet w -> names.add(w.key().frontend());
    }
    SlowStart ss = next.slowStart();
    for (String name : names) {
      Frontend f = next.config().frontends().get(name);
      if (f == null || (ss.ramps(name).isEmpty() && !anyOn(next.config(), f))) {
        continue; // its status is not even computed
      }
      FrontendStatus after = next.frontend(name).orElseThrow();
      SlowStart.Frontend a = facts(next.config(), after);
      SlowStart.Frontend b =
          before == null
              ? null
              : before.frontend(name).map(st -> facts(before.config(), st)).orElse(null);
      SlowStart s2 = ss.changed(now, b, a);
      if (s2 != ss) {
        logStarts(ss.ramps(name), s2.ramps(name), name);
      }
      ss = s2;
    }
    return next.withSlowStart(ss);
  }

  private static void logStarts(
      Map<String, SlowStart.Ramp> before, Map<String, SlowStart.Ramp> after, String frontend) {
    after.forEach(
        (b, r) -> {
          if (!before.containsKey(b)) {
            logger
                .atInfo()
                .setMessage("slow-start-begin")
                .addKeyValue("frontend", frontend)
                .addKeyValue("backend", b)
                .addKeyValue("target", r.target())
                .addKeyValue("duration", r.duration().toMillis() + "ms")
                .log();
          }
        });
    before.forEach(
        (b, r) -> {
          if (!after.containsKey(b)) {
            logger
                .atInfo()
                .setMessage("slow-start-end")
                .addKeyValue("frontend", frontend)
                .addKeyValue("backend", b)
                .addKeyValue("weight", r.weight())
                .addKeyValue("target", r.target())
                .log();
          }
        });
  }

  /** What the rule sees of a frontend's status: its weights, states and slow-start settings. */
  static SlowStart.Frontend facts(Config config, FrontendStatus st) {
    Frontend f = st.frontend();
    Map<String, Duration> durations = new HashMap<>();
    for (Frontend.Pool p : f.pools()) {
      for (String b : p.backends().keySet()) {
        durations.put(b, duration(config, f, b));
      }
    }
    return new SlowStart.Frontend(
        f.name(), st.view(), st.weights(), st.states(), durations, f.slowStartMaxChurn());
  }

  /** Whether some backend of the frontend has a slow-start there. */
  private static boolean anyOn(Config config, Frontend f) {
    if (f.slowStart() != null) {
      return f.slowStart().isPositive();
    }
    for (Frontend.Pool p : f.pools()) {
      for (String b : p.backends().keySet()) {
        if (duration(config, f, b).isPositive()) {
          return true;
        }
      }
    }
    return false;
  }

  /** The frontend's slow-start when set, else the backend's health check's. */
  static Duration duration(Config config, Frontend f, String backend) {
    if (f.slowStart() != null) {
      return f.slowStart();
    }
    var b = config.backends().get(backend);
    HealthCheck hc = b == null ? null : config.healthchecks().get(b.healthcheck());
    return hc == null ? Duration.ZERO : hc.slowStart();
  }

  private boolean on(Config c) {
    if (known == c) {
      return knownOn;
    }
    boolean on = false;
    for (HealthCheck hc : c.healthchecks().values()) {
      on |= hc.slowStart().isPositive();
    }
    for (Frontend f : c.frontends().values()) {
      on |= f.slowStart() != null && f.slowStart().isPositive();
    }
    knownOn = on;
    known = c;
    return on;
  }

  /** Makes sure the timer wakes by the next step. Called on every published model. */
  private synchronized void wakeFor(SlowStart ss) {
    if (state == State.CLOSED) {
      return;
    }
    Instant due = ss.nextStep().orElse(null);
    if (due == null || (wakeAt != null && !wakeAt.isAfter(due))) {
      return;
    }
    if (wake != null) {
      wake.cancel(false);
    }
    schedule(due);
  }

  private void schedule(Instant at) {
    long delay = Math.max(0, Duration.between(clock.instant(), at).toNanos());
    wakeAt = at;
    wake = timer.schedule(this::run, delay, TimeUnit.NANOSECONDS);
  }

  /** One wake-up: takes the steps due; never throws, and always leaves the next wake-up set. */
  private void run() {
    synchronized (this) {
      wake = null;
      wakeAt = null;
    }
    if (state == State.CLOSED) {
      return;
    }
    try {
      step();
    } catch (RuntimeException e) {
      logger.warn("slow-start step failed, retrying in {}", RETRY, e);
      synchronized (this) {
        if (state == State.RUNNING && wake == null) {
          schedule(clock.instant().plus(RETRY));
        }
      }
      return;
    }
    LiveModel m = models.currentOrNull();
    if (m != null) {
      wakeFor(m.slowStart());
    }
  }

  /** Takes every step due now and publishes them as one model. */
  private void step() {
    for (int attempt = 0; attempt < ATTEMPTS; attempt++) {
      LiveModel base = models.currentOrNull();
      if (base == null) {
        return;
      }
      Instant now = clock.instant();
      List<SlowStart.Step> steps = new ArrayList<>();
      SlowStart ss = base.slowStart();
      Map<String, Instant> stepped = new LinkedHashMap<>();
      for (String name : List.copyOf(ss.ramps().keySet())) {
        FrontendStatus st = base.frontend(name).orElse(null);
        if (st == null) {
          continue;
        }
        int before = steps.size();
        ss =
            ss.stepped(
                now,
                facts(base.config(), st),
                tables.apply(base.config(), st.frontend()),
                steps::add);
        for (SlowStart.Step s : steps.subList(before, steps.size())) {
          stepped.put(s.backend(), now);
        }
      }
      if (ss == base.slowStart()) {
        return;
      }
      LiveModel next = base.withSlowStart(ss);
      AtomicBoolean applied = new AtomicBoolean();
      var unused =
          models.update(
              m -> {
                applied.set(m == base);
                return m == base ? next : null;
              },
              new ModelChange.BackendsChanged(stepped));
      if (applied.get()) {
        for (SlowStart.Step s : steps) {
          logger
              .atInfo()
              .setMessage("slow-start-step")
              .addKeyValue("frontend", s.frontend())
              .addKeyValue("backend", s.backend())
              .addKeyValue("from", s.from())
              .addKeyValue("to", s.to())
              .addKeyValue("moved", s.moved())
              .addKeyValue("bound", s.bound())
              .addKeyValue("over_bound", s.overBound())
              .log();
        }
        return;
      }
      // another change was published meanwhile: step again from it
    }
    throw new IllegalStateException("the model kept changing under " + ATTEMPTS + " attempts");
  }

  @Override
  public void close() {
    synchronized (this) {
      state = State.CLOSED;
      if (wake != null) {
        wake.cancel(false);
        wake = null;
      }
    }
    if (ownsTimer) {
      timer.shutdownNow();
    }
  }
}
