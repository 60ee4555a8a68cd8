package ch.ipng.maglev.cli;

import ch.ipng.maglev.cli.tree.Node;
import ch.ipng.maglev.cli.tree.Resolver;
import ch.ipng.maglev.common.Version;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.jline.reader.Candidate;
import org.jline.reader.EndOfFileException;
import org.jline.reader.LineReader;
import org.jline.reader.LineReaderBuilder;
import org.jline.reader.Reference;
import org.jline.reader.UserInterruptException;
import org.jline.terminal.Terminal;
import org.jline.terminal.TerminalBuilder;

/** The interactive shell: line editing, history, TAB completion and birdc-style "?" help. */
final class Shell {
  static final String PROMPT = "maglev> ";

  private Shell() {}

  static int run(Node tree, Session session) {
    Terminal terminal;
    try {
      terminal = TerminalBuilder.builder().system(true).jni(true).build();
    } catch (IOException e) {
      session.output().error("maglevc: no terminal for the shell: " + e.getMessage());
      return Main.USAGE;
    }
    Output out = new Output(terminal.writer(), session.output().err(), session.output().color());
    session.output(out);
    session.stopWatcher(stop -> KeyWatcher.on(terminal, stop));
    Resolver resolver = new Resolver(tree);
    LineReader reader =
        LineReaderBuilder.builder()
            .terminal(terminal)
            .appName("maglevc")
            .completer(
                (r, line, candidates) -> {
                  List<String> words = new ArrayList<>(line.words().subList(0, line.wordIndex()));
                  String prefix = line.word().substring(0, line.wordCursor());
                  for (String c : Completion.candidates(resolver, session, words, prefix)) {
                    candidates.add(new Candidate(c, c, null, null, null, null, true));
                  }
                })
            .variable(LineReader.HISTORY_FILE, historyFile())
            .option(LineReader.Option.DISABLE_EVENT_EXPANSION, true)
            // a prompt never starts mid-line, e.g. after a key press ended `watch events`
            .option(LineReader.Option.AUTO_FRESH_LINE, true)
            .build();
    reader
        .getWidgets()
        .put(
            "maglev-help",
            () -> {
              help(reader, terminal, resolver);
              return true;
            });
    reader.getKeyMaps().get(LineReader.MAIN).bind(new Reference("maglev-help"), "?");

    out.line(Version.current().describe("maglevc") + ", server " + session.server());
    out.line("TAB completes, ? shows what may follow, quit or Ctrl-D leaves.");
    out.flush();
    while (true) {
      String line;
      try {
        line = reader.readLine(PROMPT);
      } catch (UserInterruptException e) {
        continue; // Ctrl-C clears the line
      } catch (EndOfFileException e) {
        break;
      }
      List<String> words = words(line);
      if (words.isEmpty()) {
        continue;
      }
      if (words.size() == 1 && (words.get(0).equals("quit") || words.get(0).equals("exit"))) {
        break;
      }
      Main.execute(resolver, words, out, session.server());
      terminal.flush();
    }
    try {
      terminal.close();
    } catch (IOException e) {
      // leaving anyway
    }
    return Main.OK;
  }

  /** birdc's "?": echo the line with the "?", list what may follow, then redraw the line. */
  private static void help(LineReader reader, Terminal terminal, Resolver resolver) {
    String buf = reader.getBuffer().toString();
    List<String> all = words(buf);
    boolean fresh = buf.isEmpty() || Character.isWhitespace(buf.charAt(buf.length() - 1));
    List<String> complete = fresh ? all : all.subList(0, all.size() - 1);
    String prefix = fresh ? "" : all.get(all.size() - 1);
    var w = terminal.writer();
    w.println("?");
    List<Node> next = resolver.next(complete, prefix);
    int width = next.stream().mapToInt(n -> n.label().length()).max().orElse(4);
    for (Node n : next) {
      w.println("  " + n.label() + " ".repeat(width - n.label().length() + 2) + n.help());
    }
    if (fresh && resolver.completes(complete)) {
      w.println("  <cr>" + " ".repeat(Math.max(2, width - 2)) + "run the command");
    }
    if (next.isEmpty() && !(fresh && resolver.completes(complete))) {
      w.println("  (nothing matches)");
    }
    terminal.flush();
    reader.callWidget(LineReader.REDRAW_LINE);
    reader.callWidget(LineReader.REDISPLAY);
  }

  /**
   * The words of a line, split at blanks; "double" or 'single' quotes keep blanks inside one word
   * (set backend a pause reason "kernel upgrade"), and a backslash in double quotes or outside
   * quotes takes the next character as it is. An unclosed quote runs to the end of the line.
   */
  static List<String> words(String line) {
    List<String> out = new ArrayList<>();
    StringBuilder w = new StringBuilder();
    boolean inWord = false;
    char quote = 0;
    for (int i = 0; i < line.length(); i++) {
      char c = line.charAt(i);
      if (quote == '\'') {
        if (c == '\'') {
          quote = 0;
        } else {
          w.append(c);
        }
      } else if (c == '\\' && i + 1 < line.length() && (quote == '"' || quote == 0)) {
        w.append(line.charAt(++i));
        inWord = true;
      } else if (quote == '"') {
        if (c == '"') {
          quote = 0;
        } else {
          w.append(c);
        }
      } else if (c == '"' || c == '\'') {
        quote = c;
        inWord = true;
      } else if (Character.isWhitespace(c)) {
        if (inWord) {
          out.add(w.toString());
          w.setLength(0);
          inWord = false;
        }
      } else {
        w.append(c);
        inWord = true;
      }
    }
    if (inWord) {
      out.add(w.toString());
    }
    return out;
  }

  private static String historyFile() {
    String home = System.getProperty("user.home", ".");
    return Path.of(home, ".maglevc_history").toString();
  }
}
