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
import ch.ipng.maglev.proto.SyncVPPLBStateResponse;
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
import java.time.Instant;
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
              startup-max-delay: 6s
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
  void coldStartFailoverAndRecovery() throws Exception {
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
      // nothing was written during startup-min-delay
      Instant started = Instant.parse(records(d, "starting").getFirst().get("time").getAsString());
      Instant firstWrite =
          Instant.parse(records(d, "vpp-lb-sync").getFirst().get("time").getAsString());
      assertThat(Duration.between(started, firstWrite))
          .isGreaterThanOrEqualTo(Duration.ofSeconds(1));
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
      assertThat(write.get("latency_us").getAsLong()).isLessThan(100_000);

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
      } finally {
        ch.shutdownNow();
      }
    }
  }

  @Test
  void driftIsRepairedAndANoOpSyncWritesNothing() throws Exception {
    Path file = write("maglev.yaml", config(false, "", false));
    try (SimProcess sim = SimProcess.start(dir);
        DaemonProcess d = maglevd(sim, file);
        VppConnection vpp = observe(sim)) {
      LbClient lb = new LbClient(vpp);
      await()
          .atMost(Duration.ofSeconds(15))
          .untilAsserted(
              () -> assertThat(weights(lb, web())).isEqualTo(Map.of(A, 100, B, 50, C, 0)));
      ManagedChannel ch =
          NettyChannelBuilder.forAddress("127.0.0.1", d.grpcPort()).usePlaintext().build();
      try {
        // behind maglevd's back: an AS deleted, a weight changed, a stray VIP added
        VppConnection.await(lb.delAs(web(), InetAddress.getByName(B), true));
        VppConnection.await(lb.setWeight(web(), InetAddress.getByName(A), 7, false));
        VipKey stray = new VipKey(InetAddress.getByName("192.0.2.99"), 32, 6, 80);
        VppConnection.await(lb.addVip(stray, LbClient.Encap.GRE4, 1024, false));
        VppConnection.await(lb.addAs(stray, InetAddress.getByName("10.0.0.1"), 100, false));

        SyncVPPLBStateResponse r =
            stub(ch).syncVPPLBState(SyncVPPLBStateRequest.getDefaultInstance());
        assertThat(r.getVipRemoved()).isEqualTo(1);
        assertThat(r.getAsRemoved()).isEqualTo(1);
        assertThat(r.getAsAdded()).isEqualTo(1);
        assertThat(r.getAsWeightUpdated()).isEqualTo(1);
        assertThat(weights(lb, web())).isEqualTo(Map.of(A, 100, B, 50, C, 0));
        assertThat(VppConnection.await(lb.vips()))
            .extracting(LbClient.Vip::key)
            .containsExactlyInAnyOrder(web(), dns());

        long before = writes(sim);
        SyncVPPLBStateResponse again =
            stub(ch).syncVPPLBState(SyncVPPLBStateRequest.getDefaultInstance());
        assertThat(again).isEqualTo(SyncVPPLBStateResponse.getDefaultInstance());
        assertThat(writes(sim)).isEqualTo(before);

        // a disabled backend created at weight 0 has nothing to flush: after VPP is re-programmed
        // from empty, a sync still finds nothing to do
        stub(ch).disableBackend(BackendRequest.newBuilder().setName("c").build());
        assertThat(sim.control("restart")).startsWith("ok");
        await()
            .atMost(Duration.ofSeconds(10))
            .untilAsserted(
                () -> {
                  try (VppConnection fresh = observe(sim)) {
                    assertThat(weights(new LbClient(fresh), web()))
                        .isEqualTo(Map.of(A, 100, B, 50, C, 0));
                  }
                });
        await()
            .atMost(Duration.ofSeconds(10))
            .until(
                () ->
                    stub(ch)
                        .syncVPPLBState(SyncVPPLBStateRequest.getDefaultInstance())
                        .equals(SyncVPPLBStateResponse.getDefaultInstance()));
        long settled = writes(sim);
        assertThat(stub(ch).syncVPPLBState(SyncVPPLBStateRequest.getDefaultInstance()))
            .isEqualTo(SyncVPPLBStateResponse.getDefaultInstance());
        assertThat(writes(sim)).isEqualTo(settled);
        assertThat(
                records(d, "vpp-lb-sync").stream()
                    .filter(o -> o.get("trigger").getAsString().equals("operator"))
                    .map(o -> o.get("op").getAsString())
                    .filter(op -> op.startsWith("set weight " + C)))
            .as("no flush of c after its re-creation at weight 0")
            .isEmpty();

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
    }
  }

  @Test
  void aRestartedVppIsReprogrammedAndASilentOneIsLeftAndRejoined() throws Exception {
    Path file = write("maglev.yaml", config(false, "", false));
    try (SimProcess sim = SimProcess.start(dir);
        DaemonProcess d = maglevd(sim, file)) {
      try (VppConnection vpp = observe(sim)) {
        await()
            .atMost(Duration.ofSeconds(15))
            .untilAsserted(
                () ->
                    assertThat(weights(new LbClient(vpp), web()))
                        .isEqualTo(Map.of(A, 100, B, 50, C, 0)));
      }
      assertThat(sim.control("restart")).startsWith("ok");
      Instant restarted = Instant.now();
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
      assertThat(Duration.between(restarted, Instant.now())).isLessThan(Duration.ofSeconds(5));
      assertThat(records(d, "vpp-connect")).hasSize(2);

      // a VPP that stops answering is left after a ping times out, and rejoined when it answers
      assertThat(sim.control("pause")).isEqualTo("ok");
      await().atMost(Duration.ofSeconds(30)).until(() -> records(d, "vpp-disconnect").size() >= 2);
      assertThat(sim.control("resume")).isEqualTo("ok");
      await().atMost(Duration.ofSeconds(30)).until(() -> records(d, "vpp-connect").size() >= 3);
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
  void getVppInfo_namesTheFrontendsTheWarmUpHolds_untilItEnds() throws Exception {
    String slow =
        """

                slow:
                  address: 192.0.2.30
                  protocol: tcp
                  port: 443
                  pools:
                    - name: main
                      backends: { s: {} }
            """;
    try (TestServers.Tcp silent = TestServers.silent()) {
      // s's first probe waits 30 s for an answer: s stays unknown, so slow is held to the end
      String yaml =
          config(false, slow.stripTrailing(), false)
              .replace(
                  "  healthchecks:\n",
                  "  healthchecks:\n    silent: { type: http, port: %d, timeout: 30s, interval: 60s }\n"
                      .formatted(silent.port()))
              .replace(
                  "  backends:\n",
                  "  backends:\n    s: { address: 127.0.0.1, healthcheck: silent }\n");
      Path file = write("maglev.yaml", yaml);
      try (SimProcess sim = SimProcess.start(dir);
          DaemonProcess d = maglevd(sim, file);
          VppConnection vpp = observe(sim)) {
        LbClient lb = new LbClient(vpp);
        ManagedChannel ch =
            NettyChannelBuilder.forAddress("127.0.0.1", d.grpcPort()).usePlaintext().build();
        try {
          Instant started =
              Instant.parse(records(d, "starting").getFirst().get("time").getAsString());
          await()
              .atMost(Duration.ofSeconds(15))
              .until(() -> VppConnection.await(lb.vips()).size() == 2);
          VPPWarmUp w = stub(ch).getVPPInfo(GetVPPInfoRequest.getDefaultInstance()).getWarmUp();
          assertThat(w.getActive()).isTrue();
          assertThat(w.getHeldFrontendsList()).containsExactly("slow");
          // startup-min-delay is 1 s and startup-max-delay 6 s after the start
          assertThat(Instant.ofEpochSecond(0, w.getHandsOffUntilNs()))
              .isBetween(started, started.plusSeconds(2));
          assertThat(Instant.ofEpochSecond(0, w.getEndsNs()))
              .isBetween(started.plusSeconds(5), started.plusSeconds(7));

          await()
              .atMost(Duration.ofSeconds(15))
              .until(() -> records(d, "vpp-warm-up-done").size() == 1);
          await()
              .atMost(Duration.ofSeconds(5))
              .untilAsserted(
                  () -> {
                    VPPWarmUp done =
                        stub(ch).getVPPInfo(GetVPPInfoRequest.getDefaultInstance()).getWarmUp();
                    assertThat(done.getActive()).isFalse();
                    assertThat(done.getHeldFrontendsList()).isEmpty();
                  });
          // the final sync wrote the held frontend too (its backend still unknown: weight 0)
          VipKey slowVip = new VipKey(InetAddress.getByName("192.0.2.30"), 32, 6, 443);
          await()
              .atMost(Duration.ofSeconds(5))
              .untilAsserted(
                  () -> assertThat(weights(lb, slowVip)).isEqualTo(Map.of("127.0.0.1", 0)));
        } finally {
          ch.shutdownNow();
        }
      }
    }
  }

  @Test
  void reloadsAddRemoveAndRecreateVips() throws Exception {
    Path file = write("maglev.yaml", config(false, "", false));
    String extra =
        """

                extra:
                  address: 2001:db8::10
                  protocol: tcp
                  port: 443
                  pools:
                    - name: main
                      backends: { a: {} }
            """;
    try (SimProcess sim = SimProcess.start(dir);
        DaemonProcess d = maglevd(sim, file);
        VppConnection vpp = observe(sim)) {
      LbClient lb = new LbClient(vpp);
      VipKey v6 = new VipKey(InetAddress.getByName("2001:db8::10"), 128, 6, 443);
      await()
          .atMost(Duration.ofSeconds(15))
          .until(() -> VppConnection.await(lb.vips()).size() == 2);

      Files.writeString(file, config(false, extra.stripTrailing(), false));
      d.signal("HUP");
      await()
          .atMost(Duration.ofSeconds(10))
          .untilAsserted(() -> assertThat(weights(lb, v6)).isEqualTo(Map.of(A, 100)));
      // an IPv6 VIP with IPv4 backends: GRE4
      assertThat(VppConnection.await(lb.vips()))
          .filteredOn(v -> v.key().equals(v6))
          .extracting(LbClient.Vip::encap)
          .containsExactly(LbClient.Encap.GRE4);

      Files.writeString(file, config(false, "", true));
      d.signal("HUP");
      await()
          .atMost(Duration.ofSeconds(10))
          .untilAsserted(
              () -> {
                assertThat(VppConnection.await(lb.vips()))
                    .extracting(LbClient.Vip::key)
                    .doesNotContain(v6);
                assertThat(VppConnection.await(lb.cli("show lb vips verbose")))
                    .contains("192.0.2.10/32 src_ip_sticky");
                assertThat(weights(lb, web())).isEqualTo(Map.of(A, 100, B, 50, C, 0));
              });

      // programming VPP needs both encapsulation sources: a config without one is refused
      // and the running one stays
      long before = writes(sim);
      Files.writeString(
          file, config(false, "", true).replace("      ipv6-src-address: 2001:db8::254\n", ""));
      d.signal("HUP");
      await()
          .atMost(Duration.ofSeconds(10))
          .until(() -> records(d, "config-reload-failed").size() == 1);
      assertThat(records(d, "config-reload-failed").getFirst().get("semantic_error").getAsString())
          .contains("maglev.vpp.lb.ipv6-src-address: missing (expected: an IPv6 address");
      assertThat(writes(sim)).isEqualTo(before);
      assertThat(weights(lb, web())).isEqualTo(Map.of(A, 100, B, 50, C, 0));
    }
  }

  @Test
  void vppRpcsAndMetrics() throws Exception {
    Path file = write("maglev.yaml", config(false, "", false));
    SimProcess sim = SimProcess.start(dir);
    try (DaemonProcess d = maglevd(sim, file)) {
      ManagedChannel ch =
          NettyChannelBuilder.forAddress("127.0.0.1", d.grpcPort()).usePlaintext().build();
      HttpClient http = HttpClient.newHttpClient();
      URI metrics = URI.create("http://127.0.0.1:" + d.metricsPort() + "/metrics");
      try {
        await()
            .atMost(Duration.ofSeconds(15))
            .until(() -> records(d, "vpp-warm-up-done").size() == 1);
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
        String text =
            http.send(HttpRequest.newBuilder(metrics).build(), HttpResponse.BodyHandlers.ofString())
                .body();
        assertThat(text)
            .contains("maglev_vpp_connected 1.0")
            .contains("maglev_vpp_info{")
            .contains("maglev_vpp_lbsync_total{kind=\"as_added\"")
            .contains("maglev_vpp_api_total{")
            .containsPattern(
                "maglev_vip_packets_total\\{frontend=\"web\",kind=\"first\".*\\} 42.0");
      } finally {
        sim.close();
      }
      await()
          .atMost(Duration.ofSeconds(30))
          .untilAsserted(
              () -> {
                String text =
                    http.send(
                            HttpRequest.newBuilder(metrics).build(),
                            HttpResponse.BodyHandlers.ofString())
                        .body();
                assertThat(text)
                    .doesNotContain("maglev_vpp_connected")
                    .doesNotContain("maglev_vip_packets_total");
              });
      assertThatThrownBy(() -> stub(ch).getVPPInfo(GetVPPInfoRequest.getDefaultInstance()))
          .hasMessageContaining("UNAVAILABLE");
      ch.shutdownNow();
    }
  }
}
