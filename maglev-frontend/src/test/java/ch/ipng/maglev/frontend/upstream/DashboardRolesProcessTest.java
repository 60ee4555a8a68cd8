package ch.ipng.maglev.frontend.upstream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import ch.ipng.maglev.common.testing.TestPki;
import ch.ipng.maglev.daemon.testing.DaemonProcess;
import ch.ipng.maglev.daemon.testing.TestServers;
import ch.ipng.maglev.frontend.Main;
import ch.ipng.maglev.frontend.SseClient;
import ch.ipng.maglev.frontend.http.AdminGate;
import ch.ipng.maglev.frontend.http.PasswordHash;
import ch.ipng.maglev.proto.GetBackendRequest;
import ch.ipng.maglev.proto.MaglevGrpc;
import ch.ipng.maglev.proto.OverrideInfo;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import io.grpc.ManagedChannel;
import io.grpc.TlsChannelCredentials;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Each dashboard role's allowed and refused actions, end to end: a maglevd-frontend process with a
 * users file (a viewer, an operator and an admin) in front of two maglevd processes that require
 * client certificates from two different CAs, the dashboard's own per-maglevd TLS files
 * (--server-tls) giving it the role operator at one and viewer at the other. Asserted: the HTTP
 * status, the JSON error, what maglevd recorded (the override's actor, its audit lines), and the
 * audit events on the dashboard's event stream.
 */
class DashboardRolesProcessTest {
  static final Duration WAIT = Duration.ofSeconds(60);
  static final Pattern LISTENING = Pattern.compile("\"msg\":\"listening\".*\"port\":\"?(\\d+)");

  @TempDir Path dir;

  static DaemonProcess maglevd(Path dir, TestPki pki, int webPort, String clients)
      throws Exception {
    Files.createDirectories(dir);
    Path config = dir.resolve("maglev.yaml");
    Files.writeString(
        config,
        """
        maglev:
          healthchecks:
            http: { type: http, port: %d, interval: 200ms, params: { path: /healthz } }
          backends:
            web1: { address: 127.0.0.1, healthcheck: http }
          frontends:
            site:
              address: 192.0.2.1
              protocol: tcp
              port: 80
              pools:
                - { name: primary, backends: { web1: {} } }
          grpc:
            clients: { %s }
        """
            .formatted(webPort, clients));
    return DaemonProcess.start(
        dir,
        List.of(),
        "--grpc-tls-cert=" + pki.cert("maglevd"),
        "--grpc-tls-key=" + pki.key("maglevd"),
        "--grpc-client-ca=" + pki.caCert(),
        "--config=" + config);
  }

  static String tls(TestPki pki, String client) {
    return "ca:" + pki.caCert() + ",cert:" + pki.cert(client) + ",key:" + pki.key(client);
  }

  @Test
  void viewerOperatorAndAdminUsers_throughTheDashboard_toTwoMaglevdsWithTheirOwnCas()
      throws Exception {
    TestPki a = TestPki.create(dir.resolve("pki-a"), "ca-a");
    a.server("maglevd");
    a.client("dash-a", "");
    TestPki b = TestPki.create(dir.resolve("pki-b"), "ca-b");
    b.server("maglevd");
    b.client("dash-b", "");
    Path users = dir.resolve("users");
    int rounds = 1_000; // few: the test stays fast; the format is that of --hash-password
    Files.writeString(
        users,
        "vera viewer %s\nolga operator %s\nada admin %s\n"
            .formatted(
                PasswordHash.make("v-pw", rounds),
                PasswordHash.make("o-pw", rounds),
                PasswordHash.make("a-pw", rounds)));
    try (TestServers.Http web = TestServers.http(200, "ok");
        DaemonProcess ma = maglevd(dir.resolve("a"), a, web.port(), "dash-a: operator");
        DaemonProcess mb = maglevd(dir.resolve("b"), b, web.port(), "dash-b: viewer")) {
      // "localhost" is maglevd A, "127.0.0.1" maglevd B: each with its own CA and certificate
      Process frontend =
          new ProcessBuilder(
                  Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                  "-cp",
                  System.getProperty("java.class.path"),
                  Main.class.getName(),
                  "--listen=127.0.0.1:0",
                  "--server=localhost:" + ma.grpcPort() + ",127.0.0.1:" + mb.grpcPort(),
                  "--server-tls=localhost=" + tls(a, "dash-a"),
                  "--server-tls",
                  "127.0.0.1:" + mb.grpcPort() + "=" + tls(b, "dash-b"),
                  "--users=" + users)
              .redirectError(ProcessBuilder.Redirect.DISCARD)
              .start();
      List<String> lines = new CopyOnWriteArrayList<>();
      Thread reader =
          Thread.ofPlatform()
              .start(
                  () -> {
                    try (BufferedReader r =
                        new BufferedReader(
                            new InputStreamReader(
                                frontend.getInputStream(), StandardCharsets.UTF_8))) {
                      for (String l; (l = r.readLine()) != null; ) {
                        lines.add(l);
                      }
                    } catch (Exception e) {
                      // the process ended
                    }
                  });
      ManagedChannel readA =
          NettyChannelBuilder.forTarget(
                  "localhost:" + ma.grpcPort(),
                  TlsChannelCredentials.newBuilder()
                      .trustManager(a.caCert().toFile())
                      .keyManager(a.cert("dash-a").toFile(), a.key("dash-a").toFile())
                      .build())
              .build();
      try {
        await().atMost(WAIT).until(() -> lines.stream().anyMatch(l -> LISTENING.matcher(l).find()));
        Matcher m =
            LISTENING.matcher(
                lines.stream().filter(l -> LISTENING.matcher(l).find()).findFirst().orElseThrow());
        assertThat(m.find()).isTrue();
        String base = "http://127.0.0.1:" + m.group(1);
        assertThat(lines)
            .anyMatch(
                l ->
                    l.contains("\"msg\":\"admin-enabled\"")
                        && l.contains("users: vera=viewer,olga=operator,ada=admin"));
        // both maglevds reached, over their own TLS
        await()
            .atMost(WAIT)
            .untilAsserted(
                () -> {
                  String state = get(base + "/view/api/state");
                  assertThat(state).doesNotContain("\"connected\":false").contains("web1");
                });
        try (SseClient events = SseClient.connect(URI.create(base + "/view/api/events"), null)) {
          var stubA = MaglevGrpc.newBlockingStub(readA);

          // the viewer: refused by the dashboard, maglevd never asked
          HttpResponse<String> r = post(base, "localhost/backends/web1/pause", "", "vera", "v-pw");
          assertThat(r.statusCode()).isEqualTo(403);
          assertThat(error(r)).isEqualTo("pause needs the role operator; user vera is viewer");
          assertThat(post(base, "localhost/reload-config", "", "vera", "v-pw").statusCode())
              .isEqualTo(403);
          assertThat(ma.log()).doesNotContain("\"actor\":\"vera\"");
          // a viewer may still ask what a weight would do, and maglevd answers a viewer that
          // too: here that VPP is not there (this maglevd runs without), not a refusal
          r =
              post(
                  base,
                  "127.0.0.1/frontends/site/pools/primary/backends/web1/weight-preview",
                  "{\"weight\": 50}",
                  "vera",
                  "v-pw");
          assertThat(r.statusCode()).as(r.body()).isEqualTo(503);
          assertThat(error(r)).contains("VPP").doesNotContain("role");

          // the operator: a pause with why and for how long, recorded as the operator's
          r =
              post(
                  base,
                  "localhost/backends/web1/pause",
                  "{\"reason\":\"kernel upgrade\",\"ttl\":\"1h\"}",
                  "olga",
                  "o-pw");
          assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
          OverrideInfo pause =
              stubA
                  .withDeadlineAfter(10, TimeUnit.SECONDS)
                  .getBackend(GetBackendRequest.newBuilder().setName("web1").build())
                  .getOverridesList()
                  .stream()
                  .filter(o -> o.getKind().equals("pause"))
                  .findFirst()
                  .orElseThrow();
          assertThat(pause.getActor()).isEqualTo("olga");
          assertThat(pause.getReason()).isEqualTo("kernel upgrade");
          assertThat(ma.log())
              .contains(
                  "\"msg\":\"audit\",\"actor\":\"olga\",\"identity\":\"dash-a\",\"peer\":\"127.0.0.1:");
          // ... and the audit event on the dashboard's stream says who, what, how it went, why
          await()
              .atMost(WAIT)
              .untilAsserted(
                  () ->
                      assertThat(audits(events))
                          .anySatisfy(
                              e -> {
                                assertThat(e.get("maglevd").getAsString()).isEqualTo("localhost");
                                JsonObject au = e.getAsJsonObject("audit");
                                assertThat(au.get("actor").getAsString()).isEqualTo("olga");
                                assertThat(au.get("rpc").getAsString()).isEqualTo("PauseBackend");
                                assertThat(au.get("result").getAsString()).isEqualTo("OK");
                                assertThat(au.getAsJsonObject("args").get("reason").getAsString())
                                    .isEqualTo("kernel upgrade");
                              }));
          // an operator may not reload: refused by the dashboard, naming the role it needs
          r = post(base, "localhost/reload-config", "", "olga", "o-pw");
          assertThat(r.statusCode()).isEqualTo(403);
          assertThat(error(r))
              .isEqualTo("reload-config needs the role admin; user olga is operator");
          assertThat(ma.log()).doesNotContain("\"rpc\":\"ReloadConfig\"");

          // the admin: the dashboard lets the reload through, maglevd refuses its certificate
          // (operator at maglevd A) and records the admin as the one who asked
          r = post(base, "localhost/reload-config", "", "ada", "a-pw");
          assertThat(r.statusCode()).isEqualTo(403);
          assertThat(error(r)).isEqualTo("ReloadConfig needs role admin; dash-a has role operator");
          assertThat(ma.log())
              .containsPattern(
                  "\"msg\":\"audit\",\"actor\":\"ada\",\"identity\":\"dash-a\".*"
                      + "\"rpc\":\"ReloadConfig\".*\"result\":\"PERMISSION_DENIED\"");
          await()
              .atMost(WAIT)
              .untilAsserted(
                  () ->
                      assertThat(audits(events))
                          .anySatisfy(
                              e -> {
                                JsonObject au = e.getAsJsonObject("audit");
                                assertThat(au.get("actor").getAsString()).isEqualTo("ada");
                                assertThat(au.get("rpc").getAsString()).isEqualTo("ReloadConfig");
                                assertThat(au.get("result").getAsString())
                                    .isEqualTo("PERMISSION_DENIED");
                              }));
          // ... and what its certificate allows, it does as the admin user
          r = post(base, "localhost/backends/web1/resume", "", "ada", "a-pw");
          assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
          assertThat(ma.log())
              .containsPattern(
                  "\"msg\":\"audit\",\"actor\":\"ada\",\"identity\":\"dash-a\".*"
                      + "\"rpc\":\"ResumeBackend\".*\"result\":\"OK\"");
          assertThat(
                  stubA
                      .withDeadlineAfter(10, TimeUnit.SECONDS)
                      .getBackend(GetBackendRequest.newBuilder().setName("web1").build())
                      .getOverridesList())
              .noneMatch(o -> o.getKind().equals("pause"));

          // maglevd B knows the dashboard as a viewer: the operator's pause is refused there
          r = post(base, "127.0.0.1/backends/web1/pause", "", "olga", "o-pw");
          assertThat(r.statusCode()).isEqualTo(403);
          assertThat(error(r))
              .isEqualTo("PauseBackend needs role operator; dash-b has role viewer");
          assertThat(mb.log())
              .containsPattern(
                  "\"msg\":\"audit\",.*\"identity\":\"dash-b\".*\"role\":\"viewer\".*"
                      + "\"rpc\":\"PauseBackend\".*\"result\":\"PERMISSION_DENIED\"");
          assertThat(get(base + "/view/api/state/127.0.0.1")).doesNotContain("\"kind\":\"pause\"");
        }
      } finally {
        readA.shutdownNow();
        frontend.destroy();
        assertThat(frontend.waitFor(30, TimeUnit.SECONDS)).isTrue();
        reader.join(10_000);
      }
      assertThat(frontend.exitValue()).isZero();
    }
  }

  static List<JsonObject> audits(SseClient events) {
    return events.events.stream()
        .filter(e -> e.event().equals("audit"))
        .map(e -> JsonParser.parseString(e.data()).getAsJsonObject())
        .toList();
  }

  static String error(HttpResponse<String> r) {
    return JsonParser.parseString(r.body()).getAsJsonObject().get("error").getAsString();
  }

  static HttpResponse<String> post(
      String base, String action, String body, String user, String password) throws Exception {
    return HttpClient.newHttpClient()
        .send(
            HttpRequest.newBuilder(URI.create(base + "/admin/api/" + action))
                .POST(HttpRequest.BodyPublishers.ofString(body))
                .header(
                    "Authorization",
                    "Basic "
                        + Base64.getEncoder()
                            .encodeToString(
                                (user + ":" + password).getBytes(StandardCharsets.UTF_8)))
                .header(AdminGate.HEADER, "1")
                .timeout(WAIT)
                .build(),
            HttpResponse.BodyHandlers.ofString());
  }

  static String get(String url) throws Exception {
    return HttpClient.newHttpClient()
        .send(
            HttpRequest.newBuilder(URI.create(url)).timeout(WAIT).build(),
            HttpResponse.BodyHandlers.ofString())
        .body();
  }
}
