package ch.ipng.maglev.daemon.checker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import ch.ipng.maglev.daemon.events.EventBus;
import ch.ipng.maglev.daemon.health.BackendState;
import ch.ipng.maglev.daemon.health.Jitter;
import ch.ipng.maglev.daemon.health.SelfSuspicion;
import ch.ipng.maglev.daemon.health.WeightReason;
import ch.ipng.maglev.daemon.model.LiveModel;
import ch.ipng.maglev.daemon.model.ModelHub;
import ch.ipng.maglev.daemon.probe.Probers;
import ch.ipng.maglev.daemon.testing.Configs;
import ch.ipng.maglev.daemon.testing.TestServers;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The checker with real TCP listeners: when every one goes away at once it suspects itself and the
 * model keeps every weight; one going away alone still drains.
 */
class CheckerSuspicionTest {
  private static final int N = 10;
  ModelHub models;
  Checker checker;
  final List<SelfSuspicion.Evidence> suspected = new CopyOnWriteArrayList<>();
  final List<TestServers.Http> servers = new ArrayList<>();

  @BeforeEach
  void start() throws Exception {
    models = ModelHub.create();
    ProbeListener listener =
        new ProbeListener() {
          @Override
          public void probed(
              String backend,
              ch.ipng.maglev.config.HealthCheck check,
              ch.ipng.maglev.daemon.probe.ProbeResult result) {}

          @Override
          public void suspected(SelfSuspicion.Evidence evidence) {
            suspected.add(evidence);
          }
        };
    checker =
        Checker.of(
            EventBus.create(),
            Jitter.of(new SplittableRandom(1)),
            listener,
            ns -> Probers.of(ns, "test"),
            models);
    StringBuilder checks = new StringBuilder();
    StringBuilder backends = new StringBuilder();
    for (int i = 0; i < N; i++) {
      TestServers.Http s =
          TestServers.http(java.net.InetAddress.getByName("127.0.0." + (i + 1)), 0, 200, "ok");
      servers.add(s);
      checks.append(CheckerTest.fast("hc" + i, "http", s.port(), ""));
      backends.append(
          "b" + i + ": { address: 127.0.0." + (i + 1) + ", healthcheck: hc" + i + " }\n");
    }
    StringBuilder frontends = new StringBuilder();
    for (int f = 0; f < 2; f++) {
      frontends.append("fe" + f + ":\n  address: 198.19.0." + (f + 1) + "\n  pools:\n");
      frontends.append("    - name: p\n      backends:\n");
      for (int i = f * 5; i < f * 5 + 5; i++) {
        frontends.append("        b" + i + ": {}\n");
      }
    }
    base = CheckerTest.config(checks.toString(), backends.toString(), frontends.toString());
    // a wide window and lateness: a loaded machine spreads the downs, delays starts
    checker.apply(Configs.parse(base + suspicion("")));
    await()
        .atMost(Duration.ofSeconds(10))
        .until(
            () -> checker.backends().stream().allMatch(b -> b.health().state() == BackendState.UP));
  }

  String base = "";

  static String suspicion(String extra) {
    return "  healthchecker:\n    self-suspicion: { window: 10s, max-lateness: 30s"
        + extra
        + " }\n";
  }

  @AfterEach
  void stop() throws Exception {
    checker.close();
    closeAll();
  }

  private void closeAll() throws java.io.IOException {
    for (TestServers.Http s : servers) {
      s.close();
    }
  }

  private int weight(String frontend, String backend) {
    LiveModel m = models.currentOrNull();
    return m.frontend(frontend).orElseThrow().view().pools().get(0).get(backend).weight();
  }

  private WeightReason reason(String frontend, String backend) {
    LiveModel m = models.currentOrNull();
    return m.frontend(frontend).orElseThrow().view().reasons().get(0).get(backend);
  }

  @Test
  void everything_down_at_once_is_suspected_and_frozen_until_released() throws Exception {
    closeAll();
    await()
        .atMost(Duration.ofSeconds(10))
        .until(
            () ->
                checker.backends().stream().allMatch(b -> b.health().state() == BackendState.DOWN));
    LiveModel m = models.currentOrNull();
    assertThat(m.suspect()).isPresent();
    assertThat(m.suspect().orElseThrow().frozen()).hasSize(N);
    assertThat(m.suspect().orElseThrow().evidence().frontends()).containsExactly("fe0", "fe1");
    for (int i = 0; i < N; i++) {
      assertThat(weight("fe" + i / 5, "b" + i)).as("b%d", i).isEqualTo(100);
      assertThat(reason("fe" + i / 5, "b" + i)).isEqualTo(WeightReason.FROZEN);
    }
    assertThat(suspected).hasSize(1);
    assertThat(suspected.get(0).cause()).isEqualTo(SelfSuspicion.Cause.STORM);

    assertThat(checker.releaseSuspicion()).isPresent();
    assertThat(models.currentOrNull().suspect()).isEmpty();
    for (int i = 0; i < N; i++) {
      assertThat(weight("fe" + i / 5, "b" + i)).as("b%d", i).isZero();
    }
    assertThat(checker.releaseSuspicion()).isEmpty();
  }

  @Test
  void disabling_on_reload_lifts_the_suspicion() throws Exception {
    closeAll();
    await()
        .atMost(Duration.ofSeconds(10))
        .until(() -> models.currentOrNull().suspect().isPresent());
    assertThat(weight("fe1", "b7")).isEqualTo(100);
    checker.apply(Configs.parse(base + suspicion(", enabled: false")));
    assertThat(models.currentOrNull().suspect()).isEmpty();
    await()
        .atMost(Duration.ofSeconds(10))
        .until(() -> checker.backend("b7").orElseThrow().health().state() == BackendState.DOWN);
    assertThat(weight("fe1", "b7")).isZero();
  }

  @Test
  void one_backend_down_alone_still_drains() throws Exception {
    servers.get(3).close();
    await()
        .atMost(Duration.ofSeconds(10))
        .until(() -> checker.backend("b3").orElseThrow().health().state() == BackendState.DOWN);
    assertThat(models.currentOrNull().suspect()).isEmpty();
    assertThat(weight("fe0", "b3")).isZero();
    assertThat(reason("fe0", "b3")).isEqualTo(WeightReason.DOWN);
    assertThat(suspected).isEmpty();
  }
}
