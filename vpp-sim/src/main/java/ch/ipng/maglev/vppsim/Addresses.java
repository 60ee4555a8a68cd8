package ch.ipng.maglev.vppsim;

import java.util.Arrays;

/** VPP's ip46 addresses as the CLI prints them. */
final class Addresses {
  private Addresses() {}

  static byte[] ip4In46(byte[] ip4) {
    byte[] out = new byte[16];
    System.arraycopy(ip4, 0, out, 12, 4);
    return out;
  }

  /** Dotted quad for IPv4, RFC 5952 compressed form for IPv6. */
  static String format(byte[] ip46) {
    if (LbPlugin.isIp4(ip46)) {
      byte[] a = Arrays.copyOfRange(ip46, 12, 16);
      return (a[0] & 0xff) + "." + (a[1] & 0xff) + "." + (a[2] & 0xff) + "." + (a[3] & 0xff);
    }
    int[] groups = new int[8];
    for (int i = 0; i < 8; i++) {
      groups[i] = ((ip46[2 * i] & 0xff) << 8) | (ip46[2 * i + 1] & 0xff);
    }
    int bestStart = -1;
    int bestLength = 1;
    for (int i = 0; i < 8; ) {
      if (groups[i] != 0) {
        i++;
        continue;
      }
      int j = i;
      while (j < 8 && groups[j] == 0) {
        j++;
      }
      if (j - i > bestLength) {
        bestStart = i;
        bestLength = j - i;
      }
      i = j;
    }
    StringBuilder b = new StringBuilder();
    for (int i = 0; i < 8; i++) {
      if (i == bestStart) {
        b.append("::");
        i += bestLength - 1;
        continue;
      }
      if (b.length() > 0 && b.charAt(b.length() - 1) != ':') {
        b.append(':');
      }
      b.append(Integer.toHexString(groups[i]));
    }
    return b.toString();
  }

  /** Parses an IPv4 or IPv6 literal into the ip46 form; anything else is an error naming it. */
  static byte[] parse(String literal) {
    if (!literal.matches("[0-9a-fA-F:.]+") || !(literal.contains(".") || literal.contains(":"))) {
      throw new IllegalArgumentException("unknown input `" + literal + "'");
    }
    try {
      byte[] raw = java.net.InetAddress.getByName(literal).getAddress();
      return raw.length == 4 ? ip4In46(raw) : raw;
    } catch (java.net.UnknownHostException e) {
      throw new IllegalArgumentException("unknown input `" + literal + "'", e);
    }
  }

  /** A prefix with its length as the user wrote it (IPv4 without the internal 96). */
  static String formatPrefix(byte[] ip46, int plen) {
    return format(ip46) + "/" + (LbPlugin.isIp4(ip46) ? plen - 96 : plen);
  }
}
