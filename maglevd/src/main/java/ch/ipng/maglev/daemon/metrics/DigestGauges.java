package ch.ipng.maglev.daemon.metrics;

import ch.ipng.maglev.config.Config;
import ch.ipng.maglev.daemon.dataplane.DesiredVip;
import ch.ipng.maglev.daemon.dataplane.LbView;
import ch.ipng.maglev.daemon.fleet.ConfigDigest;
import ch.ipng.maglev.daemon.fleet.DigestMemo;
import ch.ipng.maglev.daemon.fleet.TableDigests;
import ch.ipng.maglev.daemon.model.LiveModel;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

/**
 * The fleet's digests as gauges whose value is the digest itself (52 bits, exact in a sample), so
 * PromQL compares routers with {@code max by (frontend) (…) != min by (frontend) (…)} without a new
 * series per digest (computed after a counter scrape that follows a /metrics scrape, and only for
 * tables whose ASes or weights changed since): {@code maglev_vip_table_digest{frontend, prefix,
 * protocol, port, table}}, table "vpp" (VPP's table) or "desired" (maglevd's), and {@code
 * maglev_config_digest}.
 */
final class DigestGauges {
  private final MeterRegistry registry;
  private final Map<String, Meter> meters = new HashMap<>();
  private final DigestMemo memo = DigestMemo.create();
  private volatile Map<String, Long> values = Map.of();
  private volatile long config;
  private final java.util.concurrent.atomic.AtomicBoolean wanted =
      new java.util.concurrent.atomic.AtomicBoolean(true);

  DigestGauges(MeterRegistry registry) {
    this.registry = registry;
    Gauge.builder("maglev.config.digest", () -> config)
        .description(
            "Digest of the effective config routers should share (maglevc show vpp lb state)")
        .register(registry);
  }

  void configApplied(Config c) {
    config = TableDigests.value(ConfigDigest.of(c));
  }

  /**
   * /metrics was scraped: the next counter scrape reads VPP's tables for the digests. A sample
   * therefore shows the tables as read after the scrape before it: at most one Prometheus interval
   * and one stats interval old; nothing is read while nobody scrapes.
   */
  void scraped() {
    wanted.set(true);
  }

  /**
   * Whether the tables are wanted: at start, and after a /metrics scrape until {@link #tables} took
   * a read (a read that failed leaves them wanted, so the next counter scrape tries again).
   */
  boolean wanted() {
    return wanted.get();
  }

  /** The digests of VPP's tables for {@code vips} and of the ones {@code model} wants. */
  synchronized void tables(List<LbView.Vip> vips, LiveModel model) {
    wanted.set(false);
    Map<String, Long> next = new HashMap<>();
    Map<String, String[]> tags = new HashMap<>();
    for (TableDigests.Vip v : TableDigests.of(vips, DesiredVip.all(model), memo)) {
      String[] vip = v.id().label().split(" ");
      for (String table : new String[] {"vpp", "desired"}) {
        String digest = table.equals("vpp") ? v.vpp() : v.desired();
        if (digest.isEmpty()) {
          continue;
        }
        String key = v.id().label() + " " + table + " " + v.frontend();
        next.put(key, TableDigests.value(digest));
        tags.put(
            key,
            new String[] {
              "frontend",
              v.frontend(),
              "prefix",
              vip[0],
              "protocol",
              vip[1],
              "port",
              vip[2],
              "table",
              table
            });
      }
    }
    values = Map.copyOf(next);
    for (Iterator<Map.Entry<String, Meter>> i = meters.entrySet().iterator(); i.hasNext(); ) {
      Map.Entry<String, Meter> e = i.next();
      if (!next.containsKey(e.getKey())) {
        registry.remove(e.getValue());
        i.remove();
      }
    }
    for (Map.Entry<String, String[]> e : tags.entrySet()) {
      String key = e.getKey();
      meters.computeIfAbsent(
          key,
          k ->
              Gauge.builder("maglev.vip.table.digest", this, g -> g.values.getOrDefault(k, 0L))
                  .description(
                      "Digest of a VIP's new-flow table: VPP's (table=vpp) or maglevd's"
                          + " (table=desired); equal digests, equal tables")
                  .tags(e.getValue())
                  .register(registry));
    }
  }

  /** VPP went away: no table digests until it is back. */
  synchronized void clear() {
    meters.values().forEach(registry::remove);
    meters.clear();
    values = Map.of();
  }
}
