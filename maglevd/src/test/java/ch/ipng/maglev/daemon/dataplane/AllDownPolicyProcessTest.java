package ch.ipng.maglev.daemon.dataplane;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import ch.ipng.maglev.daemon.testing.DaemonProcess;
import ch.ipng.maglev.proto.FrontendInfo;
import ch.ipng.maglev.proto.GetFrontendRequest;
import ch.ipng.maglev.proto.MaglevGrpc;
import ch.ipng.maglev.proto.PoolBackendInfo;
import ch.ipng.maglev.proto.WeightReason;
import ch.ipng.maglev.vpp.api.VppConnection;
import ch.ipng.maglev.vpp.lb.LbClient;
import ch.ipng.maglev.vpp.lb.LbClient.VipKey;
import ch.ipng.maglev.vppsim.testing.SimProcess;
import io.grpc.ManagedChannel;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import java.io.IOException;
import java.net.BindException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * on-all-down and min-healthy against maglev-vppsim, read through the simulator's own API: three
 * VIPs over the same backends, which go down when the test closes their listening sockets.
 */
class AllDownPolicyProcessTest {
  @TempDir Path dir;

  /** TCP listeners on one port of a random 127.a.b.0/24 that accept and close. */
  static final class Listeners implements AutoCloseable {
    final String net;
    final int port;
    final List<ServerSocketChannel> open = new ArrayList<>();

    private Listeners(String net, int port) {
      this.net = net;
      this.port = port;
    }

    static Listeners start(int n) throws IOException {
      for (int attempt = 0; ; attempt++) {
        ThreadLocalRandom r = ThreadLocalRandom.current();
        Listeners l = new Listeners("127." + r.nextInt(1, 255) + "." + r.nextInt(0, 256) + ".", 0);
        int port = 0;
        try {
          for (int i = 1; i <= n; i++) {
            ServerSocketChannel s = ServerSocketChannel.open();
            l.open.add(s);
            s.bind(new InetSocketAddress(InetAddress.getByName(l.net + i), port), 64);
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
          Listeners ok = new Listeners(l.net, port);
          ok.open.addAll(l.open);
          return ok;
        } catch (BindException e) {
          l.close();
          if (attempt == 20) {
            throw e;
          }
        }
      }
    }

    String address(int i) {
      return net + (i + 1);
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

  String config(Listeners l) {
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
            tcp: { type: tcp, port: %d, interval: 100ms, timeout: 500ms, rise: 1, fall: 1 }
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
        .formatted(l.port, l.address(0), l.address(1), l.address(2), l.net, l.net, l.net, l.net);
  }

  /** AS address → weight, for the active ASes of a VIP, as the simulator has them. */
  static Map<String, Integer> weights(LbClient lb, VipKey vip) {
    Map<String, Integer> out = new TreeMap<>();
    for (LbClient.As as : VppConnection.await(lb.ass(vip))) {
      if (as.active()) {
        out.put(as.address().getHostAddress(), as.weight());
      }
    }
    return out;
  }

  @Test
  void keepLastKeepsTheSimulatorsWeights_drainDrains_panicGivesEveryBackendWeight()
      throws Exception {
    try (Listeners l = Listeners.start(3)) {
      String a = l.address(0);
      String b = l.address(1);
      String c = l.address(2);
      VipKey keep = new VipKey(InetAddress.getByName(l.net + "100"), 32, 6, 80);
      VipKey drain = new VipKey(InetAddress.getByName(l.net + "101"), 32, 6, 80);
      VipKey panic = new VipKey(InetAddress.getByName(l.net + "102"), 32, 6, 80);
      VipKey keepAll = new VipKey(InetAddress.getByName(l.net + "103"), 32, 6, 80);
      Path file = dir.resolve("maglev.yaml");
      Files.writeString(file, config(l));
      Map<String, Integer> all = Map.of(a, 100, b, 100, c, 50);
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
                  sim.api(), "all-down-test", Duration.ofSeconds(5), LbClient.REQUIRED)) {
        LbClient lb = new LbClient(vpp);
        ManagedChannel ch =
            NettyChannelBuilder.forAddress("127.0.0.1", d.grpcPort()).usePlaintext().build();
        try {
          MaglevGrpc.MaglevBlockingStub stub =
              MaglevGrpc.newBlockingStub(ch).withDeadlineAfter(30, TimeUnit.SECONDS);
          await()
              .atMost(Duration.ofSeconds(20))
              .untilAsserted(
                  () -> {
                    assertThat(weights(lb, keep)).isEqualTo(all);
                    assertThat(weights(lb, drain)).isEqualTo(all);
                    assertThat(weights(lb, panic)).isEqualTo(all);
                    assertThat(weights(lb, keepAll)).isEqualTo(all);
                  });

          // c goes down: drained in "drain"; "panic" (2 of 3 < 100 %) keeps c's weight
          l.stop(2);
          await()
              .atMost(Duration.ofSeconds(10))
              .untilAsserted(
                  () -> assertThat(weights(lb, drain)).isEqualTo(Map.of(a, 100, b, 100, c, 0)));
          FrontendInfo p = frontend(stub, "panic");
          assertThat(p.getMode()).isEqualTo("panic");
          assertThat(entry(p, "c").getReason()).isEqualTo(WeightReason.WEIGHT_REASON_PANIC);
          assertThat(entry(p, "c").getEffectiveWeight()).isEqualTo(50);
          assertThat(weights(lb, panic)).isEqualTo(all);
          assertThat(weights(lb, keepAll)).isEqualTo(all);
          assertThat(weights(lb, keep)).isEqualTo(Map.of(a, 100, b, 100, c, 0));

          // a and b go down: "drain" and "panic" (no backend up) drain, "keep" keeps a and b
          l.stop(0);
          l.stop(1);
          await()
              .atMost(Duration.ofSeconds(10))
              .untilAsserted(
                  () -> {
                    assertThat(weights(lb, drain)).isEqualTo(Map.of(a, 0, b, 0, c, 0));
                    assertThat(weights(lb, panic)).isEqualTo(Map.of(a, 0, b, 0, c, 0));
                  });
          // "keep" keeps what served last: a and b, or the one of them the probes found down
          // last (the verdicts may land one by one); never c, drained before
          FrontendInfo k = frontend(stub, "keep");
          assertThat(k.getMode()).isEqualTo("kept-last");
          assertThat(k.getState()).isEqualTo("up");
          assertThat(entry(k, "a").getState()).isEqualTo("down");
          assertThat(entry(k, "c").getReason()).isEqualTo(WeightReason.WEIGHT_REASON_DOWN);
          Map<String, Integer> kept = weights(lb, keep);
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
          FrontendInfo ka = frontend(stub, "keepall");
          assertThat(ka.getMode()).isEqualTo("kept-last");
          assertThat(entry(ka, "c").getReason()).isEqualTo(WeightReason.WEIGHT_REASON_KEPT_LAST);
          assertThat(weights(lb, keepAll)).isEqualTo(all);
          assertThat(frontend(stub, "drain").getState()).isEqualTo("down");
        } finally {
          ch.shutdownNow();
        }
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
