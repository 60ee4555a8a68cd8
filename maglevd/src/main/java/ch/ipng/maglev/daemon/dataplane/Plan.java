package ch.ipng.maglev.daemon.dataplane;

import ch.ipng.maglev.daemon.health.EffectiveWeights;
import ch.ipng.maglev.vpp.lb.LbClient.Encap;
import ch.ipng.maglev.vpp.lb.LbClient.VipKey;
import java.net.InetAddress;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * The writes that bring VPP from what it holds to what is desired: a pure function, so the same
 * inputs always give the same sequence. ASes leave before their VIP; a VIP whose encap or
 * src-ip-sticky differs is re-created; weights are written when they differ, or when a flush is due
 * that has not been done at this weight yet.
 */
public final class Plan {
  private Plan() {}

  /** What VPP holds for one VIP. */
  public record ActualVip(VipKey key, Encap encap, boolean srcIpSticky, List<ActualAs> ases) {}

  /** One AS record in VPP; inactive ones await garbage collection. */
  public record ActualAs(InetAddress address, int weight, boolean active) {}

  /** One write to VPP. */
  public sealed interface Op {
    VipKey vip();
  }

  public record AddVip(VipKey vip, Encap encap, boolean srcIpSticky) implements Op {}

  public record DelVip(VipKey vip) implements Op {}

  public record AddAs(VipKey vip, InetAddress address, int weight) implements Op {}

  public record DelAs(VipKey vip, InetAddress address) implements Op {}

  public record SetWeight(VipKey vip, InetAddress address, int weight, boolean flush)
      implements Op {}

  /** An AS of a VIP, for the set of flushes already done. */
  public record AsKey(VipKey vip, InetAddress address) {}

  /**
   * Plans the writes.
   *
   * @param desired the VIPs to reconcile
   * @param actual every VIP VPP holds
   * @param deleteStrays whether VIPs not desired are deleted (full sync) or left alone (a
   *     per-frontend sync)
   * @param flushed ASes already flushed at their current weight 0: a flush is not repeated
   * @param forceFlush an AS whose weight call must flush even when nothing else changed
   */
  public static List<Op> of(
      List<DesiredVip> desired,
      List<ActualVip> actual,
      boolean deleteStrays,
      Set<AsKey> flushed,
      @Nullable AsKey forceFlush) {
    Map<VipKey, ActualVip> byKey = new HashMap<>();
    for (ActualVip a : actual) {
      byKey.put(a.key(), a);
    }
    List<Op> ops = new ArrayList<>();
    if (deleteStrays) {
      Set<VipKey> wanted = new java.util.HashSet<>();
      desired.forEach(d -> wanted.add(d.key()));
      List<ActualVip> strays = new ArrayList<>();
      for (ActualVip a : actual) {
        if (!wanted.contains(a.key())) {
          strays.add(a);
        }
      }
      DesiredVip.sortByVip(strays, ActualVip::key);
      strays.forEach(a -> tearDown(a, ops));
    }
    List<DesiredVip> ordered = new ArrayList<>(desired);
    DesiredVip.sortByVip(ordered, DesiredVip::key);
    for (DesiredVip d : ordered) {
      ActualVip a = byKey.get(d.key());
      if (a != null && (a.encap() != d.encap() || a.srcIpSticky() != d.srcIpSticky())) {
        tearDown(a, ops);
        a = null;
      }
      if (a == null) {
        ops.add(new AddVip(d.key(), d.encap(), d.srcIpSticky()));
        d.ases().forEach((address, w) -> ops.add(new AddAs(d.key(), address, w.weight())));
        continue;
      }
      Map<InetAddress, ActualAs> have = new HashMap<>();
      for (ActualAs as : a.ases()) {
        have.put(as.address(), as);
      }
      for (Map.Entry<InetAddress, EffectiveWeights.Weight> e : d.ases().entrySet()) {
        ActualAs as = have.get(e.getKey());
        int weight = e.getValue().weight();
        AsKey key = new AsKey(d.key(), e.getKey());
        boolean force = key.equals(forceFlush);
        if (as == null || !as.active()) {
          ops.add(new AddAs(d.key(), e.getKey(), weight));
          if (force) {
            ops.add(new SetWeight(d.key(), e.getKey(), weight, true));
          }
        } else if (as.weight() != weight
            || force
            || (e.getValue().flush() && weight == 0 && !flushed.contains(key))) {
          ops.add(new SetWeight(d.key(), e.getKey(), weight, e.getValue().flush() || force));
        }
      }
      List<ActualAs> extra = new ArrayList<>();
      for (ActualAs as : a.ases()) {
        if (as.active() && !d.ases().containsKey(as.address())) {
          extra.add(as);
        }
      }
      DesiredVip.sortByAddress(extra, ActualAs::address);
      extra.forEach(as -> ops.add(new DelAs(d.key(), as.address())));
    }
    return ops;
  }

  /** ASes deleted with flush first, then the VIP: deleting a VIP with ASes strands them. */
  private static void tearDown(ActualVip a, List<Op> ops) {
    List<ActualAs> active = new ArrayList<>();
    for (ActualAs as : a.ases()) {
      if (as.active()) {
        active.add(as);
      }
    }
    DesiredVip.sortByAddress(active, ActualAs::address);
    active.forEach(as -> ops.add(new DelAs(a.key(), as.address())));
    ops.add(new DelVip(a.key()));
  }
}
