package ch.ipng.maglev.common;

import java.io.IOException;
import java.io.InputStream;
import java.util.Properties;

/** The build's version, commit and date, written into the common jar by the build. */
public record Version(String version, String commit, String date) {
  private static final Version CURRENT = load();

  public static Version current() {
    return CURRENT;
  }

  /** "maglevd 1.2.3 (commit abc123, built 2026-11-25T00:00:00Z)". */
  public String describe(String program) {
    return program + " " + summary();
  }

  /** "1.2.3 (commit abc123, built 2026-11-25T00:00:00Z)". */
  public String summary() {
    return version + " (commit " + commit + ", built " + date + ")";
  }

  /** The User-Agent of HTTP probes. */
  public String userAgent() {
    return "vpp-maglev/" + version + " (+https://git.ipng.ch/ipng/vpp-maglev)";
  }

  private static Version load() {
    Properties p = new Properties();
    try (InputStream in = Version.class.getResourceAsStream("version.properties")) {
      if (in != null) {
        p.load(in);
      }
    } catch (IOException e) {
      // fall through to the defaults: a version is informative, never fatal
    }
    return new Version(
        clean(p.getProperty("version")),
        clean(p.getProperty("commit")),
        clean(p.getProperty("date")));
  }

  private static String clean(@org.jspecify.annotations.Nullable String v) {
    return v == null || v.isBlank() || v.startsWith("${") ? "unknown" : v;
  }
}
