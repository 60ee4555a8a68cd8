package ch.ipng.maglev.frontend.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import ch.ipng.maglev.frontend.SseClient;
import ch.ipng.maglev.frontend.sse.SseBroker;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The HTTP routes and the event stream over real sockets. */
class FrontendServerTest {
  static final Api API =
      new Api() {
        @Override
        public String versionJson() {
          return "{\"version\":\"test\"}";
        }

        @Override
        public String maglevdsJson() {
          return "[]";
        }

        @Override
        public String stateJson() {
          return "[{\"maglevd\":\"lb0\"}]";
        }

        @Override
        public java.util.Optional<String> stateJson(String maglevd) {
          return maglevd.equals("lb0")
              ? java.util.Optional.of("{\"maglevd\":\"lb0\"}")
              : java.util.Optional.empty();
        }

        @Override
        public java.util.List<String> names() {
          return java.util.List.of("lb0");
        }
      };

  SseBroker broker = SseBroker.create(Clock.systemUTC());
  FrontendServer server;

  FrontendServer start(SseBroker b) throws Exception {
    server =
        FrontendServer.start(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), API, b);
    return server;
  }

  URI uri(String path) {
    return URI.create("http://127.0.0.1:" + server.address().getPort() + path);
  }

  @AfterEach
  void stop() {
    if (server != null) {
      server.close();
    }
  }

  HttpResponse<String> request(String method, String path) throws Exception {
    return HttpClient.newHttpClient()
        .send(
            HttpRequest.newBuilder(uri(path))
                .method(method, HttpRequest.BodyPublishers.noBody())
                .build(),
            HttpResponse.BodyHandlers.ofString());
  }

  @Test
  void routes() throws Exception {
    start(broker);
    assertThat(request("GET", "/healthz").body()).isEqualTo("ok\n");
    HttpResponse<String> v = request("GET", "/view/api/version");
    assertThat(v.statusCode()).isEqualTo(200);
    assertThat(v.headers().firstValue("content-type")).hasValue("application/json; charset=utf-8");
    assertThat(v.body()).isEqualTo("{\"version\":\"test\"}");
    assertThat(request("GET", "/view/api/maglevds").body()).isEqualTo("[]");
    assertThat(request("GET", "/view/api/state").body()).isEqualTo("[{\"maglevd\":\"lb0\"}]");
    assertThat(request("GET", "/view/api/state/lb0").body()).isEqualTo("{\"maglevd\":\"lb0\"}");
    HttpResponse<String> unknown = request("GET", "/view/api/state/lb9");
    assertThat(unknown.statusCode()).isEqualTo(404);
    assertThat(unknown.body()).isEqualTo("{\"error\":\"no maglevd \\\"lb9\\\" (known: lb0)\"}");
    HttpResponse<String> missing = request("GET", "/nope");
    assertThat(missing.statusCode()).isEqualTo(404);
    assertThat(missing.body()).isEqualTo("{\"error\":\"no such page: /nope\"}");
    HttpResponse<String> post = request("POST", "/view/api/version");
    assertThat(post.statusCode()).isEqualTo(405);
    assertThat(post.body()).isEqualTo("{\"error\":\"use GET for /view/api/version\"}");
    HttpResponse<String> root =
        HttpClient.newHttpClient()
            .send(HttpRequest.newBuilder(uri("/")).build(), HttpResponse.BodyHandlers.ofString());
    assertThat(root.statusCode()).isEqualTo(302);
    assertThat(root.headers().firstValue("location")).hasValue("/view/");
  }

  @Test
  void anUndecodableMaglevdName_is400NamingIt_andTheConnectionServesOn() throws Exception {
    start(broker);
    String r =
        RawHttp.exchange(
            server.address(),
            "GET /view/api/state/lb%zz HTTP/1.1\r\nHost: x\r\n\r\n"
                + "GET /healthz HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
    assertThat(RawHttp.status(r)).isEqualTo(400);
    assertThat(r)
        .contains(
            "{\"error\":\"maglevd: \\\"lb%zz\\\" cannot be decoded (expected: %XX escapes of two"
                + " hex digits, UTF-8)\"}")
        .endsWith("ok\n");
  }

  @Test
  void pipelinedRequests_areAnsweredInOrder_whenAnEarlierAnswerIsWorkedOutLater() throws Exception {
    // the lookup answers after a while, off the event loop; /healthz would answer at once
    Api slowLookup =
        new Api() {
          @Override
          public String versionJson() {
            return API.versionJson();
          }

          @Override
          public String maglevdsJson() {
            return API.maglevdsJson();
          }

          @Override
          public String stateJson() {
            return API.stateJson();
          }

          @Override
          public java.util.Optional<String> stateJson(String maglevd) {
            return API.stateJson(maglevd);
          }

          @Override
          public java.util.List<String> names() {
            return API.names();
          }

          @Override
          public java.util.concurrent.CompletableFuture<AdminApi.Reply> lookupFlow(
              String maglevd, FlowQuery query) {
            return java.util.concurrent.CompletableFuture.supplyAsync(
                () -> new AdminApi.Reply(200, "{\"looked\":\"up\"}"),
                java.util.concurrent.CompletableFuture.delayedExecutor(
                    300, java.util.concurrent.TimeUnit.MILLISECONDS));
          }
        };
    server =
        FrontendServer.start(
            new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), slowLookup, broker);
    String r =
        RawHttp.exchange(
            server.address(),
            "GET /view/api/flow/lb0?src=198.51.100.7&dst=192.0.2.1:80 HTTP/1.1\r\nHost: x\r\n\r\n"
                + "GET /healthz HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
    assertThat(RawHttp.status(r)).isEqualTo(200);
    assertThat(r.indexOf("{\"looked\":\"up\"}")).isPositive().isLessThan(r.indexOf("ok\n"));
    assertThat(r).endsWith("ok\n");
  }

  @Test
  void thePage_isServedUncached_andItsHashedAssetsForGood() throws Exception {
    start(broker);
    HttpResponse<String> page = request("GET", "/view/");
    assertThat(page.statusCode()).isEqualTo(200);
    assertThat(page.body()).contains("<title>test page</title>");
    assertThat(page.headers().firstValue("content-type")).hasValue("text/html; charset=utf-8");
    assertThat(page.headers().firstValue("cache-control")).hasValue("no-cache");
    assertThat(page.headers().firstValue("content-security-policy"))
        .hasValue("default-src 'self'; frame-ancestors 'none'");
    HttpResponse<String> asset = request("GET", "/view/assets/app-abc123.js");
    assertThat(asset.body()).isEqualTo("console.log(\"test asset\");\n");
    assertThat(asset.headers().firstValue("content-type"))
        .hasValue("text/javascript; charset=utf-8");
    assertThat(asset.headers().firstValue("cache-control"))
        .hasValue("public, max-age=31536000, immutable");
    assertThat(request("GET", "/favicon.ico").headers().firstValue("content-type"))
        .hasValue("image/svg+xml");
    assertThat(request("GET", "/view/assets/nope.js").statusCode()).isEqualTo(404);
    assertThat(request("GET", "/view/assets/..%2Findex.html").statusCode()).isEqualTo(404);
    assertThat(request("GET", "/view").headers().firstValue("location")).hasValue("/view/");
    // the admin page is hidden when admin is off
    assertThat(request("GET", "/admin/").statusCode()).isEqualTo(404);
  }

  @Test
  void eventStream_headers_retryHint_andEventsWithIds() throws Exception {
    start(broker);
    try (SseClient c = SseClient.connect(uri("/view/api/events"), null)) {
      assertThat(c.response.headers().firstValue("content-type"))
          .hasValue("text/event-stream; charset=utf-8");
      assertThat(c.response.headers().firstValue("x-accel-buffering")).hasValue("no");
      assertThat(c.response.headers().firstValue("cache-control")).hasValue("no-cache");
      assertThat(c.response.headers().firstValue("content-encoding")).isEmpty();
      await().until(() -> broker.clientCount() == 1);
      SseBroker.Event sent = broker.publish("backend-transition", "{\"backend\":\"a\"}");
      await().until(() -> c.events.size() == 1);
      assertThat(c.events.get(0))
          .isEqualTo(
              new SseClient.Received(sent.id(), "backend-transition", "{\"backend\":\"a\"}"));
      assertThat(c.comments).contains("retry: 2000");
    }
    await().until(() -> broker.clientCount() == 0);
  }

  @Test
  void reconnectWithLastEventId_getsExactlyTheMissedEvents() throws Exception {
    start(broker);
    String last;
    try (SseClient c = SseClient.connect(uri("/view/api/events"), null)) {
      await().until(() -> broker.clientCount() == 1);
      for (int i = 0; i < 3; i++) {
        broker.publish("log", "{\"n\":" + i + "}");
      }
      await().until(() -> c.events.size() == 3);
      last = c.lastId();
    }
    await().until(() -> broker.clientCount() == 0);
    for (int i = 3; i < 7; i++) {
      broker.publish("log", "{\"n\":" + i + "}"); // missed while away
    }
    try (SseClient c = SseClient.connect(uri("/view/api/events"), last)) {
      await().until(() -> c.events.size() == 4);
      broker.publish("log", "{\"n\":7}");
      await().until(() -> c.events.size() == 5);
      assertThat(c.events)
          .extracting(SseClient.Received::data)
          .containsExactly("{\"n\":3}", "{\"n\":4}", "{\"n\":5}", "{\"n\":6}", "{\"n\":7}");
    }
  }

  @Test
  void afterAFrontendRestart_aReconnectingClientGetsResync() throws Exception {
    start(broker);
    String last;
    try (SseClient c = SseClient.connect(uri("/view/api/events"), null)) {
      await().until(() -> broker.clientCount() == 1);
      broker.publish("log", "{}");
      await().until(() -> c.events.size() == 1);
      last = c.lastId();
    }
    server.close();
    SseBroker restarted = SseBroker.create(Clock.systemUTC());
    await().until(() -> restarted.epoch() != broker.epoch());
    start(restarted);
    restarted.publish("log", "{}");
    try (SseClient c = SseClient.connect(uri("/view/api/events"), last)) {
      await().until(() -> !c.events.isEmpty());
      assertThat(c.events.get(0).event()).isEqualTo("resync");
      assertThat(c.events.get(0).id()).isEqualTo(restarted.epoch() + "-0");
    }
  }

  @Test
  void aClientThatStopsReading_isCutOff_whileAnotherKeepsReceiving() throws Exception {
    SseBroker small = SseBroker.create(Clock.systemUTC(), 2000, 8);
    start(small);
    String big = "\"" + "x".repeat(64 * 1024) + "\"";
    try (Socket slow = new Socket();
        SseClient fast = SseClient.connect(uri("/view/api/events"), null)) {
      slow.setReceiveBufferSize(4096);
      slow.connect(server.address());
      OutputStream out = slow.getOutputStream();
      out.write(
          "GET /view/api/events HTTP/1.1\r\nHost: x\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
      out.flush();
      await().until(() -> small.clientCount() == 2);
      int sent = 0;
      // The slow one never reads: once the socket buffers are full, its queue fills and it is
      // cut off; the fast one reads every event meanwhile.
      while (small.clientCount() == 2 && sent < 2000) {
        small.publish("log", big);
        sent++;
        int expected = sent;
        await().atMost(Duration.ofSeconds(10)).until(() -> fast.events.size() == expected);
      }
      assertThat(small.clientCount()).isEqualTo(1);
      assertThat(sent).isLessThan(2000);
      // the slow connection was closed by the server: reading it to the end terminates
      InputStream in = slow.getInputStream();
      byte[] buf = new byte[1 << 16];
      slow.setSoTimeout(10_000);
      while (in.read(buf) >= 0) {
        // drain what was buffered before the close
      }
      for (int i = 0; i < 5; i++) {
        small.publish("log", "{\"after\":" + i + "}");
      }
      int total = sent + 5;
      await().until(() -> fast.events.size() == total);
    }
  }
}
