package ch.ipng.maglev.tester;

import ch.ipng.maglev.common.GoDuration;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;
import org.jspecify.annotations.Nullable;

/**
 * maglevt's command line. Flags take one dash or two ({@code -config} = {@code --config}), a value
 * after {@code =} or as the next word; a boolean flag alone means true.
 *
 * @param configs the config files, in order ({@code --config}, repeatable and comma-separated)
 * @param types per-frontend probe type overrides ({@code --type NAME=http|https|tcp})
 * @param duration how long a script run probes ({@code --duration}), or null
 * @param once one probe per VIP, then the summary ({@code --once})
 * @param json the summary as JSON lines, one per VIP ({@code --json})
 * @param jsonProbes also one JSON line per probe as it completes ({@code --json-probes})
 * @param minOk the OK percentage every VIP must reach for exit status 0 ({@code --min-ok})
 * @param mode "run", "self-test" (probe VIPs of maglevt's own on loopback), "version" or "help"
 */
public record Options(
    List<String> configs,
    Duration interval,
    Duration timeout,
    @Nullable String host,
    String uri,
    String header,
    boolean insecure,
    boolean keepalive,
    @Nullable Pattern filter,
    Map<String, Kind> types,
    @Nullable Duration duration,
    boolean once,
    boolean json,
    boolean jsonProbes,
    double minOk,
    String mode) {

  public static final Duration DEFAULT_INTERVAL = Duration.ofMillis(100);
  public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(2);
  public static final String DEFAULT_URI = "/.well-known/ipng/healthz";
  public static final String DEFAULT_HEADER = "X-IPng-Frontend";
  public static final double DEFAULT_MIN_OK = 100.0;

  /** How long {@code --self-test} probes without {@code --duration} or {@code --once}. */
  public static final Duration SELF_TEST_DURATION = Duration.ofSeconds(5);

  public Options {
    configs = List.copyOf(configs);
    types = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(types));
  }

  /** Whether this run ends by itself (a script run) instead of showing the live screen. */
  public boolean scripted() {
    return once || duration != null;
  }

  /**
   * Parses the arguments.
   *
   * @throws IllegalArgumentException naming the flag or value and what was expected
   */
  public static Options parse(String[] args) {
    List<String> configs = new ArrayList<>();
    Duration interval = DEFAULT_INTERVAL;
    Duration timeout = DEFAULT_TIMEOUT;
    String host = null;
    String uri = DEFAULT_URI;
    String header = DEFAULT_HEADER;
    boolean insecure = true;
    boolean keepalive = false;
    Pattern filter = null;
    Map<String, Kind> types = new LinkedHashMap<>();
    Duration duration = null;
    boolean once = false;
    boolean json = false;
    boolean jsonProbes = false;
    double minOk = DEFAULT_MIN_OK;
    String mode = "run";
    for (int i = 0; i < args.length; i++) {
      String a = args[i];
      if (!a.startsWith("-") || a.equals("-") || a.equals("--")) {
        throw new IllegalArgumentException(
            "unexpected argument \"" + a + "\" (maglevt takes flags only; see maglevt --help)");
      }
      String flag = a.startsWith("--") ? a.substring(2) : a.substring(1);
      String value = null;
      int eq = flag.indexOf('=');
      if (eq >= 0) {
        value = flag.substring(eq + 1);
        flag = flag.substring(0, eq);
      }
      switch (flag) {
        case "config" -> {
          String v = value != null ? value : next(args, ++i, "--config", "a file");
          for (String part : v.split(",", -1)) {
            if (part.isBlank()) {
              throw new IllegalArgumentException(
                  "--config " + v + ": an empty file name (expected: FILE[,FILE...])");
            }
            configs.add(part.trim());
          }
        }
        case "interval" ->
            interval =
                positive("--interval", value != null ? value : next(args, ++i, a, "a duration"));
        case "timeout" ->
            timeout =
                positive("--timeout", value != null ? value : next(args, ++i, a, "a duration"));
        case "duration" ->
            duration =
                positive("--duration", value != null ? value : next(args, ++i, a, "a duration"));
        case "host" -> host = value != null ? value : next(args, ++i, a, "a host name");
        case "uri", "path" -> {
          uri = value != null ? value : next(args, ++i, a, "a path");
          if (!uri.startsWith("/")) {
            throw new IllegalArgumentException(
                "--" + flag + " " + uri + " (expected: a path starting with /)");
          }
        }
        case "header" -> {
          header = value != null ? value : next(args, ++i, a, "a header name");
          if (header.isBlank() || !header.chars().allMatch(Options::tokenChar)) {
            throw new IllegalArgumentException(
                "--header \"" + header + "\" (expected: an HTTP header name)");
          }
        }
        case "insecure" -> insecure = value == null || parseBool("--insecure", value);
        case "keepalive" -> keepalive = value == null || parseBool("--keepalive", value);
        case "once" -> once = value == null || parseBool("--once", value);
        case "json" -> json = value == null || parseBool("--json", value);
        case "json-probes" -> jsonProbes = value == null || parseBool("--json-probes", value);
        case "filter" -> {
          String v = value != null ? value : next(args, ++i, a, "a regular expression");
          try {
            filter = Pattern.compile(v);
          } catch (PatternSyntaxException e) {
            throw new IllegalArgumentException(
                "--filter " + v + ": not a regular expression (" + e.getDescription() + ")", e);
          }
        }
        case "type" -> {
          String v = value != null ? value : next(args, ++i, a, "FRONTEND=TYPE");
          int at = v.lastIndexOf('=');
          if (at <= 0) {
            throw new IllegalArgumentException(
                "--type " + v + " (expected: FRONTEND=http, FRONTEND=https or FRONTEND=tcp)");
          }
          types.put(v.substring(0, at), Kind.parse(v.substring(at + 1)));
        }
        case "min-ok" -> {
          String v = value != null ? value : next(args, ++i, a, "a percentage");
          minOk = percentage(v);
        }
        case "self-test" -> mode = "self-test";
        case "version" -> mode = "version";
        case "help", "h" -> mode = "help";
        default ->
            throw new IllegalArgumentException("unknown flag " + a + " (see maglevt --help)");
      }
    }
    if (mode.equals("self-test")) {
      if (!configs.isEmpty() || filter != null || !types.isEmpty()) {
        throw new IllegalArgumentException(
            "--self-test probes VIPs of its own: it takes no --config, --filter or --type");
      }
      if (!once && duration == null) {
        duration = SELF_TEST_DURATION;
      }
    }
    if (mode.equals("run") && configs.isEmpty()) {
      throw new IllegalArgumentException("--config is required (a maglev.yaml to read)");
    }
    if (mode.equals("run") || mode.equals("self-test")) {
      if (once && duration != null) {
        throw new IllegalArgumentException("--once and --duration exclude each other");
      }
      if ((json || jsonProbes) && !once && duration == null) {
        throw new IllegalArgumentException("--json needs --once or --duration D");
      }
    }
    return new Options(
        configs,
        interval,
        timeout,
        host,
        uri,
        header,
        insecure,
        keepalive,
        filter,
        types,
        duration,
        once,
        json || jsonProbes,
        jsonProbes,
        minOk,
        mode);
  }

  private static String next(String[] args, int i, String flag, String what) {
    if (i >= args.length) {
      throw new IllegalArgumentException(flag + " needs a value (" + what + ")");
    }
    return args[i];
  }

  private static Duration positive(String flag, String v) {
    Duration d;
    try {
      d = GoDuration.parse(v);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(
          flag + " " + v + ": not a duration (expected e.g. 100ms, 2s, 1m)", e);
    }
    if (d.isNegative() || d.isZero()) {
      throw new IllegalArgumentException(flag + " " + v + " (expected: a duration above 0)");
    }
    return d;
  }

  private static double percentage(String v) {
    String s = v.endsWith("%") ? v.substring(0, v.length() - 1) : v;
    double d;
    try {
      d = Double.parseDouble(s);
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(
          "--min-ok " + v + ": not a number (expected a percentage 0-100, e.g. 99.9)", e);
    }
    if (!(d >= 0 && d <= 100)) {
      throw new IllegalArgumentException("--min-ok " + v + " (expected: a percentage 0-100)");
    }
    return d;
  }

  private static boolean parseBool(String flag, String v) {
    return switch (v.toLowerCase(Locale.ROOT)) {
      case "true", "1", "yes" -> true;
      case "false", "0", "no" -> false;
      default -> throw new IllegalArgumentException(flag + "=" + v + " (expected: true or false)");
    };
  }

  // RFC 9110 token characters
  private static boolean tokenChar(int c) {
    return c > 32 && c < 127 && "\"(),/:;<=>?@[\\]{}".indexOf(c) < 0;
  }
}
