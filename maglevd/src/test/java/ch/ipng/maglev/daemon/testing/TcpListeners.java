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
 * port; {@link #stop} takes one down as a failing backend, {@link #restart} brings it back.
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
        acceptAndClose(s);
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

  /**
   * Listens again on the address and port of listener {@code i} (after {@link #stop}): its checks
   * pass from now on.
   *
   * @throws java.net.BindException when another socket took the address and port meanwhile
   */
  public void restart(int i) throws IOException {
    ServerSocketChannel s = ServerSocketChannel.open();
    try {
      s.bind(new InetSocketAddress(InetAddress.getByName(addresses.get(i)), port), 64);
    } catch (IOException | RuntimeException e) {
      s.close();
      throw e;
    }
    open.set(i, s).close();
    acceptAndClose(s);
  }

  private static void acceptAndClose(ServerSocketChannel s) {
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

  @Override
  public void close() throws IOException {
    for (ServerSocketChannel s : open) {
      s.close();
    }
  }
}
