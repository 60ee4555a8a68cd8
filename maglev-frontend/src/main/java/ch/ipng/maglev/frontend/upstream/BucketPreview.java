package ch.ipng.maglev.frontend.upstream;

import ch.ipng.maglev.proto.FrontendInfo;
import ch.ipng.maglev.proto.PoolBackendInfo;
import ch.ipng.maglev.proto.PoolInfo;
import ch.ipng.maglev.proto.VPPLBAS;
import ch.ipng.maglev.proto.VPPLBState;
import ch.ipng.maglev.proto.VPPLBVIP;
import ch.ipng.maglev.vpp.maglev.MaglevTable;
import com.google.common.net.InetAddresses;
import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * What a weight change would do to a VIP's new-flow table, before it is made: VPP's table now,
 * computed with the lb plugin's own Maglev algorithm from the ASes VPP holds, next to the table
 * with the backend's weight changed. The table depends only on the active ASes' addresses and
 * weights, so the AS indices need not be VPP's.
 */
final class BucketPreview {
  private BucketPreview() {}

  /** One backend's buckets now and after. */
  record Row(String backend, int before, int after) {}

  /** The rows, and how many of the table's buckets would change owner. */
  record Preview(List<Row> rows, int moved, int length) {}

  /**
   * The preview, or empty when VPP holds no VIP for the frontend.
   *
   * @param weight the pool weight asked for; it reaches VPP only while the backend carries traffic
   *     in this pool (up in the active pool), otherwise its AS keeps the weight it has
   */
  static Optional<Preview> of(
      FrontendInfo frontend, VPPLBState lb, String pool, String backend, int weight) {
    VPPLBVIP vip = null;
    for (VPPLBVIP v : lb.getVipsList()) {
      if (v.getFrontend().equals(frontend.getName())) {
        vip = v;
      }
    }
    if (vip == null || vip.getAsesCount() == 0) {
      return Optional.empty();
    }
    int length = vip.getFlowTableLength() > 0 ? vip.getFlowTableLength() : 1024;
    boolean carries = false;
    for (int p = 0; p < frontend.getPoolsCount(); p++) {
      PoolInfo info = frontend.getPools(p);
      for (PoolBackendInfo b : info.getBackendsList()) {
        if (info.getName().equals(pool)
            && b.getName().equals(backend)
            && p == frontend.getActivePool()
            && b.getState().equals("up")) {
          carries = true;
        }
      }
    }
    List<MaglevTable.Server> now = new ArrayList<>();
    List<MaglevTable.Server> after = new ArrayList<>();
    Map<Integer, String> names = new LinkedHashMap<>();
    int index = 1;
    for (VPPLBAS as : vip.getAsesList()) {
      boolean active = (as.getFlags() & 1) != 0;
      var address = InetAddresses.forString(as.getAddress());
      now.add(new MaglevTable.Server(index, address, as.getWeight(), active));
      int w = carries && as.getBackend().equals(backend) ? weight : as.getWeight();
      after.add(new MaglevTable.Server(index, address, w, active));
      names.put(index, as.getBackend().isEmpty() ? as.getAddress() : as.getBackend());
      index++;
    }
    int[] tableNow = MaglevTable.compute(length, now);
    int[] tableAfter = MaglevTable.compute(length, after);
    int[] before = MaglevTable.counts(tableNow, index - 1);
    int[] later = MaglevTable.counts(tableAfter, index - 1);
    int moved = 0;
    for (int i = 0; i < length; i++) {
      if (tableNow[i] != tableAfter[i]) {
        moved++;
      }
    }
    List<Row> rows = new ArrayList<>();
    names.forEach((i, name) -> rows.add(new Row(name, before[i], later[i])));
    return Optional.of(new Preview(rows, moved, length));
  }

  /** {@code {"rows":[{"backend","before","after"}],"moved":n,"buckets":length}} */
  static JsonObject json(Preview p) {
    JsonArray a = new JsonArray();
    for (Row r : p.rows()) {
      JsonObject o = new JsonObject();
      o.addProperty("backend", r.backend());
      o.addProperty("before", r.before());
      o.addProperty("after", r.after());
      a.add(o);
    }
    JsonObject o = new JsonObject();
    o.add("rows", a);
    o.addProperty("moved", p.moved());
    o.addProperty("buckets", p.length());
    return o;
  }
}
