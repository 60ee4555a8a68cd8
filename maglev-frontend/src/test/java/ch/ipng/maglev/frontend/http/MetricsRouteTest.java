package ch.ipng.maglev.frontend.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import ch.ipng.maglev.frontend.sse.SseBroker;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The dashboard's /metrics counts what its limits refused, in a format promtool accepts. */
class MetricsRouteTest {
  final SseBroker broker = SseBroker.create(Clock.systemUTC());
  FrontendServer server;

  @AfterEach
  void stop() {
    if (server != null) {
      server.close();
    }
  }

  static String metrics(InetSocketAddress at) throws Exception {
    String r =
        RawHttp.exchange(at, "GET /metrics HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
    assertThat(RawHttp.status(r)).isEqualTo(200);
    return r.substring(r.indexOf("\r\n\r\n") + 4);
  }

  @Test
  void refusalsAreCounted_andTheExpositionPassesPromtool() throws Exception {
    server =
        FrontendServer.start(
            new InetSocketAddress(InetAddress.getLoopbackAddress(), 0),
            FrontendServerTest.API,
            broker,
            Optional.empty(),
            (a, u, r) -> {
              throw new AssertionError("no admin here");
            },
            HttpLimits.DEFAULTS.withMaxConnections(3));
    InetSocketAddress at = server.address();
    // one malformed request (bare LF framing)
    assertThat(RawHttp.status(RawHttp.exchange(at, "GET /healthz HTTP/1.1\nHost: x\n\n")))
        .isEqualTo(400);
    // one connection over the limit of 3
    List<Socket> held = new ArrayList<>();
    try {
      for (int i = 0; i < 3; i++) {
        held.add(RawHttp.connect(at));
      }
      await().until(() -> server.openConnections() == 3);
      assertThat(RawHttp.status(RawHttp.exchange(at, "GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n")))
          .isEqualTo(503);
    } finally {
      for (Socket s : held) {
        s.close();
      }
    }
    await().until(() -> server.openConnections() == 0);
    String body = metrics(at);
    assertThat(body)
        .contains("maglev_frontend_malformed_requests_total 1\n")
        .contains("maglev_frontend_connections_refused_total 1\n")
        .contains("maglev_frontend_connections_open 1\n") // the scrape's own
        .contains("maglev_frontend_event_streams 0\n")
        .contains("# TYPE maglev_frontend_request_timeouts_total counter\n");

    Path promtool = Path.of("/usr/bin/promtool");
    assumeTrue(
        Files.isExecutable(promtool),
        () -> {
          System.out.println(
              "skipped: /usr/bin/promtool missing (make install-deps installs prometheus)");
          return "promtool missing";
        });
    Process p = new ProcessBuilder(promtool.toString(), "check", "metrics").start();
    p.getOutputStream().write(body.getBytes(StandardCharsets.UTF_8));
    p.getOutputStream().close();
    String out =
        new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8)
            + new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
    assertThat(p.exitValue()).as(out).isZero();
  }
}
