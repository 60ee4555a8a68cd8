package ch.ipng.maglev.frontend.upstream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import ch.ipng.maglev.daemon.testing.DaemonProcess;
import ch.ipng.maglev.daemon.testing.TestServers;
import ch.ipng.maglev.frontend.sse.SseBroker;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A maglevd that comes back after a long absence is noticed within seconds, not after gRPC's
 * reconnect backoff (which grows 1.6x per failed attempt, to two minutes).
 */
class MaglevdReturnTest {
  @TempDir Path dir;

  @Test
  void aMaglevdBackAfterManyFailedAttempts_isFollowedAgainWithinSeconds() throws Exception {
    AtomicInteger attempts = new AtomicInteger();
    int port;
    SseBroker broker = SseBroker.create(Clock.systemUTC());
    try (TestServers.Http web = TestServers.http(200, "ok")) {
      DaemonProcess daemon;
      try (ServerSocket refusing = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
        port = refusing.getLocalPort();
        Thread.ofPlatform().daemon().start(() -> closeEach(refusing, attempts));
        try (Maglevds maglevds = Maglevds.start(List.of("127.0.0.1:" + port), broker);
            SseBroker.Client page = broker.subscribe(null, () -> {})) {
          MaglevdClient client = maglevds.clients().get(0);
          // seven failed connections: gRPC alone would wait 13-20 s before the eighth
          await().atMost(Duration.ofSeconds(60)).until(() -> attempts.get() >= 7);
          assertThat(client.connected()).isFalse();
          refusing.close();
          daemon = OneBackendMaglevd.start(dir, web.port(), "--grpc-addr=127.0.0.1:" + port);
          try (daemon) {
            await().atMost(Duration.ofSeconds(7)).until(client::connected);
            // and the event stream is back too, not waiting out its own backoff
            await()
                .atMost(Duration.ofSeconds(7))
                .until(
                    () -> {
                      for (SseBroker.Event e = page.poll(); e != null; e = page.poll()) {
                        if (e.name().equals("log") && e.data().contains("probe-done")) {
                          return true;
                        }
                      }
                      return false;
                    });
          }
        }
      }
    }
  }

  /** Accepts and closes every connection, counting them: a port where no maglevd answers. */
  private static void closeEach(ServerSocket server, AtomicInteger accepted) {
    while (!server.isClosed()) {
      try (Socket s = server.accept()) {
        accepted.incrementAndGet();
      } catch (IOException e) {
        return; // closed
      }
    }
  }
}
