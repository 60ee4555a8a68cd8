package ch.ipng.maglev.vppsim;

import ch.ipng.maglev.vppsim.LbPlugin.As;
import ch.ipng.maglev.vppsim.LbPlugin.Vip;
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
      default -> "unknown input `" + cmd + "'\n";
    };
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
            .append(" flows:0 dpo:")
            .append(as.dpo)
            .append(as.active ? " used" : "  removed")
            .append('\n');
      }
      b.append('\n');
    }
    return b.toString();
  }
}
