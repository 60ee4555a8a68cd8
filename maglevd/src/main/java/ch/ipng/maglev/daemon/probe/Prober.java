package ch.ipng.maglev.daemon.probe;

import java.net.InetAddress;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ScheduledExecutorService;

/**
 * Probes one target once. Implementations never reuse a connection, honour the check's timeout and
 * always complete the future (never exceptionally): every failure is a {@link ProbeResult}.
 */
public interface Prober {
  CompletableFuture<ProbeResult> probe(InetAddress target);

  /**
   * The event loop this prober's I/O runs on: scheduling the next probe here saves a thread hop per
   * probe. Its thread is a platform thread.
   */
  ScheduledExecutorService executor();

  /** Called once when the prober will not be asked again (a probe in flight still finishes). */
  default void release() {}

  /**
   * The check's intervals changed and its probe did not ({@link
   * ch.ipng.maglev.config.HealthCheck#sameProbe}): the prober stays, its rate is now this.
   */
  default void retune(ch.ipng.maglev.config.HealthCheck check) {}
}
