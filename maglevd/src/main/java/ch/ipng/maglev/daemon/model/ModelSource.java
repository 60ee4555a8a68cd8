package ch.ipng.maglev.daemon.model;

/** Where readers get the current model: a volatile read, no lock. */
@FunctionalInterface
public interface ModelSource {
  /**
   * The newest model.
   *
   * @throws IllegalStateException before the first config is applied
   */
  LiveModel current();
}
