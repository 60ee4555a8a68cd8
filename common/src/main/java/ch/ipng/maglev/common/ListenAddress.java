package ch.ipng.maglev.common;

import com.google.common.net.InetAddresses;
import java.net.InetSocketAddress;

/** Parses Go-style listen addresses: ":9090", "127.0.0.1:9090", "[::1]:9090", "localhost:9090". */
public final class ListenAddress {
  private ListenAddress() {}

  /**
   * @throws IllegalArgumentException naming the flag and the expected form
   */
  public static InetSocketAddress parse(String flag, String text) {
    int colon = text.lastIndexOf(':');
    if (colon < 0) {
      throw invalid(flag, text);
    }
    String host = text.substring(0, colon);
    int port;
    try {
      port = Integer.parseInt(text.substring(colon + 1));
    } catch (NumberFormatException e) {
      throw invalid(flag, text);
    }
    if (port < 0 || port > 65535) {
      throw invalid(flag, text);
    }
    if (host.isEmpty()) {
      return new InetSocketAddress(port);
    }
    if (host.startsWith("[") && host.endsWith("]")) {
      host = host.substring(1, host.length() - 1);
    }
    if (InetAddresses.isInetAddress(host)) {
      return new InetSocketAddress(InetAddresses.forString(host), port);
    }
    InetSocketAddress a = new InetSocketAddress(host, port);
    if (a.isUnresolved()) {
      throw new IllegalArgumentException(flag + ": cannot resolve \"" + host + "\"");
    }
    return a;
  }

  private static IllegalArgumentException invalid(String flag, String text) {
    return new IllegalArgumentException(
        flag + ": \"" + text + "\" (expected: [host]:port, e.g. :9090 or 127.0.0.1:9090)");
  }
}
