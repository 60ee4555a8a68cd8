package ch.ipng.maglev.daemon.testing;

import ch.ipng.maglev.config.Config;
import ch.ipng.maglev.config.ConfigException;
import ch.ipng.maglev.config.ConfigLoader;
import ch.ipng.maglev.config.HealthCheck;

/** Builds configs for tests from YAML text, as operators write them. */
public final class Configs {
  private Configs() {}

  public static Config parse(String yaml) {
    try {
      return ConfigLoader.parse(yaml, "test.yaml");
    } catch (ConfigException e) {
      throw new IllegalArgumentException("test config refused:\n" + e.getMessage(), e);
    }
  }

  /** A single health check named "hc" from the YAML of its body (indented by 6). */
  public static HealthCheck check(String body) {
    String yaml =
        "maglev:\n  healthchecks:\n    hc:\n"
            + body.stripIndent().lines().map(l -> "      " + l).reduce("", (a, b) -> a + b + "\n");
    return parse(yaml).healthchecks().get("hc");
  }
}
