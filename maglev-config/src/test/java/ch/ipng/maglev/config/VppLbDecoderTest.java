package ch.ipng.maglev.config;

import static ch.ipng.maglev.config.Decoding.config;
import static ch.ipng.maglev.config.Decoding.errors;
import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class VppLbDecoderTest {
  private static String lb(String body) {
    return "maglev:\n  vpp:\n    lb:\n" + body.indent(6);
  }

  @Test
  void everyKey_isRead() throws Exception {
    VppLbSettings s =
        config(
                lb(
                    """
                    sync-interval: 10s
                    ipv4-src-address: 192.0.2.254
                    ipv6-src-address: 2001:db8::254
                    sticky-buckets-per-core: 1024
                    flow-timeout: 120s
                    startup-min-delay: 0s
                    startup-max-delay: 0s
                    """))
            .vppLb();
    assertThat(s.syncInterval()).isEqualTo(Duration.ofSeconds(10));
    assertThat(s.ipv4SrcAddress()).hasToString("/192.0.2.254");
    assertThat(s.ipv6SrcAddress()).hasToString("/2001:db8:0:0:0:0:0:254");
    assertThat(s.stickyBucketsPerCore()).isEqualTo(1024);
    assertThat(s.flowTimeout()).isEqualTo(Duration.ofMinutes(2));
    assertThat(s.startupMinDelay()).isZero();
    assertThat(s.startupMaxDelay()).isZero();
  }

  @Test
  void ipv4ForTheIpv6Source_isTheWrongFamily() {
    assertThat(errors(lb("ipv6-src-address: 192.0.2.254\n")))
        .containsExactly(
            "maglev.vpp.lb.ipv6-src-address: wrong address family (expected: an IPv6 address)"
                + " (line 4, column 25)");
  }

  @Test
  void zeroSyncInterval_isRefused() {
    assertThat(errors(lb("sync-interval: 0s\n")))
        .containsExactly("maglev.vpp.lb.sync-interval: 0s (expected: > 0) (line 4, column 22)");
  }

  @Test
  void flowTimeoutInFractionsOfASecond_isRefused() {
    assertThat(errors(lb("flow-timeout: 1500ms\n")))
        .containsExactly(
            "maglev.vpp.lb.flow-timeout: flow-timeout: 1.5s (expected: whole seconds from 1s to"
                + " 120s) (line 4, column 21)");
  }

  @Test
  void negativeStartupDelay_isRefused() {
    assertThat(errors(lb("startup-min-delay: -1s\n")))
        .containsExactly(
            "maglev.vpp.lb.startup-min-delay: -1s (expected: >= 0) (line 4, column 26)");
  }

  @Test
  void maxDelayBelowMinDelay_isRefusedAtTheMax() {
    assertThat(errors(lb("startup-min-delay: 10s\nstartup-max-delay: 5s\n")))
        .containsExactly(
            "maglev.vpp.lb.startup-max-delay: startup-max-delay: 5s (expected: at least"
                + " startup-min-delay, 10s) (line 5, column 26)");
  }

  @Test
  void minDelayAboveTheDefaultMax_isRefusedAtTheSection() {
    assertThat(errors(lb("startup-min-delay: 1m\n")))
        .containsExactly(
            "maglev.vpp.lb: startup-max-delay: 30s (expected: at least startup-min-delay, 1m0s)"
                + " (line 4, column 7)");
  }

  @Test
  void vppWithoutLb_whenProgrammingVpp_isReportedAtVpp() {
    assertThat(errors("maglev:\n  vpp: {}\n", ConfigLoader.Use.PROGRAMS_VPP))
        .containsExactly(
            "maglev.vpp.lb: missing (expected: ipv4-src-address and ipv6-src-address, required"
                + " when maglevd programs VPP, i.e. with a non-empty --vpp-api-addr) (line 2,"
                + " column 3)");
  }

  @Test
  void emptyLb_whenProgrammingVpp_namesBothAddresses() {
    assertThat(errors("maglev:\n  vpp:\n    lb: {}\n", ConfigLoader.Use.PROGRAMS_VPP))
        .containsExactly(
            "maglev.vpp.lb.ipv4-src-address: missing (expected: an IPv4 address, required when"
                + " maglevd programs VPP, i.e. with a non-empty --vpp-api-addr) (line 3, column 5)",
            "maglev.vpp.lb.ipv6-src-address: missing (expected: an IPv6 address, required when"
                + " maglevd programs VPP, i.e. with a non-empty --vpp-api-addr) (line 3, column 5)");
  }
}
