package ch.ipng.maglev.daemon;

import ch.ipng.maglev.common.Version;
import ch.ipng.maglev.config.Config;
import ch.ipng.maglev.config.ConfigLoader;
import ch.ipng.maglev.daemon.checker.Checker;
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
import ch.ipng.maglev.daemon.probe.Probers;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Clock;
import java.util.SplittableRandom;
import org.jspecify.annotations.Nullable;
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
      MetricsServer.Limits metricsLimits) {
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
          MetricsServer.Limits.DEFAULT);
    }
  }

  private final Checker checker;
  private final ConfigReloader reloader;
  private final GrpcServer grpc;
  private final @Nullable MetricsServer metricsServer;
  private final @Nullable VppDataplane vpp;

  private Daemon(
      Checker checker,
      ConfigReloader reloader,
      GrpcServer grpc,
      @Nullable MetricsServer metricsServer,
      @Nullable VppDataplane vpp) {
    this.vpp = vpp;
    this.checker = checker;
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
    checker.apply(config);
    VppDataplane vpp =
        settings.vpp() == null
            ? null
            : VppDataplane.start(settings.vpp(), models, metrics, Clock.systemUTC());
    ConfigReloader reloader =
        new ConfigReloader(
            settings.configPath(),
            vpp == null ? ConfigLoader.Use.HEALTH_CHECKS_ONLY : ConfigLoader.Use.PROGRAMS_VPP,
            checker);
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
                MaglevService.of(checker, models, bus, reloader, vpp, settings.watch(), observer),
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
      checker.close();
      throw e;
    }
    Daemon d = new Daemon(checker, reloader, grpc, metricsServer, vpp);
    d.tls = tls;
    return d;
  }

  private @Nullable ServerTls tls;

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
    if (vpp != null) {
      vpp.close(); // VPP keeps its state: a restart of maglevd is dataplane-neutral
    }
    if (metricsServer != null) {
      metricsServer.close();
    }
    checker.close();
  }
}
