package ch.ipng.maglev.cli;

import ch.ipng.maglev.cli.tree.Node;
import ch.ipng.maglev.cli.tree.Resolver;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * Completion candidates from the tree, with live names for slots. Shared by the shell's TAB and by
 * {@code maglevc --complete WORDS... PREFIX}, which the bash completion script calls.
 */
final class Completion {
  private Completion() {}

  /** Candidates for the word being typed ({@code prefix}) after the complete {@code words}. */
  static List<String> candidates(
      Resolver resolver, Session session, List<String> words, String prefix) {
    List<String> out = new ArrayList<>();
    for (Node n : resolver.next(words, prefix)) {
      if (n.keyword() != null) {
        out.add(n.keyword());
      } else {
        for (String name : session.names(n.slotKind(), frontendOf(words))) {
          if (name.startsWith(prefix) && !out.contains(name)) {
            out.add(name);
          }
        }
      }
    }
    return out;
  }

  /** The frontend named on the line ("set frontend NAME pool ..."), for pool names. */
  static @Nullable String frontendOf(List<String> words) {
    for (int i = 0; i + 1 < words.size(); i++) {
      if (i >= 1 && "frontend".startsWith(words.get(i)) && words.get(i).length() >= 2) {
        return words.get(i + 1);
      }
    }
    return null;
  }

  /** --complete: the last word is the prefix being typed (may be empty). */
  static void print(Resolver resolver, Session session, List<String> args, PrintWriter out) {
    List<String> words = args.isEmpty() ? List.of() : args.subList(0, args.size() - 1);
    String prefix = args.isEmpty() ? "" : args.get(args.size() - 1);
    for (String c : candidates(resolver, session, words, prefix)) {
      out.println(c);
    }
    out.flush();
  }
}
