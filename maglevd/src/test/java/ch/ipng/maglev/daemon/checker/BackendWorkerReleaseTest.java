package ch.ipng.maglev.daemon.checker;

import static org.assertj.core.api.Assertions.assertThat;

import ch.ipng.maglev.config.Backend;
import ch.ipng.maglev.config.HealthCheck;
import ch.ipng.maglev.daemon.health.Jitter;
import ch.ipng.maglev.daemon.probe.ProbeResult;
import ch.ipng.maglev.daemon.probe.Prober;
import ch.ipng.maglev.daemon.testing.Configs;
import java.net.InetAddress;
import java.util.SplittableRandom;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** A worker gives its prober back (its event loop's share) when it replaces or drops it. */
class BackendWorkerReleaseTest {
  private final ScheduledExecutorService loop = Executors.newSingleThreadScheduledExecutor();

  @AfterEach
  void stop() {
    loop.shutdownNow();
  }

  /** Never answers; counts its releases and keeps the intervals it was retuned to. */
  private final class CountingProber implements Prober {
    int released;
    final java.util.List<java.time.Duration> retunedTo = new java.util.ArrayList<>();

    @Override
    public void retune(HealthCheck check) {
      retunedTo.add(check.interval());
    }

    @Override
    public CompletableFuture<ProbeResult> probe(InetAddress target) {
      return new CompletableFuture<>();
    }

    @Override
    public ScheduledExecutorService executor() {
      return loop;
    }

    @Override
    public void release() {
      released++;
    }
  }

  private BackendWorker worker(Backend b, HealthCheck hc, Prober p) {
    return new BackendWorker(
        b, hc, p, 10, Jitter.of(new SplittableRandom(1)), ProbeListener.NONE, (n, t) -> {});
  }

  @Test
  void restartReleasesTheOldProber_removeAndShutdownTheCurrentOne() {
    Backend b = new Backend("b", InetAddress.getLoopbackAddress(), "hc", "", true);
    HealthCheck hc = Configs.check("type: tcp\nport: 80");
    CountingProber first = new CountingProber();
    CountingProber second = new CountingProber();
    BackendWorker w = worker(b, hc, first);

    w.restart(b, hc, second, 10);
    assertThat(first.released).isEqualTo(1);
    assertThat(second.released).isZero();

    w.remove();
    assertThat(second.released).isEqualTo(1);

    CountingProber third = new CountingProber();
    worker(b, hc, third).retireForShutdown();
    assertThat(third.released).isEqualTo(1);
  }

  @Test
  void anIntervalOnlyChange_keepsTheProber_andRetunesIt() {
    Backend b = new Backend("b", InetAddress.getLoopbackAddress(), "hc", "", true);
    CountingProber p = new CountingProber();
    BackendWorker w = worker(b, Configs.check("type: tcp\nport: 80\ninterval: 2s"), p);
    w.update(b, Configs.check("type: tcp\nport: 80\ninterval: 2s\nrise: 5"), 10);
    assertThat(p.retunedTo).isEmpty();
    w.update(b, Configs.check("type: tcp\nport: 80\ninterval: 500ms"), 10);
    assertThat(p.retunedTo).containsExactly(java.time.Duration.ofMillis(500));
    assertThat(p.released).isZero();
  }
}
