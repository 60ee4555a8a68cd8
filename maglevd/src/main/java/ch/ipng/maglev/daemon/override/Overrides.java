package ch.ipng.maglev.daemon.override;

import ch.ipng.maglev.config.Backend;
import ch.ipng.maglev.config.Config;
import ch.ipng.maglev.daemon.checker.BackendStatus;
import ch.ipng.maglev.daemon.checker.Checker;
import ch.ipng.maglev.daemon.checker.CheckerException;
import ch.ipng.maglev.daemon.checker.CheckerException.Reason;
import ch.ipng.maglev.daemon.events.EventBus;
import ch.ipng.maglev.daemon.events.MaglevEvent;
import ch.ipng.maglev.daemon.health.BackendState;
import ch.ipng.maglev.daemon.model.FrontendStatus;
import ch.ipng.maglev.daemon.model.LiveModel;
import ch.ipng.maglev.daemon.model.ModelSource;
import ch.ipng.maglev.daemon.model.WeightKey;
import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.function.Consumer;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The operator's overrides with who set them, why and until when: carries out pauses, disables,
 * enables and pool weights through the {@link Checker}, keeps the record of each in an {@link
 * OverrideBook}, writes the book to the state file before a call returns, reverts what expires, and
 * drops what a reload or another change made moot. One change at a time.
 */
public final class Overrides {
  private static final Logger logger = LoggerFactory.getLogger(Overrides.class);

  /** The longest ttl accepted. */
  public static final Duration MAX_TTL = Duration.ofDays(366);

  /** Where the book is kept; {@link StateFile#save} in production. */
  @FunctionalInterface
  public interface Store {
    void save(List<OperatorOverride> overrides, Instant now) throws IOException;
  }

  /** The change is in force, but the state file could not be written: it would not survive. */
  public static final class NotPersistedException extends Exception {
    private static final long serialVersionUID = 1L;

    NotPersistedException(String message, Throwable cause) {
      super(message, cause);
    }
  }

  /**
   * Who asks, why, and for how long.
   *
   * @param ttl null or zero: until changed
   */
  public record Request(String actor, String reason, @Nullable Duration ttl) {
    public Request {
      Objects.requireNonNull(actor, "actor");
      Objects.requireNonNull(reason, "reason");
      if (ttl != null && ttl.isZero()) {
        ttl = null;
      }
    }

    /**
     * Checks the reason and ttl.
     *
     * @throws CheckerException INVALID_ARGUMENT naming what is wrong
     */
    void validate() throws CheckerException {
      if (reason.length() > OperatorOverride.MAX_REASON) {
        throw invalid(
            "reason: "
                + reason.length()
                + " characters (expected: at most "
                + OperatorOverride.MAX_REASON
                + ")");
      }
      for (int i = 0; i < reason.length(); i++) {
        if (Character.isISOControl(reason.charAt(i))) {
          throw invalid("reason: contains a control character (expected: one line of text)");
        }
      }
      if (ttl != null && (ttl.isNegative() || ttl.compareTo(MAX_TTL) > 0)) {
        throw invalid("ttl: " + ttl + " (expected: 0 for none, or up to 366 days)");
      }
    }
  }

  private final Checker checker;
  private final ModelSource models;
  private final EventBus bus;
  private final Clock clock;
  private final Store store;
  private final String storeName;
  private final Consumer<String> weightChanged;

  // guarded by this object's lock; every change of it is saved before the lock is left
  private OverrideBook book = OverrideBook.EMPTY;

  private Overrides(
      Checker checker,
      ModelSource models,
      EventBus bus,
      Clock clock,
      Store store,
      String storeName,
      Consumer<String> weightChanged) {
    this.checker = checker;
    this.models = models;
    this.bus = bus;
    this.clock = clock;
    this.store = store;
    this.storeName = storeName;
    this.weightChanged = weightChanged;
  }

  /**
   * @param store where every change is saved before it is acknowledged
   * @param storeName how errors name the store, e.g. the state file's path
   * @param weightChanged told the frontend whose pool weight an expiry or a reload changed (the
   *     dataplane writes its VIP)
   */
  public static Overrides of(
      Checker checker,
      ModelSource models,
      EventBus bus,
      Clock clock,
      Store store,
      String storeName,
      Consumer<String> weightChanged) {
    return new Overrides(
        Objects.requireNonNull(checker, "checker"),
        Objects.requireNonNull(models, "models"),
        Objects.requireNonNull(bus, "bus"),
        Objects.requireNonNull(clock, "clock"),
        Objects.requireNonNull(store, "store"),
        Objects.requireNonNull(storeName, "storeName"),
        Objects.requireNonNull(weightChanged, "weightChanged"));
  }

  /** The overrides in force now. */
  public synchronized OverrideBook book() {
    return book;
  }

  // ------------------------------------------------------------------ operator calls

  public synchronized BackendStatus pause(String backend, Request r)
      throws CheckerException, NotPersistedException {
    r.validate();
    Instant t = now();
    BackendStatus s = checker.pause(backend, OverrideLog.detail("pause", r));
    if (s.health().state() == BackendState.PAUSED) {
      set(
          OperatorOverride.lifecycle(
              backend, OperatorOverride.Kind.PAUSE, r.actor(), r.reason(), t, until(r, t)));
    }
    return settle(s, r.actor());
  }

  public synchronized BackendStatus resume(String backend, Request r)
      throws CheckerException, NotPersistedException {
    r.validate();
    if (r.ttl() != null) {
      throw invalid("ttl: " + r.ttl() + " (expected: none: a resume ends the pause)");
    }
    BackendStatus s = checker.resume(backend, OverrideLog.detail("resume", r));
    clear(OperatorOverride.Key.pause(backend), r.actor());
    return settle(s, r.actor());
  }

  public synchronized BackendStatus disable(String backend, Request r)
      throws CheckerException, NotPersistedException {
    r.validate();
    Instant t = now();
    boolean configEnabled = configured(backend).enabled();
    if (!configEnabled && r.ttl() != null) {
      throw invalid(
          "ttl: "
              + r.ttl()
              + " (expected: none: the config disables backend \""
              + backend
              + "\" itself, nothing would expire)");
    }
    BackendStatus s = checker.disable(backend, OverrideLog.detail("disable", r));
    if (configEnabled) {
      set(
          OperatorOverride.lifecycle(
              backend, OperatorOverride.Kind.DISABLE, r.actor(), r.reason(), t, until(r, t)));
    } else {
      clear(OperatorOverride.Key.enablement(backend), r.actor());
    }
    return settle(s, r.actor());
  }

  public synchronized BackendStatus enable(String backend, Request r)
      throws CheckerException, NotPersistedException {
    r.validate();
    Instant t = now();
    boolean configEnabled = configured(backend).enabled();
    if (configEnabled && r.ttl() != null) {
      throw invalid(
          "ttl: "
              + r.ttl()
              + " (expected: none: the config enables backend \""
              + backend
              + "\", an enable ends the override)");
    }
    BackendStatus s = checker.enable(backend, OverrideLog.detail("enable", r));
    if (configEnabled) {
      clear(OperatorOverride.Key.enablement(backend), r.actor());
    } else {
      set(
          OperatorOverride.lifecycle(
              backend, OperatorOverride.Kind.ENABLE, r.actor(), r.reason(), t, until(r, t)));
    }
    return settle(s, r.actor());
  }

  /** Sets an operator pool weight (the caller syncs its frontend to VPP). */
  public synchronized FrontendStatus setWeight(
      String frontend, String pool, String backend, int weight, Request r)
      throws CheckerException, NotPersistedException {
    r.validate();
    Instant t = now();
    FrontendStatus f = checker.setWeight(frontend, pool, backend, weight);
    set(
        OperatorOverride.weight(
            new WeightKey(frontend, pool, backend), weight, r.actor(), r.reason(), t, until(r, t)));
    dropStale(r.actor());
    save();
    return f;
  }

  // ------------------------------------------------------------------ maglevd's own

  /**
   * At start, before the dataplane runs: puts the overrides of the state file back in force.
   * Entries for backends or pool entries the config no longer has are dropped, and expired ones are
   * not applied (the config's state is what they revert to), each with a log line. The resulting
   * book is saved.
   */
  public synchronized void restore(List<OperatorOverride> loaded) {
    Instant now = now();
    for (OperatorOverride o : OverrideBook.of(loaded).all()) {
      if (o.expiredAt(now)) {
        OverrideLog.log("override-expired", o, "expired while maglevd was not running");
        bus.publish(new MaglevEvent.OverrideChanged(now, "expired", o, "maglevd"));
        continue;
      }
      try {
        String detail = "restored from the state file: " + o.kind().label() + OverrideLog.by(o);
        switch (o.kind()) {
          case PAUSE -> checker.pause(o.backend(), detail);
          case DISABLE -> {
            if (!configured(o.backend()).enabled()) {
              throw new CheckerException(Reason.FAILED_PRECONDITION, "the config disables it now");
            }
            checker.disable(o.backend(), detail);
          }
          case ENABLE -> {
            if (configured(o.backend()).enabled()) {
              throw new CheckerException(Reason.FAILED_PRECONDITION, "the config enables it now");
            }
            checker.enable(o.backend(), detail);
          }
          case WEIGHT -> {
            WeightKey k = o.key().weightKey();
            checker.setWeight(k.frontend(), k.pool(), k.backend(), o.weight());
          }
        }
        book = book.with(o);
        OverrideLog.log("override-restored", o, "");
      } catch (CheckerException e) {
        logger
            .atWarn()
            .setMessage("override-dropped")
            .addKeyValue("override", o.describe())
            .addKeyValue("actor", o.actor())
            .addKeyValue("reason", o.reason())
            .addKeyValue("why", e.getMessage())
            .log();
      }
    }
    // the pause restored before a disable of the same backend, and the like
    dropStale("maglevd");
    try {
      save();
    } catch (NotPersistedException e) {
      logger
          .atError()
          .setMessage("state-file-write-failed")
          .addKeyValue("error", e.getMessage())
          .log();
    }
  }

  /**
   * Reverts every override expired by now: a pause resumes, a disable or enable goes back to the
   * config's enabled flag, a pool weight back to the config's, each with a transition or an event
   * and a log line; then saves the book. Returns how many expired.
   */
  public synchronized int expire() {
    Instant now = now();
    List<OperatorOverride> due = book.due(now);
    if (due.isEmpty()) {
      return 0;
    }
    boolean changed = dropStale("maglevd");
    int n = 0;
    for (OperatorOverride o : book.due(now)) {
      revert(o);
      book = book.without(o.key());
      n++;
      changed = true;
      OverrideLog.log("override-expired", o, "");
      bus.publish(new MaglevEvent.OverrideChanged(now, "expired", o, "maglevd"));
    }
    dropStale("maglevd");
    if (changed) {
      try {
        save();
      } catch (NotPersistedException e) {
        logger
            .atError()
            .setMessage("state-file-write-failed")
            .addKeyValue("error", e.getMessage())
            .log();
      }
    }
    return n;
  }

  private void revert(OperatorOverride o) {
    String detail = "override expired: " + o.kind().label() + OverrideLog.by(o);
    try {
      switch (o.kind()) {
        case PAUSE -> checker.resume(o.backend(), detail);
        case DISABLE -> {
          if (configured(o.backend()).enabled()) {
            checker.enable(o.backend(), detail);
          }
        }
        case ENABLE -> {
          if (!configured(o.backend()).enabled()) {
            checker.disable(o.backend(), detail);
          }
        }
        case WEIGHT -> {
          WeightKey k = o.key().weightKey();
          checker.clearWeight(k.frontend(), k.pool(), k.backend());
          weightChanged.accept(k.frontend());
        }
      }
    } catch (CheckerException | RuntimeException e) {
      logger
          .atWarn()
          .setMessage("override-revert-failed")
          .addKeyValue("override", o.describe())
          .addKeyValue("error", String.valueOf(e.getMessage()))
          .log();
    }
  }

  /** After a config reload: drops the overrides it made moot, and saves the book if any went. */
  public synchronized void reconciled() {
    if (dropStale("maglevd (config reload)")) {
      try {
        save();
      } catch (NotPersistedException e) {
        logger
            .atError()
            .setMessage("state-file-write-failed")
            .addKeyValue("error", e.getMessage())
            .log();
      }
    }
  }

  // ------------------------------------------------------------------ inside

  private Instant now() {
    return clock.instant();
  }

  private static @Nullable Instant until(Request r, Instant since) {
    Duration ttl = r.ttl();
    return ttl == null ? null : since.plus(ttl);
  }

  private Backend configured(String backend) throws CheckerException {
    Backend b = models.current().config().backends().get(backend);
    if (b == null) {
      throw new CheckerException(Reason.NOT_FOUND, "backend \"" + backend + "\" not found");
    }
    return b;
  }

  private static CheckerException invalid(String message) {
    return new CheckerException(Reason.INVALID_ARGUMENT, message);
  }

  private void set(OperatorOverride o) {
    book = book.with(o);
    OverrideLog.log("override-set", o, "");
    bus.publish(new MaglevEvent.OverrideChanged(o.since(), "set", o, ""));
  }

  private void clear(OperatorOverride.Key key, String by) {
    book.get(key)
        .ifPresent(
            o -> {
              book = book.without(key);
              OverrideLog.log("override-cleared", o, "by " + by);
              bus.publish(new MaglevEvent.OverrideChanged(now(), "cleared", o, by));
            });
  }

  private BackendStatus settle(BackendStatus s, String actor) throws NotPersistedException {
    dropStale(actor);
    save();
    return s;
  }

  /** Drops the overrides that no longer describe what is in force; whether any went. */
  private boolean dropStale(String by) {
    if (book.isEmpty()) {
      return false;
    }
    LiveModel m = models.current();
    Config c = m.config();
    List<OperatorOverride> stale =
        book.stale(
            b -> {
              Backend cb = c.backends().get(b);
              return cb == null ? null : new OverrideBook.BackendFacts(m.state(b), cb.enabled());
            },
            k -> m.overrides().get(k));
    for (OperatorOverride o : stale) {
      clear(o.key(), by);
    }
    return !stale.isEmpty();
  }

  private void save() throws NotPersistedException {
    try {
      store.save(book.all(), now());
    } catch (IOException | RuntimeException e) {
      throw new NotPersistedException(
          "the change is in force, but the state file "
              + storeName
              + " could not be written ("
              + e
              + "): it will not survive a restart",
          e);
    }
  }
}
