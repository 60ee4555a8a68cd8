package ch.ipng.maglev.daemon.dataplane;

import static org.assertj.core.api.Assertions.assertThat;

import ch.ipng.maglev.config.Config;
import ch.ipng.maglev.daemon.health.BackendState;
import ch.ipng.maglev.daemon.health.EffectiveWeights.Weight;
import ch.ipng.maglev.daemon.model.FrontendStatus;
import ch.ipng.maglev.daemon.model.LiveModel;
import ch.ipng.maglev.daemon.testing.Configs;
import ch.ipng.maglev.vpp.lb.LbClient.Encap;
import java.net.InetAddress;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * One frontend's desired VIP: one AS per backend address in address order, with the weight and
 * flush its state gives. (The config refuses a backend in two pools of a frontend and two backends
 * with one address, so the merge rule for those is not reachable from a config.)
 */
class DesiredVipTest {
  static final Config CONFIG =
      Configs.parse(
          """
          maglev:
            healthchecks:
              hc: { type: tcp, port: 80 }
            backends:
              a: { address: 198.18.0.9, healthcheck: hc }
              b: { address: 198.18.0.10, healthcheck: hc }
              c: { address: 198.18.0.2, healthcheck: hc }
            frontends:
              web:
                address: 198.19.0.1
                protocol: tcp
                port: 80
                pools:
                  - name: primary
                    backends: { a: { weight: 100 }, b: { weight: 50 } }
                  - name: backup
                    backends: { c: {} }
          """);

  static FrontendStatus status(BackendState a, BackendState b, BackendState c) {
    LiveModel m = LiveModel.of(CONFIG, Map.of("a", a, "b", b, "c", c));
    return m.frontend("web").orElseThrow();
  }

  static InetAddress ip(String s) throws Exception {
    return InetAddress.getByName(s);
  }

  @Test
  void oneAsPerAddress_inAddressOrder_namedAfterItsBackend() throws Exception {
    DesiredVip d = DesiredVip.of(CONFIG, status(BackendState.UP, BackendState.UP, BackendState.UP));

    assertThat(d.encap()).isEqualTo(Encap.GRE4);
    assertThat(d.ases().keySet())
        .containsExactly(ip("198.18.0.2"), ip("198.18.0.9"), ip("198.18.0.10"));
    assertThat(d.ases())
        .containsEntry(ip("198.18.0.9"), new Weight(100, false))
        .containsEntry(ip("198.18.0.10"), new Weight(50, false))
        .containsEntry(ip("198.18.0.2"), new Weight(0, false)); // backup is not active
    assertThat(d.backends()).containsEntry(ip("198.18.0.2"), "c");
  }

  @Test
  void failover_theBackupCarries_theDownAreFlushed_thePausedAreNot() throws Exception {
    // primary has no usable backend (a is down, b paused): backup is active
    DesiredVip d =
        DesiredVip.of(CONFIG, status(BackendState.DOWN, BackendState.PAUSED, BackendState.UP));

    assertThat(d.ases())
        .containsEntry(ip("198.18.0.9"), new Weight(0, true)) // down, flush-on-down
        .containsEntry(ip("198.18.0.10"), new Weight(0, false)) // paused: no flush
        .containsEntry(ip("198.18.0.2"), new Weight(100, false));
  }

  @Test
  void aDisabledBackend_isFlushed() throws Exception {
    DesiredVip d =
        DesiredVip.of(CONFIG, status(BackendState.UP, BackendState.UP, BackendState.DISABLED));

    assertThat(d.ases()).containsEntry(ip("198.18.0.2"), new Weight(0, true));
  }

  @Test
  void theLayoutMadeOnce_givesWhatTheConfigGives_forEveryState() {
    DesiredVip.Layout layout = DesiredVip.Layout.of(CONFIG, CONFIG.frontends().get("web"));
    for (BackendState a : BackendState.values()) {
      for (BackendState c : BackendState.values()) {
        FrontendStatus s = status(a, BackendState.UP, c);
        assertThat(DesiredVip.of(layout, s)).isEqualTo(DesiredVip.of(CONFIG, s));
      }
    }
  }
}
