package ch.ipng.maglev.vpp.maglev;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ch.ipng.maglev.vpp.maglev.MaglevTable.Server;
import ch.ipng.maglev.vpp.maglev.MaglevTableTest.Captured;
import java.io.IOException;
import java.net.InetAddress;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

class TableDigestTest {
  static Stream<Captured> captured() throws IOException {
    return MaglevTableTest.captured();
  }

  /** The digest of the buckets a real VPP printed, each named by its legend's address. */
  static String capturedDigest(Captured c) {
    Map<Integer, InetAddress> legend = new HashMap<>();
    c.servers().forEach(s -> legend.put(s.index(), s.address()));
    return TableDigest.ofBuckets(c.buckets(), legend::get);
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("captured")
  void digestOfTheComputedTable_equalsTheDigestOfVppsCapture(Captured c) {
    assertThat(TableDigest.of(c.length(), c.servers())).isEqualTo(capturedDigest(c));
  }

  @Test
  void trafficCapture_hasThePinnedDigest() throws IOException {
    // computed from traffic_flow_table.txt by an independent script (Python hashlib), as
    // docs/user-guide.md describes the digest: 13 hex digits of SHA-256 over 1024 ip46 addresses
    Captured c = MaglevTableTest.parse("traffic_flow_table.txt").get(0);
    assertThat(capturedDigest(c)).isEqualTo("3a8650d08beb7");
    assertThat(TableDigest.value("3a8650d08beb7")).isEqualTo(1029576893972151L);
    assertThat(TableDigest.value("3a8650d08beb7")).isLessThan(1L << 52);
  }

  @Test
  void digest_namesAddressesNotPoolIndices_andIgnoresOrder() throws Exception {
    Server a = new Server(1, InetAddress.getByName("10.0.0.1"), 100, true);
    Server b = new Server(2, InetAddress.getByName("10.0.0.2"), 50, true);
    Server a7 = new Server(7, InetAddress.getByName("10.0.0.1"), 100, true);
    Server b3 = new Server(3, InetAddress.getByName("10.0.0.2"), 50, true);
    assertThat(TableDigest.of(1024, List.of(a, b)))
        .isEqualTo(TableDigest.of(1024, List.of(b3, a7)));
  }

  @Test
  void digest_changesWithAWeight_aServer_orTheLength() throws Exception {
    Server a = new Server(1, InetAddress.getByName("10.0.0.1"), 100, true);
    Server b = new Server(2, InetAddress.getByName("10.0.0.2"), 50, true);
    String base = TableDigest.of(1024, List.of(a, b));
    assertThat(TableDigest.of(1024, List.of(a, new Server(2, b.address(), 51, true))))
        .isNotEqualTo(base);
    assertThat(TableDigest.of(1024, List.of(a))).isNotEqualTo(base);
    assertThat(TableDigest.of(1024, List.of(a, new Server(2, b.address(), 50, false))))
        .isEqualTo(TableDigest.of(1024, List.of(a)));
    assertThat(TableDigest.of(512, List.of(a, b))).isNotEqualTo(base);
    assertThat(base).matches("[0-9a-f]{13}");
  }

  @Test
  void emptyTable_isAllDrop_andDiffersFromAnIpv6AnyAddress() throws Exception {
    String none = TableDigest.of(1024, List.of());
    assertThat(none).isEqualTo(TableDigest.ofBuckets(new int[1024], i -> null));
    assertThat(TableDigest.of(1024, List.of(new Server(1, InetAddress.getByName("::1"), 1, true))))
        .isNotEqualTo(none);
  }

  @Test
  void value_refusesWhatIsNotADigest() {
    assertThatThrownBy(() -> TableDigest.value("xyz"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("digest: xyz (expected: 13 lower-case hex digits)");
    assertThatThrownBy(() -> TableDigest.value("3a8650d08bebz"))
        .hasMessage("digest: 3a8650d08bebz (expected: 13 lower-case hex digits)");
    assertThatThrownBy(() -> TableDigest.value("3A8650D08BEB7")).hasMessageContaining("lower-case");
    assertThatThrownBy(() -> TableDigest.value("-a8650d08beb7")).hasMessageContaining("expected");
  }

  @Test
  void ofText_isStable() {
    assertThat(TableDigest.ofText("")).isEqualTo("e3b0c44298fc1");
  }
}
