package ch.ipng.maglev.config;

import ch.ipng.maglev.common.GoDuration;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.jspecify.annotations.Nullable;
import org.snakeyaml.engine.v2.nodes.MappingNode;
import org.snakeyaml.engine.v2.nodes.Node;
import org.snakeyaml.engine.v2.nodes.NodeTuple;
import org.snakeyaml.engine.v2.nodes.ScalarNode;
import org.snakeyaml.engine.v2.nodes.SequenceNode;
import org.snakeyaml.engine.v2.nodes.Tag;

/**
 * Strict, typed access to a composed YAML node tree. Structure and type problems go to the parse
 * error list; callers report rule violations through {@link #semantic}.
 */
final class YamlReader {
  private final List<ConfigError> parseErrors = new ArrayList<>();
  private final List<ConfigError> semanticErrors = new ArrayList<>();

  List<ConfigError> parseErrors() {
    return parseErrors;
  }

  List<ConfigError> semanticErrors() {
    return semanticErrors;
  }

  void parse(String path, Node node, String message) {
    parseErrors.add(error(path, node, message));
  }

  void semantic(String path, Node node, String message) {
    semanticErrors.add(error(path, node, message));
  }

  static ConfigError error(String path, @Nullable Node node, String message) {
    if (node == null || node.getStartMark().isEmpty()) {
      return new ConfigError(path, message, 0, 0);
    }
    var mark = node.getStartMark().get();
    return new ConfigError(path, message, mark.getLine() + 1, mark.getColumn() + 1);
  }

  static boolean isNull(Node node) {
    return node.getTag().equals(Tag.NULL);
  }

  /**
   * The entries of a mapping, keys as strings, in document order. Unknown keys (when {@code
   * allowed} is not null), duplicate keys and non-scalar keys are reported. A null node reads as an
   * empty mapping. Returns null (after reporting) if the node is not a mapping.
   */
  @Nullable Map<String, Entry> mapping(String path, Node node, @Nullable Set<String> allowed) {
    if (isNull(node)) {
      return new LinkedHashMap<>();
    }
    if (!(node instanceof MappingNode m)) {
      parse(path, node, "expected a mapping, got " + describe(node));
      return null;
    }
    Map<String, Entry> out = new LinkedHashMap<>();
    Set<String> seen = new HashSet<>();
    for (NodeTuple t : m.getValue()) {
      if (!(t.getKeyNode() instanceof ScalarNode k)) {
        parse(path, t.getKeyNode(), "expected a scalar key, got " + describe(t.getKeyNode()));
        continue;
      }
      String key = k.getValue();
      String shortKey = Text.shorten(key);
      String childPath = path.isEmpty() ? shortKey : path + "." + shortKey;
      if (!seen.add(key)) {
        parse(childPath, k, "duplicate key \"" + Text.shorten(key) + "\"");
        continue;
      }
      if (allowed != null && !allowed.contains(key)) {
        parse(
            childPath,
            k,
            "unknown key \""
                + Text.shorten(key)
                + "\" (expected one of: "
                + String.join(", ", allowed)
                + ")");
        continue;
      }
      out.put(key, new Entry(childPath, k, t.getValueNode()));
    }
    return out;
  }

  /** The items of a sequence, or null (after reporting) if the node is not one. */
  @Nullable List<Node> sequence(String path, Node node) {
    if (!(node instanceof SequenceNode s)) {
      parse(path, node, "expected a list, got " + describe(node));
      return null;
    }
    return s.getValue();
  }

  /** A scalar as text; any scalar kind is accepted, as Go's yaml.v3 does for strings. */
  @Nullable String string(Entry e) {
    if (!(e.value instanceof ScalarNode s)) {
      parse(e.path, e.value, "expected a string, got " + describe(e.value));
      return null;
    }
    return s.getValue();
  }

  @Nullable Long integer(Entry e) {
    if (!(e.value instanceof ScalarNode s) || !s.getTag().equals(Tag.INT)) {
      parse(e.path, e.value, "expected an integer, got " + describe(e.value));
      return null;
    }
    try {
      String v = s.getValue().replace("_", "");
      if (v.startsWith("0x")) {
        return Long.parseLong(v.substring(2), 16);
      }
      if (v.startsWith("0o")) {
        return Long.parseLong(v.substring(2), 8);
      }
      return Long.parseLong(v);
    } catch (NumberFormatException ex) {
      parse(e.path, e.value, "integer " + Text.shorten(s.getValue()) + " is out of range");
      return null;
    }
  }

  @Nullable Boolean bool(Entry e) {
    if (!(e.value instanceof ScalarNode s) || !s.getTag().equals(Tag.BOOL)) {
      parse(e.path, e.value, "expected true or false, got " + describe(e.value));
      return null;
    }
    return Boolean.parseBoolean(s.getValue().toLowerCase(java.util.Locale.ROOT));
  }

  @Nullable Duration duration(Entry e) {
    String text = string(e);
    if (text == null) {
      return null;
    }
    try {
      return GoDuration.parse(text);
    } catch (IllegalArgumentException ex) {
      parse(e.path, e.value, ex.getMessage());
      return null;
    }
  }

  static String describe(Node node) {
    if (node instanceof MappingNode) {
      return "a mapping";
    }
    if (node instanceof SequenceNode) {
      return "a list";
    }
    ScalarNode s = (ScalarNode) node;
    Tag tag = s.getTag();
    String kind =
        tag.equals(Tag.INT)
            ? "integer"
            : tag.equals(Tag.BOOL)
                ? "boolean"
                : tag.equals(Tag.FLOAT) ? "number" : tag.equals(Tag.NULL) ? "null" : "string";
    return kind.equals("null") ? "null" : kind + " \"" + Text.shorten(s.getValue()) + "\"";
  }

  /** A mapping entry: its YAML path, key node and value node. */
  record Entry(String path, Node key, Node value) {}
}
