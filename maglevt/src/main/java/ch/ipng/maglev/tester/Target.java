package ch.ipng.maglev.tester;

import com.google.common.net.InetAddresses;
import java.net.Inet6Address;
import java.net.InetAddress;

/**
 * One VIP to probe.
 *
 * @param name the frontend's name in maglev.yaml
 * @param protocol the frontend's protocol as the config spells it ("tcp" or "any")
 */
public record Target(String name, InetAddress address, String protocol, int port, Kind kind) {

  /** "192.0.2.1:80", "[2001:db8::1]:443". */
  public String endpoint() {
    return literal(address) + ":" + port;
  }

  /** The address as a URL or Host header writes it: IPv6 in brackets. */
  public static String literal(InetAddress a) {
    String s = InetAddresses.toAddrString(a);
    return a instanceof Inet6Address ? "[" + s + "]" : s;
  }

  /**
   * The Host header when {@code --host} is not given: the VIP's literal, with a non-default port.
   */
  public String defaultHost() {
    boolean defaultPort = (kind == Kind.HTTP && port == 80) || (kind == Kind.HTTPS && port == 443);
    return defaultPort ? literal(address) : endpoint();
  }
}
