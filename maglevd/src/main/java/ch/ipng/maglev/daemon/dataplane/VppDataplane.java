package ch.ipng.maglev.daemon.dataplane;

import ch.ipng.maglev.config.Backend;
import ch.ipng.maglev.config.BackendIndex;
import ch.ipng.maglev.config.Config;
import ch.ipng.maglev.config.Frontend;
import ch.ipng.maglev.config.VppLbSettings;
import ch.ipng.maglev.daemon.checker.Checker;
import ch.ipng.maglev.daemon.checker.FrontendStatus;
import ch.ipng.maglev.daemon.events.EventBus;
import ch.ipng.maglev.daemon.events.MaglevEvent;
import ch.ipng.maglev.daemon.health.BackendState;
import ch.ipng.maglev.daemon.metrics.DaemonMetrics;
import ch.ipng.maglev.vpp.api.VppConnection;
import ch.ipng.maglev.vpp.api.VppException;
import ch.ipng.maglev.vpp.api.msg.ControlPing;
import ch.ipng.maglev.vpp.api.msg.ControlPingReply;
import ch.ipng.maglev.vpp.api.msg.ShowVersion;
import ch.ipng.maglev.vpp.api.msg.ShowVersionReply;
import ch.ipng.maglev.vpp.lb.LbClient;
import ch.ipng.maglev.vpp.lb.LbClient.VipKey;
import ch.ipng.maglev.vpp.stats.StatsSegment;
import java.net.InetAddress;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * maglevd's side of VPP: the connection to both sockets, warm-up, and the reconciler. Every VPP
 * write runs on one thread, in order; nothing else writes to VPP. Health and config are only read.
 */
public final class VppDataplane implements AutoCloseable {
  private static final Logger logger = LoggerFactory.getLogger(VppDataplane.class);
  static final String CLIENT_NAME = "vpp-maglev";
  static final Duration PING_INTERVAL = Duration.ofSeconds(10);
  static final Duration RETRY_INTERVAL = Duration.ofSeconds(5);
  static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(5);
  static final Duration SCRAPE_INTERVAL = Duration.ofSeconds(5);

  /** Where VPP's sockets are. */
  public record Settings(Path apiSocket, Path statsSocket) {}

  /** The connected VPP, as GetVPPInfo reports it. */
  public record Info(
      String version,
      String buildDate,
      String buildDirectory,
      int pid,
      long bootTimeSeconds,
      Instant connectedAt) {}

  /**
   * The startup warm-up as GetVPPInfo reports it: whether it runs, until when nothing is written,
   * when it ends, and the frontends whose VIP has not been written yet (name order).
   */
  public record WarmUp(
      boolean active, Instant handsOffUntil, Instant ends, List<String> heldFrontends) {
    public WarmUp {
      heldFrontends = List.copyOf(heldFrontends);
    }
  }

  /** What one sync changed. */
  public record SyncResult(
      int vipAdded, int vipRemoved, int asAdded, int asRemoved, int asWeightUpdated) {}

  /** The last counter scrape: per VIP key, the four lb counters summed over threads. */
  public record Counters(Instant time, Map<VipKey, long[]> vips) {}

  /** A consistent read of VPP's lb state for GetVPPLBState. */
  public record LbState(
      LbClient.Conf conf,
      List<Plan.ActualVip> vips,
      Map<VipKey, VipFacts> facts,
      Map<VipKey, List<LbClient.As>> ases) {}

  private final Settings settings;
  private final Checker checker;
  private final DaemonMetrics metrics;
  private final Clock clock;
  private final Instant startedAt;
  private final ScheduledExecutorService executor;
  // The counter scrape waits for a large CLI answer: it must not hold up the writes.
  private final ScheduledExecutorService scraper;
  // Guards publishing a scrape against a disconnect clearing what it published.
  private final Object scrapeLock = new Object();

  // Written on the executor thread only; the scraper reads it.
  private volatile @Nullable Link link;

  // Touched on the executor thread only.
  private final Map<VipKey, Plan.ActualVip> believed = new LinkedHashMap<>();
  private final Set<Plan.AsKey> flushed = new HashSet<>();
  private final Set<String> released = new HashSet<>();
  private boolean warm;
  private @Nullable ScheduledFuture<?> periodic;
  private @Nullable Duration periodicInterval;
  private @Nullable VppLbSettings pushedConf;
  private volatile @Nullable Info info;
  private volatile WarmUp warmUpView; // first set by the constructor
  private volatile @Nullable Counters counters;
  private volatile boolean closed;

  /** One connection to both sockets; they come and go together. */
  private record Link(VppConnection api, LbClient lb, StatsSegment stats, Info info) {}

  private VppDataplane(
      Settings settings, Checker checker, DaemonMetrics metrics, Clock clock, Instant startedAt) {
    this.settings = settings;
    this.checker = checker;
    this.metrics = metrics;
    this.clock = clock;
    this.startedAt = startedAt;
    publishWarmUp(); // everything held
    this.executor =
        Executors.newSingleThreadScheduledExecutor(
            r -> Thread.ofPlatform().daemon().name("vpp-dataplane").unstarted(r));
    this.scraper =
        Executors.newSingleThreadScheduledExecutor(
            r -> Thread.ofPlatform().daemon().name("vpp-stats").unstarted(r));
  }

  /** Starts connecting; health checking does not wait for VPP. */
  public static VppDataplane start(
      Settings settings, Checker checker, EventBus bus, DaemonMetrics metrics, Clock clock) {
    VppDataplane d = new VppDataplane(settings, checker, metrics, clock, clock.instant());
    bus.listen(d::onEvent);
    d.executor.execute(d::connect);
    d.executor.scheduleWithFixedDelay(
        d.surviving("warm-up", d::warmUpTick), 100, 100, TimeUnit.MILLISECONDS);
    d.executor.scheduleWithFixedDelay(
        d.surviving("vpp-ping", d::ping),
        PING_INTERVAL.toMillis(),
        PING_INTERVAL.toMillis(),
        TimeUnit.MILLISECONDS);
    d.scraper.scheduleWithFixedDelay(
        d.surviving("vpp-stats", d::scrape),
        SCRAPE_INTERVAL.toMillis(),
        SCRAPE_INTERVAL.toMillis(),
        TimeUnit.MILLISECONDS);
    return d;
  }

  /** A task that logs a failure instead of cancelling its schedule. */
  private Runnable surviving(String what, Runnable task) {
    return () -> {
      try {
        task.run();
      } catch (RuntimeException e) {
        logger.atWarn().setMessage(what + "-failed").addKeyValue("error", e.toString()).log();
      }
    };
  }

  // ------------------------------------------------------------------ connection

  private void connect() {
    if (closed || link != null) {
      return;
    }
    VppConnection api = null;
    try {
      api = VppConnection.connect(settings.apiSocket(), CLIENT_NAME, REQUEST_TIMEOUT, required());
      api.observe(observer());
      StatsSegment stats = StatsSegment.connect(settings.statsSocket(), Duration.ofSeconds(1));
      ShowVersionReply version =
          api.callSync(new ShowVersion(), ShowVersionReply.TYPE, "show_version");
      ControlPingReply ping =
          api.callSync(new ControlPing(), ControlPingReply.TYPE, "control_ping");
      Info i =
          new Info(
              version.version(),
              version.buildDate(),
              version.buildDirectory(),
              ping.vpePid(),
              stats.scalar("/sys/boottime"),
              clock.instant());
      VppConnection connected = api;
      link = new Link(api, new LbClient(api), stats, i);
      info = i;
      metrics.vppConnected(
          i.version(), i.buildDate(), i.pid(), i.bootTimeSeconds(), i.connectedAt());
      connected.closed().thenRun(() -> submit(() -> disconnect(connected, "closed")));
      logger
          .atInfo()
          .setMessage("vpp-connect")
          .addKeyValue("version", i.version())
          .addKeyValue("pid", i.pid())
          .addKeyValue("api", settings.apiSocket().toString())
          .addKeyValue("stats", settings.statsSocket().toString())
          .log();
      believed.clear();
      flushed.clear();
      pushConf(true);
      fullSync("connect");
      try {
        scraper.execute(surviving("vpp-stats", this::scrape));
      } catch (java.util.concurrent.RejectedExecutionException e) {
        // closing
      }
    } catch (VppException e) {
      if (api != null) {
        api.close();
      }
      logger
          .atWarn()
          .setMessage("vpp-connect-failed")
          .addKeyValue("error", e.getMessage())
          .addKeyValue("retry_in", RETRY_INTERVAL.toSeconds() + "s")
          .log();
      retryLater();
    }
  }

  private static List<ch.ipng.maglev.vpp.api.MessageType<?>> required() {
    List<ch.ipng.maglev.vpp.api.MessageType<?>> r = new ArrayList<>(LbClient.REQUIRED);
    r.add(ControlPing.TYPE);
    r.add(ControlPingReply.TYPE);
    return r;
  }

  private VppConnection.Observer observer() {
    return new VppConnection.Observer() {
      @Override
      public void sent(String message, boolean dump) {
        metrics.vppApi(message, "send", true);
        logger
            .atDebug()
            .setMessage(dump ? "vpp-api-send-multi" : "vpp-api-send")
            .addKeyValue("msg", message)
            .log();
      }

      @Override
      public void received(String message, boolean dump, boolean success) {
        metrics.vppApi(message, "recv", success);
        logger
            .atDebug()
            .setMessage(dump ? "vpp-api-recv-multi" : "vpp-api-recv")
            .addKeyValue("msg", message)
            .addKeyValue("result", success ? "success" : "failure")
            .log();
      }
    };
  }

  private void retryLater() {
    if (!closed) {
      executor.schedule(this::connect, RETRY_INTERVAL.toMillis(), TimeUnit.MILLISECONDS);
    }
  }

  private void disconnect(VppConnection which, String reason) {
    Link l = link;
    if (l == null || l.api() != which) {
      return;
    }
    synchronized (scrapeLock) {
      link = null;
      counters = null;
      metrics.vppDisconnected();
    }
    info = null;
    believed.clear();
    l.api().close();
    l.stats().close();
    logger.atInfo().setMessage("vpp-disconnect").addKeyValue("reason", reason).log();
    // at once first (a restarted VPP is back before we notice it left), then every 5 s
    submit(this::connect);
  }

  private void ping() {
    Link l = link;
    if (l == null) {
      return;
    }
    try {
      l.api().callSync(new ControlPing(), ControlPingReply.TYPE, "control_ping");
    } catch (VppException e) {
      disconnect(l.api(), e.getMessage());
    }
  }

  /** lb_conf on connect and when its settings change; needs both source addresses. */
  private void pushConf(boolean always) {
    Link l = link;
    VppLbSettings s = checker.config().vppLb();
    if (l == null || (!always && s.equals(pushedConf))) {
      return;
    }
    if (s.ipv4SrcAddress() == null || s.ipv6SrcAddress() == null) {
      // the config loader refuses such a config when VPP is programmed; kept for safety
      logger
          .atWarn()
          .setMessage("vpp-lb-conf-skipped")
          .addKeyValue("reason", "maglev.vpp.lb.ipv4-src-address or ipv6-src-address is unset")
          .log();
      pushedConf = s;
      return;
    }
    LbClient.Conf conf =
        new LbClient.Conf(
            s.ipv4SrcAddress(),
            s.ipv6SrcAddress(),
            (int) s.stickyBucketsPerCore(),
            (int) s.flowTimeout().toSeconds());
    try {
      if (VppConnection.await(l.lb().confGet()).equals(conf)) {
        pushedConf = s; // VPP already has it: nothing is written
        return;
      }
      VppConnection.await(l.lb().conf(conf));
      pushedConf = s;
      logger.atInfo().setMessage("vpp-lb-conf").addKeyValue("conf", conf.toString()).log();
    } catch (VppException e) {
      logger.atWarn().setMessage("vpp-lb-conf-failed").addKeyValue("error", e.getMessage()).log();
    }
  }

  // ------------------------------------------------------------------ warm-up

  private boolean handsOff() {
    return Duration.between(startedAt, clock.instant())
            .compareTo(checker.config().vppLb().startupMinDelay())
        < 0;
  }

  private boolean pastMaxDelay() {
    return Duration.between(startedAt, clock.instant())
            .compareTo(checker.config().vppLb().startupMaxDelay())
        >= 0;
  }

  /** A frontend may be written once warm, or once all of its backends have a known state. */
  private boolean released(String frontend) {
    if (warm || released.contains(frontend)) {
      return true;
    }
    if (handsOff()) {
      return false;
    }
    Optional<FrontendStatus> s = checker.frontend(frontend);
    if (s.isPresent() && !s.get().states().containsValue(BackendState.UNKNOWN)) {
      released.add(frontend);
      return true;
    }
    return false;
  }

  private void warmUpTick() {
    if (!warm) {
      if (!handsOff() && pastMaxDelay()) {
        warm = true;
        logger.atInfo().setMessage("vpp-warm-up-done").log();
        fullSync("warm-up-end");
      } else if (!handsOff()) {
        // Only frontends not yet released are looked at: this runs every 100 ms until
        // startup-max-delay, and must not hold up the transitions queued behind it.
        List<Frontend> ready = new ArrayList<>();
        for (Frontend f : checker.config().frontends().values()) {
          if (!released.contains(f.name()) && released(f.name())) {
            ready.add(f);
          }
        }
        // in VIP order, not config order: the same config in any key order writes the same
        DesiredVip.sortByVip(ready, DesiredVip::keyOf);
        for (Frontend f : ready) {
          syncFrontend(f.name(), null, "warm-up-release");
        }
      }
    }
    publishWarmUp();
    reschedulePeriodic();
  }

  /** Publishes the warm-up's state for GetVPPInfo. */
  private void publishWarmUp() {
    VppLbSettings lb = checker.config().vppLb();
    List<String> held =
        warm
            ? List.of()
            : checker.config().frontends().keySet().stream()
                .filter(f -> !released.contains(f))
                .sorted()
                .toList();
    warmUpView =
        new WarmUp(
            !warm,
            startedAt.plus(lb.startupMinDelay()),
            startedAt.plus(lb.startupMaxDelay()),
            held);
  }

  private void reschedulePeriodic() {
    Duration interval = checker.config().vppLb().syncInterval();
    if (interval.equals(periodicInterval)) {
      return;
    }
    if (periodic != null) {
      periodic.cancel(false);
    }
    periodicInterval = interval;
    periodic =
        executor.scheduleWithFixedDelay(
            surviving("vpp-sync", () -> fullSync("periodic")),
            interval.toMillis(),
            interval.toMillis(),
            TimeUnit.MILLISECONDS);
  }

  // ------------------------------------------------------------------ triggers

  /** Lookups derived from one config snapshot, rebuilt when the config changes. */
  private record Lookups(
      Config config,
      BackendIndex frontendsByBackend,
      Map<VipKey, String> frontendByVip,
      Map<InetAddress, String> backendByAddress) {
    static Lookups of(Config config) {
      Map<VipKey, String> frontends = new HashMap<>();
      for (Frontend f : config.frontends().values()) {
        frontends.putIfAbsent(DesiredVip.keyOf(f), f.name());
      }
      Map<InetAddress, String> backends = new HashMap<>();
      for (Backend b : config.backends().values()) {
        backends.putIfAbsent(b.address(), b.name()); // the first by name, as listed
      }
      return new Lookups(config, BackendIndex.of(config), frontends, backends);
    }
  }

  // read by gRPC threads too: an immutable snapshot behind a volatile
  private volatile @Nullable Lookups lookups;

  private Lookups lookups() {
    Config config = checker.config();
    Lookups l = lookups;
    if (l == null || l.config() != config) {
      l = Lookups.of(config);
      lookups = l;
    }
    return l;
  }

  /** Backends whose transitions wait for the dataplane thread, with the earliest time each. */
  private final Map<String, Instant> pendingTransitions = new LinkedHashMap<>();

  private void onEvent(MaglevEvent event) {
    if (event instanceof MaglevEvent.BackendTransition t) {
      boolean schedule;
      synchronized (pendingTransitions) {
        schedule = pendingTransitions.isEmpty();
        pendingTransitions.putIfAbsent(t.backend(), t.time());
      }
      if (schedule) {
        submit(surviving("vpp-sync", this::drainTransitions));
      }
    }
  }

  /**
   * Syncs every frontend that references a backend which changed state since the last drain, in one
   * pipelined batch: a burst of transitions costs one round of writes, not one per backend.
   */
  private void drainTransitions() {
    Map<String, Instant> backends;
    synchronized (pendingTransitions) {
      backends = new LinkedHashMap<>(pendingTransitions);
      pendingTransitions.clear();
    }
    Link l = link;
    if (l == null) {
      return;
    }
    Lookups lookups = lookups();
    Config config = lookups.config();
    List<DesiredVip> desired = new ArrayList<>();
    List<Plan.ActualVip> actual = new ArrayList<>();
    Map<VipKey, Instant> since = new HashMap<>();
    // affected frontends, each with the earliest transition among its backends, in config order
    Map<String, Instant> affected = new HashMap<>();
    for (Map.Entry<String, Instant> b : backends.entrySet()) {
      for (Frontend f : lookups.frontendsByBackend().frontendsOf(b.getKey())) {
        affected.merge(f.name(), b.getValue(), (x, y) -> x.isBefore(y) ? x : y);
      }
    }
    for (Frontend f : config.frontends().values()) {
      Instant earliest = affected.get(f.name());
      if (earliest == null) {
        continue;
      }
      if (!released(f.name())) {
        logger
            .atDebug()
            .setMessage("vpp-sync-suppressed")
            .addKeyValue("frontend", f.name())
            .addKeyValue("reason", "warm-up")
            .log();
        continue;
      }
      Optional<FrontendStatus> status = checker.frontend(f.name());
      if (status.isEmpty()) {
        continue;
      }
      DesiredVip d = DesiredVip.of(config, status.get());
      desired.add(d);
      since.put(d.key(), earliest);
      Plan.ActualVip a = believed.get(d.key());
      if (a != null) {
        actual.add(a);
      }
    }
    if (!desired.isEmpty()) {
      execute(
          l,
          Plan.of(desired, actual, false, flushed, null),
          "vip",
          "transition",
          since::get,
          false);
    }
  }

  /** Runs a task on the dataplane thread, unless the dataplane is closing. */
  private void submit(Runnable task) {
    if (closed) {
      return;
    }
    try {
      executor.execute(task);
    } catch (java.util.concurrent.RejectedExecutionException e) {
      // closing: nothing is written to VPP any more
    }
  }

  /** After a reload: lb_conf if it changed, then a full sync. */
  public void configApplied() {
    submit(
        surviving(
            "vpp-sync",
            () -> {
              pushConf(false);
              fullSync("reload");
            }));
  }

  /**
   * Syncs one frontend now (a runtime weight change), flushing {@code flushBackend}'s flows if
   * given, and waits for it.
   */
  public SyncResult syncFrontendNow(String frontend, @Nullable String flushBackend) {
    return onExecutor(
        () -> {
          requireConnected();
          return syncFrontend(frontend, flushBackend, "operator");
        });
  }

  /** SyncVPPLBState: everything, or one frontend; waits for it. */
  public SyncResult syncNow(@Nullable String frontend) {
    return onExecutor(
        () -> {
          requireConnected();
          if (frontend == null) {
            return doFullSync("operator", true);
          }
          if (!checker.config().frontends().containsKey(frontend)) {
            throw new IllegalArgumentException("frontend not found in config: " + frontend);
          }
          return syncFrontend(frontend, null, "operator");
        });
  }

  private void requireConnected() {
    if (link == null) {
      throw new VppException("VPP is not connected");
    }
  }

  private <T> T onExecutor(java.util.concurrent.Callable<T> task) {
    CompletableFuture<T> f = new CompletableFuture<>();
    executor.execute(
        () -> {
          try {
            f.complete(task.call());
          } catch (Exception e) {
            f.completeExceptionally(e);
          }
        });
    try {
      return f.get(60, TimeUnit.SECONDS);
    } catch (java.util.concurrent.ExecutionException e) {
      if (e.getCause() instanceof RuntimeException r) {
        throw r;
      }
      throw new VppException(String.valueOf(e.getCause()), e.getCause());
    } catch (java.util.concurrent.TimeoutException e) {
      throw new VppException("the VPP dataplane did not answer within 60 s", e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new VppException("interrupted", e);
    }
  }

  // ------------------------------------------------------------------ syncs

  private void fullSync(String why) {
    if (link == null) {
      return;
    }
    doFullSync(why, false);
  }

  /** Reads VPP, then plans and writes every released frontend; strays go once warm. */
  private SyncResult doFullSync(String why, boolean operator) {
    Link l = link;
    if (l == null) {
      return new SyncResult(0, 0, 0, 0, 0);
    }
    Map<VipKey, Plan.ActualVip> actual = readActual(l);
    believed.clear();
    believed.putAll(actual);
    Config config = checker.config();
    List<DesiredVip> desired = new ArrayList<>();
    for (DesiredVip d : DesiredVip.all(config, f -> checker.frontend(f).orElseThrow())) {
      if (operator || released(d.frontend())) {
        desired.add(d);
      }
    }
    boolean deleteStrays = warm || operator;
    List<Plan.Op> ops = Plan.of(desired, List.copyOf(actual.values()), deleteStrays, flushed, null);
    return execute(l, ops, "all", why, k -> null);
  }

  private SyncResult syncFrontend(String frontend, @Nullable String flushBackend, String why) {
    return syncFrontend(frontend, flushBackend, why, null);
  }

  private SyncResult syncFrontend(
      String frontend, @Nullable String flushBackend, String why, @Nullable Instant since) {
    Link l = link;
    if (l == null || !(why.equals("operator") || released(frontend))) {
      if (l != null) {
        logger
            .atDebug()
            .setMessage("vpp-sync-suppressed")
            .addKeyValue("frontend", frontend)
            .addKeyValue("reason", "warm-up")
            .log();
      }
      return new SyncResult(0, 0, 0, 0, 0);
    }
    Config config = checker.config();
    Optional<FrontendStatus> status = checker.frontend(frontend);
    if (status.isEmpty()) {
      return new SyncResult(0, 0, 0, 0, 0);
    }
    DesiredVip d = DesiredVip.of(config, status.get());
    Plan.AsKey force = null;
    if (flushBackend != null && config.backends().containsKey(flushBackend)) {
      force = new Plan.AsKey(d.key(), config.backends().get(flushBackend).address());
    }
    List<Plan.ActualVip> actual = new ArrayList<>();
    Plan.ActualVip a = believed.get(d.key());
    if (a != null) {
      actual.add(a);
    }
    return execute(l, Plan.of(List.of(d), actual, false, flushed, force), "vip", why, k -> since);
  }

  /** Writes the planned ops and waits for VPP's answers: the counts are of accepted writes. */
  private SyncResult execute(
      Link l,
      List<Plan.Op> ops,
      String scope,
      String why,
      java.util.function.Function<VipKey, @Nullable Instant> since) {
    return execute(l, ops, scope, why, since, true);
  }

  /**
   * Writes the planned ops pipelined, in order. The believed state follows the plan at once, so the
   * next plan builds on it without waiting for VPP; an op VPP refuses is logged and its VIP
   * forgotten, so the next full sync reads it again. Without {@code wait} the dataplane thread
   * moves on at once and the answers are reported when they arrive.
   */
  private SyncResult execute(
      Link l,
      List<Plan.Op> ops,
      String scope,
      String why,
      java.util.function.Function<VipKey, @Nullable Instant> since,
      boolean wait) {
    if (ops.isEmpty()) {
      return new SyncResult(0, 0, 0, 0, 0);
    }
    long start = System.nanoTime();
    Instant issued = clock.instant();
    List<CompletableFuture<Void>> futures = new ArrayList<>(ops.size());
    Instant[] answered = new Instant[ops.size()];
    for (int i = 0; i < ops.size(); i++) {
      Plan.Op op = ops.get(i);
      CompletableFuture<Void> f =
          switch (op) {
            case Plan.AddVip v ->
                l.lb().addVip(v.vip(), v.encap(), DesiredVip.TABLE_LENGTH, v.srcIpSticky());
            case Plan.DelVip v -> l.lb().delVip(v.vip());
            case Plan.AddAs a -> l.lb().addAs(a.vip(), a.address(), a.weight(), false);
            case Plan.DelAs a -> l.lb().delAs(a.vip(), a.address(), true);
            case Plan.SetWeight w -> l.lb().setWeight(w.vip(), w.address(), w.weight(), w.flush());
          };
      int index = i;
      futures.add(f.whenComplete((r, e) -> answered[index] = clock.instant()));
      apply(op);
    }
    java.util.function.Supplier<SyncResult> report =
        () -> {
          int[] kinds = new int[5];
          for (int i = 0; i < ops.size(); i++) {
            Plan.Op op = ops.get(i);
            try {
              VppConnection.await(futures.get(i));
            } catch (VppException e) {
              logger
                  .atWarn()
                  .setMessage("vpp-lb-sync-failed")
                  .addKeyValue("scope", scope)
                  .addKeyValue("op", describe(op))
                  .addKeyValue("error", e.getMessage())
                  .log();
              Runnable forget =
                  () -> {
                    believed.remove(op.vip());
                    if (op instanceof Plan.SetWeight w) {
                      flushed.remove(new Plan.AsKey(w.vip(), w.address()));
                    }
                  };
              if (wait) {
                forget.run();
              } else {
                submit(forget); // the believed state belongs to the dataplane thread
              }
              continue;
            }
            kinds[kind(op)]++;
            var record =
                logger
                    .atInfo()
                    .setMessage("vpp-lb-sync")
                    .addKeyValue("scope", scope)
                    .addKeyValue("trigger", why)
                    .addKeyValue("op", describe(op));
            Instant transition = since.apply(op.vip());
            if (transition != null) {
              // from the recorded transition to sending the write, and to VPP's answer to it
              record =
                  record
                      .addKeyValue("sent_us", Duration.between(transition, issued).toNanos() / 1000)
                      .addKeyValue(
                          "latency_us", Duration.between(transition, answered[i]).toNanos() / 1000);
            }
            record.log();
          }
          String[] names = {
            "vip_added", "vip_removed", "as_added", "as_removed", "as_weight_updated"
          };
          for (int k = 0; k < kinds.length; k++) {
            if (kinds[k] > 0) {
              metrics.lbSync(scope, names[k], kinds[k]);
            }
          }
          logger
              .atInfo()
              .setMessage("vpp-lb-sync-done")
              .addKeyValue("scope", scope)
              .addKeyValue("trigger", why)
              .addKeyValue("writes", ops.size())
              .addKeyValue("duration_ms", (System.nanoTime() - start) / 1_000_000)
              .log();
          return new SyncResult(kinds[0], kinds[1], kinds[2], kinds[3], kinds[4]);
        };
    if (wait) {
      return report.get();
    }
    CompletableFuture.allOf(futures.toArray(CompletableFuture[]::new))
        .whenComplete(
            (r, e) -> {
              // logged on the thread VPP's answers arrive on: the dataplane thread moves on
              var unused = report.get();
            });
    return new SyncResult(0, 0, 0, 0, 0);
  }

  private static int kind(Plan.Op op) {
    return switch (op) {
      case Plan.AddVip v -> 0;
      case Plan.DelVip v -> 1;
      case Plan.AddAs a -> 2;
      case Plan.DelAs a -> 3;
      case Plan.SetWeight w -> 4;
    };
  }

  private static String describe(Plan.Op op) {
    return switch (op) {
      case Plan.AddVip v ->
          "add vip " + v.vip() + " " + v.encap() + (v.srcIpSticky() ? " src-ip-sticky" : "");
      case Plan.DelVip v -> "del vip " + v.vip();
      case Plan.AddAs a ->
          "add as " + a.address().getHostAddress() + " weight " + a.weight() + " to " + a.vip();
      case Plan.DelAs a -> "del as " + a.address().getHostAddress() + " flush from " + a.vip();
      case Plan.SetWeight w ->
          "set weight "
              + w.address().getHostAddress()
              + " "
              + w.weight()
              + (w.flush() ? " flush" : "")
              + " on "
              + w.vip();
    };
  }

  /** Updates the believed state after a successful op; returns its kind index. */
  private int apply(Plan.Op op) {
    switch (op) {
      case Plan.AddVip v -> {
        believed.put(v.vip(), new Plan.ActualVip(v.vip(), v.encap(), v.srcIpSticky(), List.of()));
        return 0;
      }
      case Plan.DelVip v -> {
        believed.remove(v.vip());
        return 1;
      }
      case Plan.AddAs a -> {
        replaceAs(a.vip(), a.address(), new Plan.ActualAs(a.address(), a.weight(), true));
        // an AS added at weight 0 has no flows of its own: there is nothing left to flush
        if (a.weight() == 0) {
          flushed.add(new Plan.AsKey(a.vip(), a.address()));
        } else {
          flushed.remove(new Plan.AsKey(a.vip(), a.address()));
        }
        return 2;
      }
      case Plan.DelAs a -> {
        replaceAs(a.vip(), a.address(), null);
        flushed.remove(new Plan.AsKey(a.vip(), a.address()));
        return 3;
      }
      case Plan.SetWeight w -> {
        replaceAs(w.vip(), w.address(), new Plan.ActualAs(w.address(), w.weight(), true));
        Plan.AsKey key = new Plan.AsKey(w.vip(), w.address());
        if (w.weight() == 0 && w.flush()) {
          flushed.add(key);
        } else {
          flushed.remove(key);
        }
        return 4;
      }
    }
  }

  private void replaceAs(VipKey vip, InetAddress address, Plan.@Nullable ActualAs as) {
    Plan.ActualVip v = believed.get(vip);
    if (v == null) {
      return;
    }
    List<Plan.ActualAs> ases = new ArrayList<>();
    for (Plan.ActualAs a : v.ases()) {
      if (!a.address().equals(address)) {
        ases.add(a);
      }
    }
    if (as != null) {
      ases.add(as);
    }
    believed.put(vip, new Plan.ActualVip(vip, v.encap(), v.srcIpSticky(), ases));
  }

  /** VPP's VIPs with their ASes, and src-ip-sticky from the CLI (the dump lacks it). */
  private static Map<VipKey, Plan.ActualVip> readActual(Link l) {
    List<LbClient.Vip> vips = VppConnection.await(l.lb().vips());
    List<LbClient.As> ases = VppConnection.await(l.lb().ass());
    Map<VipKey, VipFacts> facts =
        VipFacts.parse(VppConnection.await(l.lb().cli("show lb vips verbose")));
    Map<VipKey, List<Plan.ActualAs>> byVip = new HashMap<>();
    for (LbClient.As a : ases) {
      byVip
          .computeIfAbsent(a.vip(), k -> new ArrayList<>())
          .add(new Plan.ActualAs(a.address(), a.weight(), a.active()));
    }
    Map<VipKey, Plan.ActualVip> out = new LinkedHashMap<>();
    for (LbClient.Vip v : vips) {
      VipFacts f = facts.get(v.key());
      out.put(
          v.key(),
          new Plan.ActualVip(
              v.key(),
              v.encap(),
              f != null && f.srcIpSticky(),
              byVip.getOrDefault(v.key(), List.of())));
    }
    return out;
  }

  // ------------------------------------------------------------------ reads

  public Optional<Info> info() {
    return Optional.ofNullable(info);
  }

  /** The startup warm-up: running or done, and what it still holds back. */
  public WarmUp warmUp() {
    return warmUpView;
  }

  public Optional<Counters> counters() {
    return Optional.ofNullable(counters);
  }

  /** Reads VPP's lb state now (on the dataplane thread, between writes). */
  public LbState state() {
    return onExecutor(
        () -> {
          Link l = link;
          if (l == null) {
            throw new VppException("VPP is not connected");
          }
          LbClient.Conf conf = VppConnection.await(l.lb().confGet());
          List<LbClient.Vip> vips = VppConnection.await(l.lb().vips());
          List<LbClient.As> ases = VppConnection.await(l.lb().ass());
          Map<VipKey, VipFacts> facts =
              VipFacts.parse(VppConnection.await(l.lb().cli("show lb vips verbose")));
          Map<VipKey, List<LbClient.As>> byVip = new LinkedHashMap<>();
          List<Plan.ActualVip> actual = new ArrayList<>();
          for (LbClient.Vip v : vips) {
            byVip.put(v.key(), new ArrayList<>());
          }
          for (LbClient.As a : ases) {
            List<LbClient.As> list = byVip.get(a.vip());
            if (list != null) {
              list.add(a);
            }
          }
          for (LbClient.Vip v : vips) {
            VipFacts f = facts.get(v.key());
            actual.add(
                new Plan.ActualVip(v.key(), v.encap(), f != null && f.srcIpSticky(), List.of()));
          }
          DesiredVip.sortByVip(actual, Plan.ActualVip::key);
          return new LbState(conf, actual, facts, byVip);
        });
  }

  private void scrape() {
    Link l = link;
    if (l == null) {
      return;
    }
    try {
      Map<VipKey, VipFacts> facts =
          VipFacts.parse(VppConnection.await(l.lb().cli("show lb vips verbose")));
      long[][] c = l.stats().lbVipCounters();
      Map<VipKey, long[]> out = new LinkedHashMap<>();
      for (Map.Entry<VipKey, VipFacts> e : facts.entrySet()) {
        int i = e.getValue().index();
        long[] v = new long[4];
        for (int k = 0; k < 4; k++) {
          v[k] = i < c[k].length ? c[k][i] : 0;
        }
        out.put(e.getKey(), v);
      }
      Map<String, String> frontends = new HashMap<>();
      Map<String, long[]> values = new HashMap<>();
      out.forEach(
          (key, v) -> {
            String label = label(key);
            values.put(label, v);
            frontends.put(label, frontendOf(key));
          });
      synchronized (scrapeLock) {
        if (link != l) {
          return; // disconnected meanwhile: nothing of this connection is shown any more
        }
        counters = new Counters(clock.instant(), out);
        metrics.vipCounters(frontends, values);
      }
    } catch (VppException e) {
      logger.atWarn().setMessage("vpp-stats-failed").addKeyValue("error", e.getMessage()).log();
    }
  }

  /** "prefix protocol port" of a VIP, as metrics label it. */
  static String label(VipKey key) {
    String protocol =
        switch (key.protocol()) {
          case 6 -> "tcp";
          case 17 -> "udp";
          default -> "any";
        };
    return key.prefix().getHostAddress() + "/" + key.length() + " " + protocol + " " + key.port();
  }

  /** The frontend a VIP key belongs to, or "". */
  public String frontendOf(VipKey key) {
    return lookups().frontendByVip().getOrDefault(key, "");
  }

  /** The backend with this address, or "". */
  public String backendOf(InetAddress address) {
    return lookups().backendByAddress().getOrDefault(address, "");
  }

  /** Leaves VPP as it is: a restart of maglevd must not disturb traffic. */
  @Override
  public void close() {
    closed = true;
    executor.execute(
        () -> {
          Link l = link;
          link = null;
          if (l != null) {
            l.api().close();
          }
        });
    scraper.shutdownNow();
    executor.shutdown();
    try {
      executor.awaitTermination(5, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
