package ch.ipng.maglev.daemon.probe;

import static org.assertj.core.api.Assertions.assertThat;

import ch.ipng.maglev.config.HealthCheck;
import ch.ipng.maglev.daemon.testing.Configs;
import ch.ipng.maglev.daemon.testing.TestServers;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every check against real servers on loopback, with plain TCP and HTTP checks on {@link
 * EpollProber}; {@link NettyProbersTest} runs the same with every check on Netty channels.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ProbersTest {
  static final InetAddress LOOPBACK = InetAddress.getLoopbackAddress();
  Probers probers;

  @TempDir static Path dir;

  /** Whether plain TCP and HTTP checks take the lean epoll path. */
  boolean lean() {
    return true;
  }

  @BeforeAll
  void start() {
    probers = Probers.of(ProbeNamespace.host(), "vpp-maglev/test", lean());
  }

  @AfterAll
  void stop() {
    probers.close();
  }

  ProbeResult probe(String checkYaml) throws Exception {
    return probe(checkYaml, LOOPBACK);
  }

  ProbeResult probe(String checkYaml, InetAddress target) throws Exception {
    HealthCheck hc = Configs.check(checkYaml);
    return probers.forCheck(hc).probe(target).get(10, TimeUnit.SECONDS);
  }

  @Test
  void plainChecks_takeTheTransportAsked_tlsAndRegexpsStayOnNetty() throws Exception {
    Class<?> plain =
        lean() && io.netty.channel.epoll.Epoll.isAvailable()
            ? EpollProber.class
            : NettyProber.class;
    assertThat(probers.forCheck(Configs.check("type: http\nport: 80"))).isInstanceOf(plain);
    assertThat(probers.forCheck(Configs.check("type: tcp\nport: 80"))).isInstanceOf(plain);
    assertThat(probers.forCheck(Configs.check("type: https\nport: 443")))
        .isInstanceOf(NettyProber.class);
    assertThat(
            probers.forCheck(
                Configs.check("type: http\nport: 80\nparams: { response-regexp: ok }")))
        .isInstanceOf(NettyProber.class);
    assertThat(probers.forCheck(Configs.check("type: tcp\nport: 443\nparams: { tls: true }")))
        .isInstanceOf(NettyProber.class);
  }

  @Test
  void http_statusLineLongerThanOneRead_isJudged_tooLongIsL7RSP() throws Exception {
    // 6,000 bytes span two reads of the lean prober's 4 KiB buffer; 9,000 pass the 8 KiB limit.
    String longReason = "x".repeat(6000);
    try (var s = rawServer("HTTP/1.1 200 " + longReason + "\r\n\r\n")) {
      ProbeResult r = probe("type: http\nport: " + s.getLocalPort());
      assertThat(r.detail()).isEqualTo("status 200");
      assertThat(r.code()).isEqualTo(ProbeCode.L7OK);
    }
    try (var s = rawServer("HTTP/1.1 200 " + "x".repeat(9000) + "\r\n\r\n")) {
      ProbeResult r = probe("type: http\nport: " + s.getLocalPort());
      assertThat(r.code()).isEqualTo(ProbeCode.L7RSP);
      assertThat(r.detail())
          .isEqualTo("invalid HTTP response: no status line in the first 8192 bytes");
    }
  }

  @Test
  void http_overIpv6_sendsTheBracketedHost() throws Exception {
    InetAddress v6 = InetAddress.getByName("::1");
    TestServers.Http s;
    try {
      s = TestServers.http(v6, 0, 200, "ok");
    } catch (java.io.IOException e) {
      org.junit.jupiter.api.Assumptions.abort("skipped: no IPv6 loopback here (" + e + ")");
      return;
    }
    try (s) {
      ProbeResult r = probe("type: http\nport: " + s.port(), v6);
      assertThat(r.code()).isEqualTo(ProbeCode.L7OK);
      assertThat(s.hosts()).containsExactly("[::1]:" + s.port());
      assertThat(probe("type: tcp\nport: " + s.port(), v6).code()).isEqualTo(ProbeCode.L4OK);
    }
  }

  @Test
  void http_resetAfterTheRequest_isL7RSP() throws Exception {
    try (java.net.ServerSocket server = new java.net.ServerSocket(0, 5, LOOPBACK)) {
      Thread.ofPlatform()
          .daemon()
          .start(
              () -> {
                try (java.net.Socket c = server.accept()) {
                  c.getInputStream().read(new byte[512]);
                  c.setSoLinger(true, 0); // close with RST
                } catch (java.io.IOException e) {
                  // the prober hung up
                }
              });
      ProbeResult r = probe("type: http\nport: " + server.getLocalPort());
      assertThat(r.code()).isEqualTo(ProbeCode.L7RSP);
      assertThat(r.detail())
          .isIn(
              "read response: connection reset by peer",
              "connection closed before a complete response");
    }
  }

  /** A server that answers one connection with {@code answer} once it has read the request. */
  static java.net.ServerSocket rawServer(String answer) throws java.io.IOException {
    java.net.ServerSocket server = new java.net.ServerSocket(0, 5, LOOPBACK);
    Thread.ofPlatform()
        .daemon()
        .start(
            () -> {
              try (java.net.Socket c = server.accept()) {
                c.getInputStream().read(new byte[512]);
                c.getOutputStream().write(answer.getBytes(StandardCharsets.ISO_8859_1));
                c.shutdownOutput();
                c.getInputStream().read(new byte[512]);
              } catch (java.io.IOException e) {
                // the prober hung up
              }
            });
    return server;
  }

  @Test
  void http_passingServer_isL7OK() throws Exception {
    try (var s = TestServers.http(200, "ok")) {
      ProbeResult r =
          probe(
              "type: http\nport: "
                  + s.port()
                  + "\nparams: { path: /healthz, host: www.example.com }");
      assertThat(r.ok()).isTrue();
      assertThat(r.code()).isEqualTo(ProbeCode.L7OK);
      assertThat(r.detail()).isEqualTo("status 200");
      assertThat(s.hosts()).containsExactly("www.example.com");
      assertThat(s.userAgents()).containsExactly("vpp-maglev/test");
    }
  }

  @Test
  void http_defaultHost_isTheAddressAndPort() throws Exception {
    try (var s = TestServers.http(204, "")) {
      ProbeResult r = probe("type: http\nport: " + s.port());
      assertThat(r.code()).isEqualTo(ProbeCode.L7OK);
      assertThat(s.hosts()).containsExactly("127.0.0.1:" + s.port());
    }
  }

  @Test
  void http_status500_isL7STS() throws Exception {
    try (var s = TestServers.http(500, "boom")) {
      ProbeResult r = probe("type: http\nport: " + s.port());
      assertThat(r.ok()).isFalse();
      assertThat(r.code()).isEqualTo(ProbeCode.L7STS);
      assertThat(r.detail()).isEqualTo("status 500, expected 200-399");
    }
  }

  @Test
  void http_customResponseCodes() throws Exception {
    try (var s = TestServers.http(302, "")) {
      assertThat(
              probe("type: http\nport: " + s.port() + "\nparams: { response-code: \"200,204\" }")
                  .detail())
          .isEqualTo("status 302, expected 200,204");
      assertThat(
              probe("type: http\nport: " + s.port() + "\nparams: { response-code: 300-302 }").ok())
          .isTrue();
    }
  }

  @Test
  void http_wrongBody_isL7RSP_rightBodyPasses() throws Exception {
    try (var s = TestServers.http(200, "status: degraded")) {
      ProbeResult r =
          probe("type: http\nport: " + s.port() + "\nparams: { response-regexp: \"status: ok\" }");
      assertThat(r.code()).isEqualTo(ProbeCode.L7RSP);
      assertThat(r.detail()).isEqualTo("status 200, body does not match \"status: ok\"");
      s.answer(200, "x".repeat(100) + "status: ok");
      assertThat(
              probe(
                      "type: http\nport: "
                          + s.port()
                          + "\nparams: { response-regexp: \"status: ok\" }")
                  .code())
          .isEqualTo(ProbeCode.L7OK);
    }
  }

  @Test
  void http_regexpOnlySeesFirst64KiB() throws Exception {
    try (var s = TestServers.http(200, "x".repeat(NettyProber.BODY_LIMIT) + "MARKER")) {
      ProbeResult r =
          probe("type: http\nport: " + s.port() + "\nparams: { response-regexp: MARKER }");
      assertThat(r.code()).isEqualTo(ProbeCode.L7RSP);
    }
  }

  @Test
  void http_silentServer_timesOutAsL7TOUT() throws Exception {
    try (var s = TestServers.silent()) {
      ProbeResult r = probe("type: http\nport: " + s.port() + "\ntimeout: 300ms");
      assertThat(r.code()).isEqualTo(ProbeCode.L7TOUT);
      assertThat(r.detail()).isEqualTo("HTTP response: timeout after 300ms");
      assertThat(r.latency()).isGreaterThanOrEqualTo(Duration.ofMillis(290));
    }
  }

  @Test
  void http_closingServer_isL7RSP() throws Exception {
    try (var s = TestServers.closing()) {
      ProbeResult r = probe("type: http\nport: " + s.port());
      assertThat(r.code()).isIn(ProbeCode.L7RSP);
      assertThat(r.ok()).isFalse();
    }
  }

  @Test
  void http_closedPort_isL4CON() throws Exception {
    ProbeResult r = probe("type: http\nport: " + TestServers.closedPort());
    assertThat(r.code()).isEqualTo(ProbeCode.L4CON);
    assertThat(r.detail()).isEqualTo("connect: connection refused");
  }

  @Test
  void https_selfSigned_passesWithoutVerify_failsWithVerify() throws Exception {
    try (var s = TestServers.https(dir, 200, "ok")) {
      ProbeResult r = probe("type: https\nport: " + s.port());
      assertThat(r.code()).isEqualTo(ProbeCode.L7OK);
      ProbeResult verified =
          probe(
              "type: https\nport: "
                  + s.port()
                  + "\nparams: { tls-verify: true, server-name: localhost }");
      assertThat(verified.code()).isEqualTo(ProbeCode.L6RSP);
      assertThat(verified.detail()).startsWith("TLS handshake: ");
    }
  }

  @Test
  void aFailedTlsHandshake_isTheProbesResult_notANettyWarningInTheLog() throws Exception {
    ch.qos.logback.classic.Logger pipeline =
        (ch.qos.logback.classic.Logger)
            org.slf4j.LoggerFactory.getLogger("io.netty.channel.DefaultChannelPipeline");
    ch.qos.logback.core.read.ListAppender<ch.qos.logback.classic.spi.ILoggingEvent> seen =
        new ch.qos.logback.core.read.ListAppender<>();
    seen.start();
    pipeline.addAppender(seen);
    try (var s = TestServers.https(dir, 200, "ok")) {
      // probers of its own: closing them waits for their loops, so nothing is logged later
      try (Probers own = Probers.of(ProbeNamespace.host(), "vpp-maglev/test", lean())) {
        for (String check :
            List.of(
                "type: https\nport: %d\nparams: { tls-verify: true, server-name: localhost }",
                "type: tcp\nport: %d\nparams: { tls: true, tls-verify: true }")) {
          ProbeResult r =
              own.forCheck(Configs.check(check.formatted(s.port())))
                  .probe(LOOPBACK)
                  .get(10, TimeUnit.SECONDS);
          assertThat(r.code()).isEqualTo(ProbeCode.L6RSP);
          assertThat(r.detail()).startsWith("TLS handshake: ");
        }
      }
    } finally {
      pipeline.detachAppender(seen);
    }
    assertThat(seen.list).extracting(e -> e.getFormattedMessage()).isEmpty();
  }

  @Test
  void https_againstPlainHttp_isL6() throws Exception {
    try (var s = TestServers.http(200, "ok")) {
      ProbeResult r = probe("type: https\nport: " + s.port() + "\ntimeout: 500ms");
      assertThat(r.code()).isIn(ProbeCode.L6RSP, ProbeCode.L6TOUT);
    }
  }

  @Test
  void tcp_connect_isL4OK_closedPortIsL4CON() throws Exception {
    try (var s = TestServers.silent()) {
      ProbeResult r = probe("type: tcp\nport: " + s.port());
      assertThat(r.code()).isEqualTo(ProbeCode.L4OK);
      assertThat(r.ok()).isTrue();
    }
    assertThat(probe("type: tcp\nport: " + TestServers.closedPort()).code())
        .isEqualTo(ProbeCode.L4CON);
  }

  @Test
  void tcpTls_handshake_isL6OK_silentServerIsL6TOUT() throws Exception {
    try (var s = TestServers.https(dir, 200, "ok")) {
      assertThat(probe("type: tcp\nport: " + s.port() + "\nparams: { tls: true }").code())
          .isEqualTo(ProbeCode.L6OK);
    }
    try (var s = TestServers.silent()) {
      assertThat(
              probe("type: tcp\nport: " + s.port() + "\ntimeout: 300ms\nparams: { tls: true }")
                  .code())
          .isEqualTo(ProbeCode.L6TOUT);
    }
  }

  @Test
  void tlsProbes_recordWhenTheBackendsCertificateExpires_plainOnesDoNot() throws Exception {
    try (var s = TestServers.https(dir, 200, "ok")) {
      java.security.KeyStore ks = java.security.KeyStore.getInstance("PKCS12");
      try (var in = java.nio.file.Files.newInputStream(dir.resolve("server.p12"))) {
        ks.load(in, "changeit".toCharArray());
      }
      long notAfter =
          ((java.security.cert.X509Certificate) ks.getCertificate("server"))
              .getNotAfter()
              .toInstant()
              .getEpochSecond();
      assertThat(probe("type: https\nport: " + s.port()).tlsNotAfterEpochSeconds())
          .isEqualTo(notAfter);
      assertThat(
              probe("type: tcp\nport: " + s.port() + "\nparams: { tls: true }")
                  .tlsNotAfterEpochSeconds())
          .isEqualTo(notAfter);
      assertThat(probe("type: tcp\nport: " + s.port()).tlsNotAfterEpochSeconds()).isZero();
    }
  }

  @Test
  void probeSource_isUsed() throws Exception {
    try (var s = TestServers.silent()) {
      ProbeResult r = probe("type: tcp\nport: " + s.port() + "\nprobe-ipv4-src: 192.0.2.123");
      // 192.0.2.123 is not on this machine: binding to it must fail, proving it was used.
      assertThat(r.code()).isEqualTo(ProbeCode.L4CON);
      assertThat(r.detail()).containsIgnoringCase("assign");
    }
  }

  @Test
  void icmp_loopback_isL3OK() throws Exception {
    ProbeResult r = probe("type: icmp\ntimeout: 2s");
    org.junit.jupiter.api.Assumptions.assumeTrue(
        !r.detail().startsWith("icmp socket"),
        () -> "skipped: no ICMP socket here (" + r.detail() + ")");
    assertThat(r.code()).isEqualTo(ProbeCode.L3OK);
    assertThat(r.detail()).isEqualTo("echo reply from 127.0.0.1");
  }

  @Test
  void icmp_unanswered_isL3TOUT() throws Exception {
    // TEST-NET-1 is never routed to a host that answers.
    HealthCheck hc = Configs.check("type: icmp\ntimeout: 300ms");
    ProbeResult r =
        probers.forCheck(hc).probe(InetAddress.getByName("192.0.2.77")).get(10, TimeUnit.SECONDS);
    org.junit.jupiter.api.Assumptions.assumeTrue(
        !r.detail().startsWith("icmp socket"), () -> "skipped: " + r.detail());
    assertThat(r.code()).isIn(ProbeCode.L3TOUT, ProbeCode.L3UNR);
    assertThat(r.ok()).isFalse();
  }

  @Test
  void icmpChecksum_matchesRfc1071Example() {
    byte[] data = {
      0x00, 0x01, (byte) 0xf2, 0x03, (byte) 0xf4, (byte) 0xf5, (byte) 0xf6, (byte) 0xf7
    };
    assertThat(IcmpPinger.checksum(data)).isEqualTo(~0xddf2 & 0xffff);
  }

  @Test
  void statusLine_parsing() {
    assertThat(StatusLines.parse("HTTP/1.1 200 OK")).isEqualTo(200);
    assertThat(StatusLines.parse("HTTP/1.0 503")).isEqualTo(503);
    assertThat(StatusLines.parse("HTTP/1.1 204 No Content")).isEqualTo(204);
    assertThat(StatusLines.parse("HTTP/1.1 20 OK")).isEqualTo(-1);
    assertThat(StatusLines.parse("HTTP/1.1 2000 OK")).isEqualTo(-1);
    assertThat(StatusLines.parse("HTTP/1.1 099 x")).isEqualTo(-1);
    assertThat(StatusLines.parse("HTTP/2 200")).isEqualTo(-1);
    assertThat(StatusLines.parse("ICY 200 OK")).isEqualTo(-1);
    assertThat(StatusLines.parse("")).isEqualTo(-1);
  }

  @Test
  void http_notAnHttpServer_isL7RSPNamingWhatItSaid() throws Exception {
    try (java.net.ServerSocket server =
        new java.net.ServerSocket(0, 5, java.net.InetAddress.getLoopbackAddress())) {
      Thread.ofPlatform()
          .daemon()
          .start(
              () -> {
                try (java.net.Socket c = server.accept()) {
                  c.getOutputStream()
                      .write("SSH-2.0-OpenSSH_9.2\u0007\r\n".getBytes(StandardCharsets.ISO_8859_1));
                  c.getInputStream().read(new byte[512]);
                } catch (java.io.IOException e) {
                  // the prober hung up
                }
              });
      ProbeResult r = probe("type: http\nport: " + server.getLocalPort());
      assertThat(r.code()).isEqualTo(ProbeCode.L7RSP);
      assertThat(r.detail())
          .isEqualTo("invalid HTTP response: status line \"SSH-2.0-OpenSSH_9.2?\"");
    }
  }
}
