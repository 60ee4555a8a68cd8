package ch.ipng.maglev.vpp.stats;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** Counter vectors with two threads, laid out as VPP lays them out, summed over threads. */
class StatsCountersTest {
  private static final long BASE = 0x7f00_0000_0000L;
  private final ByteBuffer mem = ByteBuffer.allocate(1 << 16).order(ByteOrder.LITTLE_ENDIAN);
  private int next = 4096;

  /** A vector with its 8-byte header; returns the data offset. */
  private int vector(int n, int elementSize) {
    int data = next + 8;
    mem.putInt(data - 8, n);
    next = data + n * elementSize + 8;
    return data;
  }

  private void entry(int dir, int i, int type, String name, long value) {
    int e = dir + i * StatsSegment.ENTRY_SIZE;
    mem.putInt(e, type).putLong(e + 8, value).put(e + 16, name.getBytes(StandardCharsets.UTF_8));
  }

  @Test
  void simpleAndCombinedCountersAreSummedOverThreads() {
    // simple: thread 0 = {1, 2, 3}, thread 1 = {10, 20}
    int s0 = vector(3, 8);
    mem.putLong(s0, 1).putLong(s0 + 8, 2).putLong(s0 + 16, 3);
    int s1 = vector(2, 8);
    mem.putLong(s1, 10).putLong(s1 + 8, 20);
    int simpleThreads = vector(2, 8);
    mem.putLong(simpleThreads, BASE + s0).putLong(simpleThreads + 8, BASE + s1);
    // combined: thread 0 = {(1 pkt, 100 B)}, thread 1 = {(2, 200), (5, 500)}
    int c0 = vector(1, 16);
    mem.putLong(c0, 1).putLong(c0 + 8, 100);
    int c1 = vector(2, 16);
    mem.putLong(c1, 2).putLong(c1 + 8, 200).putLong(c1 + 16, 5).putLong(c1 + 24, 500);
    int combinedThreads = vector(2, 8);
    mem.putLong(combinedThreads, BASE + c0).putLong(combinedThreads + 8, BASE + c1);

    int dir = vector(4, StatsSegment.ENTRY_SIZE);
    entry(dir, 0, StatsSegment.COUNTER_VECTOR_SIMPLE, "no server configured", BASE + simpleThreads);
    entry(dir, 1, StatsSegment.COUNTER_VECTOR_COMBINED, "/interfaces/rx", BASE + combinedThreads);
    entry(dir, 2, StatsSegment.SYMLINK, "/err/x/y", (1L << 32) | 0);
    entry(dir, 3, StatsSegment.GAUGE, "/sys/vector_rate", 7);
    mem.putLong(0, 2).putLong(8, BASE).putLong(16, 1).putLong(24, 0).putLong(32, BASE + dir);

    StatsSegment s = StatsSegment.of(mem);
    long[] simple = s.consistent(x -> x.simpleCounterTotals(x.entry("no server configured")));
    assertThat(simple).containsExactly(11, 22, 3);
    StatsSegment.Combined[] combined =
        s.consistent(x -> x.combinedCounterTotals(x.entry("/interfaces/rx")));
    assertThat(combined)
        .containsExactly(new StatsSegment.Combined(3, 300), new StatsSegment.Combined(5, 500));
    assertThat(s.scalar("/err/x/y")).isEqualTo(22);
    assertThat(s.scalar("/sys/vector_rate")).isEqualTo(7);
    assertThat(s.scalar("/no/such")).isEqualTo(-1);
    assertThat(s.lbVipCounters()[3]).containsExactly(11, 22, 3);
  }
}
