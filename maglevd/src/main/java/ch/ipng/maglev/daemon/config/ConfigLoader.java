package ch.ipng.maglev.daemon.config;

import ch.ipng.maglev.daemon.config.YamlReader.Entry;
import com.google.common.net.InetAddresses;
import java.io.IOException;
import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;
import org.jspecify.annotations.Nullable;
import org.snakeyaml.engine.v2.api.LoadSettings;
import org.snakeyaml.engine.v2.api.lowlevel.Compose;
import org.snakeyaml.engine.v2.exceptions.MarkedYamlEngineException;
import org.snakeyaml.engine.v2.exceptions.YamlEngineException;
import org.snakeyaml.engine.v2.nodes.Node;

/**
 * Turns maglev.yaml into a {@link Config}. Strict: unknown keys and wrong types are parse errors;
 * rules across fields and objects are semantic errors. Every error of the failing stage is
 * reported, each with its YAML path, line and column.
 */
public final class ConfigLoader {
  private static final Set<String> TOP = Set.of("maglev");
  private static final Set<String> MAGLEV =
      ordered("healthchecker", "vpp", "healthchecks", "backends", "frontends");
  private static final Set<String> HEALTHCHECKER = ordered("transition-history", "netns");
  private static final Set<String> VPP = ordered("lb");
  private static final Set<String> LB =
      ordered(
          "sync-interval",
          "ipv4-src-address",
          "ipv6-src-address",
          "sticky-buckets-per-core",
          "flow-timeout",
          "startup-min-delay",
          "startup-max-delay");
  private static final Set<String> HEALTHCHECK =
      ordered(
          "type",
          "port",
          "interval",
          "fast-interval",
          "down-interval",
          "timeout",
          "rise",
          "fall",
          "probe-ipv4-src",
          "probe-ipv6-src",
          "params");
  private static final Set<String> PARAMS =
      ordered(
          "path",
          "host",
          "response-code",
          "response-regexp",
          "server-name",
          "tls-verify",
          "tls",
          "ca-file");
  private static final Map<ProbeType, Set<String>> PARAMS_BY_TYPE =
      Map.of(
          ProbeType.ICMP, Set.of(),
          ProbeType.TCP, Set.of("tls", "server-name", "tls-verify", "ca-file"),
          ProbeType.HTTP, Set.of("path", "host", "response-code", "response-regexp"),
          ProbeType.HTTPS,
              Set.of(
                  "path",
                  "host",
                  "response-code",
                  "response-regexp",
                  "server-name",
                  "tls-verify",
                  "ca-file"));
  private static final Set<String> BACKEND =
      ordered("address", "healthcheck", "description", "enabled");
  private static final Set<String> FRONTEND =
      ordered(
          "description", "address", "protocol", "port", "src-ip-sticky", "flush-on-down", "pools");
  private static final Set<String> POOL = ordered("name", "backends");
  private static final Set<String> POOL_BACKEND = ordered("weight");
  private static final Pattern NETNS_NAME = Pattern.compile("[A-Za-z0-9_.-]+");

  private ConfigLoader() {}

  /**
   * Every key the parser accepts, by the YAML path of its mapping as docs/config-guide.md names its
   * sections; a test keeps the guide and the parser in step.
   */
  public static Map<String, Set<String>> keysBySection() {
    Map<String, Set<String>> keys = new java.util.LinkedHashMap<>();
    keys.put("maglev", MAGLEV);
    keys.put("maglev.healthchecker", HEALTHCHECKER);
    keys.put("maglev.vpp", VPP);
    keys.put("maglev.vpp.lb", LB);
    keys.put("maglev.healthchecks.<name>", HEALTHCHECK);
    keys.put("maglev.healthchecks.<name>.params", PARAMS);
    keys.put("maglev.backends.<name>", BACKEND);
    keys.put("maglev.frontends.<name>", FRONTEND);
    keys.put("maglev.frontends.<name>.pools[]", POOL);
    keys.put("maglev.frontends.<name>.pools[].backends.<name>", POOL_BACKEND);
    return java.util.Collections.unmodifiableMap(keys);
  }

  /**
   * What maglevd does with the config. When it programs VPP, {@code maglev.vpp.lb}'s two source
   * addresses are required: VPP's lb_conf needs both, and without them VPP would encapsulate from
   * its unset (all-ones) addresses.
   */
  public enum Use {
    HEALTH_CHECKS_ONLY,
    PROGRAMS_VPP
  }

  /** Reads and validates a config file for health checking alone. */
  public static Config load(Path file) throws ConfigException {
    return load(file, Use.HEALTH_CHECKS_ONLY);
  }

  /** Reads and validates a config file for {@code use}. */
  public static Config load(Path file, Use use) throws ConfigException {
    String text;
    try {
      text = Files.readString(file, StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new ConfigException(
          ConfigException.Kind.PARSE,
          List.of(new ConfigError("", "cannot read " + file + ": " + describe(e), 0, 0)));
    }
    return parse(text, file.toString(), use);
  }

  /** Validates config text for health checking alone; {@code source} names it in YAML errors. */
  public static Config parse(String text, String source) throws ConfigException {
    return parse(text, source, Use.HEALTH_CHECKS_ONLY);
  }

  /** Validates config text for {@code use}; {@code source} names it in YAML syntax errors. */
  public static Config parse(String text, String source, Use use) throws ConfigException {
    Node root;
    try {
      Optional<Node> composed =
          new Compose(LoadSettings.builder().setLabel(source).build()).composeString(text);
      if (composed.isEmpty()) {
        throw new ConfigException(
            ConfigException.Kind.PARSE,
            List.of(new ConfigError("", "empty config (expected: a top-level key maglev)", 0, 0)));
      }
      root = composed.get();
    } catch (MarkedYamlEngineException e) {
      int line = e.getProblemMark().map(m -> m.getLine() + 1).orElse(0);
      int column = e.getProblemMark().map(m -> m.getColumn() + 1).orElse(0);
      String problem = e.getProblem() == null ? "invalid YAML" : e.getProblem();
      String context = e.getContext() == null ? "" : e.getContext() + ": ";
      throw new ConfigException(
          ConfigException.Kind.PARSE,
          List.of(new ConfigError("", "YAML syntax: " + context + problem, line, column)));
    } catch (YamlEngineException e) {
      throw new ConfigException(
          ConfigException.Kind.PARSE,
          List.of(new ConfigError("", "YAML syntax: " + e.getMessage(), 0, 0)));
    }
    return new ConfigLoader.Run(use).decode(root);
  }

  private static String describe(IOException e) {
    return e instanceof java.nio.file.NoSuchFileException
        ? "no such file"
        : e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
  }

  private static Set<String> ordered(String... keys) {
    return new LinkedHashSet<>(List.of(keys));
  }

  /** One decoding run: the reader's error lists and the positions needed for cross-checks. */
  private static final class Run {
    private static final String NEEDED_FOR_VPP =
        "required when maglevd programs VPP, i.e. with a non-empty --vpp-api-addr";
    private final YamlReader r = new YamlReader();
    private final Use use;

    Run(Use use) {
      this.use = use;
    }

    Config decode(Node root) throws ConfigException {
      HealthCheckerSettings hcSettings = HealthCheckerSettings.defaults();
      VppLbSettings lb = VppLbSettings.defaults();
      Map<String, HealthCheck> healthchecks = new LinkedHashMap<>();
      Map<String, Backend> backends = new LinkedHashMap<>();
      Map<String, Frontend> frontends = new LinkedHashMap<>();
      List<FrontendRefs> frontendRefs = new ArrayList<>();

      Map<String, Entry> top = r.mapping("", root, TOP);
      Entry maglevEntry = top == null ? null : top.get("maglev");
      if (top != null && maglevEntry == null) {
        r.parse("maglev", root, "missing top-level key maglev");
      }
      Map<String, Entry> maglev =
          maglevEntry == null ? null : r.mapping("maglev", maglevEntry.value(), MAGLEV);
      if (maglev != null) {
        if (maglev.containsKey("healthchecker")) {
          hcSettings = healthchecker(maglev.get("healthchecker"));
        }
        Map<String, Entry> vpp =
            maglev.containsKey("vpp")
                ? r.mapping("maglev.vpp", maglev.get("vpp").value(), VPP)
                : null;
        if (vpp != null && vpp.containsKey("lb")) {
          lb = lb(vpp.get("lb"));
        } else if (use == Use.PROGRAMS_VPP && (vpp != null || !maglev.containsKey("vpp"))) {
          Node at = maglev.containsKey("vpp") ? maglev.get("vpp").key() : maglevEntry.key();
          r.semantic(
              "maglev.vpp.lb",
              at,
              "missing (expected: ipv4-src-address and ipv6-src-address, " + NEEDED_FOR_VPP + ")");
        }
        Map<String, Entry> hcs = section(maglev, "healthchecks");
        for (Entry e : hcs.values()) {
          HealthCheck hc = healthcheck(keyName(e), e);
          if (hc != null) {
            healthchecks.put(hc.name(), hc);
          }
        }
        Map<String, Entry> bes = section(maglev, "backends");
        for (Entry e : bes.values()) {
          Backend b = backend(keyName(e), e, hcs.keySet());
          if (b != null) {
            backends.put(b.name(), b);
          }
        }
        Map<String, Entry> fes = section(maglev, "frontends");
        for (Entry e : fes.values()) {
          FrontendRefs refs = frontend(keyName(e), e, backends, bes.keySet());
          if (refs != null) {
            frontends.put(refs.frontend.name(), refs.frontend);
            frontendRefs.add(refs);
          }
        }
        sharedAddresses(frontendRefs, backends);
      }
      if (!r.parseErrors().isEmpty()) {
        throw new ConfigException(ConfigException.Kind.PARSE, sorted(r.parseErrors()));
      }
      if (!r.semanticErrors().isEmpty()) {
        throw new ConfigException(ConfigException.Kind.SEMANTIC, sorted(r.semanticErrors()));
      }
      return new Config(hcSettings, lb, healthchecks, backends, frontends);
    }

    private static List<ConfigError> sorted(List<ConfigError> errors) {
      List<ConfigError> out = new ArrayList<>(errors);
      out.sort(Comparator.comparingInt(ConfigError::line).thenComparingInt(ConfigError::column));
      return out;
    }

    private static String keyName(Entry e) {
      return ((org.snakeyaml.engine.v2.nodes.ScalarNode) e.key()).getValue();
    }

    private Map<String, Entry> section(Map<String, Entry> maglev, String name) {
      Entry e = maglev.get(name);
      if (e == null) {
        return Map.of();
      }
      Map<String, Entry> m = r.mapping(e.path(), e.value(), null);
      if (m == null) {
        return Map.of();
      }
      for (Entry child : m.values()) {
        if (keyName(child).isEmpty()) {
          r.semantic(child.path(), child.key(), "empty name");
        }
      }
      return m;
    }

    private HealthCheckerSettings healthchecker(Entry e) {
      Map<String, Entry> m = r.mapping(e.path(), e.value(), HEALTHCHECKER);
      if (m == null) {
        return HealthCheckerSettings.defaults();
      }
      int history = HealthCheckerSettings.DEFAULT_TRANSITION_HISTORY;
      if (m.containsKey("transition-history")) {
        Entry h = m.get("transition-history");
        Long v = r.integer(h);
        if (v != null) {
          if (v < 1 || v > 10_000) {
            r.semantic(h.path(), h.value(), "transition-history: " + v + " (expected: 1-10000)");
          } else {
            history = v.intValue();
          }
        }
      }
      String netns = null;
      if (m.containsKey("netns")) {
        Entry n = m.get("netns");
        String v = r.string(n);
        if (v != null && !v.isEmpty()) {
          if (!NETNS_NAME.matcher(v).matches() || v.equals(".") || v.equals("..")) {
            r.semantic(
                n.path(),
                n.value(),
                "invalid namespace name \"" + v + "\" (expected: a name under /var/run/netns)");
          } else {
            netns = v;
          }
        }
      }
      return new HealthCheckerSettings(history, netns);
    }

    private VppLbSettings lb(Entry e) {
      VppLbSettings d = VppLbSettings.defaults();
      Map<String, Entry> m = r.mapping(e.path(), e.value(), LB);
      if (m == null) {
        return d;
      }
      Duration sync = positive(m.get("sync-interval"), d.syncInterval());
      Inet4Address v4 = null;
      Inet6Address v6 = null;
      if (m.containsKey("ipv4-src-address")) {
        InetAddress a = address(m.get("ipv4-src-address"));
        if (a != null && !(a instanceof Inet4Address)) {
          wrongFamily(m.get("ipv4-src-address"), "IPv4");
        } else {
          v4 = (Inet4Address) a;
        }
      }
      if (m.containsKey("ipv6-src-address")) {
        InetAddress a = address(m.get("ipv6-src-address"));
        if (a != null && !(a instanceof Inet6Address)) {
          wrongFamily(m.get("ipv6-src-address"), "IPv6");
        } else {
          v6 = (Inet6Address) a;
        }
      }
      if (use == Use.PROGRAMS_VPP) {
        for (String family : List.of("IPv4", "IPv6")) {
          String key = family.toLowerCase(java.util.Locale.ROOT) + "-src-address";
          if (!m.containsKey(key)) {
            r.semantic(
                e.path() + "." + key,
                e.key(),
                "missing (expected: an " + family + " address, " + NEEDED_FOR_VPP + ")");
          }
        }
      }
      long sticky = d.stickyBucketsPerCore();
      if (m.containsKey("sticky-buckets-per-core")) {
        Entry s = m.get("sticky-buckets-per-core");
        Long v = r.integer(s);
        if (v != null) {
          if (v <= 0 || v > 0xFFFF_FFFFL || Long.bitCount(v) != 1) {
            r.semantic(
                s.path(),
                s.value(),
                "sticky-buckets-per-core: " + v + " (expected: a power of 2, e.g. 65536)");
          } else {
            sticky = v;
          }
        }
      }
      Duration flowTimeout = d.flowTimeout();
      if (m.containsKey("flow-timeout")) {
        Entry f = m.get("flow-timeout");
        Duration v = r.duration(f);
        if (v != null) {
          if (v.compareTo(Duration.ofSeconds(1)) < 0
              || v.compareTo(Duration.ofSeconds(120)) > 0
              || v.toNanos() % 1_000_000_000L != 0) {
            r.semantic(
                f.path(),
                f.value(),
                "flow-timeout: "
                    + GoDuration.format(v)
                    + " (expected: whole seconds from 1s to 120s)");
          } else {
            flowTimeout = v;
          }
        }
      }
      Duration min = nonNegative(m.get("startup-min-delay"), d.startupMinDelay());
      Duration max = nonNegative(m.get("startup-max-delay"), d.startupMaxDelay());
      if (max.compareTo(min) < 0) {
        Entry at = m.containsKey("startup-max-delay") ? m.get("startup-max-delay") : e;
        r.semantic(
            at.path(),
            at.value(),
            "startup-max-delay: "
                + GoDuration.format(max)
                + " (expected: at least startup-min-delay, "
                + GoDuration.format(min)
                + ")");
      }
      return new VppLbSettings(sync, v4, v6, sticky, flowTimeout, min, max);
    }

    private @Nullable HealthCheck healthcheck(String name, Entry e) {
      Map<String, Entry> m = r.mapping(e.path(), e.value(), HEALTHCHECK);
      if (m == null) {
        return null;
      }
      ProbeType type = null;
      Entry typeEntry = m.get("type");
      if (typeEntry == null) {
        r.semantic(e.path() + ".type", e.key(), "missing (expected: icmp, tcp, http or https)");
      } else {
        String t = r.string(typeEntry);
        if (t != null) {
          for (ProbeType p : ProbeType.values()) {
            if (p.configName().equals(t)) {
              type = p;
            }
          }
          if (type == null) {
            r.semantic(
                typeEntry.path(),
                typeEntry.value(),
                "unknown type \"" + t + "\" (expected: icmp, tcp, http or https)");
          }
        }
      }
      int port = 0;
      Entry portEntry = m.get("port");
      if (portEntry != null) {
        Long p = r.integer(portEntry);
        if (p != null) {
          if (type == ProbeType.ICMP) {
            r.semantic(portEntry.path(), portEntry.value(), "not used by type icmp");
          } else if (p < 1 || p > 65535) {
            r.semantic(portEntry.path(), portEntry.value(), "port " + p + " (expected: 1-65535)");
          } else {
            port = p.intValue();
          }
        }
      } else if (type != null && type.needsPort()) {
        r.semantic(
            e.path() + ".port",
            e.key(),
            "missing (expected: 1-65535 for type " + type.configName() + ")");
      }
      Duration interval = positive(m.get("interval"), HealthCheck.DEFAULT_INTERVAL);
      Duration fast = positive(m.get("fast-interval"), interval);
      Duration down = positive(m.get("down-interval"), interval);
      Duration timeout = positive(m.get("timeout"), HealthCheck.DEFAULT_TIMEOUT);
      int rise = atLeastOne(m.get("rise"), HealthCheck.DEFAULT_RISE);
      int fall = atLeastOne(m.get("fall"), HealthCheck.DEFAULT_FALL);
      Inet4Address src4 = null;
      Inet6Address src6 = null;
      if (m.containsKey("probe-ipv4-src")) {
        InetAddress a = address(m.get("probe-ipv4-src"));
        if (a != null && !(a instanceof Inet4Address)) {
          wrongFamily(m.get("probe-ipv4-src"), "IPv4");
        } else {
          src4 = (Inet4Address) a;
        }
      }
      if (m.containsKey("probe-ipv6-src")) {
        InetAddress a = address(m.get("probe-ipv6-src"));
        if (a != null && !(a instanceof Inet6Address)) {
          wrongFamily(m.get("probe-ipv6-src"), "IPv6");
        } else {
          src6 = (Inet6Address) a;
        }
      }
      Map<String, Entry> params = Map.of();
      if (m.containsKey("params")) {
        Map<String, Entry> p = r.mapping(m.get("params").path(), m.get("params").value(), PARAMS);
        params = p == null ? Map.of() : p;
      }
      if (type == null) {
        return null;
      }
      for (Entry p : params.values()) {
        String key = keyName(p);
        if (!PARAMS_BY_TYPE.get(type).contains(key)) {
          r.semantic(p.path(), p.key(), "not valid for type " + type.configName());
        }
      }
      HealthCheck.HttpParams http = null;
      HealthCheck.TcpParams tcp = null;
      if (type == ProbeType.HTTP || type == ProbeType.HTTPS) {
        String path = "/";
        if (params.containsKey("path")) {
          String v = r.string(params.get("path"));
          if (v != null && !v.startsWith("/")) {
            r.semantic(
                params.get("path").path(),
                params.get("path").value(),
                "path \"" + v + "\" (expected: starts with /)");
          } else if (v != null && !isHttpToken(v)) {
            r.semantic(
                params.get("path").path(),
                params.get("path").value(),
                "path \"" + escaped(v) + "\" (expected: no spaces or control characters)");
          } else if (v != null) {
            path = v;
          }
        }
        String host = optionalString(params.get("host"));
        if (host != null && !isHttpToken(host)) {
          r.semantic(
              params.get("host").path(),
              params.get("host").value(),
              "host \"" + escaped(host) + "\" (expected: no spaces or control characters)");
          host = null;
        }
        ResponseCodes codes = ResponseCodes.DEFAULT;
        if (params.containsKey("response-code")) {
          String v = r.string(params.get("response-code"));
          if (v != null) {
            try {
              codes = ResponseCodes.parse(v);
            } catch (IllegalArgumentException ex) {
              r.semantic(
                  params.get("response-code").path(),
                  params.get("response-code").value(),
                  ex.getMessage());
            }
          }
        }
        Pattern regexp = null;
        if (params.containsKey("response-regexp")) {
          String v = r.string(params.get("response-regexp"));
          if (v != null) {
            try {
              regexp = Pattern.compile(v);
            } catch (PatternSyntaxException ex) {
              r.semantic(
                  params.get("response-regexp").path(),
                  params.get("response-regexp").value(),
                  "invalid regular expression: " + ex.getDescription());
            }
          }
        }
        http =
            new HealthCheck.HttpParams(
                path,
                host,
                codes,
                regexp,
                optionalString(params.get("server-name")),
                optionalBool(params.get("tls-verify")),
                caFile(params.get("ca-file")));
      } else if (type == ProbeType.TCP) {
        tcp =
            new HealthCheck.TcpParams(
                optionalBool(params.get("tls")),
                optionalString(params.get("server-name")),
                optionalBool(params.get("tls-verify")),
                caFile(params.get("ca-file")));
        if (!tcp.tls()) {
          for (String k : List.of("server-name", "tls-verify", "ca-file")) {
            if (params.containsKey(k)) {
              r.semantic(params.get(k).path(), params.get(k).key(), "needs tls: true");
            }
          }
        }
      }
      return new HealthCheck(
          name, type, port, interval, fast, down, timeout, rise, fall, src4, src6, http, tcp);
    }

    private @Nullable Backend backend(String name, Entry e, Set<String> healthchecks) {
      Map<String, Entry> m = r.mapping(e.path(), e.value(), BACKEND);
      if (m == null) {
        return null;
      }
      InetAddress address = null;
      if (!m.containsKey("address")) {
        r.semantic(e.path() + ".address", e.key(), "missing (expected: an IPv4 or IPv6 address)");
      } else {
        address = address(m.get("address"));
      }
      String hc = null;
      if (!m.containsKey("healthcheck")) {
        r.semantic(e.path() + ".healthcheck", e.key(), "missing (expected: a health check name)");
      } else {
        hc = r.string(m.get("healthcheck"));
        if (hc != null && !healthchecks.contains(hc)) {
          r.semantic(
              m.get("healthcheck").path(),
              m.get("healthcheck").value(),
              "no such health check \"" + hc + "\"");
        }
      }
      String description = optionalString(m.get("description"));
      boolean enabled = true;
      if (m.containsKey("enabled")) {
        Boolean b = r.bool(m.get("enabled"));
        enabled = b == null || b;
      }
      if (address == null || hc == null) {
        return null;
      }
      return new Backend(name, address, hc, description == null ? "" : description, enabled);
    }

    private @Nullable FrontendRefs frontend(
        String name, Entry e, Map<String, Backend> backends, Set<String> backendNames) {
      Map<String, Entry> m = r.mapping(e.path(), e.value(), FRONTEND);
      if (m == null) {
        return null;
      }
      InetAddress address = null;
      if (!m.containsKey("address")) {
        r.semantic(e.path() + ".address", e.key(), "missing (expected: the VIP address)");
      } else {
        address = address(m.get("address"));
      }
      Protocol protocol = Protocol.ANY;
      Entry protoEntry = m.get("protocol");
      if (protoEntry != null) {
        String p = r.string(protoEntry);
        if (p != null) {
          if (p.equals("tcp")) {
            protocol = Protocol.TCP;
          } else if (p.equals("udp")) {
            protocol = Protocol.UDP;
          } else {
            r.semantic(
                protoEntry.path(),
                protoEntry.value(),
                "unknown protocol \""
                    + p
                    + "\" (expected: tcp or udp, or omit it for all protocols)");
          }
        }
      }
      int port = 0;
      Entry portEntry = m.get("port");
      if (portEntry != null) {
        Long p = r.integer(portEntry);
        if (p != null) {
          if (p < 0 || p > 65535) {
            r.semantic(portEntry.path(), portEntry.value(), "port " + p + " (expected: 0-65535)");
          } else {
            port = p.intValue();
          }
        }
      }
      if (port == 0 && protoEntry != null && protocol != Protocol.ANY) {
        r.semantic(
            protoEntry.path(),
            protoEntry.value(),
            "a VIP for all ports takes every protocol (expected: omit protocol, or set a port)");
      }
      if (port != 0 && protoEntry == null) {
        r.semantic(
            portEntry.path(), portEntry.value(), "port " + port + " needs a protocol (tcp or udp)");
      }
      String description = optionalString(m.get("description"));
      boolean sticky = optionalBool(m.get("src-ip-sticky"));
      boolean flushOnDown = true;
      if (m.containsKey("flush-on-down")) {
        Boolean b = r.bool(m.get("flush-on-down"));
        flushOnDown = b == null || b;
      }
      List<Frontend.Pool> pools = new ArrayList<>();
      Map<String, Entry> refs = new LinkedHashMap<>();
      Entry poolsEntry = m.get("pools");
      if (poolsEntry == null) {
        r.semantic(e.path() + ".pools", e.key(), "missing (expected: at least one pool)");
      } else {
        List<Node> items = r.sequence(poolsEntry.path(), poolsEntry.value());
        if (items != null && items.isEmpty()) {
          r.semantic(poolsEntry.path(), poolsEntry.value(), "empty (expected: at least one pool)");
        }
        Map<String, String> poolOf = new HashMap<>();
        Set<String> poolNames = new java.util.HashSet<>();
        for (int i = 0; items != null && i < items.size(); i++) {
          String poolPath = poolsEntry.path() + "[" + i + "]";
          Map<String, Entry> pm = r.mapping(poolPath, items.get(i), POOL);
          if (pm == null) {
            continue;
          }
          String poolName = optionalString(pm.get("name"));
          if (poolName == null || poolName.isEmpty()) {
            r.semantic(poolPath + ".name", items.get(i), "missing (expected: a pool name)");
            poolName = "";
          } else if (!poolNames.add(poolName)) {
            r.semantic(
                pm.get("name").path(),
                pm.get("name").value(),
                "duplicate pool \"" + poolName + "\"");
          }
          Map<String, Integer> weights = new LinkedHashMap<>();
          Entry bs = pm.get("backends");
          Map<String, Entry> bm = bs == null ? null : r.mapping(bs.path(), bs.value(), null);
          if (bs == null || (bm != null && bm.isEmpty())) {
            r.semantic(
                poolPath + ".backends",
                bs == null ? items.get(i) : bs.value(),
                "empty (expected: at least one backend)");
          }
          for (Entry be : bm == null ? List.<Entry>of() : bm.values()) {
            String bname = keyName(be);
            Map<String, Entry> wm = r.mapping(be.path(), be.value(), POOL_BACKEND);
            int weight = Frontend.Pool.DEFAULT_WEIGHT;
            if (wm != null && wm.containsKey("weight")) {
              Long w = r.integer(wm.get("weight"));
              if (w != null && (w < 0 || w > 100)) {
                r.semantic(
                    wm.get("weight").path(),
                    wm.get("weight").value(),
                    "weight " + w + " (expected: 0-100)");
              } else if (w != null) {
                weight = w.intValue();
              }
            }
            if (!backendNames.contains(bname)) {
              r.semantic(be.path(), be.key(), "no such backend");
            } else if (poolOf.containsKey(bname)) {
              r.semantic(
                  be.path(),
                  be.key(),
                  "already in pool \"" + poolOf.get(bname) + "\" of this frontend");
            } else {
              poolOf.put(bname, poolName);
              refs.put(bname, be);
            }
            weights.put(bname, weight);
          }
          pools.add(new Frontend.Pool(poolName, weights));
        }
      }
      // One address family across all backends, and distinct addresses (VPP keys ASes by IP).
      Map<InetAddress, String> byAddress = new HashMap<>();
      Class<?> family = null;
      String firstBackend = null;
      for (Map.Entry<String, Entry> ref : refs.entrySet()) {
        Backend b = backends.get(ref.getKey());
        if (b == null) {
          continue;
        }
        if (family == null) {
          family = b.address().getClass();
          firstBackend = b.name();
        } else if (family != b.address().getClass()) {
          r.semantic(
              ref.getValue().path(),
              ref.getValue().key(),
              "backend \""
                  + b.name()
                  + "\" is "
                  + familyName(b.address())
                  + " but \""
                  + firstBackend
                  + "\" is not (expected: one address family per frontend)");
        }
        String other = byAddress.putIfAbsent(b.address(), b.name());
        if (other != null) {
          r.semantic(
              ref.getValue().path(),
              ref.getValue().key(),
              "backend \""
                  + b.name()
                  + "\" has the same address as \""
                  + other
                  + "\" ("
                  + InetAddresses.toAddrString(b.address())
                  + ")");
        }
      }
      if (address == null) {
        return null;
      }
      Frontend f =
          new Frontend(
              name,
              description == null ? "" : description,
              address,
              protocol,
              port,
              sticky,
              flushOnDown,
              pools);
      return new FrontendRefs(f, e, refs);
    }

    /** Frontends on one address: distinct (protocol, port), no all-port mix, one backend family. */
    private void sharedAddresses(List<FrontendRefs> frontends, Map<String, Backend> backends) {
      Map<InetAddress, List<FrontendRefs>> byAddress = new LinkedHashMap<>();
      for (FrontendRefs f : frontends) {
        byAddress.computeIfAbsent(f.frontend.address(), a -> new ArrayList<>()).add(f);
      }
      for (List<FrontendRefs> group : byAddress.values()) {
        for (int i = 1; i < group.size(); i++) {
          FrontendRefs f = group.get(i);
          int before = r.semanticErrors().size();
          // One error per frontend: its first conflict is enough to act on.
          for (int j = 0; j < i && r.semanticErrors().size() == before; j++) {
            FrontendRefs g = group.get(j);
            String addr = InetAddresses.toAddrString(f.frontend.address());
            if (f.frontend.port() == 0 || g.frontend.port() == 0) {
              r.semantic(
                  f.node.path(),
                  f.node.key(),
                  "shares address "
                      + addr
                      + " with frontend \""
                      + g.frontend.name()
                      + "\", and a VIP for all ports cannot share its address (VPP refuses it)");
            } else if (f.frontend.port() == g.frontend.port()
                && f.frontend.protocol() == g.frontend.protocol()) {
              r.semantic(
                  f.node.path(),
                  f.node.key(),
                  "same address, protocol and port as frontend \"" + g.frontend.name() + "\"");
            } else if (f.family(backends) != null
                && g.family(backends) != null
                && !f.family(backends).equals(g.family(backends))) {
              r.semantic(
                  f.node.path(),
                  f.node.key(),
                  "shares address "
                      + addr
                      + " with frontend \""
                      + g.frontend.name()
                      + "\" but its backends are "
                      + f.family(backends)
                      + " and those are "
                      + g.family(backends)
                      + " (expected: one encapsulation per VIP address)");
            }
          }
        }
      }
    }

    private static String familyName(InetAddress a) {
      return a instanceof Inet4Address ? "IPv4" : "IPv6";
    }

    private @Nullable InetAddress address(Entry e) {
      String s = r.string(e);
      if (s == null) {
        return null;
      }
      if (!InetAddresses.isInetAddress(s)) {
        r.semantic(e.path(), e.value(), "invalid address \"" + s + "\" (expected: an IP address)");
        return null;
      }
      return InetAddresses.forString(s);
    }

    private void wrongFamily(Entry e, String expected) {
      r.semantic(
          e.path(), e.value(), "wrong address family (expected: an " + expected + " address)");
    }

    private Duration positive(@Nullable Entry e, Duration fallback) {
      if (e == null) {
        return fallback;
      }
      Duration d = r.duration(e);
      if (d == null) {
        return fallback;
      }
      if (d.isNegative() || d.isZero()) {
        r.semantic(e.path(), e.value(), GoDuration.format(d) + " (expected: > 0)");
        return fallback;
      }
      return d;
    }

    private Duration nonNegative(@Nullable Entry e, Duration fallback) {
      if (e == null) {
        return fallback;
      }
      Duration d = r.duration(e);
      if (d == null) {
        return fallback;
      }
      if (d.isNegative()) {
        r.semantic(e.path(), e.value(), GoDuration.format(d) + " (expected: >= 0)");
        return fallback;
      }
      return d;
    }

    private int atLeastOne(@Nullable Entry e, int fallback) {
      if (e == null) {
        return fallback;
      }
      Long v = r.integer(e);
      if (v == null) {
        return fallback;
      }
      if (v < 1 || v > 1000) {
        r.semantic(e.path(), e.value(), v + " (expected: 1-1000)");
        return fallback;
      }
      return v.intValue();
    }

    private @Nullable String optionalString(@Nullable Entry e) {
      return e == null || YamlReader.isNull(e.value()) ? null : r.string(e);
    }

    private boolean optionalBool(@Nullable Entry e) {
      if (e == null) {
        return false;
      }
      Boolean b = r.bool(e);
      return b != null && b;
    }

    private @Nullable Path caFile(@Nullable Entry e) {
      String s = optionalString(e);
      if (s == null || e == null) {
        return null;
      }
      Path p = Path.of(s);
      if (!Files.isReadable(p)) {
        r.semantic(e.path(), e.value(), "cannot read \"" + s + "\" (expected: a PEM file of CAs)");
      }
      return p;
    }
  }

  /** A frontend with the config nodes of its backend references, for cross-frontend checks. */
  private record FrontendRefs(Frontend frontend, Entry node, Map<String, Entry> refs) {
    @Nullable String family(Map<String, Backend> backends) {
      for (String b : refs.keySet()) {
        Backend be = backends.get(b);
        if (be != null) {
          return be.address() instanceof Inet4Address ? "IPv4" : "IPv6";
        }
      }
      return null;
    }
  }

  /** Whether {@code s} can stand in an HTTP request line or header as it is: printable ASCII. */
  static boolean isHttpToken(String s) {
    if (s.isEmpty()) {
      return false;
    }
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c <= 0x20 || c >= 0x7f) {
        return false;
      }
    }
    return true;
  }

  /** {@code s} with control characters written as escapes, so a message stays on one line. */
  static String escaped(String s) {
    StringBuilder b = new StringBuilder(s.length());
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      switch (c) {
        case '\r' -> b.append("\\r");
        case '\n' -> b.append("\\n");
        case '\t' -> b.append("\\t");
        default -> {
          if (c < 0x20 || c == 0x7f) {
            b.append(String.format("\\x%02x", (int) c));
          } else {
            b.append(c);
          }
        }
      }
    }
    return b.toString();
  }
}
