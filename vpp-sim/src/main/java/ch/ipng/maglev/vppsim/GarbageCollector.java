package ch.ipng.maglev.vppsim;

import ch.ipng.maglev.vppsim.LbPlugin.As;
import ch.ipng.maglev.vppsim.LbPlugin.Vip;
import java.util.ArrayList;
import java.util.function.LongSupplier;

/**
 * The lb plugin's garbage collection: frees removed ASes after the grace period once no forwarded
 * connection (sticky entry) uses them, at most once per interval per VIP, and a deleted VIP once it
 * has no AS left.
 */
final class GarbageCollector {
  private final Pool<Vip> vips;
  private final Pool<As> ass;
  private final LongSupplier uptimeSeconds;

  GarbageCollector(Pool<Vip> vips, Pool<As> ass, LongSupplier uptimeSeconds) {
    this.vips = vips;
    this.ass = ass;
    this.uptimeSeconds = uptimeSeconds;
  }

  /** Every VIP, as VPP's periodic process runs it. */
  void collectAll() {
    for (Vip v : new ArrayList<>(vips.slots)) {
      if (v != null) {
        collect(v);
      }
    }
  }

  /** One VIP, unless it was collected less than an interval ago. */
  void collect(Vip vip) {
    long now = uptimeSeconds.getAsLong();
    if (now - vip.lastGc < LbPlugin.GC_INTERVAL_SECONDS) {
      return;
    }
    vip.lastGc = now;
    for (int slot = 0; slot < vip.servers.slots.size(); slot++) {
      Integer i = vip.servers.slots.get(slot);
      if (i == null) {
        continue;
      }
      As as = ass.slots.get(i);
      if (!as.active && as.flows == 0 && now - as.lastUsed >= LbPlugin.GC_GRACE_SECONDS) {
        ass.free(i);
        vip.servers.free(slot);
      }
    }
    if (!vip.active && vip.servers.slots.stream().allMatch(i -> i == null)) {
      vips.free(vip.index);
    }
  }
}
