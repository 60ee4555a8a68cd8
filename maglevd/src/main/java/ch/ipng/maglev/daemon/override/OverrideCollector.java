package ch.ipng.maglev.daemon.override;

import io.prometheus.metrics.model.registry.MultiCollector;
import io.prometheus.metrics.model.snapshots.GaugeSnapshot;
import io.prometheus.metrics.model.snapshots.Labels;
import io.prometheus.metrics.model.snapshots.MetricSnapshots;
import java.time.Instant;
import java.util.Objects;
import java.util.function.Supplier;

/**
 * The overrides' series, read from the book at scrape time: {@code maglev_backend_overrides} (one
 * per override in force, value 1, labelled by backend, kind, frontend and pool) and {@code
 * maglev_backend_override_expiry_timestamp_seconds} (when each override with a ttl reverts, unix
 * seconds), so an alert can say "this pause ends within the hour" or "this pause has no end".
 */
public final class OverrideCollector implements MultiCollector {
  private final Supplier<OverrideBook> book;

  private OverrideCollector(Supplier<OverrideBook> book) {
    this.book = book;
  }

  public static OverrideCollector of(Supplier<OverrideBook> book) {
    return new OverrideCollector(Objects.requireNonNull(book, "book"));
  }

  @Override
  public MetricSnapshots collect() {
    GaugeSnapshot.Builder active =
        GaugeSnapshot.builder()
            .name("maglev_backend_overrides")
            .help("1 for each operator override in force (pause, disable, enable, weight)");
    GaugeSnapshot.Builder expiry =
        GaugeSnapshot.builder()
            .name("maglev_backend_override_expiry_timestamp_seconds")
            .help("When an operator override reverts by itself, unix seconds (only with a ttl)");
    for (OperatorOverride o : book.get().all()) {
      Labels labels =
          Labels.of(
              "backend",
              o.backend(),
              "frontend",
              Objects.requireNonNullElse(o.key().frontend(), ""),
              "kind",
              o.kind().label(),
              "pool",
              Objects.requireNonNullElse(o.key().pool(), ""));
      active.dataPoint(
          GaugeSnapshot.GaugeDataPointSnapshot.builder().labels(labels).value(1).build());
      Instant until = o.until();
      if (until != null) {
        expiry.dataPoint(
            GaugeSnapshot.GaugeDataPointSnapshot.builder()
                .labels(labels)
                .value(until.getEpochSecond() + until.getNano() / 1e9)
                .build());
      }
    }
    return MetricSnapshots.of(active.build(), expiry.build());
  }
}
