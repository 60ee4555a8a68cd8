package ch.ipng.maglev.tester;

import static org.assertj.core.api.Assertions.assertThat;

import ch.ipng.maglev.config.Config;
import ch.ipng.maglev.config.ConfigLoader;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** Frontends unioned across configs, de-duplicated, filtered and classed. */
class TargetsTest {
  private static Config config(String frontends) throws Exception {
    return ConfigLoader.parse(
        """
        maglev:
          healthchecks:
            http: { type: http, port: 8080 }
            https: { type: https, port: 8443 }
            tcp: { type: tcp, port: 25 }
          backends:
            a: { address: 127.0.0.11, healthcheck: http }
            b: { address: 127.0.0.12, healthcheck: https }
            c: { address: 127.0.0.13, healthcheck: tcp }
          frontends:
        """
            + frontends.indent(4),
        "test.yaml");
  }

  private static String frontend(String name, String addr, String proto, int port, String be) {
    return name
        + ": { address: \""
        + addr
        + "\""
        + (proto.equals("any") ? "" : ", protocol: " + proto)
        + ", port: "
        + port
        + ", pools: [ { name: p, backends: { "
        + be
        + ": {} } } ] }\n";
  }

  @Test
  void classedByPortThenByTheBackendsHealthChecks() throws Exception {
    Config c =
        config(
            frontend("web443", "127.0.0.1", "tcp", 443, "c")
                + frontend("web80", "127.0.0.1", "tcp", 80, "b")
                + frontend("viaHttp", "127.0.0.1", "tcp", 8080, "a")
                + frontend("viaHttps", "127.0.0.1", "tcp", 8443, "b")
                + frontend("smtp", "127.0.0.1", "tcp", 25, "c"));
    Targets t = Targets.of(List.of(c), null, Map.of());
    assertThat(t.targets())
        .extracting(Target::name, Target::kind)
        .containsExactly(
            org.assertj.core.groups.Tuple.tuple("web443", Kind.HTTPS),
            org.assertj.core.groups.Tuple.tuple("web80", Kind.HTTP),
            org.assertj.core.groups.Tuple.tuple("viaHttp", Kind.HTTP),
            org.assertj.core.groups.Tuple.tuple("viaHttps", Kind.HTTPS),
            org.assertj.core.groups.Tuple.tuple("smtp", Kind.TCP));
  }

  @Test
  void theTypeFlagOverridesTheClass() throws Exception {
    Config c = config(frontend("smtp", "127.0.0.1", "tcp", 25, "c"));
    Targets t = Targets.of(List.of(c), null, Map.of("smtp", Kind.HTTP));
    assertThat(t.targets().get(0).kind()).isEqualTo(Kind.HTTP);
  }

  @Test
  void unionedAcrossConfigsAndDeduplicatedByAddressProtocolAndPort() throws Exception {
    Config one =
        config(
            frontend("web", "127.0.0.1", "tcp", 80, "a")
                + frontend("web-alt", "127.0.0.1", "tcp", 8080, "a"));
    Config two =
        config(
            frontend("web-again", "127.0.0.1", "tcp", 80, "a") // same VIP as web: dropped
                + frontend("web-udp", "127.0.0.1", "udp", 80, "a") // another protocol: not a dup
                + frontend("web2", "127.0.0.2", "tcp", 80, "a"));
    Targets t = Targets.of(List.of(one, two), null, Map.of());
    assertThat(t.targets()).extracting(Target::name).containsExactly("web", "web-alt", "web2");
    assertThat(t.skipped()).containsExactly("web-udp: a udp frontend (maglevt probes over TCP)");
  }

  @Test
  void filteredByNameAndUdpOrAllPortsSkippedWithAReason() throws Exception {
    Config c =
        config(
            frontend("web", "127.0.0.1", "tcp", 80, "a")
                + frontend("dns", "127.0.0.1", "udp", 53, "c")
                + frontend("all", "127.0.0.2", "any", 0, "c"));
    Targets all = Targets.of(List.of(c), null, Map.of());
    assertThat(all.targets()).extracting(Target::name).containsExactly("web");
    assertThat(all.skipped())
        .containsExactly(
            "dns: a udp frontend (maglevt probes over TCP)",
            "all: port 0 (all ports): no port to probe");
    Targets filtered = Targets.of(List.of(c), Pattern.compile("^w"), Map.of());
    assertThat(filtered.targets()).extracting(Target::name).containsExactly("web");
    assertThat(filtered.skipped()).isEmpty();
  }

  @Test
  void theHostHeaderIsTheLiteralWithANonDefaultPort() throws Exception {
    Config c =
        config(
            frontend("web", "127.0.0.1", "tcp", 80, "a")
                + frontend("alt", "::1", "tcp", 8080, "a"));
    List<Target> t = Targets.of(List.of(c), null, Map.of()).targets();
    assertThat(t.get(0).defaultHost()).isEqualTo("127.0.0.1");
    assertThat(t.get(1).defaultHost()).isEqualTo("[::1]:8080");
    assertThat(t.get(1).endpoint()).isEqualTo("[::1]:8080");
  }
}
