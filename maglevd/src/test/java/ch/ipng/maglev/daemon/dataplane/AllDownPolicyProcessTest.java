package ch.ipng.maglev.daemon.dataplane;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import ch.ipng.maglev.daemon.testing.SimRig;
import ch.ipng.maglev.daemon.testing.TcpListeners;
import ch.ipng.maglev.proto.FrontendInfo;
import ch.ipng.maglev.proto.GetFrontendRequest;
import ch.ipng.maglev.proto.MaglevGrpc;
import ch.ipng.maglev.proto.PoolBackendInfo;
import ch.ipng.maglev.proto.WeightReason;
import ch.ipng.maglev.vpp.lb.LbClient.VipKey;
import java.net.InetAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * on-all-down and min-healthy against maglev-vppsim, read through the simulator's own API: three
 * VIPs over the same backends, which go down when the test closes their listening sockets.
 */
class AllDownPolicyProcessTest {
  @TempDir Path dir;

  String config(TcpListeners l) {
    return """
        maglev:
          vpp:
            lb:
              ipv4-src-address: 192.0.2.254
              ipv6-src-address: 2001:db8::254
              sync-interval: 1h
              startup-min-delay: 1s
              startup-max-delay: 3s
          healthchecks:
            tcp: { type: tcp, port: %d, interval: 100ms, timeout: 3s, rise: 1, fall: 1 }
          backends:
            a: { address: %s, healthcheck: tcp }
            b: { address: %s, healthcheck: tcp }
            c: { address: %s, healthcheck: tcp }
          frontends:
            keep:
              address: %s100
              protocol: tcp
              port: 80
              on-all-down: keep-last
              pools: [ { name: p, backends: { a: {}, b: {}, c: { weight: 50 } } } ]
            drain:
              address: %s101
              protocol: tcp
              port: 80
              pools: [ { name: p, backends: { a: {}, b: {}, c: { weight: 50 } } } ]
            keepall:
              address: %s103
              protocol: tcp
              port: 80
              on-all-down: keep-last
              min-healthy: 100
              pools: [ { name: p, backends: { a: {}, b: {}, c: { weight: 50 } } } ]
            panic:
              address: %s102
              protocol: tcp
              port: 80
              min-healthy: 100
              pools: [ { name: p, backends: { a: {}, b: {}, c: { weight: 50 } } } ]
        """
        .formatted(
            l.port(), l.address(0), l.address(1), l.address(2), l.net(), l.net(), l.net(), l.net());
  }

  @Test
  void keepLastKeepsTheSimulatorsWeights_drainDrains_panicGivesEveryBackendWeight()
      throws Exception {
    try (TcpListeners l = TcpListeners.onLoopback(3)) {
      String a = l.address(0);
      String b = l.address(1);
      String c = l.address(2);
      VipKey keep = new VipKey(InetAddress.getByName(l.net() + "100"), 32, 6, 80);
      VipKey drain = new VipKey(InetAddress.getByName(l.net() + "101"), 32, 6, 80);
      VipKey panic = new VipKey(InetAddress.getByName(l.net() + "102"), 32, 6, 80);
      VipKey keepAll = new VipKey(InetAddress.getByName(l.net() + "103"), 32, 6, 80);
      Map<String, Integer> all = Map.of(a, 100, b, 100, c, 50);
      try (SimRig rig = SimRig.start(dir, config(l))) {
        await()
            .atMost(Duration.ofSeconds(20))
            .untilAsserted(
                () -> {
                  assertThat(rig.weights(keep)).isEqualTo(all);
                  assertThat(rig.weights(drain)).isEqualTo(all);
                  assertThat(rig.weights(panic)).isEqualTo(all);
                  assertThat(rig.weights(keepAll)).isEqualTo(all);
                });

        // c goes down: drained in "drain"; "panic" (2 of 3 < 100 %) keeps c's weight
        l.stop(2);
        await()
            .atMost(Duration.ofSeconds(10))
            .untilAsserted(
                () -> assertThat(rig.weights(drain)).isEqualTo(Map.of(a, 100, b, 100, c, 0)));
        FrontendInfo p = frontend(rig.stub(), "panic");
        assertThat(p.getMode()).isEqualTo("panic");
        assertThat(entry(p, "c").getReason()).isEqualTo(WeightReason.WEIGHT_REASON_PANIC);
        assertThat(entry(p, "c").getEffectiveWeight()).isEqualTo(50);
        assertThat(rig.weights(panic)).isEqualTo(all);
        assertThat(rig.weights(keepAll)).isEqualTo(all);
        assertThat(rig.weights(keep)).isEqualTo(Map.of(a, 100, b, 100, c, 0));

        // a and b go down: "drain" and "panic" (no backend up) drain, "keep" keeps a and b
        l.stop(0);
        l.stop(1);
        await()
            .atMost(Duration.ofSeconds(10))
            .untilAsserted(
                () -> {
                  assertThat(rig.weights(drain)).isEqualTo(Map.of(a, 0, b, 0, c, 0));
                  assertThat(rig.weights(panic)).isEqualTo(Map.of(a, 0, b, 0, c, 0));
                });
        // "keep" keeps what served last: a and b, or the one of them the probes found down
        // last (the verdicts may land one by one); never c, drained before
        FrontendInfo k = frontend(rig.stub(), "keep");
        assertThat(k.getMode()).isEqualTo("kept-last");
        assertThat(k.getState()).isEqualTo("up");
        assertThat(entry(k, "a").getState()).isEqualTo("down");
        assertThat(entry(k, "c").getReason()).isEqualTo(WeightReason.WEIGHT_REASON_DOWN);
        Map<String, Integer> kept = rig.weights(keep);
        assertThat(kept.get(c)).isZero();
        assertThat(kept.get(a) + kept.get(b)).isIn(100, 200);
        for (String n : List.of("a", "b")) {
          assertThat(entry(k, n).getReason())
              .isEqualTo(
                  entry(k, n).getEffectiveWeight() > 0
                      ? WeightReason.WEIGHT_REASON_KEPT_LAST
                      : WeightReason.WEIGHT_REASON_DOWN);
        }
        // "keepall" panicked while any was up, so all three served last: all three are kept
        FrontendInfo ka = frontend(rig.stub(), "keepall");
        assertThat(ka.getMode()).isEqualTo("kept-last");
        assertThat(entry(ka, "c").getReason()).isEqualTo(WeightReason.WEIGHT_REASON_KEPT_LAST);
        assertThat(rig.weights(keepAll)).isEqualTo(all);
        assertThat(frontend(rig.stub(), "drain").getState()).isEqualTo("down");
      }
    }
  }

  static FrontendInfo frontend(MaglevGrpc.MaglevBlockingStub stub, String name) {
    return stub.getFrontend(GetFrontendRequest.newBuilder().setName(name).build());
  }

  static PoolBackendInfo entry(FrontendInfo f, String backend) {
    return f.getPools(0).getBackendsList().stream()
        .filter(x -> x.getName().equals(backend))
        .findFirst()
        .orElseThrow();
  }
}
