package ch.ipng.maglev.frontend.http;

import static org.assertj.core.api.Assertions.assertThat;

import ch.ipng.maglev.common.testing.Property;
import ch.ipng.maglev.frontend.sse.SseBroker;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Whatever bytes a client sends over a real socket, the dashboard answers nothing in the 5xx range,
 * never mistakes a request it could not read for one of Netty's made-up "/bad-request", its
 * handlers throw nothing they did not expect, and it keeps answering /healthz.
 */
class RequestHandlingPropertyTest {
  static final List<String> SAMPLES =
      List.of(
          "GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n",
          "GET /view/api/state/lb0?x=1 HTTP/1.1\r\nHost: x\r\nAccept: */*\r\n\r\n",
          "HEAD /view/assets/app-abc123.js HTTP/1.0\r\n\r\n",
          "GET /view/ HTTP/1.1\r\nHost: x\r\nConnection: keep-alive\r\n\r\n"
              + "GET /favicon.ico HTTP/1.1\r\nHost: x\r\n\r\n",
          "POST /admin/api/lb0/frontends/web/pools/p/backends/b/weight HTTP/1.1\r\nHost: x\r\n"
              + "Authorization: Basic b3BzOnMzY3JldA==\r\nX-Maglev-Admin: 1\r\n"
              + "Content-Type: application/json\r\nContent-Length: 27\r\n\r\n"
              + "{\"weight\":25,\"flush\":true}\n",
          "POST /admin/api/lb0/sync-vpp HTTP/1.1\r\nHost: x\r\n"
              + "Authorization: Basic b3BzOnMzY3JldA==\r\nX-Maglev-Admin: 1\r\n"
              + "Transfer-Encoding: chunked\r\n\r\n"
              + "13\r\n{\"frontend\":\"web\"}\r\n0\r\n\r\n",
          "GET /admin/ HTTP/1.1\r\nHost: x\r\nAuthorization: Basic Zm9vOmJhcg==\r\n\r\n");
  static final Pattern STATUS = Pattern.compile("HTTP/1\\.[01] (\\d{3}) ");

  static FrontendServer server;

  @BeforeAll
  static void start() throws Exception {
    server =
        FrontendServer.start(
            new InetSocketAddress(InetAddress.getLoopbackAddress(), 0),
            FrontendServerTest.API,
            SseBroker.create(Clock.systemUTC()),
            AdminGate.of("ops", "s3cret"),
            (action, user, remote) ->
                CompletableFuture.completedFuture(new AdminApi.Reply(200, "{\"done\":true}")),
            // short enough that a request cut off mid-way cannot hold the run up
            HttpLimits.DEFAULTS.withHeaderTimeout(Duration.ofSeconds(2)));
  }

  @AfterAll
  static void stop() {
    server.close();
  }

  @Test
  void arbitraryRequestBytes_neverGet5xx_norAnUnexpectedError() throws Exception {
    Property.forAll(
        "dashboard request bytes",
        2000,
        r ->
            r.nextInt(5) == 0
                ? Property.bytes(r, 300)
                : Property.mutate(
                    r, SAMPLES.get(r.nextInt(SAMPLES.size())).getBytes(StandardCharsets.UTF_8)),
        request -> {
          String answer = RawHttp.exchange(server.address(), request);
          // what the decoder could not read is answered as such, not as a page it made up
          assertThat(answer).doesNotContain("/bad-request");
          Matcher m = STATUS.matcher(answer);
          while (m.find()) {
            assertThat(Integer.parseInt(m.group(1))).as(answer).isBetween(100, 499);
          }
          assertThat(server.unexpectedErrors()).isZero();
        });
    String health =
        RawHttp.exchange(
            server.address(), "GET /healthz HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
    assertThat(health).startsWith("HTTP/1.1 200 ").endsWith("ok\n");
    assertThat(server.unexpectedErrors()).isZero();
  }
}
