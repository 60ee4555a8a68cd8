package ch.ipng.maglev.tester;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetAddress;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import org.jline.utils.AttributedString;
import org.jline.utils.AttributedStyle;
import org.junit.jupiter.api.Test;

/** The layout at 80x24 and 200x60, with a fixed clock. */
class ScreenTest {
  private static final long NOW = 1_800_000_000_000L;
  private static final long MS = 1_000_000L;
  private static final Screen.Chrome CHROME =
      new Screen.Chrome(
          "lb0.example.net",
          "1.2.3",
          "interval 100ms ±10%  timeout 2s  keepalive off  uri /healthz  3 VIPs",
          "X-IPng-Frontend",
          ZoneOffset.UTC);

  private static Board board(int vips) throws Exception {
    List<Target> targets = new ArrayList<>();
    for (int i = 0; i < vips; i++) {
      targets.add(
          new Target(
              "web" + i,
              InetAddress.getByName("127.0.0." + (i % 250 + 1)),
              "tcp",
              80,
              i % 3 == 2 ? Kind.TCP : Kind.HTTP));
    }
    Board b = new Board(targets);
    for (int i = 0; i < 30; i++) {
      // nginx0 answered a moment ago, nginx1 last 6 s ago
      String backend = i % 2 == 0 ? "nginx0" : "nginx1";
      long at = backend.equals("nginx0") ? NOW - 1000 : NOW - 6000;
      b.record(new Sample(0, at, 2 * MS, Outcome.OK, 200, backend, "HTTP 200"));
    }
    b.record(new Sample(0, NOW - 500, 2000 * MS, Outcome.TIMEOUT, 0, null, "no answer within 2s"));
    return b;
  }

  private static List<String> text(List<AttributedString> lines) {
    return lines.stream().map(AttributedString::toString).toList();
  }

  private static void assertFits(List<AttributedString> lines, int w, int h) {
    assertThat(lines).hasSize(h);
    assertThat(lines).allSatisfy(l -> assertThat(l.columnLength()).isLessThanOrEqualTo(w));
  }

  private static AttributedStyle styleOf(AttributedString line, String word) {
    int at = line.toString().indexOf(word);
    assertThat(at).as("'%s' in '%s'", word, line).isNotNegative();
    return line.styleAt(at);
  }

  @Test
  void at80x24EveryPanelIsInPlaceAndTheFooterIsTheLastRow() throws Exception {
    List<AttributedString> lines = Screen.render(CHROME, board(3).snapshot(), NOW, false, 80, 24);
    assertFits(lines, 80, 24);
    List<String> t = text(lines);
    assertThat(t.get(0)).startsWith("maglevt  lb0.example.net  1.2.3").endsWith("RUNNING");
    assertThat(t.get(1)).startsWith("interval 100ms");
    assertThat(t.get(3))
        .startsWith("VIP")
        .contains("TYPE", "N", "FAIL", "OK%", "P50", "P99", "LAST");
    assertThat(t.get(4)).startsWith("web0 127.0.0.1:80").contains("HTTP", "31", "timeout");
    assertThat(t.get(6)).startsWith("web2").contains("TCP");
    int tally = t.indexOf(t.stream().filter(l -> l.startsWith("TALLY")).findFirst().orElseThrow());
    int events =
        t.indexOf(t.stream().filter(l -> l.startsWith("EVENTS")).findFirst().orElseThrow());
    assertThat(tally).isEqualTo(8); // a blank line after the table
    assertThat(t.get(tally + 1)).contains("web0", "nginx0 15", "nginx1 15");
    assertThat(events).isGreaterThan(tally);
    assertThat(t.get(events + 1)).contains("web0", "timeout", "no answer within 2s");
    assertThat(t.get(23))
        .startsWith("q quit  p/space pause  r reset  ? help")
        .endsWith("31 probes");
  }

  @Test
  void aTallyValueIsWhiteWhenSeenInTheLastFiveSecondsElseGrey() throws Exception {
    List<AttributedString> lines = Screen.render(CHROME, board(3).snapshot(), NOW, false, 80, 24);
    AttributedString row =
        lines.stream().filter(l -> l.toString().contains("nginx0 15")).findFirst().orElseThrow();
    assertThat(styleOf(row, "nginx0")).isEqualTo(Screen.WHITE);
    assertThat(styleOf(row, "nginx1")).isEqualTo(Screen.DIM);
    assertThat(Screen.active(NOW - 4999, NOW)).isTrue();
    assertThat(Screen.active(NOW - 5000, NOW)).isFalse();
  }

  @Test
  void coloursFollowTheStatus() throws Exception {
    List<AttributedString> lines = Screen.render(CHROME, board(3).snapshot(), NOW, false, 200, 60);
    AttributedString web0 = lines.get(4);
    assertThat(styleOf(web0, "HTTP")).isEqualTo(Screen.HTTP);
    assertThat(styleOf(web0, "timeout")).isEqualTo(Screen.ERR);
    assertThat(styleOf(lines.get(6), "TCP")).isEqualTo(Screen.TCP);
    assertThat(styleOf(lines.get(0), "RUNNING")).isEqualTo(Screen.OK);
    assertThat(styleOf(lines.get(3), "VIP")).isEqualTo(Screen.HEADER);
  }

  @Test
  void at200x60TheEventsFillTheRestAndPausedShows() throws Exception {
    Board b = board(40);
    for (int i = 0; i < 100; i++) {
      b.record(new Sample(1, NOW - i, MS, Outcome.NET_ERR, 0, null, "connection refused " + i));
    }
    b.setPaused(true);
    List<AttributedString> lines = Screen.render(CHROME, b.snapshot(), NOW, false, 200, 60);
    assertFits(lines, 200, 60);
    List<String> t = text(lines);
    assertThat(t.get(0)).endsWith("PAUSED");
    assertThat(t).anySatisfy(l -> assertThat(l).startsWith("web39 127.0.0.40:80"));
    int events =
        t.indexOf(t.stream().filter(l -> l.startsWith("EVENTS")).findFirst().orElseThrow());
    // every row between the events' title and the footer holds an event
    for (int i = events + 1; i < 59; i++) {
      assertThat(t.get(i)).contains("net-err");
    }
    assertThat(t.get(events + 1)).contains("connection refused 99"); // the latest first
    assertThat(t.get(59)).startsWith("q quit");
  }

  @Test
  void moreVipsThanRowsAreCountedNotDrawnOverTheFooter() throws Exception {
    List<AttributedString> lines = Screen.render(CHROME, board(100).snapshot(), NOW, false, 80, 24);
    assertFits(lines, 80, 24);
    assertThat(text(lines)).anySatisfy(l -> assertThat(l).contains("more VIPs"));
    assertThat(text(lines).get(23)).startsWith("q quit");
  }

  @Test
  void helpReplacesTheBodyAndKeepsHeaderAndFooter() throws Exception {
    List<AttributedString> lines = Screen.render(CHROME, board(3).snapshot(), NOW, true, 80, 24);
    assertFits(lines, 80, 24);
    List<String> t = text(lines);
    assertThat(t.get(0)).startsWith("maglevt");
    assertThat(t).contains("KEYS");
    assertThat(t).anySatisfy(l -> assertThat(l).contains("spike", "50ms", "5x"));
    assertThat(t.get(23)).startsWith("any key: close help");
  }

  @Test
  void aTooSmallTerminalSaysSoInsteadOfALayout() throws Exception {
    List<AttributedString> lines = Screen.render(CHROME, board(3).snapshot(), NOW, false, 60, 10);
    assertThat(lines).hasSize(10);
    assertThat(text(lines))
        .contains("terminal too small: 60x10 (maglevt needs at least 72x12)")
        .noneSatisfy(l -> assertThat(l).contains("VIP"));
  }
}
