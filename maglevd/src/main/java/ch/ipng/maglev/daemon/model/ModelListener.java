package ch.ipng.maglev.daemon.model;

/**
 * Hears every new model, in order, on the thread that made it (under the publisher's lock): it must
 * be quick, hand any real work to its own thread, and not throw.
 */
@FunctionalInterface
public interface ModelListener {
  void modelChanged(LiveModel model, ModelChange change);
}
