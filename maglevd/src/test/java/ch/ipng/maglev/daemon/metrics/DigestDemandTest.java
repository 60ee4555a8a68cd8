package ch.ipng.maglev.daemon.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import ch.ipng.maglev.daemon.health.BackendState;
import ch.ipng.maglev.daemon.model.LiveModel;
import ch.ipng.maglev.daemon.model.ModelChange;
import ch.ipng.maglev.daemon.model.ModelHub;
import ch.ipng.maglev.daemon.testing.Configs;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * VPP's tables are read for the digests only when someone looks: at start, then after each /metrics
 * scrape, until a read reached the metrics (a failed read is tried again).
 */
class DigestDemandTest {
  static final LiveModel MODEL =
      LiveModel.of(
          Configs.parse(
              """
              maglev:
                healthchecks: { t: { type: tcp, port: 80 } }
                backends: { a: { address: 10.0.0.1, healthcheck: t } }
                frontends:
                  web: { address: 192.0.2.1, protocol: tcp, port: 80,
                         pools: [ { name: p, backends: { a: {} } } ] }
              """),
          Map.of("a", BackendState.UP));

  @Test
  void tablesAreWanted_atStart_untilARead_andAgainAfterEachMetricsScrape() {
    ModelHub models = ModelHub.create();
    DaemonMetrics metrics = DaemonMetrics.create(models);
    var unused = models.update(m -> MODEL, new ModelChange.ConfigApplied(true));
    assertThat(metrics.lbTablesWanted()).isTrue();
    // the read failed (no lbTables): still wanted at the next counter scrape
    assertThat(metrics.lbTablesWanted()).isTrue();
    metrics.lbTables(List.of());
    assertThat(metrics.lbTablesWanted()).isFalse();
    assertThat(metrics.lbTablesWanted()).isFalse();

    metrics.scrape();
    metrics.scrape();
    assertThat(metrics.lbTablesWanted()).isTrue();
    metrics.lbTables(List.of());
    assertThat(metrics.lbTablesWanted()).isFalse();
  }
}
