package ch.ipng.maglev.config;

import ch.ipng.maglev.common.testing.Property;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The loader on arbitrary and mutated YAML throws nothing but ConfigException. */
class ConfigLoaderPropertyTest {
  private static final String YAML_CHARS = " \n\t-:?[]{},#&*!|>'\"%@`abcxyz019.";

  private static void parseExpectingOnlyConfigException(String text, ConfigLoader.Use use) {
    try {
      ConfigLoader.parse(text, "fuzz.yaml", use);
    } catch (ConfigException e) {
      // refused with the loader's own error: fine
    }
  }

  private static List<String> samples() throws IOException {
    Path root = Path.of(System.getProperty("maglev.projectRoot"));
    return List.of(
        Files.readString(root.resolve("debian/maglev.yaml")),
        ConfigLoaderTest.GOOD,
        "maglev:\n  vpp:\n    lb:\n      ipv4-src-address: 192.0.2.1\n"
            + "      ipv6-src-address: 2001:db8::1\n"
            + "a: &a [x, y]\nb: [*a, *a]\n");
  }

  @Test
  void parse_ofMutatedConfigs_throwsOnlyConfigException() throws IOException {
    List<String> samples = samples();
    Property.forAll(
        "config-mutated",
        3_000,
        r -> Property.mutate(r, samples.get(r.nextInt(samples.size()))),
        text -> {
          parseExpectingOnlyConfigException(text, ConfigLoader.Use.HEALTH_CHECKS_ONLY);
          parseExpectingOnlyConfigException(text, ConfigLoader.Use.PROGRAMS_VPP);
        });
  }

  @Test
  void parse_ofArbitraryYamlishText_throwsOnlyConfigException() {
    Property.forAll(
        "config-text",
        3_000,
        r -> "maglev:\n" + Property.text(r, YAML_CHARS, 200),
        text -> parseExpectingOnlyConfigException(text, ConfigLoader.Use.PROGRAMS_VPP));
  }
}
