package ch.ipng.maglev.daemon.probe;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class LoopLoadsTest {
  @Test
  void fillsTheFirstLoopBeforeTheNext() {
    LoopLoads l = new LoopLoads(2, 10);
    for (int i = 0; i < 10; i++) {
      assertThat(l.take(1)).isZero();
    }
    assertThat(l.take(1)).isEqualTo(1);
    assertThat(l.rate(0)).isEqualTo(10);
    assertThat(l.rate(1)).isEqualTo(1);
  }

  @Test
  void aRateThatDoesNotFitSkipsToALoopWithRoom() {
    LoopLoads l = new LoopLoads(3, 10);
    assertThat(l.take(8)).isZero();
    assertThat(l.take(5)).isEqualTo(1);
    assertThat(l.take(2)).isZero();
  }

  @Test
  void whenAllAreFull_theLeastLoadedTakesIt() {
    LoopLoads l = new LoopLoads(2, 10);
    assertThat(l.take(10)).isZero();
    assertThat(l.take(9)).isEqualTo(1);
    assertThat(l.take(5)).isEqualTo(1); // 9 < 10
    assertThat(l.take(5)).isZero(); // 10 < 14
    assertThat(l.rate(0)).isEqualTo(15);
    assertThat(l.rate(1)).isEqualTo(14);
  }

  @Test
  void releasedRoomIsUsedAgain_andNeverGoesNegative() {
    LoopLoads l = new LoopLoads(2, 10);
    assertThat(l.take(10)).isZero();
    assertThat(l.take(4)).isEqualTo(1);
    l.release(0, 6);
    assertThat(l.take(5)).isZero();
    l.release(1, 100);
    assertThat(l.rate(1)).isZero();
  }

  @Test
  void anAdjustedRate_staysOnItsLoop() {
    LoopLoads l = new LoopLoads(2, 10);
    assertThat(l.take(6)).isZero();
    l.adjust(0, 6, 2);
    assertThat(l.rate(0)).isEqualTo(2);
    assertThat(l.take(8)).isZero();
    l.adjust(1, 5, 3); // more than was there: never negative
    assertThat(l.rate(1)).isEqualTo(3);
  }

  @Test
  void aSingleLoopTakesEverything() {
    LoopLoads l = new LoopLoads(1, 1);
    assertThat(l.take(5)).isZero();
    assertThat(l.take(5)).isZero();
  }

  @Test
  void badArguments() {
    assertThatThrownBy(() -> new LoopLoads(0, 1)).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> new LoopLoads(1, 0)).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> new LoopLoads(1, Double.NaN))
        .isInstanceOf(IllegalArgumentException.class);
  }
}
