package ch.ipng.maglev.daemon.grpc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.tuple;
import static org.awaitility.Awaitility.await;

import ch.ipng.maglev.daemon.testing.DaemonProcess;
import ch.ipng.maglev.daemon.testing.TestServers;
import ch.ipng.maglev.proto.GetVPPLBStateRequest;
import ch.ipng.maglev.proto.MaglevGrpc;
import ch.ipng.maglev.proto.PreviewWeightAS;
import ch.ipng.maglev.proto.PreviewWeightRequest;
import ch.ipng.maglev.proto.PreviewWeightResponse;
import ch.ipng.maglev.proto.SetWeightRequest;
import ch.ipng.maglev.proto.VPPLBAS;
import ch.ipng.maglev.proto.VPPLBVIP;
import ch.ipng.maglev.vpp.api.VppConnection;
import ch.ipng.maglev.vpp.lb.LbClient;
import ch.ipng.maglev.vpp.lb.LbClient.VipKey;
import ch.ipng.maglev.vppsim.testing.SimProcess;
import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.ThrowingSupplier;
import org.junit.jupiter.api.io.TempDir;

/**
 * PreviewFrontendPoolBackendWeight through gRPC, against maglevd programming maglev-vppsim (both
 * their own processes): the buckets it says VPP holds are VPP's, and the ones it predicts are what
 * VPP holds once the change is made.
 */
class PreviewWeightEndToEndTest {
  static final String A = "127.0.0.21";
  static final String B = "127.0.0.22";
  static final String C = "127.0.0.23";

  @TempDir Path dir;

  String config(int port) {
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
            # the backends never fail here: a slow probe on a loaded machine must not flap one
            # (a transition syncs its frontends, which would repair the drift made below)
            http: { type: http, port: %d, interval: 100ms, timeout: 5s, rise: 1, fall: 3 }
          backends:
            a: { address: %s, healthcheck: http }
            b: { address: %s, healthcheck: http }
            c: { address: %s, healthcheck: http }
          frontends:
            web:
              address: 192.0.2.30
              protocol: tcp
              port: 80
              pools:
                - name: main
                  backends: { a: {}, b: { weight: 50 } }
                - name: backup
                  backends: { c: {} }
            dns:
              address: 192.0.2.31
              protocol: udp
              port: 53
              pools:
                - name: main
                  backends: { a: {} }
        """
        .formatted(port, A, B, C);
  }

  static PreviewWeightRequest request(String frontend, String pool, String backend, int weight) {
    return PreviewWeightRequest.newBuilder()
        .setFrontend(frontend)
        .setPool(pool)
        .setBackend(backend)
        .setWeight(weight)
        .build();
  }

  /** A stub with a fresh deadline per call. */
  interface Stub {
    MaglevGrpc.MaglevBlockingStub get();
  }

  /** The active ASes VPP holds for web, as GetVPPLBState tells them. */
  static List<VPPLBAS> vppAses(Stub stub) {
    VPPLBVIP web =
        stub.get().getVPPLBState(GetVPPLBStateRequest.getDefaultInstance()).getVipsList().stream()
            .filter(v -> v.getFrontend().equals("web"))
            .findFirst()
            .orElseThrow();
    return web.getAsesList().stream().filter(a -> (a.getFlags() & 1) != 0).toList();
  }

  static Map<String, Integer> vppBuckets(Stub stub) {
    return vppAses(stub).stream()
        .collect(
            Collectors.toMap(VPPLBAS::getAddress, VPPLBAS::getBuckets, (x, y) -> x, TreeMap::new));
  }

  static Map<String, Integer> vppWeights(Stub stub) {
    return vppAses(stub).stream()
        .collect(
            Collectors.toMap(VPPLBAS::getAddress, VPPLBAS::getWeight, (x, y) -> x, TreeMap::new));
  }

  static Map<String, Integer> buckets(PreviewWeightResponse p, boolean after) {
    return p.getAsesList().stream()
        .collect(
            Collectors.toMap(
                PreviewWeightAS::getAddress,
                a -> after ? a.getBucketsAfter() : a.getBucketsBefore(),
                (x, y) -> x,
                TreeMap::new));
  }

  static Status.Code code(ThrowingSupplier<?> call) {
    try {
      call.get();
    } catch (StatusRuntimeException e) {
      return e.getStatus().getCode();
    } catch (Throwable t) {
      throw new AssertionError(t);
    }
    return Status.Code.OK;
  }

  @Test
  void thePreview_isWhatVppHoldsNow_andWhatItHoldsAfterTheChange() throws Exception {
    Path file = dir.resolve("maglev.yaml");
    try (TestServers.Http a = TestServers.http(InetAddress.getByName(A), 0, 200, "ok");
        TestServers.Http b = TestServers.http(InetAddress.getByName(B), a.port(), 200, "ok");
        TestServers.Http c = TestServers.http(InetAddress.getByName(C), a.port(), 200, "ok")) {
      Files.writeString(file, config(a.port()));
      SimProcess sim = SimProcess.start(Files.createDirectory(dir.resolve("vpp")));
      try (sim;
          DaemonProcess d =
              DaemonProcess.start(
                  dir,
                  List.of(),
                  "--config",
                  file.toString(),
                  "--vpp-api-addr=" + sim.api(),
                  "--vpp-stats-addr=" + sim.stats())) {
        ManagedChannel ch =
            NettyChannelBuilder.forAddress("127.0.0.1", d.grpcPort()).usePlaintext().build();
        try {
          Stub stub = () -> MaglevGrpc.newBlockingStub(ch).withDeadlineAfter(30, TimeUnit.SECONDS);
          await()
              .atMost(Duration.ofSeconds(20))
              .ignoreExceptions()
              .untilAsserted(
                  () -> assertThat(vppWeights(stub)).isEqualTo(Map.of(A, 100, B, 50, C, 0)));

          // b drained: before is VPP's own count, after what VPP holds once it is done
          PreviewWeightResponse drain =
              stub.get().previewFrontendPoolBackendWeight(request("web", "main", "b", 0));
          assertThat(drain.getReachesVpp()).isTrue();
          assertThat(drain.getReason()).isEmpty();
          assertThat(drain.getPending()).isFalse();
          assertThat(drain.getTableLength()).isEqualTo(1024);
          assertThat(buckets(drain, false)).isEqualTo(vppBuckets(stub));
          assertThat(buckets(drain, true)).isEqualTo(Map.of(A, 1024, B, 0, C, 0));
          assertThat(drain.getMoved()).isEqualTo(vppBuckets(stub).get(B));
          assertThat(drain.getAsesList())
              .extracting(PreviewWeightAS::getBackend)
              .containsExactly("a", "b", "c");

          // the standby pool's weight does not reach VPP while main serves
          PreviewWeightResponse standby =
              stub.get().previewFrontendPoolBackendWeight(request("web", "backup", "c", 10));
          assertThat(standby.getReachesVpp()).isFalse();
          assertThat(standby.getMoved()).isZero();
          assertThat(standby.getReason()).contains("\"backup\" is not the active pool");

          // a preview changes nothing; the change itself gives what was previewed
          PreviewWeightResponse half =
              stub.get().previewFrontendPoolBackendWeight(request("web", "main", "a", 25));
          assertThat(buckets(half, false)).isEqualTo(vppBuckets(stub));
          stub.get()
              .setFrontendPoolBackendWeight(
                  SetWeightRequest.newBuilder()
                      .setFrontend("web")
                      .setPool("main")
                      .setBackend("a")
                      .setWeight(25)
                      .build());
          assertThat(vppBuckets(stub)).isEqualTo(buckets(half, true));

          // refusals name what is wrong
          assertThatThrownBy(
                  () ->
                      stub.get().previewFrontendPoolBackendWeight(request("nope", "main", "a", 1)))
              .hasMessage("NOT_FOUND: frontend \"nope\" not found");
          assertThatThrownBy(
                  () -> stub.get().previewFrontendPoolBackendWeight(request("web", "nope", "a", 1)))
              .hasMessage("NOT_FOUND: pool \"nope\" not found in frontend \"web\"");
          assertThatThrownBy(
                  () ->
                      stub.get().previewFrontendPoolBackendWeight(request("web", "backup", "a", 1)))
              .hasMessage(
                  "NOT_FOUND: backend \"a\" not found in pool \"backup\" of frontend \"web\"");
          assertThatThrownBy(
                  () ->
                      stub.get().previewFrontendPoolBackendWeight(request("web", "main", "a", -1)))
              .hasMessage("INVALID_ARGUMENT: weight: 4294967295 (expected: 0-100)");

          // behind maglevd's back (no periodic sync repairs it): dns's VIP gone, b's weight 7
          try (VppConnection vpp =
              VppConnection.connect(
                  sim.api(), "test-observer", Duration.ofSeconds(5), LbClient.REQUIRED)) {
            LbClient lb = new LbClient(vpp);
            VipKey dns = new VipKey(InetAddress.getByName("192.0.2.31"), 32, 17, 53);
            VppConnection.await(lb.delAs(dns, InetAddress.getByName(A), true));
            VppConnection.await(lb.delVip(dns));
            VipKey web = new VipKey(InetAddress.getByName("192.0.2.30"), 32, 6, 80);
            VppConnection.await(lb.setWeight(web, InetAddress.getByName(B), 7, false));
          }
          // the write after the change would undo the drift: part of the preview, and said so
          PreviewWeightResponse drift =
              stub.get().previewFrontendPoolBackendWeight(request("web", "main", "a", 25));
          assertThat(drift.getPending()).isTrue();
          assertThat(drift.getReachesVpp()).isFalse();
          assertThat(drift.getAsesList())
              .extracting(PreviewWeightAS::getWeightBefore, PreviewWeightAS::getWeightAfter)
              .containsExactly(tuple(25, 25), tuple(7, 50), tuple(0, 0));
          assertThatThrownBy(
                  () -> stub.get().previewFrontendPoolBackendWeight(request("dns", "main", "a", 1)))
              .hasMessage(
                  "FAILED_PRECONDITION: VPP holds no VIP for frontend \"dns\" (192.0.2.31/32):"
                      + " nothing to preview");

          // VPP gone
          sim.close();
          await()
              .atMost(Duration.ofSeconds(60))
              .until(
                  () ->
                      code(
                              () ->
                                  stub.get()
                                      .previewFrontendPoolBackendWeight(
                                          request("web", "main", "a", 1)))
                          == Status.Code.UNAVAILABLE);
        } finally {
          ch.shutdownNow();
        }
      }
    }
  }
}
