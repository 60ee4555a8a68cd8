package ch.ipng.maglev.daemon.dataplane;

import ch.ipng.maglev.vpp.lb.LbClient.VipKey;
import com.google.common.net.InetAddresses;
import java.net.InetAddress;

/** A VIP as the API names it: host prefix, protocol number (255 for any) and port (0 for all). */
public record VipId(InetAddress prefix, int length, int protocol, int port) {
  static VipId of(VipKey key) {
    return new VipId(key.prefix(), key.length(), key.protocol(), key.port());
  }

  /** "192.0.2.1/32". */
  public String prefixString() {
    return InetAddresses.toAddrString(prefix) + "/" + length;
  }

  /** "tcp", "udp" or "any". */
  public String protocolName() {
    return switch (protocol) {
      case 6 -> "tcp";
      case 17 -> "udp";
      default -> "any";
    };
  }

  /** "prefix protocol port", as metrics label a VIP. */
  public String label() {
    // getHostAddress, not the short form: the metric's label values stay what they were
    return prefix.getHostAddress() + "/" + length + " " + protocolName() + " " + port;
  }
}
