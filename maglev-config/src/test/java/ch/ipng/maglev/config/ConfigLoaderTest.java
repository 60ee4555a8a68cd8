package ch.ipng.maglev.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ch.ipng.maglev.config.ConfigException.Kind;
import java.net.InetAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ConfigLoaderTest {
  static final String GOOD =
      """
      maglev:
        healthchecks:
          http:
            type: http
            port: 80
            params:
              path: /healthz
        backends:
          nginx0:
            address: 192.0.2.10
            healthcheck: http
          nginx1:
            address: 192.0.2.11
            healthcheck: http
        frontends:
          web:
            address: 198.51.100.1
            protocol: tcp
            port: 80
            pools:
              - name: primary
                backends:
                  nginx0: { weight: 100 }
              - name: fallback
                backends:
                  nginx1: {}
      """;

  static ConfigException failure(String yaml) {
    try {
      ConfigLoader.parse(yaml, "test.yaml");
    } catch (ConfigException e) {
      return e;
    }
    throw new AssertionError("expected the config to be refused");
  }

  @Test
  void minimal_fillsDefaults() throws Exception {
    Config c = ConfigLoader.parse(GOOD, "test.yaml");
    HealthCheck hc = c.healthchecks().get("http");
    assertThat(hc.interval()).isEqualTo(Duration.ofSeconds(2));
    assertThat(hc.fastInterval()).isEqualTo(Duration.ofSeconds(2));
    assertThat(hc.downInterval()).isEqualTo(Duration.ofSeconds(2));
    assertThat(hc.timeout()).isEqualTo(Duration.ofSeconds(1));
    assertThat(hc.rise()).isEqualTo(2);
    assertThat(hc.fall()).isEqualTo(3);
    assertThat(hc.http().responseCodes().text()).isEqualTo("200-399");
    assertThat(c.healthchecker().transitionHistory()).isEqualTo(5);
    assertThat(c.vppLb().stickyBucketsPerCore()).isEqualTo(65536);
    assertThat(c.vppLb().flowTimeout()).isEqualTo(Duration.ofSeconds(40));
    assertThat(c.vppLb().startupMinDelay()).isEqualTo(Duration.ofSeconds(5));
    Frontend web = c.frontends().get("web");
    assertThat(web.flushOnDown()).isTrue();
    assertThat(web.srcIpSticky()).isFalse();
    assertThat(web.protocol()).isEqualTo(Protocol.TCP);
    assertThat(web.pools()).extracting(Frontend.Pool::name).containsExactly("primary", "fallback");
    assertThat(web.pools().get(1).backends()).isEqualTo(Map.of("nginx1", 100));
    assertThat(c.backends().get("nginx0").address()).isEqualTo(InetAddress.getByName("192.0.2.10"));
    assertThat(c.backends().get("nginx0").enabled()).isTrue();
  }

  @Test
  void shippedExample_isValid() throws Exception {
    Path example = Path.of(System.getProperty("maglev.projectRoot"), "debian", "maglev.yaml");
    Config c = ConfigLoader.load(example);
    assertThat(c.frontends()).containsKeys("web", "anycast");
    assertThat(c.frontends().get("anycast").protocol()).isEqualTo(Protocol.ANY);
    assertThat(c.backends().get("spare").enabled()).isFalse();
  }

  @Test
  void yamlSyntaxError_isParseErrorWithPosition() {
    ConfigException e = failure("maglev:\n  backends: [unclosed\n");
    assertThat(e.kind()).isEqualTo(Kind.PARSE);
    assertThat(e.errors()).hasSize(1);
    assertThat(e.errors().get(0).message()).startsWith("YAML syntax:");
    assertThat(e.errors().get(0).line()).isGreaterThan(0);
  }

  @Test
  void unknownKeysAndWrongTypes_areAllParseErrors() {
    String yaml =
        GOOD.replace(
                "      port: 80\n      params:",
                "      port: eighty\n      retries: 3\n      params:")
            .replace(
                "      healthcheck: http\n    nginx1:",
                "      healthcheck: http\n      wieght: 5\n    nginx1:");
    ConfigException e = failure(yaml);
    assertThat(e.kind()).isEqualTo(Kind.PARSE);
    assertThat(e.errors())
        .extracting(ConfigError::toString)
        .containsExactly(
            "maglev.healthchecks.http.port: expected an integer, got string \"eighty\" (line 5, column 13)",
            "maglev.healthchecks.http.retries: unknown key \"retries\" (expected one of: type, port,"
                + " interval, fast-interval, down-interval, timeout, rise, fall, probe-ipv4-src,"
                + " probe-ipv6-src, params, slow-start) (line 6, column 7)",
            "maglev.backends.nginx0.wieght: unknown key \"wieght\" (expected one of: address,"
                + " healthcheck, description, enabled) (line 13, column 7)");
  }

  @Test
  void quotedNumber_isNotAnInteger() {
    ConfigException e =
        failure(GOOD.replace("port: 80\n      params", "port: \"80\"\n      params"));
    assertThat(e.kind()).isEqualTo(Kind.PARSE);
    assertThat(e.errors().get(0).message()).isEqualTo("expected an integer, got string \"80\"");
  }

  @Test
  void missingBackend_namesPathAndPosition() {
    ConfigException e = failure(GOOD.replace("nginx1: {}", "nginx9: {}"));
    assertThat(e.kind()).isEqualTo(Kind.SEMANTIC);
    assertThat(e.errors())
        .extracting(ConfigError::toString)
        .containsExactly(
            "maglev.frontends.web.pools[1].backends.nginx9: no such backend (line 26, column 13)");
  }

  @Test
  void programmingVpp_requiresBothSourceAddresses_namingWhatIsMissingAndWhy() throws Exception {
    // without a vpp section at all: one error at maglev
    assertThatThrownBy(() -> ConfigLoader.parse(GOOD, "test.yaml", ConfigLoader.Use.PROGRAMS_VPP))
        .isInstanceOfSatisfying(
            ConfigException.class,
            e -> {
              assertThat(e.kind()).isEqualTo(Kind.SEMANTIC);
              assertThat(e.errors())
                  .extracting(ConfigError::toString)
                  .containsExactly(
                      "maglev.vpp.lb: missing (expected: ipv4-src-address and ipv6-src-address,"
                          + " required when maglevd programs VPP, i.e. with a non-empty"
                          + " --vpp-api-addr) (line 1, column 1)");
            });
    // one of the two: the other is named, at its section
    String v4Only =
        GOOD.replace(
            "maglev:\n", "maglev:\n  vpp:\n    lb:\n      ipv4-src-address: 192.0.2.254\n");
    assertThatThrownBy(() -> ConfigLoader.parse(v4Only, "test.yaml", ConfigLoader.Use.PROGRAMS_VPP))
        .isInstanceOfSatisfying(
            ConfigException.class,
            e ->
                assertThat(e.errors())
                    .extracting(ConfigError::toString)
                    .containsExactly(
                        "maglev.vpp.lb.ipv6-src-address: missing (expected: an IPv6 address,"
                            + " required when maglevd programs VPP, i.e. with a non-empty"
                            + " --vpp-api-addr) (line 3, column 5)"));
    // both: accepted; and health checking alone needs neither
    String both =
        v4Only.replace("192.0.2.254\n", "192.0.2.254\n      ipv6-src-address: 2001:db8::1\n");
    assertThat(ConfigLoader.parse(both, "test.yaml", ConfigLoader.Use.PROGRAMS_VPP).vppLb())
        .satisfies(lb -> assertThat(lb.ipv6SrcAddress()).isNotNull());
    assertThat(ConfigLoader.parse(v4Only, "test.yaml", ConfigLoader.Use.HEALTH_CHECKS_ONLY))
        .isNotNull();
    assertThat(ConfigLoader.parse(GOOD, "test.yaml")).isNotNull();
  }

  @Test
  void severalSemanticMistakes_areAllReported() {
    String yaml =
        """
        maglev:
          healthchecker:
            transition-history: 0
          vpp:
            lb:
              ipv4-src-address: 2001:db8::1
              sticky-buckets-per-core: 1000
              flow-timeout: 300s
          healthchecks:
            web:
              type: http
              interval: 0s
              rise: 0
              params:
                path: healthz
                response-code: 200-99
                response-regexp: "(("
                tls: true
            pinger:
              type: icmp
              port: 7
            odd:
              type: gopher
          backends:
            a4:
              address: 192.0.2.1
              healthcheck: web
            a6:
              address: 2001:db8::2
              healthcheck: nosuch
            bad:
              address: 300.1.1.1
              healthcheck: web
          frontends:
            mixed:
              address: 198.51.100.1
              port: 80
              pools:
                - name: p
                  backends:
                    a4: { weight: 101 }
                    a6: {}
                - name: p
                  backends:
                    a4: {}
            allports:
              address: 198.51.100.1
              protocol: tcp
              pools: []
        """;
    ConfigException e = failure(yaml);
    assertThat(e.kind()).isEqualTo(Kind.SEMANTIC);
    List<String> messages = e.errors().stream().map(ConfigError::toString).toList();
    assertThat(messages)
        .containsExactly(
            "maglev.healthchecker.transition-history: transition-history: 0 (expected: 1-10000) (line 3, column 25)",
            "maglev.vpp.lb.ipv4-src-address: wrong address family (expected: an IPv4 address) (line 6, column 25)",
            "maglev.vpp.lb.sticky-buckets-per-core: sticky-buckets-per-core: 1000 (expected: a power of 2, e.g. 65536) (line 7, column 32)",
            "maglev.vpp.lb.flow-timeout: flow-timeout: 5m0s (expected: whole seconds from 1s to 120s) (line 8, column 21)",
            "maglev.healthchecks.web.port: missing (expected: 1-65535 for type http) (line 10, column 5)",
            "maglev.healthchecks.web.interval: 0s (expected: > 0) (line 12, column 17)",
            "maglev.healthchecks.web.rise: 0 (expected: 1-1000) (line 13, column 13)",
            "maglev.healthchecks.web.params.path: path \"healthz\" (expected: starts with /) (line 15, column 15)",
            "maglev.healthchecks.web.params.response-code: invalid response codes \"200-99\" (expected: codes 100-599 and ranges, e.g. 200,204,300-302) (line 16, column 24)",
            "maglev.healthchecks.web.params.response-regexp: invalid regular expression: Unclosed group (line 17, column 26)",
            "maglev.healthchecks.web.params.tls: not valid for type http (line 18, column 9)",
            "maglev.healthchecks.pinger.port: not used by type icmp (line 21, column 13)",
            "maglev.healthchecks.odd.type: unknown type \"gopher\" (expected: icmp, tcp, http or https) (line 23, column 13)",
            "maglev.backends.a6.healthcheck: no such health check \"nosuch\" (line 30, column 20)",
            "maglev.backends.bad.address: invalid address \"300.1.1.1\" (expected: an IP address) (line 32, column 16)",
            "maglev.frontends.mixed.port: port 80 needs a protocol (tcp or udp) (line 37, column 13)",
            "maglev.frontends.mixed.pools[0].backends.a4.weight: weight 101 (expected: 0-100) (line 41, column 27)",
            "maglev.frontends.mixed.pools[0].backends.a6: backend \"a6\" is IPv6 but \"a4\" is not (expected: one address family per frontend) (line 42, column 13)",
            "maglev.frontends.mixed.pools[1].name: duplicate pool \"p\" (line 43, column 17)",
            "maglev.frontends.mixed.pools[1].backends.a4: already in pool \"p\" of this frontend (line 45, column 13)",
            "maglev.frontends.allports: shares address 198.51.100.1 with frontend \"mixed\", and a VIP for all ports cannot share its address (VPP refuses it) (line 46, column 5)",
            "maglev.frontends.allports.protocol: a VIP for all ports takes every protocol (expected: omit protocol, or set a port) (line 48, column 17)",
            "maglev.frontends.allports.pools: empty (expected: at least one pool) (line 49, column 14)");
  }

  @Test
  void sameAddressFrontends_needDistinctPortsAndOneFamily() {
    String yaml =
        """
        maglev:
          healthchecks:
            t: { type: tcp, port: 80 }
          backends:
            v4: { address: 192.0.2.1, healthcheck: t }
            v6: { address: "2001:db8::1", healthcheck: t }
          frontends:
            a: { address: 198.51.100.1, protocol: tcp, port: 80, pools: [ { name: p, backends: { v4: {} } } ] }
            b: { address: 198.51.100.1, protocol: tcp, port: 80, pools: [ { name: p, backends: { v4: {} } } ] }
            c: { address: 198.51.100.1, protocol: udp, port: 53, pools: [ { name: p, backends: { v6: {} } } ] }
            d: { address: 198.51.100.1, protocol: udp, port: 80, pools: [ { name: p, backends: { v4: {} } } ] }
        """;
    ConfigException e = failure(yaml);
    assertThat(e.errors())
        .extracting(ConfigError::message)
        .containsExactly(
            "same address, protocol and port as frontend \"a\"",
            "shares address 198.51.100.1 with frontend \"a\" but its backends are IPv6 and those are"
                + " IPv4 (expected: one encapsulation per VIP address)",
            "shares address 198.51.100.1 with frontend \"c\" but its backends are IPv4 and those are"
                + " IPv6 (expected: one encapsulation per VIP address)");
  }

  @Test
  void missingFile_isParseError() {
    assertThatThrownBy(() -> ConfigLoader.load(Path.of("/nonexistent/maglev.yaml")))
        .isInstanceOfSatisfying(
            ConfigException.class, e -> assertThat(e.kind()).isEqualTo(Kind.PARSE))
        .hasMessage("cannot read /nonexistent/maglev.yaml: no such file");
  }

  @Test
  void duplicateKey_isParseError() {
    ConfigException e =
        failure(
            GOOD.replace(
                "      port: 80\n      params", "      port: 80\n      port: 81\n      params"));
    assertThat(e.kind()).isEqualTo(Kind.PARSE);
    assertThat(e.errors().get(0).toString())
        .isEqualTo("maglev.healthchecks.http.port: duplicate key \"port\" (line 6, column 7)");
  }

  @Test
  void httpPathAndHost_mustFitARequestAsTheyAre() {
    String yaml =
        """
        maglev:
          healthchecks:
            web:
              type: http
              port: 80
              params:
                path: "/health z"
                host: "example.org\\r\\nX-Injected: 1"
        """;
    ConfigException e = failure(yaml);
    assertThat(e.kind()).isEqualTo(Kind.SEMANTIC);
    assertThat(e.errors().stream().map(ConfigError::toString).toList())
        .containsExactly(
            "maglev.healthchecks.web.params.path: path \"/health z\" (expected: no spaces or control characters) (line 7, column 15)",
            "maglev.healthchecks.web.params.host: host \"example.org\\r\\nX-Injected: 1\" (expected: no spaces or control characters) (line 8, column 15)");
  }
}
