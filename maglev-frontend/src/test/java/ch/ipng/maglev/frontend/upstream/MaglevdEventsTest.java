package ch.ipng.maglev.frontend.upstream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import ch.ipng.maglev.common.Version;
import ch.ipng.maglev.daemon.testing.DaemonProcess;
import ch.ipng.maglev.daemon.testing.TestServers;
import ch.ipng.maglev.frontend.DashboardApi;
import ch.ipng.maglev.frontend.SseClient;
import ch.ipng.maglev.frontend.http.FrontendServer;
import ch.ipng.maglev.frontend.sse.SseBroker;
import ch.ipng.maglev.proto.BackendRequest;
import ch.ipng.maglev.proto.MaglevGrpc;
import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import io.grpc.ManagedChannel;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A real maglevd process probing a real loopback server, seen through the frontend. */
class MaglevdEventsTest {
  @TempDir Path dir;

  static String get(String url) throws Exception {
    return HttpClient.newHttpClient()
        .send(HttpRequest.newBuilder(URI.create(url)).build(), HttpResponse.BodyHandlers.ofString())
        .body();
  }

  static JsonObject json(SseClient.Received e) {
    return JsonParser.parseString(e.data()).getAsJsonObject();
  }

  @Test
  void maglevdEvents_reachTheBrowser_namedByTheirMaglevd_andALostMaglevdIsShownAsSuch()
      throws Exception {
    try (TestServers.Http web = TestServers.http(200, "ok")) {
      DaemonProcess d = OneBackendMaglevd.start(dir, web.port());
      SseBroker broker = SseBroker.create(Clock.systemUTC());
      String address = "127.0.0.1:" + d.grpcPort();
      try (d;
          Maglevds maglevds = Maglevds.start(List.of(address), broker);
          FrontendServer server =
              FrontendServer.start(
                  new InetSocketAddress(InetAddress.getLoopbackAddress(), 0),
                  DashboardApi.of(maglevds, Version.current()),
                  broker)) {
        String base = "http://127.0.0.1:" + server.address().getPort();
        try (SseClient browser = SseClient.connect(URI.create(base + "/view/api/events"), null)) {
          await().until(() -> maglevds.clients().get(0).connected());
          JsonArray status =
              JsonParser.parseString(
                      HttpClient.newHttpClient()
                          .send(
                              HttpRequest.newBuilder(URI.create(base + "/view/api/maglevds"))
                                  .build(),
                              HttpResponse.BodyHandlers.ofString())
                          .body())
                  .getAsJsonArray();
          assertThat(status).hasSize(1);
          assertThat(status.get(0).getAsJsonObject().get("name").getAsString())
              .isEqualTo("127.0.0.1");
          assertThat(status.get(0).getAsJsonObject().get("connected").getAsBoolean()).isTrue();

          ManagedChannel ch = NettyChannelBuilder.forTarget(address).usePlaintext().build();
          try {
            await()
                .until(
                    () ->
                        browser.events.stream()
                            .anyMatch(
                                e ->
                                    e.event().equals("log")
                                        && json(e)
                                            .getAsJsonObject("log")
                                            .get("msg")
                                            .getAsString()
                                            .equals("probe-done")));
            MaglevGrpc.newBlockingStub(ch)
                .withDeadlineAfter(10, TimeUnit.SECONDS)
                .pauseBackend(
                    BackendRequest.newBuilder().setName("web1").setReason("disk swap").build());
            await()
                .until(
                    () ->
                        browser.events.stream()
                            .filter(e -> e.event().equals("backend-transition"))
                            .map(MaglevdEventsTest::json)
                            .anyMatch(
                                o ->
                                    o.get("maglevd").getAsString().equals("127.0.0.1")
                                        && o.getAsJsonObject("backend")
                                            .get("name")
                                            .getAsString()
                                            .equals("web1")
                                        && o.getAsJsonObject("backend")
                                            .getAsJsonObject("transition")
                                            .get("to")
                                            .getAsString()
                                            .equals("paused")));
            // the pause's who and why go out with the frontends: no transition event carries them
            await()
                .until(
                    () ->
                        browser.events.stream()
                            .filter(e -> e.event().equals("frontends"))
                            .map(MaglevdEventsTest::json)
                            .anyMatch(
                                o ->
                                    o.has("overrides")
                                        && o.getAsJsonObject("overrides")
                                            .getAsJsonArray("web1")
                                            .toString()
                                            .contains("\"reason\":\"disk swap\"")));
            // the cached state follows within the refresh debounce, lists in maglevd's order
            await()
                .until(
                    () -> {
                      JsonObject st =
                          JsonParser.parseString(get(base + "/view/api/state/127.0.0.1"))
                              .getAsJsonObject();
                      return st.getAsJsonArray("backends")
                          .get(0)
                          .getAsJsonObject()
                          .get("state")
                          .getAsString()
                          .equals("paused");
                    });
            JsonObject st =
                JsonParser.parseString(get(base + "/view/api/state/127.0.0.1")).getAsJsonObject();
            assertThat(st.get("connected").getAsBoolean()).isTrue();
            assertThat(st.get("stale").getAsBoolean()).isFalse();
            assertThat(
                    st.getAsJsonArray("frontends")
                        .get(0)
                        .getAsJsonObject()
                        .get("name")
                        .getAsString())
                .isEqualTo("site");
            assertThat(st.getAsJsonArray("healthchecks")).hasSize(1);
            // this maglevd runs without VPP: said so, not hidden
            assertThat(st.get("vpp_state").getAsString()).isEqualTo("disconnected");
            assertThat(st.get("vpp_error").getAsString())
                .isEqualTo("UNAVAILABLE: VPP integration is not connected");
            assertThat(st.get("vpp_info").isJsonNull()).isTrue();
            assertThat(JsonParser.parseString(get(base + "/view/api/state")).getAsJsonArray())
                .hasSize(1);
          } finally {
            ch.shutdownNow();
          }

          d.close(); // maglevd dies: the page must say so, not keep showing the old truth
          await()
              .atMost(Duration.ofSeconds(20))
              .until(
                  () ->
                      browser.events.stream()
                          .filter(e -> e.event().equals("maglevd-status"))
                          .map(MaglevdEventsTest::json)
                          .anyMatch(o -> !o.get("connected").getAsBoolean()));
          assertThat(maglevds.clients().get(0).connected()).isFalse();
          assertThat(maglevds.clients().get(0).lastError()).startsWith("UNAVAILABLE");
          JsonObject after =
              JsonParser.parseString(get(base + "/view/api/state/127.0.0.1")).getAsJsonObject();
          assertThat(after.get("stale").getAsBoolean()).isTrue();
        }
      }
    }
  }
}
