package ch.ipng.maglev.cli.rpc;

import ch.ipng.maglev.common.tls.Pem;
import java.io.IOException;
import java.net.Socket;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import javax.net.ssl.KeyManager;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManager;
import org.jspecify.annotations.Nullable;

/**
 * TLS towards maglevd: the CA its certificate must chain to ({@code --tls-ca}, else the JDK's
 * trusted CAs), and this client's own certificate and key ({@code --tls-cert}, {@code --tls-key})
 * when maglevd asks for one. HTTP/2 is agreed by ALPN ({@code h2}), and the server's certificate
 * must name the host maglevc connects to.
 */
public final class ClientTls {
  private final SSLContext context;

  private ClientTls(SSLContext context) {
    this.context = context;
  }

  /**
   * Reads the files; null paths are left out. The message of the exception names the flag, the file
   * and what is wrong.
   */
  public static ClientTls load(@Nullable Path ca, @Nullable Path cert, @Nullable Path key)
      throws IOException {
    if ((cert == null) != (key == null)) {
      throw new IOException("--tls-cert and --tls-key go together (expected: both or neither)");
    }
    try {
      TrustManager[] trust =
          ca == null ? null : Pem.trustManagers(Pem.certificates("--tls-ca", ca));
      KeyManager[] keys =
          cert == null || key == null
              ? null
              : Pem.keyManagers(
                  Pem.certificates("--tls-cert", cert), Pem.privateKey("--tls-key", key));
      SSLContext c = SSLContext.getInstance("TLS");
      c.init(keys, trust, null);
      return new ClientTls(c);
    } catch (GeneralSecurityException e) {
      throw new IOException("TLS set-up: " + e.getMessage(), e);
    }
  }

  /** TLS over a connected socket, handshake done and h2 agreed; the socket is closed on failure. */
  SSLSocket handshake(Socket plain, String host, int port) throws IOException {
    SSLSocket s = (SSLSocket) context.getSocketFactory().createSocket(plain, host, port, true);
    try {
      SSLParameters p = s.getSSLParameters();
      p.setApplicationProtocols(new String[] {"h2"});
      p.setEndpointIdentificationAlgorithm("HTTPS");
      s.setSSLParameters(p);
      s.startHandshake();
      String agreed = s.getApplicationProtocol();
      if (!"h2".equals(agreed)) {
        throw new IOException(
            "the server did not agree to HTTP/2 over TLS (ALPN: "
                + (agreed == null || agreed.isEmpty() ? "none" : agreed)
                + ")");
      }
      return s;
    } catch (IOException e) {
      Http2Connection.closeQuietly(s);
      throw e;
    }
  }
}
