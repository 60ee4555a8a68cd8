package ch.ipng.maglev.daemon.model;

import ch.ipng.maglev.config.Frontend;
import ch.ipng.maglev.daemon.health.EffectiveWeights;
import ch.ipng.maglev.daemon.health.RemovalBudget;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * Every frontend's removal budget ({@link RemovalBudget}) applied to the live model: given the
 * model published before and the one about to be, it decides which backends each frontend holds and
 * returns the model with them. Pure and immutable; the checker keeps the current value under its
 * lock and steps it with every model it publishes.
 */
public final class RemovalBudgets {
  private static final RemovalBudgets NONE = new RemovalBudgets(Map.of());

  /** What one frontend's budget did. */
  public record Event(String frontend, RemovalBudget.Event event) {}

  /** The next budgets, the model with their holds, and what to tell. */
  public record Result(RemovalBudgets budgets, LiveModel model, List<Event> events) {
    public Result {
      events = List.copyOf(events);
    }
  }

  private final Map<String, RemovalBudget> byFrontend;

  private RemovalBudgets(Map<String, RemovalBudget> byFrontend) {
    this.byFrontend = byFrontend;
  }

  /** No budget holds or remembers anything. */
  public static RemovalBudgets none() {
    return NONE;
  }

  /** A frontend's budget settings from its config. */
  public static RemovalBudget.Settings settings(Frontend f) {
    return f.maxDrain() == 0
        ? RemovalBudget.Settings.OFF
        : new RemovalBudget.Settings(f.maxDrain(), f.maxDrainWindow());
  }

  /** One frontend's budget, if it has one that remembers anything. */
  public Optional<RemovalBudget> of(String frontend) {
    return Optional.ofNullable(byFrontend.get(frontend));
  }

  /** When a step with nothing else changing can next release a held backend. */
  public Optional<Instant> nextDeadline() {
    Instant next = null;
    for (RemovalBudget b : byFrontend.values()) {
      Instant d = b.nextDeadline().orElse(null);
      if (d != null && (next == null || d.isBefore(next))) {
        next = d;
      }
    }
    return Optional.ofNullable(next);
  }

  /**
   * Steps every frontend's budget from {@code before} (the model published last, null for none) to
   * {@code after} (the next model, carrying the holds of {@code before}).
   */
  public Result apply(Instant now, @Nullable LiveModel before, LiveModel after) {
    return apply(now, before, after, null);
  }

  /**
   * Steps the budget of frontend {@code only} (null: of every frontend) from {@code before} to
   * {@code after}; the others keep their budgets and holds as they are.
   */
  public Result apply(
      Instant now, @Nullable LiveModel before, LiveModel after, @Nullable String only) {
    Map<String, RemovalBudget> next = new HashMap<>();
    Map<String, Set<String>> held = new HashMap<>();
    List<Event> events = new ArrayList<>();
    for (Frontend f : after.config().frontends().values()) {
      RemovalBudget.Settings s = settings(f);
      RemovalBudget b = byFrontend.get(f.name());
      if (only != null && !only.equals(f.name())) {
        if (b != null) {
          next.put(f.name(), b);
          if (!b.held().isEmpty()) {
            held.put(f.name(), b.held());
          }
        }
        continue;
      }
      b = b == null ? RemovalBudget.of(s) : b.withSettings(s);
      if (b.inert()) {
        continue;
      }
      EffectiveWeights.View was =
          before == null ? null : before.frontend(f.name()).map(FrontendStatus::view).orElse(null);
      String name = f.name();
      RemovalBudget.Step step =
          b.step(now, was, after::state, h -> after.viewWithHeld(name, h).orElseThrow());
      for (RemovalBudget.Event e : step.events()) {
        events.add(new Event(name, e));
      }
      if (!step.budget().held().isEmpty()) {
        held.put(name, step.budget().held());
      }
      if (!step.budget().inert()) {
        next.put(name, step.budget());
      }
    }
    RemovalBudgets budgets = next.isEmpty() ? NONE : new RemovalBudgets(Map.copyOf(next));
    return new Result(budgets, after.withHeld(held), events);
  }

  /**
   * An operator's release of the holds of one frontend, or of all ({@code frontend} null), then a
   * step: the released backends drain at once, are not counted and are not held again while down.
   *
   * @return the result, whose events name every backend released (how: operator)
   */
  public Result release(Instant now, @Nullable String frontend, LiveModel current) {
    Map<String, RemovalBudget> next = new HashMap<>(byFrontend);
    List<Event> events = new ArrayList<>();
    for (Map.Entry<String, RemovalBudget> e : byFrontend.entrySet()) {
      if (frontend == null || frontend.equals(e.getKey())) {
        RemovalBudget b = e.getValue();
        EffectiveWeights.View v =
            current.frontend(e.getKey()).map(FrontendStatus::view).orElse(null);
        for (String held : b.held()) {
          events.add(
              new Event(
                  e.getKey(),
                  new RemovalBudget.Event(
                      held, false, RemovalBudget.Release.OPERATOR, weightIn(v, held), 0, 0)));
        }
        next.put(e.getKey(), b.release());
      }
    }
    Result r = new RemovalBudgets(Map.copyOf(next)).apply(now, current, current);
    List<Event> all = new ArrayList<>(events);
    all.addAll(r.events());
    return new Result(r.budgets(), r.model(), all);
  }

  private static int weightIn(EffectiveWeights.@Nullable View v, String backend) {
    int w = 0;
    if (v != null) {
      for (Map<String, EffectiveWeights.Weight> pool : v.pools()) {
        EffectiveWeights.Weight x = pool.get(backend);
        w += x == null ? 0 : x.weight();
      }
    }
    return w;
  }

  @Override
  public String toString() {
    return "RemovalBudgets" + byFrontend;
  }
}
