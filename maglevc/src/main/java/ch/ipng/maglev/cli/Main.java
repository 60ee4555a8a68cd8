package ch.ipng.maglev.cli;

import ch.ipng.maglev.cli.rpc.ClientTls;
import ch.ipng.maglev.cli.rpc.RpcException;
import ch.ipng.maglev.cli.tree.Node;
import ch.ipng.maglev.cli.tree.Resolver;
import ch.ipng.maglev.common.GoDuration;
import ch.ipng.maglev.common.Version;
import java.io.OutputStreamWriter;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.jspecify.annotations.Nullable;

/**
 * maglevc: {@code maglevc [--server host:port] [--tls-ca F] [--tls-cert F --tls-key F] [--timeout
 * D] [--color[=bool]] [--json] [command...]}. With no command it starts the interactive shell.
 * Results go to standard output, errors to standard error. Exit status: 0 success, 1 usage error, 2
 * the server is unreachable, did not answer in time or answered with an error.
 */
public final class Main {
  static final int OK = 0;
  static final int USAGE = 1;
  static final int FAILED = 2;
  static final String DEFAULT_SERVER = "localhost:9090";

  /** How long a call may take, its connection set-up included; for a stream, its first answer. */
  static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(30);

  private Main() {}

  public static void main(String[] args) {
    int rc = run(args, System.out, System.err, System.getenv());
    System.out.flush();
    System.err.flush();
    System.exit(rc);
  }

  /** Options before the command words. */
  record Options(
      String server,
      Duration timeout,
      boolean color,
      boolean json,
      List<String> words,
      String mode,
      TlsFiles tls) {
    Options(
        String server,
        Duration timeout,
        boolean color,
        boolean json,
        List<String> words,
        String mode) {
      this(server, timeout, color, json, words, mode, TlsFiles.NONE);
    }
  }

  /**
   * --tls-ca, --tls-cert and --tls-key (env MAGLEV_TLS_CA, MAGLEV_TLS_CERT, MAGLEV_TLS_KEY); empty
   * for unset. Any of them set means TLS.
   */
  record TlsFiles(String ca, String cert, String key) {
    static final TlsFiles NONE = new TlsFiles("", "", "");

    boolean enabled() {
      return !ca.isEmpty() || !cert.isEmpty() || !key.isEmpty();
    }

    @Nullable ClientTls load() throws java.io.IOException {
      return enabled() ? ClientTls.load(path(ca), path(cert), path(key)) : null;
    }

    private static java.nio.file.@Nullable Path path(String p) {
      return p.isEmpty() ? null : java.nio.file.Path.of(p);
    }
  }

  static Options parse(String[] args, java.util.Map<String, String> env) {
    String server = env.getOrDefault("MAGLEV_SERVER", DEFAULT_SERVER);
    if (server.isBlank()) {
      server = DEFAULT_SERVER;
    }
    Duration timeout = DEFAULT_TIMEOUT;
    Boolean color = null;
    boolean json = false;
    String mode = "run";
    String tlsCa = env.getOrDefault("MAGLEV_TLS_CA", "");
    String tlsCert = env.getOrDefault("MAGLEV_TLS_CERT", "");
    String tlsKey = env.getOrDefault("MAGLEV_TLS_KEY", "");
    List<String> words = new ArrayList<>();
    for (int i = 0; i < args.length; i++) {
      String a = args[i];
      if (!words.isEmpty() || !a.startsWith("-")) {
        words.add(a);
        continue;
      }
      String flag = a.startsWith("--") ? a.substring(2) : a.substring(1);
      String value = null;
      int eq = flag.indexOf('=');
      if (eq >= 0) {
        value = flag.substring(eq + 1);
        flag = flag.substring(0, eq);
      }
      switch (flag) {
        case "server" -> {
          if (value == null) {
            if (i + 1 >= args.length) {
              throw new IllegalArgumentException("--server needs a value (host:port)");
            }
            value = args[++i];
          }
          server = value;
        }
        case "timeout" -> {
          if (value == null) {
            if (i + 1 >= args.length) {
              throw new IllegalArgumentException("--timeout needs a value (e.g. 30s)");
            }
            value = args[++i];
          }
          timeout = parseTimeout(value);
        }
        case "tls-ca", "tls-cert", "tls-key" -> {
          if (value == null) {
            if (i + 1 >= args.length) {
              throw new IllegalArgumentException("--" + flag + " needs a value (a PEM file)");
            }
            value = args[++i];
          }
          switch (flag) {
            case "tls-ca" -> tlsCa = value;
            case "tls-cert" -> tlsCert = value;
            default -> tlsKey = value;
          }
        }
        case "color", "colour" -> color = value == null || parseBool("--color", value);
        case "json" -> json = value == null || parseBool("--json", value);
        case "version" -> mode = "version";
        case "help", "h" -> mode = "help";
        case "complete" -> mode = "complete";
        default ->
            throw new IllegalArgumentException("unknown flag " + a + " (see maglevc --help)");
      }
    }
    boolean useColor = color != null ? color : env.get("NO_COLOR") == null && isTerminal();
    return new Options(
        server,
        timeout,
        useColor && env.get("NO_COLOR") == null,
        json,
        words,
        mode,
        new TlsFiles(tlsCa, tlsCert, tlsKey));
  }

  /** A positive duration in Go's form, e.g. 500ms, 30s or 1m30s. */
  static Duration parseTimeout(String v) {
    try {
      Duration d = GoDuration.parse(v);
      if (d.isPositive()) {
        return d;
      }
    } catch (IllegalArgumentException e) {
      // explained below, naming the flag
    }
    throw new IllegalArgumentException(
        "--timeout=" + v + " (expected: a positive duration such as 500ms, 30s or 2m)");
  }

  private static boolean parseBool(String flag, String v) {
    return switch (v.toLowerCase(Locale.ROOT)) {
      case "true", "1", "yes" -> true;
      case "false", "0", "no" -> false;
      default -> throw new IllegalArgumentException(flag + "=" + v + " (expected: true or false)");
    };
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

  /** Runs one command line, results to {@code stdout} and errors to {@code stderr}. */
  static int run(
      String[] args, PrintStream stdout, PrintStream stderr, java.util.Map<String, String> env) {
    PrintWriter pw = new PrintWriter(new OutputStreamWriter(stdout, StandardCharsets.UTF_8), true);
    PrintWriter ew = new PrintWriter(new OutputStreamWriter(stderr, StandardCharsets.UTF_8), true);
    Options o;
    try {
      o = parse(args, env);
    } catch (IllegalArgumentException e) {
      ew.println("maglevc: " + e.getMessage());
      return USAGE;
    }
    Output out = new Output(pw, ew, o.color());
    switch (o.mode()) {
      case "version" -> {
        pw.println(Version.current().describe("maglevc"));
        return OK;
      }
      case "help" -> {
        usage(pw);
        return OK;
      }
      default -> {}
    }
    ClientTls tls;
    try {
      tls = o.tls().load();
    } catch (java.io.IOException e) {
      ew.println("maglevc: " + e.getMessage());
      return USAGE;
    }
    try (Session session = new Session(o.server(), out, o.json(), o.timeout(), tls)) {
      try {
        Session.HostPort.parse(o.server());
      } catch (IllegalArgumentException e) {
        out.error("maglevc: " + e.getMessage());
        return USAGE;
      }
      Commands commands = new Commands(session);
      Node tree = commands.tree();
      if (o.mode().equals("complete")) {
        Completion.print(new Resolver(tree), session, o.words(), pw);
        return OK;
      }
      if (o.words().isEmpty()) {
        return Shell.run(tree, session);
      }
      if (o.words().size() == 1
          && (o.words().get(0).equals("quit") || o.words().get(0).equals("exit"))) {
        return OK;
      }
      session.stopWatcher(KeyWatcher.forStdin());
      return execute(new Resolver(tree), o.words(), out, o.server());
    }
  }

  /** Resolves and runs one command line; prints errors; returns the exit status. */
  static int execute(Resolver resolver, List<String> words, Output out, String server) {
    Resolver.Result r = resolver.resolve(words);
    if (r instanceof Resolver.Result.Error e) {
      out.error(e.message());
      return USAGE;
    }
    Resolver.Result.Command c = (Resolver.Result.Command) r;
    try {
      c.action().run(c.invocation());
      out.flush();
      return OK;
    } catch (RpcException e) {
      out.error(describe(e, server));
      return FAILED;
    } catch (Commands.CommandFailure e) {
      out.error(e.getMessage());
      return FAILED;
    } catch (Exception e) {
      out.error(e.getMessage() == null ? e.toString() : e.getMessage());
      return FAILED;
    }
  }

  /** The server's own message, without gRPC's "rpc error: code = ..." boilerplate. */
  static String describe(RpcException e, String server) {
    // Connection-level failures carry the IOException; the server's own UNAVAILABLE does not.
    if (e.code() == RpcException.Code.UNAVAILABLE && e.getCause() instanceof java.io.IOException) {
      return "cannot reach maglevd at " + server + ": " + e.describe();
    }
    if (e.code() == RpcException.Code.DEADLINE_EXCEEDED) {
      return "maglevd at " + server + " did not answer in time";
    }
    return e.describe();
  }

  static void usage(PrintWriter pw) {
    pw.println(
        """
        Usage: maglevc [--server host:port] [--tls-ca F] [--tls-cert F --tls-key F] [--timeout D]
                       [--color[=bool]] [--json] [command...]

        Without a command, maglevc starts an interactive shell (TAB completes, ? helps).
        Any unambiguous prefix of a word works: "sh fr" is "show frontends".

          --server host:port  maglevd's gRPC address (env MAGLEV_SERVER, default localhost:9090)
          --tls-ca FILE       talk TLS; maglevd's certificate must chain to this PEM CA
                              (env MAGLEV_TLS_CA; default the system's CAs when TLS is on)
          --tls-cert FILE     talk TLS, presenting this PEM certificate (env MAGLEV_TLS_CERT)
          --tls-key FILE      its PKCS#8 PEM private key (env MAGLEV_TLS_KEY)
          --timeout D         how long a call may take, connecting included (default 30s);
                              watch: until maglevd first answers, then as long as it streams
          --color[=bool]      colour labels and errors (default: on for a terminal; NO_COLOR wins)
          --json              print show commands as protobuf JSON
          --version           print maglevc's version

        Commands:
          show version | frontends | frontend NAME | backends | backend NAME
          show healthchecks | healthcheck NAME | vpp info | vpp lb state | vpp lb counters
          sync vpp lb state [FRONTEND]
          set backend NAME pause|resume|enable|disable
          set frontend NAME pool POOL backend NAME weight 0-100 [flush] [dry-run]
          watch events [num N] [log [level LEVEL]] [backend] [frontend] [audit]
          config check | config reload

        Results go to standard output, errors to standard error.
        Exit status: 0 ok, 1 usage error, 2 server unreachable, too slow or error.""");
  }
}
