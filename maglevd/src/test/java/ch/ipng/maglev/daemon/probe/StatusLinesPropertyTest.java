package ch.ipng.maglev.daemon.probe;

import static org.assertj.core.api.Assertions.assertThat;

import ch.ipng.maglev.common.testing.Property;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** The probe's status-line parser on arbitrary and mutated lines: a code or -1, never a throw. */
class StatusLinesPropertyTest {
  private static final String[] SAMPLES = {
    "HTTP/1.1 200 OK", "HTTP/1.0 404 Not Found", "HTTP/1.1 503", "HTTP/1.1 302 Found\r"
  };

  @Test
  void parse_ofAnyLine_isAValidCodeOrMinusOne() {
    Property.forAll(
        "status-line",
        5_000,
        r ->
            r.nextBoolean()
                ? Property.mutate(r, SAMPLES[r.nextInt(SAMPLES.length)])
                : new String(Property.bytes(r, 40), StandardCharsets.ISO_8859_1),
        line -> {
          int code = StatusLines.parse(line);
          assertThat(code == -1 || (code >= 100 && code <= 999)).as("code %s", code).isTrue();
          if (code >= 0) {
            assertThat(line).startsWith("HTTP/1.");
            assertThat(line.substring(9, 12)).isEqualTo(Integer.toString(code));
          }
          String detail = StatusLines.detail(code);
          assertThat(detail).isNotNull();
          String p = StatusLines.printable(line);
          assertThat(p.length()).isLessThanOrEqualTo(83);
          assertThat(p.chars().allMatch(c -> c >= 0x20 && c <= 0x7e)).isTrue();
        });
  }
}
