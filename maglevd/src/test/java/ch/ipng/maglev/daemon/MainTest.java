package ch.ipng.maglev.daemon;

import static org.assertj.core.api.Assertions.assertThat;

import ch.ipng.maglev.common.Version;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * maglevd's command line: flags with one dash or two, help, version, usage errors, env defaults.
 */
class MainTest {
  private static final Path EXAMPLE =
      Path.of(System.getProperty("maglev.projectRoot"), "debian", "maglev.yaml");

  private static final String USAGE =
      """
      Usage: maglevd [-h] [-check] [-version] [-reflection[=BOOL]] [-config=FILE]
                     [-grpc-addr=ADDR] [-log-level=LEVEL] [-metrics-addr=ADDR]
                     [-vpp-api-addr=PATH] [-vpp-stats-addr=PATH]
      Health-checks backends and programs VPP's lb (Maglev) plugin.
            -config, --config=FILE
                                  Config file (env MAGLEV_CONFIG, default
                                    /etc/vpp-maglev/maglev.yaml).
            -grpc-addr, --grpc-addr=ADDR
                                  gRPC listen address (env MAGLEV_GRPC_ADDR, default :
                                    9090).
            -metrics-addr, --metrics-addr=ADDR
                                  Prometheus /metrics listen address; empty disables
                                    (env MAGLEV_METRICS_ADDR, default :9091).
            -vpp-api-addr, --vpp-api-addr=PATH
                                  VPP binary API socket; empty disables VPP (env
                                    MAGLEV_VPP_API_ADDR, default /run/vpp/api.sock).
            -vpp-stats-addr, --vpp-stats-addr=PATH
                                  VPP stats socket (env MAGLEV_VPP_STATS_ADDR,
                                    default /run/vpp/stats.sock).
            -log-level, --log-level=LEVEL
                                  debug, info, warn or error (env MAGLEV_LOG_LEVEL,
                                    default info).
            -check, --check       Validate the config and exit: 0 valid, 1 YAML
                                    error, 2 semantic error.
            -reflection, --reflection[=BOOL]
                                  Serve gRPC reflection (default true).
            -version, --version   Print version, commit and build date, and exit.
        -h, -help, --help         Show this help and exit.
      """;

  private record Result(int rc, String out, String err) {}

  private static Result run(String... args) {
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
  void help_printsTheUsage_exits0(String flag) {
    assertThat(run(flag)).isEqualTo(new Result(0, USAGE, ""));
  }

  @ParameterizedTest
  @ValueSource(strings = {"--version", "-version"})
  void version_printsVersionCommitAndDate_exits0(String flag) {
    assertThat(run(flag))
        .isEqualTo(new Result(0, Version.current().describe("maglevd") + "\n", ""));
  }

  @Test
  void unknownFlag_exits1_pointingAtHelp() {
    assertThat(run("--bogus"))
        .isEqualTo(
            new Result(1, "", "maglevd: Unknown option: '--bogus'\nTry 'maglevd --help'.\n"));
  }

  @Test
  void flagWithoutItsValue_exits1() {
    assertThat(run("--log-level"))
        .isEqualTo(
            new Result(
                1,
                "",
                "maglevd: Missing required parameter for option '--log-level' (LEVEL)\n"
                    + "Try 'maglevd --help'.\n"));
  }

  @Test
  void unknownLogLevel_exits1_beforeReadingTheConfig() {
    assertThat(run("-log-level", "loud", "--config", "/nonexistent.yaml"))
        .isEqualTo(
            new Result(
                1, "", "maglevd: log level \"loud\" (expected: debug, info, warn or error)\n"));
  }

  @Test
  void badListenAddress_exits1_namingTheFlag() {
    assertThat(run("--grpc-addr=nonsense", "--config", "/nonexistent.yaml").err())
        .isEqualTo(
            "maglevd: --grpc-addr: \"nonsense\" (expected: [host]:port, e.g. :9090 or"
                + " 127.0.0.1:9090)\n");
  }

  @Test
  void check_takesOneDashFlags_andIgnoresTheListenAddresses() {
    assertThat(run("-check", "-config", EXAMPLE.toString(), "-grpc-addr=nonsense"))
        .isEqualTo(new Result(0, EXAMPLE + ": ok\n", ""));
  }

  @Test
  void flagsDefaultToTheirEnvironmentVariables() throws IOException, InterruptedException {
    ProcessBuilder pb =
        new ProcessBuilder(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp",
                System.getProperty("java.class.path"),
                Main.class.getName(),
                "--check")
            .redirectErrorStream(true);
    pb.environment().putAll(Map.of("MAGLEV_CONFIG", EXAMPLE.toString()));
    Process p = pb.start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
    assertThat(List.of(p.exitValue(), out)).containsExactly(0, EXAMPLE + ": ok\n");
  }
}
