package ch.ipng.maglev.vppsim;

import ch.ipng.maglev.vpp.maglev.FlowHash;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;

/**
 * Which VIPs the simulator forwards, where it listens for them, and where it reaches application
 * servers: from {@code --forward VIP:PORT[=LISTEN:PORT]} (repeatable), {@code --forward-loopback}
 * (every TCP VIP on a loopback host address, at its own address and port) and {@code --forward-as
 * AS=ADDRESS[:PORT]} (repeatable). An AS without a mapping is reached at its own address only when
 * that is a loopback one: the simulator never connects to a VIP's or AS's real address otherwise.
 */
final class ForwardRules {
  /**
   * One explicit VIP mapping: connections to {@code listen} are flows to {@code vip}:{@code port}.
   */
  record VipRule(InetAddress vip, int port, InetSocketAddress listen) {}

  /** What the forwarder listens on for one active VIP: flows to {@code vip}:{@code port}. */
  record Target(LbPlugin.Vip lbVip, InetAddress vip, int port, InetSocketAddress listen) {}

  private static final Pattern ENDPOINT =
      Pattern.compile("^(?:\\[([^\\]]+)\\]|([^:\\[\\]]+)):(\\d+)$");

  private final List<VipRule> vips;
  private final boolean loopback;
  private final Map<InetAddress, InetSocketAddress> ass;
  private final Map<InetAddress, Integer> asPorts;

  private ForwardRules(
      List<VipRule> vips,
      boolean loopback,
      Map<InetAddress, InetSocketAddress> ass,
      Map<InetAddress, Integer> asPorts) {
    this.vips = List.copyOf(vips);
    this.loopback = loopback;
    this.ass = Map.copyOf(ass);
    this.asPorts = Map.copyOf(asPorts);
  }

  /** No forwarding at all. */
  static ForwardRules none() {
    return new ForwardRules(List.of(), false, Map.of(), Map.of());
  }

  /**
   * Parses the flags.
   *
   * @throws IllegalArgumentException naming the flag, its value and what was expected
   */
  static ForwardRules parse(List<String> forward, boolean loopback, List<String> forwardAs) {
    List<VipRule> vips = new ArrayList<>();
    for (String spec : forward) {
      String[] sides = spec.split("=", -1);
      if (sides.length > 2) {
        throw new IllegalArgumentException(
            "--forward " + spec + ": expected VIP:PORT or VIP:PORT=LISTEN-ADDRESS:PORT");
      }
      InetSocketAddress vip = endpoint("--forward " + spec, sides[0]);
      InetSocketAddress listen;
      if (sides.length == 2) {
        listen = endpoint("--forward " + spec, sides[1]);
      } else if (vip.getAddress().isLoopbackAddress()) {
        listen = vip;
      } else {
        throw new IllegalArgumentException(
            "--forward "
                + spec
                + ": "
                + vip.getAddress().getHostAddress()
                + " is not a loopback address (expected: VIP:PORT=LISTEN-ADDRESS:PORT to listen"
                + " elsewhere)");
      }
      for (VipRule r : vips) {
        if (r.listen().equals(listen)) {
          throw new IllegalArgumentException(
              "--forward " + spec + ": " + format(listen) + " already forwards another VIP");
        }
      }
      vips.add(new VipRule(vip.getAddress(), vip.getPort(), listen));
    }
    Map<InetAddress, InetSocketAddress> ass = new HashMap<>();
    Map<InetAddress, Integer> asPorts = new HashMap<>();
    for (String spec : forwardAs) {
      String[] sides = spec.split("=", -1);
      if (sides.length != 2) {
        throw new IllegalArgumentException(
            "--forward-as " + spec + ": expected AS=ADDRESS or AS=ADDRESS:PORT");
      }
      InetAddress as = literal("--forward-as " + spec, sides[0]);
      String to = sides[1];
      // IPv4:PORT has one colon; an IPv6 address with a port needs brackets
      boolean withPort =
          to.startsWith("[")
              || to.contains(".") && to.indexOf(':') >= 0 && to.indexOf(':') == to.lastIndexOf(':');
      if (withPort) {
        InetSocketAddress endpoint = endpoint("--forward-as " + spec, to);
        ass.put(as, endpoint);
        asPorts.put(as, endpoint.getPort());
      } else {
        ass.put(as, new InetSocketAddress(literal("--forward-as " + spec, to), 0));
      }
    }
    return new ForwardRules(vips, loopback, ass, asPorts);
  }

  /** Where to listen for an active VIP, or null when it is not forwarded. Only TCP VIPs are. */
  @Nullable Target target(LbPlugin.Vip v) {
    if (v.protocol != FlowHash.TCP || v.port == 0) {
      return null;
    }
    for (VipRule r : vips) {
      byte[] a = ip46(r.vip());
      if (r.port() == v.port && Arrays.equals(LbPlugin.mask(a, v.plen), v.prefix)) {
        return new Target(v, r.vip(), v.port, r.listen());
      }
    }
    boolean host = v.plen == 128;
    if (loopback && host) {
      InetAddress a = inet(v.prefix);
      if (a.isLoopbackAddress()) {
        return new Target(v, a, v.port, new InetSocketAddress(a, v.port));
      }
    }
    return null;
  }

  /**
   * Where to connect for an AS at {@code port}: its mapping, else its own address when loopback,
   * else null (the simulator does not contact real networks).
   */
  @Nullable InetSocketAddress as(byte[] ip46, int port) {
    InetAddress a = inet(ip46);
    InetSocketAddress mapped = ass.get(a);
    if (mapped != null) {
      Integer p = asPorts.get(a);
      return new InetSocketAddress(mapped.getAddress(), p == null ? port : p);
    }
    return a.isLoopbackAddress() ? new InetSocketAddress(a, port) : null;
  }

  /** Whether any VIP can be forwarded. */
  boolean any() {
    return loopback || !vips.isEmpty();
  }

  static String format(InetSocketAddress a) {
    String host = a.getAddress().getHostAddress();
    return (a.getAddress() instanceof Inet4Address ? host : "[" + host + "]") + ":" + a.getPort();
  }

  static byte[] ip46(InetAddress a) {
    byte[] raw = a.getAddress();
    return raw.length == 4 ? Addresses.ip4In46(raw) : raw;
  }

  static InetAddress inet(byte[] ip46) {
    try {
      return InetAddress.getByAddress(
          LbPlugin.isIp4(ip46) ? Arrays.copyOfRange(ip46, 12, 16) : ip46);
    } catch (UnknownHostException e) {
      throw new IllegalArgumentException(e);
    }
  }

  private static InetSocketAddress endpoint(String what, String s) {
    Matcher m = ENDPOINT.matcher(s);
    if (!m.matches()) {
      throw new IllegalArgumentException(
          what + ": `" + s + "' is not ADDRESS:PORT (IPv6 as [ADDRESS]:PORT)");
    }
    InetAddress a = literal(what, m.group(1) != null ? m.group(1) : m.group(2));
    int port;
    try {
      port = Integer.parseInt(m.group(3));
    } catch (NumberFormatException e) {
      port = -1;
    }
    if (port < 1 || port > 65535) {
      throw new IllegalArgumentException(what + ": port " + m.group(3) + " (expected: 1-65535)");
    }
    return new InetSocketAddress(a, port);
  }

  private static InetAddress literal(String what, String s) {
    if (!s.matches("[0-9a-fA-F:.]+") || !(s.contains(".") || s.contains(":"))) {
      throw new IllegalArgumentException(what + ": `" + s + "' is not an IP address");
    }
    try {
      return InetAddress.getByName(s);
    } catch (UnknownHostException e) {
      throw new IllegalArgumentException(what + ": `" + s + "' is not an IP address", e);
    }
  }
}
