package ch.ipng.maglev.daemon.dataplane;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import ch.ipng.maglev.daemon.testing.DaemonProcess;
import ch.ipng.maglev.daemon.testing.Netns;
import ch.ipng.maglev.daemon.testing.SimRig;
import ch.ipng.maglev.daemon.testing.TcpListeners;
import ch.ipng.maglev.proto.CheckerSuspicion;
import ch.ipng.maglev.proto.GetCheckerSuspicionRequest;
import ch.ipng.maglev.proto.MaglevGrpc;
import ch.ipng.maglev.proto.ReleaseCheckerSuspicionRequest;
import ch.ipng.maglev.vpp.lb.LbClient.VipKey;
import java.io.IOException;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Self-suspicion end to end: maglevd probes 20 backends of 4 frontends from a network namespace the
 * test makes, over a veth pair to listeners on the host side (two /24s of 198.18.0.0/15). The test
 * takes the namespace's link down: maglev-vppsim, read through its own API, keeps every weight
 * while the metric and the API show the suspicion; link up: it lifts by itself. Then a single
 * backend failure still drains.
 */
class SelfSuspicionProcessTest {
  private static final int PER_FRONTEND = 5;
  private static final int FRONTENDS = 4;
  private static final int N = PER_FRONTEND * FRONTENDS;

  @TempDir Path dir;

  static int ip(String... args) throws IOException, InterruptedException {
    List<String> cmd = new ArrayList<>(List.of("ip"));
    cmd.addAll(List.of(args));
    Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    int rc = p.waitFor();
    if (rc != 0) {
      throw new IOException(String.join(" ", cmd) + " failed (" + rc + "): " + out);
    }
    return rc;
  }

  /** A veth pair: one end on the host with the backends' addresses, one in the namespace. */
  static final class Link implements AutoCloseable {
    final Netns ns;
    final String host;
    final String inside;
    final String net0;
    final String net1;

    Link(Netns ns) throws IOException, InterruptedException {
      this.ns = ns;
      int id = ThreadLocalRandom.current().nextInt(1_000_000);
      host = "mgsh" + id;
      inside = "mgsn" + id;
      // two /24s of 198.18.0.0/15 (RFC 2544 benchmarking), picked at random
      int third = ThreadLocalRandom.current().nextInt(0, 255) & ~1;
      int second = 18 + ThreadLocalRandom.current().nextInt(2);
      net0 = "198." + second + "." + third + ".";
      net1 = "198." + second + "." + (third + 1) + ".";
      ip("link", "add", host, "type", "veth", "peer", "name", inside, "netns", ns.name());
      ip("addr", "add", net0 + "254/24", "dev", host);
      ip("addr", "add", net1 + "254/24", "dev", host);
      for (int i = 1; i <= N / 2; i++) {
        ip("addr", "add", net0 + i + "/32", "dev", host);
        ip("addr", "add", net1 + i + "/32", "dev", host);
      }
      ip("link", "set", host, "up");
      ip("-n", ns.name(), "addr", "add", net0 + "200/24", "dev", inside);
      ip("-n", ns.name(), "link", "set", inside, "up");
      ip("-n", ns.name(), "route", "add", net1 + "0/24", "dev", inside);
    }

    /** Backend i: even ones in the first /24, odd ones in the second. */
    String address(int i) {
      return (i % 2 == 0 ? net0 : net1) + (i / 2 + 1);
    }

    void up(boolean up) throws IOException, InterruptedException {
      ip("-n", ns.name(), "link", "set", inside, up ? "up" : "down");
      if (up) {
        ip("-n", ns.name(), "route", "replace", net1 + "0/24", "dev", inside);
      }
    }

    @Override
    public void close() throws IOException, InterruptedException {
      ip("link", "del", host); // takes its peer with it
    }
  }

  /** Accept-and-close listeners on every backend address of the link. */
  static TcpListeners listeners(Link link) throws IOException {
    List<String> addresses = new ArrayList<>();
    for (int i = 0; i < N; i++) {
      addresses.add(link.address(i));
    }
    return TcpListeners.on(addresses);
  }

  String config(Netns ns, Link link, TcpListeners l) {
    return config(ns, link, l, "");
  }

  /** The config, with {@code extra} added to the self-suspicion mapping (e.g. canaries). */
  String config(Netns ns, Link link, TcpListeners l, String extra) {
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
          healthchecker:
            netns: %s
            self-suspicion: { window: 5s, max-lateness: 30s, hold: 5m%s }
          healthchecks:
            tcp: { type: tcp, port: %d, interval: 200ms, timeout: 500ms, rise: 2, fall: 3 }
          backends:
        """
            .formatted(ns.name(), extra, l.port()));
    for (int i = 0; i < N; i++) {
      b.append("    b%d: { address: %s, healthcheck: tcp }\n".formatted(i, link.address(i)));
    }
    b.append("  frontends:\n");
    for (int f = 0; f < FRONTENDS; f++) {
      b.append("    fe%d:\n      address: 192.0.2.%d\n      protocol: tcp\n".formatted(f, 40 + f));
      b.append("      port: 80\n      pools:\n        - name: p\n          backends:\n");
      for (int i = f * PER_FRONTEND; i < (f + 1) * PER_FRONTEND; i++) {
        b.append("            b%d: {}\n".formatted(i));
      }
    }
    return b.toString();
  }

  /** Every frontend's VIP. */
  static VipKey[] vips() throws IOException {
    VipKey[] vips = new VipKey[FRONTENDS];
    for (int f = 0; f < FRONTENDS; f++) {
      vips[f] = new VipKey(InetAddress.getByName("192.0.2." + (40 + f)), 32, 6, 80);
    }
    return vips;
  }

  @Test
  void linkDown_freezesEveryWeight_linkUp_liftsIt_thenOneFailureDrains() throws Exception {
    String reason = Netns.unavailableReason();
    assumeTrue(reason == null, "network namespaces: " + reason);
    try (Netns ns = Netns.create();
        Link link = new Link(ns);
        TcpListeners l = listeners(link)) {
      Map<String, Integer> all = new HashMap<>();
      for (int i = 0; i < N; i++) {
        all.put(link.address(i), 100);
      }
      VipKey[] vips = vips();
      try (SimRig rig = SimRig.start(dir, config(ns, link, l))) {
        DaemonProcess d = rig.daemon();
        MaglevGrpc.MaglevBlockingStub stub = rig.stub();
        await().atMost(Duration.ofSeconds(30)).until(() -> rig.weights(vips).equals(all));
        assertThat(d.metric("maglev_checker_suspect")).isEqualTo("0.0");

        // the probe namespace loses its link: every probe fails at once
        long down = System.nanoTime();
        link.up(false);
        int lowest = 100;
        CheckerSuspicion s = CheckerSuspicion.getDefaultInstance();
        while (System.nanoTime() - down < TimeUnit.SECONDS.toNanos(20)) {
          for (int w : rig.weights(vips).values()) {
            lowest = Math.min(lowest, w);
          }
          s = stub.getCheckerSuspicion(GetCheckerSuspicionRequest.getDefaultInstance());
          if (s.getSuspected() && s.getFrozenCount() == N) {
            break;
          }
        }
        long detected = System.nanoTime() - down;
        System.out.printf(
            "self-suspicion: detected and all %d frozen in %d ms; lowest sim weight seen"
                + " meanwhile %d%n",
            N, TimeUnit.NANOSECONDS.toMillis(detected), lowest);
        assertThat(s.getSuspected()).isTrue();
        // with fall 3, the first failures make the storm before any backend goes down
        assertThat(lowest).as("lowest weight in the simulator during the storm").isEqualTo(100);
        assertThat(s.getCause()).isEqualTo("storm");
        // the evidence is what was seen failing when the storm was recognised: half the backends,
        // which span at least two frontends (the rule) but need not span all four (the ten first
        // to fail miss a whole frontend about once in fifteen runs)
        assertThat(s.getFrontendsList())
            .isSubsetOf("fe0", "fe1", "fe2", "fe3")
            .hasSizeGreaterThanOrEqualTo(2)
            .isSorted();
        assertThat(s.getRanges()).isEqualTo(2);
        assertThat(s.getFrozenCount()).isEqualTo(N);
        assertThat(d.metric("maglev_checker_suspect")).isEqualTo("1.0");
        assertThat(d.metric("maglev_checker_suspicions_total")).isEqualTo("1.0");
        await().atMost(Duration.ofSeconds(10)).until(() -> rig.weights(vips).equals(all));
        assertThat(d.log()).contains("checker-suspect");

        // link up: every backend answers again, the suspicion lifts by itself, no flap
        link.up(true);
        long up = System.nanoTime();
        while (!d.metric("maglev_checker_suspect").equals("0.0")) {
          if (!rig.weights(vips).equals(all)) {
            System.out.println("maglevd log at the weight change:\n" + d.log());
          }
          assertThat(rig.weights(vips)).isEqualTo(all);
          assertThat(System.nanoTime() - up).isLessThan(TimeUnit.SECONDS.toNanos(30));
        }
        assertThat(rig.weights(vips)).isEqualTo(all);
        assertThat(d.log()).contains("checker-suspect-lifted");

        // a real failure of one backend still drains it
        l.stop(7);
        await()
            .atMost(Duration.ofSeconds(10))
            .untilAsserted(() -> assertThat(rig.weights(vips)).containsEntry(link.address(7), 0));
        assertThat(d.metric("maglev_checker_suspect")).isEqualTo("0.0");
        assertThat(
                stub.releaseCheckerSuspicion(ReleaseCheckerSuspicionRequest.getDefaultInstance())
                    .getSuspected())
            .isFalse();
      }
    }
  }

  /**
   * With a canary (a listener on the host's end of the link) that answers, half of the backends
   * failing for real across frontends and ranges is believed: the storm rule may freeze them for a
   * moment, but the next canary round lifts it ({@code how=believed}) and the simulator drains
   * them; the others keep their weight.
   */
  @Test
  void answeringCanaries_makeARealStormBelieved_andDrained() throws Exception {
    String reason = Netns.unavailableReason();
    assumeTrue(reason == null, "network namespaces: " + reason);
    try (Netns ns = Netns.create();
        Link link = new Link(ns);
        TcpListeners l = listeners(link);
        TcpListeners canary = TcpListeners.on(List.of(link.net0 + "254"))) {
      Map<String, Integer> all = new HashMap<>();
      for (int i = 0; i < N; i++) {
        all.put(link.address(i), 100);
      }
      String yaml =
          config(ns, link, l, ", canaries: [ \"" + link.net0 + "254:" + canary.port() + "\" ]");
      VipKey[] vips = vips();
      try (SimRig rig = SimRig.start(dir, yaml)) {
        rig.awaitWeights(Duration.ofSeconds(30), all, vips);
        // backends 0-9 (frontends fe0 and fe1, both ranges) fail for real: a storm's pattern
        Map<String, Integer> after = new HashMap<>(all);
        for (int i = 0; i < N / 2; i++) {
          l.stop(i);
          after.put(link.address(i), 0);
        }
        rig.awaitWeights(Duration.ofSeconds(30), after, vips);
        assertThat(rig.daemon().metric("maglev_checker_suspect")).isEqualTo("0.0");
        String log = rig.daemon().log();
        if (log.contains("\"msg\":\"checker-suspect\"")) {
          assertThat(log).contains("\"how\":\"believed\"");
        }
      }
    }
  }
}
