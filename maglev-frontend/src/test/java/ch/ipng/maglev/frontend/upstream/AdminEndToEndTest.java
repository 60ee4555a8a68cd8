package ch.ipng.maglev.frontend.upstream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import ch.ipng.maglev.common.Version;
import ch.ipng.maglev.daemon.testing.DaemonProcess;
import ch.ipng.maglev.daemon.testing.TestServers;
import ch.ipng.maglev.frontend.DashboardApi;
import ch.ipng.maglev.frontend.http.AdminGate;
import ch.ipng.maglev.frontend.http.FrontendServer;
import ch.ipng.maglev.frontend.sse.SseBroker;
import ch.ipng.maglev.proto.GetBackendRequest;
import ch.ipng.maglev.proto.GetFrontendRequest;
import ch.ipng.maglev.proto.MaglevGrpc;
import ch.ipng.maglev.proto.OverrideInfo;
import com.google.gson.JsonParser;
import io.grpc.ManagedChannel;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Admin actions through the frontend change a real maglevd, and only when they should. */
class AdminEndToEndTest {
  @TempDir Path dir;

  @Test
  void pauseAndWeight_reachMaglevd_crossSiteDoesNot_andMaglevdsErrorsAreShownPlainly()
      throws Exception {
    try (TestServers.Http web = TestServers.http(200, "ok")) {
      DaemonProcess d = OneBackendMaglevd.start(dir, web.port());
      SseBroker broker = SseBroker.create(Clock.systemUTC());
      String address = "127.0.0.1:" + d.grpcPort();
      ManagedChannel ch = NettyChannelBuilder.forTarget(address).usePlaintext().build();
      Maglevds maglevds = Maglevds.start(List.of(address), broker);
      DashboardApi api = DashboardApi.of(maglevds, Version.current());
      try (d;
          maglevds;
          FrontendServer server =
              FrontendServer.start(
                  new InetSocketAddress(InetAddress.getLoopbackAddress(), 0),
                  api,
                  broker,
                  AdminGate.of("ops", "s3cret"),
                  api)) {
        var stub = MaglevGrpc.newBlockingStub(ch).withDeadlineAfter(10, TimeUnit.SECONDS);
        await()
            .until(
                () ->
                    stub.getBackend(GetBackendRequest.newBuilder().setName("web1").build())
                        .getState()
                        .equals("up"));
        String base = "http://127.0.0.1:" + server.address().getPort();
        String auth =
            "Basic "
                + Base64.getEncoder().encodeToString("ops:s3cret".getBytes(StandardCharsets.UTF_8));

        // a page elsewhere cannot drain the backend through a logged-in browser
        HttpResponse<String> evil =
            post(base, "/admin/api/127.0.0.1/backends/web1/pause", "", auth, "http://evil.example");
        assertThat(evil.statusCode()).isEqualTo(403);
        assertThat(
                stub.getBackend(GetBackendRequest.newBuilder().setName("web1").build()).getState())
            .isEqualTo("up");

        HttpResponse<String> paused =
            post(base, "/admin/api/127.0.0.1/backends/web1/pause", "", auth, base);
        assertThat(paused.statusCode()).isEqualTo(200);
        assertThat(
                JsonParser.parseString(paused.body()).getAsJsonObject().get("state").getAsString())
            .isEqualTo("paused");
        assertThat(
                stub.getBackend(GetBackendRequest.newBuilder().setName("web1").build()).getState())
            .isEqualTo("paused");
        // maglevd's audit names the dashboard's user, not the frontend's address
        assertThat(d.log()).contains("\"msg\":\"audit\",\"actor\":\"ops\"");

        // paused again with why and for how long: maglevd keeps both, with the dashboard's user
        long before = System.currentTimeMillis() * 1_000_000L;
        HttpResponse<String> why =
            post(
                base,
                "/admin/api/127.0.0.1/backends/web1/pause",
                "{\"reason\":\"kernel upgrade\",\"ttl\":\"2h\"}",
                auth,
                base);
        assertThat(why.statusCode()).as(why.body()).isEqualTo(200);
        OverrideInfo pause =
            stub
                .getBackend(GetBackendRequest.newBuilder().setName("web1").build())
                .getOverridesList()
                .stream()
                .filter(o -> o.getKind().equals("pause"))
                .findFirst()
                .orElseThrow();
        assertThat(pause.getReason()).isEqualTo("kernel upgrade");
        assertThat(pause.getActor()).isEqualTo("ops");
        assertThat(pause.getUntilNs())
            .isBetween(
                before + Duration.ofHours(2).toNanos(),
                pause.getSinceNs() + Duration.ofHours(2).toNanos());
        // the page's state carries it, for the row to show
        await()
            .untilAsserted(
                () ->
                    assertThat(get(base + "/view/api/state/127.0.0.1"))
                        .contains("\"reason\":\"kernel upgrade\"")
                        .contains("\"actor\":\"ops\""));
        // a bad body never reaches maglevd: the frontend says what was wrong
        HttpResponse<String> badTtl =
            post(base, "/admin/api/127.0.0.1/backends/web1/resume", "{\"ttl\":\"1h\"}", auth, base);
        assertThat(badTtl.statusCode()).isEqualTo(400);
        assertThat(badTtl.body()).contains("ttl: a resume takes none");
        assertThat(
                stub.getBackend(GetBackendRequest.newBuilder().setName("web1").build()).getState())
            .isEqualTo("paused");

        HttpResponse<String> weight =
            post(
                base,
                "/admin/api/127.0.0.1/frontends/site/pools/primary/backends/web1/weight",
                "{\"weight\":30}",
                auth,
                base);
        assertThat(weight.statusCode()).isEqualTo(200);
        assertThat(
                stub.getFrontend(GetFrontendRequest.newBuilder().setName("site").build())
                    .getPools(0)
                    .getBackends(0)
                    .getWeight())
            .isEqualTo(30);
        HttpResponse<String> canary =
            post(
                base,
                "/admin/api/127.0.0.1/frontends/site/pools/primary/backends/web1/weight",
                "{\"weight\":20,\"reason\":\"canary\",\"ttl\":\"30m\"}",
                auth,
                base);
        assertThat(canary.statusCode()).as(canary.body()).isEqualTo(200);
        OverrideInfo w =
            stub.getFrontend(GetFrontendRequest.newBuilder().setName("site").build())
                .getPools(0)
                .getBackends(0)
                .getOverride();
        assertThat(w.getWeight()).isEqualTo(20);
        assertThat(w.getReason()).isEqualTo("canary");
        assertThat(w.getActor()).isEqualTo("ops");
        assertThat(w.getUntilNs() - w.getSinceNs()).isEqualTo(Duration.ofMinutes(30).toNanos());

        // maglevd's own refusals come through with their message and a fitting status
        HttpResponse<String> missing =
            post(
                base,
                "/admin/api/127.0.0.1/frontends/site/pools/primary/backends/nosuch/weight",
                "{\"weight\":30}",
                auth,
                base);
        assertThat(missing.statusCode()).isEqualTo(404);
        assertThat(missing.body()).doesNotContain("rpc error").contains("nosuch");
        // no VPP behind this maglevd: nothing to preview, and maglevd says so
        HttpResponse<String> preview =
            post(
                base,
                "/admin/api/127.0.0.1/frontends/site/pools/primary/backends/web1/weight-preview",
                "{\"weight\":50}",
                auth,
                base);
        assertThat(preview.statusCode()).isEqualTo(503);
        assertThat(preview.body()).isEqualTo("{\"error\":\"VPP integration is not connected\"}");
        HttpResponse<String> previewMissing =
            post(
                base,
                "/admin/api/127.0.0.1/frontends/site/pools/primary/backends/nosuch/weight-preview",
                "{\"weight\":50}",
                auth,
                base);
        assertThat(previewMissing.statusCode()).isEqualTo(404);
        assertThat(previewMissing.body())
            .isEqualTo(
                "{\"error\":\"backend \\\"nosuch\\\" not found in pool \\\"primary\\\" of frontend"
                    + " \\\"site\\\"\"}");
        HttpResponse<String> vpp = post(base, "/admin/api/127.0.0.1/sync-vpp", "", auth, base);
        assertThat(vpp.statusCode()).isEqualTo(503);
        assertThat(vpp.body()).isEqualTo("{\"error\":\"VPP integration is not connected\"}");
        // releasing a checker that suspects nothing reaches maglevd and says there was nothing
        HttpResponse<String> release =
            post(base, "/admin/api/127.0.0.1/release-checker", "", auth, base);
        assertThat(release.statusCode()).isEqualTo(200);
        assertThat(
                JsonParser.parseString(release.body())
                    .getAsJsonObject()
                    .get("suspected")
                    .getAsBoolean())
            .isFalse();
        String state = get(base + "/view/api/state/127.0.0.1");
        assertThat(JsonParser.parseString(state).getAsJsonObject().get("checker_suspicion"))
            .as(state)
            .satisfies(e -> assertThat(e.isJsonNull()).isTrue());
        HttpResponse<String> unknown =
            post(base, "/admin/api/lb9/backends/web1/pause", "", auth, base);
        assertThat(unknown.statusCode()).isEqualTo(404);
        assertThat(unknown.body())
            .isEqualTo("{\"error\":\"no maglevd \\\"lb9\\\" (known: 127.0.0.1)\"}");
      } finally {
        ch.shutdownNow();
      }
    }
  }

  static String get(String url) throws Exception {
    return HttpClient.newHttpClient()
        .send(HttpRequest.newBuilder(URI.create(url)).build(), HttpResponse.BodyHandlers.ofString())
        .body();
  }

  static HttpResponse<String> post(
      String base, String path, String body, String auth, String origin) throws Exception {
    return HttpClient.newHttpClient()
        .send(
            HttpRequest.newBuilder(URI.create(base + path))
                .POST(HttpRequest.BodyPublishers.ofString(body))
                .header("Authorization", auth)
                .header(AdminGate.HEADER, "1")
                .header("Origin", origin)
                .build(),
            HttpResponse.BodyHandlers.ofString());
  }
}
