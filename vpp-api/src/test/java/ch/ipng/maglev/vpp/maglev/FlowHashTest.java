package ch.ipng.maglev.vpp.maglev;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ch.ipng.maglev.vpp.maglev.MaglevTable.Server;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class FlowHashTest {
  /**
   * The vectors of vpp-protocol.md §4.2a (table length 1024). Port -1: an ICMP packet (no ports).
   */
  @ParameterizedTest(name = "{0}:{1} -> {2}:{3}")
  @CsvSource({
    "198.18.0.1, 10000, 192.0.2.10, 80, 65006c94, 148, 2d2ca79f, 927",
    "198.18.0.1, 10031, 192.0.2.10, 80, d36e2663, 611, 2d2ca79f, 927",
    "192.0.2.10, 12345, 198.51.100.1, 80, 8ee9426f, 623, 368970fe, 254",
    "192.0.2.10, 12346, 198.51.100.1, 80, 936969f1, 497, 368970fe, 254",
    "192.0.2.11, 40000, 198.51.100.1, 80, 6afb528f, 655, c9ec015c, 348",
    "203.0.113.7, 53000, 198.51.100.2, 53, 66160a18, 536, af0ed7bf, 959",
    "192.0.2.200, 1, 198.51.100.1, 443, 69f3867c, 636, d8ba967a, 634",
    "192.0.2.10, -1, 198.51.100.1, -1, 368970fe, 254, 368970fe, 254",
    "2001:db8::10, 12345, 2001:db8:100::1, 80, da539cf9, 249, 10bbf72f, 815",
    "2001:db8:1:2:3:4:5:6, 65535, 2001:db8:100::1, 443, 0812a0b3, 179, f2bb62ef, 751",
  })
  void hash_matchesTheSpecVectors(
      String src,
      int sport,
      String dst,
      int dport,
      String hash,
      int bucket,
      String stickyHash,
      int stickyBucket)
      throws IOException {
    InetAddress s = InetAddress.getByName(src);
    InetAddress d = InetAddress.getByName(dst);
    boolean icmp = sport < 0;
    int protocol = icmp ? 1 : FlowHash.TCP;
    int sp = icmp ? 0 : sport;
    int dp = icmp ? 0 : dport;
    int h = FlowHash.hash(s, sp, d, dp, protocol, false);
    assertThat(Integer.toHexString(h))
        .isEqualTo(Integer.toHexString((int) Long.parseLong(hash, 16)));
    assertThat(FlowHash.bucket(h, 1024)).isEqualTo(bucket);
    int sticky = FlowHash.hash(s, sp, d, dp, protocol, true);
    assertThat(Integer.toHexString(sticky))
        .isEqualTo(Integer.toHexString((int) Long.parseLong(stickyHash, 16)));
    assertThat(FlowHash.bucket(sticky, 1024)).isEqualTo(stickyBucket);
  }

  @Test
  void udp_hashesPortsAsTcpDoes() throws IOException {
    InetAddress s = InetAddress.getByName("203.0.113.7");
    InetAddress d = InetAddress.getByName("198.51.100.2");
    assertThat(FlowHash.hash(s, 53000, d, 53, FlowHash.UDP, false)).isEqualTo(0x66160a18);
    // any other protocol ignores its ports: the same as the sticky hash
    assertThat(FlowHash.hash(s, 53000, d, 53, 47, false)).isEqualTo(0xaf0ed7bf);
  }

  private static final Pattern CHECK =
      Pattern.compile(
          "^\\s+(\\S+):(\\d+) -> (\\S+):(\\d+)\\s+hash 0x([0-9a-f]+)\\s+bucket\\s+(\\d+)\\s+table AS"
              + " (\\S+)\\s+observed AS (\\S+) OK");

  /**
   * Every new flow a real VPP forwarded in the traffic scenario: the hash and bucket agree, and the
   * bucket of the Maglev table built from that VIP's captured legend names the AS VPP sent it to.
   */
  @Test
  void golden_everyCapturedFlowTakesTheAsVppChose() throws IOException {
    MaglevTableTest.Captured table = MaglevTableTest.parse("traffic_flow_table.txt").get(0);
    int[] buckets = MaglevTable.compute(table.length(), table.servers());
    String text;
    try (InputStream in =
        FlowHashTest.class.getResourceAsStream("/vpp-golden/traffic_flow_hash_check.txt")) {
      text = new String(Objects.requireNonNull(in).readAllBytes(), StandardCharsets.UTF_8);
    }
    List<String> checked = new ArrayList<>();
    for (String line : text.split("\n")) {
      Matcher m = CHECK.matcher(line);
      if (!m.find()) {
        continue;
      }
      int h =
          FlowHash.hash(
              InetAddress.getByName(m.group(1)),
              Integer.parseInt(m.group(2)),
              InetAddress.getByName(m.group(3)),
              Integer.parseInt(m.group(4)),
              FlowHash.TCP,
              false);
      assertThat(h).as(line).isEqualTo((int) Long.parseLong(m.group(5), 16));
      int b = FlowHash.bucket(h, table.length());
      assertThat(b).as(line).isEqualTo(Integer.parseInt(m.group(6)));
      Server as =
          table.servers().stream().filter(x -> x.index() == buckets[b]).findFirst().orElseThrow();
      assertThat(as.address()).as(line).isEqualTo(InetAddress.getByName(m.group(8)));
      checked.add(line);
    }
    assertThat(checked).hasSize(32);
  }

  @Test
  void badInput_isRefusedWithTheValueAndWhatWasExpected() throws IOException {
    InetAddress v4 = InetAddress.getByName("192.0.2.1");
    InetAddress v6 = InetAddress.getByName("2001:db8::1");
    assertThatThrownBy(() -> FlowHash.hash(v4, 1, v6, 80, FlowHash.TCP, false))
        .hasMessage("src 192.0.2.1, dst 2001:db8:0:0:0:0:0:1 (expected: both IPv4 or both IPv6)");
    assertThatThrownBy(() -> FlowHash.hash(v4, 65536, v4, 80, FlowHash.TCP, false))
        .hasMessage("srcPort: 65536 (expected: 0-65535)");
    assertThatThrownBy(() -> FlowHash.hash(v4, 1, v4, -1, FlowHash.TCP, false))
        .hasMessage("dstPort: -1 (expected: 0-65535)");
    assertThatThrownBy(() -> FlowHash.bucket(1, 1000))
        .hasMessage("length: 1000 (expected: a power of two)");
  }

  @Test
  void crc_isTheInstructionsStepFromZeroWithoutInversion() {
    // crc32c of eight zero bytes from 0 is 0: no initial or final inversion
    assertThat(FlowHash.crc(0, 0)).isZero();
    // java.util.zip.CRC32C (init and xor-out 0xffffffff) agrees once those are undone
    java.util.zip.CRC32C ref = new java.util.zip.CRC32C();
    byte[] bytes = {1, 2, 3, 4, 5, 6, 7, 8};
    ref.update(bytes);
    long word = MaglevTable.littleEndian(bytes, 0);
    assertThat(FlowHash.crc(0xffffffff, word) ^ 0xffffffff).isEqualTo((int) ref.getValue());
  }
}
