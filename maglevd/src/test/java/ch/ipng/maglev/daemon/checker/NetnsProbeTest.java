package ch.ipng.maglev.daemon.checker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import ch.ipng.maglev.daemon.events.EventBus;
import ch.ipng.maglev.daemon.health.BackendState;
import ch.ipng.maglev.daemon.health.Jitter;
import ch.ipng.maglev.daemon.model.ModelHub;
import ch.ipng.maglev.daemon.probe.ProbeNamespace;
import ch.ipng.maglev.daemon.probe.Probers;
import ch.ipng.maglev.daemon.testing.Configs;
import ch.ipng.maglev.daemon.testing.Netns;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.time.Duration;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** Probing inside a real network namespace made for the test (root only). */
class NetnsProbeTest {
  final ModelHub models = ModelHub.create();

  Checker newChecker() {
    return Checker.of(
        EventBus.create(),
        Jitter.of(new SplittableRandom(3)),
        ProbeListener.NONE,
        n -> Probers.of(n, "test"),
        models);
  }

  @Test
  void backendReachableOnlyInTheNamespace_goesUp() throws Exception {
    String reason = Netns.unavailableReason();
    if (reason != null) {
      System.out.println("skipped NetnsProbeTest: " + reason);
    }
    assumeTrue(reason == null, reason);
    try (Netns ns = Netns.create();
        ProbeNamespace inside = ProbeNamespace.named(ns.name())) {
      // A listener on 127.0.0.1 of the namespace, accepted from here: the socket keeps its netns.
      ServerSocketChannel server =
          inside.call(
              () ->
                  ServerSocketChannel.open()
                      .bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0)));
      int port = ((InetSocketAddress) server.getLocalAddress()).getPort();
      // Answers an HTTP request with 200 "healthy"; a bare connect (tcp check) just ends.
      Thread acceptor =
          Thread.ofPlatform()
              .daemon()
              .start(
                  () -> {
                    try {
                      while (true) {
                        SocketChannel c = server.accept();
                        Thread.ofVirtual().start(() -> answer(c));
                      }
                    } catch (java.io.IOException e) {
                      // closed at the end of the test
                    }
                  });
      // The same port in maglevd's own namespace is closed.
      boolean reachableHere;
      try (var probe = new java.net.Socket()) {
        probe.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 300);
        reachableHere = true;
      } catch (java.io.IOException e) {
        reachableHere = false;
      }
      assertThat(reachableHere).isFalse();

      Checker checker = newChecker();
      try {
        checker.apply(
            Configs.parse(
                """
                maglev:
                  healthchecker: { netns: %s }
                  healthchecks:
                    t: { type: tcp, port: %d, interval: 100ms }
                    h: { type: http, port: %d, interval: 100ms }
                    r: { type: http, port: %d, interval: 100ms, params: { response-regexp: healthy } }
                  backends:
                    b: { address: 127.0.0.1, healthcheck: t }
                    h: { address: 127.0.0.1, healthcheck: h }
                    r: { address: 127.0.0.1, healthcheck: r }
                """
                    .formatted(ns.name(), port, port, port)));
        // tcp and plain http on the lean epoll path, the regexp on a Netty channel: all inside
        await()
            .atMost(Duration.ofSeconds(5))
            .untilAsserted(
                () ->
                    assertThat(java.util.List.of("b", "h", "r"))
                        .allMatch(n -> models.current().state(n) == BackendState.UP));
        assertThat(checker.backend("b").orElseThrow().probes().get(0).code().label())
            .isEqualTo("L4OK");
        assertThat(checker.backend("h").orElseThrow().probes().get(0).code().label())
            .isEqualTo("L7OK");
        assertThat(checker.backend("r").orElseThrow().probes().get(0).code().label())
            .isEqualTo("L7OK");
      } finally {
        checker.close();
        server.close();
        acceptor.interrupt();
      }
    }
  }

  /** Reads what the client sends; answers a request with 200 "healthy"; closes. */
  private static void answer(SocketChannel c) {
    try (c) {
      java.nio.ByteBuffer in = java.nio.ByteBuffer.allocate(4096);
      if (c.read(in) > 0) {
        c.write(
            java.nio.ByteBuffer.wrap(
                "HTTP/1.0 200 OK\r\nContent-Length: 7\r\n\r\nhealthy"
                    .getBytes(java.nio.charset.StandardCharsets.US_ASCII)));
      }
    } catch (java.io.IOException e) {
      // the probe hung up: a tcp check does at once
    }
  }

  @Test
  void missingNamespace_failsEveryProbeWithItsName() throws Exception {
    Checker checker = newChecker();
    try (ServerSocket unused = new ServerSocket(0)) {
      checker.apply(
          Configs.parse(
              "maglev:\n  healthchecker: { netns: nosuchns }\n  healthchecks:\n    t: { type: tcp, port: "
                  + unused.getLocalPort()
                  + ", interval: 100ms }\n  backends:\n    b: { address: 127.0.0.1, healthcheck: t }\n"));
      await().until(() -> models.current().state("b") == BackendState.DOWN);
      var probe = checker.backend("b").orElseThrow().probes().get(0);
      assertThat(probe.code().label()).isEqualTo("L4CON");
      assertThat(probe.detail()).isEqualTo("enter netns \"nosuchns\": no such file or directory");
      // the same for a check on a Netty channel (a body regexp)
      checker.apply(
          Configs.parse(
              "maglev:\n  healthchecker: { netns: nosuchns }\n  healthchecks:\n    t: { type: http, port: "
                  + unused.getLocalPort()
                  + ", interval: 100ms, params: { response-regexp: x } }\n  backends:\n    b: { address: 127.0.0.1, healthcheck: t }\n"));
      await()
          .until(
              () ->
                  checker.backend("b").orElseThrow().probes().stream()
                      .anyMatch(
                          p ->
                              p.detail()
                                      .equals("enter netns \"nosuchns\": no such file or directory")
                                  && p.code().label().equals("L4CON")
                                  && p.startEpochNanos() > probe.startEpochNanos()));
    } finally {
      checker.close();
    }
  }
}
