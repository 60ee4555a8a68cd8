package ch.ipng.maglev.daemon;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import ch.ipng.maglev.daemon.testing.DaemonProcess;
import ch.ipng.maglev.daemon.testing.TestServers;
import ch.ipng.maglev.proto.BackendInfo;
import ch.ipng.maglev.proto.GetBackendRequest;
import ch.ipng.maglev.proto.MaglevGrpc;
import io.grpc.Grpc;
import io.grpc.InsecureChannelCredentials;
import io.grpc.ManagedChannel;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * An HTTPS backend whose certificate expires at a time the test reads from it: maglevd's metric and
 * GetBackend carry that time.
 */
class BackendCertExpiryProcessTest {
  @TempDir Path dir;

  @Test
  void httpsBackend_certificateExpiry_isInTheMetricAndGetBackend() throws Exception {
    try (var https = TestServers.https(dir, 200, "ok")) {
      KeyStore ks = KeyStore.getInstance("PKCS12");
      try (InputStream in = Files.newInputStream(dir.resolve("server.p12"))) {
        ks.load(in, "changeit".toCharArray());
      }
      long notAfter =
          ((X509Certificate) ks.getCertificate("server"))
              .getNotAfter()
              .toInstant()
              .getEpochSecond();
      Files.writeString(
          dir.resolve("maglev.yaml"),
          """
          maglev:
            healthchecks:
              tls: { type: https, port: %d, interval: 200ms }
            backends:
              web1: { address: 127.0.0.1, healthcheck: tls }
          """
              .formatted(https.port()));
      try (DaemonProcess d =
              DaemonProcess.start(dir, List.of(), "--config=" + dir.resolve("maglev.yaml"));
          HttpClient http = HttpClient.newHttpClient()) {
        URI metrics = URI.create("http://127.0.0.1:" + d.metricsPort() + "/metrics");
        String line = "maglev_backend_tls_cert_expiry_timestamp_seconds{backend=\"web1\"} ";
        await()
            .atMost(Duration.ofSeconds(30))
            .until(
                () ->
                    http.send(
                            HttpRequest.newBuilder(metrics).build(),
                            HttpResponse.BodyHandlers.ofString())
                        .body()
                        .contains(line));
        String body =
            http.send(HttpRequest.newBuilder(metrics).build(), HttpResponse.BodyHandlers.ofString())
                .body();
        String value =
            body.lines()
                .filter(l -> l.startsWith(line))
                .findFirst()
                .orElseThrow()
                .substring(line.length());
        assertThat(Double.parseDouble(value)).isEqualTo((double) notAfter);

        ManagedChannel c =
            Grpc.newChannelBuilderForAddress(
                    "127.0.0.1", d.grpcPort(), InsecureChannelCredentials.create())
                .build();
        try {
          BackendInfo b =
              MaglevGrpc.newBlockingStub(c)
                  .withDeadlineAfter(30, TimeUnit.SECONDS)
                  .getBackend(GetBackendRequest.newBuilder().setName("web1").build());
          assertThat(b.getTlsCertNotAfterNs()).isEqualTo(notAfter * 1_000_000_000L);
        } finally {
          c.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
        }
      }
    }
  }
}
