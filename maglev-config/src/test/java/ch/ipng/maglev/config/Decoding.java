package ch.ipng.maglev.config;

import java.util.List;

/** Runs the loader on YAML text for the decoder tests and renders what it refuses. */
final class Decoding {
  private Decoding() {}

  static Config config(String yaml) throws ConfigException {
    return ConfigLoader.parse(yaml, "test.yaml");
  }

  /** Every error, as {@code maglevd --check} prints it; fails when the config is accepted. */
  static List<String> errors(String yaml) {
    return errors(yaml, ConfigLoader.Use.HEALTH_CHECKS_ONLY);
  }

  static List<String> errors(String yaml, ConfigLoader.Use use) {
    return exception(yaml, use).errors().stream().map(ConfigError::toString).toList();
  }

  static ConfigException exception(String yaml, ConfigLoader.Use use) {
    try {
      ConfigLoader.parse(yaml, "test.yaml", use);
    } catch (ConfigException e) {
      return e;
    }
    throw new AssertionError("expected the config to be refused:\n" + yaml);
  }
}
