package ch.ipng.maglev.daemon.override;

import static org.assertj.core.api.Assertions.assertThat;

import ch.ipng.maglev.daemon.metrics.DaemonMetrics;
import ch.ipng.maglev.daemon.model.ModelHub;
import ch.ipng.maglev.daemon.model.WeightKey;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/** The overrides' series in maglevd's real exposition, following the book at scrape time. */
class OverrideCollectorTest {
  static final Instant T0 = Instant.parse("2026-12-06T16:00:00Z");

  @Test
  void eachOverride_isASeries_andOneWithATtlHasItsExpiryTimestamp() {
    AtomicReference<OverrideBook> book = new AtomicReference<>(OverrideBook.EMPTY);
    DaemonMetrics metrics = DaemonMetrics.create(ModelHub.create());
    metrics.register(OverrideCollector.of(book::get));
    assertThat(metrics.scrape())
        .doesNotContain("maglev_backend_override_expiry_timestamp_seconds{");

    book.set(
        OverrideBook.of(
            List.of(
                OperatorOverride.lifecycle(
                    "a", OperatorOverride.Kind.PAUSE, "x", "", T0, T0.plusSeconds(7200)),
                OperatorOverride.weight(new WeightKey("web", "p", "b"), 20, "x", "", T0, null))));
    String text = metrics.scrape();
    assertThat(text)
        .contains(
            "maglev_backend_override_expiry_timestamp_seconds{backend=\"a\",frontend=\"\","
                + "kind=\"pause\",pool=\"\"} 1.79658E9")
        .contains(
            "maglev_backend_overrides{backend=\"b\",frontend=\"web\",kind=\"weight\",pool=\"p\"}"
                + " 1.0")
        .doesNotContain("maglev_backend_override_expiry_timestamp_seconds{backend=\"b\"");
  }
}
