package ch.ipng.maglev.daemon.fleet;

import static org.assertj.core.api.Assertions.assertThat;

import ch.ipng.maglev.config.Config;
import ch.ipng.maglev.daemon.dataplane.DesiredVip;
import ch.ipng.maglev.daemon.dataplane.LbView;
import ch.ipng.maglev.daemon.health.BackendState;
import ch.ipng.maglev.daemon.model.LiveModel;
import ch.ipng.maglev.daemon.testing.Configs;
import com.google.common.net.InetAddresses;
import java.io.IOException;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The table digests of VPP's and maglevd's tables, and the config digest. */
class DigestsTest {
  static final String YAML =
      """
      maglev:
        vpp:
          lb:
            ipv4-src-address: %s
        healthchecks:
          http: { type: http, port: 80, params: { path: /healthz } }
        backends:
          a: { address: 10.0.0.1, healthcheck: http }
          b: { address: 10.0.0.2, healthcheck: http }
          c: { address: 10.0.0.3, healthcheck: http }
        frontends:
          web:
            description: %s
            address: 192.0.2.10
            protocol: tcp
            port: 80
            pools:
              - name: main
                backends: { %s }
      """;

  static Config config(String source, String description, String backends) {
    return Configs.parse(YAML.formatted(source, description, backends));
  }

  static Config config() {
    return config("192.0.2.254", "the web", "a: {}, b: {}, c: { weight: 50 }");
  }

  static LiveModel model(Config c, BackendState cState) {
    return LiveModel.of(c, Map.of("a", BackendState.UP, "b", BackendState.UP, "c", cState));
  }

  @Test
  void desiredDigest_ofTheTrafficScenarioWeights_isTheRealVppTablesDigest() throws IOException {
    // the real VPP held 10.0.0.1/2 at 100 and 10.0.0.3 at 50: the config above wants just that
    DesiredVip d = DesiredVip.all(model(config(), BackendState.UP)).get(0);
    assertThat(TableDigests.ofDesired(d, 1024)).isEqualTo("3a8650d08beb7"); // TableDigestTest's
    assertThat(TableDigests.ofVpp(FlowLookupTest.trafficVip())).isEqualTo("3a8650d08beb7");
  }

  @Test
  void vppAndDesired_agreeWhenVppHoldsTheWeights_andNotWhenABackendIsPaused() throws IOException {
    LbView view = new LbView(FlowLookupTest.CONF, List.of(FlowLookupTest.trafficVip()));
    List<TableDigests.Vip> up =
        TableDigests.of(view.vips(), DesiredVip.all(model(config(), BackendState.UP)));
    assertThat(up).hasSize(1);
    assertThat(up.get(0).frontend()).isEqualTo("web");
    assertThat(up.get(0).agrees()).isTrue();
    List<TableDigests.Vip> paused =
        TableDigests.of(view.vips(), DesiredVip.all(model(config(), BackendState.PAUSED)));
    assertThat(paused.get(0).vpp()).isEqualTo(up.get(0).vpp());
    assertThat(paused.get(0).desired()).isNotEqualTo(up.get(0).desired());
    assertThat(paused.get(0).agrees()).isFalse();
  }

  @Test
  void aMemo_givesTheSameDigests_andComputesOnlyTablesWhoseServersOrWeightsChanged()
      throws IOException {
    LbView view = new LbView(FlowLookupTest.CONF, List.of(FlowLookupTest.trafficVip()));
    List<DesiredVip> up = DesiredVip.all(model(config(), BackendState.UP));
    List<DesiredVip> paused = DesiredVip.all(model(config(), BackendState.PAUSED));
    DigestMemo memo = DigestMemo.create();

    // VPP's table and the desired one have the same servers and weights here: one computation
    assertThat(TableDigests.of(view.vips(), up, memo)).isEqualTo(TableDigests.of(view.vips(), up));
    assertThat(memo.computed()).isEqualTo(1);
    // nothing changed: nothing computed
    assertThat(TableDigests.of(view.vips(), up, memo)).isEqualTo(TableDigests.of(view.vips(), up));
    assertThat(memo.computed()).isEqualTo(1);
    // c paused: only the desired table is new
    assertThat(TableDigests.of(view.vips(), paused, memo))
        .isEqualTo(TableDigests.of(view.vips(), paused));
    assertThat(memo.computed()).isEqualTo(2);
    // back as it was two passes ago: still remembered
    assertThat(TableDigests.of(view.vips(), up, memo)).isEqualTo(TableDigests.of(view.vips(), up));
    assertThat(memo.computed()).isEqualTo(2);
    // a pass without the paused table forgets it after the next: computed again
    TableDigests.of(view.vips(), up, memo);
    assertThat(TableDigests.of(view.vips(), paused, memo))
        .isEqualTo(TableDigests.of(view.vips(), paused));
    assertThat(memo.computed()).isEqualTo(3);
  }

  @Test
  void aVipVppDoesNotHold_hasOnlyTheDesiredDigest_andVppsStrayVipOnlyItsOwn() throws IOException {
    LbView.Vip stray =
        new LbView.Vip(
            new ch.ipng.maglev.daemon.dataplane.VipId(
                InetAddresses.forString("192.0.2.99"), 32, 6, 80),
            "",
            "gre4",
            false,
            2,
            1024,
            List.of());
    LbView view = new LbView(FlowLookupTest.CONF, List.of(stray));
    List<TableDigests.Vip> d =
        TableDigests.of(view.vips(), DesiredVip.all(model(config(), BackendState.UP)));
    assertThat(d).hasSize(2);
    assertThat(d.get(0).desired()).isEmpty();
    assertThat(d.get(0).vpp()).hasSize(13);
    assertThat(d.get(1).frontend()).isEqualTo("web");
    assertThat(d.get(1).vpp()).isEmpty();
    assertThat(d.get(1).desired()).isEqualTo("3a8650d08beb7");
  }

  @Test
  void configDigest_ignoresPerRouterAddressesDescriptionsAndOrder_butNotWeights() {
    String base = ConfigDigest.of(config());
    assertThat(base).matches("[0-9a-f]{13}");
    assertThat(ConfigDigest.of(config("192.0.2.253", "the web", "a: {}, b: {}, c: { weight: 50 }")))
        .as("another router's GRE source address")
        .isEqualTo(base);
    assertThat(
            ConfigDigest.of(
                config("192.0.2.254", "other words", "c: { weight: 50 }, b: {}, a: {}")))
        .as("a description, and the order of a pool's backends")
        .isEqualTo(base);
    assertThat(ConfigDigest.of(config("192.0.2.254", "the web", "a: {}, b: {}, c: { weight: 51 }")))
        .isNotEqualTo(base);
    assertThat(ConfigDigest.of(config("192.0.2.254", "the web", "a: {}, b: {}")))
        .isNotEqualTo(base);
  }
}
