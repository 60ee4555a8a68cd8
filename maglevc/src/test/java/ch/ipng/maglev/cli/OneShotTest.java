package ch.ipng.maglev.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.google.protobuf.util.JsonFormat;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Every command of the tree in one-shot mode against a real maglevd. */
class OneShotTest {
  @TempDir static Path dir;
  static MaglevdFixture maglevd;

  @BeforeAll
  static void start() throws Exception {
    maglevd = new MaglevdFixture(dir);
    await().until(() -> run("show", "backend", "nginx0-ams").out.contains("state        up"));
  }

  @AfterAll
  static void stop() {
    maglevd.close();
  }

  record Result(int rc, String out, String err) {}

  static Result run(String... args) {
    return runWith(Map.of("MAGLEV_SERVER", maglevd.server()), args);
  }

  static Result runWith(Map<String, String> env, String... args) {
    ByteArrayOutputStream buf = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    int rc =
        Main.run(
            args,
            new PrintStream(buf, true, StandardCharsets.UTF_8),
            new PrintStream(err, true, StandardCharsets.UTF_8),
            env);
    return new Result(
        rc, buf.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
  }

  @Test
  void show_commands() {
    Result v = run("show", "version");
    assertThat(v.rc()).isZero();
    assertThat(v.out()).contains("maglevc", "server   " + maglevd.server());

    Result fs = run("sh", "fr");
    assertThat(fs.rc()).isZero();
    assertThat(fs.out())
        .contains("NAME", "ADDRESS", "web", "192.0.2.1", "tcp", "80", "up", "primary");

    Result f = run("show", "frontend", "web");
    assertThat(f.out()).contains("src-ip-sticky", "flush-on-down  true", "active-pool");
    assertThat(f.out())
        .contains("on-all-down    drain", "min-healthy    off", "mode           normal");
    assertThat(f.out())
        .containsPattern("primary \\*\\s+nginx0-ams\\s+up\\s+100\\s+100\\s+configured\\s+no");
    assertThat(f.out())
        .containsPattern("fallback\\s+spare\\s+disabled\\s+100\\s+0\\s+disabled\\s+yes");

    Result bs = run("show", "backends");
    assertThat(bs.out()).containsPattern("nginx0-ams\\s+127.0.0.1\\s+up\\s+http");
    assertThat(bs.out()).containsPattern("spare\\s+127.0.0.3\\s+disabled");

    Result b = run("show", "backend", "nginx0-ams");
    assertThat(b.out()).contains("description  Amsterdam", "transitions", "unknown -> up", "L7OK");
    assertThat(b.out()).containsPattern("pass\\s+L7OK\\s+[0-9.]+ms\\s+status 200");

    Result hcs = run("show", "healthchecks");
    assertThat(hcs.out())
        .containsPattern("http\\s+http\\s+\\d+\\s+200ms\\s+200ms\\s+200ms\\s+1s\\s+2\\s+3\\s+3");
    Result hc = run("show", "healthcheck", "http");
    assertThat(hc.out())
        .contains("params.path", "/healthz")
        .containsPattern("backends\\s+nginx0-ams, nginx0-fra, spare");
  }

  @Test
  void vpp_commands_reportTheServersUnavailableMessage() {
    for (String[] cmd :
        new String[][] {
          {"show", "vpp", "info"},
          {"show", "vpp", "lb", "state"},
          {"show", "vpp", "lb", "counters"},
          {"sync", "vpp", "lb", "state"},
          {"sync", "vpp", "lb", "state", "web"}
        }) {
      Result r = run(cmd);
      assertThat(r.rc()).as(String.join(" ", cmd)).isEqualTo(2);
      assertThat(r.err()).isEqualTo("VPP integration is not connected\n");
      assertThat(r.out()).isEmpty();
    }
  }

  @Test
  void set_and_config_commands() {
    Result p = run("set", "backend", "nginx0-fra", "pause");
    assertThat(p.rc()).isZero();
    assertThat(p.out())
        .matches(
            "backend nginx0-fra: paused \\(paused by peer 127\\.0\\.0\\.1:\\d+, no expiry\\)\n");
    assertThat(run("set", "backend", "nginx0-fra", "resume").out())
        .isEqualTo("backend nginx0-fra: unknown\n");
    Result refused = run("set", "backend", "spare", "pause");
    assertThat(refused.rc()).isEqualTo(2);
    assertThat(refused.err()).isEqualTo("backend \"spare\": cannot pause a disabled backend\n");
    assertThat(refused.out()).isEmpty();
    assertThat(run("set", "backend", "spare", "enable").out())
        .matches("backend spare: unknown \\(enabled by peer 127\\.0\\.0\\.1:\\d+, no expiry\\)\n");
    assertThat(run("set", "backend", "spare", "disable").out())
        .isEqualTo("backend spare: disabled\n");

    Result w =
        run(
            "set",
            "frontend",
            "web",
            "pool",
            "primary",
            "backend",
            "nginx0-ams",
            "weight",
            "40",
            "flush");
    assertThat(w.rc()).isZero();
    assertThat(w.out())
        .isEqualTo(
            "frontend web pool primary backend nginx0-ams: weight 40, effective 40 (flush)\n");
    assertThat(
            run(
                    "set",
                    "frontend",
                    "web",
                    "pool",
                    "primary",
                    "backend",
                    "nginx0-ams",
                    "weight",
                    "100")
                .rc())
        .isZero();
    Result badPool =
        run("set", "frontend", "web", "pool", "nope", "backend", "nginx0-ams", "weight", "1");
    assertThat(badPool.err()).isEqualTo("pool \"nope\" not found in frontend \"web\"\n");

    assertThat(run("config", "check").out()).isEqualTo("config ok\n");
    assertThat(run("config", "reload").out()).isEqualTo("config reloaded\n");
  }

  @Test
  void anOverride_withReasonAndTtl_isShownWithWhoWhyAndUntil() {
    Result p =
        run("set", "backend", "nginx0-fra", "pause", "reason", "kernel upgrade", "for", "2h");
    assertThat(p.rc()).as(p.err()).isZero();
    assertThat(p.out())
        .matches(
            "backend nginx0-fra: paused \\(paused by peer 127\\.0\\.0\\.1:\\d+ \"kernel"
                + " upgrade\" until \\S+Z \\(in (1h59m|2h)\\)\\)\n");
    assertThat(run("show", "backends").out())
        .containsPattern(
            "nginx0-fra .* paused by peer 127\\.0\\.0\\.1:\\d+ \"kernel upgrade\" until");
    assertThat(run("show", "backend", "nginx0-fra").out())
        .containsPattern("override\\s+paused by peer .* \"kernel upgrade\" until")
        .contains("operator pause by peer 127.0.0.1:");
    // the options come in any order, and a reason may be a verb
    Result again = run("set", "backend", "nginx0-fra", "pause", "for", "30m", "reason", "resume");
    assertThat(again.out()).contains("paused by", "\"resume\"", "(in 29m");
    assertThat(run("set", "backend", "nginx0-fra", "resume", "reason", "done").out())
        .isEqualTo("backend nginx0-fra: unknown\n");
    Result bad = run("set", "backend", "nginx0-fra", "resume", "for", "1h");
    assertThat(bad.rc()).isNotZero();
    assertThat(run("set", "backend", "nginx0-fra", "pause", "for", "soon").err())
        .contains("unknown word \"soon\"", "expected: <duration>");
    Result noDuration = run("set", "backend", "nginx0-fra", "pause", "for", "reason", "x");
    assertThat(noDuration.rc()).isEqualTo(2);
    assertThat(noDuration.err()).isEqualTo("for: no duration (expected: for 30m, for 2h)\n");
    assertThat(backendState("nginx0-fra")).isNotEqualTo("paused");
  }

  @Test
  void aWeightOverride_isShownUnderShowFrontend_withWhoWhyAndUntil() {
    // fallback/nginx0-fra: an entry whose weight no other test of this class sets
    assertThat(run("show", "frontend", "web").out()).doesNotContain("override fallback/");
    Result w =
        run(
            "set",
            "frontend",
            "web",
            "pool",
            "fallback",
            "backend",
            "nginx0-fra",
            "weight",
            "40",
            "reason",
            "canary",
            "for",
            "1h");
    assertThat(w.rc()).as(w.err()).isZero();
    assertThat(run("show", "frontend", "web").out())
        .containsPattern(
            "(?m)^override fallback/nginx0-fra: weight 40 in web/fallback by peer"
                + " 127\\.0\\.0\\.1:\\d+ \"canary\" until \\S+Z \\(in (59m|1h)");
  }

  static String backendState(String name) {
    return run("show", "backend", name)
        .out()
        .lines()
        .filter(l -> l.startsWith("state "))
        .findFirst()
        .orElse("")
        .substring(5)
        .strip();
  }

  @Test
  void watchEvents_num_stopsAfterN() {
    Result r = run("watch", "events", "num", "1", "frontend");
    assertThat(r.rc()).isZero();
    assertThat(r.out().lines().count()).isEqualTo(1);
    assertThat(r.out()).contains("\"frontend\":{\"name\":\"web\"");
  }

  @Test
  void json_parsesAsProtobufJson() throws Exception {
    Result r = run("--json", "show", "backends");
    assertThat(r.rc()).isZero();
    var b = ch.ipng.maglev.proto.ListBackendsResponse.newBuilder();
    JsonFormat.parser().merge(r.out(), b);
    assertThat(b.getBackendsCount()).isEqualTo(3);
    Result f = run("--json", "show", "frontend", "web");
    var fb = ch.ipng.maglev.proto.FrontendInfo.newBuilder();
    JsonFormat.parser().merge(f.out(), fb);
    assertThat(fb.getName()).isEqualTo("web");
  }

  @Test
  void errors_areShortGoToStderrAndExitWithTheRightStatus() throws Exception {
    Result nf = run("show", "backend", "x");
    assertThat(nf.rc()).isEqualTo(2);
    assertThat(nf.err()).isEqualTo("backend \"x\" not found\n");
    assertThat(nf.out()).isEmpty();

    Result usage = run("show", "bogus");
    assertThat(usage.rc()).isEqualTo(1);
    assertThat(usage.err()).startsWith("unknown word \"bogus\" after \"show\"");
    assertThat(usage.out()).isEmpty();

    Result amb = run("s");
    assertThat(amb.rc()).isEqualTo(1);
    assertThat(amb.err()).isEqualTo("ambiguous word \"s\": could be show, sync, set\n");
    assertThat(amb.out()).isEmpty();

    int closed;
    try (ServerSocket s = new ServerSocket(0)) {
      closed = s.getLocalPort();
    }
    Result down = runWith(Map.of("MAGLEV_SERVER", "127.0.0.1:" + closed), "show", "backends");
    assertThat(down.rc()).isEqualTo(2);
    assertThat(down.err())
        .isEqualTo("cannot reach maglevd at 127.0.0.1:" + closed + ": connection refused\n");
    assertThat(down.out()).isEmpty();

    Result flagWins =
        runWith(
            Map.of("MAGLEV_SERVER", "127.0.0.1:" + closed),
            "--server",
            maglevd.server(),
            "show",
            "frontends");
    assertThat(flagWins.rc()).isZero();
    assertThat(flagWins.err()).isEmpty();
  }

  @Test
  void usageErrors_goToStderr_helpAndVersionToStdout() {
    for (String[] args :
        new String[][] {
          {"--bogus"}, {"--server"}, {"--server", "nocolon", "show", "backends"},
          {"--timeout", "0s", "show", "backends"}, {"--timeout=soon"}, {"--color=maybe"}
        }) {
      Result r = run(args);
      assertThat(r.rc()).as(String.join(" ", args)).isEqualTo(1);
      assertThat(r.err()).as(String.join(" ", args)).startsWith("maglevc: ").endsWith("\n");
      assertThat(r.out()).as(String.join(" ", args)).isEmpty();
    }
    assertThat(run("--timeout=soon").err())
        .isEqualTo(
            "maglevc: --timeout=soon (expected: a positive duration such as 500ms, 30s or 2m)\n");
    Result help = run("--help");
    assertThat(help.rc()).isZero();
    assertThat(help.out()).startsWith("Usage: maglevc");
    assertThat(help.err()).isEmpty();
    assertThat(run("--version").err()).isEmpty();
  }

  /**
   * The shell runs each line through execute with its terminal for results and stderr for errors.
   */
  @Test
  void execute_asTheShellDoes_writesErrorsToTheErrorWriterOnly() {
    java.io.StringWriter out = new java.io.StringWriter();
    java.io.StringWriter err = new java.io.StringWriter();
    Output o = new Output(new java.io.PrintWriter(out), new java.io.PrintWriter(err), false);
    try (Session session = new Session(maglevd.server(), o, false, Main.DEFAULT_TIMEOUT)) {
      var resolver = new ch.ipng.maglev.cli.tree.Resolver(new Commands(session).tree());
      assertThat(Main.execute(resolver, java.util.List.of("show", "backend", "x"), o, "s"))
          .isEqualTo(2);
      assertThat(Main.execute(resolver, java.util.List.of("frob"), o, "s")).isEqualTo(1);
      assertThat(Main.execute(resolver, java.util.List.of("show", "backends"), o, "s")).isZero();
    }
    assertThat(err.toString())
        .startsWith("backend \"x\" not found\nunknown word \"frob\"")
        .hasLineCount(2);
    assertThat(out.toString()).contains("nginx0-ams").doesNotContain("not found");
  }

  @Test
  void color_onlyWhenAskedAndNoColorUnset() {
    assertThat(run("show", "version").out()).doesNotContain("\033[");
    assertThat(run("--color", "show", "version").out()).contains("\033[34m");
    assertThat(
            runWith(
                    Map.of("MAGLEV_SERVER", maglevd.server(), "NO_COLOR", "1"),
                    "--color",
                    "show",
                    "version")
                .out())
        .doesNotContain("\033[");
  }

  @Test
  void complete_offersKeywordsAndLiveNames() {
    assertThat(run("--complete", "sh").out()).isEqualTo("show\n");
    assertThat(run("--complete", "show", "backend", "").out())
        .isEqualTo("nginx0-ams\nnginx0-fra\nspare\n");
    assertThat(run("--complete", "set", "frontend", "web", "pool", "").out())
        .isEqualTo("primary\nfallback\n");
    assertThat(
            run(
                    "--complete",
                    "set",
                    "frontend",
                    "web",
                    "pool",
                    "primary",
                    "backend",
                    "nginx0-ams",
                    "weight",
                    "40",
                    "")
                .out())
        .isEqualTo("dry-run\nflush\nreason\nfor\n");
    assertThat(run("--complete", "set", "backend", "nginx0-ams", "pause", "").out())
        .isEqualTo("reason\nfor\n");
  }
}
