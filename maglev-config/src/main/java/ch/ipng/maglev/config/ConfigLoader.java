package ch.ipng.maglev.config;

import ch.ipng.maglev.config.YamlReader.Entry;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CoderResult;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.snakeyaml.engine.v2.api.LoadSettings;
import org.snakeyaml.engine.v2.composer.Composer;
import org.snakeyaml.engine.v2.exceptions.MarkedYamlEngineException;
import org.snakeyaml.engine.v2.exceptions.YamlEngineException;
import org.snakeyaml.engine.v2.nodes.Node;
import org.snakeyaml.engine.v2.parser.Parser;
import org.snakeyaml.engine.v2.parser.ParserImpl;
import org.snakeyaml.engine.v2.scanner.StreamReader;

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
      Fields.keys("healthchecker", "vpp", "grpc", "healthchecks", "backends", "frontends");

  /** The largest config file read, in bytes (4 MiB); a larger one is refused unread. */
  public static final long MAX_FILE_BYTES = 4L << 20;

  /** The most code points YAML text may have (as many as the file's byte limit). */
  public static final int MAX_CODE_POINTS = (int) MAX_FILE_BYTES;

  /** The deepest nesting of mappings and lists (maglev.yaml itself needs 7). */
  public static final int MAX_DEPTH = 64;

  /** The most aliases to collections one document may use ("billion laughs"). */
  public static final int MAX_ALIASES = 50;

  private ConfigLoader() {}

  /**
   * Every key the parser accepts, by the YAML path of its mapping as docs/config-guide.md names its
   * sections; a test keeps the guide and the parser in step.
   */
  public static Map<String, Set<String>> keysBySection() {
    Map<String, Set<String>> keys = new LinkedHashMap<>();
    keys.put("maglev", MAGLEV);
    keys.put("maglev.healthchecker", HealthCheckerDecoder.KEYS);
    keys.put("maglev.healthchecker.self-suspicion", HealthCheckerDecoder.SELF_SUSPICION_KEYS);
    keys.put("maglev.vpp", VppLbDecoder.VPP_KEYS);
    keys.put("maglev.vpp.lb", VppLbDecoder.KEYS);
    keys.put("maglev.grpc", GrpcAccessDecoder.KEYS);
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

  /**
   * Reads and validates a config file for {@code use}. The file must be a regular file (a FIFO, a
   * device or a directory is refused before it is opened, so a read never waits for a writer) of at
   * most {@link #MAX_FILE_BYTES} bytes of UTF-8.
   */
  public static Config load(Path file, Use use) throws ConfigException {
    return parse(read(file), file.toString(), use);
  }

  /** The text of a config file, read within the limits; any failure names the file and why. */
  static String read(Path file) throws ConfigException {
    BasicFileAttributes attributes;
    try {
      attributes = Files.readAttributes(file, BasicFileAttributes.class);
    } catch (IOException e) {
      throw cannotRead(file, describe(e));
    }
    if (!attributes.isRegularFile()) {
      throw cannotRead(file, "not a regular file (it is " + kind(attributes) + ")");
    }
    if (attributes.size() > MAX_FILE_BYTES) {
      throw tooLarge(file, attributes.size());
    }
    byte[] bytes;
    try (InputStream in = Files.newInputStream(file)) {
      // The file may have grown since it was measured: read one byte past the limit to know.
      bytes = in.readNBytes((int) MAX_FILE_BYTES + 1);
    } catch (IOException e) {
      throw cannotRead(file, describe(e));
    }
    if (bytes.length > MAX_FILE_BYTES) {
      throw tooLarge(file, bytes.length);
    }
    return utf8(file, bytes);
  }

  private static String utf8(Path file, byte[] bytes) throws ConfigException {
    CharsetDecoder decoder =
        StandardCharsets.UTF_8
            .newDecoder()
            .onMalformedInput(CodingErrorAction.REPORT)
            .onUnmappableCharacter(CodingErrorAction.REPORT);
    ByteBuffer in = ByteBuffer.wrap(bytes);
    CharBuffer out = CharBuffer.allocate(bytes.length);
    CoderResult result = decoder.decode(in, out, true);
    if (result.isError()) {
      throw cannotRead(
          file, "not UTF-8 (invalid byte sequence at byte offset " + in.position() + ")");
    }
    decoder.flush(out);
    return out.flip().toString();
  }

  private static String kind(BasicFileAttributes a) {
    return a.isDirectory()
        ? "a directory"
        : a.isOther() ? "a FIFO, socket or device" : "not a file";
  }

  private static ConfigException cannotRead(Path file, String why) {
    return parseError(new ConfigError("", "cannot read " + file + ": " + why, 0, 0));
  }

  private static ConfigException tooLarge(Path file, long size) {
    return cannotRead(file, size + " bytes, larger than the limit of " + MAX_FILE_BYTES + " bytes");
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

  /**
   * The YAML node tree; a syntax error, a limit exceeded or an empty document is a parse error.
   * snakeyaml-engine's composer recurses once per nesting level, so the depth is checked on the
   * parser's events, before the composer descends.
   */
  private static Node compose(String text, String source) throws ConfigException {
    if (text.length() > MAX_CODE_POINTS) {
      long codePoints = text.codePoints().count();
      if (codePoints > MAX_CODE_POINTS) {
        throw parseError(
            new ConfigError(
                "", codePoints + " characters, more than the limit of " + MAX_CODE_POINTS, 0, 0));
      }
    }
    LoadSettings settings =
        LoadSettings.builder()
            .setLabel(source)
            // The reader copies what is left of its window each time it refills it, which is
            // quadratic in the length of a long token: one window holds the whole text.
            .setBufferSize(text.length() + 2)
            .setCodePointLimit(MAX_CODE_POINTS)
            .setMaxAliasesForCollections(MAX_ALIASES)
            .setAllowRecursiveKeys(false)
            .build();
    Optional<Node> composed;
    try {
      Parser parser = new DepthLimit(new ParserImpl(settings, new StreamReader(settings, text)));
      composed = new Composer(settings, parser).getSingleNode();
    } catch (DepthLimit.TooDeep e) {
      throw parseError(new ConfigError("", e.getMessage(), e.line, e.column));
    } catch (MarkedYamlEngineException e) {
      int line = e.getProblemMark().map(m -> m.getLine() + 1).orElse(0);
      int column = e.getProblemMark().map(m -> m.getColumn() + 1).orElse(0);
      String problem = e.getProblem() == null ? "invalid YAML" : e.getProblem();
      String context = e.getContext() == null ? "" : e.getContext() + ": ";
      throw parseError(
          new ConfigError("", "YAML syntax: " + Text.shorten(context + problem), line, column));
    } catch (YamlEngineException e) {
      throw parseError(new ConfigError("", "YAML syntax: " + Text.shorten(e.getMessage()), 0, 0));
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
    GrpcAccess grpc = new GrpcAccessDecoder(f).decode(maglev.get("grpc"));
    return new Config(hc, lb, healthchecks, backends, frontends, grpc);
  }

  private static ConfigException parseError(ConfigError error) {
    return new ConfigException(ConfigException.Kind.PARSE, List.of(error));
  }

  private static List<ConfigError> sorted(List<ConfigError> errors) {
    List<ConfigError> out = new ArrayList<>(errors);
    out.sort(Comparator.comparingInt(ConfigError::line).thenComparingInt(ConfigError::column));
    return out;
  }

  /** Why a file could not be read, in the words of strerror where there are some. */
  static String describe(IOException e) {
    if (e instanceof NoSuchFileException) {
      return "no such file";
    }
    if (e instanceof AccessDeniedException) {
      return "permission denied";
    }
    if (e instanceof FileSystemException f && f.getReason() != null) {
      return f.getReason().toLowerCase(Locale.ROOT);
    }
    return e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
  }
}
