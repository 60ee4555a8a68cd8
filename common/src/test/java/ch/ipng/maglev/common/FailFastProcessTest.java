package ch.ipng.maglev.common;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * A real JVM ({@link FailFastDemo}) hits a VirtualMachineError where a daemon could: it must exit
 * 70 with the one JSON line, however the thread it happened on would have swallowed it.
 */
class FailFastProcessTest {
  @TempDir Path dir;
  private Path output;

  @BeforeEach
  void output() {
    output = dir.resolve("out.txt");
  }

  @ParameterizedTest
  @ValueSource(strings = {"thread-stack-overflow", "executor-oom", "logged-oom"})
  void aFatalError_endsTheProcessWith70_andItsJsonLine(String where) throws Exception {
    Process p = demo(where);
    assertThat(p.waitFor(30, TimeUnit.SECONDS)).as("exited").isTrue();
    String out = read();
    assertThat(p.exitValue()).as(out).isEqualTo(FailFast.EXIT_STATUS);
    List<String> fatal = out.lines().filter(l -> l.contains("\"msg\":\"fatal-error\"")).toList();
    assertThat(fatal).as(out).hasSize(1);
    assertThat(fatal.get(0)).startsWith("{\"time\":\"").endsWith("\"exit_status\":\"70\"}");
    assertThat(out).doesNotContain("still running");
  }

  @Test
  void anErrorOurOwnCodeCaughtAndLogged_isLeftToIt() throws Exception {
    Process p = demo("own-logged-stack-overflow");
    assertThat(p.waitFor(30, TimeUnit.SECONDS)).as("exited").isTrue();
    String out = read();
    assertThat(p.exitValue()).as(out).isZero();
    assertThat(out).contains("survived").doesNotContain("fatal-error");
  }

  private Process demo(String where) throws IOException {
    Process p =
        new ProcessBuilder(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx32m",
                "-cp",
                System.getProperty("java.class.path"),
                FailFastDemo.class.getName(),
                where)
            .redirectErrorStream(true)
            .redirectOutput(output.toFile()) // a file, not a pipe the test might not drain
            .start();
    p.getOutputStream().close();
    return p;
  }

  private String read() throws IOException {
    return Files.readString(output, StandardCharsets.UTF_8);
  }
}
