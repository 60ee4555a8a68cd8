package ch.ipng.maglev.tester;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;

/** The flags, with one dash or two, and their errors. */
class OptionsTest {
  @Test
  void defaultsAreTheOriginals() {
    Options o = Options.parse(new String[] {"--config", "a.yaml"});
    assertThat(o.interval()).isEqualTo(Duration.ofMillis(100));
    assertThat(o.timeout()).isEqualTo(Duration.ofSeconds(2));
    assertThat(o.uri()).isEqualTo("/.well-known/ipng/healthz");
    assertThat(o.header()).isEqualTo("X-IPng-Frontend");
    assertThat(o.insecure()).isTrue();
    assertThat(o.keepalive()).isFalse();
    assertThat(o.host()).isNull();
    assertThat(o.filter()).isNull();
    assertThat(o.scripted()).isFalse();
    assertThat(o.minOk()).isEqualTo(100.0);
  }

  @Test
  void oneDashOrTwoValuesAfterEqualsOrAsTheNextWord() {
    Options o =
        Options.parse(
            new String[] {
              "-config=a.yaml,b.yaml",
              "--config",
              "c.yaml",
              "-interval",
              "250ms",
              "--timeout=1s",
              "-host",
              "www.example.com",
              "-path",
              "/old",
              "--uri=/new",
              "-header",
              "X-Served-By",
              "-insecure=false",
              "--keepalive",
              "-filter",
              "^web",
              "--type",
              "dns=tcp",
              "--duration",
              "5s",
              "--json-probes",
              "--min-ok",
              "99.9%"
            });
    assertThat(o.configs()).containsExactly("a.yaml", "b.yaml", "c.yaml");
    assertThat(o.interval()).isEqualTo(Duration.ofMillis(250));
    assertThat(o.timeout()).isEqualTo(Duration.ofSeconds(1));
    assertThat(o.host()).isEqualTo("www.example.com");
    assertThat(o.uri()).isEqualTo("/new"); // --path is an alias: the last one wins
    assertThat(o.header()).isEqualTo("X-Served-By");
    assertThat(o.insecure()).isFalse();
    assertThat(o.keepalive()).isTrue();
    assertThat(o.filter().pattern()).isEqualTo("^web");
    assertThat(o.types()).containsEntry("dns", Kind.TCP);
    assertThat(o.duration()).isEqualTo(Duration.ofSeconds(5));
    assertThat(o.json()).isTrue();
    assertThat(o.jsonProbes()).isTrue();
    assertThat(o.minOk()).isEqualTo(99.9);
  }

  @Test
  void versionAndHelpNeedNoConfig() {
    assertThat(Options.parse(new String[] {"-version"}).mode()).isEqualTo("version");
    assertThat(Options.parse(new String[] {"--help"}).mode()).isEqualTo("help");
  }

  @Test
  void selfTestNeedsNoConfig_probesFiveSecondsUnlessTold_andRefusesAConfig() {
    Options o = Options.parse(new String[] {"--self-test"});
    assertThat(o.mode()).isEqualTo("self-test");
    assertThat(o.duration()).isEqualTo(Options.SELF_TEST_DURATION);
    assertThat(o.scripted()).isTrue();
    assertThat(Options.parse(new String[] {"-self-test", "--once", "--json"}).duration()).isNull();
    assertThat(Options.parse(new String[] {"--self-test", "--duration=2s"}).duration())
        .isEqualTo(java.time.Duration.ofSeconds(2));
    assertError(new String[] {"--self-test", "--config", "a"}, "it takes no --config");
    assertError(new String[] {"--self-test", "--filter", "^web"}, "it takes no --config, --filter");
    assertError(new String[] {"--self-test", "--type", "web=tcp"}, "--filter or --type");
    assertError(new String[] {"--self-test", "--once", "--duration", "1s"}, "exclude each other");
  }

  @Test
  void badInputIsNamedWithWhatWasExpected() {
    assertError(new String[] {}, "--config is required");
    assertError(new String[] {"--config"}, "--config needs a value");
    assertError(new String[] {"--config", "a,,b"}, "an empty file name");
    assertError(
        new String[] {"--config", "a", "--interval", "fast"}, "--interval fast: not a duration");
    assertError(new String[] {"--config", "a", "--timeout", "0s"}, "above 0");
    assertError(new String[] {"--config", "a", "--uri", "healthz"}, "starting with /");
    assertError(new String[] {"--config", "a", "--header", "X Bad"}, "an HTTP header name");
    assertError(new String[] {"--config", "a", "--filter", "("}, "not a regular expression");
    assertError(
        new String[] {"--config", "a", "--type", "web=udp"}, "expected: http, https or tcp");
    assertError(new String[] {"--config", "a", "--type", "web"}, "FRONTEND=http");
    assertError(new String[] {"--config", "a", "--min-ok", "101"}, "a percentage 0-100");
    assertError(new String[] {"--config", "a", "--keepalive=maybe"}, "expected: true or false");
    assertError(new String[] {"--config", "a", "--bogus"}, "unknown flag --bogus");
    assertError(new String[] {"--config", "a", "extra"}, "unexpected argument \"extra\"");
    assertError(new String[] {"--config", "a", "--json"}, "--json needs --once or --duration D");
    assertError(new String[] {"--config", "a", "--once", "--duration", "1s"}, "exclude each other");
  }

  private static void assertError(String[] args, String message) {
    assertThatThrownBy(() -> Options.parse(args))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining(message);
  }
}
