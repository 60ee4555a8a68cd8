package ch.ipng.maglev.config;

import java.util.Locale;

/** The kinds of health check. */
public enum ProbeType {
  ICMP,
  TCP,
  HTTP,
  HTTPS;

  // Kept, not made per call: every probe's metrics name its type.
  private final String configName = name().toLowerCase(Locale.ROOT);

  /** The config spelling: "icmp", "tcp", "http", "https". */
  public String configName() {
    return configName;
  }

  public boolean needsPort() {
    return this != ICMP;
  }
}
