package ch.ipng.maglev.config;

import ch.ipng.maglev.common.GoDuration;
import ch.ipng.maglev.config.YamlReader.Entry;
import java.net.Inet4Address;
import java.net.Inet6Address;
import java.time.Duration;
import java.util.Map;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * Decodes {@code maglev.vpp} and its {@code lb}: the lb plugin's global settings and maglevd's sync
 * timing. When maglevd programs VPP, both source addresses are required.
 */
final class VppLbDecoder {
  static final Set<String> VPP_KEYS = Fields.keys("lb");
  static final Set<String> KEYS =
      Fields.keys(
          "sync-interval",
          "ipv4-src-address",
          "ipv6-src-address",
          "sticky-buckets-per-core",
          "flow-timeout",
          "startup-min-delay",
          "startup-max-delay");
  private static final String NEEDED_FOR_VPP =
      "required when maglevd programs VPP, i.e. with a non-empty --vpp-api-addr";
  private static final Duration MIN_FLOW_TIMEOUT = Duration.ofSeconds(1);
  private static final Duration MAX_FLOW_TIMEOUT = Duration.ofMinutes(2);

  private final Fields f;
  private final ConfigLoader.Use use;

  VppLbDecoder(Fields f, ConfigLoader.Use use) {
    this.f = f;
    this.use = use;
  }

  /**
   * The settings from {@code maglev.vpp} ({@code vpp}, null when absent), with defaults for what is
   * missing or wrong; {@code maglev} is where a missing section is reported.
   */
  VppLbSettings decode(@Nullable Entry vpp, Entry maglev) {
    Map<String, Entry> m = vpp == null ? null : f.mapping(vpp, VPP_KEYS);
    if (m != null && m.containsKey("lb")) {
      return lb(m.get("lb"));
    }
    if (use == ConfigLoader.Use.PROGRAMS_VPP && (m != null || vpp == null)) {
      Entry at = vpp == null ? maglev : vpp;
      f.semantic(
          "maglev.vpp.lb",
          at.key(),
          "missing (expected: ipv4-src-address and ipv6-src-address, " + NEEDED_FOR_VPP + ")");
    }
    return VppLbSettings.defaults();
  }

  private VppLbSettings lb(Entry e) {
    VppLbSettings d = VppLbSettings.defaults();
    Map<String, Entry> m = f.mapping(e, KEYS);
    if (m == null) {
      return d;
    }
    Duration sync = f.positive(m.get("sync-interval"), d.syncInterval());
    Inet4Address v4 = f.ipv4(m.get(AddressFamily.IPV4.srcAddressKey()));
    Inet6Address v6 = f.ipv6(m.get(AddressFamily.IPV6.srcAddressKey()));
    if (use == ConfigLoader.Use.PROGRAMS_VPP) {
      for (AddressFamily family : AddressFamily.values()) {
        if (!m.containsKey(family.srcAddressKey())) {
          f.missing(
              e, family.srcAddressKey(), "an " + family.label() + " address, " + NEEDED_FOR_VPP);
        }
      }
    }
    long sticky = stickyBuckets(m.get("sticky-buckets-per-core"), d.stickyBucketsPerCore());
    Duration flowTimeout = flowTimeout(m.get("flow-timeout"), d.flowTimeout());
    Duration min = f.nonNegative(m.get("startup-min-delay"), d.startupMinDelay());
    Duration max = f.nonNegative(m.get("startup-max-delay"), d.startupMaxDelay());
    if (max.compareTo(min) < 0) {
      Entry at = m.containsKey("startup-max-delay") ? m.get("startup-max-delay") : e;
      f.semantic(
          at,
          "startup-max-delay: "
              + GoDuration.format(max)
              + " (expected: at least startup-min-delay, "
              + GoDuration.format(min)
              + ")");
    }
    return new VppLbSettings(sync, v4, v6, sticky, flowTimeout, min, max);
  }

  /** A power of 2 that fits VPP's u32, or {@code fallback}. */
  private long stickyBuckets(@Nullable Entry e, long fallback) {
    Long v = e == null ? null : f.integer(e);
    if (e == null || v == null) {
      return fallback;
    }
    if (v <= 0 || v > 0xFFFF_FFFFL || Long.bitCount(v) != 1) {
      f.semantic(e, "sticky-buckets-per-core: " + v + " (expected: a power of 2, e.g. 65536)");
      return fallback;
    }
    return v;
  }

  /** Whole seconds from 1s to 120s (VPP takes seconds), or {@code fallback}. */
  private Duration flowTimeout(@Nullable Entry e, Duration fallback) {
    Duration v = e == null ? null : f.duration(e);
    if (e == null || v == null) {
      return fallback;
    }
    if (v.compareTo(MIN_FLOW_TIMEOUT) < 0
        || v.compareTo(MAX_FLOW_TIMEOUT) > 0
        || v.toNanos() % 1_000_000_000L != 0) {
      f.semantic(
          e,
          "flow-timeout: " + GoDuration.format(v) + " (expected: whole seconds from 1s to 120s)");
      return fallback;
    }
    return v;
  }
}
