package ch.ipng.maglev.daemon.probe;

import io.netty.channel.ConnectTimeoutException;
import java.io.IOException;
import java.net.ConnectException;
import java.net.NoRouteToHostException;
import java.nio.channels.ClosedChannelException;
import java.util.Locale;
import javax.net.ssl.SSLException;

/**
 * Turns exceptions into the short, Go-like details operators read ("connect: connection refused").
 */
final class Errors {
  private Errors() {}

  static String connect(Throwable t) {
    Throwable c = root(t);
    if (c instanceof ConnectTimeoutException) {
      return "connect: timeout";
    }
    if (c instanceof NoRouteToHostException) {
      return "connect: no route to host";
    }
    if (c instanceof ConnectException || c instanceof IOException) {
      return "connect: " + lower(c);
    }
    return "connect: " + lower(c);
  }

  static String tls(Throwable t) {
    Throwable c = root(t);
    if (c instanceof ClosedChannelException) {
      return "TLS handshake: connection closed";
    }
    return "TLS handshake: " + lower(c);
  }

  static Throwable root(Throwable t) {
    Throwable c = t;
    while (c.getCause() != null && c.getCause() != c && !(c instanceof SSLException)) {
      c = c.getCause();
    }
    if (c instanceof SSLException && c.getCause() != null && c.getMessage() == null) {
      return c.getCause();
    }
    return c;
  }

  private static String lower(Throwable c) {
    String m = c.getMessage();
    if (m == null || m.isBlank()) {
      return c.getClass().getSimpleName();
    }
    // Netty prefixes native errors with the syscall and address; keep the reason only.
    int i = m.lastIndexOf(": ");
    if (m.startsWith("finishConnect(..) failed") || m.startsWith("connect(..) failed")) {
      m = m.substring(m.indexOf(": ") + 2);
      i = m.lastIndexOf(": ");
    }
    if (c instanceof ConnectException && i > 0) {
      m = m.substring(0, i);
    }
    return m.substring(0, 1).toLowerCase(Locale.ROOT) + m.substring(1);
  }
}
