package ch.ipng.maglev.vppsim;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import ch.ipng.maglev.vpp.api.VppConnection;
import ch.ipng.maglev.vpp.api.VppException;
import ch.ipng.maglev.vpp.lb.LbClient;
import ch.ipng.maglev.vpp.lb.LbClient.Encap;
import ch.ipng.maglev.vpp.lb.LbClient.VipKey;
import ch.ipng.maglev.vpp.stats.StatsSegment;
import ch.ipng.maglev.vppsim.testing.SimProcess;
import java.net.InetAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The stats client reads maglev-vppsim's segment, received over the real SEQPACKET socket. */
class StatsSegmentTest {

  @Test
  void countersAppearWithTheFirstVipAndFollowTraffic(@TempDir Path dir) throws Exception {
    try (SimProcess sim = SimProcess.start(dir);
        VppConnection c =
            VppConnection.connect(
                sim.api(), "stats-test", Duration.ofSeconds(2), LbClient.REQUIRED)) {
      StatsSegment stats = StatsSegment.connect(sim.stats(), Duration.ofSeconds(1));
      assertThat(stats.scalar("/sys/boottime"))
          .isBetween(System.currentTimeMillis() / 1000 - 600, System.currentTimeMillis() / 1000);
      assertThat(stats.lbVipCounters()[0]).isEmpty();
      long heartbeat = stats.scalar("/sys/heartbeat");
      await().atMost(Duration.ofSeconds(5)).until(() -> stats.scalar("/sys/heartbeat") > heartbeat);

      LbClient lb = new LbClient(c);
      VipKey vip = new VipKey(InetAddress.getByName("192.0.2.10"), 32, 6, 80);
      VppConnection.await(lb.addVip(vip, Encap.GRE4, 1024, false));
      await().atMost(Duration.ofSeconds(5)).until(() -> stats.lbVipCounters()[1].length == 2);
      assertThat(sim.control("bump 1 1 32")).isEqualTo("ok");
      assertThat(sim.control("bump 1 0 32")).isEqualTo("ok");
      assertThat(sim.control("bump 1 3 4")).isEqualTo("ok");
      await()
          .atMost(Duration.ofSeconds(5))
          .untilAsserted(
              () -> {
                long[][] counters = stats.lbVipCounters();
                assertThat(counters[0][1]).isEqualTo(32);
                assertThat(counters[1][1]).isEqualTo(32);
                assertThat(counters[2][1]).isZero();
                assertThat(counters[3][1]).isEqualTo(4);
                assertThat(counters[1][0]).as("placeholder VIP 0").isZero();
              });
      assertThat(stats.scalar("/err/null-node/blackholed packets")).isEqualTo(4);
      assertThat(sim.control("bump 9 0 1")).startsWith("error: no VIP with index 9");
    }
  }

  @Test
  void readsStayConsistentWhileTheLayoutMoves(@TempDir Path dir) throws Exception {
    try (SimProcess sim = SimProcess.start(dir);
        VppConnection c =
            VppConnection.connect(
                sim.api(), "stats-test", Duration.ofSeconds(2), LbClient.REQUIRED)) {
      StatsSegment stats = StatsSegment.connect(sim.stats(), Duration.ofSeconds(1));
      long epoch = stats.epoch();
      AtomicBoolean stop = new AtomicBoolean();
      AtomicReference<Throwable> failure = new AtomicReference<>();
      AtomicInteger reads = new AtomicInteger();
      Thread reader =
          Thread.ofPlatform()
              .start(
                  () -> {
                    while (!stop.get()) {
                      try {
                        long[][] counters = stats.lbVipCounters();
                        // the four vectors always come from one layout: same length
                        for (long[] v : counters) {
                          if (v.length != counters[0].length) {
                            throw new AssertionError("torn read: lengths differ");
                          }
                        }
                        reads.incrementAndGet();
                      } catch (RuntimeException | AssertionError e) {
                        failure.set(e);
                        return;
                      }
                    }
                  });
      LbClient lb = new LbClient(c);
      for (int i = 1; i <= 20; i++) {
        VppConnection.await(
            lb.addVip(
                new VipKey(InetAddress.getByName("192.0.2." + i), 32, 6, 80),
                Encap.GRE4,
                16,
                false));
        int n = i + 1;
        await().atMost(Duration.ofSeconds(5)).until(() -> stats.lbVipCounters()[0].length == n);
      }
      stop.set(true);
      reader.join();
      assertThat(failure.get()).isNull();
      assertThat(reads.get()).isPositive();
      assertThat(stats.epoch()).isGreaterThan(epoch + 15);
    }
  }

  @Test
  void aMissingStatsSocketIsAClearError(@TempDir Path dir) {
    assertThatThrownBy(() -> StatsSegment.connect(dir.resolve("stats.sock"), Duration.ofSeconds(1)))
        .isInstanceOf(VppException.class)
        .hasMessageContaining("VPP stats socket " + dir.resolve("stats.sock"))
        .hasMessageContaining("connect");
  }
}
