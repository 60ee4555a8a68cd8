package ch.ipng.maglev.daemon.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import ch.ipng.maglev.daemon.model.ModelHub;
import org.junit.jupiter.api.Test;

/**
 * VPP's tables are read for the digests only when someone looks: once at start, then once after
 * each /metrics scrape, however many counter scrapes pass in between.
 */
class DigestDemandTest {
  @Test
  void tablesAreWanted_once_atStart_andOnceAfterEachMetricsScrape() {
    DaemonMetrics metrics = DaemonMetrics.create(ModelHub.create());
    assertThat(metrics.lbTablesWanted()).isTrue();
    assertThat(metrics.lbTablesWanted()).isFalse();
    assertThat(metrics.lbTablesWanted()).isFalse();

    metrics.scrape();
    metrics.scrape();
    assertThat(metrics.lbTablesWanted()).isTrue();
    assertThat(metrics.lbTablesWanted()).isFalse();
  }
}
