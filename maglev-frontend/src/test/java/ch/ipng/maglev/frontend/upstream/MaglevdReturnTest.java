package ch.ipng.maglev.frontend.upstream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import ch.ipng.maglev.daemon.testing.DaemonProcess;
import ch.ipng.maglev.daemon.testing.TestServers;
import ch.ipng.maglev.frontend.sse.SseBroker;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
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
    SseBroker broker = SseBroker.create(Clock.systemUTC());
    try (TestServers.Http web = TestServers.http(200, "ok");
        TestServers.Tcp refusing = TestServers.closing()) {
      int port = refusing.port();
      try (Maglevds maglevds = Maglevds.start(List.of("127.0.0.1:" + port), broker);
          SseBroker.Client page = broker.subscribe(null, () -> {})) {
        MaglevdClient client = maglevds.clients().get(0);
        // eight failed connections: gRPC alone would wait 21-32 s before the ninth
        await().atMost(Duration.ofSeconds(90)).until(() -> refusing.accepted() >= 8);
        assertThat(client.connected()).isFalse();
        refusing.close();
        try (DaemonProcess daemon =
            OneBackendMaglevd.start(dir, web.port(), "--grpc-addr=127.0.0.1:" + port)) {
          await().atMost(Duration.ofSeconds(10)).until(client::connected);
          // and the event stream is back too, not waiting out its own backoff
          List<SseBroker.Event> seen = new ArrayList<>();
          await()
              .atMost(Duration.ofSeconds(10))
              .until(
                  () -> {
                    for (SseBroker.Event e = page.poll(); e != null; e = page.poll()) {
                      seen.add(e);
                    }
                    return seen.stream()
                        .anyMatch(e -> e.name().equals("log") && e.data().contains("probe-done"));
                  });
          // the page is told "connected" only once the state it will fetch is fresh: after
          // the refresh that published the frontends
          List<String> names = seen.stream().map(SseBroker.Event::name).toList();
          assertThat(names).contains("frontends", "maglevd-status");
          assertThat(names.indexOf("frontends")).isLessThan(names.indexOf("maglevd-status"));
          assertThat(seen.get(names.indexOf("maglevd-status")).data())
              .contains("\"connected\":true");
        }
      }
    }
  }
}
