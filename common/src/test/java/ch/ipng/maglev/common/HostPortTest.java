package ch.ipng.maglev.common;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** Splitting a flow endpoint into host and port as operators write it. */
class HostPortTest {
  @Test
  void ipv4_withAndWithoutPort() {
    assertThat(HostPort.split("192.0.2.1:80")).isEqualTo(new HostPort("192.0.2.1", "80", false));
    assertThat(HostPort.split("192.0.2.1")).isEqualTo(new HostPort("192.0.2.1", null, false));
    assertThat(HostPort.split("192.0.2.1:80").portNumber()).isEqualTo(80);
  }

  @Test
  void ipv6_bracketedWithPort_bracketedAlone_orBare() {
    assertThat(HostPort.split("[2001:db8::1]:443"))
        .isEqualTo(new HostPort("2001:db8::1", "443", true));
    assertThat(HostPort.split("[2001:db8::1]")).isEqualTo(new HostPort("2001:db8::1", null, true));
    // several colons: a bare IPv6 address, no port
    assertThat(HostPort.split("2001:db8::1")).isEqualTo(new HostPort("2001:db8::1", null, false));
  }

  @Test
  void wrongBrackets_areRefused() {
    assertThat(HostPort.split("[2001:db8::1")).isNull();
    assertThat(HostPort.split("[2001:db8::1]80")).isNull();
    assertThat(HostPort.split("[2001:db8::1]x:80")).isNull();
  }

  @Test
  void portNumber_isMinusOne_whenMissingOrNotAPort() {
    assertThat(HostPort.split("192.0.2.1").portNumber()).isEqualTo(-1);
    assertThat(HostPort.split("192.0.2.1:").portNumber()).isEqualTo(-1);
    assertThat(HostPort.split("192.0.2.1:65536").portNumber()).isEqualTo(-1);
    assertThat(HostPort.split("192.0.2.1:123456").portNumber()).isEqualTo(-1);
    assertThat(HostPort.split("192.0.2.1:-1").portNumber()).isEqualTo(-1);
    assertThat(HostPort.split("192.0.2.1:８０").portNumber()).isEqualTo(-1);
    assertThat(HostPort.split("192.0.2.1:65535").portNumber()).isEqualTo(65535);
    assertThat(HostPort.split("192.0.2.1:0").portNumber()).isZero();
  }
}
