package ch.ipng.maglev.vppsim;

import ch.ipng.maglev.vppsim.LbPlugin.As;
import ch.ipng.maglev.vppsim.LbPlugin.Vip;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The CLI commands cli_inband answers, with VPP's output byte for byte: trailing spaces, the
 * placeholder VIP counted in {@code #vips} but not the placeholder AS in {@code #ass}, and removed
 * entries shown until they are collected.
 */
final class Cli {
  static final List<String> COUNTER_NAMES =
      List.of(
          "packet from existing sessions",
          "first session packet",
          "untracked packet",
          "no server configured");

  private final LbPlugin lb;
  private final String version;

  Cli(LbPlugin lb, String version) {
    this.lb = lb;
    this.version = version;
  }

  /** The output of one command line. */
  String run(String line) {
    String cmd = String.join(" ", line.strip().split("\\s+"));
    return switch (cmd) {
      case "show lb" -> showLb();
      case "show lb vips" -> showVips(false);
      case "show lb vips verbose" -> showVips(true);
      case "show version" -> "vpp " + version + " built by maglev-vppsim\n";
      default -> configure(cmd);
    };
  }

  private String configure(String cmd) {
    List<String> w = new ArrayList<>(List.of(cmd.split(" ")));
    try {
      if (w.size() >= 2 && w.get(0).equals("lb")) {
        String verb = w.get(1);
        List<String> args = w.subList(2, w.size());
        switch (verb) {
          case "conf" -> {
            return lbConf(args);
          }
          case "vip" -> {
            return lbVip(args);
          }
          case "as" -> {
            return lbAs(args);
          }
          default -> {}
        }
      }
    } catch (IllegalArgumentException e) {
      return e.getMessage() + "\n";
    }
    return "unknown input `" + cmd + "'\n";
  }

  /** {@code lb conf}: unlike the API, values not given are kept. */
  private String lbConf(List<String> args) {
    byte[] ip4 = lb.ip4Src;
    byte[] ip6 = lb.ip6Src;
    int buckets = -1;
    int timeout = -1;
    for (int i = 0; i < args.size(); i++) {
      switch (args.get(i)) {
        case "ip4-src-address" ->
            ip4 = Arrays.copyOfRange(Addresses.parse(next(args, ++i)), 12, 16);
        case "ip6-src-address" -> ip6 = Addresses.parse(next(args, ++i));
        case "buckets" -> buckets = Integer.parseInt(next(args, ++i));
        case "buckets-log2" -> buckets = 1 << Integer.parseInt(next(args, ++i));
        case "timeout" -> timeout = Integer.parseInt(next(args, ++i));
        default ->
            throw new IllegalArgumentException("lb conf: unknown input `" + args.get(i) + "'");
      }
    }
    int rv = lb.conf(ip4, ip6, buckets, timeout);
    return rv == 0 ? "" : "lb conf: lb_conf error " + rv + "\n";
  }

  private record Target(byte[] prefix, int plen, int protocol, int port, int next) {}

  /** {@code <prefix> [protocol tcp|udp port N]} at the start of {@code args}. */
  private static Target target(List<String> args, String command) {
    if (args.isEmpty()) {
      throw new IllegalArgumentException(command + ": missing prefix");
    }
    String[] p = args.get(0).split("/");
    byte[] prefix = Addresses.parse(p[0]);
    int plen = Integer.parseInt(p[1]) + (LbPlugin.isIp4(prefix) ? 96 : 0);
    int protocol = 255;
    int port = 0;
    int i = 1;
    if (i < args.size() && args.get(i).equals("protocol")) {
      protocol =
          switch (next(args, i + 1)) {
            case "tcp" -> 6;
            case "udp" -> 17;
            default -> Integer.parseInt(args.get(i + 1));
          };
      if (!next(args, i + 2).equals("port")) {
        throw new IllegalArgumentException(command + ": protocol needs a port");
      }
      port = Integer.parseInt(next(args, i + 3));
      i += 4;
    }
    return new Target(prefix, plen, protocol, port, i);
  }

  private String lbVip(List<String> args) {
    Target t = target(args, "lb vip");
    int encap = LbPlugin.GRE4;
    int tableLength = 1024;
    int dscp = -1;
    boolean sticky = false;
    boolean del = false;
    for (int i = t.next(); i < args.size(); i++) {
      switch (args.get(i)) {
        case "encap" ->
            encap = List.of("gre4", "gre6", "l3dsr", "nat4", "nat6").indexOf(next(args, ++i));
        case "new_len" -> tableLength = Integer.parseInt(next(args, ++i));
        case "dscp" -> dscp = Integer.parseInt(next(args, ++i));
        case "src_ip_sticky" -> sticky = true;
        case "del" -> del = true;
        default ->
            throw new IllegalArgumentException("lb vip: unknown input `" + args.get(i) + "'");
      }
    }
    if (del) {
      int rv = lb.delVip(t.prefix(), t.plen(), t.protocol(), t.port());
      return rv == 0 ? "" : "lb vip: lb_vip_find_index error " + rv + "\n";
    }
    if (dscp >= 0 && encap != LbPlugin.L3DSR) {
      return "lb vip: lb_vip_add error: should not configure dscp for none L3DSR.\n";
    }
    int[] index = new int[1];
    int rv =
        lb.addVip(
            t.prefix(),
            t.plen(),
            t.protocol(),
            t.port(),
            encap,
            Math.max(dscp, 0),
            0,
            tableLength,
            sticky,
            index);
    return rv == 0 ? "lb_vip_add ok " + index[0] + "\n" : "lb vip: lb_vip_add error " + rv + "\n";
  }

  /**
   * {@code lb as}: several addresses at once, created last to first; with {@code weight}, an AS
   * that is already active has its weight updated instead of failing.
   */
  private String lbAs(List<String> args) {
    Target t = target(args, "lb as");
    List<byte[]> addresses = new ArrayList<>();
    int weight = -1;
    boolean del = false;
    boolean flush = false;
    for (int i = t.next(); i < args.size(); i++) {
      switch (args.get(i)) {
        case "weight" -> weight = Integer.parseInt(next(args, ++i));
        case "del" -> del = true;
        case "flush" -> flush = true;
        default -> addresses.add(Addresses.parse(args.get(i)));
      }
    }
    if (weight > 100) {
      return "lb as: weight must be between 0 and 100\n";
    }
    if (weight >= 0 && del) {
      return "lb as: weight and del are mutually exclusive\n";
    }
    if (addresses.isEmpty()) {
      return "lb as: No AS address provided\n";
    }
    if (lb.findVip(t.prefix(), t.plen(), t.protocol(), t.port()) == null) {
      return "lb as: lb_vip_find_index error " + LbPlugin.NO_SUCH_ENTRY + "\n";
    }
    for (byte[] address : addresses.reversed()) {
      int rv;
      if (del) {
        rv = lb.delAs(t.prefix(), t.plen(), t.protocol(), t.port(), address, flush);
        if (rv != 0) {
          return "lb as: lb_vip_del_ass error " + rv + "\n";
        }
        continue;
      }
      Vip vip = lb.findVip(t.prefix(), t.plen(), t.protocol(), t.port());
      boolean active =
          vip != null
              && vip.servers(lb).stream()
                  .anyMatch(a -> a.active && Arrays.equals(a.address, address));
      rv =
          weight >= 0 && active
              ? lb.setWeight(t.prefix(), t.plen(), t.protocol(), t.port(), address, weight, flush)
              : lb.addAs(
                  t.prefix(),
                  t.plen(),
                  t.protocol(),
                  t.port(),
                  address,
                  weight < 0 ? 100 : weight,
                  flush);
      if (rv != 0) {
        return "lb as: lb_vip_add_ass error " + rv + "\n";
      }
    }
    return "";
  }

  private static String next(List<String> args, int i) {
    if (i >= args.size()) {
      throw new IllegalArgumentException("missing value after `" + args.get(i - 1) + "'");
    }
    return args.get(i);
  }

  private String showLb() {
    return "lb_main ip4-src-address: "
        + Addresses.format(Addresses.ip4In46(lb.ip4Src))
        + " \n ip6-src-address: "
        + Addresses.format(lb.ip6Src)
        + " \n #vips: "
        + lb.vipSlots()
        + "\n #ass: "
        + lb.asRecords()
        + "\n";
  }

  private String showVips(boolean verbose) {
    StringBuilder b = new StringBuilder();
    for (Vip v : lb.vips) {
      if (v == null) {
        continue;
      }
      List<As> servers = v.servers(lb);
      String prefix = Addresses.formatPrefix(v.prefix, v.plen);
      if (!verbose) {
        b.append(v.type.cliName)
            .append(' ')
            .append(prefix)
            .append(" new_size:")
            .append(v.tableLength)
            .append(" #as:")
            .append(servers.size());
        if (!v.active) {
          b.append(" removed");
        }
        if (!v.allPort()) {
          b.append("  protocol:").append(v.protocol).append(" port:").append(v.port).append(' ');
        }
        if (v.type == LbPlugin.VipType.IP4_L3DSR) {
          b.append("  dscp:").append(v.encapArg);
        }
        b.append('\n');
        continue;
      }
      b.append(' ').append(v.type.cliName).append(" [").append(v.index).append("] ").append(prefix);
      if (v.srcIpSticky) {
        b.append(" src_ip_sticky");
      }
      if (!v.active) {
        b.append(" removed");
      }
      b.append("\n  new_size:").append(v.tableLength).append('\n');
      if (!v.allPort()) {
        b.append("  protocol:").append(v.protocol).append(" port:").append(v.port).append('\n');
      }
      if (v.type == LbPlugin.VipType.IP4_L3DSR) {
        b.append("  dscp:").append(v.encapArg).append('\n');
      }
      b.append("  counters:\n");
      for (int i = 0; i < COUNTER_NAMES.size(); i++) {
        b.append("    ")
            .append(COUNTER_NAMES.get(i))
            .append(": ")
            .append(v.counters[i])
            .append('\n');
      }
      b.append("  #as:").append(servers.size()).append('\n');
      for (As as : servers) {
        b.append("    ")
            .append(Addresses.format(as.address))
            .append(" weight:")
            .append(as.weight)
            .append(" buckets:")
            .append(lb.buckets(v, as))
            .append(" flows:")
            .append(as.flows)
            .append(" dpo:")
            .append(as.dpo)
            .append(as.active ? " used" : "  removed")
            .append('\n');
      }
      b.append('\n');
    }
    return b.toString();
  }
}
