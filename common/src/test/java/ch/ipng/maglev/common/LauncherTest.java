package ch.ipng.maglev.common;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.OptionalInt;
import org.junit.jupiter.api.Test;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

class LauncherTest {
  /** An environment variable nobody sets. */
  private static final String UNSET_ENV = "MAGLEV_LAUNCHER_TEST_UNSET_LOG_LEVEL";

  @Command(name = "prog", description = "A test program.", sortOptions = false)
  static final class Options {
    @Option(
        names = {"--first", "-first"},
        paramLabel = "X",
        defaultValue = "one",
        description = "Listed first.")
    String first = "one";

    @Option(
        names = {"--after", "-after"},
        order = Launcher.AFTER_LOG_LEVEL,
        description = "Listed after --log-level.")
    boolean after;
  }

  private final ByteArrayOutputStream out = new ByteArrayOutputStream();
  private final ByteArrayOutputStream err = new ByteArrayOutputStream();

  private OptionalInt parse(Launcher launcher, String... args) {
    return launcher.parse(
        args,
        new PrintStream(out, true, StandardCharsets.UTF_8),
        new PrintStream(err, true, StandardCharsets.UTF_8));
  }

  private String out() {
    return out.toString(StandardCharsets.UTF_8);
  }

  private String err() {
    return err.toString(StandardCharsets.UTF_8);
  }

  @Test
  void parse_goesOn_withOneOrTwoDashFlags() {
    Options o = new Options();
    Launcher launcher = Launcher.of(o, UNSET_ENV);
    assertThat(parse(launcher, "-first", "two", "--after", "-log-level=debug")).isEmpty();
    assertThat(o.first).isEqualTo("two");
    assertThat(o.after).isTrue();
    assertThat(launcher.logLevel()).isEqualTo("debug");
    assertThat(out() + err()).isEmpty();
  }

  @Test
  void logLevel_defaultsToInfo_whenItsEnvironmentVariableIsUnset() {
    Launcher launcher = Launcher.of(new Options(), UNSET_ENV);
    assertThat(parse(launcher)).isEmpty();
    assertThat(launcher.logLevel()).isEqualTo("info");
  }

  @Test
  void help_listsTheSharedOptionsLast_withTheProgramsOwnAfterLogLevel() {
    assertThat(parse(Launcher.of(new Options(), UNSET_ENV), "-h")).hasValue(0);
    assertThat(out())
        .isEqualTo(
            """
            Usage: prog [-h] [-after] [-version] [-first=X] [-log-level=LEVEL]
            A test program.
                  -first, --first=X     Listed first.
                  -log-level, --log-level=LEVEL
                                        debug, info, warn or error (env
                                          MAGLEV_LAUNCHER_TEST_UNSET_LOG_LEVEL, default
                                          info).
                  -after, --after       Listed after --log-level.
                  -version, --version   Print version, commit and build date, and exit.
              -h, -help, --help         Show this help and exit.
            """);
    assertThat(err()).isEmpty();
  }

  @Test
  void version_printsTheProgramsVersionLine() {
    assertThat(parse(Launcher.of(new Options()), "-version")).hasValue(0);
    assertThat(out()).isEqualTo(Version.current().describe("prog") + "\n");
  }

  @Test
  void help_winsOverVersion() {
    assertThat(parse(Launcher.of(new Options()), "--version", "--help")).hasValue(0);
    assertThat(out()).startsWith("Usage: prog ");
  }

  @Test
  void usageError_exits1_withOneLineAndAPointerToHelp() {
    assertThat(parse(Launcher.of(new Options()), "--log-level", "debug")).hasValue(1);
    assertThat(out()).isEmpty();
    assertThat(err())
        .isEqualTo("prog: Unknown options: '--log-level', 'debug'\nTry 'prog --help'.\n");
  }

  @Test
  void logLevel_withoutTheOption_isAnError() {
    Launcher launcher = Launcher.of(new Options());
    assertThat(parse(launcher)).isEmpty();
    assertThatThrownBy(launcher::logLevel).isInstanceOf(IllegalStateException.class);
  }
}
