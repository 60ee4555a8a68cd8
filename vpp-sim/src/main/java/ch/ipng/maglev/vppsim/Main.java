package ch.ipng.maglev.vppsim;

import ch.ipng.maglev.common.Launcher;
import ch.ipng.maglev.common.Tasks;
import ch.ipng.maglev.common.Version;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalInt;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.jspecify.annotations.Nullable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code maglev-vppsim}: serves VPP's API socket and stats socket with the lb plugin's behaviour,
 * starting empty like a freshly started VPP.
 */
public final class Main {
  private Main() {}

  /** The simulator's own flags; {@link Launcher} adds --version and --help. */
  @Command(
      name = "maglev-vppsim",
      description =
          "A stand-in VPP: serves VPP's API and stats sockets with the lb plugin's behaviour,"
              + " starting empty.",
      sortOptions = false)
  static final class Options {
    @Option(
        names = {"--api-addr", "-api-addr"},
        paramLabel = "PATH",
        defaultValue = "/run/vpp/api.sock",
        description = "Binary-API socket (default ${DEFAULT-VALUE}).")
    Path api = Path.of("/run/vpp/api.sock");

    @Option(
        names = {"--stats-addr", "-stats-addr"},
        paramLabel = "PATH",
        defaultValue = "/run/vpp/stats.sock",
        description = "Stats socket (default ${DEFAULT-VALUE}).")
    Path stats = Path.of("/run/vpp/stats.sock");

    @Option(
        names = {"--control-addr", "-control-addr"},
        paramLabel = "PATH",
        description =
            "Control socket for tests and the demo (default: vppsim-control.sock beside the API"
                + " socket).")
    @Nullable Path control;

    @Option(
        names = {"--forward", "-forward"},
        paramLabel = "VIP:PORT[=ADDR:PORT]",
        description =
            "Forward TCP connections for this VIP as VPP would, listening on ADDR:PORT (default:"
                + " the VIP's own address, which must then be a loopback one). Repeatable;"
                + " IPv6 as [ADDR]:PORT.")
    List<String> forward = new ArrayList<>();

    @Option(
        names = {"--forward-loopback", "-forward-loopback"},
        description = "Forward every TCP VIP whose address is a loopback one, on that address.")
    boolean forwardLoopback;

    @Option(
        names = {"--forward-as", "-forward-as"},
        paramLabel = "AS=ADDR[:PORT]",
        description =
            "Reach this application server at ADDR (and PORT; default the VIP's port) instead of"
                + " its own address. ASes that are neither mapped nor loopback are not contacted."
                + " Repeatable.")
    List<String> forwardAs = new ArrayList<>();

    @Option(
        names = {"--traffic", "-traffic"},
        description =
            "Also bump the counters of VIPs that have ASes every second, as invented traffic.")
    boolean traffic;
  }

  public static void main(String[] args) throws IOException, InterruptedException {
    int rc = run(args, System.out, System.err);
    if (rc != 0) {
      System.exit(rc);
    }
  }

  /**
   * Runs the simulator until the JVM shuts down; returns at once with 0 after --help or --version,
   * with 1 after a usage error or when the API or stats socket cannot be opened.
   *
   * @throws IOException when the control socket cannot be opened
   */
  static int run(String[] args, PrintStream out, PrintStream err)
      throws IOException, InterruptedException {
    Options o = new Options();
    OptionalInt done = Launcher.of(o).parse(args, out, err);
    if (done.isPresent()) {
      return done.getAsInt();
    }
    Path api = o.api;
    Path stats = o.stats;
    Path control = o.control;
    boolean traffic = o.traffic;
    ForwardRules rules;
    try {
      rules = ForwardRules.parse(o.forward, o.forwardLoopback, o.forwardAs);
    } catch (IllegalArgumentException e) {
      err.println("maglev-vppsim: " + e.getMessage());
      return 1;
    }
    if (control == null) {
      control = api.resolveSibling("vppsim-control.sock");
    }
    Simulator sim = new Simulator();
    ApiServer apiServer;
    StatsServer statsServer;
    try {
      statsServer = new StatsServer(stats, sim);
      apiServer = new ApiServer(api, sim, statsServer::refreshLayout);
    } catch (IOException e) {
      err.println("maglev-vppsim: cannot listen: " + e.getMessage());
      return 1;
    }
    Forwarder forwarder = new Forwarder(sim, rules, line -> err.println("maglev-vppsim: " + line));
    ControlServer controlServer =
        new ControlServer(
            control,
            sim,
            () -> {
              apiServer.dropClients();
              statsServer.restart();
            },
            forwarder::status);
    if (rules.any()) {
      forwarder.start();
    }
    ScheduledExecutorService timers =
        Executors.newSingleThreadScheduledExecutor(
            r -> Thread.ofPlatform().daemon().name("vppsim-timers").unstarted(r));
    // VPP's lb garbage collection process wakes up periodically; each VIP keeps its own pace.
    Consumer<RuntimeException> report =
        e -> err.println("maglev-vppsim: periodic task failed: " + e);
    timers.scheduleWithFixedDelay(
        Tasks.surviving(sim::collectGarbage, report), 5, 5, TimeUnit.SECONDS);
    timers.scheduleWithFixedDelay(
        Tasks.surviving(statsServer::publish, report), 1, 1, TimeUnit.SECONDS);
    if (traffic) {
      timers.scheduleWithFixedDelay(
          Tasks.surviving(sim::simulateTraffic, report), 1, 1, TimeUnit.SECONDS);
    }
    CountDownLatch stop = new CountDownLatch(1);
    Runtime.getRuntime()
        .addShutdownHook(
            new Thread(
                () -> {
                  try {
                    controlServer.close();
                    forwarder.close();
                    apiServer.close();
                    statsServer.close();
                  } catch (IOException e) {
                    // exiting anyway
                  }
                  stop.countDown();
                }));
    err.println(
        "maglev-vppsim "
            + Version.current().version()
            + ": API "
            + api
            + ", stats "
            + stats
            + ", control "
            + control);
    stop.await();
    return 0;
  }
}
