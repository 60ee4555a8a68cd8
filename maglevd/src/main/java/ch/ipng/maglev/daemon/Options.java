package ch.ipng.maglev.daemon;

import ch.ipng.maglev.common.Launcher;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * maglevd's own flags; {@link Launcher} adds --log-level, --version and --help. Each is accepted as
 * -flag and --flag (Go's flag package takes both), and defaults to its MAGLEV_* environment
 * variable; a flag on the command line wins.
 */
@Command(
    name = "maglevd",
    description = "Health-checks backends and programs VPP's lb (Maglev) plugin.",
    sortOptions = false)
final class Options {
  @Option(
      names = {"--config", "-config"},
      paramLabel = "FILE",
      defaultValue = "${env:MAGLEV_CONFIG:-/etc/vpp-maglev/maglev.yaml}",
      description = "Config file (env MAGLEV_CONFIG, default ${DEFAULT-VALUE}).")
  String config = "/etc/vpp-maglev/maglev.yaml";

  @Option(
      names = {"--grpc-addr", "-grpc-addr"},
      paramLabel = "ADDR",
      defaultValue = "${env:MAGLEV_GRPC_ADDR:-:9090}",
      description = "gRPC listen address (env MAGLEV_GRPC_ADDR, default ${DEFAULT-VALUE}).")
  String grpcAddr = ":9090";

  @Option(
      names = {"--metrics-addr", "-metrics-addr"},
      paramLabel = "ADDR",
      defaultValue = "${env:MAGLEV_METRICS_ADDR:-:9091}",
      description =
          "Prometheus /metrics listen address; empty disables (env MAGLEV_METRICS_ADDR, default"
              + " ${DEFAULT-VALUE}).")
  String metricsAddr = ":9091";

  @Option(
      names = {"--vpp-api-addr", "-vpp-api-addr"},
      paramLabel = "PATH",
      defaultValue = "${env:MAGLEV_VPP_API_ADDR:-/run/vpp/api.sock}",
      description =
          "VPP binary API socket; empty disables VPP (env MAGLEV_VPP_API_ADDR, default"
              + " ${DEFAULT-VALUE}).")
  String vppApiAddr = "/run/vpp/api.sock";

  @Option(
      names = {"--vpp-stats-addr", "-vpp-stats-addr"},
      paramLabel = "PATH",
      defaultValue = "${env:MAGLEV_VPP_STATS_ADDR:-/run/vpp/stats.sock}",
      description = "VPP stats socket (env MAGLEV_VPP_STATS_ADDR, default ${DEFAULT-VALUE}).")
  String vppStatsAddr = "/run/vpp/stats.sock";

  @Option(
      names = {"--check", "-check"},
      order = Launcher.AFTER_LOG_LEVEL,
      description = "Validate the config and exit: 0 valid, 1 YAML error, 2 semantic error.")
  boolean check;

  @Option(
      names = {"--reflection", "-reflection"},
      order = Launcher.AFTER_LOG_LEVEL + 1,
      arity = "0..1",
      defaultValue = "true",
      fallbackValue = "true",
      paramLabel = "BOOL",
      description = "Serve gRPC reflection (default ${DEFAULT-VALUE}).")
  boolean reflection = true;
}
