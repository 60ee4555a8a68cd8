package ch.ipng.maglev.daemon.probe;

import io.netty.channel.ConnectTimeoutException;
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
    return c instanceof ConnectTimeoutException ? "connect: timeout" : "connect: " + reason(c);
  }

  static String tls(Throwable t) {
    Throwable c = root(t);
    return c instanceof ClosedChannelException
        ? "TLS handshake: connection closed"
        : "TLS handshake: " + reason(c);
  }

  /** The innermost cause, but an SSLException's own message when it has one. */
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

  /**
   * The reason alone: Netty's native "finishConnect(..) failed with error(-111): Connection
   * refused" and NIO's "Connection refused: /127.0.0.1:80" both become "connection refused".
   */
  static String reason(Throwable c) {
    String m = c.getMessage();
    if (m == null || m.isBlank()) {
      return c.getClass().getSimpleName();
    }
    int syscall = m.lastIndexOf("): ");
    if (syscall >= 0) {
      m = m.substring(syscall + 3);
    }
    int address = m.indexOf(": /");
    if (address > 0) {
      m = m.substring(0, address);
    }
    return m.substring(0, 1).toLowerCase(Locale.ROOT) + m.substring(1);
  }

  /** "connect: timeout after 300ms": the phase the deadline hit, named by its code. */
  static String timeout(ProbeCode code, long timeoutMs) {
    String phase =
        switch (code) {
          case L4TOUT -> "connect";
          case L6TOUT -> "TLS handshake";
          default -> "HTTP response";
        };
    return phase + ": timeout after " + timeoutMs + "ms";
  }
}
