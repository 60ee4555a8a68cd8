package ch.ipng.maglev.tester;

import ch.ipng.maglev.config.Backend;
import ch.ipng.maglev.config.Config;
import ch.ipng.maglev.config.Frontend;
import ch.ipng.maglev.config.HealthCheck;
import ch.ipng.maglev.config.ProbeType;
import ch.ipng.maglev.config.Protocol;
import java.net.InetAddress;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;

/**
 * The VIPs of one or more configs: frontends unioned in file order and de-duplicated by (address,
 * protocol, port), the first one kept; filtered by name; each classed HTTP, HTTPS or TCP.
 *
 * @param targets what is probed, in config order
 * @param skipped frontends that cannot be probed, each with the reason
 */
public record Targets(List<Target> targets, List<String> skipped) {

  public Targets {
    targets = List.copyOf(targets);
    skipped = List.copyOf(skipped);
  }

  private record Key(InetAddress address, Protocol protocol, int port) {}

  /** The targets of {@code configs}; {@code filter} (found anywhere in the name) may be null. */
  public static Targets of(
      List<Config> configs, @Nullable Pattern filter, Map<String, Kind> types) {
    List<Target> out = new ArrayList<>();
    List<String> skipped = new ArrayList<>();
    Set<Key> seen = new HashSet<>();
    for (Config config : configs) {
      for (Frontend f : config.frontends().values()) {
        if (filter != null && !filter.matcher(f.name()).find()) {
          continue;
        }
        if (!seen.add(new Key(f.address(), f.protocol(), f.port()))) {
          continue;
        }
        if (f.protocol() == Protocol.UDP) {
          skipped.add(f.name() + ": a udp frontend (maglevt probes over TCP)");
          continue;
        }
        if (f.port() == 0) {
          skipped.add(f.name() + ": port 0 (all ports): no port to probe");
          continue;
        }
        Kind kind = types.get(f.name());
        out.add(
            new Target(
                f.name(),
                f.address(),
                f.protocol().configName(),
                f.port(),
                kind != null ? kind : classify(f, config)));
      }
    }
    return new Targets(out, skipped);
  }

  /**
   * How a frontend is probed without {@code --type}: port 443 HTTPS, port 80 HTTP; otherwise by its
   * backends' health checks (any https check HTTPS, else any http check HTTP); else a TCP connect.
   */
  public static Kind classify(Frontend f, Config config) {
    if (f.port() == 443) {
      return Kind.HTTPS;
    }
    if (f.port() == 80) {
      return Kind.HTTP;
    }
    boolean http = false;
    for (Frontend.Pool pool : f.pools()) {
      for (String name : pool.backends().keySet()) {
        Backend b = config.backends().get(name);
        HealthCheck hc = b == null ? null : config.healthchecks().get(b.healthcheck());
        if (hc == null) {
          continue;
        }
        if (hc.type() == ProbeType.HTTPS) {
          return Kind.HTTPS;
        }
        http |= hc.type() == ProbeType.HTTP;
      }
    }
    return http ? Kind.HTTP : Kind.TCP;
  }
}
