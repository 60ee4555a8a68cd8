package ch.ipng.maglev.daemon.config;

import java.util.Locale;

/** The kinds of health check. */
public enum ProbeType {
  ICMP,
  TCP,
  HTTP,
  HTTPS;

  /** The config spelling: "icmp", "tcp", "http", "https". */
  public String configName() {
    return name().toLowerCase(Locale.ROOT);
  }

  public boolean needsPort() {
    return this != ICMP;
  }
}
