package ch.ipng.maglev.vppsim;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Path;
import java.util.Properties;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * {@code maglev-vppsim}: serves VPP's API socket and stats socket with the lb plugin's behaviour,
 * starting empty like a freshly started VPP.
 */
public final class Main {
  private static final String USAGE =
      """
      usage: maglev-vppsim [--api-addr PATH] [--stats-addr PATH] [--control-addr PATH] [--traffic]
        --api-addr PATH      binary-API stream socket (default /run/vpp/api.sock)
        --stats-addr PATH    stats SEQPACKET socket (default /run/vpp/stats.sock)
        --control-addr PATH  control socket for tests and the demo
                             (default: vppsim-control.sock beside the API socket)
        --traffic            bump the counters of VIPs that have ASes every second (demo)
        --version            print the version and exit
      """;

  private Main() {}

  public static void main(String[] args) throws Exception {
    Path api = Path.of("/run/vpp/api.sock");
    Path stats = Path.of("/run/vpp/stats.sock");
    Path control = null;
    boolean traffic = false;
    for (int i = 0; i < args.length; i++) {
      switch (args[i]) {
        case "--api-addr" -> api = Path.of(value(args, ++i));
        case "--stats-addr" -> stats = Path.of(value(args, ++i));
        case "--control-addr" -> control = Path.of(value(args, ++i));
        case "--traffic" -> traffic = true;
        case "--version" -> {
          System.out.println("maglev-vppsim " + version());
          return;
        }
        case "-h", "--help" -> {
          System.out.print(USAGE);
          return;
        }
        default -> {
          System.err.print("maglev-vppsim: unknown argument '" + args[i] + "'\n" + USAGE);
          System.exit(1);
        }
      }
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
      System.err.println("maglev-vppsim: cannot listen: " + e.getMessage());
      System.exit(1);
      return;
    }
    ControlServer controlServer =
        new ControlServer(
            control,
            sim,
            () -> {
              apiServer.dropClients();
              statsServer.restart();
            });
    ScheduledExecutorService timers =
        Executors.newSingleThreadScheduledExecutor(
            r -> Thread.ofPlatform().daemon().name("vppsim-timers").unstarted(r));
    // VPP's lb garbage collection process wakes up periodically; each VIP keeps its own pace.
    timers.scheduleWithFixedDelay(surviving(sim::collectGarbage), 5, 5, TimeUnit.SECONDS);
    timers.scheduleWithFixedDelay(surviving(statsServer::publish), 1, 1, TimeUnit.SECONDS);
    if (traffic) {
      timers.scheduleWithFixedDelay(surviving(sim::simulateTraffic), 1, 1, TimeUnit.SECONDS);
    }
    CountDownLatch stop = new CountDownLatch(1);
    Runtime.getRuntime()
        .addShutdownHook(
            new Thread(
                () -> {
                  try {
                    controlServer.close();
                    apiServer.close();
                    statsServer.close();
                  } catch (IOException e) {
                    // exiting anyway
                  }
                  stop.countDown();
                }));
    System.err.println(
        "maglev-vppsim "
            + version()
            + ": API "
            + api
            + ", stats "
            + stats
            + ", control "
            + control);
    stop.await();
  }

  /** A periodic task that logs a failure instead of silently cancelling its schedule. */
  private static Runnable surviving(Runnable task) {
    return () -> {
      try {
        task.run();
      } catch (RuntimeException e) {
        System.err.println("maglev-vppsim: periodic task failed: " + e);
      }
    };
  }

  private static String value(String[] args, int i) {
    if (i >= args.length) {
      System.err.print("maglev-vppsim: " + args[i - 1] + " needs a value\n" + USAGE);
      System.exit(1);
    }
    return args[i];
  }

  static String version() {
    Properties p = new Properties();
    try (InputStream in = Main.class.getResourceAsStream("version.properties")) {
      if (in != null) {
        p.load(in);
      }
    } catch (IOException e) {
      // informative only
    }
    String v = p.getProperty("version", "unknown");
    return v.startsWith("${") ? "unknown" : v;
  }
}
