package ch.ipng.maglev.frontend.http;

import static org.assertj.core.api.Assertions.assertThat;

import ch.ipng.maglev.frontend.sse.SseBroker;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;
import org.slf4j.event.KeyValuePair;

/** /admin/ over real sockets: hidden, authenticated, POST only, same-site only. */
class AdminRoutesTest {
  final List<String> performed = new CopyOnWriteArrayList<>();
  final AdminApi admin =
      (action, user, remote) -> {
        performed.add(user + " " + action);
        return CompletableFuture.completedFuture(new AdminApi.Reply(200, "{\"done\":true}"));
      };
  FrontendServer server;

  void start(Optional<AdminGate> gate) throws Exception {
    server =
        FrontendServer.start(
            new InetSocketAddress(InetAddress.getLoopbackAddress(), 0),
            FrontendServerTest.API,
            SseBroker.create(Clock.systemUTC()),
            gate,
            admin);
  }

  @AfterEach
  void stop() {
    if (server != null) {
      server.close();
    }
  }

  HttpResponse<String> send(String method, String path, String body, Map<String, String> headers)
      throws Exception {
    HttpRequest.Builder b =
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.address().getPort() + path))
            .method(method, HttpRequest.BodyPublishers.ofString(body));
    headers.forEach(b::header);
    return HttpClient.newHttpClient().send(b.build(), HttpResponse.BodyHandlers.ofString());
  }

  static String basic(String user, String password) {
    return "Basic "
        + Base64.getEncoder()
            .encodeToString((user + ":" + password).getBytes(StandardCharsets.UTF_8));
  }

  static final Map<String, String> GOOD =
      Map.of("Authorization", basic("ops", "s3cret"), AdminGate.HEADER, "1");

  @Test
  void withoutBothVariables_adminDoesNotExist() throws Exception {
    assertThat(AdminGate.of("ops", "")).isEmpty();
    assertThat(AdminGate.of(null, "x")).isEmpty();
    start(Optional.empty());
    assertThat(send("GET", "/admin/", "", Map.of()).statusCode()).isEqualTo(404);
    HttpResponse<String> r = send("POST", "/admin/api/lb0/backends/a/pause", "", GOOD);
    assertThat(r.statusCode()).isEqualTo(404);
    assertThat(r.headers().firstValue("www-authenticate")).isEmpty();
    assertThat(performed).isEmpty();
  }

  @Test
  void credentialsAreRequired_andCheckedBoth() throws Exception {
    start(AdminGate.of("ops", "s3cret"));
    HttpResponse<String> none = send("POST", "/admin/api/lb0/backends/a/pause", "", Map.of());
    assertThat(none.statusCode()).isEqualTo(401);
    assertThat(none.headers().firstValue("www-authenticate"))
        .hasValue("Basic realm=\"maglevd-frontend admin\", charset=\"UTF-8\"");
    for (String auth :
        List.of(basic("ops", "wrong"), basic("root", "s3cret"), "Basic !!!", "Bearer x")) {
      assertThat(
              send(
                      "POST",
                      "/admin/api/lb0/backends/a/pause",
                      "",
                      Map.of("Authorization", auth, AdminGate.HEADER, "1"))
                  .statusCode())
          .as(auth)
          .isEqualTo(401);
    }
    assertThat(performed).isEmpty();
  }

  @Test
  void theAdminPage_needsCredentialsToo() throws Exception {
    start(AdminGate.of("ops", "s3cret"));
    assertThat(send("GET", "/admin/", "", Map.of()).statusCode()).isEqualTo(401);
    HttpResponse<String> page =
        send("GET", "/admin/", "", Map.of("Authorization", basic("ops", "s3cret")));
    assertThat(page.statusCode()).isEqualTo(200);
    assertThat(page.body()).contains("<title>test page</title>");
    assertThat(
            send(
                    "GET",
                    "/admin/assets/app-abc123.js",
                    "",
                    Map.of("Authorization", basic("ops", "s3cret")))
                .statusCode())
        .isEqualTo(200);
  }

  @Test
  void mutationsArePostOnly_andSameSiteOnly() throws Exception {
    start(AdminGate.of("ops", "s3cret"));
    HttpResponse<String> get =
        send(
            "GET",
            "/admin/api/lb0/backends/a/pause",
            "",
            Map.of("Authorization", basic("ops", "s3cret")));
    assertThat(get.statusCode()).isEqualTo(405);
    HttpResponse<String> noHeader =
        send(
            "POST",
            "/admin/api/lb0/backends/a/pause",
            "",
            Map.of("Authorization", basic("ops", "s3cret")));
    assertThat(noHeader.statusCode()).isEqualTo(403);
    assertThat(noHeader.body())
        .isEqualTo("{\"error\":\"admin requests need the header X-Maglev-Admin: 1\"}");
    HttpResponse<String> evil =
        send(
            "POST",
            "/admin/api/lb0/backends/a/pause",
            "",
            Map.of(
                "Authorization",
                basic("ops", "s3cret"),
                AdminGate.HEADER,
                "1",
                "Origin",
                "http://evil.example"));
    assertThat(evil.statusCode()).isEqualTo(403);
    assertThat(evil.body())
        .isEqualTo(
            "{\"error\":\"cross-site request refused: Origin http://evil.example is not this server\"}");
    assertThat(performed).isEmpty();
  }

  @Test
  void aGoodRequest_isPerformedForItsUser_andABadOneIsExplained() throws Exception {
    start(AdminGate.of("ops", "s3cret"));
    String origin = "http://127.0.0.1:" + server.address().getPort();
    HttpResponse<String> ok =
        send(
            "POST",
            "/admin/api/lb0/frontends/web/pools/primary/backends/nginx0/weight",
            "{\"weight\":25,\"flush\":true,\"reason\":\"canary\",\"ttl\":\"30m\"}",
            Map.of(
                "Authorization", basic("ops", "s3cret"), AdminGate.HEADER, "1", "Origin", origin));
    assertThat(ok.statusCode()).isEqualTo(200);
    assertThat(ok.body()).isEqualTo("{\"done\":true}");
    assertThat(performed)
        .containsExactly(
            "ops SetWeight[maglevd=lb0, frontend=web, pool=primary, backend=nginx0, weight=25,"
                + " flush=true, reason=canary, ttl=PT30M]");
    HttpResponse<String> bad =
        send(
            "POST",
            "/admin/api/lb0/frontends/web/pools/primary/backends/nginx0/weight",
            "{\"weight\":250}",
            GOOD);
    assertThat(bad.statusCode()).isEqualTo(400);
    assertThat(bad.body()).isEqualTo("{\"error\":\"weight: 250 (expected: 0-100)\"}");
    assertThat(performed).hasSize(1);
  }

  static Map<String, String> auth(String user, String password) {
    return Map.of("Authorization", basic(user, password), AdminGate.HEADER, "1");
  }

  @Test
  void adminAndErrorAnswers_areNeverStored_norSniffed() throws Exception {
    start(AdminGate.of("ops", "s3cret"));
    HttpResponse<String> page =
        send("GET", "/admin/", "", Map.of("Authorization", basic("ops", "s3cret")));
    assertThat(page.statusCode()).isEqualTo(200);
    assertThat(page.headers().firstValue("cache-control")).hasValue("no-store");
    assertThat(page.headers().firstValue("x-content-type-options")).hasValue("nosniff");
    HttpResponse<String> action = send("POST", "/admin/api/lb0/backends/a/pause", "", GOOD);
    assertThat(action.statusCode()).isEqualTo(200);
    HttpResponse<String> unauthorized = send("GET", "/admin/", "", Map.of());
    HttpResponse<String> refused =
        send(
            "POST",
            "/admin/api/lb0/backends/a/pause",
            "",
            Map.of("Authorization", basic("ops", "s3cret")));
    HttpResponse<String> notFound = send("GET", "/nope", "", Map.of());
    for (HttpResponse<String> r : List.of(action, unauthorized, refused, notFound)) {
      assertThat(r.headers().firstValue("cache-control")).as(r.toString()).hasValue("no-store");
      assertThat(r.headers().firstValue("x-content-type-options"))
          .as(r.toString())
          .hasValue("nosniff");
      assertThat(r.headers().firstValue("content-type"))
          .hasValue("application/json; charset=utf-8");
    }
    // the dashboard's own page is only revalidated, as before
    assertThat(send("GET", "/view/", "", Map.of()).headers().firstValue("cache-control"))
        .hasValue("no-cache");
  }

  @Test
  void failedLogins_areLogged_andSlowedDownPerAddressAndName_withoutBlocking() throws Exception {
    LoginThrottleTest.ManualClock clock = new LoginThrottleTest.ManualClock();
    start(AdminGate.of("ops", "s3cret", clock));
    Logger gateLogger = (Logger) LoggerFactory.getLogger(AdminGate.class);
    ListAppender<ILoggingEvent> log = new ListAppender<>();
    log.start();
    gateLogger.addAppender(log);
    try {
      for (int i = 0; i < LoginThrottle.FREE_FAILURES; i++) {
        assertThat(
                send("POST", "/admin/api/lb0/backends/a/pause", "", auth("ops", "guess" + i))
                    .statusCode())
            .isEqualTo(401);
      }
      // now even the right password waits: the guesses cannot go on at full speed
      HttpResponse<String> throttled = send("POST", "/admin/api/lb0/backends/a/pause", "", GOOD);
      assertThat(throttled.statusCode()).isEqualTo(429);
      assertThat(throttled.headers().firstValue("retry-after")).hasValue("1");
      assertThat(throttled.body())
          .isEqualTo("{\"error\":\"too many failed logins from this address: try again in 1 s\"}");
      assertThat(performed).isEmpty();
      clock.advance(Duration.ofSeconds(1));
      assertThat(send("POST", "/admin/api/lb0/backends/a/pause", "", auth("ops", "x")).statusCode())
          .isEqualTo(401);
      assertThat(
              send("POST", "/admin/api/lb0/backends/a/pause", "", GOOD)
                  .headers()
                  .firstValue("retry-after"))
          .hasValue("2");
      clock.advance(Duration.ofSeconds(2));
      assertThat(send("POST", "/admin/api/lb0/backends/a/pause", "", GOOD).statusCode())
          .isEqualTo(200);
      assertThat(performed).hasSize(1);
      // the success cleared the name's failures
      assertThat(
              send("POST", "/admin/api/lb0/backends/a/pause", "", auth("ops", "no")).statusCode())
          .isEqualTo(401);
    } finally {
      gateLogger.detachAppender(log);
    }
    List<ILoggingEvent> failures =
        log.list.stream().filter(e -> e.getMessage().equals("admin-login-failed")).toList();
    assertThat(failures).hasSize(LoginThrottle.FREE_FAILURES + 2);
    assertThat(kv(failures.get(0)))
        .containsEntry("user", "ops")
        .containsEntry("remote", "127.0.0.1")
        .containsEntry("failures", "1")
        .containsEntry("retry_after_ms", "0");
    assertThat(kv(failures.get(4)))
        .containsEntry("failures", "5")
        .containsEntry("retry_after_ms", "1000");
    assertThat(kv(failures.get(5)))
        .containsEntry("user", "ops")
        .containsEntry("failures", "6")
        .containsEntry("retry_after_ms", "2000");
    assertThat(kv(failures.get(6))).containsEntry("failures", "1");
    // and counted for Prometheus: seven failures, two answers 429
    assertThat(send("GET", "/metrics", "", Map.of()).body())
        .contains("maglev_frontend_admin_logins_failed_total 7\n")
        .contains("maglev_frontend_admin_logins_throttled_total 2\n");
  }

  private static Map<String, String> kv(ILoggingEvent e) {
    Map<String, String> out = new java.util.HashMap<>();
    for (KeyValuePair p : e.getKeyValuePairs()) {
      out.put(p.key, String.valueOf(p.value));
    }
    return out;
  }
}
