package ch.ipng.maglev.daemon;

import static org.assertj.core.api.Assertions.assertThat;

import ch.ipng.maglev.common.Version;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
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
                     [-grpc-addr=ADDR] [-grpc-client-ca=FILE]
                     [-grpc-idle-timeout=DURATION] [-grpc-max-connections=N]
                     [-grpc-tls-cert=FILE] [-grpc-tls-key=FILE] [-log-level=LEVEL]
                     [-metrics-addr=ADDR] [-metrics-idle-timeout=DURATION]
                     [-metrics-max-connections=N] [-state-file=FILE]
                     [-vpp-api-addr=PATH] [-vpp-stats-addr=PATH] [-watch-queue=N]
                     [-watch-streams-max=N] [-watch-streams-per-address=N]
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
            -state-file, --state-file=FILE
                                  Where operator overrides (pauses, disables,
                                    weights) are kept across restarts; empty keeps
                                    them in memory only (env MAGLEV_STATE_FILE,
                                    default /var/lib/vpp-maglev/state.json).
            -grpc-tls-cert, --grpc-tls-cert=FILE
                                  Serve gRPC over TLS with this PEM certificate
                                    chain; re-read on SIGHUP (env
                                    MAGLEV_GRPC_TLS_CERT; default plaintext).
            -grpc-tls-key, --grpc-tls-key=FILE
                                  The PEM (PKCS#8) private key of --grpc-tls-cert;
                                    re-read on SIGHUP (env MAGLEV_GRPC_TLS_KEY).
            -grpc-client-ca, --grpc-client-ca=FILE
                                  Require gRPC clients to present a certificate
                                    signed by a CA in this PEM file; its identity's
                                    role comes from maglev.grpc.clients; re-read on
                                    SIGHUP (env MAGLEV_GRPC_CLIENT_CA; needs
                                    --grpc-tls-cert).
            -grpc-max-connections, --grpc-max-connections=N
                                  gRPC connections open at once; more are closed as
                                    accepted (env MAGLEV_GRPC_MAX_CONNECTIONS,
                                    default 1024).
            -grpc-idle-timeout, --grpc-idle-timeout=DURATION
                                  Close a gRPC connection without calls for this long
                                    (env MAGLEV_GRPC_IDLE_TIMEOUT, default 1m).
            -watch-streams-max, --watch-streams-max=N
                                  WatchEvents streams open at once (env
                                    MAGLEV_WATCH_STREAMS_MAX, default 256).
            -watch-streams-per-address, --watch-streams-per-address=N
                                  WatchEvents streams open at once from one client
                                    address (env MAGLEV_WATCH_STREAMS_PER_ADDRESS,
                                    default 16).
            -watch-queue, --watch-queue=N
                                  Events queued for a WatchEvents client that does
                                    not read before it is dropped (env
                                    MAGLEV_WATCH_QUEUE, default 1024).
            -metrics-max-connections, --metrics-max-connections=N
                                  /metrics connections open at once (env
                                    MAGLEV_METRICS_MAX_CONNECTIONS, default 64).
            -metrics-idle-timeout, --metrics-idle-timeout=DURATION
                                  Close a /metrics connection without a request for
                                    this long (env MAGLEV_METRICS_IDLE_TIMEOUT,
                                    default 30s).
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
  void badLimits_exit1_namingTheFlagAndWhatIsExpected() {
    assertThat(run("--grpc-idle-timeout=soon", "--config", "/nonexistent.yaml").err())
        .startsWith("maglevd: --grpc-idle-timeout: ")
        .contains("soon");
    assertThat(run("--metrics-idle-timeout=0", "--config", "/nonexistent.yaml").err())
        .isEqualTo("maglevd: --metrics-idle-timeout: PT0S (expected: > 0)\n");
    assertThat(run("--watch-streams-per-address=0", "--config", "/nonexistent.yaml").err())
        .isEqualTo("maglevd: --watch-streams-per-address: 0 (expected: >= 1)\n");
    assertThat(run("--grpc-max-connections=-1", "--config", "/nonexistent.yaml").err())
        .isEqualTo("maglevd: --grpc-max-connections: -1 (expected: >= 1)\n");
  }

  @Test
  void check_takesOneDashFlags_andIgnoresTheListenAddresses() {
    assertThat(run("-check", "-config", EXAMPLE.toString(), "-grpc-addr=nonsense"))
        .isEqualTo(new Result(0, EXAMPLE + ": ok\n", ""));
  }

  @Test
  void check_refusesBadSlowStartKeys_exits2NamingPathAndLine(@TempDir Path dir) throws IOException {
    Path bad = dir.resolve("maglev.yaml");
    Files.writeString(
        bad,
        """
        maglev:
          vpp: { lb: { ipv4-src-address: 192.0.2.254, ipv6-src-address: 2001:db8::254 } }
          healthchecks: { t: { type: tcp, port: 80, slow-start: -1s } }
          backends: { a: { address: 192.0.2.1, healthcheck: t } }
          frontends:
            web:
              address: 198.51.100.1
              slow-start: 30s
              slow-start-max-churn: 0%
              pools: [ { name: p, backends: { a: {} } } ]
        """);
    Result r = run("--check", "--config", bad.toString());
    assertThat(r.rc()).isEqualTo(2);
    assertThat(r.err())
        .contains("maglev.healthchecks.t.slow-start: -1s (expected: >= 0) (line 3")
        .contains("maglev.frontends.web.slow-start-max-churn: slow-start-max-churn \"0%\"")
        .contains("(line 9, column");
    Files.writeString(bad, Files.readString(bad).replace("-1s", "10s").replace("0%", "25%"));
    assertThat(run("--check", "--config", bad.toString()).rc()).isZero();
  }

  @Test
  void tlsFlagsWithoutTheirPartner_exit1_sayingWhatGoesTogether() {
    assertThat(run("--grpc-tls-cert=/x.pem", "--config", "/nonexistent.yaml"))
        .isEqualTo(
            new Result(
                1,
                "",
                "maglevd: --grpc-tls-cert and --grpc-tls-key go together (expected: both or"
                    + " neither)\n"));
    assertThat(run("--grpc-client-ca=/ca.pem", "--config", "/nonexistent.yaml"))
        .isEqualTo(
            new Result(
                1,
                "",
                "maglevd: --grpc-client-ca needs --grpc-tls-cert and --grpc-tls-key (client"
                    + " certificates need TLS)\n"));
  }

  @Test
  void tlsFileThatDoesNotLoad_exits3_namingTheFlagAndFile() {
    assertThat(
            run(
                    "--config=" + EXAMPLE,
                    "--vpp-api-addr=",
                    "--grpc-addr=127.0.0.1:0",
                    "--metrics-addr=",
                    "--grpc-tls-cert=/nonexistent/maglevd.pem",
                    "--grpc-tls-key=/nonexistent/maglevd.key")
                .err())
        .isEqualTo(
            "maglevd: startup failed: --grpc-tls-cert /nonexistent/maglevd.pem: no such file\n");
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

  @Test
  void check_refusesABadRemovalBudget_exits2_namingPathAndLine(@TempDir Path dir)
      throws IOException {
    Path file = dir.resolve("maglev.yaml");
    java.nio.file.Files.writeString(
        file,
        """
        maglev:
          healthchecks: { t: { type: tcp, port: 80 } }
          backends: { a: { address: 192.0.2.1, healthcheck: t } }
          frontends:
            web:
              address: 198.51.100.1
              max-drain: 150%
              max-drain-window: -1s
              pools: [ { name: p, backends: { a: {} } } ]
        """);
    Result r = run("--check", "--config", file.toString());
    assertThat(r.rc()).isEqualTo(2);
    assertThat(r.err())
        .contains(
            "maglev.frontends.web.max-drain: max-drain \"150%\" (expected: a percentage 0-100,"
                + " such as 50 or 50%) (line 7, column 18)")
        .contains("maglev.frontends.web.max-drain-window: -1s (expected: > 0) (line 8, column 25)");
  }
}
