package ch.ipng.maglev.cli;

import java.io.IOException;
import java.io.InputStream;
import java.util.Properties;

/** maglevc's version, commit and build date, written into the jar by the build. */
final class Version {
  private Version() {}

  static String describe() {
    Properties p = new Properties();
    try (InputStream in = Version.class.getResourceAsStream("version.properties")) {
      if (in != null) {
        p.load(in);
      }
    } catch (IOException e) {
      // informative only
    }
    return clean(p.getProperty("version"))
        + " (commit "
        + clean(p.getProperty("commit"))
        + ", built "
        + clean(p.getProperty("date"))
        + ")";
  }

  private static String clean(String v) {
    return v == null || v.isBlank() || v.startsWith("${") ? "unknown" : v;
  }
}
