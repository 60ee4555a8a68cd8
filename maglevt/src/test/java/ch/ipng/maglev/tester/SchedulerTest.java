package ch.ipng.maglev.tester;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** The probe schedule's rules, on fixed times (nanoseconds). */
class SchedulerTest {
  static final long MS = 1_000_000L;
  static final long INTERVAL = 100 * MS;

  @Test
  void jitter_staysWithinTenPercentOfTheInterval() {
    assertThat(Scheduler.jittered(INTERVAL, 0.0)).isEqualTo(90 * MS);
    assertThat(Scheduler.jittered(INTERVAL, 0.5)).isEqualTo(100 * MS);
    assertThat(Scheduler.jittered(INTERVAL, 0.999_999)).isBetween(109 * MS, 110 * MS);
  }

  @Test
  void aProbeDoneBeforeTheNextSlot_keepsTheGrid() {
    // due at 1,000 ms, answered 3 ms later: the next is due 95 ms after the previous was due
    assertThat(Scheduler.nextDue(1_000 * MS, 95 * MS, 1_003 * MS, INTERVAL)).isEqualTo(1_095 * MS);
  }

  @Test
  void aProbeDoneAfterTheNextSlot_startsTheNextAtOnce_onTheSameGrid() {
    // the next slot was 1,095 ms; the answer came at 1,150 ms: due 1,095 (so it starts now, 55 ms
    // late, and that lateness is recorded), and the slot after it stays on the grid
    assertThat(Scheduler.nextDue(1_000 * MS, 95 * MS, 1_150 * MS, INTERVAL)).isEqualTo(1_095 * MS);
    assertThat(Scheduler.nextDue(1_000 * MS, 95 * MS, 1_194 * MS, INTERVAL)).isEqualTo(1_095 * MS);
  }

  @Test
  void aProbeDoneAWholeIntervalAfterTheNextSlot_startsTheGridOverFromNow() {
    // a 2 s timeout spans twenty slots: none of them is sent late, the grid starts at the answer
    assertThat(Scheduler.nextDue(1_000 * MS, 95 * MS, 1_195 * MS, INTERVAL)).isEqualTo(1_195 * MS);
    assertThat(Scheduler.nextDue(1_000 * MS, 95 * MS, 3_000 * MS, INTERVAL)).isEqualTo(3_000 * MS);
  }

  @Test
  void overAMinute_delaysShorterThanAnIntervalCostNoProbe() {
    // slots of 80 or 100 ms, every probe answered 30-99 ms after it was due (past the next slot
    // for the slow ones): every slot stays on the grid, so the minute holds all of them
    long due = 0;
    long jitterSum = 0;
    int slots = 0;
    while (due < 60_000 * MS) {
      slots++;
      long jitter = INTERVAL - 20 * MS * (slots % 2);
      long answered = due + (30 + (slots * 37) % 70) * MS;
      due = Scheduler.nextDue(due, jitter, answered, INTERVAL);
      jitterSum += jitter;
      assertThat(due).isEqualTo(jitterSum);
    }
    assertThat(slots).isEqualTo(667);
  }

  @Test
  void lateness_countsFromTheDueTime_orFromALaterAnswer() {
    // answered before the slot: lateness from the slot
    assertThat(Scheduler.lateFrom(1_095 * MS, 1_003 * MS)).isEqualTo(1_095 * MS);
    // answered 55 ms after the slot: the next starts at once, and is late only from the answer
    assertThat(Scheduler.lateFrom(1_095 * MS, 1_150 * MS)).isEqualTo(1_150 * MS);
  }
}
