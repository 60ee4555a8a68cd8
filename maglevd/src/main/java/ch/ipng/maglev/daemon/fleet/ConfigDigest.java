package ch.ipng.maglev.daemon.fleet;

import ch.ipng.maglev.config.Backend;
import ch.ipng.maglev.config.Config;
import ch.ipng.maglev.config.Frontend;
import ch.ipng.maglev.config.HealthCheck;
import ch.ipng.maglev.config.VppLbSettings;
import ch.ipng.maglev.vpp.maglev.TableDigest;
import com.google.common.net.InetAddresses;
import java.util.Map;
import java.util.TreeMap;

/**
 * A digest of the effective config (defaults filled in) over what should be the same on every
 * router of a fleet: frontends with their pools and weights, backends, health checks, the lb
 * timings and the checker's settings. Left out, because they differ between routers by design or do
 * not change behaviour: the GRE source addresses ({@code vpp.lb.ipv4-src-address} and {@code
 * ipv6-src-address}), the probes' source addresses, the checker's network namespace, and
 * descriptions. Two maglevds with the same digest route and health-check alike. A config field
 * added later that changes behaviour belongs in {@link #canonical}: it is listed field by field
 * (not a record's toString), so the digest stays the same across versions for the same config.
 */
public final class ConfigDigest {
  private ConfigDigest() {}

  /** The digest: 13 hex digits of the SHA-256 of {@link #canonical}. */
  public static String of(Config config) {
    return TableDigest.ofText(canonical(config));
  }

  /** The text the digest is taken of: one line per item, in a fixed order. */
  static String canonical(Config c) {
    StringBuilder s = new StringBuilder();
    VppLbSettings lb = c.vppLb();
    s.append("vpp.lb sync-interval=")
        .append(lb.syncInterval())
        .append(" sticky-buckets-per-core=")
        .append(lb.stickyBucketsPerCore())
        .append(" flow-timeout=")
        .append(lb.flowTimeout())
        .append(" startup-min-delay=")
        .append(lb.startupMinDelay())
        .append(" startup-max-delay=")
        .append(lb.startupMaxDelay())
        .append('\n');
    s.append("healthchecker transition-history=")
        .append(c.healthchecker().transitionHistory())
        .append(" self-suspicion=")
        .append(c.healthchecker().selfSuspicion())
        .append('\n');
    for (HealthCheck h : c.healthchecks().values()) {
      s.append("healthcheck ")
          .append(h.name())
          .append(" type=")
          .append(h.type())
          .append(" port=")
          .append(h.port())
          .append(" interval=")
          .append(h.interval())
          .append(" fast-interval=")
          .append(h.fastInterval())
          .append(" down-interval=")
          .append(h.downInterval())
          .append(" timeout=")
          .append(h.timeout())
          .append(" rise=")
          .append(h.rise())
          .append(" fall=")
          .append(h.fall())
          .append(" http=")
          .append(h.http())
          .append(" tcp=")
          .append(h.tcp())
          .append(" slow-start=")
          .append(h.slowStart())
          .append('\n');
    }
    for (Backend b : c.backends().values()) {
      s.append("backend ")
          .append(b.name())
          .append(" address=")
          .append(InetAddresses.toAddrString(b.address()))
          .append(" healthcheck=")
          .append(b.healthcheck())
          .append(" enabled=")
          .append(b.enabled())
          .append('\n');
    }
    for (Frontend f : new TreeMap<>(c.frontends()).values()) { // YAML order is no drift
      s.append("frontend ")
          .append(f.name())
          .append(" address=")
          .append(InetAddresses.toAddrString(f.address()))
          .append(" protocol=")
          .append(f.protocol())
          .append(" port=")
          .append(f.port())
          .append(" src-ip-sticky=")
          .append(f.srcIpSticky())
          .append(" flush-on-down=")
          .append(f.flushOnDown())
          .append(" on-all-down=")
          .append(f.onAllDown())
          .append(" min-healthy=")
          .append(f.minHealthy())
          .append(" max-drain=")
          .append(f.maxDrain())
          .append(" max-drain-window=")
          .append(f.maxDrainWindow())
          .append(" slow-start=")
          .append(f.slowStart())
          .append(" slow-start-max-churn=")
          .append(f.slowStartMaxChurn())
          .append('\n');
      for (Frontend.Pool p : f.pools()) {
        s.append("  pool ").append(p.name());
        for (Map.Entry<String, Integer> e : new TreeMap<>(p.backends()).entrySet()) {
          s.append(' ').append(e.getKey()).append('=').append(e.getValue());
        }
        s.append('\n');
      }
    }
    return s.toString();
  }
}
