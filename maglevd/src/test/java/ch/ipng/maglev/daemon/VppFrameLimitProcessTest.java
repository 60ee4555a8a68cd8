package ch.ipng.maglev.daemon;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import ch.ipng.maglev.daemon.testing.DaemonProcess;
import ch.ipng.maglev.daemon.testing.TestServers;
import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * A fake VPP (a real Unix socket) answers maglevd's first API message with a header that claims 2
 * GB: maglevd refuses the frame, counts it in {@code maglev_vpp_frames_refused_total}, stays up and
 * keeps probing.
 */
class VppFrameLimitProcessTest {
  private static final String REFUSED = "maglev_vpp_frames_refused_total";

  @TempDir Path dir;

  @Test
  @Timeout(value = 90, unit = TimeUnit.SECONDS)
  void aHugeFrameClaim_isRefusedAndCounted_andTheDaemonStaysUp() throws Exception {
    Path api = dir.resolve("api.sock");
    try (var web = TestServers.http(200, "ok");
        ServerSocketChannel fake = ServerSocketChannel.open(StandardProtocolFamily.UNIX)) {
      fake.bind(UnixDomainSocketAddress.of(api));
      Thread vpp =
          Thread.ofVirtual()
              .start(
                  () -> {
                    while (fake.isOpen()) {
                      try (SocketChannel c = fake.accept()) {
                        readHeaderAndBody(c); // sockclnt_create
                        ByteBuffer claim = ByteBuffer.allocate(16 + 64);
                        claim.putLong(0).putInt(2_000_000_000).putInt(0);
                        c.write(claim.position(claim.capacity()).flip());
                        // the client closes its end: read until then
                        while (c.read(ByteBuffer.allocate(256)) >= 0) {
                          // discard
                        }
                      } catch (IOException e) {
                        // the client went away, or the test closed the socket
                      }
                    }
                  });
      Path file = dir.resolve("maglev.yaml");
      Files.writeString(
          file,
          DaemonProcessTest.config(web.port(), "a: { address: 127.0.0.1, healthcheck: http }")
              .replaceFirst(
                  "maglev:\n",
                  "maglev:\n  vpp:\n    lb: { ipv4-src-address: 192.0.2.254,"
                      + " ipv6-src-address: 2001:db8::254 }\n"));
      try (DaemonProcess d =
          DaemonProcess.start(
              dir,
              List.of(),
              "--config",
              file.toString(),
              "--vpp-api-addr=" + api,
              "--vpp-stats-addr=" + dir.resolve("stats.sock"))) {
        await()
            .atMost(Duration.ofSeconds(60))
            .untilAsserted(
                () -> assertThat(Double.parseDouble(d.metric(REFUSED))).as(d.log()).isOne());
        assertThat(d.log())
            .contains("VPP sent a frame of 2000000000 bytes, more than the limit of 16777216");
        assertThat(d.log()).doesNotContain("OutOfMemoryError");
        // still probing: the backend's probe count goes on rising
        String probes =
            "maglev_probe_total{backend=\"a\",code=\"L7OK\",result=\"success\",type=\"http\"}";
        double before = Double.parseDouble(d.metric(probes));
        await()
            .atMost(Duration.ofSeconds(30))
            .until(() -> Double.parseDouble(d.metric(probes)) > before);
      } finally {
        fake.close();
        vpp.join(10_000);
      }
    }
  }

  private static void readHeaderAndBody(SocketChannel c) throws IOException {
    ByteBuffer header = ByteBuffer.allocate(16);
    while (header.hasRemaining()) {
      if (c.read(header) < 0) {
        throw new IOException("client went away");
      }
    }
    ByteBuffer body = ByteBuffer.allocate(header.getInt(8));
    while (body.hasRemaining()) {
      if (c.read(body) < 0) {
        throw new IOException("client went away");
      }
    }
  }
}
