package ch.ipng.maglev.config;

import com.google.common.net.InetAddresses;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.util.Objects;

/**
 * A canary of {@code self-suspicion}: an address that should always answer, probed from where the
 * backends are probed. With a port, a TCP connect; without, an ICMP echo.
 *
 * @param port 1-65535 for a TCP connect, 0 for ICMP
 */
public record Canary(InetAddress address, int port) {
  public Canary {
    Objects.requireNonNull(address, "address");
    if (port < 0 || port > 65_535) {
      throw new IllegalArgumentException("port: " + port + " (expected: 0-65535)");
    }
  }

  /** ICMP echo, not TCP. */
  public boolean icmp() {
    return port == 0;
  }

  /**
   * As written in the config: {@code 198.18.0.1}, {@code 198.18.0.1:80}, {@code [2001:db8::1]:80}.
   */
  public String label() {
    String a = InetAddresses.toAddrString(address);
    if (icmp()) {
      return a;
    }
    return (address instanceof Inet6Address ? "[" + a + "]" : a) + ":" + port;
  }
}
