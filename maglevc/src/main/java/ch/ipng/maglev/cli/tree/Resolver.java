package ch.ipng.maglev.cli.tree;

import java.util.AbstractMap;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.jspecify.annotations.Nullable;

/**
 * Matches typed words against the tree, BIRD-style: any unambiguous prefix of a keyword works, an
 * exact keyword wins over prefixes, and a reading that cannot complete the whole line is dropped
 * (so "sh fr" is "show frontends", since "show frontend" would need a name).
 */
public final class Resolver {
  private final Node root;

  public Resolver(Node root) {
    this.root = root;
  }

  /** The outcome: a command to run, or an error for the user. */
  public sealed interface Result {
    /** A complete command. */
    record Command(Node.Action action, Invocation invocation) implements Result {}

    /** Not a command; {@code message} says why in the user's words. */
    record Error(String message) implements Result {}
  }

  /** One way of reading the words so far. */
  private record Path(
      Node at,
      @Nullable Node optionsHome,
      List<String> keywords,
      List<Map.Entry<Node.Slot, String>> values,
      int exactWords) {}

  public Result resolve(List<String> words) {
    if (words.isEmpty()) {
      return new Result.Error("empty command");
    }
    List<Path> paths = List.of(new Path(root, null, List.of(), List.of(), 0));
    List<Set<String>> matchedAt = new ArrayList<>();
    for (int i = 0; i < words.size(); i++) {
      String w = words.get(i);
      List<Path> next = new ArrayList<>();
      Set<String> ambiguous = new LinkedHashSet<>();
      matchedAt.add(ambiguous);
      for (Path p : paths) {
        for (Path q : advance(p, w)) {
          next.add(q);
          if (q.at().keyword() != null) {
            ambiguous.add(q.at().keyword());
          }
        }
      }
      if (next.isEmpty()) {
        return unknown(words, i, paths);
      }
      paths = next;
    }
    List<Path> complete = paths.stream().filter(p -> actionOf(p) != null).toList();
    if (complete.isEmpty()) {
      for (int i = 0; i < matchedAt.size(); i++) {
        if (matchedAt.get(i).size() > 1) {
          return new Result.Error(
              "ambiguous word \""
                  + words.get(i)
                  + "\": could be "
                  + String.join(", ", matchedAt.get(i)));
        }
      }
      Set<String> expected = new LinkedHashSet<>();
      for (Path p : paths) {
        candidates(p).forEach(n -> expected.add(n.label()));
      }
      return new Result.Error(
          "incomplete command \""
              + String.join(" ", words)
              + "\"; expected: "
              + String.join(", ", expected));
    }
    if (complete.size() > 1) {
      int best = complete.stream().mapToInt(Path::exactWords).max().orElse(0);
      List<Path> bestPaths = complete.stream().filter(p -> p.exactWords() == best).toList();
      if (bestPaths.size() > 1) {
        return new Result.Error(ambiguity(words, bestPaths));
      }
      complete = bestPaths;
    }
    Path p = complete.get(0);
    return new Result.Command(actionOf(p), new Invocation(p.keywords(), p.values()));
  }

  /** The nodes that may come next after a path. */
  List<Node> candidates(Path p) {
    List<Node> c = new ArrayList<>(p.at().children());
    if (p.optionsHome() != null && p.at() != p.optionsHome()) {
      for (Node n : p.optionsHome().children()) {
        if (!c.contains(n)) {
          c.add(n);
        }
      }
    }
    return c;
  }

  /**
   * The readings after {@code p} takes {@code word}: an exact keyword if there is one (it wins over
   * every prefix match), else every keyword it prefixes and every slot that accepts it.
   */
  private List<Path> advance(Path p, String word) {
    List<Node> candidates = candidates(p);
    List<Node> exact = candidates.stream().filter(n -> word.equals(n.keyword())).toList();
    List<Node> matched =
        !exact.isEmpty()
            ? exact
            : candidates.stream()
                .filter(
                    n ->
                        n.keyword() != null
                            ? n.keyword().startsWith(word)
                            : n.slotKind().accepts(word))
                .toList();
    return matched.stream().map(n -> step(p, n, word, !exact.isEmpty())).toList();
  }

  private static Path step(Path p, Node n, String word, boolean exact) {
    List<String> keywords = new ArrayList<>(p.keywords());
    List<Map.Entry<Node.Slot, String>> values = new ArrayList<>(p.values());
    if (n.keyword() != null) {
      keywords.add(n.keyword());
    } else {
      values.add(new AbstractMap.SimpleImmutableEntry<>(n.slotKind(), word));
      keywords.add(word);
    }
    Node home = n.isOptions() ? n : p.optionsHome();
    return new Path(n, home, keywords, values, p.exactWords() + (exact ? 1 : 0));
  }

  private static Node.@Nullable Action actionOf(Path p) {
    if (p.at().action() != null) {
      return p.at().action();
    }
    // Inside options, the options node's action runs once its option is complete.
    if (p.optionsHome() != null && p.at().children().isEmpty()) {
      return p.optionsHome().action();
    }
    return null;
  }

  private Result unknown(List<String> words, int i, List<Path> paths) {
    String rest = String.join(" ", words.subList(i, words.size()));
    Set<String> expected = new LinkedHashSet<>();
    for (Path p : paths) {
      candidates(p).forEach(n -> expected.add(n.label()));
    }
    String after = i == 0 ? "" : " after \"" + String.join(" ", paths.get(0).keywords()) + "\"";
    return new Result.Error(
        "unknown "
            + (words.size() - i == 1 ? "word" : "words")
            + " \""
            + rest
            + "\""
            + after
            + (expected.isEmpty() ? "" : "; expected: " + String.join(", ", expected)));
  }

  private static String ambiguity(List<String> words, List<Path> paths) {
    return "ambiguous command \""
        + String.join(" ", words)
        + "\": could be "
        + paths.stream()
            .map(p -> "\"" + String.join(" ", p.keywords()) + "\"")
            .distinct()
            .collect(Collectors.joining(", "));
  }

  /**
   * What may follow the complete words: nodes whose keyword starts with {@code prefix} or slots,
   * for completion and "?" help.
   */
  public List<Node> next(List<String> words, String prefix) {
    List<Path> paths = List.of(new Path(root, null, List.of(), List.of(), 0));
    for (String w : words) {
      paths = paths.stream().flatMap(p -> advance(p, w).stream()).toList();
    }
    List<Node> out = new ArrayList<>();
    for (Path p : paths) {
      for (Node n : candidates(p)) {
        if ((n.keyword() == null || n.keyword().startsWith(prefix)) && !out.contains(n)) {
          out.add(n);
        }
      }
    }
    return out;
  }

  /** Whether the words already form a complete command (for "?" help: "<cr>"). */
  public boolean completes(List<String> words) {
    return !words.isEmpty() && resolve(words) instanceof Result.Command;
  }
}
