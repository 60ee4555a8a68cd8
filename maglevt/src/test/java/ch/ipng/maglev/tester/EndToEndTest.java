package ch.ipng.maglev.tester;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import ch.ipng.maglev.daemon.testing.ForwardingConfig;
import ch.ipng.maglev.daemon.testing.SimRig;
import ch.ipng.maglev.proto.BackendRequest;
import ch.ipng.maglev.vpp.lb.LbClient.VipKey;
import ch.ipng.maglev.vpp.maglev.FlowHash;
import ch.ipng.maglev.vpp.maglev.MaglevTable;
import ch.ipng.maglev.vppsim.testing.NamedBackends;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * maglevt end to end: maglevd programs maglev-vppsim, which forwards the VIP's connections to three
 * loopback backends that name themselves; maglevt probes the VIP with keep-alives off. Every probe
 * lands on the backend VPP's flow hash and Maglev table give for its own source port, all three
 * appear in the tally, and once a paused backend's weight is 0 in the simulator no probe reaches
 * it.
 */
class EndToEndTest {
  static final String[] NAMES = {"a", "b", "c"};

  @TempDir Path dir;

  /** Backend name to its weight in the simulator, for the active ASes. */
  static Map<String, Integer> weights(SimRig rig, VipKey vip, NamedBackends backends) {
    Map<String, Integer> byAddress = rig.weights(vip);
    Map<String, Integer> out = new TreeMap<>();
    for (int i = 0; i < NAMES.length; i++) {
      Integer w = byAddress.get(backends.address(i).getHostAddress());
      if (w != null) {
        out.put(NAMES[i], w);
      }
    }
    return out;
  }

  static List<JsonObject> probe(Path config, String duration) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    int status =
        Main.run(
            new String[] {
              "--config",
              config.toString(),
              "--interval",
              "2ms",
              "--timeout",
              "2s",
              "--duration",
              duration,
              "--json",
              "--json-probes"
            },
            new PrintStream(out, true, StandardCharsets.UTF_8),
            new PrintStream(err, true, StandardCharsets.UTF_8),
            false);
    assertThat(status).as("maglevt: %s", err.toString(StandardCharsets.UTF_8)).isZero();
    List<JsonObject> probes = new ArrayList<>();
    for (String line : out.toString(StandardCharsets.UTF_8).split("\n")) {
      JsonObject o = JsonParser.parseString(line).getAsJsonObject();
      if (o.get("kind").getAsString().equals("probe")) {
        probes.add(o);
      }
    }
    return probes;
  }

  /** The backend VPP gives a new flow from {@code probe}'s source to the VIP. */
  static String expected(
      JsonObject probe, VipKey vip, NamedBackends backends, Map<String, Integer> w)
      throws Exception {
    List<MaglevTable.Server> servers = new ArrayList<>();
    for (int i = 0; i < NAMES.length; i++) {
      servers.add(
          new MaglevTable.Server(i + 1, backends.address(i), w.getOrDefault(NAMES[i], 0), true));
    }
    int[] table = MaglevTable.compute(1024, servers);
    int hash =
        FlowHash.hash(
            InetAddress.getByName(probe.get("source_address").getAsString()),
            probe.get("source_port").getAsInt(),
            vip.prefix(),
            vip.port(),
            FlowHash.TCP,
            false);
    return NAMES[table[FlowHash.bucket(hash, 1024)] - 1];
  }

  @Test
  void everyProbeLandsWhereVppWouldPutIt_allThreeAreSeen_andAPausedBackendNoMore()
      throws Exception {
    try (NamedBackends backends = NamedBackends.start(NAMES)) {
      InetAddress vipAddress = backends.sibling(100);
      VipKey key = new VipKey(vipAddress, 32, 6, backends.port());
      try (SimRig rig =
          SimRig.start(
              dir,
              ForwardingConfig.of(backends, vipAddress, ForwardingConfig.GRE_SOURCE),
              "--forward-loopback")) {
        Path file = rig.config();
        await()
            .atMost(Duration.ofSeconds(30))
            .until(
                () -> weights(rig, key, backends),
                w -> w.equals(Map.of("a", 100, "b", 100, "c", 50)));
        await()
            .atMost(Duration.ofSeconds(10))
            .until(
                () -> rig.sim().log().contains("forwarding: VIP " + vipAddress.getHostAddress()));

        Map<String, Integer> w = weights(rig, key, backends);
        List<JsonObject> probes = probe(file, "3s");
        assertThat(probes).hasSizeGreaterThan(100);
        Map<String, Integer> seen = new TreeMap<>();
        for (JsonObject p : probes) {
          // a spike is a success that was slow (a loaded machine): still a good answer
          assertThat(p.get("class").getAsString()).as("%s", p).isIn("ok", "spike");
          String name = p.get("header").getAsString();
          assertThat(name).as("%s", p).isEqualTo(expected(p, key, backends, w));
          seen.merge(name, 1, Integer::sum);
        }
        assertThat(seen).as("the tally").containsOnlyKeys(NAMES);

        rig.stub().pauseBackend(BackendRequest.newBuilder().setName("c").build());
        // the transition's sync: c's weight is 0 in VPP, and from then on no new flow reaches it
        await()
            .atMost(Duration.ofSeconds(10))
            .until(() -> weights(rig, key, backends), x -> x.getOrDefault("c", 0) == 0);
        Map<String, Integer> after = weights(rig, key, backends);
        List<JsonObject> later = probe(file, "2s");
        assertThat(later).hasSizeGreaterThan(50);
        for (JsonObject p : later) {
          assertThat(p.get("header").getAsString()).as("%s", p).isIn("a", "b");
          assertThat(p.get("header").getAsString()).isEqualTo(expected(p, key, backends, after));
        }
      }
    }
  }
}
