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
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

class MaglevTableTest {
  private static final Pattern VIP =
      Pattern.compile(
          "^VIP index (\\d+)\\s+prefix (\\S+)\\s+protocol \\d+\\s+port \\d+\\s+flags \\S+\\s+table_size (\\d+)");
  private static final Pattern LEGEND =
      Pattern.compile("^\\s+(\\d+): (\\S+) weight (\\d+) flags 0x([0-9a-f]+)");
  private static final Pattern ROW = Pattern.compile("^\\s+(\\d+):((?:\\s+\\d+)+)\\s*$");

  /** One captured table: where it came from, the servers of its legend, and its buckets. */
  record Captured(String name, int length, List<Server> servers, int[] buckets) {
    @Override
    public String toString() {
      return name;
    }
  }

  static List<Captured> parse(String resource) throws IOException {
    String text;
    try (InputStream in = MaglevTableTest.class.getResourceAsStream("/vpp-golden/" + resource)) {
      text =
          new String(Objects.requireNonNull(in, resource).readAllBytes(), StandardCharsets.UTF_8);
    }
    List<Captured> out = new ArrayList<>();
    String step = "";
    String vip = null;
    int length = 0;
    List<Server> servers = null;
    int[] buckets = null;
    for (String line : text.split("\n")) {
      if (line.startsWith("======== FLOW TABLES after")) {
        step = line.replace("=", "").trim();
        continue;
      }
      Matcher m = VIP.matcher(line);
      if (m.find()) {
        if (vip != null) {
          out.add(new Captured(vip, length, servers, buckets));
        }
        vip = resource + " " + step + " VIP " + m.group(1) + " " + m.group(2);
        length = Integer.parseInt(m.group(3));
        servers = new ArrayList<>();
        buckets = new int[length];
        continue;
      }
      m = LEGEND.matcher(line);
      if (m.find() && servers != null) {
        servers.add(
            new Server(
                Integer.parseInt(m.group(1)),
                InetAddress.getByName(m.group(2)),
                Integer.parseInt(m.group(3)),
                (Integer.parseInt(m.group(4), 16) & 1) != 0));
        continue;
      }
      m = ROW.matcher(line);
      if (m.find() && buckets != null) {
        int off = Integer.parseInt(m.group(1));
        String[] values = m.group(2).trim().split("\\s+");
        for (int i = 0; i < values.length; i++) {
          buckets[off + i] = Integer.parseInt(values[i]);
        }
      }
    }
    if (vip != null) {
      out.add(new Captured(vip, length, servers, buckets));
    }
    return out;
  }

  static Stream<Captured> captured() throws IOException {
    return Stream.concat(
        parse("cli_flow_tables.txt").stream(), parse("traffic_flow_table.txt").stream());
  }

  @Test
  void golden_holdsEveryTable() throws IOException {
    // 19 tables in the CLI scenario (steps 02-09 and 11) and one from the traffic scenario.
    assertThat(parse("cli_flow_tables.txt")).hasSize(19);
    assertThat(parse("traffic_flow_table.txt")).hasSize(1);
    assertThat(captured().filter(c -> !c.servers().isEmpty())).isNotEmpty();
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("captured")
  void reproducesTheCapturedTable_bucketForBucket(Captured c) {
    assertThat(MaglevTable.compute(c.length(), c.servers())).containsExactly(c.buckets());
  }

  @Test
  void xxhash_referenceValues() {
    assertThat(MaglevTable.xxhash(0)).isEqualTo(0x6f06f901bfa27892L);
    assertThat(MaglevTable.xxhash(1)).isEqualTo(0x4a67795370639ba2L);
  }

  @Test
  void seed_ofAnIpv4Server() throws Exception {
    byte[] ip46 = MaglevTable.ip46(InetAddress.getByName("10.0.0.1"));
    assertThat(MaglevTable.littleEndian(ip46, 0)).isZero();
    assertThat(MaglevTable.littleEndian(ip46, 8)).isEqualTo(0x0100000a00000000L);
    long a = MaglevTable.littleEndian(ip46, 0) ^ MaglevTable.littleEndian(ip46, 8);
    assertThat(MaglevTable.xxhash(a ^ 0)).isEqualTo(0xbc30f861da483441L);
    assertThat(MaglevTable.xxhash(a ^ 1)).isEqualTo(0x815b2f24a0f52138L);
  }

  @Test
  void smallTables_matchTheReferenceExamples() throws Exception {
    Server a = new Server(1, InetAddress.getByName("10.0.0.1"), 1, true);
    Server b = new Server(2, InetAddress.getByName("10.0.0.2"), 1, true);
    assertThat(MaglevTable.compute(16, List.of(a, b)))
        .containsExactly(2, 1, 1, 1, 1, 1, 1, 1, 1, 2, 2, 2, 2, 2, 2, 2);
    List<Server> three =
        List.of(
            new Server(1, InetAddress.getByName("10.0.0.1"), 100, true),
            new Server(2, InetAddress.getByName("10.0.0.2"), 100, true),
            new Server(3, InetAddress.getByName("10.0.0.3"), 100, true));
    assertThat(MaglevTable.compute(16, three))
        .containsExactly(2, 1, 1, 1, 1, 2, 2, 2, 2, 3, 3, 3, 1, 1, 3, 3);
  }

  @Test
  void counts_followWeights_andOrderDoesNotMatter() throws Exception {
    List<Server> servers = new ArrayList<>();
    int[] weights = {50, 100, 100, 100};
    for (int i = 0; i < 4; i++) {
      servers.add(new Server(i + 1, InetAddress.getByName("10.0.0." + (i + 1)), weights[i], true));
    }
    int[] t = MaglevTable.compute(1024, servers);
    assertThat(MaglevTable.counts(t, 4)).containsExactly(0, 150, 292, 291, 291);
    List<Server> reversed = new ArrayList<>(servers);
    java.util.Collections.reverse(reversed);
    assertThat(MaglevTable.compute(1024, reversed)).containsExactly(t);
  }

  @Test
  void noActiveServer_dropsEverything_andBadInputIsRefused() throws Exception {
    Server inactive = new Server(1, InetAddress.getByName("10.0.0.1"), 100, false);
    Server zero = new Server(2, InetAddress.getByName("10.0.0.2"), 0, true);
    assertThat(MaglevTable.compute(8, List.of(inactive, zero))).containsOnly(0);
    assertThatThrownBy(() -> MaglevTable.compute(1000, List.of()))
        .hasMessage("length: 1000 (expected: a power of two)");
    assertThatThrownBy(() -> new Server(1, InetAddress.getByName("10.0.0.1"), 256, true))
        .hasMessage("weight: 256 (expected: 0-255)");
  }
}
