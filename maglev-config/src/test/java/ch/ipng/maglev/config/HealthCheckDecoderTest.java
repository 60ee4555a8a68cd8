package ch.ipng.maglev.config;

import static ch.ipng.maglev.config.Decoding.config;
import static ch.ipng.maglev.config.Decoding.errors;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class HealthCheckDecoderTest {
  /** A config with one check "hc" of this body. */
  private static String check(String body) {
    return "maglev:\n  healthchecks:\n    hc:\n" + body.indent(6);
  }

  @Test
  void httpsParams_areRead(@TempDir Path dir) throws Exception {
    Path ca = Files.writeString(dir.resolve("ca.pem"), "");
    HealthCheck hc =
        config(
                check(
                    """
                    type: https
                    port: 443
                    probe-ipv4-src: 192.0.2.9
                    probe-ipv6-src: 2001:db8::9
                    params:
                      path: /x
                      host: example.org
                      server-name: sni.example.org
                      tls-verify: true
                      ca-file: %s
                      response-code: 200,204
                      response-regexp: ok
                    """
                        .formatted(ca)))
            .healthchecks()
            .get("hc");
    assertThat(hc.probeIpv4Src()).hasToString("/192.0.2.9");
    assertThat(hc.probeIpv6Src()).hasToString("/2001:db8:0:0:0:0:0:9");
    HealthCheck.HttpParams http = hc.http();
    assertThat(http.path()).isEqualTo("/x");
    assertThat(http.host()).isEqualTo("example.org");
    assertThat(http.serverName()).isEqualTo("sni.example.org");
    assertThat(http.tlsVerify()).isTrue();
    assertThat(http.caFile()).isEqualTo(ca);
    assertThat(http.responseCodes().text()).isEqualTo("200,204");
    assertThat(http.regexp().pattern()).isEqualTo("ok");
    assertThat(hc.tcp()).isNull();
  }

  @Test
  void missingType_isReportedAtTheCheck() {
    assertThat(errors(check("port: 80\n")))
        .containsExactly(
            "maglev.healthchecks.hc.type: missing (expected: icmp, tcp, http or https) (line 3,"
                + " column 5)");
  }

  @Test
  void portOutOfRange_isRefused() {
    assertThat(errors(check("type: tcp\nport: 0\n")))
        .containsExactly(
            "maglev.healthchecks.hc.port: port 0 (expected: 1-65535) (line 5, column 13)");
  }

  @Test
  void probeSourceOfTheOtherFamily_isRefused() {
    assertThat(
            errors(check("type: icmp\nprobe-ipv4-src: 2001:db8::1\nprobe-ipv6-src: 192.0.2.1\n")))
        .containsExactly(
            "maglev.healthchecks.hc.probe-ipv4-src: wrong address family (expected: an IPv4"
                + " address) (line 5, column 23)",
            "maglev.healthchecks.hc.probe-ipv6-src: wrong address family (expected: an IPv6"
                + " address) (line 6, column 23)");
  }

  @Test
  void tlsParamsOfATcpCheck_needTls() {
    assertThat(
            errors(
                check(
                    """
                    type: tcp
                    port: 443
                    params:
                      server-name: example.org
                      tls-verify: true
                    """)))
        .containsExactly(
            "maglev.healthchecks.hc.params.server-name: needs tls: true (line 7, column 9)",
            "maglev.healthchecks.hc.params.tls-verify: needs tls: true (line 8, column 9)");
  }

  @Test
  void tcpWithTls_isRead() throws Exception {
    HealthCheck hc =
        config(check("type: tcp\nport: 443\nparams: { tls: true, server-name: example.org }\n"))
            .healthchecks()
            .get("hc");
    assertThat(hc.tcp()).isEqualTo(new HealthCheck.TcpParams(true, "example.org", false, null));
    assertThat(hc.http()).isNull();
  }

  @Test
  void unreadableCaFile_isRefused() {
    assertThat(errors(check("type: https\nport: 443\nparams:\n  ca-file: /nonexistent/ca.pem\n")))
        .containsExactly(
            "maglev.healthchecks.hc.params.ca-file: cannot read \"/nonexistent/ca.pem\""
                + " (expected: a PEM file of CAs) (line 7, column 18)");
  }

  @Test
  void icmpTakesNoParams() {
    assertThat(errors(check("type: icmp\nparams:\n  path: /\n")))
        .containsExactly(
            "maglev.healthchecks.hc.params.path: not valid for type icmp (line 6, column 9)");
  }

  @Test
  void slowStart_defaultsToOffAndIsRead() throws Exception {
    assertThat(config(check("type: icmp\n")).healthchecks().get("hc").slowStart()).isZero();
    HealthCheck hc = config(check("type: icmp\nslow-start: 1m30s\n")).healthchecks().get("hc");
    assertThat(hc.slowStart()).isEqualTo(java.time.Duration.ofSeconds(90));
  }

  @Test
  void slowStart_isNotPartOfTheProbe() throws Exception {
    HealthCheck a = config(check("type: icmp\n")).healthchecks().get("hc");
    HealthCheck b = config(check("type: icmp\nslow-start: 20s\n")).healthchecks().get("hc");
    assertThat(a.sameProbe(b)).isTrue(); // a reload that sets it does not restart probes
    assertThat(a).isNotEqualTo(b);
  }

  @Test
  void negativeSlowStart_isRefusedNamingKeyLineAndColumn() {
    assertThat(errors(check("type: icmp\nslow-start: -1s\n")))
        .containsExactly(
            "maglev.healthchecks.hc.slow-start: -1s (expected: >= 0) (line 5, column 19)");
  }
}
