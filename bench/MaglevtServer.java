import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The VIPs of `make bench-maglevt`: N HTTP listeners on 127.0.0.1 (ports the kernel picks),
 * written one a line to PORTS_FILE, each answering every request with 200 and an
 * X-IPng-Frontend header, a virtual thread per connection. Runs until killed.
 * Usage: java bench/MaglevtServer.java N PORTS_FILE
 */
public class MaglevtServer {
  public static void main(String[] args) throws Exception {
    int n = Integer.parseInt(args[0]);
    List<String> ports = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      ServerSocket s = new ServerSocket();
      s.bind(new InetSocketAddress(InetAddress.getByName("127.0.0.1"), 0), 1024);
      ports.add(Integer.toString(s.getLocalPort()));
      String name = "backend" + (i % 3);
      Thread.ofVirtual().start(() -> accept(s, name));
    }
    Path tmp = Path.of(args[1] + ".tmp");
    Files.write(tmp, ports);
    Files.move(tmp, Path.of(args[1]));
    Thread.currentThread().join();
  }

  static void accept(ServerSocket s, String name) {
    while (true) {
      try {
        Socket c = s.accept();
        Thread.ofVirtual().start(() -> serve(c, name));
      } catch (IOException e) {
        return;
      }
    }
  }

  static void serve(Socket c, String name) {
    byte[] reply =
        ("HTTP/1.1 200 OK\r\nX-IPng-Frontend: " + name + "\r\nContent-Length: 3\r\n\r\nok\n")
            .getBytes(StandardCharsets.US_ASCII);
    try (c) {
      // buffered: a byte-at-a-time read is a system call per byte, which made this stand-in
      // for the VIPs cost more CPU than the prober it serves
      InputStream in = new BufferedInputStream(c.getInputStream(), 4096);
      OutputStream out = c.getOutputStream();
      while (true) {
        int state = 0;
        while (state < 4) {
          int b = in.read();
          if (b < 0) {
            return;
          }
          state = (b == '\r' || b == '\n') ? state + 1 : 0;
        }
        out.write(reply);
        out.flush();
      }
    } catch (IOException e) {
      // the prober closed (with a reset, as it does without keep-alive)
    }
  }
}
