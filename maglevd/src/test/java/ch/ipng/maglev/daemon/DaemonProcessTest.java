package ch.ipng.maglev.daemon;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import ch.ipng.maglev.daemon.testing.DaemonProcess;
import ch.ipng.maglev.daemon.testing.Netns;
import ch.ipng.maglev.daemon.testing.TestServers;
import ch.ipng.maglev.proto.Event;
import ch.ipng.maglev.proto.GetBackendRequest;
import ch.ipng.maglev.proto.ListBackendsRequest;
import ch.ipng.maglev.proto.MaglevGrpc;
import ch.ipng.maglev.proto.WatchRequest;
import io.grpc.ManagedChannel;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.grpc.stub.StreamObserver;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * maglevd as its own process: signals, exit status, /metrics through promtool, netns privileges.
 */
class DaemonProcessTest {
  @TempDir Path dir;

  static String config(int port, String backends) {
    return """
        maglev:
          healthchecks:
            http:
              type: http
              port: %d
              interval: 100ms
              timeout: 500ms
          backends:
        %s
          frontends:
            site:
              address: 192.0.2.1
              protocol: tcp
              port: 80
              pools:
                - name: main
                  backends: { a: {} }
        """
        .formatted(port, backends.indent(4).stripTrailing());
  }

  static MaglevGrpc.MaglevBlockingStub stub(ManagedChannel ch) {
    return MaglevGrpc.newBlockingStub(ch).withDeadlineAfter(10, TimeUnit.SECONDS);
  }

  @Test
  void sighup_appliesAValidConfig_refusesAnInvalidOne_sigtermExitsZero() throws Exception {
    try (var web = TestServers.http(200, "ok")) {
      Path file = dir.resolve("maglev.yaml");
      Files.writeString(file, config(web.port(), "a: { address: 127.0.0.1, healthcheck: http }"));
      try (DaemonProcess d = DaemonProcess.start(dir, List.of(), "--config", file.toString())) {
        ManagedChannel ch =
            NettyChannelBuilder.forAddress("127.0.0.1", d.grpcPort()).usePlaintext().build();
        try {
          await()
              .until(
                  () ->
                      stub(ch)
                          .getBackend(GetBackendRequest.newBuilder().setName("a").build())
                          .getState()
                          .equals("up"));

          Files.writeString(
              file,
              config(
                  web.port(),
                  "a: { address: 127.0.0.1, healthcheck: http }\nb: { address: 127.0.0.1, healthcheck: http }"));
          d.signal("HUP");
          await()
              .until(
                  () ->
                      stub(ch)
                              .listBackends(ListBackendsRequest.getDefaultInstance())
                              .getBackendsCount()
                          == 2);
          assertThat(d.log()).contains("\"msg\":\"config-reload\"");

          Files.writeString(file, "maglev:\n  bogus: 1\n");
          d.signal("HUP");
          await().until(() -> d.log().contains("\"msg\":\"config-reload-failed\""));
          assertThat(d.log()).contains("maglev.bogus: unknown key \\\"bogus\\\"");
          assertThat(
                  stub(ch)
                      .listBackends(ListBackendsRequest.getDefaultInstance())
                      .getBackendsCount())
              .isEqualTo(2);
          assertThat(
                  stub(ch)
                      .getBackend(GetBackendRequest.newBuilder().setName("a").build())
                      .getState())
              .isEqualTo("up");

          AtomicBoolean streamEnded = new AtomicBoolean();
          MaglevGrpc.newStub(ch)
              .watchEvents(
                  WatchRequest.newBuilder().setBackend(true).build(),
                  new StreamObserver<Event>() {
                    @Override
                    public void onNext(Event e) {}

                    @Override
                    public void onError(Throwable t) {
                      streamEnded.set(true);
                    }

                    @Override
                    public void onCompleted() {
                      streamEnded.set(true);
                    }
                  });
          d.signal("TERM");
          assertThat(d.waitFor(Duration.ofSeconds(15))).isZero();
          assertThat(d.log())
              .contains("\"msg\":\"stopping\",\"signal\":\"SIGTERM\"", "\"msg\":\"stopped\"");
          await().atMost(Duration.ofSeconds(5)).untilTrue(streamEnded);
        } finally {
          ch.shutdownNow();
        }
      }
    }
  }

  @Test
  void metrics_passPromtool() throws Exception {
    Path promtool = Path.of("/usr/bin/promtool");
    assumeTrue(
        Files.isExecutable(promtool),
        () -> {
          System.out.println(
              "skipped: /usr/bin/promtool missing (make install-deps installs prometheus)");
          return "promtool missing";
        });
    try (var web = TestServers.http(200, "ok")) {
      Path file = dir.resolve("maglev.yaml");
      Files.writeString(file, config(web.port(), "a: { address: 127.0.0.1, healthcheck: http }"));
      try (DaemonProcess d = DaemonProcess.start(dir, List.of(), "--config", file.toString())) {
        HttpClient http = HttpClient.newHttpClient();
        URI uri = URI.create("http://127.0.0.1:" + d.metricsPort() + "/metrics");
        await()
            .until(
                () ->
                    http.send(
                            HttpRequest.newBuilder(uri).build(),
                            HttpResponse.BodyHandlers.ofString())
                        .body()
                        .contains(
                            "maglev_backend_transitions_total{backend=\"a\",from=\"unknown\",to=\"up\"} 1"));
        String body =
            http.send(HttpRequest.newBuilder(uri).build(), HttpResponse.BodyHandlers.ofString())
                .body();
        assertThat(body)
            .contains(
                "maglev_backend_state{backend=\"a\",state=\"up\"} 1",
                "maglev_backend_health{backend=\"a\"}",
                "maglev_backend_enabled{backend=\"a\"} 1",
                "maglev_frontend_pool_backend_weight{backend=\"a\",frontend=\"site\",pool=\"main\"} 100",
                "maglev_frontend_mode{frontend=\"site\",mode=\"normal\"} 1",
                "maglev_frontend_mode{frontend=\"site\",mode=\"panic\"} 0",
                "maglev_probe_total{backend=\"a\",code=\"L7OK\",result=\"success\",type=\"http\"}",
                "maglev_probe_duration_seconds_bucket{backend=\"a\",type=\"http\",le=\"0.1\"}");
        Process p =
            new ProcessBuilder(promtool.toString(), "check", "metrics")
                .redirectErrorStream(true)
                .start();
        p.getOutputStream().write(body.getBytes(StandardCharsets.UTF_8));
        p.getOutputStream().close();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor()).as(out).isZero();
        assertThat(out).isEmpty();
      }
    }
  }

  @Test
  void netns_withoutSysAdmin_everyProbeFailsWithEperm() throws Exception {
    String reason = Netns.unavailableReason();
    if (reason == null && !Files.isExecutable(Path.of("/usr/bin/setpriv"))) {
      reason = "setpriv(1) missing";
    }
    if (reason != null) {
      System.out.println("skipped netns_withoutSysAdmin: " + reason);
    }
    assumeTrue(reason == null, reason);
    try (Netns ns = Netns.create()) {
      Path file = dir.resolve("maglev.yaml");
      Files.writeString(
          file,
          config(8080, "a: { address: 127.0.0.1, healthcheck: http }")
              .replace("maglev:\n", "maglev:\n  healthchecker:\n    netns: " + ns.name() + "\n"));
      try (DaemonProcess d =
          DaemonProcess.start(
              dir,
              List.of("setpriv", "--bounding-set=-sys_admin", "--inh-caps=-sys_admin", "--"),
              "--config",
              file.toString())) {
        await()
            .atMost(Duration.ofSeconds(10))
            .until(() -> d.log().contains("\"msg\":\"backend-transition\""));
        assertThat(d.log())
            .contains(
                "\"backend\":\"a\",\"from\":\"unknown\",\"to\":\"down\",\"code\":\"L4CON\",\"detail\":\"enter netns \\\""
                    + ns.name()
                    + "\\\": operation not permitted\"");
        d.signal("TERM");
        assertThat(d.waitFor(Duration.ofSeconds(15))).isZero();
      }
    }
  }

  static String read(Path p) throws IOException {
    return Files.readString(p);
  }
}
