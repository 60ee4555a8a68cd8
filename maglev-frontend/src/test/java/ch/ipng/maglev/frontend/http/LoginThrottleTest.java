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
  void addressDelay_isFreeForNineteenFailures_thenDoublesFromOneSecond() {
    assertThat(LoginThrottle.addressDelay(19)).isZero();
    assertThat(LoginThrottle.addressDelay(20)).isEqualTo(Duration.ofSeconds(1));
    assertThat(LoginThrottle.addressDelay(21)).isEqualTo(Duration.ofSeconds(2));
    assertThat(LoginThrottle.addressDelay(Integer.MAX_VALUE)).isEqualTo(Duration.ofSeconds(60));
  }

  @Test
  void afterFiveFailuresAtAName_theAddressWaitsForIt_andEachFurtherFailureDoublesIt() {
    for (int i = 1; i <= 4; i++) {
      assertThat(throttle.failed(a, "ops")).isEqualTo(i);
      assertThat(throttle.retryAfter(a, "ops")).isEmpty();
    }
    throttle.failed(a, "ops");
    assertThat(throttle.retryAfter(a, "ops")).hasValue(Duration.ofSeconds(1));
    // another name from the same address is not held up by these (until the address's own cap)
    assertThat(throttle.retryAfter(a, "vera")).isEmpty();
    clock.advance(Duration.ofMillis(400));
    assertThat(throttle.retryAfter(a, "ops")).hasValue(Duration.ofMillis(600));
    clock.advance(Duration.ofMillis(600));
    assertThat(throttle.retryAfter(a, "ops")).isEmpty();
    throttle.failed(a, "ops");
    assertThat(throttle.retryAfter(a, "ops")).hasValue(Duration.ofSeconds(2));
  }

  @Test
  void aSuccess_clearsOnlyItsOwnName_soOnesOwnLoginBuysNoGuessesAtAnother() {
    for (int round = 0; round < 3; round++) {
      for (int i = 0; i < 4; i++) {
        if (throttle.retryAfter(a, "admin").isEmpty()) {
          throttle.failed(a, "admin");
        }
      }
      throttle.succeeded(a, "mallory");
    }
    assertThat(throttle.retryAfter(a, "admin")).isPresent();
    assertThat(throttle.retryAfter(a, "mallory")).isEmpty();
    throttle.succeeded(a, "admin");
    assertThat(throttle.retryAfter(a, "admin")).isEmpty();
  }

  @Test
  void cyclingThroughNames_reachesTheAddressCap_andThenEveryNameWaits() throws Exception {
    for (int i = 0; i < LoginThrottle.ADDRESS_FREE_FAILURES - 1; i++) {
      throttle.failed(a, "user" + i);
      throttle.succeeded(a, "user" + i); // a success does not clear the address's count
      assertThat(throttle.retryAfter(a, "fresh")).as("failure %s", i + 1).isEmpty();
    }
    throttle.failed(a, "user-last");
    assertThat(throttle.retryAfter(a, "fresh")).hasValue(Duration.ofSeconds(1));
    assertThat(throttle.retryAfter(a, "")).hasValue(Duration.ofSeconds(1));
    assertThat(throttle.reserve(a, "fresh")).hasValue(Duration.ofSeconds(1));
    assertThat(throttle.retryAfter(address(1), "fresh")).isEmpty();
    clock.advance(Duration.ofSeconds(1));
    throttle.failed(a, "another");
    assertThat(throttle.retryAfter(a, "fresh")).hasValue(Duration.ofSeconds(2));
  }

  @Test
  void fifteenQuietMinutes_forgetTheFailures_andOthersAreNotAffected() throws Exception {
    for (int i = 0; i < 8; i++) {
      throttle.failed(a, "ops");
    }
    assertThat(throttle.retryAfter(address(1), "ops")).isEmpty();
    clock.advance(LoginThrottle.FORGET_AFTER);
    assertThat(throttle.retryAfter(a, "ops")).isEmpty();
    assertThat(throttle.failed(a, "ops")).isEqualTo(1);
  }

  @Test
  void aCheck_isReservedWithTheThrottleInOneStep_oneAtATimePerAddress() throws Exception {
    assertThat(throttle.reserve(a, "ops")).isEmpty();
    assertThat(throttle.pending(a)).isTrue();
    // a second try from the address while the first is checked: wait a second, nothing reserved
    assertThat(throttle.reserve(a, "ops")).hasValue(LoginThrottle.PENDING_WAIT);
    assertThat(throttle.reserve(a, "vera")).hasValue(LoginThrottle.PENDING_WAIT);
    assertThat(throttle.reserve(address(1), "ops")).isEmpty();
    assertThat(throttle.resolved(a, "ops", false)).isEqualTo(1);
    assertThat(throttle.pending(a)).isFalse();
    // a reservation that could not be queued counts nothing
    assertThat(throttle.reserve(a, "ops")).isEmpty();
    throttle.released(a);
    assertThat(throttle.pending(a)).isFalse();
    for (int i = 2; i <= 5; i++) {
      assertThat(throttle.reserve(a, "ops")).isEmpty();
      assertThat(throttle.resolved(a, "ops", false)).isEqualTo(i);
    }
    assertThat(throttle.reserve(a, "ops")).hasValue(Duration.ofSeconds(1));
    assertThat(throttle.pending(a)).isFalse();
    clock.advance(Duration.ofSeconds(1));
    assertThat(throttle.reserve(a, "ops")).isEmpty();
    assertThat(throttle.resolved(a, "ops", true)).isZero();
    assertThat(throttle.retryAfter(a, "ops")).isEmpty();
    assertThat(throttle.pending(address(1))).isTrue();
  }

  @Test
  void atMostTenThousandAddressesAndNames_areRemembered_theOldestFailureLeavesFirst()
      throws Exception {
    for (int i = 0; i < LoginThrottle.MAX_ENTRIES + 500; i++) {
      clock.advance(Duration.ofMillis(1));
      throttle.failed(address(i), "ops");
    }
    assertThat(throttle.addresses()).isEqualTo(LoginThrottle.MAX_ENTRIES);
    assertThat(throttle.claims()).isEqualTo(LoginThrottle.MAX_ENTRIES);
    assertThat(throttle.failed(address(0), "ops")).isEqualTo(1); // forgotten
    assertThat(throttle.failed(address(LoginThrottle.MAX_ENTRIES + 499), "ops")).isEqualTo(2);
    assertThat(Optional.of(throttle.addresses())).hasValue(LoginThrottle.MAX_ENTRIES);
    for (int i = 0; i < LoginThrottle.MAX_ENTRIES + 10; i++) {
      throttle.failed(a, "name" + i);
    }
    assertThat(throttle.claims()).isEqualTo(LoginThrottle.MAX_ENTRIES);
  }

  @Test
  void aLongClaimedName_isKeptAsItsHash_andStillCounted() {
    String longName = "x".repeat(100_000);
    for (int i = 0; i < LoginThrottle.FREE_FAILURES; i++) {
      throttle.failed(a, longName);
    }
    assertThat(throttle.retryAfter(a, longName)).isPresent();
    assertThat(throttle.retryAfter(a, longName + "y")).isEmpty();
  }

  @Test
  void ipv6ClientsAreCountedByTheirSlash64_ipv4ByTheirAddress() throws Exception {
    for (int i = 1; i <= 6; i++) {
      // a client rotating addresses inside its /64 does not get fresh free tries
      assertThat(throttle.failed(InetAddress.getByName("2001:db8:1:2::" + i), "ops")).isEqualTo(i);
    }
    assertThat(throttle.retryAfter(InetAddress.getByName("2001:db8:1:2:ffff::1"), "ops"))
        .isPresent();
    assertThat(throttle.retryAfter(InetAddress.getByName("2001:db8:1:3::1"), "ops")).isEmpty();
    assertThat(throttle.reserve(InetAddress.getByName("2001:db8:1:3::1"), "ops")).isEmpty();
    assertThat(throttle.reserve(InetAddress.getByName("2001:db8:1:3::2"), "ops"))
        .hasValue(LoginThrottle.PENDING_WAIT);
    assertThat(throttle.failed(address(1), "ops")).isEqualTo(1);
    assertThat(throttle.failed(address(2), "ops")).isEqualTo(1);
  }
}
