package ch.ipng.maglev.daemon.dataplane;

import static org.assertj.core.api.Assertions.assertThat;

import ch.ipng.maglev.vpp.lb.LbClient.VipKey;
import java.net.InetAddress;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The CLI's verbose VIP list, in VPP's captured format, gives index and src-ip-sticky. */
class VipFactsTest {
  // From a real VPP's cli_inband reply (vpp-golden), plus a sticky VIP as scenario D shows it.
  static final String OUTPUT =
      " ip4-gre4 [1] 192.0.2.10/32\n  new_size:1024\n  protocol:6 port:80\n  counters:\n"
          + "    packet from existing sessions: 0\n  #as:1\n    10.0.0.1 weight:100 buckets:1024"
          + " flows:0 dpo:12 used\n\n"
          + " ip6-gre6 [2] 2001:db8::10/128\n  new_size:1024\n  protocol:6 port:443\n  counters:\n\n"
          + " ip4-gre4 [3] 198.51.100.0/24\n  new_size:16\n  counters:\n\n"
          + " ip4-gre6 [4] 192.0.2.20/32 removed\n  new_size:1024\n  protocol:17 port:53\n\n"
          + " ip4-gre4 [5] 192.0.2.30/32 src_ip_sticky\n  new_size:1024\n  protocol:6 port:80\n";

  @Test
  void parsesIndexesAndStickinessAndSkipsRemovedVips() throws Exception {
    Map<VipKey, VipFacts> facts = VipFacts.parse(OUTPUT);
    assertThat(facts)
        .containsEntry(
            new VipKey(InetAddress.getByName("192.0.2.10"), 32, 6, 80), new VipFacts(1, false))
        .containsEntry(
            new VipKey(InetAddress.getByName("2001:db8::10"), 128, 6, 443), new VipFacts(2, false))
        .containsEntry(
            new VipKey(InetAddress.getByName("198.51.100.0"), 24, 255, 0), new VipFacts(3, false))
        .containsEntry(
            new VipKey(InetAddress.getByName("192.0.2.30"), 32, 6, 80), new VipFacts(5, true))
        .hasSize(4);
  }

  @Test
  void garbageGivesNothing() {
    assertThat(VipFacts.parse("unknown input `show lb vips verbose'\n")).isEmpty();
    assertThat(VipFacts.parse(" ip4-gre4 [x] nonsense/99\n")).isEmpty();
  }
}
