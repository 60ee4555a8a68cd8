package ch.ipng.maglev.daemon.dataplane;

import ch.ipng.maglev.vpp.api.VppConnection;
import ch.ipng.maglev.vpp.api.VppException;
import ch.ipng.maglev.vpp.lb.LbClient.VipKey;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import java.util.function.Supplier;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads VPP's four lb counters per VIP from the stats segment, indexed by the VIP pool index that
 * only the CLI tells. Runs on its own thread: the CLI answer can be large, and must not hold up the
 * writes.
 */
final class CounterScraper {
  private static final Logger logger = LoggerFactory.getLogger(CounterScraper.class);

  private final DataplaneObserver observer;
  private final Clock clock;
  private volatile @Nullable Counters counters;

  CounterScraper(DataplaneObserver observer, Clock clock) {
    this.observer = observer;
    this.clock = clock;
  }

  Optional<Counters> counters() {
    return Optional.ofNullable(counters);
  }

  /**
   * Scrapes over {@code link} and publishes the result, unless {@code current} has moved on from
   * that link meanwhile (a disconnect clears what was shown, and a late scrape must not bring it
   * back).
   */
  void scrape(
      VppLink link, Function<VipKey, String> frontendOf, Supplier<@Nullable VppLink> current) {
    try {
      Map<VipKey, VipFacts> facts = VipFacts.parse(VppConnection.await(link.lb().vipsVerbose()));
      long[][] c = link.stats().lbVipCounters();
      List<Counters.Vip> vips = new ArrayList<>();
      for (Map.Entry<VipKey, VipFacts> e : facts.entrySet()) {
        int i = e.getValue().index();
        long[] v = new long[4];
        for (int k = 0; k < 4; k++) {
          v[k] = i < c[k].length ? c[k][i] : 0;
        }
        vips.add(
            new Counters.Vip(
                VipId.of(e.getKey()), frontendOf.apply(e.getKey()), v[0], v[1], v[2], v[3]));
      }
      Counters next = new Counters(clock.instant(), vips);
      synchronized (this) {
        if (current.get() != link) {
          return; // disconnected meanwhile: nothing of this connection is shown any more
        }
        counters = next;
        observer.vipCounters(next);
      }
    } catch (VppException e) {
      logger.atWarn().setMessage("vpp-stats-failed").addKeyValue("error", e.getMessage()).log();
    }
  }

  /** VPP went away: no counters until the next scrape of a new connection. */
  synchronized void clear() {
    counters = null;
    observer.vppDisconnected();
  }
}
