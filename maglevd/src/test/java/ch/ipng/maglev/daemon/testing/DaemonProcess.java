package ch.ipng.maglev.daemon.testing;

import static org.awaitility.Awaitility.await;

import java.io.IOException;
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

/** maglevd as a separate process (same classpath as the tests), with its JSON log in a file. */
public final class DaemonProcess implements AutoCloseable {
  private static final Pattern PORTS =
      Pattern.compile("\"grpc_port\":\"(\\d+)\".*\"metrics_port\":\"(-?\\d+)\"");

  private final Process process;
  private final Path log;
  private int grpcPort = -1;
  private int metricsPort = -1;

  private DaemonProcess(Process process, Path log) {
    this.process = process;
    this.log = log;
  }

  /**
   * Starts maglevd with {@code args} (after the listen flags) and waits until it listens; gRPC
   * listens on a free loopback port unless {@code args} name one.
   *
   * @param prefix commands to run maglevd under (e.g. setpriv …), may be empty
   */
  public static DaemonProcess start(Path dir, List<String> prefix, String... args)
      throws IOException {
    return start(dir, prefix, List.of(), args);
  }

  /**
   * As {@link #start(Path, List, String...)}, with JVM options (e.g. a small heap: {@code
   * -Xmx64m}).
   */
  public static DaemonProcess start(Path dir, List<String> prefix, List<String> jvm, String... args)
      throws IOException {
    Path log = Files.createTempFile(dir, "maglevd", ".log");
    List<String> cmd = new ArrayList<>(prefix);
    cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    cmd.add("--enable-native-access=ALL-UNNAMED");
    cmd.addAll(jvm);
    cmd.add("-cp");
    cmd.add(System.getProperty("java.class.path"));
    cmd.add("ch.ipng.maglev.daemon.Main");
    if (List.of(args).stream().noneMatch(a -> a.startsWith("--grpc-addr"))) {
      cmd.add("--grpc-addr=127.0.0.1:0");
    }
    cmd.add("--metrics-addr=127.0.0.1:0");
    if (List.of(args).stream().noneMatch(a -> a.startsWith("--vpp-api-addr"))) {
      cmd.add("--vpp-api-addr=");
    }
    if (List.of(args).stream().noneMatch(a -> a.startsWith("--state-file"))) {
      // never the system's /var/lib/vpp-maglev: a state file of this process's own
      cmd.add("--state-file=" + log.resolveSibling(log.getFileName() + ".state.json"));
    }
    cmd.addAll(List.of(args));
    Process p =
        new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile()).start();
    DaemonProcess d = new DaemonProcess(p, log);
    await()
        .atMost(Duration.ofSeconds(30))
        .until(
            () -> {
              if (!p.isAlive()) {
                throw new IllegalStateException(
                    "maglevd exited " + p.exitValue() + ":\n" + d.log());
              }
              Matcher m = PORTS.matcher(d.log());
              if (m.find()) {
                d.grpcPort = Integer.parseInt(m.group(1));
                d.metricsPort = Integer.parseInt(m.group(2));
                return true;
              }
              return false;
            });
    return d;
  }

  public int grpcPort() {
    return grpcPort;
  }

  public int metricsPort() {
    return metricsPort;
  }

  /**
   * The value of the sample {@code sample} (a name, with its labels as the exposition prints them,
   * e.g. {@code maglev_config_reloads_total{result="ok"}}) in a scrape of /metrics, or "absent".
   */
  public String metric(String sample) throws IOException, InterruptedException {
    try (HttpClient http = HttpClient.newHttpClient()) {
      String body =
          http.send(
                  HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + metricsPort + "/metrics"))
                      .timeout(Duration.ofSeconds(30))
                      .build(),
                  HttpResponse.BodyHandlers.ofString())
              .body();
      for (String line : body.split("\n")) {
        if (line.startsWith(sample + " ")) {
          return line.substring(sample.length() + 1).trim();
        }
      }
      return "absent";
    }
  }

  public long pid() {
    return process.pid();
  }

  public String log() throws IOException {
    return Files.readString(log, StandardCharsets.UTF_8);
  }

  /** Sends a signal by name ("HUP", "TERM") with kill(1). */
  public void signal(String name) throws IOException, InterruptedException {
    new ProcessBuilder("kill", "-" + name, Long.toString(process.pid()))
        .inheritIO()
        .start()
        .waitFor();
  }

  /** Waits for the exit and returns its status. */
  public int waitFor(Duration timeout) throws InterruptedException {
    if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
      throw new IllegalStateException("maglevd did not exit within " + timeout);
    }
    return process.exitValue();
  }

  @Override
  public void close() {
    process.destroyForcibly();
  }
}
