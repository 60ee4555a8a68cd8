package ch.ipng.maglev.frontend.upstream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import ch.ipng.maglev.common.Version;
import ch.ipng.maglev.common.testing.TestPki;
import ch.ipng.maglev.daemon.testing.DaemonProcess;
import ch.ipng.maglev.daemon.testing.TestServers;
import ch.ipng.maglev.frontend.DashboardApi;
import ch.ipng.maglev.frontend.http.AdminGate;
import ch.ipng.maglev.frontend.http.FrontendServer;
import ch.ipng.maglev.frontend.sse.SseBroker;
import io.grpc.TlsChannelCredentials;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The dashboard towards a maglevd that requires client certificates: an operator certificate
 * carries the admin user's actions, named as the actor; a viewer certificate shows the state but
 * its changes are refused by maglevd.
 */
class TlsUpstreamTest {
  @TempDir Path dir;

  @Test
  void operatorCertificate_actsAsTheAdminUser_viewerCertificateIsRefused() throws Exception {
    TestPki pki = TestPki.create(dir.resolve("pki"), "test-ca");
    pki.server("maglevd");
    pki.client("dashboard", "");
    pki.client("wallboard", "");
    try (TestServers.Http web = TestServers.http(200, "ok")) {
      Path own = dir.resolve("maglevd");
      Files.createDirectories(own);
      DaemonProcess d =
          OneBackendMaglevd.start(
              own,
              web.port(),
              "--grpc-tls-cert=" + pki.cert("maglevd"),
              "--grpc-tls-key=" + pki.key("maglevd"),
              "--grpc-client-ca=" + pki.caCert());
      // the roles: appended to the config the helper wrote, then reloaded
      Files.writeString(
          own.resolve("maglev.yaml"),
          Files.readString(own.resolve("maglev.yaml"))
              + "  grpc:\n    clients: { dashboard: operator, wallboard: viewer }\n");
      d.signal("HUP");
      await()
          .atMost(Duration.ofSeconds(30))
          .until(() -> d.log().contains("\"msg\":\"config-reload\""));
      String address = "localhost:" + d.grpcPort();
      try (d) {
        for (String client : List.of("dashboard", "wallboard")) {
          SseBroker broker = SseBroker.create(Clock.systemUTC());
          try (Maglevds maglevds =
                  Maglevds.start(
                      List.of(address),
                      broker,
                      TlsChannelCredentials.newBuilder()
                          .trustManager(pki.caCert().toFile())
                          .keyManager(pki.cert(client).toFile(), pki.key(client).toFile())
                          .build());
              FrontendServer server =
                  FrontendServer.start(
                      new InetSocketAddress(InetAddress.getLoopbackAddress(), 0),
                      DashboardApi.of(maglevds, Version.current()),
                      broker,
                      AdminGate.of("ops", "s3cret"),
                      DashboardApi.of(maglevds, Version.current()))) {
            await()
                .atMost(Duration.ofSeconds(30))
                .until(() -> maglevds.stateJson().contains("web1"));
            String base = "http://127.0.0.1:" + server.address().getPort();
            String auth =
                "Basic "
                    + Base64.getEncoder()
                        .encodeToString("ops:s3cret".getBytes(StandardCharsets.UTF_8));
            HttpResponse<String> paused =
                AdminEndToEndTest.post(
                    base, "/admin/api/localhost/backends/web1/pause", "", auth, base);
            if (client.equals("dashboard")) {
              assertThat(paused.statusCode()).as(paused.body()).isEqualTo(200);
              assertThat(d.log())
                  .contains(
                      "\"msg\":\"audit\",\"actor\":\"ops\",\"identity\":\"dashboard\","
                          + "\"peer\":\"127.0.0.1:");
              assertThat(
                      AdminEndToEndTest.post(
                              base, "/admin/api/localhost/backends/web1/resume", "", auth, base)
                          .statusCode())
                  .isEqualTo(200);
            } else {
              assertThat(paused.statusCode()).isNotEqualTo(200);
              assertThat(paused.body())
                  .contains("PauseBackend needs role operator; wallboard has role viewer");
            }
          }
        }
      }
    }
  }
}
