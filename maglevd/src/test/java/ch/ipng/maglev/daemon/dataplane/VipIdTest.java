package ch.ipng.maglev.daemon.dataplane;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetAddress;
import org.junit.jupiter.api.Test;

/** How the API and the metrics name a VIP. */
class VipIdTest {
  @Test
  void theMetricLabel_keepsTheLongIpv6Form_theApiTheShortOne() throws Exception {
    VipId v6 = new VipId(InetAddress.getByName("2001:db8::1"), 128, 6, 443);
    assertThat(v6.label()).isEqualTo("2001:db8:0:0:0:0:0:1/128 tcp 443");
    assertThat(v6.prefixString()).isEqualTo("2001:db8::1/128");

    VipId any = new VipId(InetAddress.getByName("192.0.2.1"), 32, 255, 0);
    assertThat(any.label()).isEqualTo("192.0.2.1/32 any 0");
    assertThat(new VipId(any.prefix(), 32, 17, 53).protocolName()).isEqualTo("udp");
  }
}
