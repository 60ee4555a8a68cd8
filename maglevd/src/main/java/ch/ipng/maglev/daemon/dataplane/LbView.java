package ch.ipng.maglev.daemon.dataplane;

import java.net.InetAddress;
import java.util.List;

/**
 * One consistent read of VPP's lb plugin for GetVPPLBState: its settings and every VIP in address
 * order with its ASes, each named by the frontend or backend it belongs to ("" for none).
 */
public record LbView(Conf conf, List<Vip> vips) {
  public LbView {
    vips = List.copyOf(vips);
  }

  /** lb_conf as VPP holds it. */
  public record Conf(
      InetAddress ip4Source, InetAddress ip6Source, int stickyBucketsPerCore, int flowTimeout) {}

  /**
   * One VIP.
   *
   * @param encap "gre4", "gre6", …
   * @param index VPP's VIP pool index (its stats counters), 0 when unknown
   */
  public record Vip(
      VipId id,
      String frontend,
      String encap,
      boolean srcIpSticky,
      int index,
      int flowTableLength,
      List<As> ases) {
    public Vip {
      ases = List.copyOf(ases);
    }
  }

  /** One AS record; inactive ones await VPP's garbage collection. */
  public record As(InetAddress address, int weight, boolean active, int buckets, String backend) {}
}
