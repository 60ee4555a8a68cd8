package ch.ipng.maglev.config;

import ch.ipng.maglev.config.YamlReader.Entry;
import java.net.InetAddress;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/** Decodes {@code maglev.backends}: an address and the name of an existing health check each. */
final class BackendDecoder {
  static final Set<String> KEYS = Fields.keys("address", "healthcheck", "description", "enabled");

  private final Fields f;

  BackendDecoder(Fields f) {
    this.f = f;
  }

  /**
   * The backends of the section that decode, by name; {@code healthchecks} are the names a backend
   * may refer to.
   */
  Map<String, Backend> decode(Map<String, Entry> section, Set<String> healthchecks) {
    Map<String, Backend> out = new LinkedHashMap<>();
    for (Entry e : section.values()) {
      Backend b = backend(Fields.keyName(e), e, healthchecks);
      if (b != null) {
        out.put(b.name(), b);
      }
    }
    return out;
  }

  private @Nullable Backend backend(String name, Entry e, Set<String> healthchecks) {
    Map<String, Entry> m = f.mapping(e, KEYS);
    if (m == null) {
      return null;
    }
    InetAddress address = null;
    Entry addressEntry = m.get("address");
    if (addressEntry == null) {
      f.missing(e, "address", "an IPv4 or IPv6 address");
    } else {
      address = f.address(addressEntry);
    }
    String hc = healthcheck(e, m.get("healthcheck"), healthchecks);
    String description = f.optionalString(m.get("description"));
    boolean enabled = f.flag(m.get("enabled"), true);
    if (address == null || hc == null) {
      return null;
    }
    return new Backend(name, address, hc, description == null ? "" : description, enabled);
  }

  /** The name of the backend's check; a name not in the config is reported but still returned. */
  private @Nullable String healthcheck(Entry backend, @Nullable Entry e, Set<String> healthchecks) {
    if (e == null) {
      f.missing(backend, "healthcheck", "a health check name");
      return null;
    }
    String hc = f.string(e);
    if (hc != null && !healthchecks.contains(hc)) {
      f.semantic(e, "no such health check \"" + Text.shorten(hc) + "\"");
    }
    return hc;
  }
}
