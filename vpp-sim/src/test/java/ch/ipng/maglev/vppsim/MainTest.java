package ch.ipng.maglev.vppsim;

import static org.assertj.core.api.Assertions.assertThat;

import ch.ipng.maglev.common.Version;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** maglev-vppsim's command line: the launcher options every program shares. */
class MainTest {
  @TempDir Path dir;

  private record Result(int rc, String out, String err) {}

  private static Result run(String... args) throws Exception {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    int rc =
        Main.run(
            args,
            new PrintStream(out, true, StandardCharsets.UTF_8),
            new PrintStream(err, true, StandardCharsets.UTF_8));
    return new Result(
        rc, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
  }

  @ParameterizedTest
  @ValueSource(strings = {"--help", "-help", "-h"})
  void help_listsEveryFlag_exits0(String flag) throws Exception {
    Result r = run(flag);
    assertThat(r.rc()).isZero();
    assertThat(r.out())
        .startsWith("Usage: maglev-vppsim ")
        .contains(
            "--api-addr=PATH",
            "default /run/vpp/api.sock",
            "--stats-addr=PATH",
            "default /run/vpp/stats.sock",
            "--control-addr=PATH",
            "--forward=VIP:PORT[=ADDR:PORT]",
            "--forward-loopback",
            "--forward-as=AS=ADDR[:PORT]",
            "--traffic",
            "--version",
            "--help")
        .doesNotContain("--log-level");
    assertThat(r.err()).isEmpty();
  }

  @ParameterizedTest
  @ValueSource(strings = {"--version", "-version"})
  void version_printsVersionCommitAndDate_exits0(String flag) throws Exception {
    assertThat(run(flag))
        .isEqualTo(new Result(0, Version.current().describe("maglev-vppsim") + "\n", ""));
  }

  @Test
  void unknownFlag_exits1_pointingAtHelp() throws Exception {
    assertThat(run("--bogus"))
        .isEqualTo(
            new Result(
                1, "", "maglev-vppsim: Unknown option: '--bogus'\nTry 'maglev-vppsim --help'.\n"));
  }

  @Test
  void badForwardFlag_exits1_namingIt() throws Exception {
    assertThat(run("--forward", "192.0.2.1:80"))
        .isEqualTo(
            new Result(
                1,
                "",
                "maglev-vppsim: --forward 192.0.2.1:80: 192.0.2.1 is not a loopback address"
                    + " (expected: VIP:PORT=LISTEN-ADDRESS:PORT to listen elsewhere)\n"));
  }

  @Test
  void socketThatCannotBeOpened_exits1() throws Exception {
    Path notADirectory = Files.createFile(dir.resolve("file"));
    Result r =
        run(
            "-api-addr",
            notADirectory.resolve("api.sock").toString(),
            "-stats-addr",
            notADirectory.resolve("stats.sock").toString());
    assertThat(r.rc()).isEqualTo(1);
    assertThat(r.err()).startsWith("maglev-vppsim: cannot listen: ");
  }
}
