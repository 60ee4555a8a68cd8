package ch.ipng.maglev.daemon.dataplane;

import static org.assertj.core.api.Assertions.assertThat;

import ch.ipng.maglev.daemon.dataplane.Plan.ActualAs;
import ch.ipng.maglev.daemon.dataplane.Plan.ActualVip;
import ch.ipng.maglev.daemon.dataplane.Plan.AddAs;
import ch.ipng.maglev.daemon.dataplane.Plan.AddVip;
import ch.ipng.maglev.daemon.dataplane.Plan.AsKey;
import ch.ipng.maglev.daemon.dataplane.Plan.DelAs;
import ch.ipng.maglev.daemon.dataplane.Plan.DelVip;
import ch.ipng.maglev.daemon.dataplane.Plan.SetWeight;
import ch.ipng.maglev.daemon.health.EffectiveWeights.Weight;
import ch.ipng.maglev.vpp.lb.LbClient.Encap;
import ch.ipng.maglev.vpp.lb.LbClient.VipKey;
import java.net.InetAddress;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

/** The planner alone: ordering, flush rules, re-creation, and nothing to do when in sync. */
class PlanTest {
  static InetAddress ip(String s) throws Exception {
    return InetAddress.getByName(s);
  }

  static VipKey vip(String address, int port) throws Exception {
    InetAddress a = ip(address);
    return new VipKey(a, a.getAddress().length == 4 ? 32 : 128, 6, port);
  }

  static DesiredVip desired(VipKey key, boolean sticky, Map<String, Weight> ases) throws Exception {
    Map<InetAddress, Weight> w = new TreeMap<>(DesiredVip.ADDRESS_ORDER);
    for (Map.Entry<String, Weight> e : ases.entrySet()) {
      w.put(ip(e.getKey()), e.getValue());
    }
    return new DesiredVip("f", key, Encap.GRE4, sticky, w, Map.of());
  }

  static Weight w(int weight) {
    return new Weight(weight, false);
  }

  @Test
  void fromEmptyVipsAndAsesComeInAddressOrder() throws Exception {
    Map<String, Weight> ases = new LinkedHashMap<>();
    ases.put("10.0.0.20", w(100));
    ases.put("10.0.0.3", w(50));
    List<Plan.Op> ops =
        Plan.of(
            List.of(
                desired(vip("192.0.2.9", 80), false, ases),
                desired(vip("192.0.2.1", 80), false, Map.of())),
            List.of(),
            true,
            Set.of(),
            null);
    assertThat(ops)
        .containsExactly(
            new AddVip(vip("192.0.2.1", 80), Encap.GRE4, false),
            new AddVip(vip("192.0.2.9", 80), Encap.GRE4, false),
            new AddAs(vip("192.0.2.9", 80), ip("10.0.0.3"), 50),
            new AddAs(vip("192.0.2.9", 80), ip("10.0.0.20"), 100));
  }

  @Test
  void inSyncMeansNoWrite() throws Exception {
    VipKey k = vip("192.0.2.1", 80);
    assertThat(
            Plan.of(
                List.of(desired(k, false, Map.of("10.0.0.1", w(100)))),
                List.of(
                    new ActualVip(
                        k, Encap.GRE4, false, List.of(new ActualAs(ip("10.0.0.1"), 100, true)))),
                true,
                Set.of(),
                null))
        .isEmpty();
  }

  @Test
  void aDueFlushIsWrittenOnceEvenAtTheSameWeight() throws Exception {
    VipKey k = vip("192.0.2.1", 80);
    DesiredVip d = desired(k, false, Map.of("10.0.0.1", new Weight(0, true)));
    List<ActualVip> actual =
        List.of(
            new ActualVip(k, Encap.GRE4, false, List.of(new ActualAs(ip("10.0.0.1"), 0, true))));
    assertThat(Plan.of(List.of(d), actual, false, Set.of(), null))
        .containsExactly(new SetWeight(k, ip("10.0.0.1"), 0, true));
    assertThat(Plan.of(List.of(d), actual, false, Set.of(new AsKey(k, ip("10.0.0.1"))), null))
        .isEmpty();
    // an operator's explicit flush is always written
    assertThat(
            Plan.of(
                List.of(desired(k, false, Map.of("10.0.0.1", w(0)))),
                actual,
                false,
                Set.of(new AsKey(k, ip("10.0.0.1"))),
                new AsKey(k, ip("10.0.0.1"))))
        .containsExactly(new SetWeight(k, ip("10.0.0.1"), 0, true));
  }

  @Test
  void aStickyFlipRecreatesTheVipAndStraysGoAfterTheirAses() throws Exception {
    VipKey k = vip("192.0.2.1", 80);
    VipKey stray = vip("2001:db8::1", 443);
    List<ActualVip> actual =
        List.of(
            new ActualVip(
                stray, Encap.GRE6, false, List.of(new ActualAs(ip("2001:db8::9"), 100, true))),
            new ActualVip(
                k,
                Encap.GRE4,
                false,
                List.of(
                    new ActualAs(ip("10.0.0.1"), 100, true),
                    new ActualAs(ip("10.0.0.2"), 0, false))));
    assertThat(
            Plan.of(
                List.of(desired(k, true, Map.of("10.0.0.1", w(100)))),
                actual,
                true,
                Set.of(),
                null))
        .containsExactly(
            new DelAs(stray, ip("2001:db8::9")),
            new DelVip(stray),
            new DelAs(k, ip("10.0.0.1")),
            new DelVip(k),
            new AddVip(k, Encap.GRE4, true),
            new AddAs(k, ip("10.0.0.1"), 100));
    // a per-frontend sync never deletes other VIPs
    assertThat(
            Plan.of(
                List.of(desired(k, false, Map.of("10.0.0.1", w(100)))),
                actual,
                false,
                Set.of(),
                null))
        .isEmpty();
  }

  @Test
  void removedAsesAreReAddedAndExtraOnesDeleted() throws Exception {
    VipKey k = vip("192.0.2.1", 80);
    List<ActualVip> actual =
        List.of(
            new ActualVip(
                k,
                Encap.GRE4,
                false,
                List.of(
                    new ActualAs(ip("10.0.0.1"), 100, false),
                    new ActualAs(ip("10.0.0.9"), 100, true))));
    assertThat(
            Plan.of(
                List.of(desired(k, false, Map.of("10.0.0.1", w(30)))),
                actual,
                true,
                Set.of(),
                null))
        .containsExactly(new AddAs(k, ip("10.0.0.1"), 30), new DelAs(k, ip("10.0.0.9")));
  }
}
