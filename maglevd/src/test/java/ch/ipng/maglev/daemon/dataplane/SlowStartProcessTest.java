package ch.ipng.maglev.daemon.dataplane;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import ch.ipng.maglev.daemon.testing.DaemonProcess;
import ch.ipng.maglev.daemon.testing.SimRig;
import ch.ipng.maglev.daemon.testing.TcpListeners;
import ch.ipng.maglev.proto.BackendRequest;
import ch.ipng.maglev.proto.FrontendInfo;
import ch.ipng.maglev.proto.GetBackendRequest;
import ch.ipng.maglev.proto.MaglevGrpc;
import ch.ipng.maglev.proto.PoolBackendInfo;
import ch.ipng.maglev.proto.WeightReason;
import ch.ipng.maglev.vpp.lb.LbClient.VipKey;
import ch.ipng.maglev.vppsim.testing.SimProcess;
import java.io.IOException;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Slow start against maglev-vppsim: a backend that is enabled, and one that comes up after a
 * failure, ramp to their weights in steps, and every step's churn is measured on the simulator's
 * own new-flow tables (its control channel's {@code table} command, not maglevd's API).
 */
class SlowStartProcessTest {
  private static final Pattern STEP =
      Pattern.compile(
          "\"msg\":\"slow-start-step\".*\"backend\":\"(\\w+)\".*\"from\":\"?(\\d+)\"?,"
              + "\"to\":\"?(\\d+)\"?.*\"over_bound\":\"?(true|false)");

  @TempDir Path dir;

  private static String config(TcpListeners l, int maxChurn) {
    return """
        maglev:
          vpp:
            lb:
              ipv4-src-address: 192.0.2.254
              ipv6-src-address: 2001:db8::254
              sync-interval: 1h
              startup-min-delay: 1s
              startup-max-delay: 2s
          healthchecks:
            tcp: { type: tcp, port: %d, interval: 100ms, timeout: 3s, rise: 1, fall: 1 }
          backends:
            a: { address: %s, healthcheck: tcp }
            b: { address: %s, healthcheck: tcp }
            c: { address: %s, healthcheck: tcp }
            d: { address: %s, healthcheck: tcp, enabled: false }
          frontends:
            web:
              address: %s100
              protocol: tcp
              port: 80
              slow-start: 3s
              slow-start-max-churn: %d%%
              pools: [ { name: p, backends: { a: {}, b: {}, c: {}, d: {} } } ]
        """
        .formatted(
            l.port(), l.address(0), l.address(1), l.address(2), l.address(3), l.net(), maxChurn);
  }

  /** One reading of the simulator: a backend's weight and the VIP's table at that weight. */
  private record Seen(int weight, int[] table) {}

  /** Reads the simulator until the backend at {@code address} has weight 100, keeping changes. */
  private static List<Seen> watchRamp(SimRig rig, VipKey vip, String address) throws Exception {
    List<Seen> seen = new ArrayList<>();
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
    while (System.nanoTime() < deadline) {
      Integer before = rig.weights(vip).get(address);
      int[] table = table(rig.sim(), vip);
      Integer after = rig.weights(vip).get(address);
      if (before == null || !before.equals(after)) {
        continue; // a write landed between the reads
      }
      if (seen.isEmpty() || seen.getLast().weight() != before) {
        seen.add(new Seen(before, table));
      }
      if (before == 100 && seen.size() > 1) {
        return seen;
      }
    }
    throw new AssertionError("no ramp to 100 within 60 s; seen weights " + weights(seen));
  }

  private static List<Integer> weights(List<Seen> seen) {
    return seen.stream().map(Seen::weight).toList();
  }

  /** The simulator's own new-flow table of the VIP. */
  static int[] table(SimProcess sim, VipKey vip) {
    String answer =
        sim.control(
            "table " + vip.prefix().getHostAddress() + " " + vip.protocol() + " " + vip.port());
    assertThat(answer).startsWith("ok 1024 ");
    String[] w = answer.split(" ");
    int[] t = new int[w.length - 2];
    for (int i = 0; i < t.length; i++) {
      t[i] = Integer.parseInt(w[i + 2]);
    }
    return t;
  }

  /** maglevd's logged steps of one backend, in order: from, to, over the bound. */
  private static List<int[]> loggedSteps(DaemonProcess d, String backend) throws IOException {
    List<int[]> out = new ArrayList<>();
    for (String line : d.log().split("\n")) {
      Matcher m = STEP.matcher(line);
      if (m.find() && m.group(1).equals(backend)) {
        out.add(
            new int[] {
              Integer.parseInt(m.group(2)),
              Integer.parseInt(m.group(3)),
              m.group(4).equals("true") ? 1 : 0
            });
      }
    }
    return out;
  }

  /**
   * Checks the simulator's tables between consecutive readings: one logged step moves at most the
   * bound (unless logged over it: then it is +1); readings {@code k} steps apart at most k bounds
   * (the moves add up at most). Returns how many single steps were measured.
   */
  private static int checkChurn(List<Seen> seen, List<int[]> steps, int bound, int from) {
    List<int[]> ramp = new ArrayList<>();
    for (int[] s : steps) {
      if (s[0] == 1) {
        ramp.clear(); // a ramp starts at 1: keep the last one
      }
      ramp.add(s);
    }
    assertThat(ramp).as("maglevd's logged steps").isNotEmpty();
    assertThat(ramp.getFirst()[0]).isEqualTo(from);
    assertThat(ramp.getLast()[1]).isEqualTo(100);
    int single = 0;
    for (int i = 1; i < seen.size(); i++) {
      int w0 = seen.get(i - 1).weight();
      int w1 = seen.get(i).weight();
      int moved = 0;
      for (int b = 0; b < 1024; b++) {
        if (seen.get(i - 1).table()[b] != seen.get(i).table()[b]) {
          moved++;
        }
      }
      int first = -1;
      int last = -1;
      for (int s = 0; s < ramp.size(); s++) {
        if (ramp.get(s)[0] == w0) {
          first = s;
        }
        if (ramp.get(s)[1] == w1) {
          last = s;
        }
      }
      if (first < 0 || last < first) {
        // the start (0 to 1): the smallest step there is, taken at once, unbounded by design
        System.out.printf(
            "slow-start on the simulator: weight %d -> %d, the start, %d buckets moved%n",
            w0, w1, moved);
        continue;
      }
      int k = last - first + 1;
      boolean over = false;
      for (int s = first; s <= last; s++) {
        over |= ramp.get(s)[2] == 1;
      }
      assertThat(over).as("%d -> %d taken over the bound", w0, w1).isFalse();
      assertThat(moved)
          .as("buckets moved from weight %d to %d (%d step(s))", w0, w1, k)
          .isLessThanOrEqualTo(k * bound);
      if (k == 1) {
        single++;
      }
      System.out.printf(
          "slow-start on the simulator: weight %d -> %d, %d step(s), %d buckets moved (bound %d)%n",
          w0, w1, k, moved, bound);
    }
    return single;
  }

  @Test
  void enabledAndRecoveredBackends_rampInStepsWithinTheChurnBoundOnTheSimulatorsTables()
      throws Exception {
    try (TcpListeners l = TcpListeners.onLoopback(4)) {
      String a = l.address(0);
      String b = l.address(1);
      String c = l.address(2);
      String dd = l.address(3);
      VipKey web = new VipKey(InetAddress.getByName(l.net() + "100"), 32, 6, 80);
      try (SimRig rig = SimRig.start(dir, config(l, 5))) {
        DaemonProcess d = rig.daemon();
        // the first verdicts after start do not ramp: straight to 100
        rig.awaitWeights(Duration.ofSeconds(20), Map.of(a, 100, b, 100, c, 100, dd, 0), web);
        assertThat(d.log()).doesNotContain("slow-start-begin");

        // enable d: it ramps from 1 to 100, 51 buckets (5 %) at most per step
        AtomicBoolean shown = new AtomicBoolean();
        Thread api =
            Thread.ofVirtual()
                .start(
                    () -> {
                      while (!Thread.currentThread().isInterrupted() && !shown.get()) {
                        PoolBackendInfo e = entry(rig.stub(), "d");
                        if (e.getReason() == WeightReason.WEIGHT_REASON_SLOW_START
                            && e.getSlowStart().getTargetWeight() == 100
                            && e.getEffectiveWeight() < 100
                            && e.getSlowStart().getWeight() == e.getEffectiveWeight()
                            && e.getSlowStart().getLeftNs() <= Duration.ofSeconds(3).toNanos()
                            && !rig.stub()
                                .getBackend(GetBackendRequest.newBuilder().setName("d").build())
                                .getSlowStartsList()
                                .isEmpty()) {
                          shown.set(true);
                        }
                      }
                    });
        rig.stub().enableBackend(BackendRequest.newBuilder().setName("d").build());
        List<Seen> ramp1 = watchRamp(rig, web, dd);
        api.interrupt();
        assertThat(shown).as("GetFrontend/GetBackend showed the ramp").isTrue();
        assertThat(weights(ramp1)).as("d's weights in the simulator").hasSizeGreaterThan(3);
        int single1 = checkChurn(ramp1, loggedSteps(d, "d"), 51, 1);
        assertThat(single1).isPositive();
        assertThat(entry(rig.stub(), "d").getReason())
            .isEqualTo(WeightReason.WEIGHT_REASON_CONFIGURED);
        assertThat(entry(rig.stub(), "d").hasSlowStart()).isFalse();

        // reload: a wider bound, no probe restarted (a keeps its transitions)
        int transitions =
            rig.stub()
                .getBackend(GetBackendRequest.newBuilder().setName("a").build())
                .getTransitionsCount();
        Files.writeString(rig.config(), config(l, 20));
        d.signal("HUP");
        await()
            .atMost(Duration.ofSeconds(20))
            .untilAsserted(() -> assertThat(d.log()).contains("\"config-reload\""));

        // c fails and recovers: it ramps again, 204 buckets (20 %) at most per step
        l.stop(2);
        await()
            .atMost(Duration.ofSeconds(20))
            .untilAsserted(() -> assertThat(rig.weights(web).get(c)).isZero());
        l.restart(2);
        List<Seen> ramp2 = watchRamp(rig, web, c);
        int single2 = checkChurn(ramp2, loggedSteps(d, "c"), 204, 1);
        assertThat(single2).isPositive();
        assertThat(
                rig.stub()
                    .getBackend(GetBackendRequest.newBuilder().setName("a").build())
                    .getTransitionsCount())
            .isEqualTo(transitions);
        assertThat(rig.weights(web)).isEqualTo(Map.of(a, 100, b, 100, c, 100, dd, 100));
      }
    }
  }

  private static PoolBackendInfo entry(MaglevGrpc.MaglevBlockingStub stub, String backend) {
    FrontendInfo f = AllDownPolicyProcessTest.frontend(stub, "web");
    return AllDownPolicyProcessTest.entry(f, backend);
  }

  @SuppressWarnings("unused")
  private static String show(int[] t) {
    return Arrays.toString(t);
  }
}
