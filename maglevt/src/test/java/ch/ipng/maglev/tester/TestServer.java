package ch.ipng.maglev.tester;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A real loopback server for the probes, with a behaviour that can be changed while it runs: answer
 * 200 with the tally header, answer 500, answer slowly, reset the connection, stall (accept and
 * never answer), or close without a word. Counts accepted connections and requests.
 */
final class TestServer implements AutoCloseable {
  enum Mode {
    OK,
    ERROR_500,
    SLOW,
    RESET,
    STALL,
    CLOSE
  }

  private final ServerSocket server;
  private final Set<Socket> open = ConcurrentHashMap.newKeySet();
  private final CountDownLatch closed = new CountDownLatch(1);
  final AtomicInteger connections = new AtomicInteger();
  final AtomicInteger requests = new AtomicInteger();
  volatile Mode mode = Mode.OK;
  volatile String name;
  volatile long slowMillis = 1000;

  TestServer(String address, String name) throws IOException {
    this.name = name;
    server = new ServerSocket();
    server.bind(new InetSocketAddress(InetAddress.getByName(address), 0), 512);
    Thread.ofVirtual().start(this::acceptLoop);
  }

  int port() {
    return server.getLocalPort();
  }

  private void acceptLoop() {
    while (!server.isClosed()) {
      try {
        Socket s = server.accept();
        connections.incrementAndGet();
        open.add(s);
        Thread.ofVirtual().start(() -> serve(s));
      } catch (IOException e) {
        return;
      }
    }
  }

  private void serve(Socket s) {
    try (s) {
      InputStream in = s.getInputStream();
      OutputStream out = s.getOutputStream();
      while (true) {
        if (!readRequest(in)) {
          return;
        }
        requests.incrementAndGet();
        Mode m = mode;
        switch (m) {
          case RESET -> {
            s.setSoLinger(true, 0);
            return;
          }
          case CLOSE -> {
            return;
          }
          case STALL -> {
            closed.await(); // until the server closes
            return;
          }
          case SLOW -> Thread.sleep(slowMillis);
          default -> {}
        }
        int status = m == Mode.ERROR_500 ? 500 : 200;
        String body = status == 200 ? "ok\n" : "broken\n";
        String head =
            "HTTP/1.1 "
                + status
                + (status == 200 ? " OK" : " Internal Server Error")
                + "\r\nX-IPng-Frontend: "
                + name
                + "\r\nContent-Length: "
                + body.length()
                + "\r\n\r\n";
        out.write((head + body).getBytes(StandardCharsets.US_ASCII));
        out.flush();
      }
    } catch (IOException e) {
      // the client went away
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } finally {
      open.remove(s);
    }
  }

  /** Reads one request head; false at the end of the stream. */
  private static boolean readRequest(InputStream in) throws IOException {
    int state = 0;
    while (state < 4) {
      int c = in.read();
      if (c < 0) {
        return false;
      }
      state =
          switch (state) {
            case 0, 2 -> c == '\r' ? state + 1 : 0;
            case 1, 3 -> c == '\n' ? state + 1 : (c == '\r' ? 1 : 0);
            default -> 0;
          };
    }
    return true;
  }

  @Override
  public void close() throws IOException {
    server.close();
    closed.countDown();
    for (Socket s : open) {
      s.close();
    }
  }
}
