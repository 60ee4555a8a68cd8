package ch.ipng.maglev.tester;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Arrays;
import org.junit.jupiter.api.Test;

/** The spike rule at its edges. */
class SpikesTest {
  private static final long MS = 1_000_000L;

  private static long[] window(long... ms) {
    long[] out = Arrays.stream(ms).map(m -> m * MS).toArray();
    Arrays.sort(out);
    return out;
  }

  private static long[] flat(int n, long ms) {
    long[] out = new long[n];
    Arrays.fill(out, ms * MS);
    return out;
  }

  @Test
  void needsTenSuccessesFirst() {
    assertThat(Spikes.isSpike(1000 * MS, flat(9, 1))).isFalse();
    assertThat(Spikes.isSpike(1000 * MS, flat(10, 1))).isTrue();
  }

  @Test
  void nothingUnderTheFiftyMillisecondFloorIsASpike() {
    assertThat(Spikes.isSpike(49 * MS, flat(50, 1))).isFalse();
    assertThat(Spikes.isSpike(50 * MS, flat(50, 1))).isTrue();
  }

  @Test
  void mustExceedFiveTimesTheMedian() {
    assertThat(Spikes.isSpike(100 * MS, flat(50, 20))).isFalse(); // exactly 5 x p50
    assertThat(Spikes.isSpike(100 * MS + 1, flat(50, 20))).isTrue();
  }

  @Test
  void mustExceedTheWindowsP99() {
    // a VIP that is often slow: p50 10 ms, but its p99 is 300 ms
    long[] w = new long[100];
    Arrays.fill(w, 10 * MS);
    for (int i = 97; i < 100; i++) {
      w[i] = 300 * MS;
    }
    long[] sorted = Arrays.copyOf(w, w.length);
    Arrays.sort(sorted);
    assertThat(Spikes.isSpike(300 * MS, sorted)).isFalse();
    assertThat(Spikes.isSpike(301 * MS, sorted)).isTrue();
    assertThat(Spikes.isSpike(200 * MS, window(10, 10, 10, 10, 10, 10, 10, 10, 10, 10))).isTrue();
  }
}
