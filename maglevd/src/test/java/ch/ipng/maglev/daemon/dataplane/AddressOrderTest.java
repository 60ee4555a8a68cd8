package ch.ipng.maglev.daemon.dataplane;

import static org.assertj.core.api.Assertions.assertThat;

import ch.ipng.maglev.vpp.lb.LbClient.VipKey;
import java.net.InetAddress;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** The fast sorts used on every transition agree with the comparators that define the order. */
class AddressOrderTest {
  static List<InetAddress> addresses() throws Exception {
    List<InetAddress> out = new ArrayList<>();
    for (String s :
        List.of(
            "10.0.0.20",
            "10.0.0.3",
            "10.0.0.200",
            "192.0.2.1",
            "1.2.3.4",
            "255.255.255.255",
            "0.0.0.0",
            "128.0.0.1",
            "2001:db8::1",
            "2001:db8::10",
            "::1",
            "ff02::1",
            "8000::")) {
      out.add(InetAddress.getByName(s));
    }
    return out;
  }

  @Test
  void inAddressOrder_matchesAddressOrder() throws Exception {
    List<InetAddress> expected = addresses();
    expected.sort(DesiredVip.ADDRESS_ORDER);
    assertThat(expected.get(0).getHostAddress()).isEqualTo("0.0.0.0");
    assertThat(expected.getLast().getHostAddress()).isEqualTo("ff02:0:0:0:0:0:0:1");
    Random random = new Random(7);
    for (int i = 0; i < 20; i++) {
      List<InetAddress> shuffled = addresses();
      Collections.shuffle(shuffled, random);
      assertThat(DesiredVip.inAddressOrder(shuffled)).containsExactlyElementsOf(expected);
    }
  }

  @Test
  void sortByVip_matchesVipOrder() throws Exception {
    List<VipKey> keys = new ArrayList<>();
    for (InetAddress a : addresses()) {
      int length = a.getAddress().length * 8;
      keys.add(new VipKey(a, length, 6, 443));
      keys.add(new VipKey(a, length, 6, 80));
      keys.add(new VipKey(a, length, 17, 53));
    }
    List<VipKey> expected = new ArrayList<>(keys);
    expected.sort(DesiredVip.VIP_ORDER);
    Random random = new Random(11);
    for (int i = 0; i < 20; i++) {
      List<VipKey> shuffled = new ArrayList<>(keys);
      Collections.shuffle(shuffled, random);
      DesiredVip.sortByVip(shuffled, k -> k);
      assertThat(shuffled).containsExactlyElementsOf(expected);
    }
  }
}
