package ch.ipng.maglev.daemon.grpc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class WatchLimitsTest {
  @Test
  void theTotalLimit_refusesTheNextStream_fromAnyAddress() {
    WatchLimits l = new WatchLimits(3, 2);
    assertThat(l.acquire("10.0.0.1")).isEmpty();
    assertThat(l.acquire("10.0.0.2")).isEmpty();
    assertThat(l.acquire("10.0.0.3")).isEmpty();
    var refusal = l.acquire("10.0.0.4").orElseThrow();
    assertThat(refusal.reason()).isEqualTo(WatchLimits.Reason.TOTAL);
    assertThat(refusal.message())
        .isEqualTo("too many event streams: 3 open, the limit (--watch-streams-max) is 3");
    l.release("10.0.0.2");
    assertThat(l.acquire("10.0.0.4")).isEmpty();
  }

  @Test
  void thePerAddressLimit_refusesOneClient_andLeavesOthersAlone() {
    WatchLimits l = new WatchLimits(10, 2);
    assertThat(l.acquire("192.0.2.7")).isEmpty();
    assertThat(l.acquire("192.0.2.7")).isEmpty();
    var refusal = l.acquire("192.0.2.7").orElseThrow();
    assertThat(refusal.reason()).isEqualTo(WatchLimits.Reason.PER_ADDRESS);
    assertThat(refusal.reason().label).isEqualTo("limit-address");
    assertThat(refusal.message())
        .isEqualTo(
            "too many event streams from 192.0.2.7: 2 open, the limit"
                + " (--watch-streams-per-address) is 2");
    assertThat(l.acquire("192.0.2.8")).isEmpty();
    assertThat(l.open()).isEqualTo(3);
  }

  @Test
  void releasingEverything_forgetsTheAddresses() {
    WatchLimits l = new WatchLimits(10, 5);
    for (int i = 0; i < 5; i++) {
      l.acquire("a" + i);
      l.acquire("a" + i);
    }
    for (int i = 0; i < 5; i++) {
      l.release("a" + i);
      l.release("a" + i);
    }
    assertThat(l.open()).isZero();
    assertThat(l.addresses()).isZero();
    assertThatThrownBy(() -> l.release("a0")).isInstanceOf(IllegalStateException.class);
  }

  @Test
  void limitsBelowOne_areRefused() {
    assertThatThrownBy(() -> new MaglevService.WatchSettings(0, 1, 1))
        .hasMessage("--watch-streams-max: 0 (expected: >= 1)");
    assertThatThrownBy(() -> new MaglevService.WatchSettings(1, 1, -5))
        .hasMessage("--watch-queue: -5 (expected: >= 1)");
  }
}
