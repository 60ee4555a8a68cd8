package ch.ipng.maglev.daemon.dataplane;

import static ch.ipng.maglev.daemon.dataplane.AllDownPolicyProcessTest.entry;
import static ch.ipng.maglev.daemon.dataplane.AllDownPolicyProcessTest.frontend;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import ch.ipng.maglev.daemon.testing.DaemonProcess;
import ch.ipng.maglev.daemon.testing.SimRig;
import ch.ipng.maglev.daemon.testing.TcpListeners;
import ch.ipng.maglev.proto.Event;
import ch.ipng.maglev.proto.FrontendInfo;
import ch.ipng.maglev.proto.GetBackendRequest;
import ch.ipng.maglev.proto.ReleaseDrainHoldRequest;
import ch.ipng.maglev.proto.ReleaseDrainHoldResponse;
import ch.ipng.maglev.proto.WatchRequest;
import ch.ipng.maglev.proto.WeightReason;
import ch.ipng.maglev.vpp.lb.LbClient.VipKey;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.stub.StreamObserver;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The removal budget (max-drain) against maglev-vppsim, read through the simulator's own API: four
 * backends behind two VIPs with max-drain 50 %, one with a short window and one with an hour's;
 * three backends fail together.
 */
class RemovalBudgetProcessTest {
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
          healthchecker:
            self-suspicion: { enabled: false }
          healthchecks:
            tcp: { type: tcp, port: %d, interval: 100ms, timeout: 3s, rise: 1, fall: 1 }
          backends:
            a: { address: %s, healthcheck: tcp }
            b: { address: %s, healthcheck: tcp }
            c: { address: %s, healthcheck: tcp }
            d: { address: %s, healthcheck: tcp }
          frontends:
            short:
              address: %s100
              protocol: tcp
              port: 80
              max-drain: 50%%
              max-drain-window: 3s
              pools: [ { name: p, backends: { a: {}, b: {}, c: {}, d: {} } } ]
            long:
              address: %s101
              protocol: tcp
              port: 80
              max-drain: 50
              max-drain-window: 1h
              pools: [ { name: p, backends: { a: {}, b: {}, c: {}, d: {} } } ]
        """
        .formatted(
            l.port(), l.address(0), l.address(1), l.address(2), l.address(3), l.net(), l.net());
  }

  /** The one of a, b and c (by address) that still has weight 100 in the simulator. */
  static String heldOf(Map<String, Integer> w, TcpListeners l) {
    List<String> serving = new ArrayList<>();
    for (int i = 0; i < 3; i++) {
      if (w.getOrDefault(l.address(i), 0) > 0) {
        serving.add(l.address(i));
      }
    }
    assertThat(serving).hasSize(1);
    return serving.get(0);
  }

  /** Two of a, b, c at 0 and the third at 100: two drained, one held; d serves. */
  static void twoDrainedOneHeld(Map<String, Integer> w, TcpListeners l) {
    assertThat(w.get(l.address(3))).isEqualTo(100);
    int zero = 0;
    int full = 0;
    for (int i = 0; i < 3; i++) {
      int x = w.get(l.address(i));
      zero += x == 0 ? 1 : 0;
      full += x == 100 ? 1 : 0;
    }
    assertThat(zero).as("drained in %s", w).isEqualTo(2);
    assertThat(full).as("held in %s", w).isEqualTo(1);
  }

  /** Waits until the event stream logged a drain-released naming {@code how}. */
  static void awaitReleased(Queue<String> logged, String how) {
    await()
        .atMost(Duration.ofSeconds(10))
        .untilAsserted(
            () ->
                assertThat(logged)
                    .anySatisfy(m -> assertThat(m).startsWith("drain-released").contains(how)));
  }

  @Test
  void threeOfFourFail_twoDrainOneIsHeld_theWindowDrainsIt_andReleaseDrainsAtOnce()
      throws Exception {
    try (TcpListeners l = TcpListeners.onLoopback(4)) {
      VipKey shortVip = new VipKey(InetAddress.getByName(l.net() + "100"), 32, 6, 80);
      VipKey longVip = new VipKey(InetAddress.getByName(l.net() + "101"), 32, 6, 80);
      Map<String, Integer> all =
          Map.of(l.address(0), 100, l.address(1), 100, l.address(2), 100, l.address(3), 100);
      try (SimRig rig = SimRig.start(dir, config(l))) {
        DaemonProcess d = rig.daemon();
        Queue<String> logged = new ConcurrentLinkedQueue<>();
        rig.asyncStub()
            .watchEvents(
                WatchRequest.newBuilder()
                    .setLog(true)
                    .setLogLevel("info")
                    .setFrontend(true)
                    .build(),
                new StreamObserver<Event>() {
                  @Override
                  public void onNext(Event e) {
                    if (e.hasLog()) {
                      logged.add(e.getLog().getMsg() + " " + e.getLog().getAttrsMap());
                    } else if (e.hasFrontend()) {
                      logged.add("frontend " + e.getFrontend().getName());
                    }
                  }

                  @Override
                  public void onError(Throwable t) {
                    logged.add("error " + t);
                  }

                  @Override
                  public void onCompleted() {}
                });
        // the stream is up once its synthetic frontend events arrived
        await().atMost(Duration.ofSeconds(30)).until(() -> logged.contains("frontend long"));
        await()
            .atMost(Duration.ofSeconds(30))
            .untilAsserted(
                () -> {
                  assertThat(rig.weights(shortVip)).isEqualTo(all);
                  assertThat(rig.weights(longVip)).isEqualTo(all);
                });

        // a, b and c fail together: in each VIP two drain and the third is held at 100
        l.stop(0);
        l.stop(1);
        l.stop(2);
        await()
            .atMost(Duration.ofSeconds(20))
            .untilAsserted(
                () -> {
                  FrontendInfo f = frontend(rig.stub(), "long");
                  assertThat(f.getHeldCount()).isEqualTo(1);
                  for (String n : List.of("a", "b", "c")) {
                    assertThat(entry(f, n).getState()).isEqualTo("down");
                  }
                  twoDrainedOneHeld(rig.weights(longVip), l);
                });
        FrontendInfo f = frontend(rig.stub(), "long");
        String held = f.getHeld(0);
        assertThat(entry(f, held).getReason()).isEqualTo(WeightReason.WEIGHT_REASON_HELD);
        assertThat(entry(f, held).getEffectiveWeight()).isEqualTo(100);
        assertThat(f.getMaxDrain()).isEqualTo(50);
        assertThat(f.getState()).isEqualTo("up");
        String heldAddress = heldOf(rig.weights(longVip), l);
        assertThat(d.metric("maglev_frontend_held{frontend=\"long\"}")).isEqualTo("1.0");
        assertThat(d.metric("maglev_frontend_drain_holds_total{frontend=\"long\"}"))
            .isEqualTo("1.0");

        // "short": held too, then its 3 s window passes and the held backend drains
        await()
            .atMost(Duration.ofSeconds(30))
            .untilAsserted(
                () ->
                    assertThat(rig.weights(shortVip))
                        .isEqualTo(
                            Map.of(
                                l.address(0),
                                0,
                                l.address(1),
                                0,
                                l.address(2),
                                0,
                                l.address(3),
                                100)));
        assertThat(frontend(rig.stub(), "short").getHeldCount()).isZero();
        assertThat(d.log()).contains("\"msg\":\"drain-held\"").contains("\"frontend\":\"short\"");
        awaitReleased(logged, "how=window");
        assertThat(logged).anySatisfy(m -> assertThat(m).startsWith("drain-held"));
        // "long", with an hour's window, still holds its backend
        assertThat(rig.weights(longVip)).containsEntry(heldAddress, 100);
        assertThat(frontend(rig.stub(), "long").getHeldList()).containsExactly(held);

        // the operator releases it: drained at once
        ReleaseDrainHoldResponse r =
            rig.stub()
                .releaseDrainHold(ReleaseDrainHoldRequest.newBuilder().setFrontend("long").build());
        assertThat(r.getReleasedList())
            .singleElement()
            .satisfies(
                x -> {
                  assertThat(x.getFrontend()).isEqualTo("long");
                  assertThat(x.getBackendsList()).containsExactly(held);
                });
        await()
            .atMost(Duration.ofSeconds(10))
            .untilAsserted(() -> assertThat(rig.weights(longVip)).containsEntry(heldAddress, 0));
        assertThat(frontend(rig.stub(), "long").getHeldCount()).isZero();
        assertThat(entry(frontend(rig.stub(), "long"), held).getReason())
            .isEqualTo(WeightReason.WEIGHT_REASON_DOWN);
        assertThat(d.metric("maglev_frontend_held{frontend=\"long\"}")).isEqualTo("0.0");
        awaitReleased(logged, "how=operator");

        // bad requests name what was expected
        assertThat(
                org.assertj.core.api.Assertions.catchThrowableOfType(
                    StatusRuntimeException.class,
                    () ->
                        rig.stub()
                            .releaseDrainHold(
                                ReleaseDrainHoldRequest.newBuilder().setFrontend("nope").build())))
            .satisfies(
                e -> {
                  assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.NOT_FOUND);
                  assertThat(e.getStatus().getDescription()).contains("\"nope\"");
                });
        assertThat(
                org.assertj.core.api.Assertions.catchThrowableOfType(
                    StatusRuntimeException.class,
                    () ->
                        rig.stub().releaseDrainHold(ReleaseDrainHoldRequest.getDefaultInstance())))
            .satisfies(
                e -> assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT));
        assertThat(
                rig.stub()
                    .releaseDrainHold(ReleaseDrainHoldRequest.newBuilder().setAll(true).build())
                    .getReleasedCount())
            .isZero();

        // a reload changes the budget and touches no probe
        var dBefore = rig.stub().getBackend(GetBackendRequest.newBuilder().setName("d").build());
        Files.writeString(rig.config(), config(l).replace("max-drain: 50\n", "max-drain: 25\n"));
        d.signal("HUP");
        await()
            .atMost(Duration.ofSeconds(20))
            .until(() -> frontend(rig.stub(), "long").getMaxDrain() == 25);
        var dAfter = rig.stub().getBackend(GetBackendRequest.newBuilder().setName("d").build());
        assertThat(dAfter.getState()).isEqualTo("up");
        assertThat(dAfter.getTransitionsList()).isEqualTo(dBefore.getTransitionsList());
        assertThat(rig.weights(longVip)).containsEntry(l.address(3), 100);
      }
    }
  }
}
