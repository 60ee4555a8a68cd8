package ch.ipng.maglev.vppsim;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The forwarding flags: which VIPs are listened for where, and how ASes are reached. */
class ForwardRulesTest {
  static byte[] ip46(String s) throws Exception {
    return ForwardRules.ip46(InetAddress.getByName(s));
  }

  static LbPlugin.Vip vip(String address, int plen, int protocol, int port) throws Exception {
    return new LbPlugin.Vip(
        1,
        LbPlugin.mask(ip46(address), plen),
        plen,
        protocol,
        port,
        LbPlugin.VipType.IP4_GRE4,
        0,
        0,
        1024,
        false);
  }

  static InetSocketAddress at(String a, int port) throws Exception {
    return new InetSocketAddress(InetAddress.getByName(a), port);
  }

  @Test
  void explicitMapping_listensThereForTheVipsAddressAndPort() throws Exception {
    ForwardRules r = ForwardRules.parse(List.of("192.0.2.1:80=127.0.0.1:8080"), false, List.of());
    ForwardRules.Target t = r.target(vip("192.0.2.1", 128, 6, 80));
    assertThat(t).isNotNull();
    assertThat(t.listen()).isEqualTo(at("127.0.0.1", 8080));
    assertThat(t.vip()).isEqualTo(InetAddress.getByName("192.0.2.1"));
    // another port, UDP, an all-port VIP: not forwarded
    assertThat(r.target(vip("192.0.2.1", 128, 6, 443))).isNull();
    assertThat(r.target(vip("192.0.2.1", 128, 17, 80))).isNull();
    assertThat(r.target(vip("192.0.2.1", 128, 255, 0))).isNull();
    // a VIP prefix that holds the address
    assertThat(r.target(vip("192.0.2.0", 120, 6, 80))).isNotNull();
  }

  @Test
  void ipv6_inBrackets_andTheLoopbackShortForm() throws Exception {
    ForwardRules r =
        ForwardRules.parse(
            List.of("[2001:db8::1]:443=[::1]:8443", "127.0.0.9:80"), false, List.of());
    assertThat(r.target(vip("2001:db8::1", 128, 6, 443)).listen()).isEqualTo(at("::1", 8443));
    assertThat(r.target(vip("127.0.0.9", 128, 6, 80)).listen()).isEqualTo(at("127.0.0.9", 80));
  }

  @Test
  void forwardLoopback_takesLoopbackHostVipsOnly() throws Exception {
    ForwardRules r = ForwardRules.parse(List.of(), true, List.of());
    assertThat(r.target(vip("127.0.100.1", 128, 6, 8081)).listen())
        .isEqualTo(at("127.0.100.1", 8081));
    assertThat(r.target(vip("192.0.2.1", 128, 6, 80))).isNull();
    assertThat(r.target(vip("127.0.100.0", 120, 6, 80))).isNull();
    assertThat(ForwardRules.none().any()).isFalse();
    assertThat(r.any()).isTrue();
  }

  @Test
  void ass_loopbackDirect_mappedWhereTold_othersNever() throws Exception {
    ForwardRules r =
        ForwardRules.parse(
            List.of(),
            false,
            List.of("10.0.0.1=127.0.0.21", "10.0.0.2=127.0.0.22:9000", "2001:db8::5=[::1]:81"));
    assertThat(r.as(ip46("127.0.0.3"), 80)).isEqualTo(at("127.0.0.3", 80));
    assertThat(r.as(ip46("10.0.0.1"), 80)).isEqualTo(at("127.0.0.21", 80));
    assertThat(r.as(ip46("10.0.0.2"), 80)).isEqualTo(at("127.0.0.22", 9000));
    assertThat(r.as(ip46("2001:db8::5"), 80)).isEqualTo(at("::1", 81));
    assertThat(r.as(ip46("10.0.0.3"), 80)).isNull();
  }

  @Test
  void badFlags_nameTheFlagTheValueAndWhatWasExpected() {
    assertThatThrownBy(() -> ForwardRules.parse(List.of("192.0.2.1:80"), false, List.of()))
        .hasMessage(
            "--forward 192.0.2.1:80: 192.0.2.1 is not a loopback address (expected:"
                + " VIP:PORT=LISTEN-ADDRESS:PORT to listen elsewhere)");
    assertThatThrownBy(
            () -> ForwardRules.parse(List.of("192.0.2.1=127.0.0.1:80"), false, List.of()))
        .hasMessage(
            "--forward 192.0.2.1=127.0.0.1:80: `192.0.2.1' is not ADDRESS:PORT (IPv6 as"
                + " [ADDRESS]:PORT)");
    assertThatThrownBy(() -> ForwardRules.parse(List.of("web:80=127.0.0.1:80"), false, List.of()))
        .hasMessage("--forward web:80=127.0.0.1:80: `web' is not an IP address");
    assertThatThrownBy(() -> ForwardRules.parse(List.of("127.0.0.1:0"), false, List.of()))
        .hasMessage("--forward 127.0.0.1:0: port 0 (expected: 1-65535)");
    assertThatThrownBy(
            () ->
                ForwardRules.parse(
                    List.of("127.0.0.1:80", "127.0.0.2:80=127.0.0.1:80"), false, List.of()))
        .hasMessage(
            "--forward 127.0.0.2:80=127.0.0.1:80: 127.0.0.1:80 already forwards another VIP");
    assertThatThrownBy(() -> ForwardRules.parse(List.of(), false, List.of("10.0.0.1")))
        .hasMessage("--forward-as 10.0.0.1: expected AS=ADDRESS or AS=ADDRESS:PORT");
    assertThatThrownBy(
            () -> ForwardRules.parse(List.of(), false, List.of("10.0.0.1=127.0.0.1:99999")))
        .hasMessage("--forward-as 10.0.0.1=127.0.0.1:99999: port 99999 (expected: 1-65535)");
  }
}
