package ch.ipng.maglev.daemon.testing;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsServer;
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
import java.security.KeyStore;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;

/** Real servers the tests probe; every one counts what it receives and is closed by the test. */
public final class TestServers {
  private TestServers() {}

  /** An HTTP(S) server whose answer can be changed while it runs. */
  public static final class Http implements AutoCloseable {
    private final HttpServer server;
    private final AtomicInteger requests = new AtomicInteger();
    private final AtomicReference<Integer> status;
    private final AtomicReference<String> body;
    private final List<String> hosts = new CopyOnWriteArrayList<>();
    private final List<String> userAgents = new CopyOnWriteArrayList<>();

    Http(HttpServer server, int status, String body) {
      this.server = server;
      this.status = new AtomicReference<>(status);
      this.body = new AtomicReference<>(body);
      server.createContext("/", this::handle);
      server.setExecutor(Executors.newVirtualThreadPerTaskExecutor());
      server.start();
    }

    private void handle(HttpExchange ex) throws IOException {
      requests.incrementAndGet();
      hosts.add(String.valueOf(ex.getRequestHeaders().getFirst("Host")));
      userAgents.add(String.valueOf(ex.getRequestHeaders().getFirst("User-Agent")));
      byte[] b = body.get().getBytes(StandardCharsets.UTF_8);
      ex.sendResponseHeaders(status.get(), b.length == 0 ? -1 : b.length);
      try (OutputStream out = ex.getResponseBody()) {
        out.write(b);
      }
    }

    public int port() {
      return server.getAddress().getPort();
    }

    public int requests() {
      return requests.get();
    }

    public List<String> hosts() {
      return hosts;
    }

    public List<String> userAgents() {
      return userAgents;
    }

    public void answer(int newStatus, String newBody) {
      status.set(newStatus);
      body.set(newBody);
    }

    @Override
    public void close() {
      server.stop(0);
    }
  }

  public static Http http(int status, String body) throws IOException {
    return http(InetAddress.getLoopbackAddress(), 0, status, body);
  }

  public static Http http(InetAddress address, int port, int status, String body)
      throws IOException {
    return new Http(HttpServer.create(new InetSocketAddress(address, port), 64), status, body);
  }

  /** An HTTPS server with a fresh self-signed certificate for "localhost" made by keytool. */
  public static Http https(Path dir, int status, String body) throws Exception {
    SSLContext ssl = selfSigned(dir);
    HttpsServer s =
        HttpsServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 64);
    s.setHttpsConfigurator(new HttpsConfigurator(ssl));
    return new Http(s, status, body);
  }

  /** A PKCS#12 keystore with a self-signed certificate, made by the JDK's keytool. */
  public static SSLContext selfSigned(Path dir) throws Exception {
    Path ks = dir.resolve("server.p12");
    if (!Files.exists(ks)) {
      Path keytool = Path.of(System.getProperty("java.home"), "bin", "keytool");
      Process p =
          new ProcessBuilder(
                  keytool.toString(),
                  "-genkeypair",
                  "-alias",
                  "server",
                  "-keyalg",
                  "EC",
                  "-groupname",
                  "secp256r1",
                  "-dname",
                  "CN=localhost",
                  "-ext",
                  "SAN=dns:localhost,ip:127.0.0.1",
                  "-validity",
                  "2",
                  "-storetype",
                  "PKCS12",
                  "-keystore",
                  ks.toString(),
                  "-storepass",
                  "changeit",
                  "-keypass",
                  "changeit")
              .redirectErrorStream(true)
              .start();
      String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      if (p.waitFor() != 0) {
        throw new IOException("keytool failed: " + out);
      }
    }
    KeyStore store = KeyStore.getInstance("PKCS12");
    try (InputStream in = Files.newInputStream(ks)) {
      store.load(in, "changeit".toCharArray());
    }
    KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
    kmf.init(store, "changeit".toCharArray());
    SSLContext ctx = SSLContext.getInstance("TLS");
    ctx.init(kmf.getKeyManagers(), null, null);
    return ctx;
  }

  /** A TCP listener that accepts and then either holds connections silently or closes them. */
  public static final class Tcp implements AutoCloseable {
    private final ServerSocket server;
    private final boolean closeAtOnce;
    private final AtomicInteger accepted = new AtomicInteger();
    private final List<Socket> held = new ArrayList<>();
    private final Thread acceptor;

    Tcp(boolean closeAtOnce) throws IOException {
      this.server = new ServerSocket(0, 64, InetAddress.getLoopbackAddress());
      this.closeAtOnce = closeAtOnce;
      this.acceptor = Thread.ofVirtual().start(this::acceptLoop);
    }

    private void acceptLoop() {
      while (!server.isClosed()) {
        try {
          Socket s = server.accept();
          accepted.incrementAndGet();
          if (closeAtOnce) {
            s.close();
          } else {
            synchronized (held) {
              held.add(s);
            }
          }
        } catch (IOException e) {
          return;
        }
      }
    }

    public int port() {
      return server.getLocalPort();
    }

    public int accepted() {
      return accepted.get();
    }

    @Override
    public void close() throws IOException {
      server.close();
      synchronized (held) {
        for (Socket s : held) {
          s.close();
        }
      }
      acceptor.interrupt();
    }
  }

  /** Accepts connections and never sends a byte. */
  public static Tcp silent() throws IOException {
    return new Tcp(false);
  }

  /** Accepts connections and closes each at once. */
  public static Tcp closing() throws IOException {
    return new Tcp(true);
  }

  /** A loopback port nothing listens on. */
  public static int closedPort() throws IOException {
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return s.getLocalPort();
    }
  }
}
