package ch.ipng.maglev.cli.tree;

import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A resolved command line: the keywords matched (in full) and the slot values, by slot.
 *
 * @param keywords the full keywords of the path, e.g. [show, backend]
 * @param values slot values in order, with their slot kind
 */
public record Invocation(List<String> keywords, List<Map.Entry<Node.Slot, String>> values) {
  public Invocation {
    keywords = List.copyOf(keywords);
    values = List.copyOf(values);
  }

  /** The first value of a slot kind. */
  public Optional<String> value(Node.Slot slot) {
    return values.stream().filter(e -> e.getKey() == slot).map(Map.Entry::getValue).findFirst();
  }

  /** The n-th (0-based) value of a slot kind, e.g. the second BACKEND. */
  public Optional<String> value(Node.Slot slot, int n) {
    return values.stream()
        .filter(e -> e.getKey() == slot)
        .map(Map.Entry::getValue)
        .skip(n)
        .findFirst();
  }

  public boolean has(String keyword) {
    return keywords.contains(keyword);
  }

  /** The command as typed in full, e.g. "show backend nginx0". */
  public String line() {
    return String.join(" ", keywords);
  }
}
