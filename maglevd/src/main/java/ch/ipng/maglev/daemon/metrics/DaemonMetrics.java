package ch.ipng.maglev.daemon.metrics;

import ch.ipng.maglev.config.Config;
import ch.ipng.maglev.config.Frontend;
import ch.ipng.maglev.config.HealthCheck;
import ch.ipng.maglev.daemon.checker.ProbeListener;
import ch.ipng.maglev.daemon.dataplane.Counters;
import ch.ipng.maglev.daemon.dataplane.DataplaneObserver;
import ch.ipng.maglev.daemon.dataplane.SyncScope;
import ch.ipng.maglev.daemon.dataplane.VppInfo;
import ch.ipng.maglev.daemon.events.MaglevEvent;
import ch.ipng.maglev.daemon.health.EffectiveWeights;
import ch.ipng.maglev.daemon.health.FrontendState;
import ch.ipng.maglev.daemon.model.FrontendStatus;
import ch.ipng.maglev.daemon.model.LiveModel;
import ch.ipng.maglev.daemon.model.ModelChange;
import ch.ipng.maglev.daemon.model.ModelHub;
import ch.ipng.maglev.daemon.model.ModelListener;
import ch.ipng.maglev.daemon.probe.ProbeResult;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.Timer;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * maglevd's metrics (vpp-maglev's names): backend state, health counter and enabled flag, pool
 * weights, probe counts and durations, transitions, and VPP's side. Gauges read the live model at
 * scrape time; probes, transitions and VPP calls are heard through listener interfaces.
 */
public final class DaemonMetrics implements ProbeListener, ModelListener, DataplaneObserver {

  private final PrometheusMeterRegistry registry =
      new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
  private final Map<String, List<Meter>> frontendMeters = new HashMap<>();
  private final ModelHub models;
  private final BackendCollector backendCollector;
  private final DigestGauges digests = new DigestGauges(registry);

  private DaemonMetrics(ModelHub models) {
    this.models = models;
    this.backendCollector = new BackendCollector(() -> Optional.ofNullable(models.currentOrNull()));
    registry.getPrometheusRegistry().register(backendCollector);
  }

  private final Timer lateness =
      Timer.builder("maglev.probe.lateness")
          .description("How late probes start against their schedule (scheduler health)")
          .publishPercentiles(0.5, 0.99)
          // the last minute or so (three 20 s buffers), so a start's warm-up ages out quickly
          .distributionStatisticExpiry(java.time.Duration.ofMinutes(1))
          .register(registry);

  private final Counter suspicions =
      Counter.builder("maglev.checker.suspicions")
          .description(
              "Times the checker began to suspect its own probes and froze weight decreases")
          .register(registry);

  /** The results a config reload is counted under, each shown from the start (at 0). */
  private static final List<String> RELOAD_RESULTS = List.of("ok", "refused", "failed");

  private final Map<String, Counter> reloads = new HashMap<>();

  /** Metrics over the model in {@code models}; they follow its configs by themselves. */
  public static DaemonMetrics create(ModelHub models) {
    DaemonMetrics m = new DaemonMetrics(models);
    for (String result : RELOAD_RESULTS) {
      m.reloads.put(
          result,
          Counter.builder("maglev.config.reloads")
              .description(
                  "Config reloads (SIGHUP, ReloadConfig) by result: ok, refused (unreadable,"
                      + " too big or deep, parse or validation error), failed (could not apply)")
              .tag("result", result)
              .register(m.registry));
    }
    Counter.builder("maglev.vpp.frames.refused")
        .description("VPP API frames refused for claiming more than the 16 MiB frame limit")
        .register(m.registry);
    Gauge.builder(
            "maglev.checker.suspect",
            () -> {
              LiveModel now = models.currentOrNull();
              return now != null && now.suspect().isPresent() ? 1 : 0;
            })
        .description("1 while the checker suspects its own probes and freezes weight decreases")
        .register(m.registry);
    Gauge.builder(
            "maglev.checker.frozen",
            () -> {
              LiveModel now = models.currentOrNull();
              return now == null ? 0 : now.suspect().map(s -> s.frozen().size()).orElse(0);
            })
        .description("Backends whose weight decrease self-suspicion holds")
        .register(m.registry);
    models.listen(m);
    LiveModel now = models.currentOrNull();
    if (now != null) {
      m.configApplied(now.config());
    }
    return m;
  }

  @Override
  public void modelChanged(LiveModel model, ModelChange change) {
    if (change instanceof ModelChange.ConfigApplied) {
      configApplied(model.config());
    }
  }

  /** Adds series produced at scrape time by another part of maglevd (the overrides'). */
  public void register(io.prometheus.metrics.model.registry.MultiCollector collector) {
    registry.getPrometheusRegistry().register(collector);
  }

  /** The Prometheus text exposition. */
  public String scrape() {
    digests.scraped();
    return registry.scrape();
  }

  /** Registers gauges for the backends and frontends of {@code config}, dropping old ones. */
  private synchronized void configApplied(Config config) {
    digests.configApplied(config);
    backendCollector.backends(new ArrayList<>(config.backends().keySet()));
    for (List<Meter> meters : frontendMeters.values()) {
      meters.forEach(registry::remove);
    }
    frontendMeters.clear();
    for (Frontend f : config.frontends().values()) {
      List<Meter> meters = new ArrayList<>();
      for (FrontendState s : FrontendState.values()) {
        meters.add(
            Gauge.builder("maglev.frontend.state", () -> frontendStateOf(f.name()) == s ? 1 : 0)
                .description("1 for the frontend's current state, 0 for the others")
                .tags("frontend", f.name(), "state", s.label())
                .register(registry));
      }
      for (EffectiveWeights.Mode mode : EffectiveWeights.Mode.values()) {
        meters.add(
            Gauge.builder("maglev.frontend.mode", () -> frontendModeOf(f.name()) == mode ? 1 : 0)
                .description(
                    "1 for the frontend's current mode (normal, panic: too few up, kept-last:"
                        + " nothing up, last weights kept), 0 for the others")
                .tags("frontend", f.name(), "mode", mode.label())
                .register(registry));
      }
      meters.add(
          Gauge.builder("maglev.frontend.held", () -> heldIn(f.name()))
              .description("Backends the frontend's removal budget (max-drain) holds now")
              .tags("frontend", f.name())
              .register(registry));
      for (int i = 0; i < f.pools().size(); i++) {
        int pool = i;
        Frontend.Pool p = f.pools().get(i);
        for (String b : p.backends().keySet()) {
          Tags tags = Tags.of("frontend", f.name(), "pool", p.name(), "backend", b);
          meters.add(
              Gauge.builder(
                      "maglev.frontend.pool.backend.weight", () -> weight(f.name(), pool, b, false))
                  .description("The backend's pool weight, 0-100 (configured or set at runtime)")
                  .tags(tags)
                  .register(registry));
          meters.add(
              Gauge.builder(
                      "maglev.frontend.pool.backend.effective.weight",
                      () -> weight(f.name(), pool, b, true))
                  .description("The weight maglevd wants VPP to use, from state and pool priority")
                  .tags(tags)
                  .register(registry));
        }
      }
      frontendMeters.put(f.name(), meters);
    }
  }

  private int heldIn(String frontend) {
    LiveModel m = models.currentOrNull();
    return m == null ? 0 : m.held().getOrDefault(frontend, java.util.Set.of()).size();
  }

  private FrontendState frontendStateOf(String frontend) {
    LiveModel m = models.currentOrNull();
    return m == null ? FrontendState.UNKNOWN : m.frontendState(frontend);
  }

  private EffectiveWeights.Mode frontendModeOf(String frontend) {
    LiveModel m = models.currentOrNull();
    return m == null ? EffectiveWeights.Mode.NORMAL : m.frontendMode(frontend);
  }

  private double weight(String frontend, int pool, String backend, boolean effective) {
    LiveModel m = models.currentOrNull();
    Optional<FrontendStatus> f = m == null ? Optional.empty() : m.frontend(frontend);
    if (f.isEmpty() || pool >= f.get().weights().size()) {
      return 0;
    }
    if (effective) {
      var w = f.get().view().pools().get(pool).get(backend);
      return w == null ? 0 : w.weight();
    }
    Integer w = f.get().weights().get(pool).get(backend);
    return w == null ? 0 : w;
  }

  @Override
  public void probed(String backend, HealthCheck check, ProbeResult result) {
    backendCollector.probed(
        backend, check.type(), result.ok(), result.code(), result.latencyNanos());
    if (result.tlsNotAfterEpochSeconds() != 0) {
      backendCollector.certificate(backend, result.tlsNotAfterEpochSeconds());
    }
  }

  @Override
  public void counted(String backend, int counter) {
    backendCollector.counted(backend, counter);
  }

  @Override
  public void started(long latenessNanos) {
    lateness.record(latenessNanos, TimeUnit.NANOSECONDS);
  }

  /**
   * A config reload ended with {@code result} ("ok", "refused" or "failed").
   *
   * @throws IllegalArgumentException for another result
   */
  public void configReload(String result) {
    Counter c = reloads.get(result);
    if (c == null) {
      throw new IllegalArgumentException(
          "config reload result: " + result + " (expected: one of " + RELOAD_RESULTS + ")");
    }
    c.increment();
  }

  @Override
  public void vppFrameRefused(long claimedLength) {
    registry.counter("maglev.vpp.frames.refused").increment();
  }

  @Override
  public void suspected(ch.ipng.maglev.daemon.health.SelfSuspicion.Evidence evidence) {
    suspicions.increment();
  }

  @Override
  public void drainHeld(String frontend, String backend) {
    Counter.builder("maglev.frontend.drain.holds")
        .description("Health removals the frontend's removal budget (max-drain) held")
        .tags("frontend", frontend)
        .register(registry)
        .increment();
  }

  /** Counts a transition; called for every event on the bus. */
  public void observe(MaglevEvent event) {
    if (event instanceof MaglevEvent.BackendTransition t) {
      Counter.builder("maglev.backend.transitions")
          .description("Backend state transitions")
          .tags("backend", t.backend(), "from", t.from().label(), "to", t.to().label())
          .register(registry)
          .increment();
    }
  }

  // ---------------------------------------------------------------- VPP

  private final List<Meter> vppMeters = new java.util.ArrayList<>();
  private final Map<String, Meter[]> vipMeters = new HashMap<>();
  private volatile Map<String, long[]> vipValues = Map.of();

  /**
   * A WatchEvents stream was refused (over a limit) or dropped (too slow).
   *
   * @param reason "limit-total", "limit-address" or "too-slow"
   */
  public void watchStreamRejected(String reason) {
    Counter.builder("maglev.grpc.watch.streams.rejected")
        .description("WatchEvents streams refused over a limit or dropped for not reading")
        .tag("reason", reason)
        .register(registry)
        .increment();
  }

  /**
   * A connection over a listener's limit was closed as it was accepted.
   *
   * @param listener "grpc" or "metrics"
   */
  public void connectionRefused(String listener) {
    Counter.builder("maglev.connections.refused")
        .description("Connections closed at once for being over the listener's limit")
        .tag("listener", listener)
        .register(registry)
        .increment();
  }

  /** One VPP API counter's labels. */
  private record ApiKey(String msg, String direction, boolean success) {}

  // Every VPP message counts here (twice per write): looked up, not registered again each time.
  private final Map<ApiKey, Counter> apiCounters = new java.util.concurrent.ConcurrentHashMap<>();

  @Override
  public void vppApi(String msg, String direction, boolean success) {
    apiCounters
        .computeIfAbsent(
            new ApiKey(msg, direction, success),
            k ->
                Counter.builder("maglev.vpp.api")
                    .description("VPP API messages, by message, direction and result")
                    .tags(
                        "msg",
                        k.msg(),
                        "direction",
                        k.direction(),
                        "result",
                        k.success() ? "success" : "failure")
                    .register(registry))
        .increment();
  }

  @Override
  public void lbSync(SyncScope scope, String kind, int n) {
    Counter.builder("maglev.vpp.lbsync")
        .description("Changes written to VPP's lb plugin by the reconciler")
        .tags("scope", scope.label(), "kind", kind)
        .register(registry)
        .increment(n);
  }

  @Override
  public synchronized void vppConnected(VppInfo info) {
    vppDisconnected();
    String version = info.version();
    String buildDate = info.buildDate();
    int pid = info.pid();
    long bootTimeSeconds = info.bootTimeSeconds();
    Instant connectedAt = info.connectedAt();
    vppMeters.add(
        Gauge.builder("maglev.vpp.connected", () -> 1)
            .description("1 while maglevd is connected to VPP")
            .register(registry));
    vppMeters.add(
        Gauge.builder(
                "maglev.vpp.uptime.seconds",
                () -> System.currentTimeMillis() / 1000.0 - bootTimeSeconds)
            .description("Seconds since VPP booted (/sys/boottime)")
            .register(registry));
    vppMeters.add(
        Gauge.builder(
                "maglev.vpp.connected.seconds",
                () -> Duration.between(connectedAt, Instant.now()).toMillis() / 1000.0)
            .description("Seconds since maglevd connected to VPP")
            .register(registry));
    vppMeters.add(
        Gauge.builder("maglev.vpp.info", () -> 1)
            .description("The connected VPP")
            .tags("version", version, "build_date", buildDate, "pid", Integer.toString(pid))
            .register(registry));
  }

  /** Removes every VPP gauge and VIP counter: they are absent while disconnected. */
  @Override
  public synchronized void vppDisconnected() {
    vppMeters.forEach(registry::remove);
    vppMeters.clear();
    vipMeters.values().forEach(ms -> java.util.Arrays.stream(ms).forEach(registry::remove));
    vipMeters.clear();
    vipValues = Map.of();
    digests.clear();
  }

  @Override
  public boolean lbTablesWanted() {
    return digests.wanted();
  }

  @Override
  public void lbTables(List<ch.ipng.maglev.daemon.dataplane.LbView.Vip> vips) {
    LiveModel now = models.currentOrNull();
    if (now != null) {
      digests.tables(vips, now);
    }
  }

  @Override
  public void vipCounters(Counters counters) {
    Map<String, String> frontends = new HashMap<>();
    Map<String, long[]> values = new HashMap<>();
    for (Counters.Vip v : counters.vips()) {
      values.put(v.id().label(), new long[] {v.next(), v.first(), v.untracked(), v.noServer()});
      frontends.put(v.id().label(), v.frontend());
    }
    vipCounters(frontends, values);
  }

  /**
   * The latest per-VIP lb counters: VIP label (prefix protocol port) to frontend and the four
   * values (next, first, untracked, no-server).
   */
  private synchronized void vipCounters(Map<String, String> frontends, Map<String, long[]> values) {
    vipValues = Map.copyOf(values);
    String[] kinds = {"next", "first", "untracked", "no-server"};
    for (String vip : values.keySet()) {
      if (vipMeters.containsKey(vip)) {
        continue;
      }
      Meter[] ms = new Meter[kinds.length];
      String[] parts = vip.split(" ");
      for (int k = 0; k < kinds.length; k++) {
        int kind = k;
        ms[k] =
            FunctionCounter.builder(
                    "maglev.vip.packets",
                    this,
                    m -> {
                      long[] v = m.vipValues.get(vip);
                      return v == null ? 0 : v[kind];
                    })
                .description("Packets VPP's lb plugin counted for a VIP, by kind")
                .tags(
                    "frontend", frontends.getOrDefault(vip, ""),
                    "prefix", parts[0],
                    "protocol", parts[1],
                    "port", parts[2],
                    "kind", kinds[k])
                .register(registry);
      }
      vipMeters.put(vip, ms);
    }
  }
}
