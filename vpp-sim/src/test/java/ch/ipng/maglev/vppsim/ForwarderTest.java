package ch.ipng.maglev.vppsim;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import ch.ipng.maglev.vppsim.testing.NamedBackends;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketException;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
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

  @Test
  void bytesPassBothWaysIntact_withHalfClose() throws Exception {
    // an echo server as the AS of a second VIP, on the port the VIP has
    try (ServerSocket echo = new ServerSocket(0, 50, backends.sibling(60))) {
      int port = echo.getLocalPort();
      Thread server =
          Thread.ofVirtual()
              .start(
                  () -> {
                    try (Socket c = echo.accept()) {
                      c.getInputStream().transferTo(c.getOutputStream());
                      c.shutdownOutput();
                    } catch (IOException e) {
                      // the test fails on what it reads
                    }
                  });
      InetSocketAddress echoVip = new InetSocketAddress(backends.sibling(61), port);
      byte[] prefix = ForwardRules.ip46(echoVip.getAddress());
      synchronized (sim) {
        sim.lb().addVip(prefix, 128, 6, port, LbPlugin.GRE4, 0, 0, 1024, false, new int[1]);
        sim.lb().addAs(prefix, 128, 6, port, ForwardRules.ip46(backends.sibling(60)), 100, false);
      }
      forwarder.changed();
      await()
          .atMost(Duration.ofSeconds(10))
          .until(() -> forwarder.status().startsWith("listeners 2"));
      byte[] sent = new byte[8 << 20];
      new Random(1).nextBytes(sent);
      try (Socket s = new Socket()) {
        s.connect(echoVip, 5000);
        s.setSoTimeout(30_000);
        Thread writer =
            Thread.ofVirtual()
                .start(
                    () -> {
                      try {
                        s.getOutputStream().write(sent);
                        s.shutdownOutput();
                      } catch (IOException e) {
                        // the read below fails
                      }
                    });
        byte[] got = s.getInputStream().readAllBytes();
        writer.join();
        assertThat(got.length).isEqualTo(sent.length);
        assertThat(Arrays.equals(got, sent)).isTrue();
      }
      server.join();
    }
    await()
        .atMost(Duration.ofSeconds(10))
        .until(() -> forwarder.status().contains(" connections 0 "));
  }

  Socket open() throws Exception {
    Socket s = new Socket();
    s.connect(vip, 5000);
    s.setSoTimeout(10_000);
    return s;
  }
}
