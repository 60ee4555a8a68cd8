package ch.ipng.maglev.daemon;

import ch.ipng.maglev.common.Version;
import ch.ipng.maglev.config.Config;
import ch.ipng.maglev.config.ConfigLoader;
import ch.ipng.maglev.daemon.checker.Checker;
import ch.ipng.maglev.daemon.checker.SlowStarter;
import ch.ipng.maglev.daemon.dataplane.DataplaneException;
import ch.ipng.maglev.daemon.dataplane.VppDataplane;
import ch.ipng.maglev.daemon.events.EventBus;
import ch.ipng.maglev.daemon.grpc.AccessInterceptor;
import ch.ipng.maglev.daemon.grpc.Audit;
import ch.ipng.maglev.daemon.grpc.GrpcObserver;
import ch.ipng.maglev.daemon.grpc.GrpcServer;
import ch.ipng.maglev.daemon.grpc.MaglevService;
import ch.ipng.maglev.daemon.grpc.ServerTls;
import ch.ipng.maglev.daemon.health.Jitter;
import ch.ipng.maglev.daemon.metrics.DaemonMetrics;
import ch.ipng.maglev.daemon.metrics.MetricsServer;
import ch.ipng.maglev.daemon.model.ModelHub;
import ch.ipng.maglev.daemon.override.ExpiryLoop;
import ch.ipng.maglev.daemon.override.OverrideCollector;
import ch.ipng.maglev.daemon.override.Overrides;
import ch.ipng.maglev.daemon.override.StateFile;
import ch.ipng.maglev.daemon.probe.Probers;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.SplittableRandom;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.atomic.AtomicReference;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * maglevd's components, wired by hand and started in order: checker, metrics, gRPC. Closing stops
 * them in reverse order; VPP state is left as it is.
 */
final class Daemon implements AutoCloseable {
  /**
   * Where maglevd listens and what it reads.
   *
   * @param metricsAddress null to disable /metrics
   */
  record Settings(
      Path configPath,
      InetSocketAddress grpcAddress,
      @Nullable InetSocketAddress metricsAddress,
      boolean reflection,
      VppDataplane.@Nullable Settings vpp,
      GrpcServer.Limits grpcLimits,
      MaglevService.WatchSettings watch,
      MetricsServer.Limits metricsLimits,
      @Nullable Path stateFile) {
    /** No state file: overrides are kept in memory only. */
    Settings(
        Path configPath,
        InetSocketAddress grpcAddress,
        @Nullable InetSocketAddress metricsAddress,
        boolean reflection,
        VppDataplane.@Nullable Settings vpp,
        GrpcServer.Limits grpcLimits,
        MaglevService.WatchSettings watch,
        MetricsServer.Limits metricsLimits) {
      this(
          configPath,
          grpcAddress,
          metricsAddress,
          reflection,
          vpp,
          grpcLimits,
          watch,
          metricsLimits,
          null);
    }

    /** The default limits. */
    Settings(
        Path configPath,
        InetSocketAddress grpcAddress,
        @Nullable InetSocketAddress metricsAddress,
        boolean reflection,
        VppDataplane.@Nullable Settings vpp) {
      this(
          configPath,
          grpcAddress,
          metricsAddress,
          reflection,
          vpp,
          GrpcServer.Limits.DEFAULT,
          MaglevService.WatchSettings.DEFAULT,
          MetricsServer.Limits.DEFAULT,
          null);
    }
  }

  private final Checker checker;
  private final SlowStarter slowStarter;
  private final ConfigReloader reloader;
  private final GrpcServer grpc;
  private final @Nullable MetricsServer metricsServer;
  private final @Nullable VppDataplane vpp;
  private final ScheduledExecutorService overrideScheduler;
  private final ExpiryLoop expiry;
  private final @Nullable ServerTls tls;

  private Daemon(
      ScheduledExecutorService overrideScheduler,
      ExpiryLoop expiry,
      Checker checker,
      SlowStarter slowStarter,
      ConfigReloader reloader,
      GrpcServer grpc,
      @Nullable MetricsServer metricsServer,
      @Nullable VppDataplane vpp,
      @Nullable ServerTls tls) {
    this.vpp = vpp;
    this.tls = tls;
    this.overrideScheduler = overrideScheduler;
    this.expiry = expiry;
    this.checker = checker;
    this.slowStarter = slowStarter;
    this.reloader = reloader;
    this.grpc = grpc;
    this.metricsServer = metricsServer;
  }

  /** Starts everything on a validated config, gRPC in plaintext. */
  static Daemon start(Settings settings, Config config, EventBus bus)
      throws IOException, InterruptedException {
    return start(settings, config, bus, null);
  }

  /** Starts everything on a validated config; gRPC over {@code tls} unless it is null. */
  static Daemon start(Settings settings, Config config, EventBus bus, @Nullable ServerTls tls)
      throws IOException, InterruptedException {
    // The live model is the seam: the checker writes it; metrics, the dataplane and gRPC read it
    // and hear its changes.
    ModelHub models = ModelHub.create();
    DaemonMetrics metrics = DaemonMetrics.create(models);
    bus.listen(metrics::observe);
    String userAgent = Version.current().userAgent();
    Checker checker =
        Checker.of(
            bus,
            Jitter.of(new SplittableRandom()),
            metrics,
            ns -> Probers.of(ns, userAgent),
            models);
    // slow start amends every model from the first on, and steps ramps on its own timer
    SlowStarter slowStarter = SlowStarter.start(models, Clock.systemUTC());
    checker.apply(config);
    // The overrides of the state file are in force before the dataplane starts: VPP never sees a
    // paused backend's weight move across a restart.
    AtomicReference<@Nullable VppDataplane> vppRef = new AtomicReference<>();
    Overrides overrides = overrides(settings.stateFile(), checker, models, bus, vppRef);
    metrics.register(OverrideCollector.of(overrides::book));
    VppDataplane vpp =
        settings.vpp() == null
            ? null
            : VppDataplane.start(settings.vpp(), models, metrics, Clock.systemUTC());
    vppRef.set(vpp);
    ScheduledExecutorService overrideScheduler =
        Executors.newSingleThreadScheduledExecutor(
            r -> {
              Thread t = new Thread(r, "maglev-overrides");
              t.setDaemon(true);
              return t;
            });
    ExpiryLoop expiry = ExpiryLoop.of(overrides, overrideScheduler).start();
    ConfigReloader reloader =
        new ConfigReloader(
            settings.configPath(),
            vpp == null ? ConfigLoader.Use.HEALTH_CHECKS_ONLY : ConfigLoader.Use.PROGRAMS_VPP,
            checker,
            metrics::configReload,
            overrides::reconciled);
    MetricsServer metricsServer = null;
    GrpcServer grpc = null;
    try {
      if (settings.metricsAddress() != null) {
        try {
          metricsServer =
              MetricsServer.start(
                  settings.metricsAddress(),
                  metrics::scrape,
                  settings.metricsLimits(),
                  () -> metrics.connectionRefused("metrics"));
        } catch (InterruptedException e) {
          throw e;
        } catch (Exception e) { // Netty rethrows bind errors unchecked
          throw new IOException(
              "--metrics-addr " + describe(settings.metricsAddress()) + ": " + rootMessage(e), e);
        }
      }
      GrpcObserver observer =
          new GrpcObserver() {
            @Override
            public void connectionRefused() {
              metrics.connectionRefused("grpc");
            }

            @Override
            public void watchStreamRejected(String reason) {
              metrics.watchStreamRejected(reason);
            }
          };
      try {
        grpc =
            GrpcServer.start(
                settings.grpcAddress(),
                MaglevService.of(
                    checker, overrides, models, bus, reloader, vpp, settings.watch(), observer),
                settings.reflection(),
                settings.grpcLimits(),
                observer,
                new GrpcServer.Security(
                    tls,
                    AccessInterceptor.of(
                        tls != null && tls.clientCertificates(),
                        () -> {
                          var m = models.currentOrNull();
                          return m == null ? config.grpc() : m.config().grpc();
                        },
                        Audit.of(bus, Clock.systemUTC()))));
      } catch (IOException e) {
        throw new IOException(
            "--grpc-addr " + describe(settings.grpcAddress()) + ": " + rootMessage(e), e);
      }
    } catch (IOException | InterruptedException | RuntimeException e) {
      if (metricsServer != null) {
        metricsServer.close();
      }
      if (vpp != null) {
        vpp.close();
      }
      expiry.close();
      overrideScheduler.shutdownNow();
      checker.close();
      slowStarter.close();
      throw e;
    }
    return new Daemon(
        overrideScheduler, expiry, checker, slowStarter, reloader, grpc, metricsServer, vpp, tls);
  }

  /** Re-reads the gRPC certificates (SIGHUP); a failure keeps the ones in use and is logged. */
  void reloadTls() {
    ServerTls t = tls;
    if (t == null) {
      return;
    }
    try {
      t.reload();
      LoggerFactory.getLogger(Daemon.class)
          .atInfo()
          .setMessage("grpc-tls-reload")
          .addKeyValue("not_after", t.notAfter().toString())
          .log();
    } catch (IOException | RuntimeException e) {
      LoggerFactory.getLogger(Daemon.class)
          .atError()
          .setMessage("grpc-tls-reload-failed")
          .addKeyValue("error", e.getMessage())
          .log();
    }
  }

  /**
   * The overrides, with the state file's put back in force. Without a state file, or when its
   * directory cannot be written, they are kept in memory only (logged).
   */
  private static Overrides overrides(
      @Nullable Path path,
      Checker checker,
      ModelHub models,
      EventBus bus,
      AtomicReference<@Nullable VppDataplane> vpp) {
    Logger logger = LoggerFactory.getLogger(Daemon.class);
    java.util.function.Consumer<String> weightChanged =
        frontend -> {
          VppDataplane d = vpp.get();
          if (d != null && d.info().isPresent()) {
            try {
              d.syncFrontendNow(frontend, null);
            } catch (DataplaneException e) {
              logger.warn(
                  "frontend {}: VPP not synced after an override expired: {}",
                  frontend,
                  e.getMessage());
            }
          }
        };
    Overrides.Store memory = (list, now) -> {};
    if (path == null) {
      logger
          .atInfo()
          .setMessage("state-file-disabled")
          .addKeyValue("detail", "empty --state-file: overrides will not survive a restart")
          .log();
      return Overrides.of(checker, models, bus, Clock.systemUTC(), memory, "(none)", weightChanged);
    }
    StateFile file = StateFile.of(path);
    Path dir = file.path().getParent();
    if (dir == null || !Files.isDirectory(dir) || !Files.isWritable(dir)) {
      logger
          .atError()
          .setMessage("state-file-unwritable")
          .addKeyValue("path", file.path().toString())
          .addKeyValue(
              "detail",
              "its directory is missing or not writable: overrides are kept in memory only and"
                  + " will not survive a restart")
          .log();
      Overrides o =
          Overrides.of(checker, models, bus, Clock.systemUTC(), memory, "(none)", weightChanged);
      if (Files.isReadable(file.path())) {
        o.restore(file.load());
      }
      return o;
    }
    Overrides o =
        Overrides.of(
            checker,
            models,
            bus,
            Clock.systemUTC(),
            file::save,
            file.path().toString(),
            weightChanged);
    o.restore(file.load());
    return o;
  }

  private static String describe(InetSocketAddress a) {
    return (a.getAddress() == null || a.getAddress().isAnyLocalAddress() ? "" : a.getHostString())
        + ":"
        + a.getPort();
  }

  private static String rootMessage(Throwable e) {
    Throwable c = e;
    while (c.getCause() != null && c.getCause() != c) {
      c = c.getCause();
    }
    String m = String.valueOf(c.getMessage());
    return m.isEmpty() ? m : Character.toLowerCase(m.charAt(0)) + m.substring(1);
  }

  ConfigReloader reloader() {
    return reloader;
  }

  int grpcPort() {
    return grpc.port();
  }

  int metricsPort() {
    return metricsServer == null ? -1 : metricsServer.address().getPort();
  }

  @Override
  public void close() {
    grpc.close();
    expiry.close();
    overrideScheduler.shutdownNow();
    if (vpp != null) {
      vpp.close(); // VPP keeps its state: a restart of maglevd is dataplane-neutral
    }
    if (metricsServer != null) {
      metricsServer.close();
    }
    checker.close();
    slowStarter.close();
  }
}
