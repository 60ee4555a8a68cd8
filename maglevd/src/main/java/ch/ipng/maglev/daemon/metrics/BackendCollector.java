package ch.ipng.maglev.daemon.metrics;

import ch.ipng.maglev.config.ProbeType;
import ch.ipng.maglev.daemon.health.BackendState;
import ch.ipng.maglev.daemon.model.LiveModel;
import ch.ipng.maglev.daemon.probe.ProbeCode;
import io.prometheus.metrics.model.registry.MultiCollector;
import io.prometheus.metrics.model.snapshots.ClassicHistogramBuckets;
import io.prometheus.metrics.model.snapshots.CounterSnapshot;
import io.prometheus.metrics.model.snapshots.GaugeSnapshot;
import io.prometheus.metrics.model.snapshots.HistogramSnapshot;
import io.prometheus.metrics.model.snapshots.Labels;
import io.prometheus.metrics.model.snapshots.MetricSnapshots;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.function.Supplier;

/**
 * The per-backend series, produced at scrape time from plain counters and the live model's state
 * instead of one registered meter per series: with thousands of backends, meters cost ~7 KB per
 * backend and most of a scrape's time.
 */
final class BackendCollector implements MultiCollector {
  /** Upper bounds of the probe-duration histogram, in seconds. */
  private static final double[] BOUNDS = {0.005, 0.025, 0.1, 0.25, 1, 5, Double.POSITIVE_INFINITY};

  private static final ProbeCode[] CODES = ProbeCode.values();

  /** One backend's probes with one check type: outcomes by (ok, code) and a duration histogram. */
  static final class ProbeStats {
    final String backend;
    final String type;
    final AtomicLongArray outcomes = new AtomicLongArray(2 * CODES.length);
    final AtomicLongArray buckets = new AtomicLongArray(BOUNDS.length);
    final AtomicLong sumNanos = new AtomicLong();

    ProbeStats(String backend, String type) {
      this.backend = backend;
      this.type = type;
    }

    void record(boolean ok, ProbeCode code, long nanos) {
      outcomes.incrementAndGet((ok ? CODES.length : 0) + code.ordinal());
      double seconds = nanos / 1e9;
      int b = 0;
      while (seconds > BOUNDS[b]) {
        b++;
      }
      buckets.incrementAndGet(b);
      sumNanos.addAndGet(nanos);
    }
  }

  private final Supplier<Optional<LiveModel>> model;

  private static final ProbeType[] TYPES = ProbeType.values();

  /**
   * Per backend name, its statistics by check type (a reload may change the type): looked up by the
   * name alone, so a probe allocates no key.
   */
  private final Map<String, ProbeStats[]> stats = new ConcurrentHashMap<>();

  private volatile List<String> backends = List.of();

  /** When each backend's TLS certificate expires, unix seconds, as its last handshake showed. */
  private final Map<String, Long> certExpiry = new ConcurrentHashMap<>();

  /** Each backend's rise/fall counter, as the checker last reported it. */
  private final Map<String, Integer> counters = new ConcurrentHashMap<>();

  BackendCollector(Supplier<Optional<LiveModel>> model) {
    this.model = model;
  }

  /** The backends of the running config, in name order; statistics of removed ones go. */
  void backends(List<String> names) {
    backends = List.copyOf(names);
    java.util.Set<String> keep = new java.util.HashSet<>(names);
    stats.keySet().removeIf(b -> !keep.contains(b));
    counters.keySet().removeIf(b -> !keep.contains(b));
    certExpiry.keySet().removeIf(b -> !keep.contains(b));
  }

  /** The backend presented a certificate expiring at {@code epochSeconds}. */
  void certificate(String backend, long epochSeconds) {
    certExpiry.put(backend, epochSeconds);
  }

  void counted(String backend, int counter) {
    counters.put(backend, counter);
  }

  void probed(String backend, ProbeType type, boolean ok, ProbeCode code, long nanos) {
    ProbeStats[] byType = stats.computeIfAbsent(backend, b -> new ProbeStats[TYPES.length]);
    ProbeStats s = byType[type.ordinal()];
    if (s == null) {
      synchronized (byType) {
        s = byType[type.ordinal()];
        if (s == null) {
          s = new ProbeStats(backend, type.configName());
          byType[type.ordinal()] = s;
        }
      }
    }
    s.record(ok, code, nanos);
  }

  private List<ProbeStats> allStats() {
    List<ProbeStats> all = new java.util.ArrayList<>();
    for (ProbeStats[] byType : stats.values()) {
      synchronized (byType) {
        for (ProbeStats s : byType) {
          if (s != null) {
            all.add(s);
          }
        }
      }
    }
    return all;
  }

  @Override
  public MetricSnapshots collect() {
    Optional<LiveModel> c = model.get();
    GaugeSnapshot.Builder state =
        GaugeSnapshot.builder()
            .name("maglev_backend_state")
            .help("1 for the backend's current state, 0 for the others");
    GaugeSnapshot.Builder health =
        GaugeSnapshot.builder()
            .name("maglev_backend_health")
            .help("The backend's rise/fall counter, 0 to rise+fall-1");
    GaugeSnapshot.Builder enabled =
        GaugeSnapshot.builder()
            .name("maglev_backend_enabled")
            .help("0 while the backend is disabled");
    for (String b : backends) {
      BackendState current = c.map(x -> x.state(b)).orElse(BackendState.UNKNOWN);
      for (BackendState s : BackendState.values()) {
        state.dataPoint(
            GaugeSnapshot.GaugeDataPointSnapshot.builder()
                .labels(Labels.of("backend", b, "state", s.label()))
                .value(s == current ? 1 : 0)
                .build());
      }
      health.dataPoint(
          GaugeSnapshot.GaugeDataPointSnapshot.builder()
              .labels(Labels.of("backend", b))
              .value(counters.getOrDefault(b, 0))
              .build());
      enabled.dataPoint(
          GaugeSnapshot.GaugeDataPointSnapshot.builder()
              .labels(Labels.of("backend", b))
              .value(current == BackendState.DISABLED ? 0 : 1)
              .build());
    }
    CounterSnapshot.Builder probes =
        CounterSnapshot.builder().name("maglev_probe").help("Probes sent, by outcome");
    HistogramSnapshot.Builder durations =
        HistogramSnapshot.builder()
            .name("maglev_probe_duration_seconds")
            .help("How long probes took");
    for (ProbeStats s : allStats()) {
      for (int i = 0; i < s.outcomes.length(); i++) {
        long n = s.outcomes.get(i);
        if (n == 0) {
          continue;
        }
        boolean ok = i >= CODES.length;
        probes.dataPoint(
            CounterSnapshot.CounterDataPointSnapshot.builder()
                .labels(
                    Labels.of(
                        "backend",
                        s.backend,
                        "code",
                        CODES[i % CODES.length].label(),
                        "result",
                        ok ? "success" : "failure",
                        "type",
                        s.type))
                .value(n)
                .build());
      }
      long[] counts = new long[BOUNDS.length];
      for (int i = 0; i < counts.length; i++) {
        counts[i] = s.buckets.get(i);
      }
      durations.dataPoint(
          HistogramSnapshot.HistogramDataPointSnapshot.builder()
              .labels(Labels.of("backend", s.backend, "type", s.type))
              .classicHistogramBuckets(ClassicHistogramBuckets.of(BOUNDS, counts))
              .sum(s.sumNanos.get() / 1e9)
              .build());
    }
    GaugeSnapshot.Builder expiry =
        GaugeSnapshot.builder()
            .name("maglev_backend_tls_cert_expiry_timestamp_seconds")
            .help(
                "When the certificate the backend presented in its last TLS handshake (https,"
                    + " tcp with tls) expires, unix seconds");
    for (String b : backends) {
      Long t = certExpiry.get(b);
      if (t != null) {
        expiry.dataPoint(
            GaugeSnapshot.GaugeDataPointSnapshot.builder()
                .labels(Labels.of("backend", b))
                .value(t)
                .build());
      }
    }
    return MetricSnapshots.of(
        state.build(),
        health.build(),
        enabled.build(),
        probes.build(),
        durations.build(),
        expiry.build());
  }
}
