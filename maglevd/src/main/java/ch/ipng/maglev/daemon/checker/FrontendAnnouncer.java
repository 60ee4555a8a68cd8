package ch.ipng.maglev.daemon.checker;

import ch.ipng.maglev.daemon.events.EventBus;
import ch.ipng.maglev.daemon.events.MaglevEvent;
import ch.ipng.maglev.daemon.health.EffectiveWeights;
import ch.ipng.maglev.daemon.health.FrontendState;
import ch.ipng.maglev.daemon.model.LiveModel;
import ch.ipng.maglev.daemon.model.ModelChange;
import java.time.Instant;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Queue;
import java.util.Set;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.locks.ReentrantLock;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.event.Level;

/**
 * Owns the checker's frontend announcements: the models it published are worked out, logged and
 * told on the bus in model order, one thread at a time, after the checker's lock is left.
 */
final class FrontendAnnouncer {
  // the checker's logger: its log lines keep their logger name
  private static final Logger logger = LoggerFactory.getLogger(Checker.class);

  private final EventBus bus;
  // Models whose frontend transitions are still to be worked out and told, in model order; one
  // thread at a time tells them, after the model lock is left.
  private final Queue<Published> toAnnounce = new ConcurrentLinkedQueue<>();
  private final ReentrantLock announcing = new ReentrantLock();

  FrontendAnnouncer(EventBus bus) {
    this.bus = bus;
  }

  /** Queues a published model (with the checker's lock held, so in model order). */
  void queue(@Nullable LiveModel before, LiveModel model, ModelChange change) {
    toAnnounce.add(new Published(before, model, change));
  }

  /**
   * Tells what is queued, unless another thread is telling it already (it will tell ours too): a
   * probe loop never waits here.
   */
  void announce() {
    while (!toAnnounce.isEmpty() && announcing.tryLock()) {
      announceQueuedAndUnlock();
    }
  }

  /** Tells what is queued and waits until it is told: an operator's call returns after it. */
  void announceAndWait() {
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

  /** A new model, the one before it and what changed, still to be announced. */
  private record Published(@Nullable LiveModel before, LiveModel model, ModelChange change) {}
}
