package ch.ipng.maglev.common;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.InetSocketAddress;
import org.junit.jupiter.api.Test;

class ListenAddressTest {
  @Test
  void goStyleAddresses() {
    assertThat(ListenAddress.parse("--listen", ":8080").getPort()).isEqualTo(8080);
    assertThat(ListenAddress.parse("--listen", ":8080").getAddress().isAnyLocalAddress()).isTrue();
    InetSocketAddress v4 = ListenAddress.parse("--listen", "127.0.0.1:9090");
    assertThat(v4.getAddress().getHostAddress()).isEqualTo("127.0.0.1");
    InetSocketAddress v6 = ListenAddress.parse("--listen", "[::1]:9090");
    assertThat(v6.getAddress().getHostAddress()).isEqualTo("0:0:0:0:0:0:0:1");
  }

  @Test
  void badAddresses_nameTheFlagAndTheExpectedForm() {
    for (String bad : new String[] {"8080", "host:port", ":70000"}) {
      assertThatThrownBy(() -> ListenAddress.parse("--listen", bad))
          .hasMessage(
              "--listen: \"" + bad + "\" (expected: [host]:port, e.g. :9090 or 127.0.0.1:9090)");
    }
  }

  @Test
  void levels() {
    assertThat(Levels.severity("debug")).isZero();
    assertThat(Levels.severity("WARN")).isEqualTo(2);
    assertThatThrownBy(() -> Levels.severity("loud"))
        .hasMessage("log level \"loud\" (expected: debug, info, warn or error)");
  }
}
