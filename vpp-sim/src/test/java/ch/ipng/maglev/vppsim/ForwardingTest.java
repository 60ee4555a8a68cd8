package ch.ipng.maglev.vppsim;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;
import static org.awaitility.Awaitility.await;

import ch.ipng.maglev.vpp.api.VppConnection;
import ch.ipng.maglev.vpp.lb.LbClient;
import ch.ipng.maglev.vpp.lb.LbClient.Encap;
import ch.ipng.maglev.vpp.lb.LbClient.VipKey;
import ch.ipng.maglev.vpp.maglev.FlowHash;
import ch.ipng.maglev.vpp.maglev.MaglevTable;
import ch.ipng.maglev.vpp.stats.StatsSegment;
import ch.ipng.maglev.vppsim.testing.NamedBackends;
import ch.ipng.maglev.vppsim.testing.SimProcess;
import java.io.IOException;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * maglev-vppsim forwards TCP connections to its VIPs as VPP's lb plugin forwards their packets:
 * three named HTTP backends on loopback, VIPs in a documentation range that is never contacted
 * (each mapped to a loopback listen address with --forward), programmed over the real API socket.
 */
class ForwardingTest {
  static final String[] NAMES = {"nginx0-ams", "nginx0-fra", "nginx0-zrh"};

  @TempDir static Path dir;
  static NamedBackends backends;
  static SimProcess sim;
  static VppConnection vpp;
  static LbClient lb;
  static int port;

  /** VIP i is 192.0.2.(10+i):port, listened for on the backends' /24 at .(10+i):port. */
  static VipKey vip(int i) throws IOException {
    return new VipKey(InetAddress.getByName("192.0.2." + (10 + i)), 32, 6, port);
  }

  static InetSocketAddress listen(int i) throws IOException {
    return new InetSocketAddress(backends.sibling(10 + i), port);
  }

  @BeforeAll
  static void start() throws Exception {
    backends = NamedBackends.start(NAMES);
    port = backends.port();
    sim = SimProcess.start(dir, forwardArgs());
    vpp =
        VppConnection.connect(
            sim.api(), "forwarding-test", Duration.ofSeconds(5), LbClient.REQUIRED);
    lb = new LbClient(vpp);
  }

  /** --forward for VIPs 0..4 and the IPv6 VIP 2001:db8::10 (listened for at .20). */
  static String[] forwardArgs() throws IOException {
    List<String> args = new ArrayList<>();
    for (int i = 0; i < 5; i++) {
      args.add("--forward");
      args.add("192.0.2." + (10 + i) + ":" + port + "=" + ForwardRules.format(listen(i)));
    }
    args.add("--forward");
    args.add("[2001:db8::10]:" + port + "=" + ForwardRules.format(listen(10)));
    return args.toArray(String[]::new);
  }

  @AfterAll
  static void stop() throws Exception {
    if (vpp != null) {
      vpp.close();
    }
    if (sim != null) {
      sim.close();
    }
    if (backends != null) {
      backends.close();
    }
  }

  /** A VIP with the three backends at these weights; its listener is up when this returns. */
  static VipKey program(int i, int... weights) throws Exception {
    VipKey v = vip(i);
    VppConnection.await(lb.addVip(v, Encap.GRE4, 1024, false));
    for (int b = 0; b < weights.length; b++) {
      VppConnection.await(lb.addAs(v, backends.address(b), weights[b], false));
    }
    String listening =
        "forwarding: VIP 192.0.2."
            + (10 + i)
            + ":"
            + port
            + " (tcp) on "
            + ForwardRules.format(listen(i))
            + "\n";
    await().atMost(Duration.ofSeconds(10)).until(() -> sim.log().contains(listening));
    return v;
  }

  /** The backend VPP would pick for a new connection from {@code local} to VIP {@code v}. */
  static String expected(VipKey v, InetSocketAddress local, int... weights) {
    List<MaglevTable.Server> servers = new ArrayList<>();
    for (int b = 0; b < weights.length; b++) {
      servers.add(new MaglevTable.Server(b + 1, backends.address(b), weights[b], true));
    }
    int[] table = MaglevTable.compute(1024, servers);
    int hash = FlowHash.hash(local.getAddress(), local.getPort(), v.prefix(), v.port(), 6, false);
    int index = table[FlowHash.bucket(hash, 1024)];
    return index == 0 ? "no server" : NAMES[index - 1];
  }

  static long counter(VipKey v, String name) throws Exception {
    String out = VppConnection.await(lb.cli("show lb vips verbose"));
    int at = out.indexOf(v.prefix().getHostAddress() + "/32");
    Matcher m = Pattern.compile("(?m)^\\s+" + name + ": (\\d+)$").matcher(out);
    assertThat(m.find(at)).as(out).isTrue();
    return Long.parseLong(m.group(1));
  }

  @Test
  void newConnections_takeVppsHashAndTable_andShareAsTheBuckets() throws Exception {
    int[] weights = {100, 100, 50};
    VipKey v = program(0, weights);
    Map<String, Integer> got = new TreeMap<>();
    int n = 0;
    InetAddress client = backends.sibling(30);
    for (int k = 0; k < 3000; k++) {
      Socket bound = NamedBackends.fromPort(client, k, listen(0));
      if (bound == null) {
        continue;
      }
      n++;
      try (Socket s = bound) {
        InetSocketAddress local = (InetSocketAddress) s.getLocalSocketAddress();
        String name = NamedBackends.send(s, true);
        assertThat(name)
            .as("connection %d from %s", k, local)
            .isEqualTo(expected(v, local, weights));
        got.merge(name, 1, Integer::sum);
      }
    }
    Map<String, Integer> buckets = new TreeMap<>();
    for (LbClient.As as : VppConnection.await(lb.ass(v))) {
      for (int b = 0; b < NAMES.length; b++) {
        if (as.address().equals(backends.address(b))) {
          buckets.put(NAMES[b], as.buckets());
        }
      }
    }
    assertThat(buckets).containsOnlyKeys(NAMES);
    assertThat(n).as("client ports that could be bound").isGreaterThan(2900);
    for (String name : NAMES) {
      double share = 100.0 * got.getOrDefault(name, 0) / n;
      double expected = 100.0 * buckets.get(name) / 1024;
      assertThat(share).as("%s: %s of %s", name, got, buckets).isCloseTo(expected, within(3.0));
    }
    assertThat(counter(v, "first session packet")).isEqualTo(n);
    assertThat(counter(v, "no server configured")).isZero();
    // each connection's request and its end of stream, at least
    assertThat(counter(v, "packet from existing sessions")).isGreaterThanOrEqualTo(2L * n);
  }

  @Test
  void weightZero_takesNoNewFlows_keepsTheOpenOne_untilFlushed() throws Exception {
    int[] weights = {100, 100, 100};
    VipKey v = program(1, weights);
    Socket held = holdConnectionTo(1, NAMES[2]);
    try (held) {
      VppConnection.await(lb.setWeight(v, backends.address(2), 0, false));
      for (int k = 0; k < 300; k++) {
        assertThat(NamedBackends.name(listen(1))).isIn(NAMES[0], NAMES[1]);
      }
      assertThat(NamedBackends.send(held, false)).isEqualTo(NAMES[2]);

      VppConnection.await(lb.setWeight(v, backends.address(2), 0, true));
      assertCut(held);
    }
    assertThat(sim.control("forward")).containsPattern(" cut [1-9]");
  }

  @Test
  void removedAs_keepsItsOpenConnection_untilDeletedWithFlush() throws Exception {
    int[] weights = {100, 100, 100};
    VipKey v = program(2, weights);
    Socket held = holdConnectionTo(2, NAMES[0]);
    try (held) {
      VppConnection.await(lb.delAs(v, backends.address(0), false));
      for (int k = 0; k < 300; k++) {
        assertThat(NamedBackends.name(listen(2))).isIn(NAMES[1], NAMES[2]);
      }
      assertThat(NamedBackends.send(held, false)).isEqualTo(NAMES[0]);
      String cli = VppConnection.await(lb.cli("show lb vips verbose"));
      assertThat(cli)
          .contains(backends.address(0).getHostAddress() + " weight:100 buckets:0 flows:1");

      VppConnection.await(lb.delAs(v, backends.address(0), true));
      assertCut(held);
    }
  }

  @Test
  void vipWithoutUsableAs_resetsNewConnections_andCountsNoServer() throws Exception {
    VipKey v = vip(3);
    InetSocketAddress at = listen(3);
    assertThat(NamedBackends.name(at)).as("no listener before the VIP exists").isNull();
    program(3, 0, 0, 0);
    for (int k = 0; k < 5; k++) {
      assertThat(NamedBackends.name(at)).isNull();
    }
    assertThat(counter(v, "no server configured")).isEqualTo(5);
    assertThat(counter(v, "first session packet")).isZero();

    VppConnection.await(lb.setWeight(v, backends.address(1), 10, false));
    assertThat(NamedBackends.name(at)).isEqualTo(NAMES[1]);

    VppConnection.await(lb.delVip(v));
    String stopped = "forwarding: stopped VIP 192.0.2.13:" + port + " (tcp)";
    await().atMost(Duration.ofSeconds(10)).until(() -> sim.log().contains(stopped));
    assertThat(NamedBackends.name(at)).isNull();
  }

  @Test
  void flush_keepsAConnectionWhoseBucketStillNamesItsAs() throws Exception {
    VipKey v = program(4, 100, 100, 100);
    Socket held = holdConnectionTo(4, NAMES[1]);
    try (held) {
      // a flush re-hashes the flow: the table did not change, so it lands where it was
      VppConnection.await(lb.setWeight(v, backends.address(1), 100, true));
      VppConnection.await(lb.flushVip(v));
      // a change the forwarder handles after both flushes, so they were seen
      VppConnection.await(lb.setWeight(v, backends.address(0), 100, false));
      assertThat(NamedBackends.send(held, false)).isEqualTo(NAMES[1]);
      // a weight change that moves buckets away, with flush, does cut it (its bucket moved)
      VppConnection.await(lb.setWeight(v, backends.address(1), 0, true));
      assertCut(held);
    }
  }

  @Test
  void ipv6Vip_hashesAnIpv4ClientAsItsMappedAddress() throws Exception {
    // ip6-gre4: an IPv6 VIP whose ASes are IPv4
    VipKey v = new VipKey(InetAddress.getByName("2001:db8::10"), 128, 6, port);
    VppConnection.await(lb.addVip(v, Encap.GRE4, 1024, false));
    int[] weights = {100, 100, 100};
    for (int b = 0; b < 3; b++) {
      VppConnection.await(lb.addAs(v, backends.address(b), weights[b], false));
    }
    String listening = "forwarding: VIP [2001:db8:0:0:0:0:0:10]:" + port + " (tcp) on ";
    await().atMost(Duration.ofSeconds(10)).until(() -> sim.log().contains(listening));
    for (int k = 0; k < 200; k++) {
      try (Socket s = new Socket()) {
        s.connect(listen(10), 5000);
        s.setSoTimeout(10_000);
        InetSocketAddress local = (InetSocketAddress) s.getLocalSocketAddress();
        byte[] mapped = new byte[16];
        mapped[10] = (byte) 0xff;
        mapped[11] = (byte) 0xff;
        System.arraycopy(local.getAddress().getAddress(), 0, mapped, 12, 4);
        InetSocketAddress asVppSeesIt =
            new InetSocketAddress(Inet6Address.getByAddress(null, mapped, -1), local.getPort());
        assertThat(NamedBackends.send(s, true))
            .as("connection %d from %s", k, local)
            .isEqualTo(expected(v, asVppSeesIt, weights));
      }
    }
  }

  @Test
  void restart_cutsEveryConnection_andClosesTheListeners(@TempDir Path own) throws Exception {
    try (SimProcess fresh = SimProcess.start(own, forwardArgs());
        VppConnection c =
            VppConnection.connect(
                fresh.api(), "forwarding-restart", Duration.ofSeconds(5), LbClient.REQUIRED)) {
      LbClient l = new LbClient(c);
      VipKey v = vip(0);
      VppConnection.await(l.addVip(v, Encap.GRE4, 1024, false));
      VppConnection.await(l.addAs(v, backends.address(0), 100, false));
      String listening = "forwarding: VIP 192.0.2.10:" + port + " (tcp) on ";
      await().atMost(Duration.ofSeconds(10)).until(() -> fresh.log().contains(listening));
      try (Socket held = new Socket()) {
        held.connect(listen(0), 5000);
        held.setSoTimeout(10_000);
        assertThat(NamedBackends.send(held, false)).isEqualTo(NAMES[0]);
        // the stats segment counts it for VIP 1 (the first of this simulator): one new flow, and
        // the request as a packet of an existing session
        try (StatsSegment stats = StatsSegment.connect(fresh.stats(), Duration.ofSeconds(1))) {
          await()
              .atMost(Duration.ofSeconds(10))
              .untilAsserted(
                  () -> {
                    long[][] counters = stats.lbVipCounters();
                    assertThat(counters[1][1]).as("first session packet").isEqualTo(1);
                    assertThat(counters[0][1]).as("packet from existing sessions").isPositive();
                    assertThat(counters[3][1]).as("no server configured").isZero();
                  });
        }
        assertThat(fresh.control("restart")).startsWith("ok generation 1");
        assertCut(held);
      }
      assertThat(fresh.control("forward")).startsWith("ok listeners 0 connections 0 ");
    }
  }

  /** Opens keep-alive connections to listener i until one answers from {@code name}. */
  static Socket holdConnectionTo(int i, String name) throws IOException {
    for (int k = 0; k < 200; k++) {
      Socket s = new Socket();
      s.connect(listen(i), 5000);
      s.setSoTimeout(10_000);
      if (name.equals(NamedBackends.send(s, false))) {
        return s;
      }
      s.close();
    }
    throw new AssertionError("200 connections and none reached " + name);
  }

  /** The connection was reset: the next request gets no answer. */
  static void assertCut(Socket s) {
    await()
        .atMost(Duration.ofSeconds(10))
        .until(
            () -> {
              try {
                return NamedBackends.send(s, false) == null;
              } catch (SocketException e) {
                return true;
              }
            });
  }
}
