package ch.ipng.maglev.vppsim;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import ch.ipng.maglev.vppsim.testing.NamedBackends;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketException;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The forwarder in process, on a simulator programmed directly: its bound. */
class ForwarderTest {
  NamedBackends backends;
  Simulator sim;
  Forwarder forwarder;
  final List<String> log = new CopyOnWriteArrayList<>();
  InetSocketAddress vip;

  @BeforeEach
  void start() throws Exception {
    backends = NamedBackends.start("one");
    int port = backends.port();
    vip = new InetSocketAddress(backends.sibling(50), port);
    sim = new Simulator();
    forwarder = new Forwarder(sim, ForwardRules.parse(List.of(), true, List.of()), log::add, 2);
    forwarder.start();
    byte[] prefix = ForwardRules.ip46(vip.getAddress());
    synchronized (sim) {
      assertThat(
              sim.lb().addVip(prefix, 128, 6, port, LbPlugin.GRE4, 0, 0, 1024, false, new int[1]))
          .isZero();
      assertThat(
              sim.lb()
                  .addAs(prefix, 128, 6, port, ForwardRules.ip46(backends.address(0)), 100, false))
          .isZero();
    }
    forwarder.changed();
    await()
        .atMost(Duration.ofSeconds(10))
        .until(() -> forwarder.status().startsWith("listeners 1"));
  }

  @AfterEach
  void stop() throws Exception {
    forwarder.close();
    backends.close();
  }

  @Test
  void overTheBound_aNewConnectionIsReset_andCountedRefused() throws Exception {
    try (Socket a = open();
        Socket b = open()) {
      assertThat(NamedBackends.send(a, false)).isEqualTo("one");
      assertThat(NamedBackends.send(b, false)).isEqualTo("one");
      assertThat(NamedBackends.name(vip)).isNull();
      assertThat(forwarder.status()).contains(" refused 1 ");
    }
    // the two ended: there is room again
    await().atMost(Duration.ofSeconds(10)).until(() -> "one".equals(NamedBackends.name(vip)));
  }

  @Test
  void aClosedBackend_resetsTheClient() throws Exception {
    backends.close();
    await()
        .atMost(Duration.ofSeconds(10))
        .until(
            () -> {
              try {
                return NamedBackends.name(vip) == null;
              } catch (SocketException e) {
                return true;
              }
            });
    assertThat(forwarder.status()).contains(" connections 0 ");
  }

  Socket open() throws Exception {
    Socket s = new Socket();
    s.connect(vip, 5000);
    s.setSoTimeout(10_000);
    return s;
  }
}
