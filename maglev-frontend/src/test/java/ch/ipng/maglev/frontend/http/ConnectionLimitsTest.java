package ch.ipng.maglev.frontend.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import ch.ipng.maglev.frontend.SseClient;
import ch.ipng.maglev.frontend.sse.SseBroker;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Idle and trickling connections are closed, an event stream is not, and there is a limit. */
class ConnectionLimitsTest {
  static final Duration SHORT = Duration.ofMillis(300);

  final SseBroker broker = SseBroker.create(Clock.systemUTC());
  FrontendServer server;

  void start(HttpLimits limits) throws Exception {
    server =
        FrontendServer.start(
            new InetSocketAddress(InetAddress.getLoopbackAddress(), 0),
            FrontendServerTest.API,
            broker,
            Optional.empty(),
            (a, u, r) -> {
              throw new AssertionError("no admin here");
            },
            limits);
  }

  @AfterEach
  void stop() {
    if (server != null) {
      server.close();
    }
  }

  static void write(Socket s, String text) throws Exception {
    OutputStream out = s.getOutputStream();
    out.write(text.getBytes(StandardCharsets.US_ASCII));
    out.flush();
  }

  @Test
  void aConnectionThatSendsNothing_orNothingMore_isClosedAfterTheIdleTimeout() throws Exception {
    start(HttpLimits.DEFAULTS.withIdleTimeout(SHORT));
    try (Socket silent = RawHttp.connect(server.address());
        Socket keptAlive = RawHttp.connect(server.address())) {
      write(keptAlive, "GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n");
      // both are closed by the server: reading ends (a read timeout of 10 s fails a hang)
      assertThat(RawHttp.readToEnd(silent)).isEmpty();
      String answered = RawHttp.readToEnd(keptAlive);
      assertThat(RawHttp.status(answered)).isEqualTo(200);
      assertThat(answered).endsWith("ok\n");
    }
    await().until(() -> server.openConnections() == 0);
  }

  @Test
  void aRequestThatTrickles_isAnswered408_althoughBytesKeepComing() throws Exception {
    start(HttpLimits.DEFAULTS.withHeaderTimeout(SHORT));
    ScheduledExecutorService drip = Executors.newSingleThreadScheduledExecutor();
    try (Socket slow = RawHttp.connect(server.address())) {
      write(slow, "GET /healthz HTTP/1.1\r\nHost: x\r\n");
      // one header byte every 20 ms, never the blank line: the idle timeout (60 s) never fires
      drip.scheduleAtFixedRate(
          () -> {
            try {
              write(slow, "X");
            } catch (Exception e) {
              // closed by the server, as expected
            }
          },
          20,
          20,
          TimeUnit.MILLISECONDS);
      // answered and closed by the server (a read timeout of 10 s fails a hang)
      String r = RawHttp.readToEnd(slow);
      assertThat(RawHttp.status(r)).isEqualTo(408);
      assertThat(r)
          .contains("Connection: close")
          .endsWith("{\"error\":\"the request did not arrive in full within 300 ms\"}");
    } finally {
      drip.shutdownNow();
    }
  }

  @Test
  void anEventStream_outlivesTheIdleTimeout_whileAPlainConnectionDoesNot() throws Exception {
    start(HttpLimits.DEFAULTS.withIdleTimeout(SHORT).withHeaderTimeout(SHORT));
    try (SseClient c =
            SseClient.connect(
                URI.create("http://127.0.0.1:" + server.address().getPort() + "/view/api/events"),
                null);
        Socket idle = RawHttp.connect(server.address())) {
      await().until(() -> broker.clientCount() == 1);
      assertThat(RawHttp.readToEnd(idle)).isEmpty(); // the idle one went: well past 300 ms
      // many idle timeouts later, the stream is still there and delivers
      await()
          .during(Duration.ofMillis(1200))
          .atMost(Duration.ofSeconds(30))
          .until(() -> broker.clientCount() == 1);
      broker.publish("log", "{\"n\":1}");
      await().until(() -> c.events.size() == 1);
      assertThat(c.events.get(0).data()).isEqualTo("{\"n\":1}");
    }
  }

  @Test
  void oneConnectionOverTheLimit_isAnswered503AndClosed_andTheLimitFreesUp() throws Exception {
    start(HttpLimits.DEFAULTS.withMaxConnections(3));
    List<Socket> held = new ArrayList<>();
    try {
      for (int i = 0; i < 3; i++) {
        held.add(RawHttp.connect(server.address()));
      }
      await().until(() -> server.openConnections() == 3);
      String refused =
          RawHttp.exchange(server.address(), "GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n");
      assertThat(RawHttp.status(refused)).isEqualTo(503);
      assertThat(refused)
          .contains("Retry-After: 1")
          .endsWith("{\"error\":\"too many connections (limit 3): try again later\"}");
      assertThat(server.refusedConnections()).isEqualTo(1);
      held.remove(0).close();
      await().until(() -> server.openConnections() == 2);
      String ok =
          RawHttp.exchange(
              server.address(), "GET /healthz HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
      assertThat(RawHttp.status(ok)).isEqualTo(200);
    } finally {
      for (Socket s : held) {
        s.close();
      }
    }
  }

  @Test
  void aClientThatPipelinesAndNeverReads_isNoLongerRead_soItsAnswersCannotPileUp()
      throws Exception {
    java.util.concurrent.atomic.AtomicInteger answered =
        new java.util.concurrent.atomic.AtomicInteger();
    String state = "[" + "{\"maglevd\":\"lb0\"},".repeat(200) + "{}]"; // ~4 KB, as a real one
    Api counting =
        new Api() {
          @Override
          public String versionJson() {
            return FrontendServerTest.API.versionJson();
          }

          @Override
          public String maglevdsJson() {
            return "[]";
          }

          @Override
          public String stateJson() {
            answered.incrementAndGet();
            return state;
          }

          @Override
          public Optional<String> stateJson(String maglevd) {
            return Optional.empty();
          }

          @Override
          public List<String> names() {
            return List.of();
          }
        };
    server =
        FrontendServer.start(
            new InetSocketAddress(InetAddress.getLoopbackAddress(), 0),
            counting,
            broker,
            Optional.empty(),
            (a, u, r) -> {
              throw new AssertionError("no admin here");
            },
            HttpLimits.DEFAULTS);
    int requests = 20_000;
    java.util.concurrent.atomic.AtomicBoolean allWritten =
        new java.util.concurrent.atomic.AtomicBoolean();
    try (Socket greedy = new Socket()) {
      greedy.setReceiveBufferSize(4096);
      greedy.connect(server.address(), 5000);
      Thread writer =
          Thread.ofPlatform()
              .start(
                  () -> {
                    byte[] request =
                        "GET /view/api/state HTTP/1.1\r\nHost: x\r\n\r\n"
                            .getBytes(StandardCharsets.US_ASCII);
                    try {
                      OutputStream out = greedy.getOutputStream();
                      for (int i = 0; i < requests; i++) {
                        out.write(request); // none of the answers is ever read
                      }
                      out.flush();
                    } catch (Exception e) {
                      // closed: the server cut it, or the test ended
                    }
                  });
      await().atMost(Duration.ofSeconds(30)).until(() -> answered.get() > 0);
      // The server stops reading once its answers back up: the requests wait in the kernel's
      // buffers (or the client's writes stall) and far fewer answers than requests are ever
      // made (before: all 20,000, 80 MB held). Measured: some 770.
      await()
          .during(Duration.ofSeconds(2))
          .atMost(Duration.ofSeconds(30))
          .until(() -> answered.get() < requests / 10);
      greedy.close();
      writer.join(10_000);
    }
    String ok =
        RawHttp.exchange(
            server.address(), "GET /healthz HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
    assertThat(RawHttp.status(ok)).isEqualTo(200);
  }
}
