package ch.ipng.maglev.daemon.model;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.UnaryOperator;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Holds the current model and tells listeners about each new one. Updates are serialised here, so
 * every listener sees the models in the order they were made.
 */
public final class ModelHub implements ModelSource {
  private static final Logger logger = LoggerFactory.getLogger(ModelHub.class);

  private final List<ModelListener> listeners = new CopyOnWriteArrayList<>();
  private volatile Amender amender = (before, next, change) -> next;
  private volatile @Nullable LiveModel current;

  private ModelHub() {}

  public static ModelHub create() {
    return new ModelHub();
  }

  @Override
  public LiveModel current() {
    LiveModel m = current;
    if (m == null) {
      throw new IllegalStateException("no config applied yet");
    }
    return m;
  }

  /** The current model, or null before the first config. */
  public @Nullable LiveModel currentOrNull() {
    return current;
  }

  public void listen(ModelListener listener) {
    listeners.add(listener);
  }

  /**
   * Rewrites every next model before it is published, in the same step (under the lock): rules that
   * must hold from the first model a change makes (slow start's ramps) live there. It must be quick
   * and pure; one amender at a time (the last set wins).
   */
  @FunctionalInterface
  public interface Amender {
    LiveModel amend(@Nullable LiveModel before, LiveModel next, ModelChange change);
  }

  /** Sets the amender (see {@link Amender}). */
  public void amendWith(Amender a) {
    amender = java.util.Objects.requireNonNull(a, "a");
  }

  /**
   * Makes and publishes the next model from the current one (null before the first) in one step;
   * returns the model now current. A change that leaves the model as it is (or null) publishes
   * nothing.
   *
   * @throws ModelException from {@code update}: nothing is published
   */
  public synchronized @Nullable LiveModel update(
      UnaryOperator<@Nullable LiveModel> update, ModelChange change) {
    LiveModel before = current;
    LiveModel next = update.apply(before);
    if (next == null || next == before) {
      return before;
    }
    next = amender.amend(before, next, change);
    current = next;
    for (ModelListener l : listeners) {
      try {
        l.modelChanged(next, change);
      } catch (RuntimeException e) {
        logger.warn("model listener failed", e);
      }
    }
    return next;
  }
}
