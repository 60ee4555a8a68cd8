package ch.ipng.maglev.config;

import static ch.ipng.maglev.config.Decoding.config;
import static ch.ipng.maglev.config.Decoding.errors;
import static ch.ipng.maglev.config.Decoding.exception;
import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** The top of the file: the one key maglev and its sections, before any section's rules. */
class ConfigLoaderStructureTest {
  @Test
  void emptyFile_isAParseError() {
    ConfigException e = exception("# nothing\n", ConfigLoader.Use.HEALTH_CHECKS_ONLY);
    assertThat(e.kind()).isEqualTo(ConfigException.Kind.PARSE);
    assertThat(e.getMessage()).isEqualTo("empty config (expected: a top-level key maglev)");
  }

  @Test
  void otherTopLevelKey_isUnknownAndMaglevMissing() {
    assertThat(errors("maglevd: {}\n"))
        .containsExactly(
            "maglevd: unknown key \"maglevd\" (expected one of: maglev) (line 1, column 1)",
            "maglev: missing top-level key maglev (line 1, column 1)");
  }

  @Test
  void emptyMaglev_isValidForHealthChecking() throws Exception {
    Config c = config("maglev:\n");
    assertThat(c.healthchecks()).isEmpty();
    assertThat(c.frontends()).isEmpty();
    assertThat(c.vppLb()).isEqualTo(VppLbSettings.defaults());
  }

  @Test
  void sectionsThatAreNotMappings_areParseErrors() {
    assertThat(errors("maglev:\n  healthchecks: []\n  backends: 1\n"))
        .containsExactly(
            "maglev.healthchecks: expected a mapping, got a list (line 2, column 17)",
            "maglev.backends: expected a mapping, got integer \"1\" (line 3, column 13)");
  }
}
