package ch.ipng.maglev.daemon.dataplane;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.groups.Tuple.tuple;

import ch.ipng.maglev.config.Config;
import ch.ipng.maglev.daemon.dataplane.WeightPreview.Held;
import ch.ipng.maglev.daemon.dataplane.WeightPreview.Result;
import ch.ipng.maglev.daemon.dataplane.WeightPreview.Row;
import ch.ipng.maglev.daemon.health.BackendState;
import ch.ipng.maglev.daemon.model.FrontendStatus;
import ch.ipng.maglev.daemon.model.LiveModel;
import ch.ipng.maglev.daemon.testing.Configs;
import java.net.InetAddress;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The preview alone, against the lb plugin's own bucket counts (vpp-protocol.md 4.3: weights
 * 50/100/100/100 give 150/292/291/291 of 1024, with the second at 0 208/0/408/408; three at 100 in
 * a table of 16 give 6/5/5).
 */
class WeightPreviewTest {
  static final Config CONFIG =
      Configs.parse(
          """
          maglev:
            healthchecks:
              http: { type: http, port: 80 }
            backends:
              a: { address: 10.0.0.1, healthcheck: http }
              b: { address: 10.0.0.2, healthcheck: http }
              c: { address: 10.0.0.3, healthcheck: http }
              d: { address: 10.0.0.4, healthcheck: http }
              e: { address: 10.0.0.5, healthcheck: http }
            frontends:
              web:
                address: 192.0.2.1
                protocol: tcp
                port: 80
                pools:
                  - name: primary
                    backends: { a: { weight: 50 }, b: {}, c: {}, d: {} }
                  - name: fallback
                    backends: { e: {} }
              small:
                address: 192.0.2.2
                pools:
                  - name: main
                    backends: { a: {}, b: {}, c: {} }
          """);

  static InetAddress ip(String s) throws Exception {
    return InetAddress.getByName(s);
  }

  /** The frontend as the live model has it: config weights, these states (others up). */
  static FrontendStatus status(String frontend, Map<String, BackendState> states) {
    Map<String, BackendState> all = new LinkedHashMap<>();
    CONFIG.backends().keySet().forEach(b -> all.put(b, states.getOrDefault(b, BackendState.UP)));
    return LiveModel.of(CONFIG, all).frontend(frontend).orElseThrow();
  }

  /** What VPP holds when it is in sync with maglevd. */
  static List<Held> inSync(FrontendStatus s) {
    List<Held> out = new ArrayList<>();
    DesiredVip.of(CONFIG, s).ases().forEach((a, w) -> out.add(new Held(a, w.weight(), true)));
    return out;
  }

  static Result preview(FrontendStatus s, String pool, String backend, int weight, List<Held> vpp) {
    return WeightPreview.of(CONFIG, s, pool, backend, weight, 1024, vpp);
  }

  static Row row(String backend, String address, int w0, int w1, int b0, int b1) throws Exception {
    return new Row(ip(address), backend, w0, w1, b0, b1);
  }

  @Test
  void drainingAnActiveBackend_givesItsBucketsToTheOthers_asTheLbPluginCountsThem()
      throws Exception {
    FrontendStatus web = status("web", Map.of());
    Result r = preview(web, "primary", "b", 0, inSync(web));
    assertThat(r.rows())
        .containsExactly(
            row("a", "10.0.0.1", 50, 50, 150, 208),
            row("b", "10.0.0.2", 100, 0, 292, 0),
            row("c", "10.0.0.3", 100, 100, 291, 408),
            row("d", "10.0.0.4", 100, 100, 291, 408),
            row("e", "10.0.0.5", 0, 0, 0, 0));
    // all of b's 292, and 115 more: Maglev's tables are not minimal-disruption
    assertThat(r.moved()).isEqualTo(407);
    assertThat(r.reachesVpp()).isTrue();
    assertThat(r.reason()).isEmpty();
    assertThat(r.pending()).isFalse();
    assertThat(r.tableLength()).isEqualTo(1024);
  }

  @Test
  void raisingAWeight_isWhatTheLbPluginWouldBuild() throws Exception {
    FrontendStatus web = status("web", Map.of());
    Result r = preview(web, "primary", "a", 100, inSync(web));
    assertThat(r.rows())
        .extracting(Row::bucketsBefore, Row::bucketsAfter)
        .containsExactly(
            tuple(150, 256), tuple(292, 256), tuple(291, 256), tuple(291, 256), tuple(0, 0));
    assertThat(r.moved()).isEqualTo(216);
  }

  @Test
  void aBackendInTheStandbyPool_movesNothing_andSaysWhy() {
    FrontendStatus web = status("web", Map.of());
    Result r = preview(web, "fallback", "e", 50, inSync(web));
    assertThat(r.reachesVpp()).isFalse();
    assertThat(r.moved()).isZero();
    assertThat(r.rows()).allMatch(x -> x.bucketsBefore() == x.bucketsAfter());
    assertThat(r.reason())
        .isEqualTo(
            "pool \"fallback\" is not the active pool of frontend \"web\" (\"primary\" is): its"
                + " weights reach VPP only while it is");
  }

  @Test
  void aBackendThatIsDownOrPaused_movesNothing_andSaysWhy() {
    FrontendStatus web = status("web", Map.of("b", BackendState.DOWN, "c", BackendState.PAUSED));
    Result down = preview(web, "primary", "b", 30, inSync(web));
    assertThat(down.reachesVpp()).isFalse();
    assertThat(down.moved()).isZero();
    assertThat(down.reason())
        .isEqualTo("backend \"b\" is down: a pool weight reaches VPP only while the backend is up");
    assertThat(preview(web, "primary", "c", 0, inSync(web)).reason()).contains("\"c\" is paused");
  }

  @Test
  void theWeightItHasAlready_movesNothing() {
    FrontendStatus web = status("web", Map.of());
    Result r = preview(web, "primary", "a", 50, inSync(web));
    assertThat(r.reachesVpp()).isFalse();
    assertThat(r.moved()).isZero();
    assertThat(r.reason()).isEqualTo("backend \"a\" has weight 50 in pool \"primary\" already");
  }

  @Test
  void weightZeroOnTheLastUsableBackend_failsOverToTheNextPool() throws Exception {
    FrontendStatus web =
        status(
            "web",
            Map.of("b", BackendState.DOWN, "c", BackendState.DOWN, "d", BackendState.DISABLED));
    Result r = preview(web, "primary", "a", 0, inSync(web));
    assertThat(r.reachesVpp()).isTrue();
    assertThat(r.moved()).isEqualTo(1024);
    assertThat(r.rows())
        .containsExactly(
            row("a", "10.0.0.1", 50, 0, 1024, 0),
            row("b", "10.0.0.2", 0, 0, 0, 0),
            row("c", "10.0.0.3", 0, 0, 0, 0),
            row("d", "10.0.0.4", 0, 0, 0, 0),
            row("e", "10.0.0.5", 0, 100, 0, 1024));
  }

  @Test
  void theTableLengthVppReports_isTheOneCounted() throws Exception {
    FrontendStatus small = status("small", Map.of());
    Result r = WeightPreview.of(CONFIG, small, "main", "c", 0, 16, inSync(small));
    assertThat(r.tableLength()).isEqualTo(16);
    assertThat(r.rows())
        .containsExactly(
            row("a", "10.0.0.1", 100, 100, 6, 8),
            row("b", "10.0.0.2", 100, 100, 5, 8),
            row("c", "10.0.0.3", 100, 0, 5, 0));
    assertThat(r.moved()).isEqualTo(7);
  }

  @Test
  void anInactiveAs_takesNoBuckets_andIsNotListed() throws Exception {
    FrontendStatus small = status("small", Map.of());
    List<Held> vpp = new ArrayList<>(inSync(small));
    vpp.add(new Held(ip("10.0.0.9"), 100, false));
    Result r = WeightPreview.of(CONFIG, small, "main", "c", 0, 16, vpp);
    assertThat(r.rows()).extracting(Row::address).doesNotContain(ip("10.0.0.9"));
    assertThat(r.rows()).extracting(Row::bucketsBefore).containsExactly(6, 5, 5);
    assertThat(r.pending()).isFalse();
  }

  @Test
  void whatVppHoldsBehindMaglevdsBack_isPending_andUndoneAfter() throws Exception {
    FrontendStatus small = status("small", Map.of());
    List<Held> vpp =
        List.of(
            new Held(ip("10.0.0.1"), 100, true),
            new Held(ip("10.0.0.2"), 7, true), // drifted
            new Held(ip("10.0.0.9"), 100, true)); // a stray, not a backend
    // c is missing from VPP: the sync after the change adds it
    Result r = WeightPreview.of(CONFIG, small, "main", "a", 100, 16, vpp);
    assertThat(r.pending()).isTrue();
    assertThat(r.reachesVpp()).isFalse();
    assertThat(r.rows())
        .extracting(Row::backend, Row::weightBefore, Row::weightAfter, Row::bucketsAfter)
        .containsExactly(
            tuple("a", 100, 100, 6),
            tuple("b", 7, 100, 5),
            tuple("c", 0, 100, 5),
            tuple("", 100, 0, 0));
    assertThat(r.moved()).isPositive();
  }

  @Test
  void namesNotInTheFrontend_andBadLengths_areRefused() {
    FrontendStatus web = status("web", Map.of());
    assertThatThrownBy(() -> preview(web, "nope", "a", 1, List.of()))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("pool: nope (expected: a pool of frontend web)");
    assertThatThrownBy(() -> preview(web, "fallback", "a", 1, List.of()))
        .hasMessage("backend: a (expected: a backend of pool fallback)");
    assertThatThrownBy(() -> preview(web, "primary", "a", 101, List.of()))
        .hasMessage("weight: 101 (expected: 0-100)");
    assertThatThrownBy(() -> WeightPreview.of(CONFIG, web, "primary", "a", 1, 1000, List.of()))
        .hasMessage("tableLength: 1000 (expected: a power of two)");
  }
}
