package ch.ipng.maglev.frontend.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import ch.ipng.maglev.frontend.Main;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** The listener's limits, set by environment variables, hold in a real maglevd-frontend process. */
class ProcessLimitsTest {
  @Test
  void limitsFromTheEnvironment_reachTheListener() throws Exception {
    ProcessBuilder pb =
        new ProcessBuilder(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp",
                System.getProperty("java.class.path"),
                Main.class.getName(),
                "--listen=127.0.0.1:0",
                "--server=127.0.0.1:1")
            .redirectError(ProcessBuilder.Redirect.DISCARD); // the JVM's own warnings
    pb.environment().put("MAGLEV_FRONTEND_IDLE_TIMEOUT", "300ms");
    pb.environment().put("MAGLEV_FRONTEND_MAX_CONNECTIONS", "2");
    Process p = pb.start();
    List<String> lines = new CopyOnWriteArrayList<>();
    Thread reader =
        new Thread(
            () -> {
              try (BufferedReader r =
                  new BufferedReader(
                      new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
                for (String l; (l = r.readLine()) != null; ) {
                  lines.add(l);
                }
              } catch (Exception e) {
                // the process ended
              }
            });
    reader.start();
    try {
      Pattern listening = Pattern.compile("\"msg\":\"listening\".*\"port\":\"?(\\d+)");
      await()
          .atMost(Duration.ofSeconds(30))
          .until(() -> lines.stream().anyMatch(l -> listening.matcher(l).find()));
      String line = lines.stream().filter(l -> listening.matcher(l).find()).findFirst().get();
      assertThat(line)
          .contains("\"idle_timeout_ms\":\"300\"")
          .contains("\"max_connections\":\"2\"");
      Matcher m = listening.matcher(line);
      assertThat(m.find()).isTrue();
      InetSocketAddress address =
          new InetSocketAddress(InetAddress.getLoopbackAddress(), Integer.parseInt(m.group(1)));
      // Two event streams take the two connections: streams are exempt from the idle timeout,
      // so the third connection meets the limit however slowly this machine gets to it.
      try (Socket a = RawHttp.connect(address);
          Socket b = RawHttp.connect(address)) {
        for (Socket s : List.of(a, b)) {
          s.getOutputStream()
              .write(
                  "GET /view/api/events HTTP/1.1\r\nHost: x\r\n\r\n"
                      .getBytes(StandardCharsets.US_ASCII));
          assertThat(new BufferedReader(new InputStreamReader(s.getInputStream())).readLine())
              .isEqualTo("HTTP/1.1 200 OK");
        }
        String refused = RawHttp.exchange(address, "GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n");
        assertThat(RawHttp.status(refused)).isEqualTo(503);
      }
      // a plain connection that stays idle is closed by the server (the 300 ms from the env)
      try (Socket idle = RawHttp.connect(address)) {
        await()
            .atMost(Duration.ofSeconds(10))
            .ignoreExceptions()
            .until(() -> RawHttp.readToEnd(idle).isEmpty());
      }
      await()
          .atMost(Duration.ofSeconds(10))
          .until(
              () ->
                  RawHttp.status(
                          RawHttp.exchange(
                              address,
                              "GET /healthz HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n"))
                      == 200);
      assertThat(lines).allMatch(l -> l.startsWith("{") && l.endsWith("}")); // JSON lines
    } finally {
      p.destroy(); // SIGTERM: a graceful stop
      assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
      reader.join(10_000);
    }
    assertThat(p.exitValue()).isZero();
  }
}
