package ch.ipng.maglev.daemon.dataplane;

import static org.assertj.core.api.Assertions.assertThat;

import ch.ipng.maglev.daemon.testing.SimRig;
import ch.ipng.maglev.daemon.testing.TcpListeners;
import ch.ipng.maglev.vpp.lb.LbClient.VipKey;
import java.net.InetAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A stalled checker: maglevd is stopped with SIGSTOP for longer than its probe timeouts, then
 * continued. Its probes in flight time out late and the next ones start far behind their schedule;
 * none of that is evidence against the backends, so maglev-vppsim, read through its own API during
 * the stop and after it, never sees a weight decrease. The stall lasts 3 s, or {@code
 * -Dmaglev.test.stall=10} (seconds) to try another length by hand ({@code -Dmaglev.test.fall=1}
 * another fall).
 */
class StalledCheckerProcessTest {
  private static final int BACKENDS = 6;
  private static final int FRONTENDS = 3;

  @TempDir Path dir;

  static String config(TcpListeners l) {
    StringBuilder b = new StringBuilder();
    b.append(
        """
        maglev:
          vpp:
            lb:
              ipv4-src-address: 192.0.2.254
              ipv6-src-address: 2001:db8::254
              sync-interval: 1h
              startup-min-delay: 1s
              startup-max-delay: 3s
          healthchecks:
            tcp: { type: tcp, port: %d, interval: 200ms, timeout: 500ms, rise: 2, fall: %d }
          backends:
        """
            .formatted(l.port(), Long.getLong("maglev.test.fall", 3)));
    for (int i = 0; i < BACKENDS; i++) {
      b.append("    b%d: { address: %s, healthcheck: tcp }\n".formatted(i, l.address(i)));
    }
    b.append("  frontends:\n");
    for (int f = 0; f < FRONTENDS; f++) {
      b.append(
          "    fe%d:\n      address: %s%d\n      protocol: tcp\n".formatted(f, l.net(), 100 + f));
      b.append("      port: 80\n      pools:\n        - name: p\n          backends:\n");
      for (int i = f * 2; i < f * 2 + 2; i++) {
        b.append("            b%d: {}\n".formatted(i));
      }
    }
    return b.toString();
  }

  private static long probes(SimRig rig) throws Exception {
    String v =
        rig.daemon()
            .metric(
                "maglev_probe_total{backend=\"b0\",code=\"L4OK\",result=\"success\",type=\"tcp\"}");
    return v.equals("absent") ? 0 : (long) Double.parseDouble(v);
  }

  @Test
  void aStallLongerThanTheTimeouts_writesNoWeightDecrease() throws Exception {
    long stallSeconds = Long.getLong("maglev.test.stall", 3);
    try (TcpListeners l = TcpListeners.onLoopback(BACKENDS)) {
      VipKey[] vips = new VipKey[FRONTENDS];
      for (int f = 0; f < FRONTENDS; f++) {
        vips[f] = new VipKey(InetAddress.getByName(l.net() + (100 + f)), 32, 6, 80);
      }
      Map<String, Integer> all = new HashMap<>();
      for (int i = 0; i < BACKENDS; i++) {
        all.put(l.address(i), 100);
      }
      try (SimRig rig = SimRig.start(dir, config(l))) {
        rig.awaitWeights(Duration.ofSeconds(30), all, vips);
        int lowest = 100;
        int polls = 0;
        rig.daemon().signal("STOP");
        long stopped = System.nanoTime();
        try {
          // the simulator answers while maglevd is stopped: poll it all along the stall
          while (System.nanoTime() - stopped < TimeUnit.SECONDS.toNanos(stallSeconds)) {
            lowest = Math.min(lowest, lowest(rig, vips));
            polls++;
          }
        } finally {
          rig.daemon().signal("CONT");
        }
        // after the stall: until b0 has been probed 15 more times (3 s of probes at 200 ms)
        long before = probes(rig);
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (probes(rig) < before + 15) {
          lowest = Math.min(lowest, lowest(rig, vips));
          polls++;
          assertThat(System.nanoTime()).as("probing again after SIGCONT").isLessThan(deadline);
        }
        lowest = Math.min(lowest, lowest(rig, vips));
        System.out.printf(
            "stalled checker: %d s SIGSTOP, %d polls of the simulator, lowest weight %d%n",
            stallSeconds, polls, lowest);
        assertThat(polls).isGreaterThan(2);
        assertThat(lowest)
            .as("lowest weight in the simulator during and after the stall")
            .isEqualTo(100);
        assertThat(rig.weights(vips)).isEqualTo(all);
      }
    }
  }

  private static int lowest(SimRig rig, VipKey[] vips) {
    int low = 100;
    for (int w : rig.weights(vips).values()) {
      low = Math.min(low, w);
    }
    if (rig.weights(vips).size() < BACKENDS) {
      return -1; // an AS gone inactive: a decrease too
    }
    return low;
  }
}
