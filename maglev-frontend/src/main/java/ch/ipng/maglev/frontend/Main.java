package ch.ipng.maglev.frontend;

import ch.ipng.maglev.common.FailFast;
import ch.ipng.maglev.common.Launcher;
import ch.ipng.maglev.common.Levels;
import ch.ipng.maglev.common.ListenAddress;
import ch.ipng.maglev.common.Version;
import ch.ipng.maglev.common.logging.FatalErrorHook;
import ch.ipng.maglev.common.logging.JulBridge;
import ch.ipng.maglev.common.logging.RepeatLimit;
import ch.ipng.maglev.frontend.http.AdminGate;
import ch.ipng.maglev.frontend.http.FrontendServer;
import ch.ipng.maglev.frontend.http.HttpLimits;
import ch.ipng.maglev.frontend.sse.SseBroker;
import ch.ipng.maglev.frontend.upstream.Maglevds;
import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.LoggerContext;
import java.io.PrintStream;
import java.net.InetSocketAddress;
import java.time.Clock;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.concurrent.CountDownLatch;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import sun.misc.Signal;

/**
 * maglevd-frontend's entry point. Exit codes: 0 success (also after SIGTERM/SIGINT), 1 a usage
 * error, 3 the listener could not start. SIGHUP is ignored: there is nothing to reload.
 */
public final class Main {
  static final int OK = 0;
  static final int USAGE = 1;
  static final int STARTUP_FAILED = 3;

  private Main() {}

  /** The frontend's own flags; {@link Launcher} adds --log-level, --version and --help. */
  @Command(
      name = "maglevd-frontend",
      description = "The web dashboard over one or more maglevds.",
      sortOptions = false)
  static final class Options {
    @Option(
        names = {"--server", "-server"},
        paramLabel = "ADDR[,ADDR...]",
        description = "maglevd gRPC addresses, comma-separated (env MAGLEV_FRONTEND_SERVER).",
        defaultValue = "${env:MAGLEV_FRONTEND_SERVER:-localhost:9090}")
    String server = "localhost:9090";

    @Option(
        names = {"--tls-ca", "-tls-ca"},
        paramLabel = "FILE",
        description =
            "Talk TLS to every maglevd; their certificates must chain to this PEM CA (env"
                + " MAGLEV_FRONTEND_TLS_CA).",
        defaultValue = "${env:MAGLEV_FRONTEND_TLS_CA:-}")
    String tlsCa = "";

    @Option(
        names = {"--tls-cert", "-tls-cert"},
        paramLabel = "FILE",
        description =
            "Present this PEM certificate to every maglevd; its role there must be operator or"
                + " admin for the admin actions (env MAGLEV_FRONTEND_TLS_CERT).",
        defaultValue = "${env:MAGLEV_FRONTEND_TLS_CERT:-}")
    String tlsCert = "";

    @Option(
        names = {"--tls-key", "-tls-key"},
        paramLabel = "FILE",
        description = "The PKCS#8 PEM key of --tls-cert (env MAGLEV_FRONTEND_TLS_KEY).",
        defaultValue = "${env:MAGLEV_FRONTEND_TLS_KEY:-}")
    String tlsKey = "";

    @Option(
        names = {"--server-tls", "-server-tls"},
        paramLabel = "NAME=FILES",
        description =
            "One maglevd's own TLS files instead of --tls-*, FILES as ca:FILE,cert:FILE,key:FILE;"
                + " NAME is its --server address or host; repeatable (env"
                + " MAGLEV_FRONTEND_SERVER_TLS, entries separated by ';').")
    List<String> serverTls = new java.util.ArrayList<>();

    @Option(
        names = {"--users", "-users"},
        paramLabel = "FILE",
        description =
            "Dashboard users, one a line: NAME ROLE HASH, ROLE viewer, operator or admin (env"
                + " MAGLEV_FRONTEND_USERS).",
        defaultValue = "${env:MAGLEV_FRONTEND_USERS:-}")
    String users = "";

    @Option(
        names = {"--hash-password", "-hash-password"},
        description = "Read a password on stdin, print its hash for --users, and exit.")
    boolean hashPassword;

    @Option(
        names = {"--listen", "-listen"},
        paramLabel = "ADDR",
        description = "HTTP listen address (env MAGLEV_FRONTEND_LISTEN, default :8080).",
        defaultValue = "${env:MAGLEV_FRONTEND_LISTEN:-:8080}")
    String listen = ":8080";

    @Option(
        names = {"--idle-timeout", "-idle-timeout"},
        paramLabel = "DURATION",
        description =
            "Close a connection idle this long (env MAGLEV_FRONTEND_IDLE_TIMEOUT, default 60s).",
        defaultValue = "${env:MAGLEV_FRONTEND_IDLE_TIMEOUT:-60s}")
    String idleTimeout = "60s";

    @Option(
        names = {"--header-timeout", "-header-timeout"},
        paramLabel = "DURATION",
        description =
            "A request must arrive in full this soon after its first byte, else 408 (env"
                + " MAGLEV_FRONTEND_HEADER_TIMEOUT, default 10s).",
        defaultValue = "${env:MAGLEV_FRONTEND_HEADER_TIMEOUT:-10s}")
    String headerTimeout = "10s";

    @Option(
        names = {"--max-connections", "-max-connections"},
        paramLabel = "N",
        description =
            "Open connections at most; more are answered 503 (env"
                + " MAGLEV_FRONTEND_MAX_CONNECTIONS, default 1024).",
        defaultValue = "${env:MAGLEV_FRONTEND_MAX_CONNECTIONS:-1024}")
    String maxConnections = "1024";

    @Option(
        names = {"--max-uri-length", "-max-uri-length"},
        paramLabel = "BYTES",
        description =
            "Longest request target; longer is answered 414 (env"
                + " MAGLEV_FRONTEND_MAX_URI_LENGTH, default 4096).",
        defaultValue = "${env:MAGLEV_FRONTEND_MAX_URI_LENGTH:-4096}")
    String maxUriLength = "4096";

    @Option(
        names = {"--max-header-size", "-max-header-size"},
        paramLabel = "BYTES",
        description =
            "Most bytes of header fields in a request; more is answered 431 (env"
                + " MAGLEV_FRONTEND_MAX_HEADER_SIZE, default 8192).",
        defaultValue = "${env:MAGLEV_FRONTEND_MAX_HEADER_SIZE:-8192}")
    String maxHeaderSize = "8192";

    /** The listener's limits, or an error naming the flag and what was expected. */
    HttpLimits limits() {
      return new HttpLimits(
          Flags.duration("--idle-timeout", idleTimeout),
          Flags.duration("--header-timeout", headerTimeout),
          Flags.integer("--max-connections", maxConnections, 1, 1_000_000),
          Flags.integer("--max-uri-length", maxUriLength, 64, 1 << 20),
          Flags.integer("--max-header-size", maxHeaderSize, 1024, 1 << 20));
    }
  }

  public static void main(String[] args) {
    // As maglevd: a VirtualMachineError anywhere ends the process (systemd restarts it), and
    // java.util.logging (grpc-java) writes JSON lines through logback, repeats limited.
    FailFast.install();
    JulBridge.install();
    LoggerContext ctx = (LoggerContext) LoggerFactory.getILoggerFactory();
    ctx.addTurboFilter(FatalErrorHook.create());
    ctx.addTurboFilter(RepeatLimit.create());
    System.exit(run(args, System.out, System.err));
  }

  static int run(String[] args, PrintStream out, PrintStream err) {
    return run(args, System.in, out, err);
  }

  static int run(String[] args, java.io.InputStream in, PrintStream out, PrintStream err) {
    Options o = new Options();
    Launcher launcher = Launcher.of(o, "MAGLEV_FRONTEND_LOG_LEVEL");
    OptionalInt done = launcher.parse(args, out, err);
    if (done.isPresent()) {
      return done.getAsInt(); // help or version: OK; a usage error: USAGE
    }
    if (o.hashPassword) {
      return HashPassword.run(in, out, err);
    }
    String logLevel = launcher.logLevel();
    InetSocketAddress listen;
    HttpLimits limits;
    List<String> servers =
        Arrays.stream(o.server.split(",")).map(String::strip).filter(s -> !s.isEmpty()).toList();
    try {
      Levels.severity(logLevel);
      listen = ListenAddress.parse("--listen", o.listen);
      limits = o.limits();
      if (servers.isEmpty()) {
        throw new IllegalArgumentException("--server: no address given (expected: host:port,...)");
      }
    } catch (IllegalArgumentException e) {
      err.println("maglevd-frontend: " + e.getMessage());
      return USAGE;
    }
    setLevel(logLevel);
    Logger logger = LoggerFactory.getLogger(Main.class);
    Version v = Version.current();
    logger
        .atInfo()
        .setMessage("starting")
        .addKeyValue("version", v.version())
        .addKeyValue("commit", v.commit())
        .addKeyValue("date", v.date())
        .log();

    CountDownLatch stop = new CountDownLatch(1);
    @Nullable String[] stopSignal = {null};
    // A hang-up of the terminal must not stop it, and there is no config to reload.
    Signal.handle(
        new Signal("HUP"),
        s -> logger.atInfo().setMessage("signal-ignored").addKeyValue("signal", "SIGHUP").log());
    for (String name : new String[] {"TERM", "INT"}) {
      Signal.handle(
          new Signal(name),
          s -> {
            stopSignal[0] = "SIG" + name;
            stop.countDown();
          });
    }

    java.util.Map<String, io.grpc.ChannelCredentials> credentials = new java.util.HashMap<>();
    ch.ipng.maglev.frontend.http.Users users;
    try {
      ServerTls tls =
          ServerTls.parse(
              new ServerTls.Files("", o.tlsCa, o.tlsCert, o.tlsKey),
              o.serverTls.isEmpty()
                  ? List.of(
                      System.getenv().getOrDefault("MAGLEV_FRONTEND_SERVER_TLS", "").split(";"))
                  : o.serverTls,
              servers);
      for (String s : servers) {
        credentials.put(s, tls.credentials(s));
      }
      users =
          ch.ipng.maglev.frontend.http.Users.of(
              "--users",
              o.users.isEmpty() ? null : java.nio.file.Path.of(o.users),
              System.getenv("MAGLEV_FRONTEND_USER"),
              System.getenv("MAGLEV_FRONTEND_PASSWORD"));
    } catch (java.io.IOException | IllegalArgumentException e) {
      err.println("maglevd-frontend: " + e.getMessage());
      return USAGE;
    }
    SseBroker broker = SseBroker.create(Clock.systemUTC());
    Maglevds maglevds;
    try {
      maglevds = Maglevds.start(servers, broker, credentials::get);
    } catch (IllegalArgumentException e) {
      err.println("maglevd-frontend: " + e.getMessage());
      return USAGE;
    }
    FrontendServer server;
    try {
      DashboardApi dashboard = DashboardApi.of(maglevds, v);
      Optional<AdminGate> gate = AdminGate.of(users, Clock.systemUTC());
      logger
          .atInfo()
          .setMessage(gate.isPresent() ? "admin-enabled" : "admin-disabled")
          .addKeyValue(
              "reason",
              gate.isPresent()
                  ? "users: " + String.join(",", users.describe())
                  : "no --users file, and MAGLEV_FRONTEND_USER or MAGLEV_FRONTEND_PASSWORD is not"
                      + " set")
          .log();
      server = FrontendServer.start(listen, dashboard, broker, gate, dashboard, limits);
    } catch (RuntimeException e) {
      logger.atError().setMessage("startup-failed").addKeyValue("error", e.toString()).log();
      err.println("maglevd-frontend: cannot listen on " + o.listen + ": " + e.getMessage());
      maglevds.close();
      return STARTUP_FAILED;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      maglevds.close();
      return STARTUP_FAILED;
    }
    logger
        .atInfo()
        .setMessage("listening")
        .addKeyValue("listen", o.listen)
        .addKeyValue("port", server.address().getPort())
        .addKeyValue("servers", String.join(",", servers))
        .addKeyValue("idle_timeout_ms", limits.idleTimeout().toMillis())
        .addKeyValue("header_timeout_ms", limits.headerTimeout().toMillis())
        .addKeyValue("max_connections", limits.maxConnections())
        .log();
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
    server.close();
    maglevds.close();
    logger.atInfo().setMessage("stopped").log();
    return OK;
  }

  private static void setLevel(String level) {
    Level l =
        switch (Levels.severity(level)) {
          case 0 -> Level.DEBUG;
          case 2 -> Level.WARN;
          case 3 -> Level.ERROR;
          default -> Level.INFO;
        };
    ((ch.qos.logback.classic.Logger) LoggerFactory.getLogger(Logger.ROOT_LOGGER_NAME)).setLevel(l);
  }
}
