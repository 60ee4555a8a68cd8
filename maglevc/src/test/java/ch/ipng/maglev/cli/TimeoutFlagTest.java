package ch.ipng.maglev.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class TimeoutFlagTest {
  @Test
  void timeout_takesGoDurations() {
    assertThat(Main.parseTimeout("500ms")).isEqualTo(Duration.ofMillis(500));
    assertThat(Main.parseTimeout("1m30s")).isEqualTo(Duration.ofSeconds(90));
    assertThat(Main.parseTimeout("1h")).isEqualTo(Duration.ofHours(1));
    assertThat(Main.parseTimeout("1.5s")).isEqualTo(Duration.ofMillis(1500));
    assertThat(Main.parse(new String[] {"--timeout=2m15s", "show", "backends"}, Map.of()).timeout())
        .isEqualTo(Duration.ofSeconds(135));
  }

  @ParameterizedTest
  @ValueSource(strings = {"0s", "0", "-1s", "30", "soon", "9223372037s", "99999999999999999999h"})
  void timeout_refusesWhatIsNotAPositiveDuration_namingTheFlag(String v) {
    assertThatThrownBy(() -> Main.parseTimeout(v))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("--timeout=" + v + " (expected: a positive duration such as 500ms, 30s or 2m)");
  }
}
