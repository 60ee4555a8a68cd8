package ch.ipng.maglev.config;

import static ch.ipng.maglev.config.Decoding.config;
import static ch.ipng.maglev.config.Decoding.errors;
import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** The frontend decoder and its pools; the rules across frontends are in ConfigLoaderTest. */
class FrontendDecoderTest {
  /** Lines 1-6: one check, backends a and b (IPv4, distinct) and c (same address as a). */
  private static final String BASE =
      """
      maglev:
        healthchecks: { t: { type: tcp, port: 80 } }
        backends:
          a: { address: 192.0.2.1, healthcheck: t }
          b: { address: 192.0.2.2, healthcheck: t }
          c: { address: 192.0.2.1, healthcheck: t }
        frontends:
      """;

  /** A config with one frontend "f" of this body (from line 8 on). */
  private static String frontend(String body) {
    return BASE + "    f:\n" + body.indent(6);
  }

  @Test
  void flagsAndDescription_areRead() throws Exception {
    Frontend f =
        config(
                frontend(
                    """
                    address: 198.51.100.1
                    description: web
                    src-ip-sticky: true
                    flush-on-down: false
                    pools: [ { name: p, backends: { a: { weight: 0 } } } ]
                    """))
            .frontends()
            .get("f");
    assertThat(f.description()).isEqualTo("web");
    assertThat(f.srcIpSticky()).isTrue();
    assertThat(f.flushOnDown()).isFalse();
    assertThat(f.port()).isZero();
    assertThat(f.protocol()).isEqualTo(Protocol.ANY);
    assertThat(f.pools().get(0).backends()).containsEntry("a", 0);
  }

  @Test
  void missingAddressAndPools_areReportedAtTheFrontend() {
    assertThat(errors(frontend("description: nothing\n")))
        .containsExactly(
            "maglev.frontends.f.address: missing (expected: the VIP address) (line 8, column 5)",
            "maglev.frontends.f.pools: missing (expected: at least one pool) (line 8, column 5)");
  }

  @Test
  void unknownProtocolAndPortOutOfRange_areRefused() {
    assertThat(
            errors(
                frontend(
                    """
                    address: 198.51.100.1
                    protocol: sctp
                    port: 65536
                    pools: [ { name: p, backends: { a: {} } } ]
                    """)))
        .containsExactly(
            "maglev.frontends.f.protocol: unknown protocol \"sctp\" (expected: tcp or udp, or"
                + " omit it for all protocols) (line 10, column 17)",
            "maglev.frontends.f.port: port 65536 (expected: 0-65535) (line 11, column 13)");
  }

  @Test
  void poolWithoutNameOrBackends_isRefused() {
    assertThat(
            errors(
                frontend(
                    """
                    address: 198.51.100.1
                    pools:
                      - backends: { a: {} }
                      - name: q
                      - name: r
                        backends: {}
                    """)))
        .containsExactly(
            "maglev.frontends.f.pools[0].name: missing (expected: a pool name) (line 11, column"
                + " 11)",
            "maglev.frontends.f.pools[1].backends: empty (expected: at least one backend) (line"
                + " 12, column 11)",
            "maglev.frontends.f.pools[2].backends: empty (expected: at least one backend) (line"
                + " 14, column 21)");
  }

  @Test
  void backendsWithOneAddress_areRefusedInOneFrontend() {
    assertThat(
            errors(
                frontend(
                    "address: 198.51.100.1\npools: [ { name: p, backends: { a: {}, c: {} } } ]\n")))
        .containsExactly(
            "maglev.frontends.f.pools[0].backends.c: backend \"c\" has the same address as \"a\""
                + " (192.0.2.1) (line 10, column 46)");
  }

  @Test
  void poolsThatAreNotAList_areAParseError() {
    assertThat(errors(frontend("address: 198.51.100.1\npools: { p: {} }\n")))
        .containsExactly(
            "maglev.frontends.f.pools: expected a list, got a mapping (line 10, column 14)");
  }

  @Test
  void allDownPolicy_defaultsToDrainWithoutPanic() throws Exception {
    Frontend f =
        config(frontend("address: 198.51.100.1\npools: [ { name: p, backends: { a: {} } } ]\n"))
            .frontends()
            .get("f");
    assertThat(f.onAllDown()).isEqualTo(OnAllDown.DRAIN);
    assertThat(f.minHealthy()).isZero();
  }

  @Test
  void allDownPolicy_isRead() throws Exception {
    Frontend f =
        config(
                frontend(
                    """
                    address: 198.51.100.1
                    on-all-down: keep-last
                    min-healthy: 50
                    pools: [ { name: p, backends: { a: {} } } ]
                    """))
            .frontends()
            .get("f");
    assertThat(f.onAllDown()).isEqualTo(OnAllDown.KEEP_LAST);
    assertThat(f.onAllDown().label()).isEqualTo("keep-last");
    assertThat(f.minHealthy()).isEqualTo(50);
  }

  @Test
  void allDownPolicy_badValuesAreRefusedNamingKeyLineAndColumn() {
    assertThat(
            errors(
                frontend(
                    """
                    address: 198.51.100.1
                    on-all-down: freeze
                    min-healthy: 101
                    pools: [ { name: p, backends: { a: {} } } ]
                    """)))
        .containsExactly(
            "maglev.frontends.f.on-all-down: unknown on-all-down \"freeze\" (expected: drain or"
                + " keep-last) (line 10, column 20)",
            "maglev.frontends.f.min-healthy: min-healthy 101 (expected: 0-100) (line 11, column"
                + " 20)");
    assertThat(
            errors(
                frontend(
                    """
                    address: 198.51.100.1
                    on-all-down: [ drain ]
                    min-healthy: 50%
                    pools: [ { name: p, backends: { a: {} } } ]
                    """)))
        .hasSize(2)
        .allSatisfy(e -> assertThat(e).containsAnyOf("on-all-down", "min-healthy"));
    assertThat(
            errors(
                frontend(
                    """
                    address: 198.51.100.1
                    min-healthy: -1
                    pools: [ { name: p, backends: { a: {} } } ]
                    """)))
        .containsExactly(
            "maglev.frontends.f.min-healthy: min-healthy -1 (expected: 0-100) (line 10, column"
                + " 20)");
  }

  @Test
  void slowStart_isOffAndUnsetByDefault() throws Exception {
    Frontend f =
        config(frontend("address: 198.51.100.1\npools: [ { name: p, backends: { a: {} } } ]\n"))
            .frontends()
            .get("f");
    assertThat(f.slowStart()).isNull();
    assertThat(f.slowStartMaxChurn()).isEqualTo(Frontend.DEFAULT_SLOW_START_MAX_CHURN);
  }

  @Test
  void slowStart_isReadWithAPercentOrAPlainNumber() throws Exception {
    Frontend f =
        config(
                frontend(
                    """
                    address: 198.51.100.1
                    slow-start: 30s
                    slow-start-max-churn: 5%
                    pools: [ { name: p, backends: { a: {} } } ]
                    """))
            .frontends()
            .get("f");
    assertThat(f.slowStart()).isEqualTo(java.time.Duration.ofSeconds(30));
    assertThat(f.slowStartMaxChurn()).isEqualTo(5);
    Frontend off =
        config(
                frontend(
                    """
                    address: 198.51.100.1
                    slow-start: 0s
                    slow-start-max-churn: 100
                    pools: [ { name: p, backends: { a: {} } } ]
                    """))
            .frontends()
            .get("f");
    assertThat(off.slowStart()).isZero();
    assertThat(off.slowStartMaxChurn()).isEqualTo(100);
  }

  @Test
  void slowStart_badValuesAreRefusedNamingKeyLineAndColumn() {
    assertThat(
            errors(
                frontend(
                    """
                    address: 198.51.100.1
                    slow-start: -5s
                    slow-start-max-churn: 0%
                    pools: [ { name: p, backends: { a: {} } } ]
                    """)))
        .containsExactly(
            "maglev.frontends.f.slow-start: -5s (expected: >= 0) (line 10, column 19)",
            "maglev.frontends.f.slow-start-max-churn: slow-start-max-churn \"0%\" (expected: a"
                + " percentage of the buckets, 1-100, e.g. 10%) (line 11, column 29)");
    for (String bad : new String[] {"101%", "ten", "-1", "1.5%", "%", "1000"}) {
      assertThat(
              errors(
                  frontend(
                      "address: 198.51.100.1\nslow-start-max-churn: \""
                          + bad
                          + "\"\npools: [ { name: p, backends: { a: {} } } ]\n")))
          .as(bad)
          .singleElement()
          .asString()
          .startsWith("maglev.frontends.f.slow-start-max-churn: slow-start-max-churn")
          .contains("(line 10, column");
    }
    assertThat(
            errors(
                frontend(
                    "address: 198.51.100.1\nslow-start: soon\n"
                        + "pools: [ { name: p, backends: { a: {} } } ]\n")))
        .singleElement()
        .asString()
        .startsWith("maglev.frontends.f.slow-start: ");
  }

  @Test
  void removalBudget_isOffByDefaultWithAOneMinuteWindow() throws Exception {
    Frontend f =
        config(frontend("address: 198.51.100.1\npools: [ { name: p, backends: { a: {} } } ]\n"))
            .frontends()
            .get("f");
    assertThat(f.maxDrain()).isZero();
    assertThat(f.maxDrainWindow()).isEqualTo(java.time.Duration.ofMinutes(1));
  }

  @Test
  void removalBudget_isReadAsAnIntegerOrAPercentage() throws Exception {
    for (String v : new String[] {"50", "50%", "\"50%\""}) {
      Frontend f =
          config(
                  frontend(
                      """
                      address: 198.51.100.1
                      max-drain: %s
                      max-drain-window: 30s
                      pools: [ { name: p, backends: { a: {} } } ]
                      """
                          .formatted(v)))
              .frontends()
              .get("f");
      assertThat(f.maxDrain()).as(v).isEqualTo(50);
      assertThat(f.maxDrainWindow()).isEqualTo(java.time.Duration.ofSeconds(30));
    }
  }

  @Test
  void removalBudget_badValuesAreRefusedNamingKeyLineAndColumn() {
    assertThat(
            errors(
                frontend(
                    """
                    address: 198.51.100.1
                    max-drain: 101%
                    max-drain-window: 0s
                    pools: [ { name: p, backends: { a: {} } } ]
                    """)))
        .containsExactly(
            "maglev.frontends.f.max-drain: max-drain \"101%\" (expected: a percentage 0-100, such"
                + " as 50 or 50%) (line 10, column 18)",
            "maglev.frontends.f.max-drain-window: 0s (expected: > 0) (line 11, column 25)");
    assertThat(
            errors(
                frontend(
                    """
                    address: 198.51.100.1
                    max-drain: -5
                    pools: [ { name: p, backends: { a: {} } } ]
                    """)))
        .containsExactly(
            "maglev.frontends.f.max-drain: max-drain -5 (expected: 0-100) (line 10, column 18)");
    assertThat(
            errors(
                frontend(
                    """
                    address: 198.51.100.1
                    max-drain-window: soon
                    pools: [ { name: p, backends: { a: {} } } ]
                    """)))
        .singleElement()
        .asString()
        .startsWith("maglev.frontends.f.max-drain-window: invalid duration \"soon\"");
    assertThat(
            errors(
                frontend(
                    """
                    address: 198.51.100.1
                    max-drain: half
                    pools: [ { name: p, backends: { a: {} } } ]
                    """)))
        .containsExactly(
            "maglev.frontends.f.max-drain: max-drain \"half\" (expected: a percentage 0-100, such"
                + " as 50 or 50%) (line 10, column 18)");
  }
}
