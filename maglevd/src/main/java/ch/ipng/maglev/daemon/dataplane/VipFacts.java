package ch.ipng.maglev.daemon.dataplane;

import ch.ipng.maglev.vpp.lb.LbClient.VipKey;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What only {@code show lb vips verbose} tells: a VIP's pool index (the index of its stats
 * counters) and its src-ip-sticky flag. Removed VIPs are skipped; lines that do not parse are
 * ignored rather than trusted.
 *
 * @param index VPP's VIP pool index
 */
public record VipFacts(int index, boolean srcIpSticky) {
  private static final Pattern HEADER =
      Pattern.compile(
          "^ (\\S+) \\[(\\d+)] ([0-9a-fA-F:.]+)/(\\d+)((?: src_ip_sticky)?)((?: removed)?)$");
  private static final Pattern PORT = Pattern.compile("^  protocol:(\\d+) port:(\\d+)$");

  /** VIP key to its facts, from the CLI output. */
  public static Map<VipKey, VipFacts> parse(String output) {
    Map<VipKey, VipFacts> out = new LinkedHashMap<>();
    String[] lines = output.split("\n");
    for (int i = 0; i < lines.length; i++) {
      Matcher h = HEADER.matcher(lines[i]);
      if (!h.matches() || !h.group(6).isEmpty()) {
        continue;
      }
      InetAddress prefix;
      try {
        prefix = InetAddress.getByName(h.group(3));
      } catch (UnknownHostException e) {
        continue;
      }
      int protocol = 255;
      int port = 0;
      for (int j = i + 1; j < lines.length && j <= i + 3; j++) {
        Matcher p = PORT.matcher(lines[j]);
        if (p.matches()) {
          protocol = Integer.parseInt(p.group(1));
          port = Integer.parseInt(p.group(2));
          break;
        }
      }
      try {
        VipKey key = new VipKey(prefix, Integer.parseInt(h.group(4)), protocol, port);
        out.put(key, new VipFacts(Integer.parseInt(h.group(2)), !h.group(5).isEmpty()));
      } catch (IllegalArgumentException e) {
        // not a VIP maglevd could have made; leave it out
      }
    }
    return out;
  }
}
