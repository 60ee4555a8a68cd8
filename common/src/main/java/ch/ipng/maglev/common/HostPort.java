package ch.ipng.maglev.common;

import org.jspecify.annotations.Nullable;

/**
 * An address with an optional port as an operator writes a flow's endpoint: {@code 192.0.2.1:80},
 * {@code [2001:db8::1]:80}, or without a port {@code 192.0.2.1}, {@code [2001:db8::1]} or {@code
 * 2001:db8::1} (a bare IPv6 address has several colons, so none of them starts a port). Only the
 * split: whether the host is an address is for the caller to say.
 *
 * @param host the text before the port, without brackets
 * @param port the text after the colon, or null when there is no port
 * @param bracketed whether the host was written in brackets (IPv6)
 */
public record HostPort(String host, @Nullable String port, boolean bracketed) {
  /**
   * Splits {@code word}, or null when its brackets are wrong: a "[" never closed, or anything but
   * ":PORT" after the "]".
   */
  public static @Nullable HostPort split(String word) {
    if (word.startsWith("[")) {
      int close = word.indexOf(']');
      if (close < 0) {
        return null;
      }
      String rest = word.substring(close + 1);
      if (!rest.isEmpty() && !rest.startsWith(":")) {
        return null;
      }
      return new HostPort(
          word.substring(1, close), rest.isEmpty() ? null : rest.substring(1), true);
    }
    int colon = word.indexOf(':');
    if (colon >= 0 && colon == word.lastIndexOf(':')) {
      return new HostPort(word.substring(0, colon), word.substring(colon + 1), false);
    }
    return new HostPort(word, null, false);
  }

  /** The port as a number 0-65535, or -1 when there is none or it is not one. */
  public int portNumber() {
    if (port == null || !port.matches("[0-9]{1,5}")) {
      return -1;
    }
    int p = Integer.parseInt(port);
    return p <= 65535 ? p : -1;
  }
}
