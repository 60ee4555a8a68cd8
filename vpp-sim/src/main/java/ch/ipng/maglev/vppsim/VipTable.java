package ch.ipng.maglev.vppsim;

import ch.ipng.maglev.vpp.maglev.MaglevTable;
import ch.ipng.maglev.vppsim.LbPlugin.As;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * One VIP's Maglev table, rebuilt at its next reading after a change. VPP rebuilds at once;
 * building lazily gives every reader the same table (it depends only on the active servers and
 * their weights, which only the calls that mark it change) and spares a burst of weight calls one
 * Maglev computation each.
 */
final class VipTable {
  private final int length;
  private int[] buckets;
  private boolean stale;

  VipTable(int length) {
    this.length = length;
    this.buckets = new int[length];
  }

  /** The servers or their weights changed. */
  void markStale() {
    stale = true;
  }

  /**
   * The AS index in each bucket, built from {@code servers} (the VIP's AS records in pool order)
   * when stale. An AS takes no buckets when it or the VIP is removed.
   */
  int[] buckets(List<As> servers, boolean vipActive) {
    if (stale) {
      List<MaglevTable.Server> in = new ArrayList<>();
      for (As as : servers) {
        in.add(
            new MaglevTable.Server(as.index, inet(as.address), as.weight, as.active && vipActive));
      }
      buckets = MaglevTable.compute(length, in);
      stale = false;
    }
    return buckets;
  }

  private static InetAddress inet(byte[] ip46) {
    try {
      return InetAddress.getByAddress(
          LbPlugin.isIp4(ip46) ? Arrays.copyOfRange(ip46, 12, 16) : ip46);
    } catch (UnknownHostException e) {
      throw new IllegalArgumentException(e);
    }
  }
}
