package ch.ipng.maglev.daemon.fleet;

import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

/**
 * Debian's Prometheus on a free loopback port, its data in its own directory, scraping one target
 * every second with monitoring/maglev-alerts.yml loaded; its pid in prometheus.pid there, and
 * close() stops only that process.
 */
final class PrometheusProcess implements AutoCloseable {
  private final Process process;
  private final int port;
  private final Path log;

  private PrometheusProcess(Process process, int port, Path log) {
    this.process = process;
    this.port = port;
    this.log = log;
  }

  static PrometheusProcess start(Path dir, int metricsPort) throws IOException {
    Path rules = dir.resolve("maglev-alerts.yml");
    Files.copy(MonitoringProcessTest.MONITORING.resolve("maglev-alerts.yml"), rules);
    Files.writeString(
        dir.resolve("prometheus.yml"),
        """
        global:
          scrape_interval: 1s
          evaluation_interval: 1s
        rule_files: [ %s ]
        scrape_configs:
          - job_name: maglevd
            static_configs:
              - targets: [ "127.0.0.1:%d" ]
        """
            .formatted(rules, metricsPort));
    Path log = dir.resolve("prometheus.log");
    // a port nothing holds now; should another program take it first, Prometheus exits and the
    // next attempt takes another
    for (int attempt = 0; ; attempt++) {
      int port;
      try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
        port = s.getLocalPort();
      }
      Process p =
          new ProcessBuilder(
                  MonitoringProcessTest.PROMETHEUS.toString(),
                  "--config.file=" + dir.resolve("prometheus.yml"),
                  "--storage.tsdb.path=" + dir.resolve("data"),
                  "--web.listen-address=127.0.0.1:" + port,
                  "--query.lookback-delta=30s")
              .directory(dir.toFile())
              .redirectErrorStream(true)
              .redirectOutput(log.toFile())
              .start();
      Files.writeString(dir.resolve("prometheus.pid"), p.pid() + "\n");
      PrometheusProcess prometheus = new PrometheusProcess(p, port, log);
      try {
        await()
            .atMost(Duration.ofSeconds(60))
            .until(
                () -> {
                  if (!p.isAlive()) {
                    return true;
                  }
                  try (Socket s = new Socket(InetAddress.getLoopbackAddress(), port)) {
                    return Files.readString(log, StandardCharsets.UTF_8)
                        .contains("Server is ready to receive web requests");
                  } catch (IOException e) {
                    return false;
                  }
                });
      } catch (RuntimeException e) {
        prometheus.close();
        throw e;
      }
      if (p.isAlive()) {
        return prometheus;
      }
      if (attempt == 2) {
        throw new IOException("prometheus did not start:\n" + Files.readString(log));
      }
    }
  }

  int port() {
    return port;
  }

  @Override
  public void close() {
    process.destroy();
    try {
      if (!process.waitFor(30, TimeUnit.SECONDS)) {
        process.destroyForcibly();
        process.waitFor(10, TimeUnit.SECONDS);
      }
    } catch (InterruptedException e) {
      process.destroyForcibly();
      Thread.currentThread().interrupt();
    }
  }

  @Override
  public String toString() {
    return "prometheus on 127.0.0.1:" + port + " (" + log + ")";
  }
}
