package ch.ipng.maglev.cli;

import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;

/**
 * Prints results (aligned tables and key/value blocks) to one writer, standard output, and errors
 * to another, standard error; with optional colour for labels and errors.
 */
final class Output {
  private static final String BLUE = "\033[34m";
  private static final String RED = "\033[31m";
  private static final String BOLD = "\033[1m";
  private static final String RESET = "\033[0m";

  private final PrintWriter out;
  private final PrintWriter err;
  private final boolean color;

  Output(PrintWriter out, PrintWriter err, boolean color) {
    this.out = out;
    this.err = err;
    this.color = color;
  }

  /** Where errors go. */
  PrintWriter err() {
    return err;
  }

  boolean color() {
    return color;
  }

  void line(String s) {
    out.println(s);
  }

  /** An error line, on the error writer (results printed so far are flushed first). */
  void error(String message) {
    out.flush();
    err.println(color ? RED + message + RESET : message);
    err.flush();
  }

  String label(String s) {
    return color ? BLUE + s + RESET : s;
  }

  /** Key/value lines with the keys padded to one width (padding outside the colour codes). */
  void fields(List<String[]> rows) {
    int w = rows.stream().mapToInt(r -> r[0].length()).max().orElse(0);
    for (String[] r : rows) {
      out.println(label(r[0]) + " ".repeat(w - r[0].length() + 2) + r[1]);
    }
  }

  /** A table: a bold header row and columns padded to their widest cell. */
  void table(List<String> header, List<List<String>> rows) {
    int[] widths = new int[header.size()];
    List<List<String>> all = new ArrayList<>();
    all.add(header);
    all.addAll(rows);
    for (List<String> r : all) {
      for (int i = 0; i < r.size(); i++) {
        widths[i] = Math.max(widths[i], r.get(i).length());
      }
    }
    for (int j = 0; j < all.size(); j++) {
      List<String> r = all.get(j);
      StringBuilder sb = new StringBuilder();
      for (int i = 0; i < r.size(); i++) {
        String cell = r.get(i);
        boolean last = i == r.size() - 1;
        String padded = last ? cell : cell + " ".repeat(widths[i] - cell.length() + 2);
        sb.append(j == 0 && color ? BOLD + padded + RESET : padded);
      }
      out.println(sb.toString().stripTrailing());
    }
  }

  void flush() {
    out.flush();
  }
}
