package ch.ipng.maglev.vppsim.testing;

import com.sun.net.httpserver.HttpServer;
import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.BindException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadLocalRandom;
import org.jspecify.annotations.Nullable;

/**
 * HTTP backends on loopback addresses that name themselves in an {@code X-IPng-Frontend} header (on
 * every path), all on one free port, and a client that reads that header back.
 */
public final class NamedBackends implements AutoCloseable {
  public static final String HEADER = "X-IPng-Frontend";

  private final List<HttpServer> servers;
  private final List<InetAddress> addresses;
  private final int port;
  private final ExecutorService executor;

  private NamedBackends(
      List<HttpServer> servers, List<InetAddress> addresses, int port, ExecutorService executor) {
    this.servers = servers;
    this.addresses = addresses;
    this.port = port;
    this.executor = executor;
  }

  /**
   * Starts one backend per name on {@code 127.<a>.<b>.1, .2, ...} (a random /24 of 127.0.0.0/8 with
   * {@code a} ≥ 1, so runs side by side rarely meet), all on one port the first one got.
   */
  public static NamedBackends start(String... names) throws IOException {
    ExecutorService executor = Executors.newVirtualThreadPerTaskExecutor();
    for (int attempt = 0; ; attempt++) {
      ThreadLocalRandom r = ThreadLocalRandom.current();
      String net = "127." + r.nextInt(1, 255) + "." + r.nextInt(0, 256) + ".";
      List<HttpServer> servers = new ArrayList<>();
      List<InetAddress> addresses = new ArrayList<>();
      int port = 0;
      try {
        for (int i = 0; i < names.length; i++) {
          InetAddress a = InetAddress.getByName(net + (i + 1));
          HttpServer s = HttpServer.create(new InetSocketAddress(a, port), 1024);
          String name = names[i];
          s.createContext(
              "/",
              x -> {
                byte[] body = (name + "\n").getBytes(StandardCharsets.UTF_8);
                x.getRequestBody().readAllBytes();
                x.getResponseHeaders().add(HEADER, name);
                x.sendResponseHeaders(200, body.length);
                try (OutputStream out = x.getResponseBody()) {
                  out.write(body);
                }
              });
          s.setExecutor(executor);
          s.start();
          servers.add(s);
          addresses.add(a);
          port = s.getAddress().getPort();
        }
        return new NamedBackends(servers, addresses, port, executor);
      } catch (BindException e) {
        servers.forEach(s -> s.stop(0));
        if (attempt == 20) {
          throw e;
        }
      }
    }
  }

  public int port() {
    return port;
  }

  /** The address of the i-th backend (0-based, in the order of the names). */
  public InetAddress address(int i) {
    return addresses.get(i);
  }

  /** {@code 127.<a>.<b>.<host>} in the backends' /24: a free-for-this-run loopback address. */
  public InetAddress sibling(int host) throws IOException {
    byte[] a = addresses.get(0).getAddress();
    a[3] = (byte) host;
    return InetAddress.getByAddress(a);
  }

  /**
   * A GET with {@code Connection: close} on a new connection: the backend's name, or null when the
   * connection was refused, reset or closed without an answer.
   */
  public static @Nullable String name(InetSocketAddress to) throws IOException {
    try (Socket s = new Socket()) {
      s.connect(to, 5000);
      s.setSoTimeout(10_000);
      return send(s, true);
    } catch (SocketException e) {
      return null;
    }
  }

  /** The first client port of {@link #fromPort}: a multiple of 1024. */
  public static final int FIRST_CLIENT_PORT = 20 * 1024;

  /**
   * A connection to {@code to} from {@code from} port {@link #FIRST_CLIENT_PORT} + {@code k}, or
   * null when that port cannot be bound here (someone else has it).
   *
   * <p>Why fixed ports: VPP's IPv4 flow hash is linear in the ports, so the 1,024 consecutive
   * client ports of an aligned block take the 1,024 buckets of a table once each. Connections from
   * {@code k} = 0, 1, 2, ... then share out as the VIP's buckets do, up to the last incomplete
   * block: a share test over them does not depend on which ports the kernel would have picked.
   */
  public static @Nullable Socket fromPort(InetAddress from, int k, InetSocketAddress to)
      throws IOException {
    Socket s = new Socket();
    try {
      s.bind(new InetSocketAddress(from, FIRST_CLIENT_PORT + k));
    } catch (BindException e) {
      s.close();
      return null;
    }
    s.connect(to, 5000);
    s.setSoTimeout(10_000);
    return s;
  }

  /**
   * Sends a GET on an open connection and reads the answer: the backend's name, or null when the
   * connection ended first.
   *
   * @throws java.net.SocketTimeoutException when nothing comes back for 10 s
   */
  public static @Nullable String send(Socket s, boolean close) throws IOException {
    OutputStream out = s.getOutputStream();
    out.write(
        ("GET /.well-known/ipng/healthz HTTP/1.1\r\nHost: t\r\n"
                + (close ? "Connection: close\r\n" : "")
                + "\r\n")
            .getBytes(StandardCharsets.US_ASCII));
    out.flush();
    InputStream in = new BufferedInputStream(s.getInputStream());
    String name = null;
    int length = -1;
    for (String line = line(in); line != null; line = line(in)) {
      if (line.isEmpty()) {
        if (length > 0 && in.readNBytes(length).length < length) {
          return null;
        }
        return name;
      }
      int colon = line.indexOf(':');
      if (colon > 0) {
        String key = line.substring(0, colon).trim().toLowerCase(Locale.ROOT);
        String value = line.substring(colon + 1).trim();
        if (key.equals(HEADER.toLowerCase(Locale.ROOT))) {
          name = value;
        } else if (key.equals("content-length")) {
          length = Integer.parseInt(value);
        }
      }
    }
    return null;
  }

  private static @Nullable String line(InputStream in) throws IOException {
    ByteArrayOutputStream b = new ByteArrayOutputStream();
    for (int c = in.read(); c >= 0; c = in.read()) {
      if (c == '\n') {
        String s = b.toString(StandardCharsets.US_ASCII);
        return s.endsWith("\r") ? s.substring(0, s.length() - 1) : s;
      }
      b.write(c);
    }
    return null;
  }

  @Override
  public void close() {
    servers.forEach(s -> s.stop(0));
    executor.shutdownNow();
  }
}
