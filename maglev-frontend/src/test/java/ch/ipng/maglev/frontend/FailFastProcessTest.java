package ch.ipng.maglev.frontend;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import ch.ipng.maglev.common.FailFast;
import java.io.IOException;
import java.io.OutputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * maglevd-frontend fails fast as maglevd does: a running dashboard process (serving /healthz) that
 * hits a VirtualMachineError on a thread of its own or in a library that logs and carries on exits
 * 70 with one JSON {@code fatal-error} line, rather than limping on.
 */
class FailFastProcessTest {
  private static final Pattern LISTENING =
      Pattern.compile("\"msg\":\"listening\".*\"port\":\"?(\\d+)");

  @TempDir Path dir;

  @ParameterizedTest
  @ValueSource(strings = {"thread-stack-overflow", "library-logged-oom"})
  void aFatalErrorInTheRunningDashboard_endsItWith70_andItsJsonLine(String where) throws Exception {
    Path output = dir.resolve("out.txt");
    Process p =
        new ProcessBuilder(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp",
                System.getProperty("java.class.path"),
                FailFastDemo.class.getName(),
                where,
                "--listen=127.0.0.1:0",
                "--server=127.0.0.1:1")
            .redirectErrorStream(true)
            .redirectOutput(output.toFile()) // a file, not a pipe the test might not drain
            .start();
    try (OutputStream stdin = p.getOutputStream()) {
      await()
          .atMost(Duration.ofSeconds(30))
          .until(() -> !p.isAlive() || LISTENING.matcher(read(output)).find());
      Matcher m = LISTENING.matcher(read(output));
      assertThat(m.find()).as(read(output)).isTrue();
      try (HttpClient http = HttpClient.newHttpClient()) {
        HttpResponse<String> health =
            http.send(
                HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + m.group(1) + "/healthz"))
                    .timeout(Duration.ofSeconds(30))
                    .build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(health.statusCode()).isEqualTo(200);
      }
      stdin.write("go\n".getBytes(StandardCharsets.UTF_8));
      stdin.flush();
      assertThat(p.waitFor(30, TimeUnit.SECONDS)).as("exited").isTrue();
    } finally {
      p.destroyForcibly();
    }
    String out = read(output);
    assertThat(p.exitValue()).as(out).isEqualTo(FailFast.EXIT_STATUS);
    List<String> fatal = out.lines().filter(l -> l.contains("\"msg\":\"fatal-error\"")).toList();
    assertThat(fatal).as(out).hasSize(1);
    assertThat(fatal.get(0)).startsWith("{\"time\":\"").endsWith("\"exit_status\":\"70\"}");
    assertThat(out).doesNotContain("still running");
  }

  private static String read(Path output) throws IOException {
    return Files.readString(output, StandardCharsets.UTF_8);
  }
}
