package ch.ipng.maglev.daemon.fleet;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import ch.ipng.maglev.daemon.testing.DaemonProcess;
import ch.ipng.maglev.daemon.testing.ForwardingConfig;
import ch.ipng.maglev.proto.BackendRequest;
import ch.ipng.maglev.proto.GetVPPLBStateRequest;
import ch.ipng.maglev.proto.LookupVPPLBFlowRequest;
import ch.ipng.maglev.proto.MaglevGrpc;
import ch.ipng.maglev.proto.VPPLBFlow;
import ch.ipng.maglev.proto.VPPLBState;
import ch.ipng.maglev.proto.VPPLBVIP;
import ch.ipng.maglev.vppsim.testing.NamedBackends;
import ch.ipng.maglev.vppsim.testing.SimProcess;
import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Two routers, each a maglevd programming its own maglev-vppsim from the same config: their VIP's
 * tables have the same digest in GetVPPLBState and in the metrics, until a backend is paused on one
 * of them only. The first simulator forwards the VIP (--forward-loopback): the backend that answers
 * a connection from a known client port is the one LookupVPPLBFlow names.
 */
class FleetProcessTest {
  static final String[] NAMES = {"a", "b", "c"};

  @TempDir Path dir;

  record Router(SimProcess sim, DaemonProcess maglevd, ManagedChannel channel) {
    MaglevGrpc.MaglevBlockingStub stub() {
      return MaglevGrpc.newBlockingStub(channel).withDeadlineAfter(30, TimeUnit.SECONDS);
    }

    VPPLBState state() {
      return stub().getVPPLBState(GetVPPLBStateRequest.getDefaultInstance());
    }

    VPPLBVIP web() {
      return state().getVipsList().stream()
          .filter(v -> v.getFrontend().equals("web"))
          .findFirst()
          .orElseThrow();
    }

    /** The maglev_vip_table_digest samples: table label to value. */
    Map<String, Long> digestMetrics() throws IOException, InterruptedException {
      String text;
      // closed after each poll: open connections would pile up to /metrics' connection limit
      try (HttpClient http = HttpClient.newHttpClient()) {
        text =
            http.send(
                    HttpRequest.newBuilder(
                            URI.create("http://127.0.0.1:" + maglevd.metricsPort() + "/metrics"))
                        .build(),
                    HttpResponse.BodyHandlers.ofString())
                .body();
      }
      Map<String, Long> out = new TreeMap<>();
      Matcher m =
          Pattern.compile("(?m)^maglev_vip_table_digest\\{[^}]*table=\"(\\w+)\"[^}]*} (\\S+)$")
              .matcher(text);
      while (m.find()) {
        out.put(m.group(1), (long) Double.parseDouble(m.group(2)));
      }
      m = Pattern.compile("(?m)^maglev_config_digest(?:\\{[^}]*})? (\\S+)$").matcher(text);
      if (m.find()) {
        out.put("config", (long) Double.parseDouble(m.group(1)));
      }
      return out;
    }
  }

  Router start(String name, String yaml, String... simArgs) throws IOException {
    Path d = Files.createDirectory(dir.resolve(name));
    Path file = d.resolve("maglev.yaml");
    Files.writeString(file, yaml);
    SimProcess sim = SimProcess.start(d, simArgs);
    DaemonProcess maglevd =
        DaemonProcess.start(
            d,
            List.of(),
            "--config",
            file.toString(),
            "--vpp-api-addr=" + sim.api(),
            "--vpp-stats-addr=" + sim.stats());
    return new Router(
        sim,
        maglevd,
        NettyChannelBuilder.forAddress("127.0.0.1", maglevd.grpcPort()).usePlaintext().build());
  }

  static void close(Router r) throws InterruptedException {
    if (r != null) {
      r.channel().shutdownNow();
      r.maglevd().close();
      r.sim().close();
    }
  }

  /** VPP holds what maglevd wants, with the three weights. */
  static boolean settled(Router r) {
    try {
      VPPLBVIP v = r.web();
      return v.getAsesList().stream().filter(a -> a.getWeight() > 0).count() == 3
          && !v.getTableDigest().isEmpty()
          && v.getTableDigest().equals(v.getDesiredTableDigest());
    } catch (StatusRuntimeException | java.util.NoSuchElementException e) {
      return false;
    }
  }

  @Test
  void sameConfig_sameDigests_untilABackendIsPausedOnOneRouter_andLookupsMatchForwarding()
      throws Exception {
    try (NamedBackends backends = NamedBackends.start(NAMES)) {
      InetAddress vipAddress = backends.sibling(100);
      InetSocketAddress vip = new InetSocketAddress(vipAddress, backends.port());
      Router one = null;
      Router two = null;
      try {
        // the routers' GRE sources differ, as they do in a fleet: the config digest ignores them
        one =
            start(
                "one",
                ForwardingConfig.of(backends, vipAddress, "192.0.2.251"),
                "--forward-loopback");
        two = start("two", ForwardingConfig.of(backends, vipAddress, "192.0.2.252"));
        Router r1 = one;
        Router r2 = two;
        await().atMost(Duration.ofSeconds(60)).until(() -> settled(r1) && settled(r2));
        VPPLBVIP web1 = r1.web();
        assertThat(r2.web().getTableDigest()).isEqualTo(web1.getTableDigest()).hasSize(13);
        assertThat(r2.state().getConfigDigest()).isEqualTo(r1.state().getConfigDigest());
        await()
            .atMost(Duration.ofSeconds(60))
            .untilAsserted(
                () -> {
                  Map<String, Long> m1 = r1.digestMetrics();
                  assertThat(m1)
                      .containsEntry("vpp", Long.parseLong(web1.getTableDigest(), 16))
                      .containsEntry("desired", Long.parseLong(web1.getTableDigest(), 16))
                      .containsEntry("config", Long.parseLong(r1.state().getConfigDigest(), 16));
                  assertThat(r2.digestMetrics()).isEqualTo(m1);
                });

        // the lookup names the backend that answers a connection from a known client port
        await()
            .atMost(Duration.ofSeconds(20))
            .until(() -> r1.sim().log().contains("forwarding: VIP " + vipAddress.getHostAddress()));
        InetAddress client = backends.sibling(30);
        Map<String, Integer> seen = new TreeMap<>();
        int checked = 0;
        for (int k = 0; k < 64; k++) {
          Socket bound = NamedBackends.fromPort(client, k, vip);
          if (bound == null) {
            continue;
          }
          String answered;
          try (Socket s = bound) {
            answered = NamedBackends.send(s, true);
          }
          VPPLBFlow f =
              r1.stub()
                  .lookupVPPLBFlow(
                      LookupVPPLBFlowRequest.newBuilder()
                          .setSrc(client.getHostAddress())
                          .setSrcPort(NamedBackends.FIRST_CLIENT_PORT + k)
                          .setDst(vipAddress.getHostAddress())
                          .setDstPort(backends.port())
                          .setProtocol("tcp")
                          .build());
          assertThat(f.getBackend()).as("client port %d", k).isEqualTo(answered);
          assertThat(f.getVip().getFrontend()).isEqualTo("web");
          assertThat(f.getNote()).contains("existing flow keeps");
          seen.merge(answered, 1, Integer::sum);
          checked++;
        }
        assertThat(checked).isGreaterThan(50);
        assertThat(seen).containsKeys("a", "b", "c");

        // one backend paused on router two only: its table (and the one it wants) differ
        r2.stub().pauseBackend(BackendRequest.newBuilder().setName("c").build());
        await()
            .atMost(Duration.ofSeconds(30))
            .until(
                () ->
                    r2.web().getAsesList().stream().filter(a -> a.getWeight() > 0).count() == 2
                        && r2.web().getTableDigest().equals(r2.web().getDesiredTableDigest()));
        assertThat(r2.web().getTableDigest()).isNotEqualTo(r1.web().getTableDigest());
        assertThat(r1.web().getTableDigest()).isEqualTo(web1.getTableDigest());
        assertThat(r2.state().getConfigDigest()).isEqualTo(r1.state().getConfigDigest());
        await()
            .atMost(Duration.ofSeconds(60))
            .untilAsserted(
                () ->
                    assertThat(r2.digestMetrics().get("vpp"))
                        .isNotEqualTo(r1.digestMetrics().get("vpp")));

        // bad input is refused with the field and what was expected; no VIP is NOT_FOUND
        assertThatThrownBy(
                () ->
                    r1.stub()
                        .lookupVPPLBFlow(
                            LookupVPPLBFlowRequest.newBuilder()
                                .setSrc("not-an-address")
                                .setDst(vipAddress.getHostAddress())
                                .setDstPort(80)
                                .build()))
            .isInstanceOfSatisfying(
                StatusRuntimeException.class,
                e -> {
                  assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT);
                  assertThat(e.getStatus().getDescription())
                      .isEqualTo("src: \"not-an-address\" (expected: an IPv4 or IPv6 address)");
                });
        assertThatThrownBy(
                () ->
                    r1.stub()
                        .lookupVPPLBFlow(
                            LookupVPPLBFlowRequest.newBuilder()
                                .setSrc("192.0.2.1")
                                .setDst(vipAddress.getHostAddress())
                                .setDstPort(80)
                                .setProtocol("sctp")
                                .build()))
            .hasMessageContaining("protocol: sctp (expected: tcp or udp)");
        assertThatThrownBy(
                () ->
                    r1.stub()
                        .lookupVPPLBFlow(
                            LookupVPPLBFlowRequest.newBuilder()
                                .setSrc("192.0.2.1")
                                .setDst("198.51.100.77")
                                .setDstPort(80)
                                .build()))
            .isInstanceOfSatisfying(
                StatusRuntimeException.class,
                e -> assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.NOT_FOUND));
      } finally {
        close(two);
        close(one);
      }
    }
  }
}
