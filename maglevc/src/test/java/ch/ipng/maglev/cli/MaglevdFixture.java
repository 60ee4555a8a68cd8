package ch.ipng.maglev.cli;

import static org.awaitility.Awaitility.await;

import ch.ipng.maglev.vppsim.testing.SimProcess;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;

/** A real maglevd process probing real loopback HTTP backends, for maglevc's tests. */
final class MaglevdFixture implements AutoCloseable {
  private static final Pattern PORT = Pattern.compile("\"grpc_port\":\"(\\d+)\"");

  final HttpServer web;
  final Process process;
  final Path log;
  final int port;

  MaglevdFixture(Path dir) throws IOException {
    this(dir, null);
  }

  /**
   * With {@code vpp}, maglevd programs that simulator (its warm-up 1 s to 3 s); without, it runs
   * without VPP.
   */
  MaglevdFixture(Path dir, @Nullable SimProcess vpp) throws IOException {
    this(dir, vpp, "", List.of());
  }

  /**
   * With {@code yaml} (sections indented by 2, e.g. {@code maglev.grpc}) added to the config and
   * {@code flags} to maglevd's command line.
   */
  MaglevdFixture(Path dir, @Nullable SimProcess vpp, String yaml, List<String> flags)
      throws IOException {
    web = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 16);
    web.createContext(
        "/",
        ex -> {
          byte[] b = "ok".getBytes(StandardCharsets.UTF_8);
          ex.sendResponseHeaders(200, b.length);
          try (OutputStream o = ex.getResponseBody()) {
            o.write(b);
          }
        });
    web.start();
    Path config = dir.resolve("maglev.yaml");
    Files.writeString(
        config,
        """
        maglev:
        %s  healthchecks:
            http: { type: http, port: %d, interval: 200ms, params: { path: /healthz } }
          backends:
            nginx0-ams: { address: 127.0.0.1, healthcheck: http, description: Amsterdam }
            nginx0-fra: { address: 127.0.0.2, healthcheck: http }
            spare: { address: 127.0.0.3, healthcheck: http, enabled: false }
          frontends:
            web:
              address: 192.0.2.1
              protocol: tcp
              port: 80
              pools:
                - name: primary
                  backends: { nginx0-ams: { weight: 100 } }
                - name: fallback
                  backends: { nginx0-fra: {}, spare: {} }
        """
            .formatted(
                yaml
                    + (vpp == null
                        ? ""
                        : """
                      vpp:
                        lb:
                          ipv4-src-address: 192.0.2.254
                          ipv6-src-address: 2001:db8::254
                          startup-min-delay: 1s
                          startup-max-delay: 3s
                    """),
                web.getAddress().getPort()));
    log = dir.resolve("maglevd.log");
    List<String> command =
        new java.util.ArrayList<>(
            List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "--enable-native-access=ALL-UNNAMED",
                "-cp",
                System.getProperty("java.class.path"),
                "ch.ipng.maglev.daemon.Main",
                "--config=" + config,
                "--grpc-addr=127.0.0.1:0",
                "--metrics-addr=",
                "--state-file=" + dir.resolve("state.json"),
                "--vpp-api-addr=" + (vpp == null ? "" : vpp.api()),
                "--vpp-stats-addr=" + (vpp == null ? "" : vpp.stats())));
    command.addAll(flags);
    process =
        new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile()).start();
    int[] found = {-1};
    await()
        .atMost(Duration.ofSeconds(30))
        .until(
            () -> {
              if (!process.isAlive()) {
                throw new IllegalStateException("maglevd exited: " + Files.readString(log));
              }
              Matcher m = PORT.matcher(Files.readString(log));
              if (m.find()) {
                found[0] = Integer.parseInt(m.group(1));
                return true;
              }
              return false;
            });
    port = found[0];
  }

  String server() {
    return "127.0.0.1:" + port;
  }

  @Override
  public void close() {
    process.destroy();
    web.stop(0);
  }
}
