package ch.ipng.maglev.daemon.dataplane;

import ch.ipng.maglev.config.Backend;
import ch.ipng.maglev.config.Config;
import ch.ipng.maglev.config.Frontend;
import ch.ipng.maglev.config.VppLbSettings;
import ch.ipng.maglev.daemon.model.LiveModel;
import ch.ipng.maglev.daemon.model.ModelChange;
import ch.ipng.maglev.daemon.model.ModelHub;
import ch.ipng.maglev.daemon.model.ModelListener;
import ch.ipng.maglev.daemon.model.ModelSource;
import ch.ipng.maglev.vpp.api.VppConnection;
import ch.ipng.maglev.vpp.api.VppException;
import ch.ipng.maglev.vpp.lb.LbClient.VipKey;
import java.net.InetAddress;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ScheduledFuture;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * maglevd's side of VPP, a thin facade over its parts: the link ({@link VppLink}), the warm-up
 * ({@link WarmUp}), the reconciler ({@link Reconciler}) and the counter scrape ({@link
 * CounterScraper}). It reads the live model and hears its changes; every VPP write runs on one
 * thread, in order, and nothing else writes to VPP.
 */
public final class VppDataplane implements AutoCloseable {
  private static final Logger logger = LoggerFactory.getLogger(VppDataplane.class);
  static final Duration PING_INTERVAL = Duration.ofSeconds(10);
  static final Duration RETRY_INTERVAL = Duration.ofSeconds(5);
  static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(5);
  static final Duration SCRAPE_INTERVAL = Duration.ofSeconds(5);
  static final Duration WARM_UP_TICK = Duration.ofMillis(100);

  /** Where VPP's sockets are. */
  public record Settings(Path apiSocket, Path statsSocket) {}

  private final Settings settings;
  private final ModelSource models;
  private final DataplaneObserver observer;
  private final Clock clock;
  private final DataplaneThread thread = new DataplaneThread("vpp-dataplane");
  // The counter scrape waits for a large CLI answer: it must not hold up the writes.
  private final DataplaneThread scraperThread = new DataplaneThread("vpp-stats");
  private final CounterScraper scraper;
  private final PendingTransitions transitions = new PendingTransitions();
  private final Layouts layouts = new Layouts();
  private final VppNames.Cache names = new VppNames.Cache();

  // Written on the executor thread only; other threads read it.
  private volatile @Nullable VppLink link;
  private volatile WarmUpView warmUpView;

  // Touched on the executor thread only.
  private final WarmUp warmUp;
  private @Nullable Reconciler reconciler;
  private @Nullable ScheduledFuture<?> periodic;
  private @Nullable Duration periodicInterval;
  private @Nullable VppLbSettings pushedConf;

  private VppDataplane(
      Settings settings, ModelSource models, DataplaneObserver observer, Clock clock) {
    this.settings = settings;
    this.models = models;
    this.observer = observer;
    this.clock = clock;
    this.warmUp = new WarmUp(clock.instant());
    this.warmUpView = warmUp.view(models.current()); // everything held
    this.scraper = new CounterScraper(observer, clock);
  }

  /** Starts connecting; health checking does not wait for VPP. */
  public static VppDataplane start(
      Settings settings, ModelHub models, DataplaneObserver observer, Clock clock) {
    VppDataplane d = new VppDataplane(settings, models, observer, clock);
    models.listen(d.new Changes());
    d.thread.execute("vpp-connect", d::connect);
    // the schedules live as long as their threads: nothing cancels them
    var unused = d.thread.every(WARM_UP_TICK, "warm-up", d::warmUpTick);
    unused = d.thread.every(PING_INTERVAL, "vpp-ping", d::ping);
    unused = d.scraperThread.every(SCRAPE_INTERVAL, "vpp-stats", d::scrape);
    return d;
  }

  /** What the dataplane does when the model changes: it only queues work for its thread. */
  private final class Changes implements ModelListener {
    @Override
    public void modelChanged(LiveModel model, ModelChange change) {
      switch (change) {
        case ModelChange.ConfigApplied c -> submit(VppDataplane.this::configApplied);
        case ModelChange.BackendsChanged b -> {
          if (transitions.addAll(b.backends())) {
            submit(VppDataplane.this::drainTransitions);
          }
        }
        case ModelChange.WeightSet w -> {
          // the operator's call syncs the frontend itself (syncFrontendNow) and waits for it
        }
      }
    }
  }

  // ------------------------------------------------------------------ the link

  private void connect() {
    if (thread.closed() || link != null) {
      return;
    }
    VppLink l;
    try {
      l =
          VppLink.connect(
              settings.apiSocket(), settings.statsSocket(), REQUEST_TIMEOUT, apiObserver(), clock);
    } catch (VppException e) {
      logger
          .atWarn()
          .setMessage("vpp-connect-failed")
          .addKeyValue("error", e.getMessage())
          .addKeyValue("retry_in", RETRY_INTERVAL.toSeconds() + "s")
          .log();
      thread.schedule(RETRY_INTERVAL, "vpp-connect", this::connect);
      return;
    }
    VppInfo i = l.info();
    link = l;
    reconciler = new Reconciler(l.lb(), this::submit, observer, clock);
    observer.vppConnected(i);
    var unused = l.api().closed().thenRun(() -> submit(() -> disconnect(l, "closed")));
    logger
        .atInfo()
        .setMessage("vpp-connect")
        .addKeyValue("version", i.version())
        .addKeyValue("pid", i.pid())
        .addKeyValue("api", settings.apiSocket().toString())
        .addKeyValue("stats", settings.statsSocket().toString())
        .log();
    try {
      pushConf(true);
      fullSync(SyncTrigger.CONNECT, false);
    } catch (VppException e) {
      // Nothing is known of what VPP holds: start over rather than plan from nothing, after the
      // usual pause (at once would hammer a VPP that connects but cannot answer a dump).
      link = null;
      reconciler = null;
      scraper.clear();
      l.close();
      logger
          .atWarn()
          .setMessage("vpp-connect-failed")
          .addKeyValue("error", "first sync: " + e.getMessage())
          .addKeyValue("retry_in", RETRY_INTERVAL.toSeconds() + "s")
          .log();
      thread.schedule(RETRY_INTERVAL, "vpp-connect", this::connect);
      return;
    }
    scraperThread.execute("vpp-stats", this::scrape);
  }

  private VppConnection.Observer apiObserver() {
    return new VppConnection.Observer() {
      @Override
      public void sent(String message, boolean dump) {
        observer.vppApi(message, "send", true);
        logger
            .atDebug()
            .setMessage(dump ? "vpp-api-send-multi" : "vpp-api-send")
            .addKeyValue("msg", message)
            .log();
      }

      @Override
      public void received(String message, boolean dump, boolean success) {
        observer.vppApi(message, "recv", success);
        logger
            .atDebug()
            .setMessage(dump ? "vpp-api-recv-multi" : "vpp-api-recv")
            .addKeyValue("msg", message)
            .addKeyValue("result", success ? "success" : "failure")
            .log();
      }

      @Override
      public void frameRefused(long claimedLength) {
        observer.vppFrameRefused(claimedLength);
      }
    };
  }

  private void disconnect(VppLink which, String reason) {
    if (link != which) {
      return;
    }
    link = null;
    reconciler = null;
    scraper.clear();
    which.close();
    logger.atInfo().setMessage("vpp-disconnect").addKeyValue("reason", reason).log();
    // at once first (a restarted VPP is back before we notice it left), then every 5 s
    submit(this::connect);
  }

  private void ping() {
    VppLink l = link;
    if (l == null) {
      return;
    }
    try {
      l.ping();
    } catch (VppException e) {
      disconnect(l, e.getMessage());
    }
  }

  /** lb_conf on connect and when its settings change. */
  private void pushConf(boolean always) {
    VppLink l = link;
    VppLbSettings s = models.current().config().vppLb();
    if (l != null && (always || !s.equals(pushedConf)) && l.pushConf(s)) {
      pushedConf = s;
    }
  }

  private void scrape() {
    VppLink l = link;
    if (l != null) {
      scraper.scrape(l, this::frontendOf, () -> link);
      if (observer.lbTablesWanted()) {
        readTables(l);
      }
    }
  }

  /**
   * Reads VPP's lb state for the table digests (metrics) when they were asked for; a read amid a
   * sync may lag one scrape.
   */
  private void readTables(VppLink l) {
    try {
      List<LbView.Vip> v = LbReadBack.tables(l.lb(), this::frontendOf);
      synchronized (scraper) { // as the counters: nothing of a closed connection comes back
        if (link == l) {
          observer.lbTables(v);
        }
      }
    } catch (VppException e) {
      logger.atWarn().setMessage("vpp-lb-read-failed").addKeyValue("error", e.getMessage()).log();
    }
  }

  // ------------------------------------------------------------------ warm-up and triggers

  private void warmUpTick() {
    LiveModel model = models.current();
    WarmUp.Step step = warmUp.tick(model, clock.instant());
    if (step.ended()) {
      logger.atInfo().setMessage("vpp-warm-up-done").log();
      fullSync(SyncTrigger.WARM_UP_END, false);
    }
    if (!step.released().isEmpty()) {
      syncFrontends(model, step.released(), Map.of(), SyncTrigger.WARM_UP_RELEASE);
    }
    warmUpView = warmUp.view(model);
    reschedulePeriodic(model.config().vppLb().syncInterval());
  }

  private void reschedulePeriodic(Duration interval) {
    if (interval.equals(periodicInterval)) {
      return;
    }
    if (periodic != null) {
      periodic.cancel(false);
    }
    periodicInterval = interval;
    periodic = thread.every(interval, "vpp-sync", () -> fullSync(SyncTrigger.PERIODIC, false));
  }

  /** After a reload: lb_conf if it changed, then a full sync. */
  private void configApplied() {
    pushConf(false);
    fullSync(SyncTrigger.RELOAD, false);
  }

  /**
   * Syncs every frontend that references a backend which changed state since the last drain, in one
   * pipelined batch: a burst of transitions costs one round of writes, not one per backend.
   */
  private void drainTransitions() {
    Map<String, Instant> backends = transitions.drain();
    if (link == null) {
      return;
    }
    LiveModel model = models.current();
    // affected frontends, each with the earliest transition among its backends
    Map<String, Instant> affected = new HashMap<>();
    for (Map.Entry<String, Instant> b : backends.entrySet()) {
      for (Frontend f : model.index().frontendsOf(b.getKey())) {
        affected.merge(f.name(), b.getValue(), (x, y) -> x.isBefore(y) ? x : y);
      }
    }
    List<String> frontends = new ArrayList<>();
    for (String f : model.config().frontends().keySet()) {
      if (affected.containsKey(f)) {
        frontends.add(f); // in config order
      }
    }
    syncFrontends(model, frontends, affected, SyncTrigger.TRANSITION);
  }

  // ------------------------------------------------------------------ syncs

  /** Reads VPP, then writes every released frontend (all for an operator); strays go once warm. */
  private SyncResult fullSync(SyncTrigger trigger, boolean operator) {
    Reconciler r = reconciler;
    if (r == null) {
      return SyncResult.NONE;
    }
    LiveModel model = models.current();
    Instant now = clock.instant();
    List<DesiredVip> desired = new ArrayList<>();
    for (DesiredVip d : DesiredVip.all(model)) {
      if (operator || warmUp.released(model, d.frontend(), now)) {
        desired.add(d);
      }
    }
    return r.fullSync(desired, warmUp.warm() || operator, trigger);
  }

  /**
   * Syncs the named frontends that the warm-up has released; the writes' answers are reported as
   * they arrive (the dataplane thread moves on).
   */
  private void syncFrontends(
      LiveModel model, List<String> frontends, Map<String, Instant> since, SyncTrigger trigger) {
    Reconciler r = reconciler;
    if (r == null) {
      return;
    }
    Instant now = clock.instant();
    List<DesiredVip> desired = new ArrayList<>();
    Map<VipKey, Instant> sinceByVip = new HashMap<>();
    for (String name : frontends) {
      if (!warmUp.released(model, name, now)) {
        logger
            .atDebug()
            .setMessage("vpp-sync-suppressed")
            .addKeyValue("frontend", name)
            .addKeyValue("reason", "warm-up")
            .log();
        continue;
      }
      model
          .frontend(name)
          .ifPresent(
              s -> {
                DesiredVip d = DesiredVip.of(layouts.of(model.config(), s.frontend()), s);
                desired.add(d);
                Instant t = since.get(name);
                if (t != null) {
                  sinceByVip.put(d.key(), t);
                }
              });
    }
    if (!desired.isEmpty()) {
      var unused = r.sync(desired, null, trigger, sinceByVip, Reconciler.Answers.REPORT_LATER);
    }
  }

  /** An operator's sync of one frontend, flushing one backend's flows if asked; waits. */
  private SyncResult operatorSync(String frontend, @Nullable String flushBackend) {
    Reconciler r = reconciler;
    LiveModel model = models.current();
    Config config = model.config();
    Optional<DesiredVip> d =
        model.frontend(frontend).map(s -> DesiredVip.of(layouts.of(config, s.frontend()), s));
    if (r == null || d.isEmpty()) {
      return SyncResult.NONE;
    }
    Backend flush = flushBackend == null ? null : config.backends().get(flushBackend);
    Plan.AsKey force = flush == null ? null : new Plan.AsKey(d.get().key(), flush.address());
    return r.sync(
        List.of(d.get()), force, SyncTrigger.OPERATOR, Map.of(), Reconciler.Answers.AWAIT);
  }

  /** Runs a task on the dataplane thread, unless the dataplane is closing. */
  private void submit(Runnable task) {
    thread.execute("vpp-sync", task);
  }

  // ------------------------------------------------------------------ the API's calls

  public Optional<VppInfo> info() {
    VppLink l = link;
    return l == null ? Optional.empty() : Optional.of(l.info());
  }

  /** The startup warm-up: running or done, and what it still holds back. */
  public WarmUpView warmUp() {
    return warmUpView;
  }

  public Optional<Counters> counters() {
    return scraper.counters();
  }

  /**
   * Reads VPP's lb state now (on the dataplane thread, between writes).
   *
   * @throws DataplaneException when VPP is not connected or does not answer
   */
  public LbView state() {
    return thread.call(
        () -> LbReadBack.view(requireConnected().lb(), this::frontendOf, this::backendOf));
  }

  /**
   * Syncs one frontend now (an operator's weight change), flushing {@code flushBackend}'s flows if
   * given, and waits for it.
   *
   * @throws DataplaneException when VPP is not connected or does not answer
   */
  public SyncResult syncFrontendNow(String frontend, @Nullable String flushBackend) {
    return thread.call(
        () -> {
          requireConnected();
          return operatorSync(frontend, flushBackend);
        });
  }

  /**
   * SyncVPPLBState: everything, or one frontend; waits for it.
   *
   * @throws IllegalArgumentException for a frontend not in the config
   * @throws DataplaneException when VPP is not connected or does not answer
   */
  public SyncResult syncNow(@Nullable String frontend) {
    return thread.call(
        () -> {
          requireConnected();
          if (frontend == null) {
            return fullSync(SyncTrigger.OPERATOR, true);
          }
          if (!models.current().config().frontends().containsKey(frontend)) {
            throw new IllegalArgumentException("frontend not found in config: " + frontend);
          }
          return operatorSync(frontend, null);
        });
  }

  private VppLink requireConnected() {
    VppLink l = link;
    if (l == null) {
      throw new DataplaneException("VPP is not connected");
    }
    return l;
  }

  private String frontendOf(VipKey key) {
    return names.of(models.current().config()).frontendOf(key);
  }

  private String backendOf(InetAddress address) {
    return names.of(models.current().config()).backendOf(address);
  }

  /** Leaves VPP as it is: a restart of maglevd must not disturb traffic. */
  @Override
  public void close() {
    scraperThread.stopNow();
    thread.close(
        () -> {
          VppLink l = link;
          link = null;
          if (l != null) {
            l.close();
          }
        });
  }
}
