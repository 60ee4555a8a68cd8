package ch.ipng.maglev.daemon.fleet;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ch.ipng.maglev.daemon.dataplane.LbView;
import ch.ipng.maglev.daemon.dataplane.VipId;
import com.google.common.net.InetAddresses;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class FlowLookupTest {
  static final LbView.Conf CONF =
      new LbView.Conf(
          InetAddresses.forString("192.0.2.254"), InetAddresses.forString("2001:db8::254"), 0, 40);

  static String resource(String name) throws IOException {
    try (InputStream in = FlowLookupTest.class.getResourceAsStream("/vpp-golden/" + name)) {
      return new String(Objects.requireNonNull(in, name).readAllBytes(), StandardCharsets.UTF_8);
    }
  }

  static LbView.As as(String address, int weight) {
    return new LbView.As(InetAddresses.forString(address), weight, true, 0, "be-" + address);
  }

  static LbView.Vip vip(
      String prefix, int length, int protocol, int port, boolean sticky, List<LbView.As> ases) {
    return new LbView.Vip(
        new VipId(InetAddresses.forString(prefix), length, protocol, port),
        "fe",
        "gre4",
        sticky,
        1,
        1024,
        ases);
  }

  /** The traffic scenario's VIP, its ASes from the captured table's legend. */
  static LbView.Vip trafficVip() throws IOException {
    List<LbView.As> ases = new ArrayList<>();
    Matcher m =
        Pattern.compile("(?m)^\\s+\\d+: (\\S+) weight (\\d+) flags")
            .matcher(resource("traffic_flow_table.txt"));
    while (m.find()) {
      ases.add(as(m.group(1), Integer.parseInt(m.group(2))));
    }
    assertThat(ases).hasSize(3);
    return vip("192.0.2.10", 32, 6, 80, false, ases);
  }

  @Test
  void everyFlowOfTheRealVppCapture_getsTheAsVppSentItTo() throws IOException {
    LbView view = new LbView(CONF, List.of(trafficVip()));
    Matcher m =
        Pattern.compile(
                "(?m)^\\s+(\\S+):(\\d+) -> (\\S+):(\\d+)\\s+hash 0x([0-9a-f]+)\\s+bucket\\s+(\\d+)"
                    + "\\s+table AS \\S+\\s+observed AS (\\S+)")
            .matcher(resource("traffic_flow_hash_check.txt"));
    int flows = 0;
    while (m.find()) {
      FlowLookup.Tuple t =
          FlowLookup.parse(
              m.group(1),
              Long.parseLong(m.group(2)),
              m.group(3),
              Long.parseLong(m.group(4)),
              "tcp");
      FlowLookup.Result r = FlowLookup.lookup(view, t).orElseThrow();
      assertThat(r.hash()).as(m.group()).isEqualTo(Integer.parseUnsignedInt(m.group(5), 16));
      assertThat(r.bucket()).as(m.group()).isEqualTo(Integer.parseInt(m.group(6)));
      assertThat(r.as()).as(m.group()).contains(InetAddresses.forString(m.group(7)));
      assertThat(r.backend()).isEqualTo("be-" + m.group(7));
      flows++;
    }
    assertThat(flows).isEqualTo(32);
  }

  /** docs/../vpp-protocol.md §4.2a's vectors: hash and bucket, and the src-ip-sticky ones. */
  @ParameterizedTest
  @CsvSource({
    "198.18.0.1, 10000, 192.0.2.10, 80, 65006c94, 148, 2d2ca79f, 927",
    "198.18.0.1, 10031, 192.0.2.10, 80, d36e2663, 611, 2d2ca79f, 927",
    "192.0.2.10, 12345, 198.51.100.1, 80, 8ee9426f, 623, 368970fe, 254",
    "192.0.2.10, 12346, 198.51.100.1, 80, 936969f1, 497, 368970fe, 254",
    "192.0.2.11, 40000, 198.51.100.1, 80, 6afb528f, 655, c9ec015c, 348",
    "203.0.113.7, 53000, 198.51.100.2, 53, 66160a18, 536, af0ed7bf, 959",
    "192.0.2.200, 1, 198.51.100.1, 443, 69f3867c, 636, d8ba967a, 634",
    "2001:db8::10, 12345, 2001:db8:100::1, 80, da539cf9, 249, 10bbf72f, 815",
    "2001:db8:1:2:3:4:5:6, 65535, 2001:db8:100::1, 443, 0812a0b3, 179, f2bb62ef, 751",
  })
  void specVectors_plainAndSrcIpSticky(
      String src,
      int sport,
      String dst,
      int dport,
      String hash,
      int bucket,
      String stickyHash,
      int stickyBucket) {
    boolean v6 = dst.contains(":");
    List<LbView.As> ases = List.of(as(v6 ? "2001:db8:1::1" : "10.0.0.1", 100));
    for (String proto : List.of("tcp", "udp")) {
      FlowLookup.Tuple t = FlowLookup.parse(src, sport, dst, dport, proto);
      int number = proto.equals("tcp") ? 6 : 17;
      FlowLookup.Result plain =
          FlowLookup.lookup(vip(dst, v6 ? 128 : 32, number, dport, false, ases), t);
      assertThat(plain.hash()).isEqualTo(Integer.parseUnsignedInt(hash, 16));
      assertThat(plain.bucket()).isEqualTo(bucket);
      FlowLookup.Result sticky = FlowLookup.lookup(vip(dst, v6 ? 128 : 32, 255, 0, true, ases), t);
      assertThat(sticky.hash()).isEqualTo(Integer.parseUnsignedInt(stickyHash, 16));
      assertThat(sticky.bucket()).isEqualTo(stickyBucket);
      assertThat(sticky.as()).isPresent();
    }
  }

  @Test
  void theMostSpecificVipTakesTheFlow_andNoneWhenNothingMatches() {
    LbView.Vip all = vip("198.51.100.0", 24, 255, 0, false, List.of(as("10.0.0.1", 1)));
    LbView.Vip web = vip("198.51.100.1", 32, 6, 80, false, List.of(as("10.0.0.2", 1)));
    LbView.Vip dns = vip("198.51.100.1", 32, 17, 53, false, List.of(as("10.0.0.3", 1)));
    LbView view = new LbView(CONF, List.of(all, web, dns));
    assertThat(vipOf(view, "198.51.100.1", 80, "tcp")).contains(web);
    assertThat(vipOf(view, "198.51.100.1", 80, "udp")).contains(all);
    assertThat(vipOf(view, "198.51.100.1", 53, "udp")).contains(dns);
    assertThat(vipOf(view, "198.51.100.9", 443, "tcp")).contains(all);
    assertThat(vipOf(view, "198.51.101.1", 80, "tcp")).isEmpty();
    assertThat(vipOf(view, "2001:db8::1", 80, "tcp")).isEmpty();
  }

  static Optional<LbView.Vip> vipOf(LbView view, String dst, int port, String proto) {
    String src = dst.contains(":") ? "2001:db8::7" : "192.0.2.7";
    return FlowLookup.vipOf(view, FlowLookup.parse(src, 1000, dst, port, proto));
  }

  @Test
  void aVipWithoutWeight_dropsTheFlow() {
    LbView.Vip v = vip("198.51.100.1", 32, 6, 80, false, List.of(as("10.0.0.1", 0)));
    FlowLookup.Result r =
        FlowLookup.lookup(v, FlowLookup.parse("192.0.2.1", 1, "198.51.100.1", 80, ""));
    assertThat(r.as()).isEmpty();
    assertThat(r.backend()).isEmpty();
  }

  @Test
  void badInput_isRefusedNamingTheFieldAndWhatWasExpected() {
    assertThatThrownBy(() -> FlowLookup.parse("nope", 1, "198.51.100.1", 80, "tcp"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("src: \"nope\" (expected: an IPv4 or IPv6 address)");
    assertThatThrownBy(() -> FlowLookup.parse("192.0.2.1", 1, "", 80, "tcp"))
        .hasMessage("dst: \"\" (expected: an IPv4 or IPv6 address)");
    assertThatThrownBy(() -> FlowLookup.parse("192.0.2.1", 1, "www.example.com", 80, "tcp"))
        .hasMessage("dst: \"www.example.com\" (expected: an IPv4 or IPv6 address)");
    assertThatThrownBy(() -> FlowLookup.parse("192.0.2.1", 70000, "198.51.100.1", 80, "tcp"))
        .hasMessage("src port: 70000 (expected: 0-65535)");
    assertThatThrownBy(() -> FlowLookup.parse("192.0.2.1", 1, "198.51.100.1", -1, "tcp"))
        .hasMessage("dst port: -1 (expected: 0-65535)");
    assertThatThrownBy(() -> FlowLookup.parse("192.0.2.1", 1, "198.51.100.1", 80, "icmp"))
        .hasMessage("protocol: icmp (expected: tcp or udp)");
    assertThatThrownBy(() -> FlowLookup.parse("192.0.2.1", 1, "2001:db8::1", 80, "tcp"))
        .hasMessage("src 192.0.2.1, dst 2001:db8::1 (expected: both IPv4 or both IPv6)");
  }

  @Test
  void inPrefix_comparesOnlyThePrefixBits() {
    InetAddress p = InetAddresses.forString("198.51.100.0");
    assertThat(
            FlowLookup.inPrefix(
                p.getAddress(), 23, InetAddresses.forString("198.51.101.9").getAddress()))
        .isTrue();
    assertThat(
            FlowLookup.inPrefix(
                p.getAddress(), 24, InetAddresses.forString("198.51.101.9").getAddress()))
        .isFalse();
    assertThat(
            FlowLookup.inPrefix(
                p.getAddress(), 0, InetAddresses.forString("10.0.0.1").getAddress()))
        .isTrue();
  }
}
