package ch.ipng.maglev.frontend.http;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetAddress;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** The wait after failed logins, on a clock the test moves by hand. */
class LoginThrottleTest {
  /** A clock that stands still until told to move. */
  static final class ManualClock extends Clock {
    Instant now = Instant.parse("2026-01-01T00:00:00Z");

    void advance(Duration d) {
      now = now.plus(d);
    }

    @Override
    public ZoneId getZone() {
      return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(ZoneId zone) {
      return this;
    }

    @Override
    public Instant instant() {
      return now;
    }
  }

  final ManualClock clock = new ManualClock();
  final LoginThrottle throttle = new LoginThrottle(clock);
  final InetAddress a = InetAddress.getLoopbackAddress();

  static InetAddress address(int i) throws Exception {
    return InetAddress.getByAddress(new byte[] {10, (byte) (i >> 16), (byte) (i >> 8), (byte) i});
  }

  @Test
  void delay_isFreeForFourFailures_thenDoublesFromOneSecond_cappedAtOneMinute() {
    assertThat(LoginThrottle.delay(0)).isZero();
    assertThat(LoginThrottle.delay(4)).isZero();
    assertThat(LoginThrottle.delay(5)).isEqualTo(Duration.ofSeconds(1));
    assertThat(LoginThrottle.delay(6)).isEqualTo(Duration.ofSeconds(2));
    assertThat(LoginThrottle.delay(10)).isEqualTo(Duration.ofSeconds(32));
    assertThat(LoginThrottle.delay(11)).isEqualTo(Duration.ofSeconds(60));
    assertThat(LoginThrottle.delay(40)).isEqualTo(Duration.ofSeconds(60));
    assertThat(LoginThrottle.delay(Integer.MAX_VALUE)).isEqualTo(Duration.ofSeconds(60));
  }

  @Test
  void afterFiveFailures_theAddressWaits_andEachFurtherFailureDoublesIt() {
    for (int i = 1; i <= 4; i++) {
      assertThat(throttle.failed(a)).isEqualTo(i);
      assertThat(throttle.retryAfter(a)).isEmpty();
    }
    throttle.failed(a);
    assertThat(throttle.retryAfter(a)).hasValue(Duration.ofSeconds(1));
    clock.advance(Duration.ofMillis(400));
    assertThat(throttle.retryAfter(a)).hasValue(Duration.ofMillis(600));
    clock.advance(Duration.ofMillis(600));
    assertThat(throttle.retryAfter(a)).isEmpty();
    throttle.failed(a);
    assertThat(throttle.retryAfter(a)).hasValue(Duration.ofSeconds(2));
  }

  @Test
  void aSuccess_orFifteenQuietMinutes_clearTheAddress_andOthersAreNotAffected() throws Exception {
    for (int i = 0; i < 8; i++) {
      throttle.failed(a);
    }
    assertThat(throttle.retryAfter(address(1))).isEmpty();
    throttle.succeeded(a);
    assertThat(throttle.retryAfter(a)).isEmpty();
    for (int i = 0; i < 8; i++) {
      throttle.failed(a);
    }
    clock.advance(LoginThrottle.FORGET_AFTER);
    assertThat(throttle.retryAfter(a)).isEmpty();
    assertThat(throttle.failed(a)).isEqualTo(1);
  }

  @Test
  void atMostTenThousandAddressesAreRemembered_theOldestFailureLeavesFirst() throws Exception {
    for (int i = 0; i < LoginThrottle.MAX_ADDRESSES + 500; i++) {
      clock.advance(Duration.ofMillis(1));
      throttle.failed(address(i));
    }
    assertThat(throttle.addresses()).isEqualTo(LoginThrottle.MAX_ADDRESSES);
    assertThat(throttle.failed(address(0))).isEqualTo(1); // forgotten
    assertThat(throttle.failed(address(LoginThrottle.MAX_ADDRESSES + 499))).isEqualTo(2);
    assertThat(Optional.of(throttle.addresses())).hasValue(LoginThrottle.MAX_ADDRESSES);
  }

  @Test
  void ipv6ClientsAreCountedByTheirSlash64_ipv4ByTheirAddress() throws Exception {
    for (int i = 1; i <= 6; i++) {
      // a client rotating addresses inside its /64 does not get fresh free tries
      assertThat(throttle.failed(InetAddress.getByName("2001:db8:1:2::" + i))).isEqualTo(i);
    }
    assertThat(throttle.retryAfter(InetAddress.getByName("2001:db8:1:2:ffff::1"))).isPresent();
    assertThat(throttle.retryAfter(InetAddress.getByName("2001:db8:1:3::1"))).isEmpty();
    assertThat(throttle.failed(address(1))).isEqualTo(1);
    assertThat(throttle.failed(address(2))).isEqualTo(1);
  }
}
