package ch.ipng.maglev.daemon.checker;

import ch.ipng.maglev.config.Config;
import ch.ipng.maglev.daemon.checker.CheckerException.Reason;
import ch.ipng.maglev.daemon.health.RemovalBudget;
import ch.ipng.maglev.daemon.model.LiveModel;
import ch.ipng.maglev.daemon.model.ModelChange;
import ch.ipng.maglev.daemon.model.ModelException;
import ch.ipng.maglev.daemon.model.ModelHub;
import ch.ipng.maglev.daemon.model.RemovalBudgets;
import ch.ipng.maglev.daemon.model.WeightKey;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeMap;
import java.util.function.UnaryOperator;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Owns the checker's writes to the live model and the removal budgets stepped with each: every
 * model goes out with the budgets' holds and is queued for announcement. Called with the checker's
 * lock held, except {@link #budgetDeadline}.
 */
final class ModelPublisher {
  // the checker's logger: its log lines keep their logger name
  private static final Logger logger = LoggerFactory.getLogger(Checker.class);

  private final ModelHub models;
  private final FrontendAnnouncer announcer;
  private final ProbeListener listener;

  private RemovalBudgets budgets = RemovalBudgets.none();
  private @Nullable Config budgetsConfig;
  private boolean budgetsOn;
  // when a removal budget's window may let a held backend go (read by every probe start)
  private volatile @Nullable Instant budgetDeadline;

  ModelPublisher(ModelHub models, FrontendAnnouncer announcer, ProbeListener listener) {
    this.models = models;
    this.announcer = announcer;
    this.listener = listener;
  }

  /** The model now current, or null before the first config. */
  @Nullable LiveModel current() {
    return models.currentOrNull();
  }

  /** When a budget's window may let a held backend go; read without the lock. */
  @Nullable Instant budgetDeadline() {
    return budgetDeadline;
  }

  /**
   * Publishes the next model and queues its announcement; returns the model now current. The
   * frontend transitions are worked out and told later, outside the lock ({@link
   * FrontendAnnouncer#announce}), so a burst of transitions reaches the dataplane without waiting
   * for them.
   */
  @Nullable LiveModel publish(UnaryOperator<@Nullable LiveModel> update, ModelChange change) {
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
      announcer.queue(before, after, change);
    }
    return after;
  }

  /**
   * Sets an operator weight; returns the model now current.
   *
   * @throws CheckerException NOT_FOUND for unknown names, INVALID_ARGUMENT for a bad weight
   */
  LiveModel setWeight(WeightKey key, int weight) throws CheckerException {
    try {
      return Objects.requireNonNull(
          publish(
              m -> Objects.requireNonNull(m, "no config applied yet").withWeight(key, weight),
              new ModelChange.WeightSet(key, weight)));
    } catch (ModelException e) {
      throw new CheckerException(
          e.reason() == ModelException.Reason.NOT_FOUND
              ? Reason.NOT_FOUND
              : Reason.INVALID_ARGUMENT,
          e.getMessage());
    }
  }

  /**
   * Drops an operator weight; returns the model now current.
   *
   * @throws CheckerException NOT_FOUND for unknown names
   */
  LiveModel clearWeight(WeightKey key) throws CheckerException {
    try {
      LiveModel now = Objects.requireNonNull(models.currentOrNull(), "no config applied yet");
      int configured = now.configuredWeight(key);
      return Objects.requireNonNull(
          publish(
              m -> Objects.requireNonNull(m, "no config applied yet").withoutWeight(key),
              new ModelChange.WeightSet(key, configured)));
    } catch (ModelException e) {
      throw new CheckerException(Reason.NOT_FOUND, e.getMessage());
    }
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

  /** Keeps the budgets a publish stepped to, and logs and tells what they did. */
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

  /**
   * A budget's window may let a held backend go: steps the budgets with nothing else changed,
   * unless another probe start took the deadline.
   */
  void budgetDue() {
    Instant due = budgetDeadline;
    if (due == null || Instant.now().isBefore(due)) {
      return; // another probe start took it
    }
    budgetDeadline = null;
    publish(m -> m, new ModelChange.BackendsChanged(Map.of()));
  }

  /**
   * Releases what the removal budget of one frontend holds (or of every frontend: {@code frontend}
   * null). Returns the released backends by frontend.
   *
   * @throws CheckerException NOT_FOUND for a frontend not in the config
   */
  Map<String, List<String>> releaseHolds(@Nullable String frontend) throws CheckerException {
    Map<String, List<String>> released = new TreeMap<>();
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
      announcer.queue(now, after, c);
    }
    return released;
  }

  /** The removal budget of a frontend, when it holds or remembers anything. */
  Optional<RemovalBudget> removalBudget(String frontend) {
    return budgets.of(frontend);
  }
}
