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
      names = {"--state-file", "-state-file"},
      paramLabel = "FILE",
      defaultValue = "${env:MAGLEV_STATE_FILE:-/var/lib/vpp-maglev/state.json}",
      description =
          "Where operator overrides (pauses, disables, weights) are kept across restarts; empty"
              + " keeps them in memory only (env MAGLEV_STATE_FILE, default ${DEFAULT-VALUE}).")
  String stateFile = "/var/lib/vpp-maglev/state.json";

  @Option(
      names = {"--grpc-tls-cert", "-grpc-tls-cert"},
      paramLabel = "FILE",
      defaultValue = "${env:MAGLEV_GRPC_TLS_CERT:-}",
      description =
          "Serve gRPC over TLS with this PEM certificate chain; re-read on SIGHUP (env"
              + " MAGLEV_GRPC_TLS_CERT; default plaintext).")
  String grpcTlsCert = "";

  @Option(
      names = {"--grpc-tls-key", "-grpc-tls-key"},
      paramLabel = "FILE",
      defaultValue = "${env:MAGLEV_GRPC_TLS_KEY:-}",
      description =
          "The PEM (PKCS#8) private key of --grpc-tls-cert; re-read on SIGHUP (env"
              + " MAGLEV_GRPC_TLS_KEY).")
  String grpcTlsKey = "";

  @Option(
      names = {"--grpc-client-ca", "-grpc-client-ca"},
      paramLabel = "FILE",
      defaultValue = "${env:MAGLEV_GRPC_CLIENT_CA:-}",
      description =
          "Require gRPC clients to present a certificate signed by a CA in this PEM file; its"
              + " identity's role comes from maglev.grpc.clients; re-read on SIGHUP (env"
              + " MAGLEV_GRPC_CLIENT_CA; needs --grpc-tls-cert).")
  String grpcClientCa = "";

  @Option(
      names = {"--grpc-max-connections", "-grpc-max-connections"},
      paramLabel = "N",
      defaultValue = "${env:MAGLEV_GRPC_MAX_CONNECTIONS:-1024}",
      description =
          "gRPC connections open at once; more are closed as accepted (env"
              + " MAGLEV_GRPC_MAX_CONNECTIONS, default ${DEFAULT-VALUE}).")
  int grpcMaxConnections = 1024;

  @Option(
      names = {"--grpc-idle-timeout", "-grpc-idle-timeout"},
      paramLabel = "DURATION",
      defaultValue = "${env:MAGLEV_GRPC_IDLE_TIMEOUT:-1m}",
      description =
          "Close a gRPC connection without calls for this long (env MAGLEV_GRPC_IDLE_TIMEOUT,"
              + " default ${DEFAULT-VALUE}).")
  String grpcIdleTimeout = "1m";

  @Option(
      names = {"--watch-streams-max", "-watch-streams-max"},
      paramLabel = "N",
      defaultValue = "${env:MAGLEV_WATCH_STREAMS_MAX:-256}",
      description =
          "WatchEvents streams open at once (env MAGLEV_WATCH_STREAMS_MAX, default"
              + " ${DEFAULT-VALUE}).")
  int watchStreamsMax = 256;

  @Option(
      names = {"--watch-streams-per-address", "-watch-streams-per-address"},
      paramLabel = "N",
      defaultValue = "${env:MAGLEV_WATCH_STREAMS_PER_ADDRESS:-16}",
      description =
          "WatchEvents streams open at once from one client address (env"
              + " MAGLEV_WATCH_STREAMS_PER_ADDRESS, default ${DEFAULT-VALUE}).")
  int watchStreamsPerAddress = 16;

  @Option(
      names = {"--watch-queue", "-watch-queue"},
      paramLabel = "N",
      defaultValue = "${env:MAGLEV_WATCH_QUEUE:-1024}",
      description =
          "Events queued for a WatchEvents client that does not read before it is dropped (env"
              + " MAGLEV_WATCH_QUEUE, default ${DEFAULT-VALUE}).")
  int watchQueue = 1024;

  @Option(
      names = {"--metrics-max-connections", "-metrics-max-connections"},
      paramLabel = "N",
      defaultValue = "${env:MAGLEV_METRICS_MAX_CONNECTIONS:-64}",
      description =
          "/metrics connections open at once (env MAGLEV_METRICS_MAX_CONNECTIONS, default"
              + " ${DEFAULT-VALUE}).")
  int metricsMaxConnections = 64;

  @Option(
      names = {"--metrics-idle-timeout", "-metrics-idle-timeout"},
      paramLabel = "DURATION",
      defaultValue = "${env:MAGLEV_METRICS_IDLE_TIMEOUT:-30s}",
      description =
          "Close a /metrics connection without a request for this long (env"
              + " MAGLEV_METRICS_IDLE_TIMEOUT, default ${DEFAULT-VALUE}).")
  String metricsIdleTimeout = "30s";

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
