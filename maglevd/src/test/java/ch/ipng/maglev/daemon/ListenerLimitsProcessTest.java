package ch.ipng.maglev.daemon;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import ch.ipng.maglev.daemon.testing.DaemonProcess;
import ch.ipng.maglev.proto.ListBackendsRequest;
import ch.ipng.maglev.proto.MaglevGrpc;
import io.grpc.ConnectivityState;
import io.grpc.ManagedChannel;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The listeners' bounds on a real maglevd: idle and half-sent connections are closed after the
 * (here short) timeouts, and connections over the limit are closed as they come and counted.
 */
class ListenerLimitsProcessTest {
  @TempDir Path dir;

  private DaemonProcess start(String... flags) throws IOException {
    Path file = dir.resolve("maglev.yaml");
    Files.writeString(file, "maglev: {}\n");
    List<String> args = new ArrayList<>(List.of("--config", file.toString()));
    args.addAll(List.of(flags));
    return DaemonProcess.start(dir, List.of(), args.toArray(String[]::new));
  }

  /** Whether the peer closed {@code s}: a read sees the end, or a reset. */
  private static boolean closedByPeer(Socket s) throws IOException {
    s.setSoTimeout(50);
    try {
      InputStream in = s.getInputStream();
      while (true) {
        if (in.read() < 0) {
          return true;
        }
      }
    } catch (SocketTimeoutException e) {
      return false;
    } catch (SocketException e) {
      return true; // reset
    }
  }

  private static Socket connect(int port) throws IOException {
    Socket s = new Socket();
    s.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 5000);
    return s;
  }

  /** The value of {@code maglev_connections_refused_total} for {@code listener} in the scrape. */
  private static double refused(String metrics, String listener) {
    Matcher m =
        Pattern.compile(
                "^maglev_connections_refused_total\\{listener=\"" + listener + "\"\\} (\\S+)$",
                Pattern.MULTILINE)
            .matcher(metrics);
    assertThat(m.find()).as("refused count of %s in%n%s", listener, metrics).isTrue();
    return Double.parseDouble(m.group(1));
  }

  @Test
  void idleAndHalfSentConnections_areClosed_afterTheTimeouts() throws Exception {
    try (DaemonProcess d = start("--grpc-idle-timeout=1s", "--metrics-idle-timeout=1s");
        Socket silentGrpc = connect(d.grpcPort());
        Socket silentMetrics = connect(d.metricsPort());
        Socket slowloris = connect(d.metricsPort())) {
      OutputStream slow = slowloris.getOutputStream();
      slow.write("GET /metrics HTTP/1.1\r\nHost: x\r\n".getBytes(StandardCharsets.US_ASCII));
      // a header byte every 100 ms keeps the connection busy, never done: the header timeout
      // (from the request's first byte) still ends it
      await()
          .atMost(Duration.ofSeconds(10))
          .pollInterval(Duration.ofMillis(100))
          .until(
              () -> {
                try {
                  slow.write('x');
                  slow.flush();
                } catch (SocketException e) {
                  return true;
                }
                return closedByPeer(slowloris);
              });
      await().atMost(Duration.ofSeconds(10)).until(() -> closedByPeer(silentGrpc));
      await().atMost(Duration.ofSeconds(10)).until(() -> closedByPeer(silentMetrics));

      // a gRPC connection that served a call and is then left idle is closed by the server
      ManagedChannel ch =
          NettyChannelBuilder.forAddress("127.0.0.1", d.grpcPort()).usePlaintext().build();
      try {
        MaglevGrpc.newBlockingStub(ch)
            .withDeadlineAfter(10, TimeUnit.SECONDS)
            .listBackends(ListBackendsRequest.getDefaultInstance());
        assertThat(ch.getState(false)).isEqualTo(ConnectivityState.READY);
        await()
            .atMost(Duration.ofSeconds(10))
            .until(() -> ch.getState(false) == ConnectivityState.IDLE);
      } finally {
        ch.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
      }
    }
  }

  @Test
  void connectionsOverTheLimit_areClosedAtOnce_andCounted() throws Exception {
    try (DaemonProcess d = start("--grpc-max-connections=3", "--metrics-max-connections=2")) {
      List<Socket> held = new ArrayList<>();
      try {
        for (int i = 0; i < 3; i++) {
          held.add(connect(d.grpcPort()));
        }
        try (Socket fourth = connect(d.grpcPort())) {
          await().atMost(Duration.ofSeconds(10)).until(() -> closedByPeer(fourth));
        }
        for (Socket s : held) {
          assertThat(closedByPeer(s)).as("held within the limit").isFalse();
        }
        held.add(connect(d.metricsPort()));
        held.add(connect(d.metricsPort()));
        try (Socket third = connect(d.metricsPort())) {
          await().atMost(Duration.ofSeconds(10)).until(() -> closedByPeer(third));
        }
      } finally {
        for (Socket s : held) {
          s.close();
        }
      }
      // once the server has seen the closes, both listeners serve again, and say what they
      // refused
      ManagedChannel ch =
          NettyChannelBuilder.forAddress("127.0.0.1", d.grpcPort()).usePlaintext().build();
      try (HttpClient http = HttpClient.newHttpClient()) {
        await()
            .atMost(Duration.ofSeconds(10))
            .ignoreExceptions()
            .until(
                () ->
                    MaglevGrpc.newBlockingStub(ch)
                            .withDeadlineAfter(2, TimeUnit.SECONDS)
                            .listBackends(ListBackendsRequest.getDefaultInstance())
                        != null);
        String metrics =
            await()
                .atMost(Duration.ofSeconds(10))
                .ignoreExceptions()
                .until(
                    () ->
                        http.send(
                                HttpRequest.newBuilder(
                                        URI.create(
                                            "http://127.0.0.1:" + d.metricsPort() + "/metrics"))
                                    .build(),
                                HttpResponse.BodyHandlers.ofString())
                            .body(),
                    b -> b.contains("maglev_connections_refused_total"));
        // at least the one refused above: a reconnect above may come before the server has seen
        // the held connections close, and be refused (and counted) too
        assertThat(refused(metrics, "grpc")).isGreaterThanOrEqualTo(1.0);
        assertThat(refused(metrics, "metrics")).isGreaterThanOrEqualTo(1.0);
      } finally {
        ch.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
      }
    }
  }
}
