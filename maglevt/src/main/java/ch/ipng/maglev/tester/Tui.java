package ch.ipng.maglev.tester;

import ch.ipng.maglev.common.Version;
import java.io.IOException;
import java.io.PrintStream;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.ZoneId;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import org.jline.terminal.Attributes;
import org.jline.terminal.Size;
import org.jline.terminal.Terminal;
import org.jline.terminal.TerminalBuilder;
import org.jline.utils.Display;
import org.jline.utils.InfoCmp.Capability;
import org.jline.utils.NonBlockingReader;

/**
 * The live screen on JLine's terminal and display: the alternate screen in raw mode, a frame {@link
 * #FRAME_MILLIS} apart or at once after a key or a resize (SIGWINCH), and the terminal as it was on
 * the way out, however the loop ends.
 */
final class Tui {
  static final long FRAME_MILLIS = 250;

  private Tui() {}

  static int run(Options o, Board board, Prober prober, List<String> skipped, PrintStream err) {
    Terminal terminal;
    try {
      terminal = TerminalBuilder.builder().system(true).jansi(false).build();
    } catch (IOException e) {
      err.println("maglevt: cannot open the terminal: " + e.getMessage());
      return Main.USAGE;
    }
    if (Terminal.TYPE_DUMB.equals(terminal.getType())
        || Terminal.TYPE_DUMB_COLOR.equals(terminal.getType())) {
      closeQuietly(terminal);
      err.println(
          "maglevt: the terminal (TERM=" + System.getenv("TERM") + ") cannot draw the live screen");
      return Main.USAGE;
    }
    long now = System.currentTimeMillis();
    skipped.forEach(s -> board.note(now, "-", "note", "skipped " + s));
    String[] host = {localHostName()};
    Thread.ofVirtual()
        .name("maglevt-fqdn")
        .start(
            () -> {
              try {
                // like hostname -f: the canonical name of this machine's address
                String fqdn = InetAddress.getByName(host[0]).getCanonicalHostName();
                if (fqdn.contains(".") && !Character.isDigit(fqdn.charAt(0))) {
                  host[0] = fqdn;
                }
              } catch (IOException | RuntimeException e) {
                // the short name stays
              }
            });
    String settings =
        "interval "
            + Format.duration(o.interval())
            + " ±10%  timeout "
            + Format.duration(o.timeout())
            + "  keepalive "
            + (o.keepalive() ? "on" : "off")
            + "  uri "
            + o.uri()
            + (o.host() == null ? "" : "  host " + o.host())
            + "  "
            + board.targets().size()
            + " VIPs"
            + (o.filter() == null ? "" : "  filter " + o.filter().pattern());
    Object wake = new Object();
    AtomicBoolean quit = new AtomicBoolean();
    AtomicBoolean resized = new AtomicBoolean(true);
    Attributes saved = terminal.enterRawMode();
    Scheduler scheduler =
        new Scheduler(
            prober, board.targets().size(), o.interval(), 0, board::paused, board::record);
    try {
      terminal.handle(
          Terminal.Signal.WINCH,
          s -> {
            resized.set(true);
            synchronized (wake) {
              wake.notifyAll();
            }
          });
      terminal.handle(Terminal.Signal.INT, s -> quit.set(true));
      terminal.puts(Capability.enter_ca_mode);
      terminal.puts(Capability.keypad_xmit);
      terminal.puts(Capability.cursor_invisible);
      terminal.flush();
      Display display = new Display(terminal, true);
      scheduler.start();
      boolean[] help = {false};
      Thread keys =
          Thread.ofPlatform()
              .daemon()
              .name("maglevt-keys")
              .start(() -> readKeys(terminal.reader(), board, help, quit, wake));
      while (!quit.get()) {
        if (resized.getAndSet(false)) {
          Size size = terminal.getSize();
          display.clear();
          display.resize(size.getRows(), size.getColumns());
          terminal.puts(Capability.clear_screen);
          terminal.flush();
        }
        Size size = terminal.getSize();
        Screen.Chrome chrome =
            new Screen.Chrome(
                host[0], Version.current().version(), settings, o.header(), ZoneId.systemDefault());
        display.update(
            Screen.render(
                chrome,
                board.snapshot(),
                System.currentTimeMillis(),
                help[0],
                size.getColumns(),
                size.getRows()),
            0);
        terminal.flush();
        synchronized (wake) {
          if (!quit.get() && !resized.get()) {
            wake.wait(FRAME_MILLIS);
          }
        }
      }
      keys.interrupt();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } finally {
      scheduler.stop();
      terminal.puts(Capability.cursor_normal);
      terminal.puts(Capability.keypad_local);
      terminal.puts(Capability.exit_ca_mode);
      terminal.setAttributes(saved);
      terminal.flush();
      closeQuietly(terminal);
    }
    return Main.OK;
  }

  /** Reads keys until quit: q or Ctrl-C quit, p or space pause, r reset, ? help. */
  private static void readKeys(
      NonBlockingReader reader, Board board, boolean[] help, AtomicBoolean quit, Object wake) {
    while (!quit.get()) {
      int c;
      try {
        c = reader.read(FRAME_MILLIS);
      } catch (IOException e) {
        c = -1;
      }
      if (c == NonBlockingReader.READ_EXPIRED) {
        continue;
      }
      if (c < 0) {
        quit.set(true); // the terminal went away
      } else if (help[0]) {
        help[0] = false;
        if (c == 'q' || c == 3) {
          quit.set(true);
        }
      } else {
        switch (c) {
          case 'q', 'Q', 3 -> quit.set(true);
          case 'p', 'P', ' ' -> board.setPaused(!board.paused());
          case 'r', 'R' -> board.reset();
          case '?', 'h' -> help[0] = true;
          default -> {}
        }
      }
      synchronized (wake) {
        wake.notifyAll();
      }
    }
  }

  private static String localHostName() {
    try {
      String h =
          Files.readString(Path.of("/proc/sys/kernel/hostname"), StandardCharsets.UTF_8).trim();
      if (!h.isEmpty()) {
        return h;
      }
    } catch (IOException e) {
      // not Linux: ask the JDK
    }
    try {
      return InetAddress.getLocalHost().getHostName();
    } catch (IOException e) {
      return "localhost";
    }
  }

  private static void closeQuietly(Terminal t) {
    try {
      t.close();
    } catch (IOException e) {
      // nothing left to restore
    }
  }
}
