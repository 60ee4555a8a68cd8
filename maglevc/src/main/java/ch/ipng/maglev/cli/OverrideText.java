package ch.ipng.maglev.cli;

import ch.ipng.maglev.proto.BackendInfo;
import ch.ipng.maglev.proto.OverrideInfo;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/** Operator overrides as maglevc shows them: what, who, why, until when. */
final class OverrideText {
  private OverrideText() {}

  /**
   * One override in a line: {@code paused by peer 192.0.2.1:40312 "kernel upgrade" until
   * 2026-12-06T18:29:58Z (in 1h59m)}; a weight names its frontend and pool.
   */
  static String line(OverrideInfo o, long nowNanos) {
    String what =
        switch (o.getKind()) {
          case "pause" -> "paused";
          case "disable" -> "disabled";
          case "enable" -> "enabled";
          case "weight" -> "weight " + o.getWeight() + " in " + o.getFrontend() + "/" + o.getPool();
          default -> o.getKind();
        };
    return what
        + " by "
        + o.getActor()
        + (o.getReason().isEmpty() ? "" : " \"" + o.getReason() + "\"")
        + until(o, nowNanos);
  }

  static String until(OverrideInfo o, long nowNanos) {
    if (o.getUntilNs() == 0) {
      return ", no expiry";
    }
    long left = o.getUntilNs() - nowNanos;
    return " until "
        + Instant.ofEpochSecond(0, o.getUntilNs())
        + " (in "
        + Durations.human(java.time.Duration.ofNanos(Math.max(0, left)))
        + ")";
  }

  /** The overrides of a backend for one table cell: "-" when none. */
  static String cell(BackendInfo b, long nowNanos) {
    if (b.getOverridesCount() == 0) {
      return "-";
    }
    List<String> parts = new ArrayList<>();
    for (OverrideInfo o : b.getOverridesList()) {
      parts.add(line(o, nowNanos));
    }
    return String.join("; ", parts);
  }

  /** After a lifecycle command: " (paused by ... until ...)" for its override, or nothing. */
  static String suffix(BackendInfo b, long nowNanos) {
    for (OverrideInfo o : b.getOverridesList()) {
      if (!o.getKind().equals("weight")) {
        return " (" + line(o, nowNanos) + ")";
      }
    }
    return "";
  }
}
