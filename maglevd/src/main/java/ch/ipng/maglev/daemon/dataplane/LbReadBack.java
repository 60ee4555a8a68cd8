package ch.ipng.maglev.daemon.dataplane;

import ch.ipng.maglev.vpp.api.VppConnection;
import ch.ipng.maglev.vpp.lb.LbClient;
import ch.ipng.maglev.vpp.lb.LbClient.VipKey;
import java.net.InetAddress;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Function;

/** Reads what VPP's lb plugin holds: for the reconciler, and for GetVPPLBState. */
final class LbReadBack {
  private LbReadBack() {}

  /** VPP's VIPs with their ASes, and src-ip-sticky from the CLI (the dump lacks it). */
  static Map<VipKey, Plan.ActualVip> actual(LbApi lb) {
    List<LbClient.Vip> vips = VppConnection.await(lb.vips());
    List<LbClient.As> ases = VppConnection.await(lb.ases());
    Map<VipKey, VipFacts> facts = VipFacts.parse(VppConnection.await(lb.vipsVerbose()));
    Map<VipKey, List<Plan.ActualAs>> byVip = new HashMap<>();
    for (LbClient.As a : ases) {
      byVip
          .computeIfAbsent(a.vip(), k -> new ArrayList<>())
          .add(new Plan.ActualAs(a.address(), a.weight(), a.active()));
    }
    Map<VipKey, Plan.ActualVip> out = new LinkedHashMap<>();
    for (LbClient.Vip v : vips) {
      VipFacts f = facts.get(v.key());
      out.put(
          v.key(),
          new Plan.ActualVip(
              v.key(),
              v.encap(),
              f != null && f.srcIpSticky(),
              byVip.getOrDefault(v.key(), List.of())));
    }
    return out;
  }

  /**
   * VPP's VIPs in address order with their ASes, for the table digests: two dumps, without the CLI
   * read {@link #view} adds for src-ip-sticky and the VIP index (false and 0 here: the new-flow
   * table depends on neither) nor lb_conf; ASes are not named.
   */
  static List<LbView.Vip> tables(LbApi lb, Function<VipKey, String> frontendOf) {
    List<LbClient.Vip> vips = new ArrayList<>(VppConnection.await(lb.vips()));
    List<LbClient.As> ases = VppConnection.await(lb.ases());
    Map<VipKey, List<LbView.As>> byVip = new HashMap<>();
    for (LbClient.Vip v : vips) {
      byVip.put(v.key(), new ArrayList<>());
    }
    for (LbClient.As a : ases) {
      List<LbView.As> list = byVip.get(a.vip());
      if (list != null) {
        list.add(new LbView.As(a.address(), a.weight(), a.active(), a.buckets(), ""));
      }
    }
    DesiredVip.sortByVip(vips, LbClient.Vip::key);
    List<LbView.Vip> out = new ArrayList<>();
    for (LbClient.Vip v : vips) {
      out.add(
          new LbView.Vip(
              VipId.of(v.key()),
              frontendOf.apply(v.key()),
              v.encap().name().toLowerCase(Locale.ROOT),
              false,
              0,
              v.tableLength() > 0 ? v.tableLength() : DesiredVip.TABLE_LENGTH,
              byVip.get(v.key())));
    }
    return out;
  }

  /**
   * Everything VPP's lb plugin holds, VIPs in address order.
   *
   * @param frontendOf the frontend a VIP belongs to, or ""
   * @param backendOf the backend with an AS's address, or ""
   */
  static LbView view(
      LbApi lb, Function<VipKey, String> frontendOf, Function<InetAddress, String> backendOf) {
    LbClient.Conf conf = VppConnection.await(lb.confGet());
    List<LbClient.Vip> vips = new ArrayList<>(VppConnection.await(lb.vips()));
    List<LbClient.As> ases = VppConnection.await(lb.ases());
    Map<VipKey, VipFacts> facts = VipFacts.parse(VppConnection.await(lb.vipsVerbose()));
    Map<VipKey, List<LbView.As>> byVip = new HashMap<>();
    for (LbClient.Vip v : vips) {
      byVip.put(v.key(), new ArrayList<>());
    }
    for (LbClient.As a : ases) {
      List<LbView.As> list = byVip.get(a.vip());
      if (list != null) {
        list.add(
            new LbView.As(
                a.address(), a.weight(), a.active(), a.buckets(), backendOf.apply(a.address())));
      }
    }
    DesiredVip.sortByVip(vips, LbClient.Vip::key);
    List<LbView.Vip> out = new ArrayList<>();
    for (LbClient.Vip v : vips) {
      VipFacts f = facts.get(v.key());
      out.add(
          new LbView.Vip(
              VipId.of(v.key()),
              frontendOf.apply(v.key()),
              v.encap().name().toLowerCase(Locale.ROOT),
              f != null && f.srcIpSticky(),
              f == null ? 0 : f.index(),
              v.tableLength() > 0 ? v.tableLength() : DesiredVip.TABLE_LENGTH,
              byVip.get(v.key())));
    }
    return new LbView(
        new LbView.Conf(
            conf.ip4Source(), conf.ip6Source(), conf.stickyBucketsPerCore(), conf.flowTimeout()),
        out);
  }
}
