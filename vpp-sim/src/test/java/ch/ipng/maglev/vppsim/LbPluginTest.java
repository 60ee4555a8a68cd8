package ch.ipng.maglev.vppsim;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetAddress;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/** The lb plugin's rules that the captures only show in passing: slots, collection, checks. */
class LbPluginTest {
  private final AtomicLong clock = new AtomicLong(100);
  private final LbPlugin lb = new LbPlugin(clock::get);

  private static byte[] ip(String s) throws Exception {
    return Addresses.parse(InetAddress.getByName(s).getHostAddress());
  }

  private int addVip(String prefix, int plen, int protocol, int port, int encap) throws Exception {
    int[] index = new int[1];
    int rv = lb.addVip(ip(prefix), plen, protocol, port, encap, 0, 0, 1024, false, index);
    return rv == 0 ? index[0] : rv;
  }

  @Test
  void aRemovedAsIsCollectedAfterTheGracePeriodAndItsSlotReused() throws Exception {
    assertThat(addVip("192.0.2.1", 128, 6, 80, LbPlugin.GRE4)).isEqualTo(1);
    LbPlugin.Vip vip = lb.vips.get(1);
    assertThat(lb.addAs(ip("192.0.2.1"), 128, 6, 80, ip("10.0.0.1"), 100, false)).isZero();
    assertThat(lb.addAs(ip("192.0.2.1"), 128, 6, 80, ip("10.0.0.2"), 100, false)).isZero();
    assertThat(lb.delAs(ip("192.0.2.1"), 128, 6, 80, ip("10.0.0.1"), false)).isZero();
    // the delete itself ran the VIP's first collection; the AS waits out its grace period
    assertThat(lb.asRecords()).isEqualTo(2);
    assertThat(lb.buckets(vip, lb.ass.get(2))).isEqualTo(1024);

    clock.addAndGet(LbPlugin.GC_INTERVAL_SECONDS - 1);
    lb.collectAll();
    assertThat(lb.asRecords()).as("at most one collection per interval").isEqualTo(2);
    clock.addAndGet(1);
    lb.collectAll();
    assertThat(lb.asRecords()).isEqualTo(1);
    assertThat(lb.ass.get(1)).isNull();

    assertThat(lb.addAs(ip("192.0.2.1"), 128, 6, 80, ip("10.0.0.3"), 100, false)).isZero();
    assertThat(lb.ass.get(1).address).isEqualTo(ip("10.0.0.3"));
    assertThat(vip.servers(lb)).extracting(a -> a.index).containsExactly(1, 2);
  }

  @Test
  void reAddingARemovedAsBeforeCollectionReusesItsRecord() throws Exception {
    addVip("192.0.2.1", 128, 6, 80, LbPlugin.GRE4);
    lb.addAs(ip("192.0.2.1"), 128, 6, 80, ip("10.0.0.1"), 100, false);
    lb.delAs(ip("192.0.2.1"), 128, 6, 80, ip("10.0.0.1"), false);
    assertThat(lb.delAs(ip("192.0.2.1"), 128, 6, 80, ip("10.0.0.1"), false)).as("again").isZero();
    assertThat(lb.setWeight(ip("192.0.2.1"), 128, 6, 80, ip("10.0.0.1"), 5, false))
        .isEqualTo(LbPlugin.NO_SUCH_ENTRY);
    assertThat(lb.addAs(ip("192.0.2.1"), 128, 6, 80, ip("10.0.0.1"), 75, false)).isZero();
    assertThat(lb.ass.get(1).active).isTrue();
    assertThat(lb.ass.get(1).weight).isEqualTo(75);
    assertThat(lb.addAs(ip("192.0.2.1"), 128, 6, 80, ip("10.0.0.1"), 75, false))
        .isEqualTo(LbPlugin.VALUE_EXIST);
  }

  @Test
  void aDeletedVipLingersUntilItsAsesAreCollectedThenItsSlotIsReused() throws Exception {
    addVip("192.0.2.1", 128, 17, 53, LbPlugin.GRE4);
    addVip("192.0.2.2", 128, 17, 53, LbPlugin.GRE4);
    lb.addAs(ip("192.0.2.1"), 128, 17, 53, ip("10.0.0.1"), 100, false);
    assertThat(lb.delVip(ip("192.0.2.1"), 128, 17, 53)).isZero();
    assertThat(lb.vipSlots()).isEqualTo(3);
    assertThat(lb.delAs(ip("192.0.2.1"), 128, 17, 53, ip("10.0.0.1"), false))
        .as("its ASes are stranded")
        .isEqualTo(LbPlugin.NO_SUCH_ENTRY);
    assertThat(addVip("192.0.2.3", 128, 17, 53, LbPlugin.GRE4))
        .as("slot 1 still taken")
        .isEqualTo(3);
    clock.addAndGet(LbPlugin.GC_INTERVAL_SECONDS);
    lb.collectAll();
    assertThat(lb.vips.get(1)).isNull();
    assertThat(addVip("192.0.2.4", 128, 17, 53, LbPlugin.GRE4)).isEqualTo(1);
  }

  @Test
  void vipChecksRunInVppsOrder() throws Exception {
    addVip("192.0.2.1", 128, 6, 80, LbPlugin.GRE4);
    assertThat(addVip("192.0.2.1", 128, 6, 80, LbPlugin.GRE4)).isEqualTo(LbPlugin.VALUE_EXIST);
    assertThat(addVip("192.0.2.1", 128, 6, 0, LbPlugin.GRE4))
        .as("all-port over per-port")
        .isEqualTo(LbPlugin.VALUE_EXIST);
    assertThat(addVip("192.0.2.1", 128, 6, 443, LbPlugin.GRE6))
        .isEqualTo(LbPlugin.INVALID_ARGUMENT);
    assertThat(addVip("192.0.2.9", 128, 6, 80, LbPlugin.NAT6))
        .as("IPv4 VIP with NAT6")
        .isEqualTo(LbPlugin.INVALID_ADDRESS_FAMILY);
    int[] index = new int[1];
    assertThat(lb.addVip(ip("192.0.2.8"), 128, 6, 80, LbPlugin.GRE4, 0, 0, 100, false, index))
        .isEqualTo(LbPlugin.INVALID_MEMORY_SIZE);
    // an IPv6 VIP with an encap that has no IPv6 type silently becomes ip6-gre6
    int v6 = addVip("2001:db8::1", 128, 6, 80, LbPlugin.L3DSR);
    assertThat(lb.vips.get(v6).type).isEqualTo(LbPlugin.VipType.IP6_GRE6);
    // the port-0 rule: protocol is stored as 255 whatever was sent
    int all = addVip("198.51.100.0", 120, 6, 0, LbPlugin.GRE4);
    assertThat(lb.vips.get(all).protocol).isEqualTo(255);
    assertThat(lb.findVip(ip("198.51.100.7"), 120, 17, 0))
        .as("host bits do not matter")
        .isNotNull();
  }
}
