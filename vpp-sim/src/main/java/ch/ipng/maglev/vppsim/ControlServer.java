package ch.ipng.maglev.vppsim;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.Channels;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.function.Supplier;

/**
 * The simulator's control channel for tests and the demo: one command per line on a Unix stream
 * socket, one answer line each ({@code ok ...} or {@code error: ...}).
 *
 * <pre>
 * restart                          lose all state, drop clients, new message ids
 * pause | resume                   stop answering API requests / answer again
 * advance SECONDS                  move the clock forward (garbage collection)
 * bump VIP-INDEX COUNTER DELTA     add to a VIP counter (0..3, in VPP's order)
 * status                           generation, answering, #vips, #ass, lb writes
 * forward                          listeners, open connections, accepted, no-server, cut, refused,
 *                                  unreachable (the forwarder's counts)
 * table ADDRESS PROTOCOL PORT      a host-prefix VIP's new-flow table: its length, then the AS
 *                                  index of every bucket (0 for none)
 * </pre>
 */
final class ControlServer implements AutoCloseable {
  private final Path path;
  private final ServerSocketChannel server;
  private final Simulator sim;
  private final Runnable onRestart;
  private final Supplier<String> forwarding;

  ControlServer(Path path, Simulator sim, Runnable onRestart, Supplier<String> forwarding)
      throws IOException {
    this.path = path;
    this.sim = sim;
    this.onRestart = onRestart;
    this.forwarding = forwarding;
    Files.deleteIfExists(path);
    server = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
    server.bind(UnixDomainSocketAddress.of(path));
    Thread.ofPlatform().daemon().name("control-accept").start(this::acceptLoop);
  }

  private void acceptLoop() {
    while (server.isOpen()) {
      try {
        SocketChannel c = server.accept();
        Thread.ofPlatform().daemon().name("control-client").start(() -> serve(c));
      } catch (IOException e) {
        // closed, or a client that vanished: keep accepting while open
      }
    }
  }

  private void serve(SocketChannel c) {
    try (c;
        BufferedReader in =
            new BufferedReader(
                new InputStreamReader(Channels.newInputStream(c), StandardCharsets.UTF_8));
        Writer out = new OutputStreamWriter(Channels.newOutputStream(c), StandardCharsets.UTF_8)) {
      for (String line = in.readLine(); line != null; line = in.readLine()) {
        out.write(execute(line.strip()) + "\n");
        out.flush();
      }
    } catch (IOException e) {
      // the client went away
    }
  }

  /** Runs one command and returns its answer line. */
  String execute(String line) {
    String[] w = line.split("\\s+");
    try {
      switch (w[0].toLowerCase(Locale.ROOT)) {
        case "restart" -> {
          sim.restart();
          onRestart.run();
          return "ok generation " + sim.generation();
        }
        case "pause" -> {
          sim.setAnswering(false);
          return "ok";
        }
        case "resume" -> {
          sim.setAnswering(true);
          return "ok";
        }
        case "advance" -> {
          sim.advance(Long.parseLong(arg(w, 1, "SECONDS")));
          return "ok uptime " + sim.uptimeSeconds();
        }
        case "bump" -> {
          int vip = Integer.parseInt(arg(w, 1, "VIP-INDEX"));
          int counter = Integer.parseInt(arg(w, 2, "COUNTER"));
          long delta = Long.parseLong(arg(w, 3, "DELTA"));
          if (counter < 0 || counter > 3) {
            return "error: COUNTER must be 0..3, got " + counter;
          }
          return sim.bump(vip, counter, delta) ? "ok" : "error: no VIP with index " + vip;
        }
        case "status" -> {
          return "ok " + sim.status();
        }
        case "forward" -> {
          return "ok " + forwarding.get();
        }
        case "table" -> {
          String address = arg(w, 1, "ADDRESS");
          int protocol = Integer.parseInt(arg(w, 2, "PROTOCOL"));
          int port = Integer.parseInt(arg(w, 3, "PORT"));
          int[] t = sim.table(address, protocol, port);
          if (t == null) {
            return "error: no VIP " + address + " protocol " + protocol + " port " + port;
          }
          StringBuilder b = new StringBuilder("ok ").append(t.length);
          for (int x : t) {
            b.append(' ').append(x);
          }
          return b.toString();
        }
        default -> {
          return "error: unknown command '"
              + w[0]
              + "' (expected restart, pause, resume, advance, bump, status, forward or table)";
        }
      }
    } catch (NumberFormatException e) {
      return "error: not a number: " + e.getMessage();
    } catch (RuntimeException e) {
      return "error: " + e.getMessage();
    }
  }

  private static String arg(String[] w, int i, String name) {
    if (w.length <= i) {
      throw new IllegalArgumentException(w[0] + ": missing " + name);
    }
    return w[i];
  }

  @Override
  public void close() throws IOException {
    server.close();
    Files.deleteIfExists(path);
  }
}
