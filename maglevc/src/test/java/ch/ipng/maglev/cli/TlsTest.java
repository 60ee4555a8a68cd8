package ch.ipng.maglev.cli;

import static org.assertj.core.api.Assertions.assertThat;

import ch.ipng.maglev.common.testing.TestPki;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * maglevc over TLS with client certificates (openssl made them) against a real maglevd that
 * requires them: each role's allowed and refused commands, and the handshakes that fail.
 */
class TlsTest {
  @TempDir static Path dir;
  static TestPki pki;
  static TestPki other;
  static MaglevdFixture maglevd;

  @BeforeAll
  static void start() throws IOException {
    pki = TestPki.create(dir.resolve("pki"), "test-ca");
    pki.server("maglevd");
    pki.client("viewer", "");
    pki.client("operator", "");
    pki.client("admin", "");
    other = TestPki.create(dir.resolve("other"), "other-ca");
    other.client("operator", "");
    maglevd =
        new MaglevdFixture(
            dir,
            null,
            "  grpc:\n    clients: { viewer: viewer, operator: operator, admin: admin }\n",
            List.of(
                "--grpc-tls-cert=" + pki.cert("maglevd"),
                "--grpc-tls-key=" + pki.key("maglevd"),
                "--grpc-client-ca=" + pki.caCert()));
  }

  @AfterAll
  static void stop() {
    if (maglevd != null) {
      maglevd.close();
    }
  }

  record Result(int rc, String out, String err) {}

  static Result run(Map<String, String> env, String... args) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    int rc =
        Main.run(
            args,
            new PrintStream(out, true, StandardCharsets.UTF_8),
            new PrintStream(err, true, StandardCharsets.UTF_8),
            env);
    return new Result(
        rc, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
  }

  /** maglevc as {@code client} of {@code issuer}, trusting the test CA, running {@code words}. */
  static Result as(TestPki issuer, String client, String... words) {
    List<String> args = new ArrayList<>();
    args.add("--server=localhost:" + maglevd.port);
    args.add("--tls-ca=" + pki.caCert());
    if (client != null) {
      args.add("--tls-cert=" + issuer.cert(client));
      args.add("--tls-key=" + issuer.key(client));
    }
    args.addAll(List.of(words));
    return run(Map.of(), args.toArray(new String[0]));
  }

  @Test
  void viewer_shows_butCannotPause() {
    Result r = as(pki, "viewer", "show", "backends");
    assertThat(r.rc()).as(r.err()).isZero();
    assertThat(r.out()).contains("nginx0-ams");
    Result pause = as(pki, "viewer", "set", "backend", "nginx0-ams", "pause");
    assertThat(pause.rc()).isEqualTo(Main.FAILED);
    assertThat(pause.err()).contains("PauseBackend needs role operator; viewer has role viewer");
  }

  @Test
  void operator_pausesAndResumes_butCannotReload() {
    assertThat(as(pki, "operator", "set", "backend", "nginx0-fra", "pause").rc()).isZero();
    assertThat(as(pki, "operator", "set", "backend", "nginx0-fra", "resume").rc()).isZero();
    Result reload = as(pki, "operator", "config", "reload");
    assertThat(reload.rc()).isEqualTo(Main.FAILED);
    assertThat(reload.err()).contains("ReloadConfig needs role admin; operator has role operator");
  }

  @Test
  void admin_reloads_withTheFilesFromTheEnvironment() {
    Map<String, String> env = new HashMap<>();
    env.put("MAGLEV_SERVER", "localhost:" + maglevd.port);
    env.put("MAGLEV_TLS_CA", pki.caCert().toString());
    env.put("MAGLEV_TLS_CERT", pki.cert("admin").toString());
    env.put("MAGLEV_TLS_KEY", pki.key("admin").toString());
    Result r = run(env, "config", "reload");
    assertThat(r.rc()).as(r.err()).isZero();
  }

  @Test
  void noCertificate_orOneOfAnotherCa_isRefused() {
    for (Result r :
        List.of(as(pki, null, "show", "backends"), as(other, "operator", "show", "backends"))) {
      assertThat(r.rc()).isEqualTo(Main.FAILED);
      assertThat(r.err()).startsWith("cannot reach maglevd at localhost:" + maglevd.port + ": ");
      assertThat(r.out()).isEmpty();
    }
  }

  @Test
  void serverOfAnotherCa_failsTheHandshake() {
    Result r =
        run(
            Map.of(),
            "--server=localhost:" + maglevd.port,
            "--tls-ca=" + other.caCert(),
            "--tls-cert=" + pki.cert("admin"),
            "--tls-key=" + pki.key("admin"),
            "show",
            "backends");
    assertThat(r.rc()).isEqualTo(Main.FAILED);
    assertThat(r.err()).contains("tls handshake: ");
  }

  @Test
  void plaintextAgainstTls_failsCleanly() {
    Result r = run(Map.of(), "--server=localhost:" + maglevd.port, "show", "backends");
    assertThat(r.rc()).isEqualTo(Main.FAILED);
    assertThat(r.err()).startsWith("cannot reach maglevd at localhost:" + maglevd.port);
  }

  @Test
  void badFiles_areUsageErrorsNamingTheFlag() {
    Result noKey = run(Map.of(), "--tls-cert=" + pki.cert("admin"), "show", "backends");
    assertThat(noKey)
        .isEqualTo(
            new Result(
                Main.USAGE,
                "",
                "maglevc: --tls-cert and --tls-key go together (expected: both or neither)\n"));
    Result certAsKey =
        run(
            Map.of(),
            "--tls-cert=" + pki.cert("admin"),
            "--tls-key=" + pki.cert("admin"),
            "show",
            "backends");
    assertThat(certAsKey.rc()).isEqualTo(Main.USAGE);
    assertThat(certAsKey.err())
        .startsWith("maglevc: --tls-key " + pki.cert("admin") + ": no unencrypted PKCS#8 key");
    Result missing = run(Map.of(), "--tls-ca=/nonexistent/ca.pem", "show", "backends");
    assertThat(missing)
        .isEqualTo(
            new Result(Main.USAGE, "", "maglevc: --tls-ca /nonexistent/ca.pem: no such file\n"));
  }
}
