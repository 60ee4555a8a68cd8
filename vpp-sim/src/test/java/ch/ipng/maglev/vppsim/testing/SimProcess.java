package ch.ipng.maglev.vppsim.testing;

import static org.awaitility.Awaitility.await;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.Channels;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** maglev-vppsim as a separate process over real Unix sockets in {@code dir}. */
public final class SimProcess implements AutoCloseable {
  private final Process process;
  private final Path dir;
  private final Path log;

  private SimProcess(Process process, Path dir, Path log) {
    this.process = process;
    this.dir = dir;
    this.log = log;
  }

  /** Starts the simulator and waits until both sockets exist. */
  public static SimProcess start(Path dir, String... extraArgs) throws IOException {
    Path log = dir.resolve("vppsim.log");
    List<String> cmd = new ArrayList<>();
    cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    cmd.add("--enable-native-access=ALL-UNNAMED");
    cmd.add("-cp");
    cmd.add(System.getProperty("java.class.path"));
    cmd.add("ch.ipng.maglev.vppsim.Main");
    cmd.addAll(
        List.of(
            "--api-addr", dir.resolve("api.sock").toString(),
            "--stats-addr", dir.resolve("stats.sock").toString(),
            "--control-addr", dir.resolve("control.sock").toString()));
    cmd.addAll(List.of(extraArgs));
    Process p =
        new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile()).start();
    SimProcess sim = new SimProcess(p, dir, log);
    await()
        .atMost(Duration.ofSeconds(30))
        .until(
            () -> {
              if (!p.isAlive()) {
                throw new IllegalStateException("maglev-vppsim exited:\n" + sim.log());
              }
              return Files.exists(sim.api())
                  && Files.exists(sim.stats())
                  && Files.exists(dir.resolve("control.sock"));
            });
    return sim;
  }

  public Path api() {
    return dir.resolve("api.sock");
  }

  public Path stats() {
    return dir.resolve("stats.sock");
  }

  public String log() {
    try {
      return Files.readString(log);
    } catch (IOException e) {
      return "(no log: " + e + ")";
    }
  }

  /** Sends one control command and returns the answer line. */
  public String control(String command) {
    try (SocketChannel c = SocketChannel.open(StandardProtocolFamily.UNIX)) {
      c.connect(UnixDomainSocketAddress.of(dir.resolve("control.sock")));
      OutputStream out = Channels.newOutputStream(c);
      out.write((command + "\n").getBytes(StandardCharsets.UTF_8));
      out.flush();
      return new BufferedReader(
              new InputStreamReader(Channels.newInputStream(c), StandardCharsets.UTF_8))
          .readLine();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  @Override
  public void close() {
    process.destroy();
    try {
      if (!process.waitFor(10, TimeUnit.SECONDS)) {
        process.destroyForcibly().waitFor();
      }
    } catch (InterruptedException e) {
      // the test is being torn down: make sure the simulator does not outlive it
      process.destroyForcibly();
      Thread.currentThread().interrupt();
    }
  }
}
