package ch.ipng.maglev.config;

import static ch.ipng.maglev.config.Decoding.config;
import static ch.ipng.maglev.config.Decoding.errors;
import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class BackendDecoderTest {
  private static final String CHECKS = "maglev:\n  healthchecks:\n    t: { type: tcp, port: 80 }\n";

  @Test
  void descriptionAndEnabled_areRead() throws Exception {
    Backend b =
        config(
                CHECKS
                    + "  backends:\n"
                    + "    b: { address: 192.0.2.1, healthcheck: t, description: hi, enabled: false }\n")
            .backends()
            .get("b");
    assertThat(b.description()).isEqualTo("hi");
    assertThat(b.enabled()).isFalse();
  }

  @Test
  void missingAddressAndHealthcheck_areReportedAtTheBackend() {
    assertThat(errors(CHECKS + "  backends:\n    b: { description: hi }\n"))
        .containsExactly(
            "maglev.backends.b.address: missing (expected: an IPv4 or IPv6 address) (line 5,"
                + " column 5)",
            "maglev.backends.b.healthcheck: missing (expected: a health check name) (line 5,"
                + " column 5)");
  }

  @Test
  void emptyName_isRefused() {
    assertThat(errors(CHECKS + "  backends:\n    \"\": { address: 192.0.2.1, healthcheck: t }\n"))
        .containsExactly("maglev.backends.: empty name (line 5, column 5)");
  }

  @Test
  void enabledYes_isNotABoolean() {
    assertThat(
            errors(
                CHECKS
                    + "  backends:\n    b: { address: 192.0.2.1, healthcheck: t, enabled: yes }\n"))
        .containsExactly(
            "maglev.backends.b.enabled: expected true or false, got string \"yes\" (line 5,"
                + " column 55)");
  }
}
