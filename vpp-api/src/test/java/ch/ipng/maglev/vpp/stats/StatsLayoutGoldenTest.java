package ch.ipng.maglev.vpp.stats;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ch.ipng.maglev.vpp.api.VppException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The reader parses the header, directory vector and entries exactly as a real VPP laid them out
 * (vpp-golden's stats_segment_layout_*.txt), rebuilt at their offsets in a buffer.
 */
class StatsLayoutGoldenTest {
  private static final Pattern OFFSET =
      Pattern.compile("directory_vector=0x\\p{XDigit}+ \\(offset 0x(\\p{XDigit}+)\\)");
  private static final Pattern ENTRY =
      Pattern.compile("entry (\\d+): type=(\\d+) value=0x(\\p{XDigit}+) name='([^']*)'");

  record Expected(int index, int type, long value, String name) {}

  @ParameterizedTest
  @ValueSource(strings = {"fresh_start", "after_api_scenario", "after_traffic"})
  void readsTheCapturedLayout(String which) throws IOException {
    String text;
    try (InputStream in =
        getClass().getResourceAsStream("/vpp-golden/stats_segment_layout_" + which + ".txt")) {
      text = new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
    List<String> hexLines = new ArrayList<>();
    List<Expected> expected = new ArrayList<>();
    StringBuilder entries = new StringBuilder();
    for (String line : text.split("\n")) {
      if (line.startsWith("hex: ")) {
        hexLines.add(line.substring(5).strip());
      } else if (line.startsWith("  0") && line.length() > 6) {
        entries.append(line.substring(6).replace(" ", ""));
      }
      Matcher m = ENTRY.matcher(line);
      if (m.find()) {
        expected.add(
            new Expected(
                Integer.parseInt(m.group(1)),
                Integer.parseInt(m.group(2)),
                Long.parseUnsignedLong(m.group(3), 16),
                m.group(4)));
      }
    }
    Matcher off = OFFSET.matcher(text);
    assertThat(off.find()).isTrue();
    int dir = Integer.parseInt(off.group(1), 16);
    byte[] header = HexFormat.of().parseHex(hexLines.get(0));
    byte[] vectorHeader = HexFormat.of().parseHex(hexLines.get(1));
    byte[] firstEntries = HexFormat.of().parseHex(entries.toString());
    int count = ByteBuffer.wrap(vectorHeader).order(ByteOrder.LITTLE_ENDIAN).getInt(0);

    ByteBuffer mem = ByteBuffer.allocate(dir + count * StatsSegment.ENTRY_SIZE + 4096);
    mem.put(0, header).put(dir - 8, vectorHeader).put(dir, firstEntries);
    StatsSegment segment = StatsSegment.of(mem);

    List<StatsSegment.Entry> directory = segment.consistent(StatsSegment::directory);
    assertThat(directory).hasSize(count);
    assertThat(expected).hasSize(8);
    for (Expected e : expected) {
      StatsSegment.Entry got = directory.get(e.index());
      assertThat(got.name()).isEqualTo(e.name());
      assertThat(got.type()).isEqualTo(e.type());
      assertThat(got.value()).isEqualTo(e.value());
    }
    assertThat(directory.get(0).name()).isEqualTo("/sys/heartbeat");
    StatsSegment.Entry used = directory.get(4);
    assertThat(used.type()).isEqualTo(StatsSegment.SYMLINK);
    assertThat(used.symlinkTarget()).isEqualTo(3);
    assertThat(used.symlinkElement()).isEqualTo(1);
    long boottime = segment.scalar("/sys/boottime");
    assertThat(boottime).isPositive();
  }

  @ParameterizedTest
  @ValueSource(longs = {1, 3})
  void anotherVersionIsRefusedWithTheNumber(long version) {
    ByteBuffer mem = ByteBuffer.allocate(4096).order(ByteOrder.LITTLE_ENDIAN).putLong(0, version);
    assertThatThrownBy(() -> StatsSegment.of(mem))
        .isInstanceOf(VppException.class)
        .hasMessageContaining("version " + version);
  }

  @ParameterizedTest
  @ValueSource(longs = {0, 0x10, 0x7fff_ffff_0000L})
  void aPointerOutsideTheSegmentIsAnErrorNotACrash(long directory) {
    ByteBuffer mem = ByteBuffer.allocate(4096).order(ByteOrder.LITTLE_ENDIAN);
    mem.putLong(0, 2).putLong(8, 0x1000).putLong(32, directory);
    StatsSegment segment = StatsSegment.of(mem);
    assertThatThrownBy(() -> segment.consistent(StatsSegment::directory))
        .isInstanceOf(VppException.class)
        .hasMessageContaining("kept changing");
  }
}
