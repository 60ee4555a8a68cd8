package ch.ipng.maglev.tester;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** The rolling window, the lifetime counts, LAST and the tally, with fixed times and latencies. */
class StatsTest {
  private static final long MS = 1_000_000L;

  private static Sample ok(long atMillis, long latencyMs, String header) {
    return new Sample(0, atMillis, latencyMs * MS, Outcome.OK, 200, header, "HTTP 200");
  }

  private static Sample failed(Outcome o) {
    return new Sample(0, 0, 2000 * MS, o, o == Outcome.HTTP_ERR ? 503 : 0, null, "x");
  }

  @Test
  void percentilesAreNearestRankOverTheWindowsSuccesses() {
    Stats s = new Stats();
    for (int i = 1; i <= 100; i++) {
      s.record(ok(i, i, "a"));
    }
    Stats.View v = s.view();
    assertThat(v.p50()).isEqualTo(50 * MS);
    assertThat(v.p95()).isEqualTo(95 * MS);
    assertThat(v.p99()).isEqualTo(99 * MS);
    assertThat(v.max()).isEqualTo(100 * MS);
    assertThat(v.okPct()).isEqualTo(100.0);
    assertThat(v.n()).isEqualTo(100);
  }

  @Test
  void theWindowHoldsTheLast100ProbesWhileNAndFailAreLifetime() {
    Stats s = new Stats();
    for (int i = 0; i < 50; i++) {
      s.record(failed(Outcome.TIMEOUT));
    }
    assertThat(s.view().okPct()).isEqualTo(0.0);
    assertThat(s.view().p50()).isEqualTo(-1);
    for (int i = 0; i < 75; i++) {
      s.record(ok(i, 1, "a"));
    }
    Stats.View v = s.view();
    assertThat(v.okPct()).isEqualTo(75.0); // 25 timeouts and 75 successes in the window
    assertThat(v.n()).isEqualTo(125);
    assertThat(v.fail()).isEqualTo(50);
    assertThat(v.timeouts()).isEqualTo(50);
    assertThat(v.lifetimeOkPct()).isEqualTo(60.0);
    for (int i = 0; i < 25; i++) {
      s.record(ok(i, 1, "a"));
    }
    assertThat(s.view().okPct()).isEqualTo(100.0);
    assertThat(s.view().fail()).isEqualTo(50);
  }

  @Test
  void lastIsTheStatusOpenOrTheErrorClass() {
    Stats s = new Stats();
    assertThat(s.view().last()).isEmpty();
    s.record(ok(1, 1, "a"));
    assertThat(s.view().last()).isEqualTo("200");
    assertThat(s.view().lastClass()).isEqualTo("ok");
    s.record(failed(Outcome.HTTP_ERR));
    assertThat(s.view().last()).isEqualTo("503");
    assertThat(s.view().lastClass()).isEqualTo("http-err");
    assertThat(s.record(failed(Outcome.NET_ERR))).isEqualTo("net-err");
    assertThat(s.view().last()).isEqualTo("net-err");
    assertThat(s.record(failed(Outcome.TIMEOUT))).isEqualTo("timeout");
    assertThat(s.view().last()).isEqualTo("timeout");
    s.record(new Sample(0, 1, MS, Outcome.OK, 0, null, "connected"));
    assertThat(s.view().last()).isEqualTo("open");
    assertThat(s.view().httpErrs()).isEqualTo(1);
    assertThat(s.view().netErrs()).isEqualTo(1);
  }

  @Test
  void theTallyCountsValuesInFirstSeenOrderWithTheirLastSeenTime() {
    Stats s = new Stats();
    s.record(ok(1000, 1, "b"));
    s.record(ok(2000, 1, "a"));
    s.record(ok(3000, 1, "b"));
    s.record(ok(4000, 1, Sample.NO_HEADER));
    s.record(failed(Outcome.NET_ERR)); // no response: not tallied
    assertThat(s.view().tally())
        .containsExactly(
            new Stats.Tally("b", 2, 3000),
            new Stats.Tally("a", 1, 2000),
            new Stats.Tally(Sample.NO_HEADER, 1, 4000));
  }

  @Test
  void aSpikeIsASuccessCountedOkAndNotAFailure() {
    Stats s = new Stats();
    for (int i = 0; i < 20; i++) {
      assertThat(s.record(ok(i, 2, "a"))).isNull();
    }
    assertThat(s.record(ok(21, 400, "a"))).isEqualTo("spike");
    Stats.View v = s.view();
    assertThat(v.spikes()).isEqualTo(1);
    assertThat(v.fail()).isZero();
    assertThat(v.okPct()).isEqualTo(100.0);
    assertThat(v.last()).isEqualTo("spike");
    assertThat(v.lastClass()).isEqualTo("spike");
  }
}
