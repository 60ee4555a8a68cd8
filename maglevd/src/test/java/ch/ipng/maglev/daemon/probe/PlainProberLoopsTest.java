package ch.ipng.maglev.daemon.probe;

import static org.assertj.core.api.Assertions.assertThat;

import ch.ipng.maglev.config.HealthCheck;
import ch.ipng.maglev.daemon.testing.Configs;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Plain probers fill one event loop before the next, and give their share back. */
class PlainProberLoopsTest {
  // 1 ms intervals: 1,000 probes/s each, so five fill a loop.
  private final HealthCheck fast = Configs.check("type: tcp\nport: 80\ninterval: 1ms");
  private Probers own;

  @BeforeEach
  void start() {
    org.junit.jupiter.api.Assumptions.assumeTrue(
        io.netty.channel.epoll.Epoll.isAvailable(),
        "skipped: plain probers are packed only on the epoll path, not available here");
    org.junit.jupiter.api.Assumptions.assumeTrue(
        Runtime.getRuntime().availableProcessors() > 1, "skipped: one event loop on this machine");
    own = Probers.of(ProbeNamespace.host(), "vpp-maglev/test", true);
  }

  @AfterEach
  void stop() {
    if (own != null) {
      own.close();
    }
  }

  /** Five fast probers: one loop full. */
  private List<Prober> fillOneLoop() {
    List<Prober> full = new ArrayList<>();
    for (int i = 0; i < 5; i++) {
      full.add(own.forCheck(fast));
    }
    return full;
  }

  @Test
  void plainProbers_fillOneLoopBeforeTheNext_andGiveTheirRoomBack() {
    List<Prober> first = fillOneLoop();
    assertThat(first).extracting(Prober::executor).containsOnly(first.get(0).executor());
    Prober sixth = own.forCheck(fast);
    assertThat(sixth.executor()).isNotSameAs(first.get(0).executor());
    first.get(0).release();
    first.get(0).release(); // twice gives back once
    assertThat(own.forCheck(fast).executor()).isSameAs(first.get(1).executor());
    assertThat(own.forCheck(fast).executor()).isSameAs(sixth.executor());
  }

  @Test
  void aProberWhoseIntervalGrew_leavesRoomOnItsLoop() {
    List<Prober> full = fillOneLoop();
    // one of them now probes once a second: its loop has room again (500/s of it)
    HealthCheck slow = Configs.check("type: tcp\nport: 80\ninterval: 1s");
    HealthCheck half = Configs.check("type: tcp\nport: 80\ninterval: 2ms");
    full.get(2).retune(slow);
    assertThat(own.forCheck(half).executor()).isSameAs(full.get(0).executor());
    // a retune after the release changes nothing: 1,000/s fits, 500/s more does not
    full.get(3).release();
    full.get(3).retune(slow);
    assertThat(own.forCheck(fast).executor()).isSameAs(full.get(0).executor());
    assertThat(own.forCheck(half).executor()).isNotSameAs(full.get(0).executor());
  }
}
