package ch.ipng.maglev.tester;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * maglevt's screen in a real terminal: tmux (a server of its own) runs maglevt as its own process
 * against two loopback VIPs, and the test reads the pane as a user would see it.
 */
class TuiTmuxTest {
  private static final Duration BOUND = Duration.ofSeconds(30);

  @TempDir Path dir;
  private final List<String> tmux = new ArrayList<>();
  private TestServer nginx0;
  private TestServer nginx1;

  @BeforeEach
  void start() throws Exception {
    Assumptions.assumeTrue(
        run("tmux", "-V").startsWith("tmux"), "tmux is not installed (make install-deps)");
    // a server of its own, without the user's ~/.tmux.conf (status line, sizes, keys)
    tmux.addAll(
        List.of("tmux", "-L", "maglevt-tui-" + ProcessHandle.current().pid(), "-f", "/dev/null"));
    nginx0 = new TestServer("127.0.0.1", "nginx0");
    nginx1 = new TestServer("127.0.0.1", "nginx1");
    Path cfg = dir.resolve("maglev.yaml");
    Files.writeString(
        cfg,
        """
        maglev:
          healthchecks:
            http: { type: http, port: 8080 }
          backends:
            a: { address: 127.0.0.1, healthcheck: http }
          frontends:
            web0: { address: 127.0.0.1, protocol: tcp, port: %d, pools: [ { name: p, backends: { a: {} } } ] }
            web1: { address: 127.0.0.1, protocol: tcp, port: %d, pools: [ { name: p, backends: { a: {} } } ] }
        """
            .formatted(nginx0.port(), nginx1.port()));
    String java = ProcessHandle.current().info().command().orElse("java");
    Path script = dir.resolve("maglevt.sh");
    Files.writeString(
        script,
        String.join(
            "\n",
            "'"
                + java
                + "' -XX:+UseSerialGC -XX:TieredStopAtLevel=1 -cp '"
                + System.getProperty("java.class.path")
                + "' ch.ipng.maglev.tester.Main --config '"
                + cfg
                + "' --uri /healthz --timeout 500ms",
            "echo maglevt-exit=$?",
            "stty -a | tr ' ;' '\\n\\n' | grep -x -e icanon -e -icanon -e echo -e -echo | tr '\\n' ' '",
            "echo",
            "sleep 60",
            ""));
    List<String> cmd = new ArrayList<>(tmux);
    cmd.addAll(List.of("new-session", "-d", "-s", "t", "-x", "80", "-y", "24", "sh " + script));
    run(cmd.toArray(String[]::new));
  }

  @AfterEach
  void stop() throws Exception {
    if (tmux.isEmpty()) {
      return;
    }
    List<String> cmd = new ArrayList<>(tmux);
    cmd.add("kill-server");
    run(cmd.toArray(String[]::new));
    nginx0.close();
    nginx1.close();
  }

  private static String run(String... cmd) throws IOException, InterruptedException {
    Process p;
    try {
      p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
    } catch (IOException e) {
      return "";
    }
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    p.waitFor();
    return out;
  }

  private String tmux(String... args) throws Exception {
    List<String> cmd = new ArrayList<>(tmux);
    cmd.addAll(List.of(args));
    return run(cmd.toArray(String[]::new));
  }

  private List<String> screen() throws Exception {
    return List.of(tmux("capture-pane", "-p", "-t", "t").split("\n", -1));
  }

  /** The pane with its colours (SGR escapes). */
  private String colours() throws Exception {
    return tmux("capture-pane", "-p", "-e", "-t", "t");
  }

  private void keys(String... k) throws Exception {
    List<String> args = new ArrayList<>(List.of("send-keys", "-t", "t"));
    args.addAll(List.of(k));
    tmux(args.toArray(String[]::new));
  }

  private void until(String what, java.util.function.Predicate<List<String>> p) {
    await(what)
        .atMost(BOUND)
        .pollInterval(Duration.ofMillis(100))
        .ignoreExceptions()
        .until(() -> p.test(screen()));
  }

  private static boolean has(List<String> lines, String s) {
    return lines.stream().anyMatch(l -> l.contains(s));
  }

  /** The SGR escapes right before {@code word} on the pane: a colour is "grey" or "white". */
  private String colourOf(String word) throws Exception {
    Matcher m = Pattern.compile("((?:\\x1b\\[[0-9;]*m)+)" + Pattern.quote(word)).matcher(colours());
    if (!m.find()) {
      return "absent";
    }
    String sgr = m.group(1);
    if (sgr.contains("38;5;8m") || sgr.contains("[90m") || sgr.contains(";90m")) {
      return "grey";
    }
    if (sgr.contains("38;5;15m") || sgr.contains("97m")) {
      return "white";
    }
    return sgr.replace("\u001b", "ESC");
  }

  /** The footer's probe count. */
  private long probes() throws Exception {
    Matcher m = Pattern.compile("(\\d+) probes\\s*$").matcher(screen().get(23));
    return m.find() ? Long.parseLong(m.group(1)) : -2;
  }

  @Test
  void theScreenWorksInARealTerminal() throws Exception {
    // 80x24: header first, footer on the last row, both VIPs and both backends in the tally
    until("the live screen", s -> has(s, "RUNNING") && has(s, "nginx0") && has(s, "nginx1"));
    List<String> s = screen();
    assertThat(s.get(0)).startsWith("maglevt  ").endsWith("RUNNING");
    assertThat(s.get(3)).startsWith("VIP");
    assertThat(s.get(4)).startsWith("web0 127.0.0.1:");
    assertThat(s.get(5)).startsWith("web1 127.0.0.1:");
    assertThat(s.get(23)).startsWith("q quit  p/space pause  r reset  ? help");
    assertThat(s.stream().filter(l -> l.startsWith("TALLY"))).hasSize(1);
    await("nginx1 white").atMost(BOUND).until(() -> colourOf("nginx1 ").equals("white"));

    // the backend behind web1 stops answering: its tally entry turns grey 5 s later
    nginx1.close();
    until("web1's failures", x -> has(x, "net-err"));
    await("nginx1 grey")
        .atMost(BOUND)
        .pollInterval(Duration.ofMillis(200))
        .until(() -> colourOf("nginx1 ").equals("grey"));
    assertThat(colourOf("nginx0 ")).isEqualTo("white");

    // pause, reset, resume
    keys("p");
    until("PAUSED", x -> x.get(0).endsWith("PAUSED"));
    // probes in flight when paused still land (within the 500 ms timeout): wait until the
    // footer's probe count has held still for a while
    long[] last = {-1};
    await("probing to stop")
        .atMost(BOUND)
        .pollInterval(Duration.ofMillis(100))
        .during(Duration.ofMillis(1500))
        .until(
            () -> {
              long c = probes();
              boolean same = c == last[0];
              last[0] = c;
              return same;
            });
    keys("r");
    until(
        "the counters reset",
        x ->
            x.get(4).matches("web0 \\S+ +HTTP +0 +0 +- .*")
                && !has(x, "TALLY")
                && !has(x, "EVENTS"));
    keys("Space");
    until("RUNNING again", x -> x.get(0).endsWith("RUNNING") && has(x, "nginx0"));

    // help, closed by any key
    keys("?");
    until("the help", x -> has(x, "KEYS") && x.get(23).startsWith("any key: close help"));
    keys("x");
    until("the table again", x -> x.get(3).startsWith("VIP"));

    // resize: the footer follows the last row; too small says so
    tmux("resize-window", "-t", "t", "-x", "200", "-y", "60");
    until(
        "200x60",
        x -> x.size() >= 60 && x.get(59).startsWith("q quit") && x.get(0).length() == 200);
    tmux("resize-window", "-t", "t", "-x", "60", "-y", "10");
    until("too small", x -> has(x, "terminal too small: 60x10"));
    tmux("resize-window", "-t", "t", "-x", "80", "-y", "24");
    until("80x24 again", x -> x.get(23).startsWith("q quit") && x.get(3).startsWith("VIP"));

    // quit: exit status 0, the normal screen back, the cursor shown, the tty cooked again
    keys("q");
    until("maglevt to exit", x -> has(x, "maglevt-exit=0"));
    until("the tty restored", x -> has(x, "icanon echo"));
    assertThat(tmux("display-message", "-p", "-t", "t", "#{alternate_on} #{cursor_flag}").trim())
        .isEqualTo("0 1");
    assertThat(screen()).noneSatisfy(l -> assertThat(l).contains("RUNNING"));
  }
}
