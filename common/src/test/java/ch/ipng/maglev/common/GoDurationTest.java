package ch.ipng.maglev.common;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class GoDurationTest {
  @ParameterizedTest
  @CsvSource({
    "2s, 2000000000",
    "500ms, 500000000",
    "1m30s, 90000000000",
    "1.5h, 5400000000000",
    "250us, 250000",
    "250µs, 250000",
    "10ns, 10",
    "0, 0",
    "-3s, -3000000000",
    "1h2m3.5s, 3723500000000"
  })
  void parse_acceptsGoSyntax(String text, long nanos) {
    assertThat(GoDuration.parse(text)).isEqualTo(Duration.ofNanos(nanos));
  }

  @ParameterizedTest
  @ValueSource(strings = {"", "2", "s", "2 s", "2sec", "1..5s", "-", "2s3"})
  void parse_rejectsOtherText(String text) {
    assertThatThrownBy(() -> GoDuration.parse(text))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("expected: a Go duration");
  }

  @ParameterizedTest
  @CsvSource({"2s", "500ms", "1m30s", "1h0m0s", "0s", "1.5s", "250µs"})
  void format_roundTrips(String text) {
    assertThat(GoDuration.format(GoDuration.parse(text))).isEqualTo(text);
  }

  @ParameterizedTest
  @ValueSource(strings = {"9223372037s", "2562048h", "106751992d", "99999999999999999999h"})
  void parse_rejectsWhatOverflowsOrIsNoUnit(String text) {
    assertThatThrownBy(() -> GoDuration.parse(text))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining(text);
  }

  @Test
  void parse_rejectsBeyondLongNanosAsTooLarge() {
    assertThat(GoDuration.parse("9223372036s")).isEqualTo(Duration.ofSeconds(9_223_372_036L));
    assertThatThrownBy(() -> GoDuration.parse("9223372037s"))
        .hasMessage("duration \"9223372037s\" is too large");
  }

  @Test
  void parse_cutsLongInputInItsMessage() {
    assertThatThrownBy(() -> GoDuration.parse("9".repeat(1000) + "x"))
        .hasMessageStartingWith("invalid duration \"" + "9".repeat(80) + "… (1001 characters)\"");
  }
}
