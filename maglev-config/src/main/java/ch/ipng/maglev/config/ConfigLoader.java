package ch.ipng.maglev.config;

import ch.ipng.maglev.config.YamlReader.Entry;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.snakeyaml.engine.v2.api.LoadSettings;
import org.snakeyaml.engine.v2.api.lowlevel.Compose;
import org.snakeyaml.engine.v2.exceptions.MarkedYamlEngineException;
import org.snakeyaml.engine.v2.exceptions.YamlEngineException;
import org.snakeyaml.engine.v2.nodes.Node;

/**
 * Turns maglev.yaml into a {@link Config}. Strict: unknown keys and wrong types are parse errors;
 * rules across fields and objects are semantic errors. Every error of the failing stage is
 * reported, each with its YAML path, line and column.
 *
 * <p>One decoder per section does the work ({@link HealthCheckerDecoder}, {@link VppLbDecoder},
 * {@link HealthCheckDecoder}, {@link BackendDecoder}, {@link FrontendDecoder} with {@link
 * PoolsDecoder}), all reading through one {@link Fields}, which collects the errors.
 */
public final class ConfigLoader {
  private static final Set<String> TOP = Set.of("maglev");
  private static final Set<String> MAGLEV =
      Fields.keys("healthchecker", "vpp", "healthchecks", "backends", "frontends");

  private ConfigLoader() {}

  /**
   * Every key the parser accepts, by the YAML path of its mapping as docs/config-guide.md names its
   * sections; a test keeps the guide and the parser in step.
   */
  public static Map<String, Set<String>> keysBySection() {
    Map<String, Set<String>> keys = new LinkedHashMap<>();
    keys.put("maglev", MAGLEV);
    keys.put("maglev.healthchecker", HealthCheckerDecoder.KEYS);
    keys.put("maglev.vpp", VppLbDecoder.VPP_KEYS);
    keys.put("maglev.vpp.lb", VppLbDecoder.KEYS);
    keys.put("maglev.healthchecks.<name>", HealthCheckDecoder.KEYS);
    keys.put("maglev.healthchecks.<name>.params", HealthCheckDecoder.PARAMS);
    keys.put("maglev.backends.<name>", BackendDecoder.KEYS);
    keys.put("maglev.frontends.<name>", FrontendDecoder.KEYS);
    keys.put("maglev.frontends.<name>.pools[]", PoolsDecoder.POOL_KEYS);
    keys.put("maglev.frontends.<name>.pools[].backends.<name>", PoolsDecoder.BACKEND_KEYS);
    return Collections.unmodifiableMap(keys);
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
      throw parseError(new ConfigError("", "cannot read " + file + ": " + describe(e), 0, 0));
    }
    return parse(text, file.toString(), use);
  }

  /** Validates config text for health checking alone; {@code source} names it in YAML errors. */
  public static Config parse(String text, String source) throws ConfigException {
    return parse(text, source, Use.HEALTH_CHECKS_ONLY);
  }

  /** Validates config text for {@code use}; {@code source} names it in YAML syntax errors. */
  public static Config parse(String text, String source, Use use) throws ConfigException {
    YamlReader r = new YamlReader();
    Config config = decode(new Fields(r), compose(text, source), use);
    if (!r.parseErrors().isEmpty()) {
      throw new ConfigException(ConfigException.Kind.PARSE, sorted(r.parseErrors()));
    }
    if (!r.semanticErrors().isEmpty()) {
      throw new ConfigException(ConfigException.Kind.SEMANTIC, sorted(r.semanticErrors()));
    }
    return config;
  }

  /** The YAML node tree; a syntax error or an empty document is a parse error. */
  private static Node compose(String text, String source) throws ConfigException {
    Optional<Node> composed;
    try {
      composed = new Compose(LoadSettings.builder().setLabel(source).build()).composeString(text);
    } catch (MarkedYamlEngineException e) {
      int line = e.getProblemMark().map(m -> m.getLine() + 1).orElse(0);
      int column = e.getProblemMark().map(m -> m.getColumn() + 1).orElse(0);
      String problem = e.getProblem() == null ? "invalid YAML" : e.getProblem();
      String context = e.getContext() == null ? "" : e.getContext() + ": ";
      throw parseError(new ConfigError("", "YAML syntax: " + context + problem, line, column));
    } catch (YamlEngineException e) {
      throw parseError(new ConfigError("", "YAML syntax: " + e.getMessage(), 0, 0));
    }
    if (composed.isEmpty()) {
      throw parseError(
          new ConfigError("", "empty config (expected: a top-level key maglev)", 0, 0));
    }
    return composed.get();
  }

  /** The config the sections decode to, defaults where they fail; the errors are in {@code f}. */
  private static Config decode(Fields f, Node root, Use use) {
    Map<String, Entry> top = f.mapping("", root, TOP);
    Entry maglevEntry = top == null ? null : top.get("maglev");
    if (top != null && maglevEntry == null) {
      f.parseError("maglev", root, "missing top-level key maglev");
    }
    Map<String, Entry> maglev = maglevEntry == null ? null : f.mapping(maglevEntry, MAGLEV);
    if (maglevEntry == null || maglev == null) {
      return new Config(
          HealthCheckerSettings.defaults(), VppLbSettings.defaults(), Map.of(), Map.of(), Map.of());
    }
    HealthCheckerSettings hc = new HealthCheckerDecoder(f).decode(maglev.get("healthchecker"));
    VppLbSettings lb = new VppLbDecoder(f, use).decode(maglev.get("vpp"), maglevEntry);
    Map<String, Entry> hcs = f.named(maglev.get("healthchecks"));
    Map<String, HealthCheck> healthchecks = new HealthCheckDecoder(f).decode(hcs);
    Map<String, Entry> bes = f.named(maglev.get("backends"));
    Map<String, Backend> backends = new BackendDecoder(f).decode(bes, hcs.keySet());
    Map<String, Frontend> frontends =
        new FrontendDecoder(f).decode(f.named(maglev.get("frontends")), backends, bes.keySet());
    return new Config(hc, lb, healthchecks, backends, frontends);
  }

  private static ConfigException parseError(ConfigError error) {
    return new ConfigException(ConfigException.Kind.PARSE, List.of(error));
  }

  private static List<ConfigError> sorted(List<ConfigError> errors) {
    List<ConfigError> out = new ArrayList<>(errors);
    out.sort(Comparator.comparingInt(ConfigError::line).thenComparingInt(ConfigError::column));
    return out;
  }

  private static String describe(IOException e) {
    return e instanceof NoSuchFileException
        ? "no such file"
        : e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
  }
}
