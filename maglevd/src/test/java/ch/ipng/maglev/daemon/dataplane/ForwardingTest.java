package ch.ipng.maglev.daemon.dataplane;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;
import static org.awaitility.Awaitility.await;

import ch.ipng.maglev.daemon.testing.ForwardingConfig;
import ch.ipng.maglev.daemon.testing.SimRig;
import ch.ipng.maglev.proto.BackendRequest;
import ch.ipng.maglev.proto.MaglevGrpc;
import ch.ipng.maglev.vpp.lb.LbClient.VipKey;
import ch.ipng.maglev.vppsim.testing.NamedBackends;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * maglevd programs maglev-vppsim, which forwards the VIP's connections (--forward-loopback) to
 * three loopback HTTP backends that name themselves: new connections spread as the VIP's buckets
 * do, a paused backend takes no new ones while its open connection goes on, and disabling it (a
 * weight change with flush) cuts that connection.
 */
class ForwardingTest {
  static final String[] NAMES = {"a", "b", "c"};

  @TempDir Path dir;

  @Test
  void connectionsFollowTheBuckets_pauseDrains_disableCuts() throws Exception {
    try (NamedBackends backends = NamedBackends.start(NAMES)) {
      int port = backends.port();
      InetAddress vipAddress = backends.sibling(100);
      InetSocketAddress vip = new InetSocketAddress(vipAddress, port);
      VipKey key = new VipKey(vipAddress, 32, 6, port);
      String a = backends.address(0).getHostAddress();
      String b = backends.address(1).getHostAddress();
      String c = backends.address(2).getHostAddress();
      try (SimRig rig =
          SimRig.start(
              dir,
              ForwardingConfig.of(backends, vipAddress, ForwardingConfig.GRE_SOURCE),
              "--forward-loopback")) {
        rig.awaitWeights(Duration.ofSeconds(20), Map.of(a, 100, b, 100, c, 50), key);
        await()
            .atMost(Duration.ofSeconds(10))
            .until(
                () -> rig.sim().log().contains("forwarding: VIP " + vipAddress.getHostAddress()));
        Map<String, List<Integer>> state = rig.weightsAndBuckets(key);

        // 3,000 new connections: each backend's share is its share of the buckets
        Map<String, Integer> got = new TreeMap<>();
        // from consecutive client ports (NamedBackends.fromPort: they spread over the buckets
        // evenly, so the shares below do not depend on the ports the kernel would pick)
        int n = 0;
        InetAddress client = backends.sibling(30);
        for (int k = 0; k < 3000; k++) {
          Socket bound = NamedBackends.fromPort(client, k, vip);
          if (bound == null) {
            continue;
          }
          n++;
          try (Socket s = bound) {
            String name = NamedBackends.send(s, true);
            assertThat(name).as("connection %d", k).isNotNull();
            got.merge(name, 1, Integer::sum);
          }
        }
        assertThat(n).as("client ports that could be bound").isGreaterThan(2900);
        Map<String, String> addressOf = Map.of("a", a, "b", b, "c", c);
        for (String name : NAMES) {
          double share = 100.0 * got.getOrDefault(name, 0) / n;
          double buckets = 100.0 * state.get(addressOf.get(name)).get(1) / 1024;
          assertThat(share).as("%s: %s of %s", name, got, state).isCloseTo(buckets, within(3.0));
        }

        // an open connection to c, then c is paused: weight 0 without flush
        Socket held = null;
        for (int k = 0; k < 200 && held == null; k++) {
          Socket s = new Socket();
          s.connect(vip, 5000);
          s.setSoTimeout(10_000);
          if ("c".equals(NamedBackends.send(s, false))) {
            held = s;
          } else {
            s.close();
          }
        }
        assertThat(held).as("a connection to c").isNotNull();
        try (Socket open = held) {
          MaglevGrpc.MaglevBlockingStub stub = rig.stub();
          stub.pauseBackend(BackendRequest.newBuilder().setName("c").build());
          await()
              .atMost(Duration.ofSeconds(10))
              .untilAsserted(
                  () -> assertThat(rig.weightsAndBuckets(key).get(c)).isEqualTo(List.of(0, 0)));
          for (int k = 0; k < 300; k++) {
            assertThat(NamedBackends.name(vip)).isIn("a", "b");
          }
          assertThat(NamedBackends.send(open, false)).isEqualTo("c");

          // disabling c flushes its flows: the open connection is cut
          stub.disableBackend(BackendRequest.newBuilder().setName("c").build());
          await()
              .atMost(Duration.ofSeconds(10))
              .until(
                  () -> {
                    try {
                      return NamedBackends.send(open, false) == null;
                    } catch (SocketException e) {
                      return true;
                    }
                  });
        }
      }
    }
  }
}
