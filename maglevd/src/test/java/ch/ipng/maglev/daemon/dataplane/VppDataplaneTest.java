package ch.ipng.maglev.daemon.dataplane;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import ch.ipng.maglev.daemon.testing.DaemonProcess;
import ch.ipng.maglev.daemon.testing.TestServers;
import ch.ipng.maglev.proto.BackendRequest;
import ch.ipng.maglev.proto.GetVPPInfoRequest;
import ch.ipng.maglev.proto.GetVPPLBCountersRequest;
import ch.ipng.maglev.proto.GetVPPLBStateRequest;
import ch.ipng.maglev.proto.MaglevGrpc;
import ch.ipng.maglev.proto.SyncVPPLBStateRequest;
import ch.ipng.maglev.proto.VPPLBState;
import ch.ipng.maglev.proto.VPPLBVIP;
import ch.ipng.maglev.proto.VPPWarmUp;
import ch.ipng.maglev.vpp.api.VppConnection;
import ch.ipng.maglev.vpp.lb.LbClient;
import ch.ipng.maglev.vpp.lb.LbClient.As;
import ch.ipng.maglev.vpp.lb.LbClient.VipKey;
import ch.ipng.maglev.vpp.maglev.MaglevTable;
import ch.ipng.maglev.vppsim.testing.SimProcess;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import io.grpc.ManagedChannel;
import io.grpc.StatusRuntimeException;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import java.io.IOException;
import java.net.InetAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * maglevd programs maglev-vppsim: both run as their own processes and talk over the simulator's
 * real sockets; backends are HTTP servers on loopback addresses.
 */
class VppDataplaneTest {
  static final String A = "127.0.0.11";
  static final String B = "127.0.0.12";
  static final String C = "127.0.0.13";

  @TempDir Path dir;
  TestServers.Http a;
  TestServers.Http b;
  TestServers.Http c;
  int port;

  @BeforeEach
  void backends() throws IOException {
    a = TestServers.http(InetAddress.getByName(A), 0, 200, "ok");
    port = a.port();
    b = TestServers.http(InetAddress.getByName(B), port, 200, "ok");
    c = TestServers.http(InetAddress.getByName(C), port, 200, "ok");
  }

  @AfterEach
  void stopBackends() {
    for (TestServers.Http h : new TestServers.Http[] {a, b, c}) {
      if (h != null) {
        h.close();
      }
    }
  }

  /**
   * Two frontends; web has a backup pool. Keys in {@code reversed} order for the determinism test.
   */
  String config(boolean reversed, String extraFrontend, boolean sticky) {
    String backends =
        reversed
            ? """
                  c: { address: %s, healthcheck: http }
                  b: { address: %s, healthcheck: http }
                  a: { address: %s, healthcheck: http }
              """
                .formatted(C, B, A)
            : """
                  a: { address: %s, healthcheck: http }
                  b: { address: %s, healthcheck: http }
                  c: { address: %s, healthcheck: http }
              """
                .formatted(A, B, C);
    String mainPool = reversed ? "{ b: { weight: 50 }, a: {} }" : "{ a: {}, b: { weight: 50 } }";
    String frontends =
        """
                web:
                  address: 192.0.2.10
                  protocol: tcp
                  port: 80
                  src-ip-sticky: %s
                  pools:
                    - name: main
                      backends: %s
                    - name: backup
                      backends: { c: {} }
                dns:
                  address: 192.0.2.20
                  protocol: udp
                  port: 53
                  pools:
                    - name: main
                      backends: { a: {} }
            """
            .formatted(sticky, mainPool);
    if (reversed) {
      frontends =
          """
                  dns:
                    address: 192.0.2.20
                    port: 53
                    protocol: udp
                    pools:
                      - name: main
                        backends: { a: {} }
                  web:
                    port: 80
                    address: 192.0.2.10
                    protocol: tcp
                    src-ip-sticky: %s
                    pools:
                      - name: main
                        backends: %s
                      - name: backup
                        backends: { c: {} }
              """
              .formatted(sticky, mainPool);
    }
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
            http:
              type: http
              port: %d
              interval: 100ms
              timeout: 500ms
              rise: 1
              fall: 1
          backends:
        %s
          frontends:
        %s%s
        """
        .formatted(port, backends.stripTrailing(), frontends.stripTrailing(), extraFrontend);
  }

  DaemonProcess maglevd(SimProcess sim, Path config) throws IOException {
    return DaemonProcess.start(
        dir,
        List.of(),
        "--config",
        config.toString(),
        "--vpp-api-addr=" + sim.api(),
        "--vpp-stats-addr=" + sim.stats());
  }

  Path write(String name, String yaml) throws IOException {
    Path p = dir.resolve(name);
    Files.writeString(p, yaml);
    return p;
  }

  static VipKey web() throws IOException {
    return new VipKey(InetAddress.getByName("192.0.2.10"), 32, 6, 80);
  }

  static VipKey dns() throws IOException {
    return new VipKey(InetAddress.getByName("192.0.2.20"), 32, 17, 53);
  }

  /** AS address to weight, of one VIP, active ASes only. */
  static Map<String, Integer> weights(LbClient lb, VipKey vip) {
    return VppConnection.await(lb.ass(vip)).stream()
        .filter(As::active)
        .collect(
            Collectors.toMap(
                x -> x.address().getHostAddress(), As::weight, (x, y) -> x, TreeMap::new));
  }

  static Map<String, Integer> buckets(LbClient lb, VipKey vip) {
    return VppConnection.await(lb.ass(vip)).stream()
        .filter(As::active)
        .collect(
            Collectors.toMap(
                x -> x.address().getHostAddress(), As::buckets, (x, y) -> x, TreeMap::new));
  }

  static VppConnection observe(SimProcess sim) {
    return VppConnection.connect(
        sim.api(), "test-observer", Duration.ofSeconds(5), LbClient.REQUIRED);
  }

  /** The JSON log records with this msg. */
  static List<JsonObject> records(DaemonProcess d, String msg) throws IOException {
    List<JsonObject> out = new ArrayList<>();
    for (String line : d.log().split("\n")) {
      if (line.startsWith("{") && line.contains("\"" + msg + "\"")) {
        JsonObject o = JsonParser.parseString(line).getAsJsonObject();
        if (o.has("msg") && o.get("msg").getAsString().equals(msg)) {
          out.add(o);
        }
      }
    }
    return out;
  }

  static List<String> syncOps(DaemonProcess d) throws IOException {
    return records(d, "vpp-lb-sync").stream().map(o -> o.get("op").getAsString()).toList();
  }

  static long writes(SimProcess sim) {
    String[] w = sim.control("status").split(" ");
    return Long.parseLong(w[w.length - 1]);
  }

  static MaglevGrpc.MaglevBlockingStub stub(ManagedChannel ch) {
    return MaglevGrpc.newBlockingStub(ch).withDeadlineAfter(30, TimeUnit.SECONDS);
  }

  @Test
  void coldStartFailoverRecoveryAndReload() throws Exception {
    Path file = write("maglev.yaml", config(false, "", false));
    try (SimProcess sim = SimProcess.start(dir);
        DaemonProcess d = maglevd(sim, file);
        VppConnection vpp = observe(sim)) {
      LbClient lb = new LbClient(vpp);
      await()
          .atMost(Duration.ofSeconds(15))
          .untilAsserted(
              () -> {
                assertThat(weights(lb, web())).isEqualTo(Map.of(A, 100, B, 50, C, 0));
                assertThat(weights(lb, dns())).isEqualTo(Map.of(A, 100));
              });
      // the buckets are exactly what VPP's Maglev gives these weights
      int[] table =
          MaglevTable.compute(
              1024,
              List.of(
                  new MaglevTable.Server(1, InetAddress.getByName(A), 100, true),
                  new MaglevTable.Server(2, InetAddress.getByName(B), 50, true)));
      int[] counts = MaglevTable.counts(table, 2);
      assertThat(buckets(lb, web())).isEqualTo(Map.of(A, counts[1], B, counts[2], C, 0));
      assertThat(VppConnection.await(lb.vips())).hasSize(2);

      // a goes down: weight 0 with flush (flush-on-down defaults to true); dns fails closed
      a.close();
      a = null;
      await()
          .atMost(Duration.ofSeconds(10))
          .untilAsserted(
              () -> {
                assertThat(weights(lb, web())).isEqualTo(Map.of(A, 0, B, 50, C, 0));
                assertThat(weights(lb, dns())).isEqualTo(Map.of(A, 0));
              });
      JsonObject write =
          records(d, "vpp-lb-sync").stream()
              .filter(o -> o.get("op").getAsString().startsWith("set weight " + A + " 0 flush on"))
              .findFirst()
              .orElseThrow();
      assertThat(write.get("trigger").getAsString()).isEqualTo("transition");
      assertThat(write.has("latency_us")).isTrue();

      // b goes down too: the backup pool carries the traffic
      b.close();
      b = null;
      await()
          .atMost(Duration.ofSeconds(10))
          .untilAsserted(
              () -> assertThat(weights(lb, web())).isEqualTo(Map.of(A, 0, B, 0, C, 100)));

      // a comes back: the main pool takes over again
      a = TestServers.http(InetAddress.getByName(A), port, 200, "ok");
      await()
          .atMost(Duration.ofSeconds(10))
          .untilAsserted(
              () -> {
                assertThat(weights(lb, web())).isEqualTo(Map.of(A, 100, B, 0, C, 0));
                assertThat(weights(lb, dns())).isEqualTo(Map.of(A, 100));
              });
      // c carried traffic, then went back to standby at weight 0 without a flush (it is up):
      // disabling it now still flushes its flows
      ManagedChannel ch =
          NettyChannelBuilder.forAddress("127.0.0.1", d.grpcPort()).usePlaintext().build();
      try {
        stub(ch).disableBackend(BackendRequest.newBuilder().setName("c").build());
        await()
            .atMost(Duration.ofSeconds(10))
            .untilAsserted(
                () -> {
                  assertThat(syncOps(d))
                      .contains("set weight " + C + " 0 flush on 192.0.2.10/32 tcp/80");
                  assertThat(weights(lb, web())).isEqualTo(Map.of(A, 100, B, 0, C, 0));
                });
        assertThatThrownBy(
                () ->
                    stub(ch)
                        .syncVPPLBState(
                            SyncVPPLBStateRequest.newBuilder().setFrontend("nope").build()))
            .isInstanceOf(StatusRuntimeException.class)
            .hasMessageContaining("NOT_FOUND");
      } finally {
        ch.shutdownNow();
      }

      // a reload reaches VPP: web becomes src-ip-sticky (re-created with its ASes)
      Files.writeString(file, config(false, "", true));
      d.signal("HUP");
      await()
          .atMost(Duration.ofSeconds(10))
          .untilAsserted(
              () -> {
                assertThat(VppConnection.await(lb.cli("show lb vips verbose")))
                    .contains("192.0.2.10/32 src_ip_sticky");
                assertThat(weights(lb, web())).isEqualTo(Map.of(A, 100, B, 0, C, 0));
              });
    }
  }

  @Test
  void aMaglevdRestartWritesNothingAndTheSameConfigInAnotherOrderWritesTheSameSequence()
      throws Exception {
    Path file = write("maglev.yaml", config(false, "", false));
    Path reversed = write("reversed.yaml", config(true, "", false));
    List<String> first;
    Path simDir = Files.createDirectories(dir.resolve("one"));
    try (SimProcess sim = SimProcess.start(simDir)) {
      try (DaemonProcess d = maglevd(sim, file)) {
        await()
            .atMost(Duration.ofSeconds(15))
            .until(() -> records(d, "vpp-warm-up-done").size() == 1);
        first = syncOps(d);
        d.signal("TERM");
        assertThat(d.waitFor(Duration.ofSeconds(10))).isZero();
      }
      long writes = writes(sim);
      // the restart: warm-up, then nothing to do, so nothing written and nothing set to 0
      try (DaemonProcess d = maglevd(sim, file)) {
        await()
            .atMost(Duration.ofSeconds(15))
            .until(() -> records(d, "vpp-warm-up-done").size() == 1);
        assertThat(syncOps(d)).isEmpty();
        assertThat(writes(sim)).isEqualTo(writes);
      }
    }
    Path otherDir = Files.createDirectories(dir.resolve("two"));
    try (SimProcess sim = SimProcess.start(otherDir);
        DaemonProcess d = maglevd(sim, reversed)) {
      await()
          .atMost(Duration.ofSeconds(15))
          .until(() -> records(d, "vpp-warm-up-done").size() == 1);
      assertThat(syncOps(d)).isEqualTo(first);
    }
    assertThat(first)
        .contains(
            "add vip 192.0.2.10/32 tcp/80 GRE4",
            "add as 127.0.0.11 weight 100 to 192.0.2.10/32 tcp/80");
  }

  @Test
  void vppRpcsAndMetrics_followVppThroughARestartAndASilence() throws Exception {
    Path file = write("maglev.yaml", config(false, "", false));
    try (SimProcess sim = SimProcess.start(dir);
        DaemonProcess d = maglevd(sim, file)) {
      ManagedChannel ch =
          NettyChannelBuilder.forAddress("127.0.0.1", d.grpcPort()).usePlaintext().build();
      HttpClient http = HttpClient.newHttpClient();
      URI metrics = URI.create("http://127.0.0.1:" + d.metricsPort() + "/metrics");
      try {
        await()
            .atMost(Duration.ofSeconds(15))
            .until(() -> records(d, "vpp-warm-up-done").size() == 1);
        VPPWarmUp done = stub(ch).getVPPInfo(GetVPPInfoRequest.getDefaultInstance()).getWarmUp();
        assertThat(done.getActive()).isFalse();
        assertThat(done.getHeldFrontendsList()).isEmpty();
        assertThat(stub(ch).getVPPInfo(GetVPPInfoRequest.getDefaultInstance()).getVersion())
            .startsWith("26.10");
        VPPLBState state = stub(ch).getVPPLBState(GetVPPLBStateRequest.getDefaultInstance());
        assertThat(state.getConf().getIpv4SrcAddress()).isEqualTo("192.0.2.254");
        assertThat(state.getVipsList())
            .extracting(VPPLBVIP::getFrontend)
            .containsExactly("web", "dns");
        VPPLBVIP web = state.getVips(0);
        assertThat(web.getPrefix()).isEqualTo("192.0.2.10/32");
        assertThat(web.getEncap()).isEqualTo("gre4");
        assertThat(web.getIndex()).isPositive();
        assertThat(web.getAsesList())
            .anySatisfy(
                as -> {
                  assertThat(as.getBackend()).isEqualTo("a");
                  assertThat(as.getBuckets()).isPositive();
                });

        assertThat(sim.control("bump " + web.getIndex() + " 1 42")).isEqualTo("ok");
        await()
            .atMost(Duration.ofSeconds(15))
            .untilAsserted(
                () ->
                    assertThat(
                            stub(ch)
                                .getVPPLBCounters(GetVPPLBCountersRequest.getDefaultInstance())
                                .getVipsList())
                        .anySatisfy(
                            v -> {
                              assertThat(v.getFrontend()).isEqualTo("web");
                              assertThat(v.getFirst()).isEqualTo(42);
                            }));
        assertThat(get(http, metrics))
            .contains("maglev_vpp_connected 1.0")
            .contains("maglev_vpp_info{")
            .contains("maglev_vpp_lbsync_total{kind=\"as_added\"")
            .contains("maglev_vpp_api_total{")
            .containsPattern(
                "maglev_vip_packets_total\\{frontend=\"web\",kind=\"first\".*\\} 42.0");

        // a restarted VPP (empty) is reprogrammed
        assertThat(sim.control("restart")).startsWith("ok");
        await()
            .atMost(Duration.ofSeconds(15))
            .untilAsserted(
                () -> {
                  try (VppConnection vpp = observe(sim)) {
                    LbClient lb = new LbClient(vpp);
                    assertThat(weights(lb, web())).isEqualTo(Map.of(A, 100, B, 50, C, 0));
                    assertThat(weights(lb, dns())).isEqualTo(Map.of(A, 100));
                  }
                });
        assertThat(records(d, "vpp-connect")).hasSize(2);

        // a VPP that stops answering is left after a ping times out: its gauges and counters
        // go, the VPP calls say it is away; it is rejoined when it answers again
        assertThat(sim.control("pause")).isEqualTo("ok");
        await()
            .atMost(Duration.ofSeconds(30))
            .until(() -> records(d, "vpp-disconnect").size() >= 2);
        await()
            .atMost(Duration.ofSeconds(10))
            .untilAsserted(
                () ->
                    assertThat(get(http, metrics))
                        .doesNotContain("maglev_vpp_connected")
                        .doesNotContain("maglev_vip_packets_total"));
        assertThatThrownBy(() -> stub(ch).getVPPInfo(GetVPPInfoRequest.getDefaultInstance()))
            .hasMessageContaining("UNAVAILABLE");
        assertThat(sim.control("resume")).isEqualTo("ok");
        await().atMost(Duration.ofSeconds(30)).until(() -> records(d, "vpp-connect").size() >= 3);
      } finally {
        ch.shutdownNow();
      }
    }
  }

  static String get(HttpClient http, URI uri) throws Exception {
    return http.send(HttpRequest.newBuilder(uri).build(), HttpResponse.BodyHandlers.ofString())
        .body();
  }
}
