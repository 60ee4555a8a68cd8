package ch.ipng.maglev.frontend;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class FlagsTest {
  @Test
  void duration_takesGoDurations() {
    assertThat(Flags.duration("--idle-timeout", "10s")).isEqualTo(Duration.ofSeconds(10));
    assertThat(Flags.duration("--idle-timeout", "1m30s")).isEqualTo(Duration.ofSeconds(90));
    assertThat(Flags.duration("--idle-timeout", "1.5h")).isEqualTo(Duration.ofMinutes(90));
    assertThat(Flags.duration("--header-timeout", " 250ms ")).isEqualTo(Duration.ofMillis(250));
  }

  @ParameterizedTest
  @ValueSource(strings = {"0s", "-1s", "10", "soon", "2562048h", "999999999h"})
  void duration_refusesWhatIsNotAPositiveDuration_namingTheFlag(String v) {
    assertThatThrownBy(() -> Flags.duration("--idle-timeout", v))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage(
            "--idle-timeout: \""
                + v
                + "\" (expected: a duration above 0 such as 500ms, 10s, 2m or 1h)");
  }
}
