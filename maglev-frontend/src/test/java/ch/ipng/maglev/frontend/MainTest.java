package ch.ipng.maglev.frontend;

import static org.assertj.core.api.Assertions.assertThat;

import ch.ipng.maglev.common.Version;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * maglevd-frontend's command line: flags with one dash or two, help, version, usage errors, env
 * defaults.
 */
class MainTest {
  private static final String USAGE =
      """
      Usage: maglevd-frontend [-h] [-hash-password] [-version]
                              [-header-timeout=DURATION] [-idle-timeout=DURATION]
                              [-listen=ADDR] [-log-level=LEVEL] [-max-connections=N]
                              [-max-header-size=BYTES] [-max-uri-length=BYTES]
                              [-server=ADDR[,ADDR...]] [-tls-ca=FILE]
                              [-tls-cert=FILE] [-tls-key=FILE] [-users=FILE]
                              [-server-tls=NAME=FILES]...
      The web dashboard over one or more maglevds.
            -server, --server=ADDR[,ADDR...]
                                   maglevd gRPC addresses, comma-separated (env
                                     MAGLEV_FRONTEND_SERVER).
            -tls-ca, --tls-ca=FILE Talk TLS to every maglevd; their certificates must
                                     chain to this PEM CA (env
                                     MAGLEV_FRONTEND_TLS_CA).
            -tls-cert, --tls-cert=FILE
                                   Present this PEM certificate to every maglevd; its
                                     role there must be operator or admin for the
                                     admin actions (env MAGLEV_FRONTEND_TLS_CERT).
            -tls-key, --tls-key=FILE
                                   The PKCS#8 PEM key of --tls-cert (env
                                     MAGLEV_FRONTEND_TLS_KEY).
            -server-tls, --server-tls=NAME=FILES
                                   One maglevd's own TLS files instead of --tls-*,
                                     FILES as ca:FILE,cert:FILE,key:FILE; NAME is its
                                     --server address or host; repeatable (env
                                     MAGLEV_FRONTEND_SERVER_TLS, entries separated by
                                     ';').
            -users, --users=FILE   Dashboard users, one a line: NAME ROLE HASH, ROLE
                                     viewer, operator or admin (env
                                     MAGLEV_FRONTEND_USERS).
            -hash-password, --hash-password
                                   Read a password on stdin, print its hash for
                                     --users, and exit.
            -listen, --listen=ADDR HTTP listen address (env MAGLEV_FRONTEND_LISTEN,
                                     default :8080).
            -idle-timeout, --idle-timeout=DURATION
                                   Close a connection idle this long (env
                                     MAGLEV_FRONTEND_IDLE_TIMEOUT, default 60s).
            -header-timeout, --header-timeout=DURATION
                                   A request must arrive in full this soon after its
                                     first byte, else 408 (env
                                     MAGLEV_FRONTEND_HEADER_TIMEOUT, default 10s).
            -max-connections, --max-connections=N
                                   Open connections at most; more are answered 503
                                     (env MAGLEV_FRONTEND_MAX_CONNECTIONS, default
                                     1024).
            -max-uri-length, --max-uri-length=BYTES
                                   Longest request target; longer is answered 414
                                     (env MAGLEV_FRONTEND_MAX_URI_LENGTH, default
                                     4096).
            -max-header-size, --max-header-size=BYTES
                                   Most bytes of header fields in a request; more is
                                     answered 431 (env
                                     MAGLEV_FRONTEND_MAX_HEADER_SIZE, default 8192).
            -log-level, --log-level=LEVEL
                                   debug, info, warn or error (env
                                     MAGLEV_FRONTEND_LOG_LEVEL, default info).
            -version, --version    Print version, commit and build date, and exit.
        -h, -help, --help          Show this help and exit.
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
        .isEqualTo(new Result(0, Version.current().describe("maglevd-frontend") + "\n", ""));
  }

  @Test
  void tlsCertWithoutKey_orAKeyThatIsNone_exit1_namingTheFlag() {
    assertThat(run("--tls-cert=/x.pem"))
        .isEqualTo(
            new Result(
                1,
                "",
                "maglevd-frontend: --tls-cert and --tls-key go together (expected: both or"
                    + " neither)\n"));
    assertThat(run("--tls-ca=/nonexistent/ca.pem"))
        .isEqualTo(
            new Result(1, "", "maglevd-frontend: --tls-ca /nonexistent/ca.pem: no such file\n"));
  }

  @Test
  void unknownFlag_exits1_pointingAtHelp() {
    assertThat(run("--bogus"))
        .isEqualTo(
            new Result(
                1,
                "",
                "maglevd-frontend: Unknown option: '--bogus'\nTry 'maglevd-frontend --help'.\n"));
  }

  @Test
  void unknownLogLevel_exits1() {
    assertThat(run("-log-level", "loud"))
        .isEqualTo(
            new Result(
                1,
                "",
                "maglevd-frontend: log level \"loud\" (expected: debug, info, warn or error)\n"));
  }

  @Test
  void badListenAddress_exits1_namingTheFlag() {
    assertThat(run("-listen=nonsense"))
        .isEqualTo(
            new Result(
                1,
                "",
                "maglevd-frontend: --listen: \"nonsense\" (expected: [host]:port, e.g. :9090 or"
                    + " 127.0.0.1:9090)\n"));
  }

  @Test
  void badListenerLimits_exit1_namingTheFlagAndWhatWasExpected() {
    assertThat(run("--idle-timeout=0s"))
        .isEqualTo(
            new Result(
                1,
                "",
                "maglevd-frontend: --idle-timeout: \"0s\" (expected: a duration above 0 such as"
                    + " 500ms, 10s, 2m or 1h)\n"));
    assertThat(run("-header-timeout", "10"))
        .isEqualTo(
            new Result(
                1,
                "",
                "maglevd-frontend: --header-timeout: \"10\" (expected: a duration above 0 such as"
                    + " 500ms, 10s, 2m or 1h)\n"));
    assertThat(run("--max-connections=lots"))
        .isEqualTo(
            new Result(
                1,
                "",
                "maglevd-frontend: --max-connections: \"lots\" (expected: a whole number from 1 to"
                    + " 1000000)\n"));
    assertThat(run("--max-uri-length=10").err())
        .isEqualTo(
            "maglevd-frontend: --max-uri-length: \"10\" (expected: a whole number from 64 to"
                + " 1048576)\n");
  }

  @Test
  void emptyServerList_exits1() {
    assertThat(run("--server", " , "))
        .isEqualTo(
            new Result(
                1, "", "maglevd-frontend: --server: no address given (expected: host:port,...)\n"));
  }

  @Test
  void flagsDefaultToTheirEnvironmentVariables() throws IOException, InterruptedException {
    ProcessBuilder pb =
        new ProcessBuilder(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp",
                System.getProperty("java.class.path"),
                Main.class.getName())
            .redirectErrorStream(true);
    pb.environment().put("MAGLEV_FRONTEND_LISTEN", "nonsense");
    Process p = pb.start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
    assertThat(List.of(p.exitValue(), out))
        .containsExactly(
            1,
            "maglevd-frontend: --listen: \"nonsense\" (expected: [host]:port, e.g. :9090 or"
                + " 127.0.0.1:9090)\n");
  }
}
