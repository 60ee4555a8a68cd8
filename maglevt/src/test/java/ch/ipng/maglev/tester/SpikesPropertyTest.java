package ch.ipng.maglev.tester;

import static org.assertj.core.api.Assertions.assertThat;

import ch.ipng.maglev.common.testing.Property;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

/** The spike rule's promises over random windows. */
class SpikesPropertyTest {
  private record Case(long[] window, long latency) {
    @Override
    public String toString() {
      return "latency " + latency + " window " + Arrays.toString(window);
    }
  }

  @Test
  void aSpikeIsAboveTheFloorTheMedianAndEverySampleButOne() {
    Property.forAll(
        "spike rule",
        3000,
        r -> {
          int n = r.nextInt(120);
          long[] w = new long[n];
          for (int i = 0; i < n; i++) {
            w[i] = (long) (Math.exp(r.nextDouble() * 20) * 1000); // 1 us .. ~500 s
          }
          Arrays.sort(w);
          long latency = (long) (Math.exp(r.nextDouble() * 22) * 1000);
          return new Case(w, latency);
        },
        c -> {
          long[] w = c.window();
          long latency = c.latency();
          if (Spikes.isSpike(latency, w)) {
            assertThat(w.length).isGreaterThanOrEqualTo(Spikes.MIN_SAMPLES);
            assertThat(latency).isGreaterThanOrEqualTo(Spikes.FLOOR_NANOS);
            assertThat(latency).isGreaterThan(Spikes.FACTOR * Stats.percentile(w, 50));
            // above the p99: at most 1 % of the window (rounded up) is slower
            long slower = Arrays.stream(w).filter(x -> x >= latency).count();
            assertThat(slower).isLessThanOrEqualTo((long) Math.ceil(w.length / 100.0));
            // and a slower answer is a spike too
            assertThat(Spikes.isSpike(latency * 2, w)).isTrue();
          }
        });
  }
}
