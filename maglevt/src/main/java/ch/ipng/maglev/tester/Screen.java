package ch.ipng.maglev.tester;

import java.time.Instant;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.jline.utils.AttributedString;
import org.jline.utils.AttributedStringBuilder;
import org.jline.utils.AttributedStyle;

/**
 * The live screen as a pure function of what is known and the terminal's size: exactly {@code
 * height} lines, none wider than {@code width}. Top to bottom: the header (program, host, version,
 * RUNNING or PAUSED; then the settings), the probe table, the tally panel (once a header value was
 * seen), the events panel filling the rest (once there was an event), and the key footer on the
 * last row. Colours are ANSI-256 indices.
 */
public final class Screen {
  public static final int MIN_WIDTH = 72;
  public static final int MIN_HEIGHT = 12;

  /** A tally value seen this recently is drawn white (receiving traffic), else grey. */
  public static final long TALLY_ACTIVE_MILLIS = 5_000;

  static final AttributedStyle HEADER = AttributedStyle.BOLD.foreground(14);
  static final AttributedStyle DIM = AttributedStyle.DEFAULT.foreground(8);
  static final AttributedStyle HINT = AttributedStyle.DEFAULT.foreground(244);
  static final AttributedStyle OK = AttributedStyle.BOLD.foreground(10);
  static final AttributedStyle WARN = AttributedStyle.BOLD.foreground(11);
  static final AttributedStyle ERR = AttributedStyle.BOLD.foreground(9);
  static final AttributedStyle WHITE = AttributedStyle.BOLD.foreground(15);
  static final AttributedStyle HTTP = AttributedStyle.DEFAULT.foreground(12);
  static final AttributedStyle TCP = AttributedStyle.DEFAULT.foreground(13);

  // the columns after the VIP column: name, width
  private static final String[] COLUMNS = {
    "TYPE", "N", "FAIL", "OK%", "P50", "P95", "P99", "MAX", "LAST"
  };
  private static final int[] WIDTHS = {5, 6, 5, 6, 6, 6, 6, 6, 8};
  private static final int FIXED = fixed();

  private static final DateTimeFormatter TIME =
      DateTimeFormatter.ofPattern("HH:mm:ss.SSS", Locale.ROOT);

  /**
   * What the screen shows besides the board.
   *
   * @param host the machine's name (its FQDN once resolved)
   * @param settings the probe settings, one line
   * @param header the tallied response header's name
   */
  public record Chrome(String host, String version, String settings, String header, ZoneId zone) {}

  private Screen() {}

  private static int fixed() {
    int sum = 0;
    for (int w : WIDTHS) {
      sum += w + 1;
    }
    return sum;
  }

  /**
   * Whether a tally value last seen at {@code lastSeen} counts as receiving traffic at {@code now}.
   */
  public static boolean active(long lastSeenMillis, long nowMillis) {
    return nowMillis - lastSeenMillis < TALLY_ACTIVE_MILLIS;
  }

  public static List<AttributedString> render(
      Chrome chrome, Board.Snapshot board, long nowMillis, boolean help, int width, int height) {
    List<AttributedString> out = new ArrayList<>(Math.max(height, 0));
    if (width < MIN_WIDTH || height < MIN_HEIGHT) {
      String msg =
          "terminal too small: "
              + width
              + "x"
              + height
              + " (maglevt needs at least "
              + MIN_WIDTH
              + "x"
              + MIN_HEIGHT
              + ")";
      for (int i = 0; i < height; i++) {
        out.add(
            i == height / 2 ? new AttributedString(fit(msg, width), WARN) : AttributedString.EMPTY);
      }
      return out;
    }
    out.add(titleLine(chrome, board, width));
    out.add(new AttributedString(fit(chrome.settings(), width), DIM));
    out.add(AttributedString.EMPTY);
    int body = height - out.size() - 1; // the footer takes the last row
    List<AttributedString> lines =
        help ? help(chrome) : body(chrome, board, nowMillis, width, body);
    for (int i = 0; i < body; i++) {
      out.add(i < lines.size() ? lines.get(i).columnSubSequence(0, width) : AttributedString.EMPTY);
    }
    out.add(footer(board, help, width));
    return out;
  }

  private static AttributedString titleLine(Chrome chrome, Board.Snapshot board, int width) {
    String state = board.paused() ? "PAUSED" : "RUNNING";
    AttributedStringBuilder b = new AttributedStringBuilder();
    b.styled(HEADER, "maglevt").append("  ").append(chrome.host()).append("  ");
    b.styled(DIM, chrome.version());
    AttributedString left = b.toAttributedString().columnSubSequence(0, width - state.length() - 1);
    AttributedStringBuilder line = new AttributedStringBuilder().append(left);
    line.append(" ".repeat(width - left.columnLength() - state.length()));
    line.styled(board.paused() ? WARN : OK, state);
    return line.toAttributedString();
  }

  private static List<AttributedString> body(
      Chrome chrome, Board.Snapshot board, long now, int width, int rows) {
    List<AttributedString> lines = new ArrayList<>();
    int vipWidth = width - FIXED;
    AttributedStringBuilder head = new AttributedStringBuilder();
    head.style(HEADER).append(pad("VIP", vipWidth));
    for (int c = 0; c < COLUMNS.length; c++) {
      head.append(' ')
          .append(
              c == 0 || c == COLUMNS.length - 1
                  ? pad(COLUMNS[c], WIDTHS[c])
                  : left(COLUMNS[c], WIDTHS[c]));
    }
    lines.add(head.toAttributedString());

    List<AttributedString> tally = tally(chrome, board, now, width);
    int tableRoom = rows - 1 - (tally.isEmpty() ? 0 : Math.min(tally.size() + 1, 3));
    List<Board.Row> shown = board.rows();
    int hidden = 0;
    if (shown.size() > tableRoom) {
      hidden = shown.size() - Math.max(0, tableRoom - 1);
      shown = shown.subList(0, Math.max(0, tableRoom - 1));
    }
    for (Board.Row r : shown) {
      lines.add(row(r, vipWidth));
    }
    if (hidden > 0) {
      lines.add(
          new AttributedString(
              fit("… " + hidden + " more VIPs: a taller terminal or --filter shows them", width),
              DIM));
    }
    int left = rows - lines.size();
    if (!tally.isEmpty() && left > 1) {
      lines.add(AttributedString.EMPTY);
      lines.addAll(tally.subList(0, Math.min(tally.size(), left - 1)));
      left = rows - lines.size();
    }
    if (!board.events().isEmpty() && left > 2) {
      lines.add(AttributedString.EMPTY);
      lines.add(
          new AttributedString(
              fit("EVENTS  (" + board.events().size() + ", newest first)", width), HEADER));
      left = rows - lines.size();
      for (Board.Event e : board.events()) {
        if (left-- <= 0) {
          break;
        }
        lines.add(event(chrome, e, width));
      }
    }
    return lines;
  }

  private static AttributedString row(Board.Row r, int vipWidth) {
    Target t = r.target();
    Stats.View s = r.stats();
    AttributedStringBuilder b = new AttributedStringBuilder();
    b.append(pad(t.name() + " " + t.endpoint(), vipWidth)).append(' ');
    b.styled(t.kind() == Kind.TCP ? TCP : HTTP, pad(t.kind().name(), WIDTHS[0])).append(' ');
    b.append(left(Long.toString(s.n()), WIDTHS[1])).append(' ');
    b.styled(s.fail() > 0 ? ERR : AttributedStyle.DEFAULT, left(Long.toString(s.fail()), WIDTHS[2]))
        .append(' ');
    AttributedStyle okStyle =
        Double.isNaN(s.okPct()) ? DIM : s.okPct() >= 99.9 ? OK : s.okPct() >= 95 ? WARN : ERR;
    b.styled(okStyle, left(Format.pct(s.okPct()), WIDTHS[3])).append(' ');
    b.append(left(Format.latency(s.p50()), WIDTHS[4])).append(' ');
    b.append(left(Format.latency(s.p95()), WIDTHS[5])).append(' ');
    b.append(left(Format.latency(s.p99()), WIDTHS[6])).append(' ');
    b.append(left(Format.latency(s.max()), WIDTHS[7])).append(' ');
    AttributedStyle lastStyle =
        switch (s.lastClass()) {
          case "ok" -> OK;
          case "spike" -> WARN;
          case "" -> DIM;
          default -> ERR;
        };
    b.styled(lastStyle, pad(s.last().isEmpty() ? "-" : s.last(), WIDTHS[8]));
    return b.toAttributedString();
  }

  private static List<AttributedString> tally(
      Chrome chrome, Board.Snapshot board, long now, int width) {
    List<AttributedString> lines = new ArrayList<>();
    int nameWidth = 0;
    for (Board.Row r : board.rows()) {
      if (!r.stats().tally().isEmpty()) {
        nameWidth = Math.max(nameWidth, Math.min(24, r.target().name().length()));
      }
    }
    for (Board.Row r : board.rows()) {
      List<Stats.Tally> values = r.stats().tally();
      if (values.isEmpty()) {
        continue;
      }
      AttributedStringBuilder b = new AttributedStringBuilder();
      b.append("  ").append(pad(r.target().name(), nameWidth));
      for (Stats.Tally t : values) {
        String item = "  " + t.value() + " " + t.count();
        if (b.columnLength() + item.length() > width) {
          lines.add(b.toAttributedString());
          b = new AttributedStringBuilder().append(" ".repeat(2 + nameWidth));
        }
        b.append("  ")
            .styled(active(t.lastSeenMillis(), now) ? WHITE : DIM, t.value() + " " + t.count());
      }
      lines.add(b.toAttributedString());
    }
    if (lines.isEmpty()) {
      return lines;
    }
    lines.add(
        0,
        new AttributedString(
            fit("TALLY  " + chrome.header() + "  (white: seen in the last 5s, grey: not)", width),
            HEADER));
    return lines;
  }

  private static AttributedString event(Chrome chrome, Board.Event e, int width) {
    AttributedStringBuilder b = new AttributedStringBuilder();
    b.styled(DIM, TIME.format(Instant.ofEpochMilli(e.atMillis()).atZone(chrome.zone())));
    b.append("  ").append(e.vip()).append("  ");
    b.styled(e.cls().equals("spike") ? WARN : e.cls().equals("note") ? DIM : ERR, pad(e.cls(), 8));
    b.append(" ").append(e.detail());
    return b.toAttributedString().columnSubSequence(0, width);
  }

  private static List<AttributedString> help(Chrome chrome) {
    String[] text = {
      "KEYS",
      "  q, Ctrl-C   quit (the terminal is restored)",
      "  p, space    pause or resume probing",
      "  r           reset every counter, the tally and the events",
      "  ?           this help; any key closes it",
      "",
      "COLUMNS",
      "  N, FAIL     probes and failures since the start (or the last reset)",
      "  OK%         successes among the last 100 probes",
      "  P50..MAX    latency of the last 100 successful probes (connect to end of response)",
      "  LAST        the last probe: HTTP status, open (TCP), or its error class",
      "",
      "ERROR CLASSES",
      "  timeout     no complete answer within --timeout",
      "  http-err    a status outside 200-399",
      "  net-err     refused, reset, unreachable, TLS failure or closed early",
      "  spike       a success >= 50ms and above 5x the p50 and the p99 of the VIP's window",
      "",
      "TALLY (" + chrome.header() + "): white = seen in the last 5s, grey = not since",
    };
    List<AttributedString> out = new ArrayList<>();
    for (String t : text) {
      out.add(
          new AttributedString(
              t, !t.isEmpty() && !t.startsWith(" ") ? HEADER : AttributedStyle.DEFAULT));
    }
    return out;
  }

  private static AttributedString footer(Board.Snapshot board, boolean help, int width) {
    String keys = help ? "any key: close help" : "q quit  p/space pause  r reset  ? help";
    String right = board.probes() + " probes";
    // one column short of the edge: a full last row makes some terminals scroll
    String line =
        keys + " ".repeat(Math.max(1, width - 1 - keys.length() - right.length())) + right;
    return new AttributedString(fit(line, width - 1), HINT);
  }

  private static String fit(String s, int width) {
    if (s.length() <= width) {
      return s;
    }
    return width <= 1 ? s.substring(0, Math.max(0, width)) : s.substring(0, width - 1) + "…";
  }

  private static String pad(String s, int width) {
    String f = fit(s, width);
    return f + " ".repeat(width - f.length());
  }

  private static String left(String s, int width) {
    String f = fit(s, width);
    return " ".repeat(width - f.length()) + f;
  }
}
