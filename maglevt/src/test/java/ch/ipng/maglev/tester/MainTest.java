package ch.ipng.maglev.tester;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The program's exit statuses and messages, against real loopback VIPs. */
class MainTest {
  @TempDir Path dir;

  private record Result(int rc, String out, String err) {
    List<String> lines() {
      return Arrays.asList(out.split("\n"));
    }
  }

  private static Result run(boolean terminal, String... args) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    int rc =
        Main.run(
            args,
            new PrintStream(out, true, StandardCharsets.UTF_8),
            new PrintStream(err, true, StandardCharsets.UTF_8),
            terminal);
    return new Result(
        rc, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
  }

  /** A config whose VIPs are the given loopback ports, named web0, web1, ... */
  private Path config(int... ports) throws Exception {
    StringBuilder fe = new StringBuilder();
    for (int i = 0; i < ports.length; i++) {
      fe.append("    web")
          .append(i)
          .append(": { address: 127.0.0.1, protocol: tcp, port: ")
          .append(ports[i])
          .append(", pools: [ { name: p, backends: { a: {} } } ] }\n");
    }
    Path p = Files.createTempFile(dir, "maglev", ".yaml");
    Files.writeString(
        p,
        """
        maglev:
          healthchecks:
            http: { type: http, port: 8080 }
          backends:
            a: { address: 127.0.0.1, healthcheck: http }
          frontends:
        """
            + fe);
    return p;
  }

  @Test
  void aMissingConfigIsNamedAndExitsOne() {
    Result r = run(false, "--config", dir.resolve("nope.yaml").toString(), "--once");
    assertThat(r.rc()).isEqualTo(1);
    assertThat(r.err()).startsWith("maglevt: " + dir.resolve("nope.yaml")).contains("no such file");
  }

  @Test
  void anInvalidConfigNamesTheFileTheKeyAndTheLine() throws Exception {
    Path p = dir.resolve("bad.yaml");
    Files.writeString(
        p,
        """
        maglev:
          frontends:
            web: { address: 127.0.0.1, protocol: tcp, port: 99999, pools: [] }
        """);
    Result r = run(false, "--config", p.toString(), "--once");
    assertThat(r.rc()).isEqualTo(1);
    assertThat(r.err())
        .startsWith("maglevt: " + p + ": maglev.frontends.")
        .contains(
            "maglevt: "
                + p
                + ": maglev.frontends.web.port: port 99999 (expected: 0-65535) (line 3,");
  }

  @Test
  void withoutATerminalTheScreenIsRefusedWithAPointerToTheScriptFlags() throws Exception {
    Result r = run(false, "--config", config(1).toString());
    assertThat(r.rc()).isEqualTo(1);
    assertThat(r.err()).contains("not a terminal").contains("--json");
  }

  @Test
  void noFrontendLeftAfterTheFilterIsAnError() throws Exception {
    Result r = run(false, "--config", config(1).toString(), "--filter", "^db", "--once");
    assertThat(r.rc()).isEqualTo(1);
    assertThat(r.err()).contains("no frontends to probe").contains("--filter ^db");
  }

  @Test
  void durationJsonExitsZeroWhenEveryVipAnswers() throws Exception {
    try (TestServer a = new TestServer("127.0.0.1", "nginx0");
        TestServer b = new TestServer("127.0.0.1", "nginx1")) {
      Result r =
          run(
              false,
              "--config",
              config(a.port(), b.port()).toString(),
              "--duration",
              "1s",
              "--interval",
              "50ms",
              "--uri",
              "/healthz",
              "--json");
      assertThat(r.rc()).as(r.out() + r.err()).isZero();
      List<String> lines = r.lines();
      assertThat(lines).hasSize(3);
      assertThat(lines.get(0))
          .startsWith("{\"kind\":\"summary\",\"vip\":\"web0\",\"address\":\"127.0.0.1\"")
          .contains("\"type\":\"http\"", "\"fail\":0", "\"ok_pct\":100.000", "\"met\":true")
          .contains("\"tally\":{\"nginx0\":");
      assertThat(lines.get(2))
          .startsWith("{\"kind\":\"run\",\"vips\":2,")
          // Linux here and in CI: the native transport loads from the bundled jar
          .contains("\"transport\":\"epoll\"")
          .endsWith("\"met\":true}");
      // every probe on a new connection: the server saw as many connections as web0 has probes
      java.util.regex.Matcher n =
          java.util.regex.Pattern.compile("\"n\":(\\d+)").matcher(lines.get(0));
      assertThat(n.find()).isTrue();
      assertThat(Integer.parseInt(n.group(1))).isPositive().isEqualTo(a.connections.get());
      assertThat(a.requests.get()).isEqualTo(a.connections.get());
    }
  }

  @Test
  void selfTest_probesItsOwnLoopbackVips_andTalliesTheirThreeBackends() {
    // a long timeout: on a loaded machine a probe is slow, never failed
    Result r =
        run(
            false,
            "--self-test",
            "--duration",
            "1s",
            "--timeout",
            "30s",
            "--json",
            "--min-ok",
            "0");
    assertThat(r.rc()).as(r.out() + r.err()).isZero();
    List<String> lines = r.lines();
    assertThat(lines).hasSize(SelfTest.VIPS + 1);
    assertThat(lines.get(0)).startsWith("{\"kind\":\"summary\",\"vip\":\"self-test-000\"");
    assertThat(lines.get(SelfTest.VIPS - 1)).contains("\"vip\":\"self-test-199\"");
    assertThat(lines.subList(0, SelfTest.VIPS))
        .allSatisfy(l -> assertThat(l).contains("\"fail\":0", "\"type\":\"http\""));
    String all = String.join("\n", lines);
    assertThat(all).contains("\"self-test0\":", "\"self-test1\":", "\"self-test2\":");
    assertThat(lines.get(SelfTest.VIPS)).startsWith("{\"kind\":\"run\",\"vips\":200,");
  }

  @Test
  void durationJsonExitsTwoWhenAVipFailsAndZeroWhenTheBarAllowsIt() throws Exception {
    try (TestServer good = new TestServer("127.0.0.1", "nginx0");
        TestServer bad = new TestServer("127.0.0.1", "nginx1")) {
      bad.mode = TestServer.Mode.ERROR_500;
      String cfg = config(good.port(), bad.port()).toString();
      Result r =
          run(false, "--config", cfg, "--duration", "500ms", "--interval", "50ms", "--json-probes");
      assertThat(r.rc()).as(r.out() + r.err()).isEqualTo(2);
      assertThat(r.lines())
          .anySatisfy(
              l ->
                  assertThat(l)
                      .startsWith("{\"kind\":\"probe\",\"vip\":\"web1\"")
                      .contains(
                          "\"class\":\"http-err\"", "\"status\":500", "\"header\":\"nginx1\""))
          .anySatisfy(
              l ->
                  assertThat(l)
                      .startsWith("{\"kind\":\"summary\",\"vip\":\"web1\"")
                      .contains("\"ok_pct\":0.000", "\"met\":false"))
          .anySatisfy(
              l -> assertThat(l).startsWith("{\"kind\":\"run\"").endsWith("\"met\":false}"));
      Result allowed = run(false, "--config", cfg, "--once", "--min-ok", "0", "--json");
      assertThat(allowed.rc()).isZero();
    }
  }

  @Test
  void onceWithoutJsonPrintsATextSummary() throws Exception {
    try (TestServer a = new TestServer("127.0.0.1", "nginx0")) {
      Result r =
          run(false, "--config", config(a.port()).toString(), "--once", "--type", "web0=tcp");
      assertThat(r.rc()).isZero();
      assertThat(r.lines().get(1))
          .startsWith("web0 127.0.0.1:" + a.port())
          .contains("TCP")
          .endsWith("yes");
      assertThat(r.lines().get(2)).startsWith("every VIP met --min-ok 100.0% (1 probes");
      assertThat(a.connections.get()).isEqualTo(1);
      assertThat(a.requests.get()).isZero();
    }
  }
}
