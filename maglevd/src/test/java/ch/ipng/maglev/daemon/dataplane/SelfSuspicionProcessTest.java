package ch.ipng.maglev.daemon.dataplane;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import ch.ipng.maglev.daemon.testing.DaemonProcess;
import ch.ipng.maglev.daemon.testing.Netns;
import ch.ipng.maglev.proto.CheckerSuspicion;
import ch.ipng.maglev.proto.GetCheckerSuspicionRequest;
import ch.ipng.maglev.proto.MaglevGrpc;
import ch.ipng.maglev.proto.ReleaseCheckerSuspicionRequest;
import ch.ipng.maglev.vpp.api.VppConnection;
import ch.ipng.maglev.vpp.lb.LbClient;
import ch.ipng.maglev.vpp.lb.LbClient.VipKey;
import ch.ipng.maglev.vppsim.testing.SimProcess;
import io.grpc.ManagedChannel;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
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

  /** TCP listeners that accept and close, one per backend address, on one port. */
  static final class Listeners implements AutoCloseable {
    final List<ServerSocketChannel> open = new ArrayList<>();
    int port;

    Listeners(Link link) throws IOException {
      for (int i = 0; i < N; i++) {
        ServerSocketChannel s = ServerSocketChannel.open();
        open.add(s);
        s.bind(new InetSocketAddress(InetAddress.getByName(link.address(i)), port), 64);
        port = ((InetSocketAddress) s.getLocalAddress()).getPort();
        Thread.ofVirtual()
            .start(
                () -> {
                  while (s.isOpen()) {
                    try (SocketChannel c = s.accept()) {
                      // a TCP check only connects
                    } catch (IOException e) {
                      return;
                    }
                  }
                });
      }
    }

    void stop(int i) throws IOException {
      open.get(i).close();
    }

    @Override
    public void close() throws IOException {
      for (ServerSocketChannel s : open) {
        s.close();
      }
    }
  }

  String config(Netns ns, Link link, Listeners l) {
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
            self-suspicion: { window: 5s, max-lateness: 30s, hold: 5m }
          healthchecks:
            tcp: { type: tcp, port: %d, interval: 200ms, timeout: 500ms, rise: 2, fall: 3 }
          backends:
        """
            .formatted(ns.name(), l.port));
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

  /** Backend address → weight of the active ASes of every VIP, as the simulator has them. */
  static Map<String, Integer> weights(LbClient lb) throws IOException {
    Map<String, Integer> out = new HashMap<>();
    for (int f = 0; f < FRONTENDS; f++) {
      VipKey vip = new VipKey(InetAddress.getByName("192.0.2." + (40 + f)), 32, 6, 80);
      for (LbClient.As as : VppConnection.await(lb.ass(vip))) {
        if (as.active()) {
          out.put(as.address().getHostAddress(), as.weight());
        }
      }
    }
    return out;
  }

  static String metric(HttpClient http, int port, String name) throws Exception {
    String body =
        http.send(
                HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/metrics")).build(),
                HttpResponse.BodyHandlers.ofString())
            .body();
    for (String line : body.split("\n")) {
      if (line.startsWith(name + " ")) {
        return line.substring(name.length() + 1).trim();
      }
    }
    return "absent";
  }

  @Test
  void linkDown_freezesEveryWeight_linkUp_liftsIt_thenOneFailureDrains() throws Exception {
    String reason = Netns.unavailableReason();
    assumeTrue(reason == null, "network namespaces: " + reason);
    try (Netns ns = Netns.create();
        Link link = new Link(ns);
        Listeners l = new Listeners(link)) {
      Path file = dir.resolve("maglev.yaml");
      Files.writeString(file, config(ns, link, l));
      Map<String, Integer> all = new HashMap<>();
      for (int i = 0; i < N; i++) {
        all.put(link.address(i), 100);
      }
      HttpClient http = HttpClient.newHttpClient();
      try (SimProcess sim = SimProcess.start(dir);
          DaemonProcess d =
              DaemonProcess.start(
                  dir,
                  List.of(),
                  "--config",
                  file.toString(),
                  "--vpp-api-addr=" + sim.api(),
                  "--vpp-stats-addr=" + sim.stats());
          VppConnection vpp =
              VppConnection.connect(
                  sim.api(), "suspicion-test", Duration.ofSeconds(5), LbClient.REQUIRED)) {
        LbClient lb = new LbClient(vpp);
        ManagedChannel ch =
            NettyChannelBuilder.forAddress("127.0.0.1", d.grpcPort()).usePlaintext().build();
        try {
          MaglevGrpc.MaglevBlockingStub stub =
              MaglevGrpc.newBlockingStub(ch).withDeadlineAfter(60, TimeUnit.SECONDS);
          await().atMost(Duration.ofSeconds(30)).until(() -> weights(lb).equals(all));
          assertThat(metric(http, d.metricsPort(), "maglev_checker_suspect")).isEqualTo("0.0");

          // the probe namespace loses its link: every probe fails at once
          long down = System.nanoTime();
          link.up(false);
          int lowest = 100;
          CheckerSuspicion s = CheckerSuspicion.getDefaultInstance();
          while (System.nanoTime() - down < TimeUnit.SECONDS.toNanos(20)) {
            for (int w : weights(lb).values()) {
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
          assertThat(s.getFrontendsList()).containsExactly("fe0", "fe1", "fe2", "fe3");
          assertThat(s.getRanges()).isEqualTo(2);
          assertThat(s.getFrozenCount()).isEqualTo(N);
          assertThat(metric(http, d.metricsPort(), "maglev_checker_suspect")).isEqualTo("1.0");
          assertThat(metric(http, d.metricsPort(), "maglev_checker_suspicions_total"))
              .isEqualTo("1.0");
          await().atMost(Duration.ofSeconds(10)).until(() -> weights(lb).equals(all));
          assertThat(d.log()).contains("checker-suspect");

          // link up: every backend answers again, the suspicion lifts by itself, no flap
          link.up(true);
          long up = System.nanoTime();
          while (!metric(http, d.metricsPort(), "maglev_checker_suspect").equals("0.0")) {
            if (!weights(lb).equals(all)) {
              System.out.println("maglevd log at the weight change:\n" + d.log());
            }
            assertThat(weights(lb)).isEqualTo(all);
            assertThat(System.nanoTime() - up).isLessThan(TimeUnit.SECONDS.toNanos(30));
          }
          assertThat(weights(lb)).isEqualTo(all);
          assertThat(d.log()).contains("checker-suspect-lifted");

          // a real failure of one backend still drains it
          l.stop(7);
          await()
              .atMost(Duration.ofSeconds(10))
              .untilAsserted(() -> assertThat(weights(lb)).containsEntry(link.address(7), 0));
          assertThat(metric(http, d.metricsPort(), "maglev_checker_suspect")).isEqualTo("0.0");
          assertThat(
                  stub.releaseCheckerSuspicion(ReleaseCheckerSuspicionRequest.getDefaultInstance())
                      .getSuspected())
              .isFalse();
        } finally {
          ch.shutdownNow();
        }
      }
    }
  }
}
