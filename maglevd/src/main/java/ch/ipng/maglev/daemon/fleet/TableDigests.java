package ch.ipng.maglev.daemon.fleet;

import static java.util.Objects.requireNonNull;

import ch.ipng.maglev.daemon.dataplane.DesiredVip;
import ch.ipng.maglev.daemon.dataplane.LbView;
import ch.ipng.maglev.daemon.dataplane.VipId;
import ch.ipng.maglev.vpp.maglev.MaglevTable;
import ch.ipng.maglev.vpp.maglev.TableDigest;
import java.net.InetAddress;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Per VIP, the digest ({@link TableDigest}) of the new-flow table VPP builds from the ASes and
 * weights it holds, and of the table maglevd wants from its frontend's effective weights. Pure: the
 * tables are computed with {@link MaglevTable}, which matches VPP's bucket for bucket, so the first
 * is the digest of what VPP forwards by.
 */
public final class TableDigests {
  private TableDigests() {}

  /**
   * One VIP's digests.
   *
   * @param frontend the frontend the VIP belongs to, "" for none
   * @param vpp the digest of VPP's table; "" when VPP holds no such VIP
   * @param desired the digest of the table maglevd wants; "" when no frontend has the VIP
   */
  public record Vip(VipId id, String frontend, String vpp, String desired) {
    public Vip {
      requireNonNull(id, "id");
      requireNonNull(frontend, "frontend");
      requireNonNull(vpp, "vpp");
      requireNonNull(desired, "desired");
    }

    /** VPP holds the table maglevd wants. */
    public boolean agrees() {
      return vpp.equals(desired);
    }
  }

  /**
   * Every VIP of {@code vips} (VPP's, e.g. {@link LbView#vips}), in their order, then every desired
   * VIP that VPP does not hold.
   *
   * @param desired what maglevd wants, e.g. {@link DesiredVip#all}; its tables have VPP's length
   *     for the VIP where VPP holds it, else {@link DesiredVip#TABLE_LENGTH}
   */
  public static List<Vip> of(List<LbView.Vip> vips, List<DesiredVip> desired) {
    return of(vips, desired, DigestMemo.create()); // a fresh memo: every table computed once
  }

  /**
   * As {@link #of(List, List)}, taking a table's digest from {@code memo} when the same servers and
   * weights were digested before: a scrape every few seconds then computes only the tables that
   * changed since the last one.
   */
  public static List<Vip> of(List<LbView.Vip> vips, List<DesiredVip> desired, DigestMemo memo) {
    Map<VipId, DesiredVip> wanted = new LinkedHashMap<>();
    for (DesiredVip d : desired) {
      wanted.put(
          new VipId(d.key().prefix(), d.key().length(), d.key().protocol(), d.key().port()), d);
    }
    List<Vip> out = new ArrayList<>();
    for (LbView.Vip v : vips) {
      DesiredVip d = wanted.remove(v.id());
      out.add(
          new Vip(
              v.id(),
              d != null ? d.frontend() : v.frontend(),
              memo.digest(v.flowTableLength(), vppServers(v)),
              d == null ? "" : memo.digest(v.flowTableLength(), desiredServers(d))));
    }
    for (Map.Entry<VipId, DesiredVip> e : wanted.entrySet()) {
      DesiredVip d = e.getValue();
      out.add(
          new Vip(
              e.getKey(),
              d.frontend(),
              "",
              memo.digest(DesiredVip.TABLE_LENGTH, desiredServers(d))));
    }
    memo.passDone();
    return out;
  }

  /** A digest as the number a Prometheus sample holds exactly (below 2^52). */
  public static long value(String digest) {
    return TableDigest.value(digest);
  }

  /** The digest of the table VPP builds for {@code v} from its active ASes and their weights. */
  public static String ofVpp(LbView.Vip v) {
    return TableDigest.of(v.flowTableLength(), vppServers(v));
  }

  /** The digest of the table VPP would build from the weights maglevd wants for {@code d}. */
  public static String ofDesired(DesiredVip d, int length) {
    return TableDigest.of(length, desiredServers(d));
  }

  private static List<MaglevTable.Server> vppServers(LbView.Vip v) {
    List<MaglevTable.Server> servers = new ArrayList<>(v.ases().size());
    int index = 1;
    for (LbView.As a : v.ases()) {
      servers.add(new MaglevTable.Server(index++, a.address(), a.weight(), a.active()));
    }
    return servers;
  }

  private static List<MaglevTable.Server> desiredServers(DesiredVip d) {
    List<MaglevTable.Server> servers = new ArrayList<>(d.ases().size());
    int index = 1;
    for (Map.Entry<InetAddress, ch.ipng.maglev.daemon.health.EffectiveWeights.Weight> e :
        d.ases().entrySet()) {
      servers.add(new MaglevTable.Server(index++, e.getKey(), e.getValue().weight(), true));
    }
    return servers;
  }
}
