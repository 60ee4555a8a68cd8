package ch.ipng.maglev.tester;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * The VIPs of {@code maglevt --self-test}: HTTP listeners on 127.0.0.1 (ports the kernel picks),
 * each answering every request with 200 and the tally header naming one of three stand-in backends,
 * a virtual thread per connection. The package runs the self-test once at installation to train
 * maglevt's start-up archive on the probe path; anyone can run it to see that maglevt works on a
 * host without writing a config.
 */
final class SelfTest implements AutoCloseable {
  /** As many VIPs as a busy site has: enough probes in a few seconds to train the JIT's profile. */
  static final int VIPS = 200;

  private final List<ServerSocket> sockets;
  private final List<Target> targets;

  private SelfTest(List<ServerSocket> sockets, List<Target> targets) {
    this.sockets = sockets;
    this.targets = targets;
  }

  /**
   * Listens for {@code vips} VIPs whose answers carry {@code header}.
   *
   * @throws IOException when a listener cannot be made (the message says how many were)
   */
  static SelfTest start(int vips, String header) throws IOException {
    InetAddress loopback = InetAddress.getByName("127.0.0.1");
    List<ServerSocket> sockets = new ArrayList<>();
    List<Target> targets = new ArrayList<>();
    try {
      for (int i = 0; i < vips; i++) {
        ServerSocket s = new ServerSocket();
        sockets.add(s);
        s.bind(new InetSocketAddress(loopback, 0), 128);
        byte[] reply =
            ("HTTP/1.1 200 OK\r\n"
                    + header
                    + ": self-test"
                    + (i % 3)
                    + "\r\nContent-Length: 3\r\n\r\nok\n")
                .getBytes(StandardCharsets.US_ASCII);
        Thread.ofVirtual().name("self-test-" + i).start(() -> accept(s, reply));
        targets.add(
            new Target(
                String.format(java.util.Locale.ROOT, "self-test-%03d", i),
                loopback,
                "tcp",
                s.getLocalPort(),
                Kind.HTTP));
      }
    } catch (IOException e) {
      closeAll(sockets);
      throw new IOException(
          "self-test: listener "
              + (targets.size() + 1)
              + " of "
              + vips
              + " on 127.0.0.1: "
              + e.getMessage()
              + " (expected: free loopback ports)",
          e);
    }
    return new SelfTest(List.copyOf(sockets), List.copyOf(targets));
  }

  List<Target> targets() {
    return targets;
  }

  @Override
  public void close() {
    closeAll(sockets);
  }

  private static void closeAll(List<ServerSocket> sockets) {
    for (ServerSocket s : sockets) {
      try {
        s.close();
      } catch (IOException e) {
        // closing: nothing is left to do with it
      }
    }
  }

  private static void accept(ServerSocket s, byte[] reply) {
    while (!s.isClosed()) {
      try {
        Socket c = s.accept();
        Thread.ofVirtual().start(() -> serve(c, reply));
      } catch (IOException e) {
        return; // closed
      }
    }
  }

  /** Answers each request (its header block read to the blank line) until the prober closes. */
  private static void serve(Socket c, byte[] reply) {
    try (c) {
      // buffered: a read per byte would be a system call per byte
      InputStream in = new BufferedInputStream(c.getInputStream(), 4096);
      OutputStream out = c.getOutputStream();
      while (true) {
        int ends = 0;
        while (ends < 4) {
          int b = in.read();
          if (b < 0) {
            return;
          }
          ends = (b == '\r' || b == '\n') ? ends + 1 : 0;
        }
        out.write(reply);
        out.flush();
      }
    } catch (IOException e) {
      // the prober closed (with a reset, as it does without keep-alive)
    }
  }
}
