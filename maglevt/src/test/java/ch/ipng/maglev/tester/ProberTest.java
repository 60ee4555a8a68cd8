package ch.ipng.maglev.tester;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetAddress;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Probes against real loopback servers: each outcome, the tally header, the connections. */
class ProberTest {
  private final List<AutoCloseable> closing = new ArrayList<>();

  @AfterEach
  void close() throws Exception {
    for (AutoCloseable c : closing.reversed()) {
      c.close();
    }
  }

  private TestServer server(String name) throws Exception {
    TestServer s = new TestServer("127.0.0.1", name);
    closing.add(s);
    return s;
  }

  private Prober prober(Duration timeout, boolean keepalive, Target... targets) {
    Prober p =
        new Prober(
            new Prober.Settings(
                timeout, null, "/healthz", "X-IPng-Frontend", true, keepalive, "maglevt-test"),
            List.of(targets),
            1,
            System::currentTimeMillis);
    closing.add(p);
    return p;
  }

  private static Target target(int port, Kind kind) throws Exception {
    return new Target("web", InetAddress.getByName("127.0.0.1"), "tcp", port, kind);
  }

  private static Sample once(Prober p) throws Exception {
    return p.probe(0, p.loop()).get();
  }

  @Test
  void anHttpAnswerIsOkWithItsStatusAndTheTalliedHeader() throws Exception {
    TestServer s = server("nginx0-ams");
    Sample r = once(prober(Duration.ofSeconds(5), false, target(s.port(), Kind.HTTP)));
    assertThat(r.outcome()).isEqualTo(Outcome.OK);
    assertThat(r.status()).isEqualTo(200);
    assertThat(r.header()).isEqualTo("nginx0-ams");
    assertThat(r.latencyNanos()).isPositive();
  }

  @Test
  void a500IsAnHttpErrorAndStillTalliesTheBackend() throws Exception {
    TestServer s = server("nginx0-fra");
    s.mode = TestServer.Mode.ERROR_500;
    Sample r = once(prober(Duration.ofSeconds(5), false, target(s.port(), Kind.HTTP)));
    assertThat(r.outcome()).isEqualTo(Outcome.HTTP_ERR);
    assertThat(r.status()).isEqualTo(500);
    assertThat(r.header()).isEqualTo("nginx0-fra");
  }

  @Test
  void aResetAndAnEarlyCloseAreNetworkErrors() throws Exception {
    TestServer s = server("x");
    Prober p = prober(Duration.ofSeconds(5), false, target(s.port(), Kind.HTTP));
    s.mode = TestServer.Mode.RESET;
    Sample reset = once(p);
    assertThat(reset.outcome()).isEqualTo(Outcome.NET_ERR);
    assertThat(reset.header()).isNull();
    s.mode = TestServer.Mode.CLOSE;
    Sample closed = once(p);
    assertThat(closed.outcome()).isEqualTo(Outcome.NET_ERR);
    assertThat(closed.detail()).contains("closed before a complete response");
  }

  @Test
  void aRefusedConnectIsANetworkErrorForHttpAndTcp() throws Exception {
    int port;
    try (ServerSocket ss = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
      port = ss.getLocalPort();
    }
    Sample http = once(prober(Duration.ofSeconds(5), false, target(port, Kind.HTTP)));
    assertThat(http.outcome()).isEqualTo(Outcome.NET_ERR);
    assertThat(http.detail()).contains("refused");
    Sample tcp = once(prober(Duration.ofSeconds(5), false, target(port, Kind.TCP)));
    assertThat(tcp.outcome()).isEqualTo(Outcome.NET_ERR);
  }

  @Test
  void aStalledServerIsATimeoutAfterTheTimeout() throws Exception {
    TestServer s = server("x");
    s.mode = TestServer.Mode.STALL;
    Sample r = once(prober(Duration.ofMillis(300), false, target(s.port(), Kind.HTTP)));
    assertThat(r.outcome()).isEqualTo(Outcome.TIMEOUT);
    assertThat(r.latencyNanos()).isGreaterThanOrEqualTo(Duration.ofMillis(300).toNanos());
    assertThat(r.detail()).isEqualTo("no answer within 300ms");
  }

  @Test
  void aTcpConnectIsOkWithoutARequest() throws Exception {
    TestServer s = server("x");
    Sample r = once(prober(Duration.ofSeconds(5), false, target(s.port(), Kind.TCP)));
    assertThat(r.outcome()).isEqualTo(Outcome.OK);
    assertThat(r.status()).isZero();
    assertThat(r.header()).isNull();
  }

  @Test
  void withoutKeepaliveEveryProbeIsANewConnectionWithItReused() throws Exception {
    TestServer s = server("x");
    Prober off = prober(Duration.ofSeconds(5), false, target(s.port(), Kind.HTTP));
    for (int i = 0; i < 5; i++) {
      assertThat(once(off).outcome()).isEqualTo(Outcome.OK);
    }
    assertThat(s.requests.get()).isEqualTo(5);
    assertThat(s.connections.get()).isEqualTo(5);

    TestServer k = server("y");
    Prober on = prober(Duration.ofSeconds(5), true, target(k.port(), Kind.HTTP));
    for (int i = 0; i < 5; i++) {
      assertThat(once(on).outcome()).isEqualTo(Outcome.OK);
    }
    assertThat(k.requests.get()).isEqualTo(5);
    assertThat(k.connections.get()).isEqualTo(1);
  }

  @Test
  void aSlowAnswerAfterFastOnesIsASpikeInTheStatistics() throws Exception {
    TestServer s = server("x");
    Prober p = prober(Duration.ofSeconds(60), false, target(s.port(), Kind.HTTP));
    Board board = new Board(List.of(target(s.port(), Kind.HTTP)));
    // the warm-up: all successes, but on a loaded machine one of them may itself be slow enough to
    // be a spike (a spike is a success); the slow answer below is then made slower than all of them
    int warmUpSpikes = 0;
    long slowestWarmUp = 0;
    for (int i = 0; i < 20; i++) {
      Sample r = once(p);
      String cls = board.record(r);
      assertThat(cls).isIn("ok", "spike");
      warmUpSpikes += cls.equals("spike") ? 1 : 0;
      slowestWarmUp = Math.max(slowestWarmUp, r.latencyNanos());
    }
    // above FACTOR times the window's p50 and above its p99, whatever the warm-up measured
    long slowMillis =
        Math.max(1500, Duration.ofNanos((Spikes.FACTOR + 1) * slowestWarmUp).toMillis() + 1);
    s.mode = TestServer.Mode.SLOW;
    s.slowMillis = slowMillis;
    assertThat(board.record(once(p))).isEqualTo("spike");
    Stats.View v = board.snapshot().rows().get(0).stats();
    assertThat(v.spikes()).isEqualTo(warmUpSpikes + 1);
    assertThat(v.fail()).isZero();
    assertThat(v.max()).isGreaterThanOrEqualTo(Duration.ofMillis(slowMillis).toNanos());
    assertThat(v.last()).isEqualTo("spike");
    assertThat(board.snapshot().events().get(0).cls()).isEqualTo("spike");
  }
}
