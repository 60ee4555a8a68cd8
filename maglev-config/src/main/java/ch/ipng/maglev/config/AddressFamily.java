package ch.ipng.maglev.config;

import java.net.Inet4Address;
import java.net.InetAddress;
import java.util.Locale;

/**
 * IPv4 or IPv6: the one place that names an address's family. {@link
 * Fields#address(YamlReader.Entry, AddressFamily)} checks a key against it; frontends compare their
 * backends' families with it.
 */
enum AddressFamily {
  IPV4("IPv4"),
  IPV6("IPv6");

  private final String label;

  AddressFamily(String label) {
    this.label = label;
  }

  static AddressFamily of(InetAddress address) {
    return address instanceof Inet4Address ? IPV4 : IPV6;
  }

  /** "IPv4" or "IPv6", as messages write it. */
  String label() {
    return label;
  }

  /** The key of this family's source address in {@code maglev.vpp.lb}. */
  String srcAddressKey() {
    return label.toLowerCase(Locale.ROOT) + "-src-address";
  }
}
