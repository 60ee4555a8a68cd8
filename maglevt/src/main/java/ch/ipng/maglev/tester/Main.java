package ch.ipng.maglev.tester;

import ch.ipng.maglev.common.Version;
import ch.ipng.maglev.config.Config;
import ch.ipng.maglev.config.ConfigError;
import ch.ipng.maglev.config.ConfigException;
import ch.ipng.maglev.config.ConfigLoader;
import com.google.common.net.InetAddresses;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * maglevt: {@code maglevt --config maglev.yaml [flags]}. Without {@code --once} or {@code
 * --duration} it shows the live screen (a terminal is needed); with them it probes, prints a
 * summary (text, or JSON with {@code --json}) and exits 0 when every VIP met {@code --min-ok}, 2
 * when one did not, 1 on a usage or config error.
 */
public final class Main {
  static final int OK = 0;
  static final int USAGE = 1;
  static final int BELOW = 2;

  private Main() {}

  public static void main(String[] args) {
    int rc = run(args, System.out, System.err, isTerminal());
    System.out.flush();
    System.err.flush();
    System.exit(rc);
  }

  /** Whether stdout is a terminal (Console.isTerminal on Java 22+, console presence before). */
  static boolean isTerminal() {
    java.io.Console c = System.console();
    if (c == null) {
      return false;
    }
    try {
      return (Boolean) java.io.Console.class.getMethod("isTerminal").invoke(c);
    } catch (ReflectiveOperationException e) {
      return true;
    }
  }

  static int run(String[] args, PrintStream out, PrintStream err, boolean terminal) {
    Options o;
    try {
      o = Options.parse(args);
    } catch (IllegalArgumentException e) {
      err.println("maglevt: " + e.getMessage());
      return USAGE;
    }
    switch (o.mode()) {
      case "version" -> {
        out.println(Version.current().describe("maglevt"));
        return OK;
      }
      case "help" -> {
        out.print(USAGE_TEXT);
        return OK;
      }
      case "self-test" -> {
        try (SelfTest self = SelfTest.start(SelfTest.VIPS, o.header())) {
          return probe(o, new Targets(self.targets(), List.of()), out, err, terminal);
        } catch (IOException e) {
          err.println("maglevt: " + e.getMessage());
          return USAGE;
        }
      }
      default -> {}
    }
    List<Config> configs = new ArrayList<>();
    for (String file : o.configs()) {
      try {
        configs.add(ConfigLoader.load(Path.of(file), ConfigLoader.Use.HEALTH_CHECKS_ONLY));
      } catch (ConfigException e) {
        for (ConfigError error : e.errors()) {
          err.println("maglevt: " + file + ": " + error);
        }
        return USAGE;
      } catch (java.nio.file.InvalidPathException e) {
        err.println("maglevt: " + file + ": not a file name (" + e.getReason() + ")");
        return USAGE;
      }
    }
    Targets targets = Targets.of(configs, o.filter(), o.types());
    for (String name : o.types().keySet()) {
      if (targets.targets().stream().noneMatch(t -> t.name().equals(name))) {
        err.println(
            "maglevt: --type "
                + name
                + "=...: no frontend "
                + name
                + " to probe in "
                + String.join(", ", o.configs()));
        return USAGE;
      }
    }
    if (targets.targets().isEmpty()) {
      err.println(
          "maglevt: no frontends to probe in "
              + String.join(", ", o.configs())
              + (o.filter() == null ? "" : " matching --filter " + o.filter().pattern())
              + (targets.skipped().isEmpty()
                  ? ""
                  : " (skipped: " + String.join("; ", targets.skipped()) + ")"));
      return USAGE;
    }
    return probe(o, targets, out, err, terminal);
  }

  /** Probes the targets: the live screen, or a script run ending in its summary. */
  private static int probe(
      Options o, Targets targets, PrintStream out, PrintStream err, boolean terminal) {
    if (!o.scripted() && !terminal) {
      err.println(
          "maglevt: stdout is not a terminal: the live screen needs one (for scripts: --once or"
              + " --duration D, with --json for JSON)");
      return USAGE;
    }
    Prober.Settings settings =
        new Prober.Settings(
            o.timeout(),
            o.host(),
            o.uri(),
            o.header(),
            o.insecure(),
            o.keepalive(),
            "maglevt/" + Version.current().version());
    Board board = new Board(targets.targets());
    int threads = Math.max(1, Math.min(4, Runtime.getRuntime().availableProcessors()));
    try (Prober prober =
        new Prober(settings, targets.targets(), threads, System::currentTimeMillis)) {
      if (o.scripted()) {
        targets.skipped().forEach(s -> err.println("maglevt: skipped " + s));
        return script(o, board, prober, out);
      }
      return Tui.run(o, board, prober, targets.skipped(), err);
    } catch (IllegalStateException e) {
      err.println("maglevt: " + e.getMessage());
      return USAGE;
    }
  }

  /** A run that ends by itself: probes, then the summary; the exit status says whether all met. */
  private static int script(Options o, Board board, Prober prober, PrintStream out) {
    Object lock = new Object();
    List<Target> list = board.targets();
    Scheduler scheduler =
        new Scheduler(
            prober,
            list.size(),
            o.interval(),
            o.once() ? 1 : 0,
            () -> false,
            s -> {
              String cls = board.record(s);
              if (o.jsonProbes()) {
                String line = probeJson(list.get(s.target()), s, cls);
                synchronized (lock) {
                  out.println(line);
                }
              }
            });
    long start = System.nanoTime();
    scheduler.start();
    Duration grace = o.timeout().plusSeconds(5);
    // the run's seconds are the probing window: probes in flight at its end finish and count,
    // the wait for them does not
    long end = 0;
    try {
      if (o.once()) {
        scheduler.await(grace.plus(o.interval()));
      } else {
        Thread.sleep(java.util.Objects.requireNonNull(o.duration()).toMillis());
        end = System.nanoTime();
        scheduler.stop();
        scheduler.await(grace);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    double seconds = ((end != 0 ? end : System.nanoTime()) - start) / 1e9;
    Board.Snapshot snap = board.snapshot();
    boolean allMet = true;
    synchronized (lock) {
      if (!o.json()) {
        out.println(
            String.format(
                java.util.Locale.ROOT,
                "%-32s %-5s %7s %5s %7s %8s %8s %8s %8s  %s",
                "VIP",
                "TYPE",
                "N",
                "FAIL",
                "OK%",
                "P50",
                "P95",
                "P99",
                "MAX",
                "MET"));
      }
      for (Board.Row r : snap.rows()) {
        boolean met = met(r.stats(), o.minOk());
        allMet &= met;
        out.println(o.json() ? summaryJson(r, met) : summaryText(r, met));
      }
      if (o.json()) {
        out.println(
            new Json()
                .put("kind", "run")
                .put("vips", snap.rows().size())
                .put("probes", snap.probes())
                .decimal("seconds", seconds)
                .decimal("min_ok", o.minOk())
                .millis("late_p50_ms", scheduler.latenessPercentile(50))
                .millis("late_p99_ms", scheduler.latenessPercentile(99))
                .put("transport", prober.transport())
                .put("met", allMet));
      } else {
        out.println(
            (allMet ? "every VIP met" : "a VIP missed")
                + " --min-ok "
                + Format.pct(o.minOk())
                + "% ("
                + snap.probes()
                + " probes in "
                + String.format(java.util.Locale.ROOT, "%.1f", seconds)
                + "s)");
      }
    }
    return allMet ? OK : BELOW;
  }

  /** Whether a VIP met the bar: probed at least once, and its lifetime OK% at least minOk. */
  static boolean met(Stats.View s, double minOk) {
    return s.n() > 0 && s.lifetimeOkPct() >= minOk;
  }

  static String probeJson(Target t, Sample s, String cls) {
    Json j =
        new Json()
            .put("kind", "probe")
            .put("vip", t.name())
            .put("address", com.google.common.net.InetAddresses.toAddrString(t.address()))
            .put("port", t.port())
            .put("type", t.kind().label())
            .put("time", Instant.ofEpochMilli(s.atMillis()).toString())
            .millis("latency_ms", s.latencyNanos())
            .put("class", cls);
    if (s.status() > 0) {
      j.put("status", s.status());
    }
    if (s.source() != null) {
      // the flow the load balancer hashed: with address and port above, a flow lookup's input
      j.put("source_address", InetAddresses.toAddrString(s.source().getAddress()));
      j.put("source_port", s.source().getPort());
    }
    if (s.header() != null) {
      j.put("header", s.header());
    }
    return j.put("detail", s.detail()).toString();
  }

  static String summaryJson(Board.Row r, boolean met) {
    Target t = r.target();
    Stats.View s = r.stats();
    Map<String, Long> tally = new LinkedHashMap<>();
    s.tally().forEach(v -> tally.put(v.value(), v.count()));
    return new Json()
        .put("kind", "summary")
        .put("vip", t.name())
        .put("address", com.google.common.net.InetAddresses.toAddrString(t.address()))
        .put("port", t.port())
        .put("type", t.kind().label())
        .put("n", s.n())
        .put("fail", s.fail())
        .decimal("ok_pct", s.lifetimeOkPct())
        .put("timeout", s.timeouts())
        .put("http_err", s.httpErrs())
        .put("net_err", s.netErrs())
        .put("spike", s.spikes())
        .millis("p50_ms", s.p50())
        .millis("p95_ms", s.p95())
        .millis("p99_ms", s.p99())
        .millis("max_ms", s.max())
        .put("last", s.last())
        .counts("tally", tally)
        .put("met", met)
        .toString();
  }

  static String summaryText(Board.Row r, boolean met) {
    Target t = r.target();
    Stats.View s = r.stats();
    return String.format(
        java.util.Locale.ROOT,
        "%-32s %-5s %7d %5d %7s %8s %8s %8s %8s  %s",
        t.name() + " " + t.endpoint(),
        t.kind().name(),
        s.n(),
        s.fail(),
        Format.pct(s.lifetimeOkPct()),
        Format.latency(s.p50()),
        Format.latency(s.p95()),
        Format.latency(s.p99()),
        Format.latency(s.max()),
        met ? "yes" : "NO");
  }

  static final String USAGE_TEXT =
      """
      Usage: maglevt --config FILE[,FILE...] [flags]

      Probes every TCP frontend (VIP) of maglev.yaml from outside the load balancer and shows
      a live screen: OK%, latency percentiles, errors, and which backend answered (the tally of
      the --header values). Keys: q quit, p/space pause, r reset, ? help.

        --config FILE       maglev.yaml; repeatable and comma-separated; frontends are unioned
                            and de-duplicated by (address, protocol, port)
        --interval D        probe interval per VIP, +-10% jitter (default 100ms)
        --timeout D         per-probe timeout (default 2s)
        --host NAME         Host header (and TLS SNI) (default: the VIP's address)
        --uri PATH          HTTP path (default /.well-known/ipng/healthz); --path is an alias
        --header NAME       response header whose values are tallied (default X-IPng-Frontend)
        --insecure[=bool]   skip TLS certificate verification (default true)
        --keepalive[=bool]  reuse connections (default false: a new connection per probe)
        --filter REGEX      probe only frontends whose name matches
        --type NAME=TYPE    probe frontend NAME as http, https or tcp (repeatable)
        --once              probe every VIP once, print the summary, exit
        --duration D        probe for D, print the summary, exit
        --json              the summary as JSON lines (one per VIP, then one for the run)
        --json-probes       also one JSON line per probe as it completes
        --min-ok PCT        the OK% every VIP must reach for exit status 0 (default 100)
        --self-test         probe 200 VIPs of maglevt's own on 127.0.0.1 instead of a config's
                            (for --duration, default 5s): does maglevt work on this host?
        --version           print maglevt's version

      Flags take one dash or two. Exit status: 0 ok (every VIP met --min-ok),
      1 usage or config error, 2 a VIP below --min-ok.
      """;
}
