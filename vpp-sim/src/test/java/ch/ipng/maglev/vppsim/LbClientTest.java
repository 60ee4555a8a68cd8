package ch.ipng.maglev.vppsim;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import ch.ipng.maglev.vpp.api.Message;
import ch.ipng.maglev.vpp.api.MessageType;
import ch.ipng.maglev.vpp.api.VppConnection;
import ch.ipng.maglev.vpp.api.VppErrorException;
import ch.ipng.maglev.vpp.api.VppException;
import ch.ipng.maglev.vpp.api.VppTimeoutException;
import ch.ipng.maglev.vpp.api.msg.LbConf;
import ch.ipng.maglev.vpp.lb.LbClient;
import ch.ipng.maglev.vpp.lb.LbClient.As;
import ch.ipng.maglev.vpp.lb.LbClient.Encap;
import ch.ipng.maglev.vpp.lb.LbClient.VipKey;
import ch.ipng.maglev.vppsim.testing.SimProcess;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The typed lb client drives maglev-vppsim, a separate process, over its real API socket. */
class LbClientTest {
  @TempDir static Path dir;
  static SimProcess sim;

  @BeforeAll
  static void start() throws Exception {
    sim = SimProcess.start(dir);
  }

  @AfterAll
  static void stop() throws Exception {
    sim.close();
  }

  static VppConnection connect() {
    return VppConnection.connect(
        sim.api(), "lb-client-test", Duration.ofSeconds(2), LbClient.REQUIRED);
  }

  static InetAddress ip(String s) throws Exception {
    return InetAddress.getByName(s);
  }

  @Test
  void theFullLbLifecycle() throws Exception {
    try (VppConnection c = connect()) {
      LbClient lb = new LbClient(c);
      assertThat(VppConnection.await(lb.showVersion())).startsWith("26.10");
      LbClient.Conf conf =
          new LbClient.Conf((Inet4Address) ip("192.0.2.1"), ip("2001:db8::1"), 2048, 60);
      VppConnection.await(lb.conf(conf));
      assertThat(VppConnection.await(lb.confGet())).isEqualTo(conf);

      VipKey vip = new VipKey(ip("192.0.2.100"), 32, 6, 80);
      VppConnection.await(lb.addVip(vip, Encap.GRE4, 1024, false));
      VppConnection.await(lb.addAs(vip, ip("10.0.0.1"), 100, false));
      VppConnection.await(lb.addAs(vip, ip("10.0.0.2"), 100, false));
      VppConnection.await(lb.addAs(vip, ip("10.0.0.3"), 50, false));
      List<As> ass = VppConnection.await(lb.ass(vip));
      assertThat(ass).extracting(As::weight).containsExactly(100, 100, 50);
      assertThat(ass.stream().mapToInt(As::buckets).sum()).isEqualTo(1024);
      assertThat(VppConnection.await(lb.vips()))
          .anySatisfy(v -> assertThat(v.key()).isEqualTo(vip));

      VppConnection.await(lb.setWeight(vip, ip("10.0.0.2"), 0, true));
      VppConnection.await(lb.delAs(vip, ip("10.0.0.3"), true));
      ass = VppConnection.await(lb.ass(vip));
      assertThat(ass).extracting(As::buckets).containsExactly(1024, 0, 0);
      assertThat(ass).extracting(As::active).containsExactly(true, true, false);
      VppConnection.await(lb.flushVip(vip));
      assertThat(VppConnection.await(lb.cli("show lb vips verbose")))
          .contains("192.0.2.100/32")
          .contains("10.0.0.3 weight:50 buckets:0 flows:0")
          .contains("  removed");

      // ASes first (with flush), then the VIP, as a control plane must.
      VppConnection.await(lb.delAs(vip, ip("10.0.0.1"), true));
      VppConnection.await(lb.delAs(vip, ip("10.0.0.2"), true));
      VppConnection.await(lb.delVip(vip));
      assertThat(VppConnection.await(lb.vips())).noneMatch(v -> v.key().equals(vip));
    }
  }

  @Test
  void vppErrorsNameTheRequestAndTheCode() throws Exception {
    try (VppConnection c = connect()) {
      LbClient lb = new LbClient(c);
      VipKey vip = new VipKey(ip("192.0.2.101"), 32, 6, 80);
      VppConnection.await(lb.addVip(vip, Encap.GRE4, 1024, false));
      assertThatThrownBy(() -> VppConnection.await(lb.addVip(vip, Encap.GRE4, 1024, false)))
          .isInstanceOf(VppErrorException.class)
          .hasMessageContaining("lb_add_del_vip_v2 add 192.0.2.101/32 tcp/80")
          .hasMessageContaining("-81 VNET_API_ERROR_VALUE_EXIST");
      assertThatThrownBy(() -> VppConnection.await(lb.addAs(vip, ip("2001:db8::1"), 100, false)))
          .hasMessageContaining("-97 VNET_API_ERROR_INVALID_ADDRESS_FAMILY");
      VipKey missing = new VipKey(ip("192.0.2.102"), 32, 6, 80);
      assertThatThrownBy(() -> VppConnection.await(lb.delAs(missing, ip("10.0.0.1"), false)))
          .isInstanceOf(VppErrorException.class)
          .satisfies(e -> assertThat(((VppErrorException) e).retval()).isEqualTo(-6));
      assertThatThrownBy(
              () ->
                  VppConnection.await(
                      lb.addVip(new VipKey(ip("192.0.2.103"), 32, 6, 80), Encap.GRE4, 1000, false)))
          .hasMessageContaining("-70 VNET_API_ERROR_INVALID_MEMORY_SIZE");
      // the connection is still good after errors
      assertThat(VppConnection.await(lb.ass(vip))).isEmpty();
    }
  }

  @Test
  void aSilentVppTimesOutEveryPendingRequest() throws Exception {
    try (VppConnection c = connect()) {
      LbClient lb = new LbClient(c);
      assertThat(sim.control("pause")).isEqualTo("ok");
      try {
        assertThatThrownBy(() -> VppConnection.await(lb.showVersion()))
            .isInstanceOf(VppTimeoutException.class)
            .hasMessageContaining("show_version")
            .hasMessageContaining("did not answer within 2000 ms");
      } finally {
        assertThat(sim.control("resume")).isEqualTo("ok");
      }
      assertThat(VppConnection.await(lb.showVersion())).startsWith("26.10");
    }
  }

  @Test
  void missingOrChangedMessagesAreNamedAtConnect() {
    MessageType<Message> changed =
        MessageType.of(
            "lb_conf", 0xdeadbeef, "lb", MessageType.Header.CLIENT_CONTEXT, 0, b -> null);
    MessageType<Message> absent =
        MessageType.of(
            "lb_teleport", 0x00000001, "lb", MessageType.Header.CLIENT_CONTEXT, 0, b -> null);
    assertThatThrownBy(
            () ->
                VppConnection.connect(
                    sim.api(), "crc-test", Duration.ofSeconds(2), List.of(changed, absent)))
        .isInstanceOf(VppException.class)
        .hasMessageContaining("lb_conf_deadbeef (VPP has lb_conf_56cd3261: its definition changed)")
        .hasMessageContaining("lb_teleport_00000001 (not in VPP's message table)");
  }

  @Test
  void anUnreachableSocketIsOneClearError(@TempDir Path empty) {
    assertThatThrownBy(
            () ->
                VppConnection.connect(
                    empty.resolve("api.sock"), "x", Duration.ofSeconds(1), LbClient.REQUIRED))
        .isInstanceOf(VppException.class)
        .hasMessageContaining("cannot connect to VPP's API socket " + empty.resolve("api.sock"));
  }

  @Test
  void pipelinedRequestsAllComeBack() throws Exception {
    try (VppConnection c = connect()) {
      LbClient lb = new LbClient(c);
      VipKey vip = new VipKey(ip("198.51.100.0"), 24, 255, 0);
      VppConnection.await(lb.addVip(vip, Encap.GRE4, 1024, false));
      List<CompletableFuture<Void>> adds = new ArrayList<>();
      for (int i = 0; i < 1000; i++) {
        adds.add(lb.addAs(vip, ip("10.9." + (i / 250) + "." + (i % 250 + 1)), 1 + i % 10, false));
      }
      CompletableFuture.allOf(adds.toArray(CompletableFuture[]::new)).get();
      List<As> ass = VppConnection.await(lb.ass(vip));
      assertThat(ass).hasSize(1000);
      assertThat(ass.stream().mapToInt(As::buckets).sum()).isEqualTo(1024);
    }
  }

  @Test
  void aRestartClosesTheConnectionAndMovesTheIds() throws Exception {
    VppConnection before = connect();
    int idBefore = before.id(LbConf.TYPE);
    assertThat(sim.control("restart")).startsWith("ok generation");
    await().atMost(Duration.ofSeconds(5)).until(() -> before.closed().isDone());
    assertThatThrownBy(() -> VppConnection.await(new LbClient(before).showVersion()))
        .isInstanceOf(VppException.class)
        .hasMessageContaining("closed");
    try (VppConnection after = connect()) {
      assertThat(after.id(LbConf.TYPE)).isNotEqualTo(idBefore);
      assertThat(VppConnection.await(new LbClient(after).vips())).isEmpty();
    }
  }
}
