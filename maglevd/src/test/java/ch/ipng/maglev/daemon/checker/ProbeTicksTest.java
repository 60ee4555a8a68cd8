package ch.ipng.maglev.daemon.checker;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** Probe starts share 10 ms ticks, so an event loop wakes once per tick (a pure rule). */
class ProbeTicksTest {
  static final long MS = 1_000_000;

  @Test
  void delaysOf100msOrMore_areRoundedUpToTheNextTick() {
    for (long now : new long[] {0, 1, 9 * MS + 999_999, 123_456_789_012L, -5 * MS - 3}) {
      for (long delay : new long[] {100 * MS, 300 * MS + 7, 2_000 * MS + 9_999_999}) {
        long due = BackendWorker.dueNanos(now, delay);
        assertThat(Math.floorMod(due, BackendWorker.TICK_NANOS)).isZero();
        assertThat(due).isBetween(now + delay, now + delay + BackendWorker.TICK_NANOS - 1);
      }
    }
  }

  @Test
  void aDueTimeOnATick_staysThere() {
    assertThat(BackendWorker.dueNanos(40 * MS, 200 * MS)).isEqualTo(240 * MS);
  }

  @Test
  void shortDelays_areNotRounded() {
    assertThat(BackendWorker.dueNanos(3 * MS + 1, 0)).isEqualTo(3 * MS + 1);
    assertThat(BackendWorker.dueNanos(3 * MS + 1, 99 * MS)).isEqualTo(102 * MS + 1);
  }
}
