package ch.ipng.maglev.cli;

import java.io.IOException;
import org.jline.terminal.Attributes;
import org.jline.terminal.Terminal;
import org.jline.terminal.TerminalBuilder;

/** Stops `watch events` on any key press or Ctrl-C, reading the terminal in cbreak mode. */
final class KeyWatcher {
  private KeyWatcher() {}

  /** For one-shot mode: watches stdin only when it is a terminal. */
  static Session.StopWatcher forStdin() {
    return stop -> {
      if (!Main.isTerminal()) {
        return () -> {};
      }
      Terminal t;
      try {
        t = TerminalBuilder.builder().system(true).jni(true).build();
      } catch (IOException e) {
        return () -> {};
      }
      AutoCloseable w = on(t, stop);
      return () -> {
        w.close();
        t.close();
      };
    };
  }

  /** Watches {@code terminal} until closed. */
  static AutoCloseable on(Terminal terminal, Runnable stop) {
    Attributes saved = terminal.enterRawMode();
    Terminal.SignalHandler oldInt = terminal.handle(Terminal.Signal.INT, s -> stop.run());
    Thread reader =
        Thread.ofPlatform()
            .daemon()
            .name("watch-keys")
            .start(
                () -> {
                  try {
                    while (!Thread.currentThread().isInterrupted()) {
                      int c = terminal.reader().read(100);
                      if (c >= 0) {
                        stop.run();
                        return;
                      }
                      if (c == -1) {
                        return;
                      }
                    }
                  } catch (IOException e) {
                    // terminal gone: nothing to watch
                  }
                });
    return () -> {
      reader.interrupt();
      reader.join(500);
      terminal.handle(Terminal.Signal.INT, oldInt);
      terminal.setAttributes(saved);
    };
  }
}
