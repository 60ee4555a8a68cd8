package ch.ipng.maglev.frontend;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ch.ipng.maglev.common.testing.TestPki;
import ch.ipng.maglev.frontend.http.PasswordHash;
import io.grpc.InsecureChannelCredentials;
import io.grpc.TlsChannelCredentials;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** --users, --hash-password and --server-tls: what they accept, and the errors naming them. */
class AccessFlagsTest {
  @TempDir Path dir;

  private record Result(int rc, String out, String err) {}

  private static Result run(String stdin, String... args) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    int rc =
        Main.run(
            args,
            new ByteArrayInputStream(stdin.getBytes(StandardCharsets.UTF_8)),
            new PrintStream(out, true, StandardCharsets.UTF_8),
            new PrintStream(err, true, StandardCharsets.UTF_8));
    return new Result(
        rc, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
  }

  @Test
  void hashPassword_printsAHashOfTheFirstLine_thatMatchesIt() {
    Result r = run("kernel upgrade\nignored\n", "--hash-password");
    assertThat(r.rc()).isZero();
    assertThat(r.err()).isEmpty();
    assertThat(r.out()).startsWith("pbkdf2-sha256$600000$").endsWith("\n");
    PasswordHash h = PasswordHash.parse(r.out().strip());
    assertThat(h.matches("kernel upgrade")).isTrue();
    assertThat(h.matches("kernel upgrade\n")).isFalse();
    assertThat(run("", "--hash-password"))
        .isEqualTo(
            new Result(
                1,
                "",
                "maglevd-frontend: --hash-password: no password on stdin (expected: the password"
                    + " on one line)\n"));
  }

  @Test
  void aBadUsersFile_exits1_namingTheFlagFileAndLine() throws Exception {
    Path users = dir.resolve("users");
    Files.writeString(users, "# users\nalice superuser pbkdf2-sha256$1000$x$y\n");
    assertThat(run("", "--users=" + users))
        .isEqualTo(
            new Result(
                1,
                "",
                "maglevd-frontend: --users "
                    + users
                    + ":2: role \"superuser\" (expected: viewer, operator or admin)\n"));
    assertThat(run("", "--users=" + dir.resolve("none")).err())
        .startsWith("maglevd-frontend: --users: cannot read " + dir.resolve("none"));
  }

  @Test
  void serverTls_errorsNameTheFlagTheServerAndWhatWasExpected() throws Exception {
    String[][] cases = {
      {"lb9=ca:/x", "--server-tls lb9: no --server is lb9 (expected: one of lb0:9090, lb1:9090)"},
      {"ca:/x", "--server-tls: \"ca:/x\" has no NAME= (expected: NAME=ca:PATH,cert:PATH,key:PATH"},
      {"lb0=ca:/x,pin:/y", "--server-tls lb0: unknown field \"pin\" (expected: NAME=ca:PATH"},
      {"lb0=ca:", "--server-tls lb0: \"ca:\" names no file"},
      {
        "lb1:9090=cert:/c.pem",
        "--server-tls lb1:9090 cert and --server-tls lb1:9090 key go together (expected: both or"
            + " neither)"
      },
      {"lb0=ca:/nonexistent/ca.pem", "--server-tls lb0 ca /nonexistent/ca.pem: no such file"},
    };
    for (String[] c : cases) {
      assertThat(run("", "--server=lb0:9090,lb1:9090", "--server-tls", c[0]))
          .as(c[0])
          .satisfies(r -> assertThat(r.rc()).isEqualTo(1))
          .satisfies(r -> assertThat(r.err()).startsWith("maglevd-frontend: " + c[1]));
    }
    assertThat(
            run(
                    "",
                    "--server=lb0:9090,lb1:9090",
                    "--server-tls=lb0=ca:/nonexistent/a.pem",
                    "--server-tls=lb0:9090=ca:/nonexistent/b.pem")
                .err())
        .startsWith(
            "maglevd-frontend: --server-tls lb0:9090: lb0:9090 has a second entry (expected: one"
                + " per maglevd)");
    assertThat(run("", "--server=lb0:9090,lb0:9091", "--server-tls=lb0=ca:/x").err())
        .startsWith("maglevd-frontend: --server-tls lb0: lb0 is more than one --server");
  }

  @Test
  void eachMaglevd_getsItsOwnFiles_orTheCommonOnes() throws Exception {
    TestPki pki = TestPki.create(dir.resolve("pki"), "ca-a");
    pki.client("dash", "");
    List<String> servers = List.of("lb0:9090", "lb1:9090", "[::1]:9090");
    ServerTls plainByDefault =
        ServerTls.parse(
            new ServerTls.Files("", "", "", ""),
            List.of(
                "lb1=ca:" + pki.caCert() + ",cert:" + pki.cert("dash") + ",key:" + pki.key("dash"),
                "::1=ca:" + pki.caCert()),
            servers);
    assertThat(plainByDefault.credentials("lb0:9090"))
        .isInstanceOf(InsecureChannelCredentials.class);
    assertThat(plainByDefault.credentials("lb1:9090"))
        .isInstanceOfSatisfying(
            TlsChannelCredentials.class, t -> assertThat(t.getKeyManagers()).isNotEmpty());
    assertThat(plainByDefault.credentials("[::1]:9090"))
        .isInstanceOfSatisfying(
            TlsChannelCredentials.class, t -> assertThat(t.getKeyManagers()).isNull());
    ServerTls tlsByDefault =
        ServerTls.parse(
            new ServerTls.Files("", pki.caCert().toString(), "", ""), List.of(" ", ""), servers);
    assertThat(tlsByDefault.credentials("lb0:9090")).isInstanceOf(TlsChannelCredentials.class);
    Path notPem = dir.resolve("garbage.pem");
    Files.writeString(notPem, "garbage");
    ServerTls bad =
        ServerTls.parse(
            new ServerTls.Files("", "", "", ""),
            List.of("lb0=cert:" + pki.cert("dash") + ",key:" + notPem),
            servers);
    assertThatThrownBy(() -> bad.credentials("lb0:9090"))
        .hasMessageStartingWith("--server-tls lb0 key " + notPem + ": no unencrypted PKCS#8 key");
  }
}
