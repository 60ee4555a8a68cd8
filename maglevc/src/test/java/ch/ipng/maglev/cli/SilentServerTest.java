package ch.ipng.maglev.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * A real TCP server that accepts and never speaks: every command, {@code watch events} included,
 * gives up after --timeout with a one-line error on stderr and exit status 2.
 */
class SilentServerTest {
  private ServerSocket server;
  private final List<Socket> accepted = new CopyOnWriteArrayList<>();
  private Thread acceptor;

  @BeforeEach
  void start() throws IOException {
    server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
    acceptor =
        Thread.ofPlatform()
            .daemon()
            .start(
                () -> {
                  try {
                    while (true) {
                      accepted.add(server.accept()); // and never a word
                    }
                  } catch (IOException e) {
                    // closed by stop()
                  }
                });
  }

  @AfterEach
  void stop() throws Exception {
    server.close();
    acceptor.join();
    for (Socket s : accepted) {
      s.close();
    }
  }

  private record Result(int rc, String out, String err, Duration took) {}

  private Result run(String... args) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    long t0 = System.nanoTime();
    int rc =
        Main.run(
            args,
            new PrintStream(out, true, StandardCharsets.UTF_8),
            new PrintStream(err, true, StandardCharsets.UTF_8),
            Map.of("MAGLEV_SERVER", "127.0.0.1:" + server.getLocalPort()));
    return new Result(
        rc,
        out.toString(StandardCharsets.UTF_8),
        err.toString(StandardCharsets.UTF_8),
        Duration.ofNanos(System.nanoTime() - t0));
  }

  @Test
  @Timeout(value = 20, unit = TimeUnit.SECONDS)
  void watchEvents_givesUpAfterTheTimeout() {
    Result r = run("--timeout", "300ms", "watch", "events");
    assertThat(r.rc()).isEqualTo(2);
    assertThat(r.err())
        .isEqualTo("maglevd at 127.0.0.1:" + server.getLocalPort() + " did not answer in time\n");
    assertThat(r.out()).isEmpty();
    assertThat(r.took()).isGreaterThanOrEqualTo(Duration.ofMillis(300));
    assertThat(accepted).hasSize(1);
  }

  @Test
  @Timeout(value = 20, unit = TimeUnit.SECONDS)
  void oneShotCommands_giveUpAfterTheTimeout() {
    for (String[] cmd :
        new String[][] {
          {"show", "backends"}, {"config", "reload"}, {"set", "backend", "a", "pause"}
        }) {
      String[] args = new String[cmd.length + 1];
      args[0] = "--timeout=200ms";
      System.arraycopy(cmd, 0, args, 1, cmd.length);
      Result r = run(args);
      assertThat(r.rc()).as(String.join(" ", cmd)).isEqualTo(2);
      assertThat(r.err())
          .isEqualTo("maglevd at 127.0.0.1:" + server.getLocalPort() + " did not answer in time\n");
      assertThat(r.out()).isEmpty();
    }
  }
}
