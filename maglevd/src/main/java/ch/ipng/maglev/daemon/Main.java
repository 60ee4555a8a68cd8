package ch.ipng.maglev.daemon;

import ch.ipng.maglev.common.FailFast;
import ch.ipng.maglev.common.GoDuration;
import ch.ipng.maglev.common.Launcher;
import ch.ipng.maglev.common.Levels;
import ch.ipng.maglev.common.ListenAddress;
import ch.ipng.maglev.common.Version;
import ch.ipng.maglev.common.logging.JulBridge;
import ch.ipng.maglev.config.Config;
import ch.ipng.maglev.config.ConfigException;
import ch.ipng.maglev.config.ConfigLoader;
import ch.ipng.maglev.daemon.dataplane.VppDataplane;
import ch.ipng.maglev.daemon.events.EventBus;
import ch.ipng.maglev.daemon.grpc.GrpcServer;
import ch.ipng.maglev.daemon.grpc.MaglevService;
import ch.ipng.maglev.daemon.grpc.ServerTls;
import ch.ipng.maglev.daemon.log.LogFanout;
import ch.ipng.maglev.daemon.metrics.MetricsServer;
import java.io.IOException;
import java.io.PrintStream;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.OptionalInt;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicReference;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import sun.misc.Signal;
import sun.misc.SignalHandler;

/**
 * maglevd's entry point. Exit codes: 0 success (also after SIGTERM/SIGINT), 1 usage or YAML error,
 * 2 semantic config error, 3 a listener could not start, 70 ({@link FailFast#EXIT_STATUS}) a fatal
 * JVM error (out of memory, stack overflow) in any thread.
 */
public final class Main {
  static final int OK = 0;
  static final int PARSE_ERROR = 1;
  static final int SEMANTIC_ERROR = 2;
  static final int STARTUP_FAILED = 3;

  private Main() {}

  public static void main(String[] args) {
    // Before anything starts a thread: a VirtualMachineError anywhere ends the process, and
    // java.util.logging (grpc-java) writes JSON lines through logback like everything else.
    FailFast.install();
    JulBridge.install();
    System.exit(run(args, System.out, System.err));
  }

  /** Runs maglevd until it is told to stop; returns the exit code. */
  static int run(String[] args, PrintStream out, PrintStream err) {
    Options o = new Options();
    Launcher launcher = Launcher.of(o, "MAGLEV_LOG_LEVEL");
    OptionalInt done = launcher.parse(args, out, err);
    if (done.isPresent()) {
      return done.getAsInt(); // help or version: OK; a usage error: PARSE_ERROR
    }
    String logLevel = launcher.logLevel();
    Path configPath = Path.of(o.config);
    ConfigLoader.Use use =
        o.vppApiAddr.isEmpty()
            ? ConfigLoader.Use.HEALTH_CHECKS_ONLY
            : ConfigLoader.Use.PROGRAMS_VPP;
    if (o.check) {
      try {
        ConfigLoader.load(configPath, use);
        out.println(configPath + ": ok");
        return OK;
      } catch (ConfigException e) {
        err.println(configPath + ":");
        e.errors().forEach(x -> err.println("  " + x));
        return e.kind() == ConfigException.Kind.PARSE ? PARSE_ERROR : SEMANTIC_ERROR;
      }
    }

    InetSocketAddress grpcAddress;
    InetSocketAddress metricsAddress;
    GrpcServer.Limits grpcLimits;
    MaglevService.WatchSettings watch;
    MetricsServer.Limits metricsLimits;
    try {
      Levels.severity(logLevel);
      grpcAddress = ListenAddress.parse("--grpc-addr", o.grpcAddr);
      metricsAddress =
          o.metricsAddr.isEmpty() ? null : ListenAddress.parse("--metrics-addr", o.metricsAddr);
      grpcLimits =
          new GrpcServer.Limits(
              o.grpcMaxConnections, duration("--grpc-idle-timeout", o.grpcIdleTimeout));
      watch =
          new MaglevService.WatchSettings(
              o.watchStreamsMax, o.watchStreamsPerAddress, o.watchQueue);
      metricsLimits =
          new MetricsServer.Limits(
              o.metricsMaxConnections, duration("--metrics-idle-timeout", o.metricsIdleTimeout));
      if (o.grpcTlsCert.isEmpty() != o.grpcTlsKey.isEmpty()) {
        throw new IllegalArgumentException(
            "--grpc-tls-cert and --grpc-tls-key go together (expected: both or neither)");
      }
      if (!o.grpcClientCa.isEmpty() && o.grpcTlsCert.isEmpty()) {
        throw new IllegalArgumentException(
            "--grpc-client-ca needs --grpc-tls-cert and --grpc-tls-key (client certificates"
                + " need TLS)");
      }
    } catch (IllegalArgumentException e) {
      err.println("maglevd: " + e.getMessage());
      return PARSE_ERROR;
    }

    EventBus bus = EventBus.create();
    LogFanout.install(bus, logLevel);
    Logger logger = LoggerFactory.getLogger(Main.class);
    Version v = Version.current();
    logger
        .atInfo()
        .setMessage("starting")
        .addKeyValue("version", v.version())
        .addKeyValue("commit", v.commit())
        .addKeyValue("date", v.date())
        .log();

    Config config;
    try {
      config = ConfigLoader.load(configPath, use);
    } catch (ConfigException e) {
      logger
          .atError()
          .setMessage("config-invalid")
          .addKeyValue("file", configPath.toString())
          .addKeyValue("error", e.getMessage())
          .log();
      err.println("maglevd: " + configPath + ":");
      e.errors().forEach(x -> err.println("  " + x));
      return e.kind() == ConfigException.Kind.PARSE ? PARSE_ERROR : SEMANTIC_ERROR;
    }
    if (o.vppApiAddr.isEmpty()) {
      logger
          .atInfo()
          .setMessage("vpp-disabled")
          .addKeyValue("reason", "empty --vpp-api-addr")
          .log();
    }
    VppDataplane.Settings vpp =
        o.vppApiAddr.isEmpty()
            ? null
            : new VppDataplane.Settings(Path.of(o.vppApiAddr), Path.of(o.vppStatsAddr));

    ServerTls tls = null;
    if (!o.grpcTlsCert.isEmpty()) {
      try {
        tls =
            ServerTls.load(
                Path.of(o.grpcTlsCert),
                Path.of(o.grpcTlsKey),
                o.grpcClientCa.isEmpty() ? null : Path.of(o.grpcClientCa));
      } catch (IOException | RuntimeException e) {
        logger.atError().setMessage("startup-failed").addKeyValue("error", e.getMessage()).log();
        err.println("maglevd: startup failed: " + e.getMessage());
        return STARTUP_FAILED;
      }
    }
    if ((tls == null || !tls.clientCertificates()) && !loopback(grpcAddress)) {
      logger
          .atWarn()
          .setMessage("grpc-unauthenticated")
          .addKeyValue("addr", o.grpcAddr)
          .addKeyValue(
              "detail",
              "every client that reaches the gRPC port may pause backends, change weights and"
                  + " reload the config: set --grpc-tls-cert, --grpc-tls-key and --grpc-client-ca"
                  + " (user guide, Access), or listen on a loopback address")
          .log();
    }

    // Signals are handled from here on, so a Ctrl-C during startup still stops cleanly; a SIGHUP
    // before the daemon runs has nothing to reload yet.
    CountDownLatch stop = new CountDownLatch(1);
    @Nullable String[] stopSignal = {null};
    AtomicReference<@Nullable Daemon> running = new AtomicReference<>();
    SignalHandler previous =
        Signal.handle(
            new Signal("HUP"),
            s -> {
              Daemon d = running.get();
              if (d != null) {
                d.reloader().reload();
                d.reloadTls();
              }
            });
    if (SignalHandler.SIG_IGN.equals(previous)) {
      // the JVM honours an inherited "ignore" (nohup) and installs nothing: say so once
      logger
          .atWarn()
          .setMessage("sighup-ignored")
          .addKeyValue(
              "detail",
              "maglevd was started with SIGHUP ignored (nohup?): SIGHUP will not reload the"
                  + " config; use the ReloadConfig RPC (maglevc reload config)")
          .log();
    }
    for (String name : new String[] {"TERM", "INT"}) {
      Signal.handle(
          new Signal(name),
          s -> {
            stopSignal[0] = "SIG" + name;
            stop.countDown();
          });
    }

    Daemon daemon;
    try {
      daemon =
          Daemon.start(
              new Daemon.Settings(
                  configPath,
                  grpcAddress,
                  metricsAddress,
                  o.reflection,
                  vpp,
                  grpcLimits,
                  watch,
                  metricsLimits,
                  o.stateFile.isEmpty() ? null : Path.of(o.stateFile)),
              config,
              bus,
              tls);
    } catch (IOException | RuntimeException e) {
      logger.atError().setMessage("startup-failed").addKeyValue("error", e.getMessage()).log();
      err.println("maglevd: startup failed: " + e.getMessage());
      return STARTUP_FAILED;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return STARTUP_FAILED;
    }
    logger
        .atInfo()
        .setMessage("listening")
        .addKeyValue("grpc", o.grpcAddr)
        .addKeyValue("grpc_port", daemon.grpcPort())
        .addKeyValue("metrics", o.metricsAddr)
        .addKeyValue("metrics_port", daemon.metricsPort())
        .log();

    running.set(daemon);
    try {
      stop.await();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    logger
        .atInfo()
        .setMessage("stopping")
        .addKeyValue("signal", String.valueOf(stopSignal[0]))
        .log();
    daemon.close();
    logger.atInfo().setMessage("stopped").log();
    return OK;
  }

  private static Duration duration(String flag, String text) {
    try {
      return GoDuration.parse(text);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(flag + ": " + e.getMessage(), e);
    }
  }

  /** Whether only this host can reach {@code a} (a loopback address, not the wildcard). */
  static boolean loopback(InetSocketAddress a) {
    return a.getAddress() != null && a.getAddress().isLoopbackAddress();
  }
}
