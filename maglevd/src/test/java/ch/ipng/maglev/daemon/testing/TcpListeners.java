package ch.ipng.maglev.daemon.testing;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;

/**
 * TCP listeners that accept and close (what a TCP check needs), one per address, all on one free
 * port; {@link #stop} takes one down as a failing backend.
 */
public final class TcpListeners implements AutoCloseable {
  private final List<String> addresses;
  private final List<ServerSocketChannel> open = new ArrayList<>();
  private int port;

  private TcpListeners(List<String> addresses) {
    this.addresses = List.copyOf(addresses);
  }

  /**
   * Listens on every address (the first takes a free port, the others the same one).
   *
   * @throws java.net.BindException when an address or the port is taken; nothing stays open
   */
  public static TcpListeners on(List<String> addresses) throws IOException {
    TcpListeners l = new TcpListeners(addresses);
    try {
      for (String a : addresses) {
        ServerSocketChannel s = ServerSocketChannel.open();
        l.open.add(s);
        s.bind(new InetSocketAddress(InetAddress.getByName(a), l.port), 64);
        l.port = ((InetSocketAddress) s.getLocalAddress()).getPort();
        Thread.ofVirtual()
            .start(
                () -> {
                  while (s.isOpen()) {
                    try (SocketChannel c = s.accept()) {
                      // a TCP check only connects
                    } catch (IOException e) {
                      return;
                    }
                  }
                });
      }
      return l;
    } catch (IOException | RuntimeException e) {
      l.close();
      throw e;
    }
  }

  /**
   * {@code n} listeners on .1 to .n of a random 127.a.b.0/24 (another one if that is taken): the
   * whole loopback /8 is local, so no address needs configuring.
   */
  public static TcpListeners onLoopback(int n) throws IOException {
    for (int attempt = 0; ; attempt++) {
      ThreadLocalRandom r = ThreadLocalRandom.current();
      String net = "127." + r.nextInt(1, 255) + "." + r.nextInt(0, 256) + ".";
      List<String> addresses = new ArrayList<>();
      for (int i = 1; i <= n; i++) {
        addresses.add(net + i);
      }
      try {
        return on(addresses);
      } catch (java.net.BindException e) {
        if (attempt == 20) {
          throw e;
        }
      }
    }
  }

  public int port() {
    return port;
  }

  /** The address of listener {@code i}. */
  public String address(int i) {
    return addresses.get(i);
  }

  /** The /24 of the first address, with its final dot ("127.3.4."). */
  public String net() {
    String a = addresses.get(0);
    return a.substring(0, a.lastIndexOf('.') + 1);
  }

  /** Closes listener {@code i}: its checks fail from now on. */
  public void stop(int i) throws IOException {
    open.get(i).close();
  }

  @Override
  public void close() throws IOException {
    for (ServerSocketChannel s : open) {
      s.close();
    }
  }
}
